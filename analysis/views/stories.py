"""The Stories page: which outlets covered which story, when, each outlet's blind
spots, and one story side by side, outlet by outlet.

Tables come from the store ("stories", "story_articles", written by analysis.stories);
a missing table becomes a ``Missing`` note. Only the selected articles count (the
global filters: outlets, dates, entities, topics, text). Every corpus label is escaped
(F.esc / F.short); the raw outlet travels in customdata so that a click filters by it.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.figures import base as F
from analysis.views.charts import NOT_YET, Chart, Missing, View, shown_outlets
from analysis.views.filters import UNKNOWN
from analysis.stories.compare import SIDE_COLUMNS, blind_spots_of, coverage_of, story_sides

MISSING = f"Stories: {NOT_YET} (rebuild the store)."
LIST_COLUMNS = ["story", "label", "first", "last", "outlets", "selected", "size", "sources"]


def _index(corpus) -> dict | None:
    """Each article's story (``has``: whether it has one) and outlet, as numbers: made once
    per corpus, so that a filter change is a mask over arrays, not a join of the story
    table with the selected ids. ``outlet`` is the outlet as the dashboard shows it;
    ``source`` as analysis.compare.outlets normalises it (blank -> unknown)."""
    stories, assigned = corpus.table("stories"), corpus.table("story_articles")
    if stories is None or assigned is None:
        return None
    n = len(corpus.articles)
    story, has = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    pos = corpus.positions("story_articles")
    ok = pos >= 0
    story[pos[ok]] = assigned["story"].to_numpy()[ok]
    has[pos[ok]] = True
    shown = corpus.outlet_names[corpus.outlet_codes]
    source = np.array([o.strip() if isinstance(o, str) and o.strip() else UNKNOWN for o in shown], dtype=object)
    return {"stories": stories, "story": story, "has": has, "outlet": shown, "source": source,
            "ids": corpus.articles["id"].to_numpy(dtype=object)}


def story_index(corpus) -> dict | None:
    return corpus.prepared("story_index", _index)


def _rows(view: View) -> pd.DataFrame | None:
    """(article_id, story, source, outlet, outlet_code) of the selected articles that have a story
    (kept on the view)."""
    if "_story_rows" not in view.__dict__:
        idx = story_index(view.corpus)
        if idx is None:
            view.__dict__["_story_rows"] = None
        else:
            sel = view.mask & idx["has"]
            view.__dict__["_story_rows"] = pd.DataFrame({
                "article_id": idx["ids"][sel], "story": idx["story"][sel],
                "source": idx["source"][sel], "outlet": idx["outlet"][sel],
                "outlet_code": view.corpus.outlet_codes[sel]})
    return view.__dict__["_story_rows"]


def selected_stories(view: View) -> pd.DataFrame | None:
    """The stories with at least one selected article (LIST_COLUMNS): size counts all its
    articles, selected the selected ones, outlets and sources their outlets. Most outlets
    first, then most selected articles, then story number. Kept on the view (the page
    and its charts ask for it several times)."""
    if "_selected_stories" in view.__dict__:
        return view.__dict__["_selected_stories"]
    rows = _rows(view)
    out = None
    if rows is not None:
        stories = story_index(view.corpus)["stories"]
        names = view.corpus.outlet_names            # sorted: codes order is name order
        n_out = max(len(names), 1)
        key = np.unique(rows["story"].to_numpy() * n_out + rows["outlet_code"].to_numpy())
        pair_story, pair_outlet = key // n_out, key % n_out
        ids, first, counts = np.unique(pair_story, return_index=True, return_counts=True)
        selected = np.unique(rows["story"].to_numpy(), return_counts=True)[1]
        per = pd.DataFrame({"selected": selected, "outlets": counts,
                            "sources": [", ".join(names[pair_outlet[a:a + c]]) for a, c in zip(first, counts)]},
                           index=ids)
        out = stories[["story", "label", "first", "last", "size"]].merge(per, left_on="story", right_index=True)
        out = out.sort_values(["outlets", "selected", "story"], ascending=[False, False, True])
        out = out[LIST_COLUMNS].reset_index(drop=True)
    view.__dict__["_selected_stories"] = out
    return out


def coverage(view: View, *, top: int = 25, max_outlets: int = 20) -> pd.DataFrame | None:
    """(story, label, outlet, articles): the selected articles of the `top` stories told by
    the most outlets (at least two articles), for the filtered outlets or the
    `max_outlets` outlets that cover most of these stories."""
    listed, rows = selected_stories(view), _rows(view)
    if listed is None:
        return None
    keep = listed[listed["selected"] >= 2].head(top)
    cov = coverage_of(rows[rows["story"].isin(keep["story"])])
    names = shown_outlets(view, max_outlets, cov.groupby("source")["story"].nunique())
    cov = cov[cov["source"].isin(names)].rename(columns={"source": "outlet"})
    return keep[["story", "label"]].merge(cov, on="story")[["story", "label", "outlet", "articles"]]


def spots(view: View, *, outlets: int = 8, min_share: float = 0.5) -> pd.DataFrame | None:
    """Blind spots among the selected articles: (outlet, story, label, first, covered_by,
    share) - the stories at least min_share of the compared outlets told and this one did not."""
    rows = _rows(view)
    if rows is None:
        return None
    stories = story_index(view.corpus)["stories"]
    names = shown_outlets(view, outlets, known_only=True)
    out = blind_spots_of(rows, min_share=min_share, outlets_of_interest=names)
    out = out.merge(stories[["story", "label", "first"]], on="story")
    out = out.rename(columns={"source": "outlet", "outlets": "covered_by"})
    return out[["outlet", "story", "label", "first", "covered_by", "share"]]


def coverage_figure(df: pd.DataFrame, colors: dict, *, title: str = "Which outlets covered each story") -> go.Figure:
    """A dot per (story, outlet) that has articles in the story: stories as rows (most
    outlets first), outlets as columns; a click on a dot filters by its outlet."""
    stories = list(dict.fromkeys(df["story"]))
    labels = dict(zip(df["story"], df["label"]))
    rows = {s: f"{s}: {F.short(labels[s], 50)}" for s in stories}
    order = df.groupby("outlet")["story"].nunique().sort_values(ascending=False, kind="stable").index.tolist()
    trace = {"type": "scatter", "mode": "markers", "x": [F.short(o, 28) for o in df["outlet"]],
             "y": [rows[s] for s in df["story"]],
             "marker": {"size": [10 + 4 * min(int(a), 5) for a in df["articles"]],
                        "color": [colors.get(o, F.OTHER_COLOR) for o in df["outlet"]]},
             "customdata": F._custom(df, ["outlet", "articles"]),
             "text": [f"{F.esc(labels[s])}<br>{F.esc(o)}: {int(a)} article(s)"
                      for s, o, a in zip(df["story"], df["outlet"], df["articles"])],
             "hovertemplate": "%{text}<extra></extra>"}
    return F.figure([trace], F.layout(title, height=max(300, min(1400, 130 + 24 * len(stories))), showlegend=False,
                                      xaxis={"tickangle": -40, "side": "top", "categoryorder": "array",
                                             "categoryarray": [F.short(o, 28) for o in order]},
                                      yaxis={"categoryorder": "array", "autorange": "reversed",
                                             "categoryarray": [rows[s] for s in stories]}))


def timeline_figure(stories: pd.DataFrame, *, title: str = "When each story ran (first to last article)") -> go.Figure:
    """A bar per dated story from its first to its last day; a click filters by its month."""
    df = stories.dropna(subset=["first"])
    start = pd.to_datetime(df["first"])
    width = (pd.to_datetime(df["last"]) - start).dt.days.clip(lower=0) + 1
    rows = [f"{s}: {F.short(lab, 50)}" for s, lab in zip(df["story"], df["label"])]
    bar = {"type": "bar", "orientation": "h", "base": start.dt.strftime("%Y-%m-%d").tolist(),
           "x": (width * 86_400_000).tolist(), "y": rows, "marker": {"color": "#4c78a8"},
           "text": [F.esc(lab) for lab in df["label"]], "textposition": "none",
           "customdata": [[str(f)[:7], int(o)] for f, o in zip(df["first"], df["outlets"])],
           "hovertemplate": "%{text}<br>from %{base|%d %b %Y}, %{customdata[1]} outlet(s)<extra></extra>"}
    return F.figure([bar], F.layout(title, x="date", height=F._hbar_height(len(df)), xaxis={"type": "date"},
                                    yaxis={"categoryorder": "array", "categoryarray": rows, "autorange": "reversed"}))


def spots_figure(df: pd.DataFrame, colors: dict, *, title: str) -> go.Figure:
    """Blind spots per outlet (bars); a click filters by the outlet."""
    counts = df.groupby("outlet").size().rename("articles").reset_index()
    fig = F.outlets_figure(counts, colors, title=title)
    fig.update_traces(hovertemplate="%{text}<br>%{x} blind spot(s)<extra></extra>")
    fig.update_xaxes(title_text="stories missed")
    return fig


def _cell(value, *, lines: bool = False, n: int = 8) -> str:
    """A table cell: a list as its first n items (one per line, or comma-separated)."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = [F.esc(F.short(x, 160)) for x in list(value)]
        more = f" (+{len(items) - n} more)" if len(items) > n else ""
        return ("<br>" if lines else ", ").join(items[:n]) + more if items else "—"
    return "—" if value is None or (isinstance(value, float) and pd.isna(value)) else F.esc(value)


