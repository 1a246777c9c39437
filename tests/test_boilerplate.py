"""Corpus-level furniture: lines recurring across many articles of one outlet."""
from analysis.ingest.boilerplate import remove_boilerplate

FURNITURE = "Sign up for Daily Newsletters Manage Newsletters"


def corpus():
    arts = []
    for i in range(6):
        arts.append({"id": f"ex{i}", "source": "Daily Example", "removed": [],
                     "text": f"Story {i} starts here with its own words number {i}.\n\n{FURNITURE}\n\n"
                             f"The mayor spoke about case {i}. Click here for reprint permission."})
    arts.append({"id": "other", "source": "Other Paper", "removed": [],
                 "text": f"A different story.\n\n{FURNITURE}\n\nIt ends here."})
    return arts


def test_a_line_in_every_article_of_an_outlet_is_removed_with_the_reason():
    arts = corpus()
    per = remove_boilerplate(arts)
    ex0 = arts[0]
    assert FURNITURE not in ex0["text"]
    assert f"in 6 Daily Example articles: {FURNITURE}" in ex0["removed"]
    # a recurring sentence inside a line goes, the rest of the line stays
    assert "The mayor spoke about case 0." in ex0["text"] and "reprint" not in ex0["text"]
    assert "in 6 Daily Example articles: Click here for reprint permission." in ex0["removed"]
    assert ex0["n_words"] == len(ex0["text"].split())
    assert per == {"Daily Example": 12}


def test_a_line_seen_once_in_an_outlet_stays():
    arts = corpus()
    remove_boilerplate(arts)
    assert FURNITURE in arts[-1]["text"] and arts[-1]["removed"] == []


def test_too_few_articles_no_furniture():
    arts = corpus()[:4]      # 4 < MIN_ARTICLES
    assert remove_boilerplate(arts) == {}
    assert FURNITURE in arts[0]["text"]
