"""The document-level scorer of benchmarks/entity_quality.py on a CoNLL-2003-format file
written here (the real splits are not shipped)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.entity_quality import read_conll, score  # noqa: E402

CONLL = """-DOCSTART- -X- -X- O

KABUL NNP I-NP I-LOC
1996-12-06 CD I-NP O

Ashraf NNP I-NP I-PER
Ghani NNP I-NP I-PER
met VBD I-VP O
the DT I-NP O
United NNP I-NP I-ORG
Nations NNP I-NP I-ORG
. . O O

Ghani NNP I-NP I-PER
left VBD I-VP O
for IN I-PP O
Doha NNP I-NP I-LOC
with IN I-PP O
Afghan JJ I-NP I-MISC
aides NNS I-NP O
. . O O

-DOCSTART- -X- -X- O

Paris NNP I-NP B-LOC
Berlin NNP I-NP B-LOC
. . O O
"""


def test_conll_documents_gold_sets_and_scores(tmp_path):
    path = tmp_path / "eng.sample"
    path.write_text(CONLL)
    docs = read_conll(str(path))
    assert len(docs) == 2
    assert docs[0]["text"].splitlines()[0] == "KABUL 1996-12-06"
    assert docs[0]["gold"] == {("LOC", "kabul"), ("PER", "ashraf ghani"), ("ORG", "united nations"),
                               ("PER", "ghani"), ("LOC", "doha")}          # MISC is not scored
    assert docs[1]["gold"] == {("LOC", "paris"), ("LOC", "berlin")}     # B- starts a new entity
    pred = {docs[0]["id"]: {("PER", "ashraf ghani"), ("LOC", "doha"), ("ORG", "taliban")},
            docs[1]["id"]: {("LOC", "paris"), ("LOC", "berlin")}}
    # 4 of 5 predicted are right; 4 of 7 gold are found
    assert score(pred, docs) == {"precision": 0.8, "recall": 0.571, "F1": 0.667}


def test_doclevel_labels_and_lenient_match():
    """The committed labelled set loads (each text as hashed), and the match rules: gold
    spellings, a unique surname, predictions of one gold entity counted once, types apart."""
    from benchmarks.entity_doclevel import evaluate, gold_of, load, match, prf

    docs = load()
    assert len(docs) == 40 and {d["half"] for d in docs} == {"tune", "held-out"}
    assert sum(d["half"] == "tune" for d in docs) == 20
    doc = {"id": "x", "half": "tune", "gold": gold_of([{"type": "PER", "name": "Donald Trump|Donald J. Trump"},
                                                       {"type": "ORG|LOC", "name": "White House"},
                                                       {"type": "LOC", "name": "Herat"}])}
    preds = [("PER", {"trump"}, "Trump"), ("PER", {"donald trump"}, "Donald Trump"),   # one entity, twice
             ("LOC", {"white house"}, "White House"), ("ORG", {"herat"}, "Herat"), ("PER", {"obama"}, "Obama")]
    res = match(doc, preds)
    assert res["errors"]["fn"] == ["LOC Herat"] and res["errors"]["fp"] == ["ORG Herat", "PER Obama"]
    s = prf([res])
    assert (s["gold"], s["predicted"]) == (3, 4) and (s["P"], s["R"]) == (0.5, 0.667)
    assert evaluate([doc], {"x": preds})["tune"][0]["found"] == {"PER": 1, "ORG": 1}
