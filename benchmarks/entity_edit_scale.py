"""The time of an entity edit at the size of the 37k corpus, without its NER: a built store
replicated N times (each article copied under N ids, its sentences, pre-rule mentions and
sentence tones with it), its entities, recall and state made from the replicated
entity_keys as a build makes them (entities/rekey.py: entities_with_state), written as a
store; then one merge applied by key (the Entities page's path), undone, and, for
comparison, the same merge replayed from the whole of entity_keys (by_key=False).

    python benchmarks/entity_edit_scale.py --store DIR --times 25 --merge NAME INTO [--no-doc]

The replicated corpus has the mention and article counts of the 37k corpus (1,505 x 25 =
37,625 articles) but the 1,505 articles' names: fewer distinct entities than the real 37k
corpus, the same number of rows to read, match, count and write.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks._doc import machine, table, write_section  # noqa: E402


def replicate(df: pd.DataFrame, times: int, column: str) -> pd.DataFrame:
    parts = [df.assign(**{column: df[column].astype(str) + (f"~{i}" if i else "")}) for i in range(times)]
    return pd.concat(parts, ignore_index=True)


def scaled_store(src: Path, dst: Path, times: int) -> float:
    """The store src replicated `times` times into dst; returns the seconds the entities took."""
    from analysis.build.entity_edits import edit_tables
    from analysis.build.store import Store
    from analysis.entities.canonical import key_tables, keys_of_tables
    from analysis.entities.rekey import entities_with_state
    from analysis.ingest.articles import article_entity_counts  # noqa: F401  (edit_tables uses it)

    s = Store(src)
    articles = replicate(s.read("articles"), times, "id")
    articles["hash"] = articles["hash"].astype(str) + articles["id"].str.extract(r"(~\d+)$")[0].fillna("")
    sentences = replicate(s.read("sentences"), times, "article_id")
    tones = replicate(s.read("sentence_tones"), times, "article_id")
    keyed, ambiguous = keys_of_tables(s.read("entity_keys"), s.read("entity_ambiguous"))
    keyed = replicate(keyed, times, "article_id").sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
    texts = dict(zip(articles["id"], articles["text"]))
    t0 = time.perf_counter()
    mentions, entities, state = entities_with_state(keyed, ambiguous, texts, sentences)
    seconds = time.perf_counter() - t0
    tables = {"articles": articles, "sentences": sentences, "sentence_tones": tones,
              **edit_tables(articles, mentions, entities, tones), **key_tables(keyed, ambiguous), **state}
    Store(dst).commit(tables, {"paths": [], "articles": len(articles), "model": s.meta().get("model")})
    return seconds


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="a store built by this version (it has entity_keys)")
    ap.add_argument("--times", type=int, default=25)
    ap.add_argument("--merge", nargs=2, required=True, metavar=("NAME", "INTO"))
    ap.add_argument("--keep", help="folder for the replicated store (default: a temporary one)")
    ap.add_argument("--reuse", action="store_true", help="the replicated store in --keep as it is (no new replication)")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args(argv)
    from analysis.build.entity_edits import apply_entity_rules
    from analysis.build.store import Store
    from analysis.ingest.sidefiles import append_alias, remove_last_alias

    folder = Path(args.keep or tempfile.mkdtemp(prefix="entity-scale-"))
    dst = folder / "store"
    if args.reuse and (dst / "meta.json").exists():
        build_s = float("nan")   # shown as n/a
        for f in (folder / "corpus").glob("aliases.csv"):
            f.unlink()
    else:
        build_s = scaled_store(Path(args.store), dst, args.times)
    store = Store(dst)
    n, m = store.meta()["articles"], len(store.read("mentions", columns=["start"]))
    corpus = folder / "corpus"
    corpus.mkdir(exist_ok=True)
    aliases = corpus / "aliases.csv"
    append_alias(aliases, "merge", *args.merge)
    cpu = time.process_time()
    done = apply_entity_rules([str(corpus)], store, edit="merge")
    done["cpu"] = time.process_time() - cpu
    merged = args.merge[0] not in set(store.read("entities")["name"])
    remove_last_alias(aliases)
    cpu = time.process_time()
    undone = apply_entity_rules([str(corpus)], store, edit="undo")
    undone["cpu"] = time.process_time() - cpu
    append_alias(aliases, "merge", *args.merge)
    cpu = time.process_time()
    replay = apply_entity_rules([str(corpus)], store, edit="merge", by_key=False)
    replay["cpu"] = time.process_time() - cpu
    rows = [{"edit": f"merge {args.merge[0]} into {args.merge[1]}", "articles": n, "mentions": m,
             "by key: read s": round(done["read"], 1), "by key: total s": round(done["total"], 1),
             "by key: CPU s": round(done["cpu"], 1), "undo by key: total s": round(undone["total"], 1),
             "undo: CPU s": round(undone["cpu"], 1), "merged": merged,
             "whole replay: total s": round(replay["total"], 1), "whole replay: CPU s": round(replay["cpu"], 1),
             "build's entities s": "n/a" if build_s != build_s else round(build_s, 1)}]
    print(table(rows))
    if not args.no_doc:
        write_section("entity edit scale", "## Entities: the time of an edit at the 37k corpus's size\n\n"
                      f"`python benchmarks/entity_edit_scale.py --times {args.times}`: the store of "
                      f"{Path(args.store).name} replicated {args.times} times (no NER: the pre-rule mentions "
                      "copied with their articles, the entities, recall and state made as a build makes them; "
                      "the replicated corpus has the 37k corpus's size but the 1,505 articles' names). "
                      "'by key': the edit as the Entities page applies it (entities/rekey.py); "
                      "'whole replay': the same rules from all of entity_keys (what the build does after "
                      "NER); 'build's entities': entities, recall and state made in the replicated build "
                      "(n/a: the replicated store of an earlier run reused). Total s is wall clock, CPU s "
                      "the process's CPU time (the machine was shared: wall clock grows with the load). "
                      f"{machine()} (shared machine, load {os.getloadavg()[0]:.1f} at the end).\n\n{table(rows)}\n")


if __name__ == "__main__":
    main()
