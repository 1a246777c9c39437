"""Entity quality: second names in the top entities, a document-level check on labelled
news (CoNLL-2003 format), and the cost of the recall pass.

    python benchmarks/entity_quality.py fragments CORPUS [--top 50] [--label NAME] [--before REPORT_JSON]
                                                  [--role tuned|held-out] [--no-doc]
    python benchmarks/entity_quality.py conll FILE [--part NAME] [--role tuned|held-out] [--no-doc]
    python benchmarks/entity_quality.py cost CORPUS [--n 300] [--no-doc]
    python benchmarks/entity_quality.py sample ARTICLES.jsonl.gz --exclude SUBSET.jsonl.gz --out OUT.jsonl.gz
    python benchmarks/entity_quality.py main HELDOUT.jsonl.gz [--store DIR] [--before-store DIR] [--no-doc]
    python benchmarks/entity_quality.py edit CORPUS --store DIR --merge NAME INTO [--no-doc]
    python benchmarks/entity_quality.py doclevel [--labels FILE] [--store DIR] [--before-store DIR] [--errors tune] [--no-doc]

doclevel: document-level P/R/F1 (PER, ORG, LOC) of the project and of spaCy called plainly
on 40 hand-labelled AllSides articles, tune and held-out halves (benchmarks/entity_doclevel.py).

edit: the time an entity edit takes on a built store (analysis.build.entity_edits): the
merge as a rule in an aliases.csv of a scratch folder that links to CORPUS, applied, then
undone and applied again (the store ends as it began).

main: the main entities of 20 articles of the held-out sample (random.seed(1) among its
articles), labelled by hand from each title and first 600 characters before looking at
the project's output (MAIN below; "a|b" are two spellings of one entity). An entity is
found when a mention of that article, its canonical entity or one of that entity's
aliases is one of the spellings (normalised). --before-store: the same check on a store
the previous version built from the same file.

sample: the held-out corpus of the fragments check: N (1,500) articles drawn with
random.seed(17) among the articles of ARTICLES with a body whose url is not in SUBSET
(the corpus the rules were developed on).

fragments: builds the report of CORPUS with the project's command line
(``python -m analysis report CORPUS --format json``; set NEWS_NER_CACHE to share NER) and
counts, among its top entities, the second names of another listed entity with the shared
checker (../shared/tools/check_fragments.py, or $NEWS_FRAGMENT_CHECKER). --before: the
report JSON of an earlier version of the project on the same corpus, checked the same way.
The top entities are listed in full, so that a reader can check them by hand.

conll: a file in CoNLL-2003 format (eng.train, eng.testa or eng.testb: one token per line,
the NER tag last, documents split by -DOCSTART-). Each document is rebuilt as text (the
tokens of a sentence joined by spaces, one sentence a line) and analysed twice: by the
project (the report's store: its mentions) and by spaCy's model called plainly
(``nlp(text).ents``). Document level: an entity counts for a document when its type
(PER, ORG, LOC; spaCy's GPE, LOC and FAC are LOC; MISC is not scored) and its
normalised name are among the gold ones of that document. Tune on eng.train / eng.testa;
eng.testb is the held-out check, run once at the end (``--role held-out``).

cost: the time of NER on N articles against the time of the recall pass on them.
Each writes its own section of docs/benchmarks.md (benchmarks/_doc.py).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks._doc import machine, table, write_section  # noqa: E402

CHECKER = os.environ.get("NEWS_FRAGMENT_CHECKER", str(ROOT.parent / "shared" / "tools" / "check_fragments.py"))
ROLES = {"tuned": "The resolution rules were developed looking at this corpus's top entities.",
         "held-out": "A sample the rules were not developed on: checked once, after the change."}
TYPES = {"PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def run_report(paths: list[str], store: Path) -> dict:
    """The project's report, as a person runs it (the command line)."""
    cmd = [sys.executable, "-m", "analysis", "report", *paths, "--store", str(store), "--format", "json", "--quiet"]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def read_table(store: Path, name: str) -> pd.DataFrame:
    gen = json.loads((store / "meta.json").read_text())["generation"]
    return pd.read_parquet(store / gen / f"{name}.parquet")