def sides_figure(sides: pd.DataFrame, *, story: int | None = None, label: str = "") -> go.Figure:
    """A table: one column per article (its outlet on top), one row per aspect."""
    title = "The story, outlet by outlet" if story is None else f"Story {story}: {F.short(label, 90)}"
    aspects = SIDE_COLUMNS[2:]
    header = ["", *[f"<b>{F.esc(s)}</b><br>{F.esc(a)}" for s, a in zip(sides["source"], sides["article_id"])]]
    columns = [[f"<b>{a.replace('_', ' ')}</b>" for a in aspects]] + \
        [[_cell(r[a], lines=a == "quotes", n=5 if a == "quotes" else 12) for a in aspects] for _, r in sides.iterrows()]
    trace = {"type": "table", "columnwidth": [90] + [240] * len(sides),
             "header": {"values": header, "align": "left", "fill": {"color": "#e8eef7"}, "height": 40},
             "cells": {"values": columns, "align": "left", "height": 24}}
    return F.figure([trace], F.layout(title, height=760))


def side_by_side(view: View, story: int) -> pd.DataFrame:
    """story_sides over the selected articles of one story, with quotes and tone when stored;
    source is the dashboard's outlet name."""
    stories = view.corpus.table("stories")
    members = [str(a) for a in stories.loc[stories["story"] == story, "articles"].iat[0]]
    selected = set(view.ids)
    ids = [a for a in members if a in selected]
    texts = view.corpus.texts(ids)
    mentions = view.corpus.mentions_of(ids, columns=("article_id", "entity", "type"))
    quotes = view.corpus.rows_of("quotes", ids, ("article_id", "speaker", "quote", "start"))
    tones = view.corpus.rows_of("sentence_tones", ids, ("article_id", "compound"))
    sides = story_sides(story, stories, texts, mentions, quotes, tones)
    return sides.assign(source=view.corpus.outlet_of(sides["article_id"])) if len(sides) else sides


