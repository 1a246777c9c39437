"""The Places page's figures: tidy place tables -> plotly geo figures that draw offline.

plotly.js fetches its world outline (topojson) from cdn.plot.ly for any geo trace that
has a ``locationmode`` (every choropleth has one); with the network closed that fetch
fails and nothing is drawn. So these figures use only scattergeo traces with lat/lon:
the countries are filled outlines read from the shipped static/geo/countries-110m.geojson,
and ``geo.visible`` is off. No request leaves the page, in the dashboard, in the
exported HTML and in kaleido's PNG/SVG.
"""
from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from analysis import figures as F
from analysis.dashboard_data import plain_strings
from analysis.places import GEO_FILE, country_centres

LAND, BORDER, SCALE = "#ececec", "#b4b4b4", "Blues"
MAX_BUBBLE_PX = 42


@functools.lru_cache(maxsize=1)
def outlines() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """ISO2 -> (lon, lat) of the country's outer rings, rings separated by NaN (a gap in
    the line: null in the figure's JSON). Arrays, not lists: plotly validates a list element
    by element, which made the world map most of the Places page's time."""
    out = {}
    for f in json.loads(GEO_FILE.read_text())["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        lon, lat = [], []
        for poly in polys:
            lon += [p[0] for p in poly[0]] + [np.nan]
            lat += [p[1] for p in poly[0]] + [np.nan]
        out[f["id"]] = (np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return out


@functools.lru_cache(maxsize=4)
@functools.lru_cache(maxsize=512)
def _rings(isos: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The outlines of these countries (kept: the world under every map was rebuilt per figure)."""
    parts = [outlines()[iso] for iso in isos]
    if not parts:
        return np.array([], dtype=float), np.array([], dtype=float)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


@functools.lru_cache(maxsize=1)
def _scale() -> list:
    """SCALE as the [position, colour] pairs plotly's validation would write."""
    from plotly.colors import get_colorscale

    return [list(pair) for pair in get_colorscale(SCALE)]


def _geo(**kw) -> dict:
    """A scattergeo trace as a plain dict (the figures are built unvalidated, as
    analysis.figures.figure: the graph-object setters cost most of a rerun)."""
    return {"type": "scattergeo", **{k: (v.to_numpy() if isinstance(v, pd.Series) else v)
                                     for k, v in kw.items() if v is not None}}


def _countries_trace(isos, fill: str, name: str = "countries") -> dict:
    lon, lat = _rings(tuple(isos))
    return _geo(lon=lon, lat=lat, mode="lines", fill="toself", fillcolor=fill, name=name,
                line={"color": BORDER, "width": 0.5}, hoverinfo="skip", showlegend=False)


def base_map(traces: list[dict], *, title: str, height: int = 560, frames=(), geo: dict | None = None,
             layout: dict | None = None) -> go.Figure:
    """The world's countries under the traces, a geo frame that fetches nothing, the common
    layout: the whole figure from dicts in one unvalidated construction (adding traces to a
    figure validates each one, which was most of the Places page's time)."""
    lay = F.layout(title, height=height)
    lay["geo"] = {"visible": False, "projection": {"type": "natural earth"}, "showframe": True,
                  "framecolor": "#cccccc", "lataxis": {"range": [-58, 85]}, **(geo or {})}
    lay["margin"] = {"l": 0, "r": 0, "t": 50, "b": 0}
    lay["legend"] = {"x": 0.01, "y": 0.02, "bgcolor": "rgba(255,255,255,0.7)", "itemsizing": "constant"}
    lay.update(layout or {})
    fig = go.Figure({"data": [_countries_trace(sorted(outlines()), LAND), *traces], "layout": lay}, _validate=False)
    if frames:
        # plotly validates frames even in an unvalidated figure (its constructor passes no
        # _validate to the frames validator): that was a third of the Places page at 37k
        # articles. The frames are dicts of the same checked traces; the JSON is the same.
        fig._frame_objs = tuple(go.Frame(f, _validate=False) for f in frames)
    return fig


def _sizes(values, vmax: float) -> dict:
    return {"size": np.asarray(values, dtype=float).tolist(), "sizemode": "area", "sizemin": 4,
            "sizeref": 2.0 * max(vmax, 1) / MAX_BUBBLE_PX ** 2}


def _hover(df: pd.DataFrame) -> list[str]:
    return [f"{_hover_head(e, p, c)}{F.esc(g)}{n:,} mention{'s' if n != 1 else ''}"
            for e, p, c, g, n in zip(df["entity"].to_numpy(dtype=object), df["place"].to_numpy(dtype=object),
                                     df["country"].to_numpy(dtype=object),
                                     [f"{x}: " if x else "" for x in df.get("group", [""] * len(df))],
                                     df["mentions"].to_numpy().tolist())]


@functools.lru_cache(maxsize=100_000)
def _hover_head(entity, place, country) -> str:
    """The escaped first line of a place's hover (the same place is in many bubbles)."""
    return f"<b>{F.esc(entity)}</b> ({F.esc(place)}, {F.esc(country if isinstance(country, str) else '')})<br>"


MAX_BUBBLES = 5_000     # a world map of 30,000 bubbles (37k articles, per outlet) is slow to draw and to read
MAX_PER_MONTH = 400     # the biggest places of each month in the animation


def places_map_figure(table: pd.DataFrame, colors: dict | None = None, *,
                      title: str = "Where the coverage is (mentions)", bounds=None,
                      max_bubbles: int = MAX_BUBBLES) -> go.Figure:
    """Bubbles sized by mentions: table has entity, place, country, lat, lon, mentions and
    optionally group (an outlet or topic: one colour each). One trace per group, in the
    order the groups first appear, its bubbles most mentioned first (ties in table order);
    beyond 13 groups, those without a legend entry share one trace (each bubble keeps its
    group's colour and names it in the hover)."""
    traces = []
    if "group" not in table:
        table = table.assign(group="")
    if len(table) > max_bubbles:   # the biggest bubbles (the chart's CSV keeps every row)
        title = f"{title} (the {max_bubbles:,} biggest of {len(table):,} bubbles)"
        table = table.sort_values("mentions", ascending=False, kind="stable").head(max_bubbles)
    vmax = table["mentions"].max() if len(table) else 1
    if colors is None:
        colors = {g: F.PALETTE[i % len(F.PALETTE)] for i, g in enumerate(dict.fromkeys(table["group"]))}
    labelled: set = set()
    # a legend entry for the 12 biggest groups only: 100 outlets' legend covered the map
    legend = set(table.groupby("group", sort=False)["mentions"].sum().sort_values(ascending=False).index[:12])
    # numpy slices of the whole table (a pandas sort per outlet was most of the page at 37k)
    codes, names = pd.factorize(table["group"])
    mentions = table["mentions"].to_numpy()
    order = np.lexsort((-mentions, codes))          # by group, then most mentioned (stable)
    starts = np.searchsorted(codes[order], np.arange(len(names) + 1))
    lat, lon = table["lat"].to_numpy()[order], table["lon"].to_numpy()[order]
    entity = table["entity"].to_numpy(dtype=object)[order]
    custom = table[["entity", "place", "country"]].astype(str).to_numpy()[order]
    hover = np.asarray(_hover(table), dtype=str)[order]   # fixed-width: copied as one block
    mentions = mentions[order]
    rest = []   # groups without a legend entry: one trace with a colour per bubble (491 outlets were
    for i, group in enumerate(names):   # 491 traces, most of the Places page's time at 37k articles)
        if bool(group) and group not in legend and len(names) > 13:
            rest.append(i)
            continue
        sl = slice(starts[i], starts[i + 1])
        traces.append(_geo(lat=lat[sl], lon=lon[sl], name=F.short(group or "mentions", 30),
                           customdata=custom[sl], hovertext=hover[sl], hovertemplate="%{hovertext}<extra></extra>",
                           mode="markers+text" if bounds else "markers", textposition="top center",
                           text=[_label_once(e, labelled) for e in entity[sl]] if bounds else None,
                           marker={**_sizes(mentions[sl], vmax), "color": colors.get(group, "#d62728") if group else "#d62728",
                                   "opacity": 0.7, "line": {"color": "white", "width": 0.8}},
                           showlegend=bool(group) and group in legend))
    if rest:
        idx = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in rest])
        idx = idx[np.argsort(-mentions[idx], kind="stable")]   # big bubbles under small ones
        shade = np.array([colors.get(names[i], "#d62728") for i in rest], dtype=object)
        which = np.repeat(np.arange(len(rest)), [starts[i + 1] - starts[i] for i in rest])
        color = np.empty(len(order), dtype=object)
        color[np.concatenate([np.arange(starts[i], starts[i + 1]) for i in rest])] = shade[which]
        traces.append(_geo(lat=lat[idx], lon=lon[idx], name=f"{len(rest)} others",
                           customdata=custom[idx], hovertext=hover[idx], hovertemplate="%{hovertext}<extra></extra>",
                           mode="markers+text" if bounds else "markers", textposition="top center",
                           text=[_label_once(e, labelled) for e in entity[idx]] if bounds else None,
                           marker={**_sizes(mentions[idx], vmax), "color": color[idx].tolist(),
                                   "opacity": 0.7, "line": {"color": "white", "width": 0.8}},
                           showlegend=False))
    zoom = {"lataxis": {"range": list(bounds[0])}, "lonaxis": {"range": list(bounds[1])},
            "projection": {"type": "mercator"}} if bounds else None
    return base_map(traces, title=title, geo=zoom)


def _label_once(entity: str, seen: set) -> str:
    """A place's name on its first bubble only (one bubble per outlet share a spot)."""
    if entity in seen:
        return ""
    seen.add(entity)
    return F.short(entity, 24)


def zoom_bounds(table: pd.DataFrame, country: str, *, pad: float = 2.0, span: float = 8.0):
    """((lat0, lat1), (lon0, lon1)) around the places of one country (None if it has none)."""
    part = table[table["country"] == country]
    if part.empty:
        return None
    out = []
    for col in ("lat", "lon"):
        lo, hi = part[col].min() - pad, part[col].max() + pad
        mid, half = (lo + hi) / 2, max(hi - lo, span) / 2
        out.append((mid - half, mid + half))
    return tuple(out)


def countries_figure(table: pd.DataFrame, *, title: str = "Mentions per country") -> go.Figure:
    """A choropleth drawn as filled outlines: table has country, country_name, mentions,
    top (the most mentioned place entity of that country: what a click filters by)."""
    traces = []
    known = table[table["country"].isin(list(outlines()))]
    vmax = max(known["mentions"].max() if len(known) else 1, 1)
    # clipped: 0.8 * m / vmax can round to just above 0.8 for the largest country, and the
    # scale has no colour past 1 (an IndexError on the 37k corpus)
    shades = np.clip(0.2 + 0.8 * known["mentions"].to_numpy(dtype=float) / vmax, 0.0, 1.0)
    # the shades in 24 steps, one trace per step with all its countries' outlines (a trace per
    # country was 200 traces, a third of the Places page at 37k); the colour bar stays continuous
    steps = np.round(shades * 23) / 23
    countries = known["country"].to_numpy(dtype=object)
    levels = np.unique(steps)
    for level, color in zip(levels, sample_colorscale(SCALE, levels.tolist()) if len(levels) else []):
        isos = tuple(sorted(countries[steps == level]))
        traces.append(_countries_trace(isos, color, name=", ".join(isos)))
    centres = country_centres()
    pts = table[table["country"].isin(list(centres))]
    traces.append(_geo(lat=[centres[c][0] for c in pts["country"]], lon=[centres[c][1] for c in pts["country"]],
                       customdata=pts[["top", "country"]].astype(str).values, name="countries", showlegend=False,
                       text=[f"<b>{F.esc(n)}</b><br>{m:,} mentions<br>most named: {F.esc(t)}"
                             for n, m, t in zip(pts["country_name"], pts["mentions"], pts["top"])],
                       hovertemplate="%{text}<extra></extra>",
                       marker={"size": 9, "color": pts["mentions"], "colorscale": _scale(), "cmin": 0, "cmax": vmax,
                               "line": {"color": "#333", "width": 0.6},
                               "colorbar": {"title": {"text": "mentions"}, "thickness": 12, "len": 0.6}}))
    return base_map(traces, title=title)


def places_animation_figure(table: pd.DataFrame, *, title: str = "Attention by month (press play or drag the slider)",
                            max_per_month: int = MAX_PER_MONTH) -> go.Figure:
    """One frame per month: table has month, entity, place, country, lat, lon, mentions.
    Each month's bubbles most mentioned first (ties in table order), at most max_per_month."""
    months = sorted(table["month"].dropna().unique())
    vmax = table["mentions"].max() if len(table) else 1
    dated = table[table["month"].notna()]
    codes = pd.Index(months).get_indexer(dated["month"])
    mentions = dated["mentions"].to_numpy()
    order = np.lexsort((-mentions, codes))          # numpy slices, not a pandas sort per month
    rank = np.arange(len(order)) - np.searchsorted(codes[order], codes[order])   # place in its month
    if (rank >= max_per_month).any():
        title = f"{title} (the {max_per_month:,} most mentioned places of each month)"
        order = order[rank < max_per_month]
        dated = dated.iloc[np.sort(order)]
        codes, mentions = codes[np.sort(order)], mentions[np.sort(order)]
        order = np.lexsort((-mentions, codes))
    starts = np.searchsorted(codes[order], np.arange(len(months) + 1))
    lat, lon = dated["lat"].to_numpy()[order], dated["lon"].to_numpy()[order]
    custom = dated[["entity", "place", "country"]].astype(str).to_numpy()[order]
    hover = np.asarray(_hover(dated), dtype=str)[order]
    mentions = mentions[order]

    def bubbles(i: int) -> dict:
        sl = slice(starts[i], starts[i + 1])
        return _geo(lat=lat[sl], lon=lon[sl], text=hover[sl], name=months[i], customdata=custom[sl],
                    hovertemplate="%{text}<extra></extra>", showlegend=False,
                    marker={**_sizes(mentions[sl], vmax), "color": "#d62728", "opacity": 0.7,
                            "line": {"color": "white", "width": 0.8}})

    step = {"frame": {"duration": 700, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    return base_map([bubbles(0)] if months else [], title=title, height=600,
                    frames=[{"data": [bubbles(i)], "traces": [1], "name": m} for i, m in enumerate(months)], layout={
        "margin": {"l": 0, "r": 0, "t": 50, "b": 110},
        "sliders": [{"active": 0, "currentvalue": {"prefix": "month: "}, "x": 0.1, "len": 0.88, "y": 0, "yanchor": "top",
                     "steps": [{"label": m, "method": "animate", "args": [[m], step]} for m in months]}],
        "updatemenus": [{"type": "buttons", "showactive": False, "x": 0.0, "y": 0, "xanchor": "left",
                         "yanchor": "top", "direction": "left", "pad": {"t": 40}, "buttons": [
                             {"label": "▶", "method": "animate", "args": [None, {**step, "fromcurrent": True}]},
                             {"label": "❚❚", "method": "animate", "args": [[None], {**step, "mode": "immediate"}]}]}]})


# -- the tables of the page -------------------------------------------------------------

def bubbles_table(pm: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Mentions per place (and per group when by is a column of pm: source or topic)."""
    keys = ["entity", "place", "country", "lat", "lon"] + ([by] if by else [])
    g = pm.groupby(keys, dropna=False)["mentions"].sum().reset_index()
    if by:
        g = g.rename(columns={by: "group"})
        g["group"] = g["group"].astype(str)
    return g.sort_values(["mentions", "entity"], ascending=[False, True], ignore_index=True)


def countries_table(pm: pd.DataFrame, country_names: dict) -> pd.DataFrame:
    """Mentions per country, with its most mentioned place entity."""
    pm = pm.dropna(subset=["country"])
    if pm.empty:
        return pd.DataFrame(columns=["country", "country_name", "mentions", "top"])
    per = pm.groupby(["country", "entity"])["mentions"].sum().reset_index()
    top = per.sort_values(["mentions", "entity"], ascending=[False, True]).drop_duplicates("country")
    out = per.groupby("country")["mentions"].sum().reset_index().merge(
        top[["country", "entity"]].rename(columns={"entity": "top"}), on="country")
    out["country_name"] = out["country"].map(country_names).fillna(out["country"])
    return out[["country", "country_name", "mentions", "top"]].sort_values(["mentions", "country"], ascending=[False, True],
                                                                          ignore_index=True)


def months_table(pm: pd.DataFrame) -> pd.DataFrame:
    dated = pm.dropna(subset=["month"])
    g = dated.groupby(["month", "entity", "place", "country", "lat", "lon"], dropna=False)["mentions"].sum()
    return g.reset_index().sort_values(["month", "mentions"], ascending=[True, False], ignore_index=True)


def view_place_mentions(view, pm: pd.DataFrame) -> pd.DataFrame:
    """The place mentions of the view's selected articles, with their outlet and topic."""
    from analysis.filters import UNKNOWN

    pm = pm[pm["article_id"].isin(set(view.ids))].copy()
    corpus = view.corpus
    pos = corpus.pos.reindex(pm["article_id"]).to_numpy()
    pm["source"] = corpus.articles["outlet"].to_numpy()[pos] if len(pm) else pm.get("source")
    pm["month"] = corpus.articles["month"].to_numpy()[pos] if len(pm) else pm.get("month")
    pm["topic"] = UNKNOWN
    labels = _article_topic_labels(corpus)
    if labels is not None and len(pm):
        pm["topic"] = labels[pos]
    return pm


def _article_topic_labels(corpus) -> np.ndarray | None:
    """Each article's topic as "n: label" (UNKNOWN without one), or None without topics."""
    from analysis.filters import UNKNOWN

    topics = corpus.table("topics_articles")
    if corpus.article_topics is None or topics is None:
        return None
    labels = dict(zip(topics["topic"].astype(int), topics["label"]))
    at = corpus.article_topics.drop_duplicates("art").set_index("art")["topic"]
    t = at.reindex(np.arange(len(corpus.articles))).to_numpy()
    return np.array([f"{int(x)}: {labels.get(int(x), '')}" if pd.notna(x) else UNKNOWN for x in t], dtype=object)


PLACE_KEYS = ["entity", "place", "country", "lat", "lon"]


class PlaceIndex:
    """The place mentions of a corpus as numbers, prepared once (per corpus and places
    table) so that a filter change is a mask and a few bincounts, not pandas over every
    place mention: each row's article position, place key (PLACE_KEYS, numbered in sorted
    order), mentions, and the article's outlet, month and topic as sorted codes. The tables
    it returns are those of bubbles_table, countries_table and months_table on
    view_place_mentions (same rows, same order)."""

    def __init__(self, corpus, pm: pd.DataFrame):
        self.pm = pm
        pos = corpus.pos.reindex(pm["article_id"]).to_numpy()
        ok = ~pd.isna(pos)          # mentions of articles the corpus does not have: never selected
        rows = pm[ok]
        grouped = rows.groupby(PLACE_KEYS, dropna=False, sort=True)
        self.k = grouped.ngroup().to_numpy().astype(np.int64)
        self.keys = plain_strings(grouped.size().index.to_frame(index=False)[PLACE_KEYS])
        self.art = pos[ok].astype(np.int64)
        self.n = rows["mentions"].to_numpy().astype(np.int64)
        arts = corpus.articles
        self.groups = {"source": (corpus.outlet_codes, corpus.outlet_names)}
        from analysis.filters import UNKNOWN

        labels = _article_topic_labels(corpus)
        if labels is None:   # no topics: every article's topic is unknown
            labels = np.full(len(arts), UNKNOWN, dtype=object)
        codes, names = pd.factorize(labels, sort=True)
        self.groups["topic"] = (codes, np.asarray(names, dtype=object))
        mcodes, self.months = pd.factorize(arts["month"], sort=True)   # -1: unknown date
        self.month_code = mcodes

    def _sum(self, mask: np.ndarray, group: np.ndarray | None, n_groups: int):
        """(key, group, mentions) of the selected rows, in (key, group) order."""
        sel = mask[self.art]
        k, n = self.k[sel], self.n[sel]
        g = group[self.art[sel]] if group is not None else np.zeros(len(k), dtype=np.int64)
        if group is not None:
            k, n, g = k[g >= 0], n[g >= 0], g[g >= 0]
        combined = k * max(n_groups, 1) + g
        uniq, inv = np.unique(combined, return_inverse=True)
        sums = np.bincount(inv, weights=n, minlength=len(uniq)).astype(np.int64)
        return uniq // max(n_groups, 1), uniq % max(n_groups, 1), sums

    def selected(self, mask: np.ndarray) -> bool:
        return bool(mask[self.art].any())

    def bubbles(self, mask: np.ndarray, by: str | None = None) -> pd.DataFrame:
        """bubbles_table(view_place_mentions(view), by)."""
        if by:
            codes, names = self.groups[by]
            k, g, sums = self._sum(mask, codes, len(names))
        else:
            k, g, sums = self._sum(mask, None, 1)
        out = self.keys.iloc[k].reset_index(drop=True)
        if by:
            out["group"] = names[g].astype(str) if len(g) else pd.Series([], dtype=object)
        out["mentions"] = sums
        return out.sort_values(["mentions", "entity"], ascending=[False, True], ignore_index=True)

    def months_table(self, mask: np.ndarray) -> pd.DataFrame:
        """months_table(view_place_mentions(view))."""
        k, m, sums = self._sum(mask, self.month_code, len(self.months))
        out = self.keys.iloc[k].reset_index(drop=True)
        out.insert(0, "month", np.asarray(self.months, dtype=object)[m] if len(m) else [])
        out["mentions"] = sums
        return out.sort_values(["month", "mentions"], ascending=[True, False], ignore_index=True)

    def countries(self, mask: np.ndarray, country_names: dict) -> pd.DataFrame:
        """countries_table(view_place_mentions(view), country_names), counted with numpy."""
        if "_kc" not in self.__dict__:
            self._kc = pd.factorize(self.keys["country"], sort=True, use_na_sentinel=True)
            self._ke = pd.factorize(self.keys["entity"], sort=True)
        (kc, cnames), (ke, enames) = self._kc, self._ke
        sel = mask[self.art]
        per_key = np.bincount(self.k[sel], weights=self.n[sel], minlength=len(self.keys)).astype(np.int64)
        ok = (per_key > 0) & (kc >= 0)
        if not ok.any():
            return pd.DataFrame(columns=["country", "country_name", "mentions", "top"])
        n_e = max(len(enames), 1)
        uniq, inv = np.unique(kc[ok] * n_e + ke[ok], return_inverse=True)
        sums = np.bincount(inv, weights=per_key[ok]).astype(np.int64)
        country, entity = uniq // n_e, uniq % n_e
        totals = np.bincount(country, weights=sums).astype(np.int64)
        best = np.lexsort((entity, -sums, country))           # per country: most mentioned, then name
        first = best[np.r_[True, country[best][1:] != country[best][:-1]]]
        codes = country[first]
        names = np.asarray(cnames, dtype=object)[codes]
        out = pd.DataFrame({"country": names, "country_name": [country_names.get(c, c) for c in names],
                            "mentions": totals[codes], "top": np.asarray(enames, dtype=object)[entity[first]]})
        return out.sort_values(["mentions", "country"], ascending=[False, True], ignore_index=True)

    def undated(self, mask: np.ndarray) -> int:
        """Place mention rows of selected articles with an unknown date."""
        sel = mask[self.art]
        return int((self.month_code[self.art[sel]] < 0).sum())


def place_index(corpus, pm: pd.DataFrame) -> PlaceIndex:
    """The PlaceIndex of (corpus, pm), kept on the corpus (pm is a shared, read-only table:
    the index holds it, so its id stays its own)."""
    return corpus.prepared(("place_index", id(pm)), lambda c: PlaceIndex(c, pm))


def places_charts(view, places: pd.DataFrame, pm: pd.DataFrame, *, color_by: str = "outlet",
                  zoom: str | None = None):
    """The Places page's charts (Chart / Missing records, as figures_views makes them)."""
    from analysis.figures_views import Chart, Missing
    from analysis.places import country_names

    index = place_index(view.corpus, pm)
    mask = view.mask
    if not index.selected(mask):
        return [Missing("places_map", "No resolved place is mentioned in the selected articles.")]
    by = {"outlet": "source", "topic": "topic"}.get(color_by)
    bubbles = index.bubbles(mask, by)
    colors = view.colors if by == "source" else (
        {g: F.PALETTE[i % len(F.PALETTE)] for i, g in enumerate(sorted(bubbles["group"].unique()))} if by else None)
    what = {"source": " per outlet", "topic": " per topic"}.get(by, "")
    bounds = zoom_bounds(bubbles, zoom) if zoom else None
    where = f" in {country_names().get(zoom, zoom)}" if bounds else ""
    out = [Chart("places_map", places_map_figure(bubbles, colors, title=f"Places{where} by mentions{what}",
                                                 bounds=bounds),
                 bubbles.rename(columns={"group": color_by}) if by else bubbles, "entity")]
    countries = index.countries(mask, country_names())
    out.append(Chart("places_countries", countries_figure(countries), countries, "entity"))
    months = index.months_table(mask)
    undated = index.undated(mask)
    note = f" ({undated} place mentions in undated articles not shown)" if undated else ""
    out.append(Chart("places_by_month", places_animation_figure(months, title=f"Places by month{note}"), months, "entity")
               if len(months) else Missing("places_by_month", "No selected article with a place has a known date."))
    return out