# -- fragments ------------------------------------------------------------------------

def fragments(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="entity-quality-"))
    t0 = time.perf_counter()
    report = run_report(args.corpus, Path(args.store) if args.store else work / "store")
    seconds = time.perf_counter() - t0
    rpath = work / "report.json"
    rpath.write_text(json.dumps({"entities": report["entities"]}))
    count, pairs = check_fragments(rpath, args.top)
    before = ""
    if args.before:
        n, p = check_fragments(Path(args.before), args.top)
        before = f" (before this change, the same check on the previous version's report: {n}: {'; '.join(p)})"
    ents = sorted(report["entities"], key=lambda e: -int(e.get("mentions") or 0))[:args.top]
    rows = [{"#": i + 1, "entity": e["name"], "type": e.get("type"), "mentions": e.get("mentions"),
             "note": (e.get("note") or "")[:160]} for i, e in enumerate(ents)]
    print(table(rows))
    label = args.label or ", ".join(Path(p).name for p in args.corpus)
    md = (f"## Entities: second names in the top {args.top} ({label})\n\n"
          f"{len(report.get('articles', []))} articles; `python benchmarks/entity_quality.py fragments` "
          f"ran the report ({seconds:.0f} s, NER cache shared) and the shared checker "
          f"(check_fragments.py). {machine()}.\n\n"
          f"**Second names in the top {args.top}: {count}**" + (f" ({'; '.join(pairs)})" if pairs else "") + before +
          f"\n\nRole of this corpus: **{args.role}**. {ROLES[args.role]}\n\n"
          f"<details><summary>The top {args.top}</summary>\n\n{table(rows)}\n\n</details>\n")
    if not args.no_doc:
        write_section(f"entity fragments {label}", md)


def check_fragments(report_json: Path, top: int) -> tuple[int, list[str]]:
    check = subprocess.run([sys.executable, CHECKER, str(report_json), str(top)], capture_output=True, text=True)
    print(check.stdout)
    pairs = [line.removeprefix("duplicate: ") for line in check.stdout.splitlines() if line.startswith("duplicate:")]
    return int(re.search(r"fragments (\d+)", check.stdout).group(1)), pairs


# -- CoNLL ----------------------------------------------------------------------------

def read_conll(path: str) -> list[dict]:
    """[{id, text, gold: {(type, normalised name)}}] of each document of a CoNLL-2003 file."""
    opener = gzip.open if path.endswith(".gz") else open
    docs, sents, sent, tags = [], [], [], []

    def close_sentence():
        if sent:
            sents.append((list(sent), list(tags)))
        sent.clear()
        tags.clear()

    def close_doc():
        close_sentence()
        if sents:
            docs.append(_conll_doc(f"doc{len(docs):04d}", sents))
        sents.clear()

    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                close_sentence()
            elif parts[0] == "-DOCSTART-":
                close_doc()
            else:
                sent.append(parts[0])
                tags.append(parts[-1])
    close_doc()
    return docs


def _conll_doc(doc_id: str, sents: list[tuple[list, list]]) -> dict:
    gold = set()
    for words, tags in sents:
        cur, ctype = [], None
        for w, t in [*zip(words, tags), ("", "O")]:
            kind = t[2:] if t != "O" else None
            if cur and (kind != ctype or t.startswith("B-")):
                if ctype in TYPES:
                    gold.add((TYPES[ctype], norm(" ".join(cur))))
                cur, ctype = [], None
            if kind:
                cur.append(w)
                ctype = kind
    return {"id": doc_id, "text": "\n".join(" ".join(w) for w, _ in sents), "gold": gold}