def story_choices(listed: pd.DataFrame) -> list[int]:
    """The stories offered side by side (selected_stories' order): those with several selected
    articles, else all; the first is shown when the page opens."""
    multi = listed[listed["selected"] > 1]
    return (multi if len(multi) else listed)["story"].tolist()


def side_outlets(sides: pd.DataFrame) -> list[str]:
    """The story's outlets, most articles first, then by name."""
    counts = sides["source"].value_counts()
    return sorted(counts.index, key=lambda o: (-counts[o], o))


def _items(values, n: int) -> str:
    items = [html.escape(str(v)) for v in list(values)[:n]]
    more = f" <i>(+{len(values) - n} more)</i>" if len(values) > n else ""
    return ", ".join(items) + more if items else "<i>none</i>"


def side_card_html(row) -> str:
    """One article of a story as an HTML card (every corpus value escaped)."""
    tone = "unknown" if row["tone"] is None or pd.isna(row["tone"]) else f"{row['tone']:+.2f}"
    quotes = "".join(f"<li>{html.escape(q if len(q) <= 220 else q[:219] + '…')}</li>"
                     for q in list(row["quotes"])[:4]) or "<li><i>none found</i></li>"
    more = f"<div style='color:#666'>(+{len(row['quotes']) - 4} more quotes)</div>" if len(row["quotes"]) > 4 else ""
    return (
        "<div style='border:1px solid #ddd;border-radius:6px;padding:10px;font-size:0.88rem;line-height:1.35'>"
        f"<div style='font-weight:600;color:#1f4e8c'>{html.escape(str(row['source']))}</div>"
        f"<div style='font-weight:600;margin:4px 0'>{html.escape(str(row['title'] or '(no title)'))}</div>"
        f"<div style='color:#666'>{int(row['words']):,} words · tone {tone} · {html.escape(str(row['article_id']))}</div>"
        f"<div style='margin-top:6px'><b>Names</b>: {_items(row['entities_named'], 10)}</div>"
        f"<div style='margin-top:4px;color:#a33'><b>Leaves out</b>: {_items(row['entities_missing'], 10)}</div>"
        f"<div style='margin-top:4px'><b>Quotes</b><ul style='margin:2px 0 0 18px;padding:0'>{quotes}</ul>{more}</div>"
        f"<div style='margin-top:4px'><b>Distinctive words</b>: {_items(row['terms'], 8)}</div></div>")


