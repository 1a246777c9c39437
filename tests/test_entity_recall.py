"""The recall pass: further mentions of known entities found by matching, with its guards."""
import pandas as pd

from analysis.entities.canonical import canonicalize
from analysis.entities.recall import find_mentions, recall_mentions, recount


def found(text: str, forms: dict[str, int], taken=()) -> list[str]:
    return [text[s:e] for _, s, e, _ in find_mentions({"a": text}, forms, {"a": list(taken)})]


def test_word_bounded_case_aware_and_all_caps_lines():
    forms = {"Paris": 1, "Kabul": 2}
    assert found("PARIS 1996-12-06\nThe talks in Paris ended.", forms) == ["PARIS", "Paris"]
    assert found("Parisian food and kabul and Kabuli rice.", forms) == []      # word-bounded, case-aware
    assert found("AFGHAN FORCES RETAKE KABUL\nKabul's mayor spoke.", forms) == ["KABUL", "Kabul"]
    assert found("In Kabul, Paris.", forms) == ["Kabul", "Paris"]


def test_a_name_inside_a_longer_name_is_not_matched():
    forms = {"Trump": 1}
    assert found("Melania Trump and Trump Tower and Mr. Trump and the Trump plan.", forms) == ["Trump", "Trump"]


def test_names_ner_found_are_not_found_twice():
    text = "Kabul fell. Kabul burned."
    assert found(text, {"Kabul": 2}, taken=[(0, 5)]) == ["Kabul"]


def test_recall_adds_marked_mentions_and_guards_common_words():
    texts = {"a": "Ashraf Ghani spoke in Kabul. Will Smith came. Ghani and Will met.",
             "b": "Ghani left Kabul. They will go.\nKABUL CALM AS GHANI RETURNS",
             "c": "Ghani was there with Will."}
    spans = [("a", "Ashraf Ghani", "PERSON"), ("a", "Kabul", "GPE"), ("a", "Will", "PERSON"),
             ("b", "Ghani", "PERSON"), ("b", "Kabul", "GPE"), ("c", "Will", "PERSON")]
    rows, used = [], {}
    for aid, surface, label in spans:
        start = texts[aid].find(surface, used.get((aid, surface), 0))
        used[(aid, surface)] = start + 1
        rows.append((aid, start, start + len(surface), surface, label, 0, 0, 0, len(texts[aid])))
    raw = pd.DataFrame(rows, columns=["article_id", "start", "end", "surface", "label", "passage", "sentence",
                                      "sent_start", "sent_end"])
    sentences = pd.DataFrame({"article_id": list(texts), "sentence": 0, "passage": 0, "start": 0,
                              "end": [len(t) for t in texts.values()]})
    m, e = canonicalize(raw, texts)
    more = recall_mentions(m, e, sentences, texts)
    new = more[more["found_by"] == "match"]
    # 'Ghani' twice more in a, the all-caps headline of b ('KABUL', 'GHANI') and 'Ghani' in c;
    # never 'Will' (the corpus writes 'will' in lower case)
    assert sorted(zip(new["article_id"], new["surface"])) == [
        ("a", "Ghani"), ("b", "GHANI"), ("b", "KABUL"), ("c", "Ghani")]
    assert set(new["entity"]) == {"Ashraf Ghani", "Kabul"}
    assert (more["found_by"] == "ner").sum() == len(m)
    ents, more = recount(e, more)
    counts = dict(zip(ents["name"], ents["mentions"]))
    assert counts["Ashraf Ghani"] == 5 and counts["Kabul"] == 3
    assert list(ents["entity_id"]) == list(range(len(ents)))
    assert set(more["entity"]) <= set(ents["name"])
    assert (more.groupby("entity_id").size().sort_index().tolist() == ents["mentions"].tolist())


def test_the_reader_marks_mentions_found_by_matching():
    from pages._reader import highlight_html

    spans = pd.DataFrame({"start": [0, 10], "end": [5, 15], "entity": ["Kabul", "Kabul"], "type": ["GPE", "GPE"],
                          "found_by": ["ner", "match"]})
    out = highlight_html("Kabul and KABUL.", spans)
    assert out.count("<mark") == 2
    assert out.count("found by matching") == 1 and out.count("dashed") == 1
    assert 'title="Kabul (GPE, found by matching)">KABUL</mark>' in out


def test_many_forms_with_one_first_word():
    """Forms that share their first word are tried longest first, each word-bounded (one regex
    for the lot when there are more than two: the same choice as trying them one by one)."""
    forms = {"New York Times": 1, "New York": 2, "New Jersey": 3, "New Delhi": 4, "New Zealand": 5}
    text = ("The New York Times reported. New Yorker readers in New York and New Jersey, "
            "the New York-based firm, New Delhi_x.\nNEW YORK TIMES SAYS NEW JERSEY VOTES")
    hits = find_mentions({"a": text}, forms, {"a": []})
    assert [(text[s:e], eid) for _, s, e, eid in hits] == [
        ("New York Times", 1), ("New York", 2), ("New Jersey", 3), ("New York", 2),
        ("NEW YORK TIMES", 1), ("NEW JERSEY", 3)]
    # a mention NER found inside "New Jersey": that name is not matched over it
    assert found(text, forms, taken=[(text.index("New Jersey") + 4, text.index("New Jersey") + 10)]) == [
        "New York Times", "New York", "New York", "NEW YORK TIMES", "NEW JERSEY"]


def test_the_regex_takes_the_form_the_loop_takes():
    """At every capitalised word of the seed pages, against forms made of their own capitalised
    runs (many sharing a first word), the regex's match is _first_match's."""
    import re

    from analysis.entities.recall import _WORD, _first_match, _first_match_pattern, _index, _pattern
    from tests.conftest import SEEDS

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    forms = {}
    for text in texts:
        for run in re.findall(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}", text):
            words = run.split()
            for n in range(1, len(words) + 1):
                forms.setdefault(" ".join(words[:n]).rstrip(".'’-"), len(forms))
    index = _index(forms, upper=False)
    compared = hits = 0
    for text in texts:
        covered = bytearray(len(text) + 1)
        for m in _WORD.finditer(text):
            cands = index.get(m.group().rstrip(".'’-"))
            if cands and len(cands) > 2:
                expected = _first_match(text, m.start(), cands, False, covered)
                assert _first_match_pattern(text, m.start(), *_pattern(cands), covered) == expected
                compared += 1
                hits += expected is not None
    assert compared > 100 and hits > 20