def norm(name: str) -> str:
    s = re.sub(r"^(the|a|an)\s+", "", name.strip(), flags=re.I)
    s = re.sub(r"\s*['’]s$", "", s)
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def score(pred: dict[str, set], docs: list[dict]) -> dict:
    tp = sum(len(pred.get(d["id"], set()) & d["gold"]) for d in docs)
    n_pred = sum(len(pred.get(d["id"], set())) for d in docs)
    n_gold = sum(len(d["gold"]) for d in docs)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "F1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def project_predictions(docs: list[dict], work: Path) -> dict[str, set]:
    corpus = work / "conll.jsonl"
    with open(corpus, "w") as fh:
        for d in docs:
            fh.write(json.dumps({"id": d["id"], "title": d["id"], "source": "CoNLL", "text": d["text"]}) + "\n")
    store = work / "store"
    run_report([str(corpus)], store)
    arts = read_table(store, "articles")
    ments = read_table(store, "mentions")
    doc_of = dict(zip(arts["id"], arts["title"]))
    pred: dict[str, set] = {}
    for aid, surface, etype in zip(ments["article_id"], ments["surface"], ments["type"]):
        if etype in TYPES:
            pred.setdefault(doc_of.get(aid, aid), set()).add((TYPES[etype], norm(surface)))
    return pred


def spacy_predictions(docs: list[dict]) -> dict[str, set]:
    import spacy

    from analysis.entities.ner import model_name   # the same model the project uses

    nlp = spacy.load(model_name())
    return {d["id"]: {(TYPES[e.label_], norm(e.text)) for e in nlp(d["text"]).ents if e.label_ in TYPES}
            for d in docs}


def conll(args) -> None:
    docs = read_conll(args.file)
    if args.limit:
        docs = docs[:args.limit]
    work = Path(tempfile.mkdtemp(prefix="entity-conll-"))
    rows = [{"method": "this project", **score(project_predictions(docs, work), docs)},
            {"method": "spaCy called plainly", **score(spacy_predictions(docs), docs)}]
    print(table(rows))
    part = args.part or Path(args.file).name
    md = (f"## Entities: document-level check on {part} ({args.role})\n\n"
          f"{len(docs)} documents of {part}, {sum(len(d['gold']) for d in docs)} gold (type, name) pairs; "
          f"role of this part: **{args.role}** (tuning used eng.train / eng.testa only; eng.testb is "
          f"the held-out part). {machine()}.\n\n{table(rows)}\n")
    if not args.no_doc:
        write_section(f"entity conll {part}", md)


# -- cost -----------------------------------------------------------------------------

def cost(args) -> None:
    """NER time against the recall pass time on the first N articles of CORPUS."""
    from benchmarks._doc import allsides_records

    texts = {}
    for rec, body in allsides_records(args.corpus[0]):
        texts[str(rec.get("id") or len(texts))] = body
        if len(texts) >= args.n:
            break
    from analysis.entities.canonical import canonicalize
    from analysis.entities.ner import run_ner
    from analysis.entities.recall import recall_mentions

    t0 = time.perf_counter()
    records = dict(run_ner(texts.items(), n_process=1))
    ner_s = time.perf_counter() - t0
    raw = pd.DataFrame([(aid, s, e, text, lab) for aid, rec in records.items() for s, e, lab, text in rec["ents"]],
                       columns=["article_id", "start", "end", "surface", "label"])
    sents = pd.DataFrame([(aid, k, 0, s, e) for aid, rec in records.items() for k, (s, e) in enumerate(rec["sents"])],
                         columns=["article_id", "sentence", "passage", "start", "end"])
    t1 = time.perf_counter()
    mentions, entities = canonicalize(raw, texts)
    canon_s = time.perf_counter() - t1
    t1 = time.perf_counter()
    more = recall_mentions(mentions, entities, sents, texts)
    recall_s = time.perf_counter() - t1
    found = int((more["found_by"] == "match").sum())
    rows = [{"articles": len(texts), "NER s": round(ner_s, 1),
             "canonical entities s (with the cross-document resolution)": round(canon_s, 2),
             "recall pass s": round(recall_s, 2), "recall / NER": f"{recall_s / ner_s:.1%}",
             "NER mentions": len(mentions), "found by matching": found}]
    print(table(rows))
    if not args.no_doc:
        write_section("entity recall cost", f"## Entities: cost of the recall pass\n\n"
                      f"The first {len(texts)} articles of {Path(args.corpus[0]).name}; NER with one process "
                      f"(the project's pipeline), the canonical entities, then the matching pass on them. "
                      f"{machine()} (shared machine).\n\n{table(rows)}\n")


