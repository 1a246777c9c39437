"""Weak self-references (analysis.ingest.publisher_weak) on outlets the outlet table has never
seen: a small corpus of bare .txt articles of invented outlets, one file per convention pair,
read by the real ingest stage (analysis.build.pipeline.read_articles). One weak cue alone
leaves the outlet unknown, with the name in the evidence; two of different conventions that
agree name it, both in the evidence; a wire's dateline then stays in the evidence as wire copy."""
import pytest

from analysis.build.pipeline import read_articles
from tests.corpus_util import read_invented

BODY = "The council met for three hours and agreed a plan.\n\nMinisters said more talks would follow."
COPYRIGHT = "© 2019 Harbor Lights. All rights reserved."

NAMED = {   # file: (text, outlet, what the evidence holds)
    "copyright_and_newsletter": ("Budget\n\n" + BODY + "\n\nSign up for the Harbor Lights newsletter.\n\n" + COPYRIGHT,
                                 "Harbor Lights", "copyright line"),
    "photo_and_bio": ("Storm\n\nThe pier after the storm. (Jane Doe/The Lakeside Ledger)\n\n" + BODY
                      + "\n\nJohn Roe is a senior editor at The Lakeside Ledger.", "The Lakeside Ledger", "staff bio"),
    "bio_and_staff_address": ("Fire\n\n" + BODY + "\n\nJohn Roe is a North Valley Courier columnist.\n\nEmail: "
                              "jroe@nvcourier.com", "North Valley Courier", "staff address"),
    "illustration_and_app": ("Apps\n\nPhoto illustration by Zephyrline. Photos by a stock agency.\n\n" + BODY
                             + "\n\nFor more of Zephyrline’s news coverage, listen to our podcast.", "Zephyrline",
                             "photo illustration credit"),
    "board_and_masthead": ("Endorsement\n\nThe Lakeside Ledger editorial board endorses the mayor.\n\n" + BODY
                           + "\n\nLAKESIDE LEDGER", "Lakeside Ledger", "editorial board"),
    "embed_and_social": ("Lawsuit\n\n" + BODY + "\n\nCourt filing… by Harbor Lights on Scribd\n\n"
                         "Follow Harbor Lights News on Twitter.", "Harbor Lights", "document embed"),
    "staff_credit_and_learned": ("Schools\n\nThe district will close two schools, Harbor Lights has learned.\n\n" + BODY
                                 + "\n\nHarbor Lights reporter Jane Doe contributed to this report.", "Harbor Lights",
                                 "newsroom idiom"),
    "short_and_long_name": ("Column\n\n" + BODY + "\n\nJohn Roe is a Harbor columnist.\n\nSign up for the Harbor "
                            "Weekend opinion newsletter.", "Harbor", "two conventions agree"),
    # the page carries a wire's story, and names itself twice: the page, the wire noted
    "wire_copy_carried": ("Vote\n\nLONDON (AP) - The vote was close.\n\n" + BODY + "\n\nSign up for the Harbor "
                          "Lights newsletter.\n\n" + COPYRIGHT, "Harbor Lights", "wire copy from Associated Press"),
}
UNNAMED = {   # file: (text, what the evidence says)
    "copyright_alone": ("Budget\n\n" + BODY + "\n\n" + COPYRIGHT, "Harbor Lights not taken: copyright line"),
    "photo_credits_of_one_agency": ("Storm\n\nThe pier. (Jane Doe/Zephyr Daily)\n\n" + BODY
                                    + "\n\nThe beach. (John Roe/Zephyr Daily)",
                                    "Zephyr Daily not taken: staff photo credit"),
    "two_names": ("Budget\n\n" + BODY + "\n\nSign up for the Harbor Lights newsletter.\n\n© 2019 Lakeside Ledger.",
                  "not taken"),
    "followed_person": ("Budget\n\n" + BODY + "\n\nFollow Jane Doe on Twitter.\n\nJohn Roe is a Jane Doe reporter.",
                        "no line where publishers name themselves names one"),
    "columnist_bio_with_address": ("Column\n\n" + BODY + "\n\nJohn Roe is a North Valley Courier columnist. Email: "
                                   "jroe@nvcourier.com", "not taken: staff bio"),    # a syndicated column's home paper
    "parent_address": ("Column\n\n" + BODY + "\n\nJohn Roe is a writer for Lakeside Ledger National. Email: "
                       "jroe@lakesidedigital.com", "not taken: staff bio"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return read_invented(tmp_path_factory.mktemp("weak"), {name: text for name, (text, *_) in {**NAMED, **UNNAMED}.items()})


@pytest.mark.parametrize("name", sorted(NAMED))
def test_two_agreeing_weak_cues_name_the_outlet(corpus, name):
    _, outlet, said = NAMED[name]
    art = corpus[name]
    assert art["source"] == outlet, art["source_evidence"]
    assert art["source_how"] == "text"
    assert "two conventions agree" in art["source_evidence"] and said in art["source_evidence"], art["source_evidence"]


@pytest.mark.parametrize("name", sorted(UNNAMED))
def test_one_weak_cue_leaves_the_outlet_unknown(corpus, name):
    art = corpus[name]
    assert art["source_how"] == "unknown", (art["source"], art["source_evidence"])
    assert UNNAMED[name][1] in art["source_evidence"], art["source_evidence"]


def test_weak_cues_that_agree_with_the_publisher_are_not_noted_as_not_taken(tmp_path):
    """A staff bio read by the stronger convention names the page; its weak reading and the
    address in its line agree, so the evidence does not list them as names not taken, and
    the wire whose dateline leads stays in the evidence as wire copy."""
    (tmp_path / "carried.txt").write_text("Vote\n\nLONDON (AP) - The vote was close.\n\n" + BODY + "\n\nJane Roe is a "
                                          "Lakeside Ledger staff writer. Email: jroe@lakesideledger.com\n", encoding="utf-8")
    articles, errors = read_articles([str(tmp_path)])
    art = articles.iloc[0]
    assert errors == [] and art["source"] == "Lakeside Ledger", art["source_evidence"]
    assert "wire copy from Associated Press" in art["source_evidence"]
    assert "not taken" not in art["source_evidence"], art["source_evidence"]
