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


def _big_outlet(n, furniture_in, line_of):
    """n articles of one big outlet; furniture_in of them carry line_of(i), each article its own story."""
    arts = []
    for i in range(n):
        text = (f"Story {i}: the council of town {i} voted on budget item {i} after a long debate.\n\n"
                f"Residents of town {i} spoke for {i} minutes about road {i}.")
        if i < furniture_in:
            text += "\n\n" + line_of(i)
        arts.append({"id": f"b{i}", "source": "Big Paper", "removed": [], "text": text})
    return arts


def test_a_big_outlets_furniture_of_one_era_is_found():
    # 25 of 2,000 articles (1.25%, under MIN_SHARE): a sign-up line the site carried for a while
    arts = _big_outlet(2000, 25, lambda i: "**Want Big Paper First in your inbox every day? Sign up here.**")
    remove_boilerplate(arts)
    assert "inbox" not in arts[0]["text"]
    assert arts[0]["removed"] == ["in 25 Big Paper articles: **Want Big Paper First in your inbox every day? Sign up here.**"]
    assert arts[25]["removed"] == [] and "inbox" not in arts[25]["text"]


def test_a_recurring_sentence_inside_a_longer_line_goes_and_the_line_stays():
    arts = _big_outlet(2000, 30, lambda i: (f"Jane Roe is the politics editor of Big Paper and covered town {i}. "
                                            "Want Big Paper First in your inbox every day? Sign up here. "
                                            f"To catch Jane on the radio in town {i}, tune in at noon."))
    remove_boilerplate(arts)
    last = arts[0]["text"].split("\n\n")[-1]
    assert "inbox" not in last and last.startswith("Jane Roe is the politics editor") and "tune in at noon" in last
    assert "in 30 Big Paper articles: Want Big Paper First in your inbox every day?" in arts[0]["removed"]


def test_player_times_and_page_ages_are_one_line():
    arts = _big_outlet(400, 12, lambda i: f"Listen · {i % 9 + 1}:{i % 50 + 10:02d} {i % 9 + 1}:{i % 50 + 10:02d}")
    remove_boilerplate(arts)
    assert "Listen" not in arts[3]["text"] and arts[3]["removed"][0].startswith("in 12 Big Paper articles: Listen · 4:13")


def test_an_initial_or_a_title_does_not_end_a_sentence():
    from analysis.ingest.boilerplate import sentences

    assert sentences("House Speaker John A. Boehner, Ohio Republican, said no. Sen. Ted Cruz agreed on Monday.") == \
        ["House Speaker John A. Boehner, Ohio Republican, said no.", "Sen. Ted Cruz agreed on Monday."]
    # "House Speaker John A." recurring in many articles is not furniture: it is not a unit at all
    arts = _big_outlet(300, 300, lambda i: f"House Speaker John A. Boehner said the vote on item {i} would wait.")
    remove_boilerplate(arts)
    assert "House Speaker John A. Boehner said" in arts[0]["text"]


def test_labelled_link_lines_known_by_their_label():
    arts = []
    titles = ["Senators up for election in 2014", "25 unforgettable Obamacare quotes", "Republicans, 2016 contenders",
              "Politicians speak out on gun control", "Fiscal cliff's key players", "20 quotes on immigration reform"]
    for i, title in enumerate(titles):
        arts.append({"id": f"p{i}", "source": "Capital Paper", "removed": [],
                     "text": f"The Senate voted {i} times on the bill.\n\n( PHOTOS: {title})\n\nLeaders met again on day {i}."})
        arts.append({"id": f"o{i}", "source": "Other Paper", "removed": [],
                     "text": f"The House voted {i} times.\n\nPhotos of the vote {i} were shown (by staff)."})
    remove_boilerplate(arts)
    assert "PHOTOS" not in arts[0]["text"]
    assert arts[0]["removed"] == ["in 6 Capital Paper articles (a line starting 'photos:'): ( PHOTOS: Senators up for "
                                  "election in 2014)"]
    assert arts[1]["removed"] == []


def test_a_transcripts_speaker_tag_goes_and_the_speakers_words_stay():
    arts = _big_outlet(300, 0, str)
    for i in range(8):
        arts.append({"id": f"t{i}", "source": "Big Paper", "removed": [],
                     "text": f"Episode {i}: the lockdown protests.\n\nThe governor spoke on day {i}. archived recording "
                             f"(gretchen whitmer) We are doing this to save lives. Protesters gathered. archived "
                             f"recording (donald trump) Don’t buy paint on day {i}.\n\nThe rally ended."})
    arts += [{"id": f"o{i}", "source": "Other Paper", "removed": [],
              "text": f"The recording of day {i} was archived. Officials said so."} for i in range(300)]
    remove_boilerplate(arts)
    text = arts[300]["text"]
    assert "archived recording" not in text
    assert "(gretchen whitmer) We are doing this to save lives." in text and "(donald trump) Don’t buy paint" in text
    assert "in 8 Big Paper articles (a sentence starting 'archived recording'): archived recording (2 times)" \
        in arts[300]["removed"]
    assert arts[-1]["text"] == "The recording of day 299 was archived. Officials said so."   # prose is not a tag
