"""Publisher conventions: one small article per convention, and the places where a name is
not the publisher. Values checkable by reading the text."""
import datetime as dt

import pytest

from analysis.ingest.outlets import TABLE, OutletTable, load_outlets, read_outlets
from analysis.ingest.dates import date_in_url
from analysis.ingest.publisher import date_from_cues, decide_outlet, find_cues

BODY = "The council met for three hours and agreed a plan.\n\nMinisters said more talks would follow."


def outlet(text, table=None):
    return decide_outlet(find_cues(text, table=table))


@pytest.mark.parametrize("text, name, kind", [
    ("Title\n\nWashington (CNN)The brazen daytime slaying shocked the city.\n\n" + BODY, "CNN", "dateline"),
    ("Title\n\n(CNN)The captain of the ship said.\n\n" + BODY, "CNN", "lead tag"),
    ("Title\n\n" + BODY + "\n\nSource:-Al Jazeera and news agencies", "Al Jazeera", "source line"),
    ("Title\n\n" + BODY + "\n\n(China Daily European Weekly 12/30/2016 page1)", "China Daily", "credit line"),
    ("Title\n\n" + BODY + "\n\nProvided to China Daily", "China Daily", "credit line"),
    ("Title\n\n" + BODY + "\n\nABC News' Joshua Hoyos contributed to this report.", "ABC News", "contributor line"),
    ("Title\n\n" + BODY + "\n\nCopyright © 2019 The Washington Times, LLC. Click here for reprint permission.",
     "The Washington Times", "copyright line"),
    ("Title\n\nThe opinions expressed are their own and do not represent the views of Townhall.com.\n\n" + BODY,
     "Townhall", "disclaimer"),
    ("Title\n\n" + BODY + "\n\nYou can follow BBC Trending on Twitter @BBCtrending, and find us on Facebook. "
     "All our stories are at bbc.com/trending.", "BBC News", "own domain"),
    # the page speaking for itself: its staff, its editorial board, its own request for comment, a call to support it
    ("Title\n\n" + BODY + "\n\nABC News' Benjamin Siegel and Dr. Jessica Johnson contributed to this report.",
     "ABC News", "contributor line"),
    ("Title\n\n" + BODY + "\n\n— Additional reporting by CNBC's Eamon Javers.", "CNBC", "contributor line"),
    ("Title\n\n" + BODY + "\n\nThis commentary is from The Chronicle’s editorial board. We invite you to express "
     "your views in a letter to the editor. Please submit your letter via our online form: SFChronicle.com/letters.",
     "San Francisco Chronicle", "editorial board line"),
    ("Title\n\n" + BODY + "\n\nThe senator and his aides declined The Hill’s request for comment.",
     "The Hill", "request for comment"),
    ("Title\n\n" + BODY + "\n\nFor indispensable reporting on the coronavirus crisis and more, subscribe to "
     "Mother Jones' newsletters.", "Mother Jones", "self-promotion"),
    ("Title\n\n" + BODY + "\n\nRead more of Slate’s coverage of the 2016 campaign.", "Slate", "self-promotion"),
    ("Title\n\n" + BODY + "\n\nSubscribe to Lakeside Ledger. Every dollar we make funds reporting from the "
     "county’s towns.", "Lakeside Ledger", "self-promotion"),
    ("Title\n\n" + BODY + "\n\nIndictment Affidavit by TechCrunch on Scribd", "TechCrunch", "document embed"),
    ("Title\n\n" + BODY + "\n\nThis article appears in the December 5, 2016, issue of National Review.",
     "National Review", "print issue line"),
    ("Title\n\nBy Jane Roe, Daily Planet News\n\n" + BODY, "Daily Planet News", "byline"),
    ("Title\n\n" + BODY + "\n\nWrite to Jane Roe at jane.roe@wsj.com", "Wall Street Journal", "staff e-mail"),
    ("Title\n\n" + BODY + "\n\nViews expressed in this article do not necessarily reflect the views of "
     "The Epoch Times.", "The Epoch Times", "disclaimer"),
])
def test_each_convention_names_the_publisher(text, name, kind):
    value, evidence = outlet(text)
    assert value == name, evidence
    assert evidence.startswith(kind), evidence