def sample(args) -> None:
    import random

    def lines(path):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            yield from fh

    seen = {json.loads(line).get("url") for line in lines(args.exclude)}
    pool = [line for line in lines(args.articles)
            if json.loads(line).get("url") not in seen and (json.loads(line).get("content_original") or "").strip()]
    random.seed(args.seed)
    chosen = random.sample(pool, args.n)
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        fh.writelines(chosen)
    print(f"{len(chosen)} of {len(pool)} articles -> {args.out}")


MAIN = {
    "gOEdftXs6nzlzjCd": ["G.O.P.|GOP|Republicans", "Congress"],
    "OTcuhVEJ2ECMHZKZ": ["Howie Carr", "Paul Ryan", "Breitbart News", "Kevin McCarthy"],
    "sDC0W397Sk3nv318": ["Supreme Court", "Voting Rights Act", "Republicans"],
    "g6YgM1Ftc39K9gSn": ["Donald Trump", "Paul Ryan", "Republicans"],
    "G1P6AQdsppS6jJGM": ["Democrats", "Harry Reid", "Congress", "Connecticut"],
    "hs30dwqm3rzQGuii": ["MSNBC", "Joe Biden", "Tara Reade|Reade", "Mika Brzezinski|Brzezinski", "CNN"],
    "UN5o8Yya5r1GB9fe": ["Saudi Arabia", "Mecca", "Medina"],
    "JsrucXJx86Xn4Cbn": ["Donald Trump", "Mike Pence", "White House"],
    "q3fFtxikRqWbkyxP": ["Dietary Guidelines Advisory Committee"],
    "Mdh3lDs02Nh1ijHD": ["Donald Trump", "John Kelly"],
    "XjYnlSbtwi1sDj5i": ["Scott Walker", "Koch brothers|Koch|Kochs", "Wisconsin"],
    "6cXljJIOd2aR0eIt": ["Vatican", "Elton John", "Pope Francis|Francis", "Rome"],
    "GYmyRZ7lwYxxKeoQ": ["Donald Trump", "Joe Biden"],
    "y2URAD5yuUEeTKNx": ["Barack Obama", "Democrats", "Elizabeth Warren", "Bernie Sanders", "Julián Castro|Julian Castro"],
    "fbzhi7yqsJKk9x1x": ["Donald Trump", "Kim Jong Un", "North Korea", "China"],
    "cUkpV33RMzAcad4R": ["Hillary Clinton", "Clinton Foundation", "CPAC"],
    "ItmViVaFxSiJruLO": ["Kofi Annan", "United Nations|U.N.|UN", "Ghana"],
    "WQUlhTZ9D5R3FUIf": ["GOP|Republicans|House Republicans", "Paul Ryan", "CNN"],
    "em3dDqcdfHEK9Epn": ["James Comey", "Donald Trump", "ABC", "FBI"],
    "F57uPx6r4Iq4yuSu": ["Planned Parenthood", "StemExpress", "Center for Medical Progress",
                         "Los Angeles Superior Court"],
}