def stories_charts(view: View, *, top: int = 25, outlets: int = 8, min_share: float = 0.5) -> list[Chart | Missing]:
    """Coverage (stories x outlets), the stories' time spans and the blind spots per outlet."""
    cov = coverage(view, top=top)
    if cov is None:
        return [Missing("story_coverage", MISSING)]
    if cov.empty:
        return [Missing("story_coverage", "Stories: no story has two or more articles in the selection.")]
    n = cov["story"].nunique()
    out: list[Chart | Missing] = [Chart("story_coverage", coverage_figure(
        cov, view.colors, title=f"Which outlets covered each story (the {n} told by most outlets)"), cov, "outlet")]
    listed = selected_stories(view)
    spans = listed[listed["story"].isin(set(cov["story"]))]
    dated = spans.dropna(subset=["first"])
    out.append(Chart("story_timeline", timeline_figure(dated), dated, "month") if len(dated)
               else Missing("story_timeline", "Stories: none of these stories has a known date."))
    holes = spots(view, outlets=outlets, min_share=min_share)
    names = shown_outlets(view, outlets, known_only=True)
    if len(holes):
        out.append(Chart("story_blind_spots", spots_figure(
            holes, view.colors, title=f"Blind spots: stories at least {min_share:.0%} of {len(names)} outlets told, "
                                      "missed by this one"), holes, "outlet"))
    else:
        out.append(Missing("story_blind_spots", f"Blind spots: no story was told by at least {min_share:.0%} of "
                                                f"the {len(names)} compared outlets and missed by another."))
    return out
