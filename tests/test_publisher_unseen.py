"""Publisher conventions on outlets the outlet table has never seen: a small corpus of bare
.txt articles of invented outlets, one per convention, read by the real ingest stage
(analysis.build.pipeline.read_articles). An outlet the table does not know is read only where
the convention itself names it (a domain of the page's own address or staff mail, a bio that
the staff address spells, a print edition, a disclosure, its staff's contribution); a weak
or generic name is left unknown, with the name in the evidence."""
import pytest

from tests.corpus_util import read_invented

BODY = "The council met for three hours and agreed a plan.\n\nMinisters said more talks would follow."

NAMED = {   # file: (text, outlet, the evidence starts with)
    "share_domain": ("Health law\n\n" + BODY + "\n\nRead or Share this story: https://www.lakesideledger.com/story/"
                     "news/2019/05/02/health-law/123/", "lakesideledger.com", "share line"),
    "write_to": ("Budget\n\n" + BODY + "\n\nWrite to Jane Roe at jane.roe@lakesideledger.com and John Doe at "
                 "john.doe@lakesideledger.com", "lakesideledger.com", "staff e-mail"),
    "tips_to_us": ("Virus\n\n" + BODY + "\n\nGot a news tip? Send it to us at tips@harborlights.net.",
                   "harborlights.net", "staff e-mail"),
    "bio_mail": ("Fire\n\n" + BODY + "\n\nJane Roe and John Doe are Lakeside Ledger staff writers. Email: "
                 "jroe@lakesideledger.com, jdoe@lakesideledger.com", "Lakeside Ledger", "author bio"),
    "bio_mail_initials": ("Fire\n\n" + BODY + "\n\nJane Roe is a North Valley Courier staff writer. Email: "
                          "jroe@nvcourier.com", "North Valley Courier", "author bio"),
    "print_edition": ("Feature\n\n" + BODY + "\n\nThis story appears in the June 2020 print edition of Harbor "
                      "Lights.", "Harbor Lights", "print issue line"),
    "disclosure": ("Markets\n\n" + BODY + "\n\nDisclosure: Acme Corp owns Zenith Holdings, parent company of KXYZ.",
                   "KXYZ", "disclosure"),
    "own_staff": ("Storm\n\n" + BODY + "\n\nThe wires and KXYZ's Jane Roe and John Doe contributed to this report.",
                  "KXYZ", "contributor line"),
    "wire_dateline": ("Vote\n\nJACKSON, Miss. (Lakewire) - The governor spoke.\n\n" + BODY, "Lakewire", "dateline"),
    "members_prompt": ("Virus\n\n" + BODY + "\n\nHarbor Lights News has reporters in five towns. To help keep this "
                       "news free, become a member and sign up for our newsletter.", "Harbor Lights News",
                       "self-promotion"),
    "feedback_mail": ("Brief\n\n" + BODY + "\n\nWe welcome your feedback at newsletters@harborlights.net.",
                      "harborlights.net", "staff e-mail"),
    "series": ("Study\n\nThis report is part of the Lakeside Policy Institute research report series.\n\n" + BODY,
               "Lakeside Policy Institute", "series line"),
    "series_possessive": ("Survey\n\nThis report, part of Harbor Research Center’s News Habits project, also "
                          "examines trust.\n\n" + BODY, "Harbor Research Center", "series line"),
    "learned": ("Schools\n\nThe district will close two schools, Harbor News has learned.\n\n" + BODY,
                "Harbor News", "newsroom idiom"),
    "about_org": ("Housing\n\n" + BODY + "\n\nThe Lakeside Policy Institute is a nonprofit institution that helps "
                  "improve policy through research and analysis.", "Lakeside Policy Institute", "self-description"),
    "about_org_prefix": ("Housing\n\n" + BODY + "\n\nReason Foundation is a nonprofit think tank dedicated to free "
                         "markets.", "Reason Foundation", "self-description"),     # not Reason, the magazine it starts with
    "rights_in_name": ("Rivers\n\n(Lagos) – The state should clean the river, Lakeside Rights Watch said today.\n\n"
                       + BODY, "Lakeside Rights Watch", "press release"),
}
UNNAMED = {   # file: (text, what the evidence says)
    "syndicate_copyright": ("Column\n\n" + BODY + "\n\nCOPYRIGHT 2017 LAKESIDE FEATURES SYNDICATE",
                            "LAKESIDE FEATURES SYNDICATE not taken: copyright line"),
    "generic_name": ("Fire\n\n" + BODY + "\n\nCounty officials did not respond to a request for comment from "
                     "The Chronicle.", "The Chronicle not taken: request for comment"),
    "wire_writer": ("Vote\n\n" + BODY + "\n\nLakeside Wire writer Jane Roe contributed to this report from Chicago.",
                    "Lakeside Wire contributed: contributor line"),
    "parent_mail": ("Column\n\n" + BODY + "\n\nJane Roe is a writer and web producer for Lakeside Ledger National. "
                    "Email: jroe@lakesidedigital.com", "no line where publishers name themselves names one"),
    "webmail": ("Column\n\n" + BODY + "\n\nWrite to Jane Roe at jane.roe@gmail.com",
                "no line where publishers name themselves names one"),
    "place_tag": ("Vote\n\nArlington (Virginia) - The county voted.\n\n" + BODY,
                  "no line where publishers name themselves names one"),
    "person_learned": ("Schools\n\nThe district will close two schools, Jane Roe has learned.\n\n" + BODY,
                       "no line where publishers name themselves names one"),
    "source_org_in_lead": ("Dialogue\n\nHarbor Angels is a citizens organization founded in 2016 to bridge divides.\n\n"
                           + "\n\n".join([BODY] * 4), "no line where publishers name themselves names one"),
    "short_link": ("Law\n\n" + BODY + "\n\nRead or Share this story: http://lsl.ly/1om7erE",
                   "no line where publishers name themselves names one"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return read_invented(tmp_path_factory.mktemp("unseen"), {name: text for name, (text, *_) in {**NAMED, **UNNAMED}.items()})


@pytest.mark.parametrize("name", sorted(NAMED))
def test_an_unseen_outlet_is_read_from_its_convention(corpus, name):
    _, outlet, kind = NAMED[name]
    art = corpus[name]
    assert art["source"] == outlet, art["source_evidence"]
    assert art["source_evidence"].startswith(kind), art["source_evidence"]


@pytest.mark.parametrize("name", sorted(UNNAMED))
def test_a_weak_cue_gives_unknown_with_the_name_in_the_evidence(corpus, name):
    art = corpus[name]
    assert art["source_how"] == "unknown", (art["source"], art["source_evidence"])
    assert UNNAMED[name][1] in art["source_evidence"], art["source_evidence"]