def main_found(store: Path) -> tuple[int, int, list[str]]:
    """(found, labelled, the missed ones as 'article: name') of MAIN in a built store."""
    ments = read_table(store, "mentions")
    ents = read_table(store, "entities")
    aliases = {e: [n, *list(a if a is not None else [])] for e, n, a in zip(ents["entity_id"], ents["name"], ents["aliases"])}
    found, total, missed = 0, 0, []
    for aid, labels in MAIN.items():
        m = ments[ments["article_id"] == aid]
        names = {norm(x) for x in m["surface"]} | {norm(x) for e in set(m["entity_id"]) for x in aliases.get(e, [])}
        for label in labels:
            total += 1
            if any(norm(alt) in names for alt in label.split("|")):
                found += 1
            else:
                missed.append(f"{aid}: {label}")
    return found, total, missed


def main_entities(args) -> None:
    store = Path(args.store) if args.store else Path(tempfile.mkdtemp(prefix="entity-main-")) / "store"
    if not args.store:
        run_report(args.corpus, store)
    rows = []
    for label, st in (("previous version", args.before_store), ("this version", store)):
        if st:
            f, t, missed = main_found(Path(st))
            rows.append({"build": label, "found": f, "labelled": t, "share": f"{f / t:.0%}",
                         "missed": "; ".join(x.split(": ", 1)[1] for x in missed)})
    print(table(rows))
    if not args.no_doc:
        write_section("entity main", "## Entities: the main entities of an article, found\n\n"
                      f"{len(MAIN)} articles of the held-out sample ({Path(args.corpus[0]).name}; "
                      "random.seed(1)), their main entities labelled by hand from the title and the first "
                      "600 characters before looking at the output (benchmarks/entity_quality.py, MAIN). "
                      f"Held out: not used to develop the rules. {machine()}.\n\n{table(rows)}\n")


def edit(args) -> None:
    from analysis.build.entity_edits import apply_entity_rules, refresh_stale
    from analysis.build.store import Store
    from analysis.ingest.sidefiles import append_alias, remove_last_alias

    folder = Path(tempfile.mkdtemp(prefix="entity-edit-"))
    corpus = folder / Path(args.corpus[0]).name
    corpus.symlink_to(Path(args.corpus[0]).resolve())
    store = Store(args.store)
    n = store.meta().get("articles", 0)
    before = {t: store.read(t) for t in EDIT_CHECKED}
    append_alias(folder / "aliases.csv", "merge", *args.merge)
    cpu = time.process_time()
    done = apply_entity_rules([str(corpus)], store, edit="merge " + ",".join(args.merge))
    cpu = time.process_time() - cpu
    names = set(store.read("entities")["name"])
    replay = _replayed(store, [("merge", *args.merge)])
    remove_last_alias(folder / "aliases.csv")
    undone = apply_entity_rules([str(corpus)], store, edit="undo")
    same = all(store.read(t).equals(df) for t, df in before.items())
    stale = len(store.meta().get("stale") or {})
    refreshed = refresh_stale([str(corpus)], store)
    rows = [{"edit": f"merge {args.merge[0]} into {args.merge[1]}", "articles": n,
             "read s": round(done["read"], 1), "entities s": round(done["entities"], 1),
             "total s": round(done["total"], 1), "CPU s": round(cpu, 1), "undo total s": round(undone["total"], 1),
             "merged": args.merge[0] not in names, "= replay": replay, "undo = build": same, "stale tables": stale,
             "refresh s": round(refreshed["total"], 1)}]
    print(table(rows))
    if not args.no_doc:
        write_section("entity edit", "## Entities: the time of an edit (merge, then undo)\n\n"
                      f"The store of {Path(args.corpus[0]).name} as built; the rule goes into aliases.csv and "
                      "the store's mentions and entities are made again from its entity_keys table (the mentions "
                      "before the user's rules): the rules, the type vote, the gazetteer's retyping, the recall "
                      "pass, the counts, and the outlet comparison's entity tables (no NER, no topics). "
                      "By key (entities/rekey.py): only the rows of the keys the rules name are read and made "
                      "again, matching runs again only where a form that changed owner is written; '= replay': "
                      "the merged store's mentions and entities equal those made from the whole of entity_keys "
                      "with the same rules (what a build does after NER). "
                      "Entity clusters, quotes, stories and places are marked stale instead of run again; "
                      "'refresh s' is the time to make them again afterwards (the Entities page's button, "
                      "`analysis entities --refresh`), not part of the edit. 'undo = build': after the undo, "
                      f"the {', '.join(EDIT_CHECKED)} tables equal the build's. {machine()} (shared machine, "
                      f"load {os.getloadavg()[0]:.1f} at the end).\n\n{table(rows)}\n\n"
                      "Before (2026-12-02, same store and merge): entities again from the NER cache 21.9 s, "
                      "then every analysis that reads entities 66.9 s; total 89.5 s, undo 96.6 s.\n")


