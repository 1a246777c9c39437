"""Title, outlet and date inference with provenance: hand-checkable cases."""
from analysis.ingest.metadata import canonical_outlet, infer_date, infer_source, infer_title


def src(text, fields=None):
    return infer_source(text, fields or {}, {"source": "field 'source'"} if fields else {})


def test_given_fields_win_and_say_so():
    inf = src("KABUL (Reuters) - text", {"source": "CNN (Web News)"})
    assert (inf.value, inf.how) == ("CNN", "given")
    assert "CNN (Web News)" in inf.evidence  # the original spelling is kept as evidence


def test_outlet_spellings_are_one():
    assert canonical_outlet("New York Times - Opinion") == "New York Times"
    assert canonical_outlet("New York Times (Online News)") == "New York Times"
    assert canonical_outlet("Fox Online News") == "Fox News"
    assert canonical_outlet("Newsmax - News") == canonical_outlet("Newsmax (News)") == "Newsmax"


def test_outlet_named_by_its_website_line():
    text = "Body text.\n\nDaily Example’s website can also be accessed at:\n\nwww.dailyexample.com"
    inf = src(text)
    assert (inf.value, inf.how) == ("Daily Example", "text")
    assert "www.dailyexample.com" in inf.evidence


def test_outlet_describing_itself():
    inf = src("Title here\n\nKabul Times is the leading news agency of Afghanistan.\n\nBody.")
    assert (inf.value, inf.how) == ("Kabul Times", "text")


def test_wire_dateline():
    inf = src("KABUL (Reuters) - The Taliban said on Monday ...")
    assert (inf.value, inf.how) == ("Reuters", "text")
    assert "dateline" in inf.evidence


def test_photo_credit_and_dateline_are_not_outlets():
    inf = src("A caption of a crowd. (photo credit: REUTERS)\n\nHerat: Officials said on Monday.")
    assert inf.value is None and inf.how == "unknown"
    assert "REUTERS appears only as a photo credit" in inf.evidence
    inf = src("AFGHANISTAN. Herat: After the talks, officials met.")
    assert inf.value is None and "'Herat:' is a dateline" in inf.evidence


def test_title_first_line_headline_or_unknown():
    t = infer_title("News / World\n\nLeaders meet in Brussels over Afghanistan\n\nBody starts.", {}, {})
    assert (t.value, t.how) == ("Leaders meet in Brussels over Afghanistan", "text")
    t = infer_title("The ministers met on Friday and agreed a plan.\nMore text.", {}, {})
    assert t.value is None and t.how == "unknown"


def test_weekday_dates_events_not_the_publication():
    # 13 August 2021 was a Friday: one "on Friday" beside a caption's date is weak support
    # (a file photo, an older event): unknown, with the agreement in the reason
    d = infer_date("Photo taken on August 13, 2021.\n\nThe city fell on Friday, officials said.", {}, {})
    assert (d.value, d.how) == (None, "unknown")
    assert "agrees with 'August 13, 2021'" in d.evidence and "not the publication" in d.evidence
    # the day the article keeps returning to (three times) is taken, with the count
    news_day = ("Fighters in Kandahar on August 13, 2021. (Photo by AFP)\n\nThe city fell on Friday, officials said."
                "\n\nTroops left on Friday morning.\n\nThe minister spoke on Friday.")
    d = infer_date(news_day, {}, {})
    assert (d.value, d.how) == ("2021-08-13", "text") and "Friday named 3 times" in d.evidence
    # ... unless a weekday is written beside a date: "on Tuesday, Sept. 11, 2012" dates an event
    d = infer_date("Attackers stormed the compound on Tuesday, Sept. 11, 2012.\n\nHe spoke on Tuesday.\n\n"
                   "Talks resumed on Tuesday.\n\nOn Tuesday, they met again.", {}, {})
    assert d.value is None
    # 16 August 2021 was a Monday: 'on Tuesday' does not fall on it -> unknown
    d = infer_date("Photo of August 16, 2021.\n\nNATO said on Tuesday that ...", {}, {})
    assert d.value is None and d.how == "unknown"
    d = infer_date("Ministers met on Friday. Last Sunday there were no troops.", {}, {})
    assert d.value is None
    # a later date in the text: the Friday is an earlier event, not the day of publication
    d = infer_date("Photo taken on August 13, 2021.\n\nThe city fell on Friday.\n\nTalks are due on August 30, 2021.",
                   {}, {})
    assert d.value is None


