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


def test_template_lines_known_by_their_first_words():
    arts = []
    for i in range(6):
        arts.append({"id": f"c{i}", "source": "Cable Example", "removed": [],
                     "text": f"JUST WATCHED Video number {i} about the vote Replay More Videos\n\n"
                             f"The senator spoke on day {i} and the vote passed."})
        arts.append({"id": f"o{i}", "source": "Other Paper", "removed": [],
                     "text": f"The senator spoke on day {i}.\n\nA second line of story {i}."})
    remove_boilerplate(arts)
    assert arts[0]["text"] == "The senator spoke on day 0 and the vote passed."
    assert arts[0]["removed"] == ["in 6 Cable Example articles (a line starting 'just watched'): "
                                  "JUST WATCHED Video number 0 about the vote Replay More Videos"]
    assert arts[1]["removed"] == []   # lines that end like sentences are text


def test_summary_per_outlet_for_the_sources_page():
    from analysis.ingest.boilerplate import boilerplate_summary

    arts = corpus()
    remove_boilerplate(arts)
    rows = boilerplate_summary([a["source"] for a in arts], [a["removed"] for a in arts])
    assert rows == [{"outlet": "Daily Example", "articles": 6, "lines removed": 12,
                     "most frequent": f"6× {FURNITURE}; 6× Click here for reprint permission."}]


def test_a_template_line_goes_whole_even_when_a_sentence_of_it_recurs():
    arts = []
    for i in range(6):
        arts.append({"id": f"c{i}", "source": "Cable Example", "removed": [],
                     "text": f"JUST WATCHED Video {i} on the vote. Replay More Videos and more clips\n\nThe vote {i} passed."})
        arts.append({"id": f"o{i}", "source": "Other Paper", "removed": [], "text": f"The vote {i} passed.\n\nEnd {i}."})
    remove_boilerplate(arts)
    assert arts[0]["text"] == "The vote 0 passed."
    assert arts[0]["removed"][0].startswith("in 6 Cable Example articles (a line starting 'just watched'): JUST WATCHED")