EDIT_CHECKED = ("mentions", "entities", "article_entities")


def _replayed(store, rules) -> bool:
    """The store's mentions and entities equal entities_with_state's from all of entity_keys."""
    from analysis.entities.canonical import keys_of_tables
    from analysis.entities.rekey import entities_with_state

    articles = store.read("articles", columns=["id", "text"])
    keyed, ambiguous = keys_of_tables(store.read("entity_keys"), store.read("entity_ambiguous"))
    mentions, entities, _ = entities_with_state(keyed, ambiguous, dict(zip(articles["id"], articles["text"])),
                                                store.read("sentences"), rules=rules)
    return bool(store.read("mentions").equals(_roundtrip(mentions)) and store.read("entities").equals(_roundtrip(entities)))


def _roundtrip(df):
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return pd.read_parquet(io.BytesIO(buf.getvalue()))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fragments")
    f.add_argument("corpus", nargs="+")
    f.add_argument("--top", type=int, default=50)
    f.add_argument("--store")
    f.add_argument("--label")
    f.add_argument("--before", help="report JSON of an earlier version, checked the same way")
    f.add_argument("--role", choices=["tuned", "held-out"], default="tuned")
    c = sub.add_parser("conll")
    c.add_argument("file")
    c.add_argument("--part")
    c.add_argument("--role", choices=["tuned", "held-out"], default="tuned")
    c.add_argument("--limit", type=int, default=0)
    k = sub.add_parser("cost")
    k.add_argument("corpus", nargs=1)
    k.add_argument("--n", type=int, default=300)
    for p in (f, c, k):
        p.add_argument("--no-doc", action="store_true")
    mn = sub.add_parser("main")
    mn.add_argument("corpus", nargs=1)
    mn.add_argument("--store")
    mn.add_argument("--before-store")
    mn.add_argument("--no-doc", action="store_true")
    ed = sub.add_parser("edit")
    ed.add_argument("corpus", nargs=1)
    ed.add_argument("--store", required=True)
    ed.add_argument("--merge", nargs=2, required=True)
    ed.add_argument("--no-doc", action="store_true")
    dl = sub.add_parser("doclevel")
    dl.add_argument("--labels")
    dl.add_argument("--store", help="a store of these articles (built there if missing)")
    dl.add_argument("--errors", choices=["tune", "held-out"], help="print the project's errors on this half")
    dl.add_argument("--before-store", help="a store of these articles built by an earlier version")
    dl.add_argument("--before-label", default="main")
    dl.add_argument("--cost-store", help="time the span repair on this built store (e.g. the 37k one)")
    dl.add_argument("--no-doc", action="store_true")
    s = sub.add_parser("sample")
    s.add_argument("articles")
    s.add_argument("--exclude", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--n", type=int, default=1500)
    s.add_argument("--seed", type=int, default=17)
    args = ap.parse_args(argv)
    {"fragments": fragments, "conll": conll, "cost": cost, "sample": sample, "main": main_entities,
     "edit": edit, "doclevel": doclevel}[args.cmd](args)


def doclevel(args) -> None:
    from benchmarks.entity_doclevel import doclevel as run

    run(args)


if __name__ == "__main__":
    main()