def test_dates_publishers_write():
    d = infer_date("Title\n\nMOSCOW, March 25. /TASS/. Talks begun on March 20, 2019 went on.", {}, {})
    assert (d.value, d.how) == ("2019-03-25", "text") and "the year from a date in the text" in d.evidence
    d = infer_date("Title\n\nBody.\n\n(China Daily European Weekly 12/30/2016 page1)", {}, {})
    assert d.value == "2016-12-30" and "credit line" in d.evidence
    d = infer_date("Title\n\nBody.", {"url": "https://www.cnn.com/2019/06/04/politics/x/index.html"}, {})
    assert d.value == "2019-06-04" and "'/2019/06/04'" in d.evidence
    d = infer_date("Headline\nUpdated: March 4, 2020\nPublished: March 3, 2020\nBody.", {}, {})
    assert d.value == "2020-03-03"       # the publication before an update


def test_header_date_contradicted_by_content_is_not_published():
    text = ("Friday, April 19, 2024\n\nLeaders to meet in London\n\n"
            "The leaders meet on 3rd and 4th of December in London, he said on Friday.")
    d = infer_date(text, {}, {})
    assert d.value is None and "crawl date" in d.evidence
    ok = "Friday, April 19, 2024\n\nLeaders meet\n\nThe meeting on April 18 was long."
    assert infer_date(ok, {}, {}).value == "2024-04-19"


def test_stated_date_line():
    d = infer_date("Headline here\nPublished: March 3, 2020\nBody.", {}, {})
    assert (d.value, d.how) == ("2020-03-03", "text")
    # an update is not the publication: unknown, the update named in the reason
    d = infer_date("Headline here\nUpdated June 17, 2020.\nProtesters gathered on June 16, 2020 downtown.", {}, {})
    assert d.value is None and "is an update, not the publication" in d.evidence
    for line in ["Published: Friday, March 3, 2020 at 5:30 p.m. EST", "Posted: Mar. 3, 2020 10:04 am ET",
                 "Published March 3, 2020 | Updated March 4, 2020", "Published 2020-03-03 by Jane Roe"]:
        assert infer_date(f"Headline here\n{line}\nBody.", {}, {}).value == "2020-03-03", line
    # an event notice's "Date:", a sentence that starts with "Published": not the page's publication
    for line in ["Date: Saturday, June 5, 2021", "Published in 1998 by Knopf, the book was reissued on June 5, 2012"]:
        d = infer_date(f"Headline here\n{line}\nThe hall opens at noon.", {}, {})
        assert d.value is None and d.how == "unknown", (line, d)


def test_stated_date_line_with_a_time_first_or_a_numeric_date():
    for line in ["Published 3:14 p.m. ET, Tue March 3, 2020", "Posted: 10:05 AM EST Mar 3, 2020",
                 "First published on Tue 3 Mar 2020 05.00 EST", "Posted: 03/03/2020",
                 "Posted: 2020-03-03"]:
        assert infer_date(f"Headline here\n{line}\nBody.", {}, {}).value == "2020-03-03", line
    # a numeric date whose day and month can be told apart; else unknown ("03/02": March 2 or 3 February)
    assert infer_date("Headline here\nPosted: 03/22/2020\nBody.", {}, {}).value == "2020-03-22"
    d = infer_date("Headline here\nPosted: 03/02/2020\nBody.", {}, {})
    assert d.value is None and d.how == "unknown"
    # an update with a time first is still an update, not the publication
    d = infer_date("Headline here\nUpdated 3:14 p.m. ET, Mon March 2, 2020\nBody.", {}, {})
    assert d.value is None and "is an update, not the publication" in d.evidence


def test_byline_date_lines():
    for line, day in [("By John Stossel - August 22, 2012", "2012-08-22"),
                      ("By Doug Powers • March 25, 2016 05:37 PM", "2016-03-25"),
                      ("Latin America • April 10, 2015 • Sabrina Fernandes", "2015-04-10")]:
        d = infer_date(f"Taxes and the economy\n{line}\nThe economy grew in the second quarter.", {}, {})
        assert (d.value, d.how) == (day, "text") and "byline date" in d.evidence, line
    # a date inside a sentence or a caption is an event's, not a byline's
    for line in ["Senator Smith speaks in Washington, April 10, 2015. (Jane Roe/Reuters)",
                 "The treaty was ratified on March 16, 1978 by the Senate - 68 to 22."]:
        assert infer_date(f"Title here\n{line}\nMore text follows.", {}, {}).value is None, line


def test_given_dates_malformed_are_unknown_with_reason():
    assert infer_date("x", {"date": "2016-09-20"}, {}).value == "2016-09-20"
    for bad, why in [("9/6/17", "ambiguous"), ("0001-01-01", "out of range"), ("2050-01-01", "out of range"),
                     ("soon", "not a recognised date")]:
        d = infer_date("x", {"date": bad}, {})
        assert d.value is None and d.how == "unknown" and why in d.evidence, (bad, d)
    assert infer_date("x", {"date": "25/12/2019"}, {}).value == "2019-12-25"  # unambiguous
