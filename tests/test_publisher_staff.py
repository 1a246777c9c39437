"""Publisher conventions of a page crediting its own staff and speaking of itself: a small
corpus of bare .txt articles, one per convention, read by the real ingest stage
(analysis.build.pipeline.read_articles); the outlet and how it was found are checkable by
reading each text."""
import pytest

from analysis.build.pipeline import read_articles

BODY = "The council met for three hours and agreed a plan.\n\nMinisters said more talks would follow."

NAMED = {   # file: (text, outlet, the evidence starts with)
    "photo": ("Voting machines\n\nJane Roe/CNET\n\n" + BODY, "CNET", "staff photo credit"),
    "photo_file": ("Bill passes\n\nThe speaker spoke on Thursday. (Tom Smith/CQ Roll Call file photo)\n\n" + BODY,
                   "Roll Call", "staff photo credit"),
    "photographer": ("Markets fall\n\nPhotographer: Jane Roe/Bloomberg\n\n" + BODY, "Bloomberg",
                     "wire copy from Bloomberg: staff photo credit"),
    "illustration": ("Court case\n\nPhoto illustration by Slate. Photos by Thinkstock.\n\n" + BODY, "Slate",
                     "staff photo credit"),
    "sign_off": ("Why taxes matter\n\n" + BODY + "\n\nI’m Jane Roe, a professor of economics, for Lakeside Civic "
                 "Institute.", "Lakeside Civic Institute", "sign-off"),
    "learned": ("Budget delay\n\nArmy leaders asked to delay the budget plans, Defense One has learned.\n\n" + BODY,
                "Defense One", "newsroom idiom"),
    "our_prompt": ("Virus news\n\nThe journalists at BuzzFeed News are proud to bring you this reporting. To help "
                   "keep it free, become a member and sign up for our newsletter.\n\n" + BODY, "BuzzFeed News",
                   "self-promotion"),
    "contributor_bio": ("Opinion\n\n" + BODY + "\n\nJane Roe is a regular contributor to the Boston Herald. Follow "
                        "her on Twitter.", "Boston Herald", "author bio"),
    "print_edition": ("Feature\n\nThis story appears in the June 2020 print edition of Rolling Stone.\n\n" + BODY,
                      "Rolling Stone", "print issue line"),
    "short_name": ("Fire report\n\n" + BODY + "\n\nCounty officials did not respond to a request for comment from "
                   "The Chronicle.\n\nJane Roe is a San Francisco Chronicle staff writer.",
                   "San Francisco Chronicle", "request for comment"),
    "share": ("Health law\n\n" + BODY + "\n\nRead or Share this story: https://www.usatoday.com/story/news/2018/12/15/"
              "health-law/2345/", "USA Today", "share line"),
    "member": ("Town news\n\n" + BODY + "\n\nBecome a member of The Lakeside Ledger today! $5/month $20/month",
               "Lakeside Ledger", "self-promotion"),
    "own_newsletter": ("Data\n\n" + BODY + "\n\nSubscribe to Data Sheet, Lakeview’s daily newsletter on the business "
                       "of technology.", "Lakeview", "self-promotion"),
    "own_issue": ("Essay\n\n" + BODY + "\n\nThank you for signing up. For more from The Lakeside Review, check out our "
                  "latest issue", "The Lakeside Review", "self-promotion"),
    "own_app": ("Storm\n\n" + BODY + "\n\nDownload the Lakeside Ledger app for full coverage and alerts on this story",
                "Lakeside Ledger", "self-promotion"),
    "disclaimer_unknown": ("Opinion\n\n" + BODY + "\n\nViews expressed in this article are the opinions of the author "
                           "and do not necessarily reflect the views of The Lakeside Ledger.", "The Lakeside Ledger",
                           "disclaimer"),
    "alerts": ("Council vote\n\n" + BODY + "\n\nGet breaking news alerts and more from Lakeview Ledger on your "
               "phone.", "Lakeview Ledger", "self-promotion"),
    "press_release": ("Athletes abused\n\n(Tokyo) – Child athletes suffer abuse when training for sport, Human "
                      "Rights Watch said today.\n\n" + BODY, "Human Rights Watch", "press release"),
    "release_unknown": ("Rivers\n\n(Lagos) – The state should clean the river, Lakeside Water Trust said in a "
                        "new report, released today.\n\n" + BODY, "Lakeside Water Trust", "press release"),
    "wire_copyright": ("Vote\n\n" + BODY + "\n\n© Copyright 2019 The Associated Press. All rights reserved.",
                       "Associated Press", "wire copy from Associated Press: copyright line"),
    "distribution": ("Report\n\n" + BODY + "\n\nContent created by The Daily Caller News Foundation is available "
                     "without charge to any eligible news publisher that can provide a large audience.",
                     "The Daily Caller", "wire copy from The Daily Caller: distribution notice"),
}
UNNAMED = {   # another's picture, a syndicated columnist's home paper, a person's handle
    "wire_photo": "Rally\n\nThe crowd at the rally. Evan Smith/AP\n\n" + BODY,
    "unknown_photo": "Rally\n\nThe crowd at the rally. (Jane Roe/Lakeview Ledger)\n\n" + BODY,
    "related_link": "Survey\n\n" + BODY + "\n\nhttps://www.example.org/2009/11/04/an-older-post/",
    "bio_list": "Column\n\n" + BODY + "\n\nJane Roe is a regular contributor to Forbes and Lakeside Ledger.",
    "news_said_today": "Talks\n\n(New York) – The talks failed, officials said today.\n\n" + BODY,
    "columnist_mail": ("Column\n\n" + BODY + "\n\nJane Roe is a columnist for The Miami Herald. Readers may contact "
                       "her via e-mail at jroe@miamiherald.com."),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("staff")
    for name, text in {**{k: v[0] for k, v in NAMED.items()}, **UNNAMED}.items():
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    articles, errors = read_articles([str(folder)])
    assert errors == []
    return {str(a["file"]).rsplit("/", 1)[-1][:-4]: a for _, a in articles.iterrows()}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_each_staff_convention_names_the_publisher(corpus, name):
    _, outlet, kind = NAMED[name]
    art = corpus[name]
    assert art["source"] == outlet, art["source_evidence"]
    assert art["source_evidence"].startswith(kind), art["source_evidence"]


def test_the_short_name_is_merged_with_the_rule(corpus):
    assert "'The Chronicle' is short for San Francisco Chronicle" in corpus["short_name"]["source_evidence"]


@pytest.mark.parametrize("name", sorted(UNNAMED))
def test_another_outlets_credit_is_not_the_publisher(corpus, name):
    assert corpus[name]["source"] is None or corpus[name]["source"] != corpus[name]["source"], \
        corpus[name]["source_evidence"]


def test_the_day_in_the_pages_own_url_of_a_share_line_dates_it(corpus):
    art = corpus["share"]
    assert (art["published"], art["published_how"]) == ("2018-12-15", "text")
    assert art["published_evidence"].startswith("the day in the page's own URL, in its share line")
    # a bare link at the end is as often a related story: not the page's date
    assert corpus["related_link"]["published_how"] == "unknown"


def test_a_leading_name_is_not_an_outlet_found_only_without_its_the():
    from analysis.ingest.outlets import Outlet, OutletTable

    table = OutletTable([Outlet("The National", "outlet"), Outlet("Reuters", "wire"),
                         Outlet("The Daily Caller", "outlet", ("Daily Caller",))])
    assert table.by_leading_name("National Review") is None
    assert table.by_leading_name("Reuters Health").name == "Reuters"
    assert table.by_leading_name("Daily Caller News Foundation").name == "The Daily Caller"
