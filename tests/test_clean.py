"""Page furniture is removed, kept aside with its reason, and the text is untouched otherwise."""
from analysis.ingest.clean import clean_text

PAGE = """News / World
Leaders meet over Afghanistan
Soldiers at the gate in Kabul on May 1, 2021. (photo credit: REUTERS)
Soldiers at the gate in Kabul on May 1, 2021.
The talks began on Monday in Doha.
- Advertisement -
Please enter your comment!
Captcha verification failed!
SHARE THIS ARTICLE
Daily Example
Daily Example is the leading news site of the region.
Comments are closed.
The talks ended on Tuesday."""


def test_furniture_removed_and_kept_with_reason():
    c = clean_text(PAGE, outlet_names=("Daily Example",), title="Leaders meet over Afghanistan")
    # a photo caption is text (its places count), printed once; its credit is furniture
    assert c.lines == ["Soldiers at the gate in Kabul on May 1, 2021.",
                       "The talks began on Monday in Doha.", "The talks ended on Tuesday."]
    reasons = dict((line, why) for line, why in c.removed)
    assert reasons["News / World"] == "site navigation"
    assert reasons["Leaders meet over Afghanistan"] == "title"
    assert reasons["Soldiers at the gate in Kabul on May 1, 2021."] == "repeated line"
    assert reasons["(photo credit: REUTERS)"] == "photo credit"
    assert reasons["- Advertisement -"] == "advertisement"
    assert reasons["Captcha verification failed!"] == "captcha"
    assert reasons["SHARE THIS ARTICLE"] == "share prompt"
    assert reasons["Daily Example"] == "outlet name"
    assert reasons["Comments are closed."] == "comment form"
    assert len(c.removed) == 11


def test_subheadings_and_quotes_are_kept():
    text = 'Germany reducing embassy staff\n"We will leave," he said.\nTaliban warns'
    assert clean_text(text).lines == text.split("\n")


def test_a_flattened_slideshow_is_furniture_a_refrain_is_not():
    from analysis.ingest.clean import furniture_reason
    slides = " ".join(f"Photos: Donald Trump's rise Picture {i} of the rally. Hide Caption {i} of 5" for i in range(1, 6))
    assert furniture_reason(slides) == "slideshow ('photos donald trump s rise' 5 times)"
    refrain = " ".join(f"I have a dream that one day {x}." for x in ("the nation", "the hills", "the state", "my children"))
    assert furniture_reason(refrain) is None


def test_contributor_lines_are_furniture_a_sentence_about_reporting_is_not():
    from analysis.ingest.clean import furniture_reason
    for line in ["The Associated Press contributed to this report.",
                 "Fox News’ Jason Donner and Paul Steinhauser contributed to this report.",
                 "Contributing: Nicholas Wu in Washington", "Reporting by Steve Holland; Editing by Peter Cooney"]:
        assert furniture_reason(line) == "contributor line", line
    for line in ["Reporting by the team showed that the war was long.", "He contributed to the report on climate, she said."]:
        assert furniture_reason(line) is None, line


def test_a_sentence_that_starts_with_the_outlet_name_is_text_its_self_description_is_not():
    from analysis.ingest.clean import furniture_reason
    names = ("Fox News", "Khaama Press")
    assert furniture_reason("Fox News is told by Kurdish officials in the area that they have received the supplies.",
                            outlet_names=names) is None
    assert furniture_reason("Khaama Press is an Afghan news agency based in Kabul.", outlet_names=names) == "outlet name"