def test_wire_dateline_is_the_outlet_marked_as_wire_copy():
    value, evidence = outlet("Title\n\nMOSCOW, March 25. /TASS/. The European Union of today is weak.\n\n" + BODY)
    assert value == "TASS" and evidence.startswith("wire copy from TASS: dateline 'MOSCOW, March 25. /TASS/.'")
    value, evidence = outlet("Title\n\nKABUL (AP) — The Taliban entered the city.\n\n" + BODY)
    assert value == "Associated Press" and "'AP' is Associated Press in the outlet table" in evidence


def test_wire_copy_in_a_publishers_page_keeps_the_publisher():
    text = ("Title\n\nWASHINGTON (AP) — The Senate voted.\n\n" + BODY +
            "\n\nCopyright © 2019 The Washington Times, LLC.")
    value, evidence = outlet(text)
    assert value == "The Washington Times"
    assert "also wire copy from Associated Press: dateline 'WASHINGTON (AP) —'" in evidence


def test_two_publishers_conflict_and_both_are_in_the_evidence():
    text = "Title\n\nWASHINGTON (CNN) - The vote.\n\n" + BODY + "\n\nFox News' Bob Smith contributed to this report."
    value, evidence = outlet(text)
    assert value is None
    assert "conflicting publisher cues" in evidence and "CNN: dateline" in evidence and "Fox News: contributor" in evidence


@pytest.mark.parametrize("text", [
    "Title\n\nOfficials cited the EPA's website in a statement.\n\n" + BODY,           # a name in the body
    "Title\n\nA crowd at the gate. (photo credit: REUTERS)\n\n" + BODY,               # a photo credit
    "Title\n\nImage copyright AFP\n\n" + BODY,                                        # an image credit
    "Title\n\n(New York) – The group said.\n\n" + BODY,                               # a place, not an outlet
    "Title\n\nSen. Ted Cruz (R-Texas) — said the vote was wrong.\n\n" + BODY,          # a party tag
    "Title\n\nZionist Organization of America (ZOA) - The group said.\n\n" + BODY,     # an acronym's expansion
    "Title\n\n" + BODY + "\n\nCOPYRIGHT 2017 CREATORS.COM",                           # a syndicate: not the outlet
    "Title\n\n" + BODY + "\n\nIt originally appeared on abcnews.go.com",                  # copied from elsewhere
    "Title\n\n" + BODY + "\n\nReuters reported the talks on Monday, officials said at length in a statement.",
    # a name line that introduces a transcript, deep in the lead, is not a masthead
    "Title\n\nThe host praised the president.\n\nHere is the transcript.\n\nMSNBC\n\nMorning Joe\n\n3/17/20\n\n"
    + BODY + "\n\nThe segment ran long.\n\nViewers wrote in.",
    # another site's player, a tweet, a cited domain
    "Title\n\n" + BODY + "\n\nWatch the latest video at video.foxnews.com",
    "Title\n\n" + BODY + "\n\nRT @someone: You know who else had one? http://www.independent.co.uk/news/x …",
    "Title\n\n" + BODY + "\n\nThe group's spokesman told CBSNews.com it would fight.",
    # a bio naming two outlets, a former role, a sentence about someone else's staff
    "Title\n\n" + BODY + "\n\nRamesh Ponnuru is a Bloomberg Opinion columnist. He is a senior editor at National Review.",
    "Title\n\n" + BODY + "\n\nAlicia Shepard is a veteran media writer and a former ombudsman for NPR.",
    "Title\n\n" + BODY + "\n\nDana Milbank and Ruth Marcus are both reporters-turned-columnists at The Washington Post.",
    # a document's uploader is a person; a call to like someone is not a promotion
    "Title\n\n" + BODY + "\n\nWarrant Affidavit by Jane Mali on Scribd",
    "Title\n\n" + BODY + "\n\nLike Dan Rather, the CNN Investigates team was undone by the belief.",
    "Title\n\n" + BODY + "\n\nHe said the National Enquirer's parent company wanted him to stop.",
    # a body sentence about someone's website; an embedded tweet speaks for its author
    "Title\n\n" + BODY + "\n\nThe FDA’s website also has an answer for people who ask about the drug.",
    "Title\n\n" + BODY + "\n\nNational Review is a failing publication that has lost its way. Sad! — Donald J. Trump "
    "(@realDonaldTrump) January 22, 2016",
])
def test_names_where_publishers_do_not_put_themselves_are_not_the_outlet(text):
    assert outlet(text)[0] is None


def test_a_contributing_outlet_is_noted_not_taken():
    value, evidence = outlet("Title\n\n" + BODY + "\n\nThe Associated Press contributed to this report.")
    assert value is None and "Associated Press contributed" in evidence


def test_an_outlet_the_table_does_not_know_is_read_from_its_tag(tmp_path):
    value, _ = outlet("Title\n\nLAGOS (Naija Wire) - The governor spoke.\n\n" + BODY)
    assert value == "Naija Wire"
    user = tmp_path / "outlets.csv"
    user.write_text("name,kind,variants,domains\nNaija Wire,wire,NW,naijawire.ng\n", encoding="utf-8")
    table = load_outlets(str(user))
    value, evidence = outlet("Title\n\nLAGOS (NW) - The governor spoke.\n\n" + BODY, table)
    assert value == "Naija Wire" and evidence.startswith("wire copy from Naija Wire")


def test_outlet_spellings_are_one_with_the_rule():
    table = OutletTable(read_outlets(TABLE))
    assert table.canonical("CNN (Web News)") == ("CNN", "'CNN (Web News)' is CNN with a section qualifier (outlet table)")
    assert table.canonical("Fox Online News")[0] == "Fox News"
    assert table.canonical("New York Times - Opinion")[0] == "New York Times"
    assert table.canonical("The Associated Press")[0] == "Associated Press"
    assert table.canonical("Daily Example")[0] == "Daily Example"
    assert table.by_domain("https://politicalticker.blogs.cnn.com/2012/x").name == "CNN"


def test_dates_from_conventions():
    text = "Title\n\nMOSCOW, March 25. /TASS/. Talks that began on March 20, 2019 went on.\n\n" + BODY
    assert date_from_cues(find_cues(text), text)[0] == dt.date(2019, 3, 25)
    text = "Title\n\nMOSCOW, March 25. /TASS/. Talks went on.\n\n" + BODY    # no year in the text
    date, why = date_from_cues(find_cues(text), text)
    assert date is None and "no date in the text gives its year" in why
    text = "Title\n\n" + BODY + "\n\n(China Daily European Weekly 12/30/2016 page1)"
    assert date_from_cues(find_cues(text), text)[0] == dt.date(2016, 12, 30)
    assert date_in_url("http://www.washingtontimes.com/news/2014/may/17/mccain/")[0] == dt.date(2014, 5, 17)
    assert date_in_url("https://www.cnn.com/2019/06/04/politics/x/index.html")[0] == dt.date(2019, 6, 4)
    assert date_in_url("https://example.com/2019/06/")[0] is None


def test_the_seeds_read_as_before():
    from pathlib import Path

    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in (Path(__file__).parent.parent / "seeds").glob("*.txt")}
    assert outlet(seeds["003"])[0] == "Khaama Press"
    value, evidence = outlet(seeds["004"])
    assert value == "Press TV" and "www.presstv.ir" in evidence
    assert outlet(seeds["000"])[0] is None      # its "(photo credit: REUTERS)" is not the outlet


def test_outlets_csv_beside_the_corpus_extends_the_table(tmp_path):
    from analysis.build.pipeline import read_articles

    (tmp_path / "a.txt").write_text("Governor speaks\n\nLAGOS (NW) - The governor spoke.\n\n" + BODY, encoding="utf-8")
    (tmp_path / "outlets.csv").write_text("name,kind,variants,domains\nNaija Wire,wire,NW,naijawire.ng\n",
                                          encoding="utf-8")
    articles, errors = read_articles([str(tmp_path)])
    assert errors == []
    art = articles.iloc[0]
    assert art["source"] == "Naija Wire" and art["source_evidence"].startswith("wire copy from Naija Wire")
