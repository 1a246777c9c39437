"""Maps: tidy place tables -> plotly geo figures that draw offline.

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

from analysis.figures import base as F
from analysis.config import GEO_FILE, env_int
from analysis.entities.gazetteer import country_centres

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
    # drawn, not read: 32-bit floats (0.00001 degree) halve what every map sends of the world
    return _geo(lon=lon.astype(np.float32), lat=lat.astype(np.float32), mode="lines", fill="toself", fillcolor=fill, name=name,
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


def _points(df: pd.DataFrame, order: np.ndarray, group: bool = False) -> np.ndarray:
    """Each bubble's customdata, in `order`: [entity (raw: what a click filters by), its hover
    head, mentions(, its group)]. The hover is a template over these (HOVER): the escaped
    head is the only copy of the names sent; no per-bubble hover string repeats them."""
    cols = [df["entity"].to_numpy(dtype=object)[order],
            np.array([_hover_head(e, p, c) for e, p, c in zip(df["entity"].to_numpy(dtype=object)[order],
                                                              df["place"].to_numpy(dtype=object)[order],
                                                              df["country"].to_numpy(dtype=object)[order])],
                     dtype=object),
            df["mentions"].to_numpy()[order].astype(object)]
    if group:
        cols.append(np.array([F.esc(g) + ": " if g else "" for g in df["group"].to_numpy(dtype=object)[order]],
                             dtype=object))
    return np.stack(cols, axis=1) if len(order) else np.empty((0, len(cols)), dtype=object)


def _hover_template(group: str | None = None) -> str:
    """A bubble's hover: its head, then its group (fixed per trace, else customdata[3]) and mentions."""
    lead = "%{customdata[3]}" if group is None else (F.esc(group) + ": " if group else "")
    return "%{customdata[1]}<br>" + lead + "%{customdata[2]:,} mentions<extra></extra>"


@functools.lru_cache(maxsize=100_000)
def _hover_head(entity, place, country) -> str:
    """The escaped first line of a place's hover (the same place is in many bubbles)."""
    return f"<b>{F.esc(entity)}</b> ({F.esc(place)}, {F.esc(country if isinstance(country, str) else '')})"


def _coords(values: np.ndarray) -> np.ndarray:
    """Bubble positions as 32-bit floats (1 m at the equator is 0.00001 degree): half the bytes."""
    return np.asarray(values, dtype=np.float32)


MAX_BUBBLES = env_int("NEWS_MAP_BUBBLES", 2_000)   # drawn at first: a world map of 30,000 bubbles (37k articles, per outlet) is slow to
                        # send, draw and read (the page's "Draw every bubble" button lifts the cap)
MAX_PER_MONTH = 400     # the biggest places of each month in the animation


def places_map_figure(table: pd.DataFrame, colors: dict | None = None, *,
                      title: str = "Where the coverage is (mentions)", bounds=None,
                      max_bubbles: int | None = MAX_BUBBLES) -> go.Figure:
    """Bubbles sized by mentions: table has entity, place, country, lat, lon, mentions and
    optionally group (an outlet or topic: one colour each). One trace per group, in the
    order the groups first appear, its bubbles most mentioned first (ties in table order);
    beyond 13 groups, those without a legend entry share one trace (each bubble keeps its
    group's colour and names it in the hover)."""
    traces = []
    if "group" not in table:
        table = table.assign(group="")
    if max_bubbles is not None and len(table) > max_bubbles:   # the biggest bubbles (the chart's CSV keeps every row)
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
    lat, lon = _coords(table["lat"].to_numpy()[order]), _coords(table["lon"].to_numpy()[order])
    entity = table["entity"].to_numpy(dtype=object)[order]
    custom = _points(table, order, group=True)
    mentions = mentions[order]
    rest = []   # groups without a legend entry: one trace with a colour per bubble (491 outlets were
    for i, group in enumerate(names):   # 491 traces, most of the Places page's time at 37k articles)
        if bool(group) and group not in legend and len(names) > 13:
            rest.append(i)
            continue
        sl = slice(starts[i], starts[i + 1])
        traces.append(_geo(lat=lat[sl], lon=lon[sl], name=F.short(group or "mentions", 30),
                           customdata=custom[sl, :3], hovertemplate=_hover_template(group),
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
                           customdata=custom[idx], hovertemplate=_hover_template(),
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
    lat, lon = _coords(dated["lat"].to_numpy()[order]), _coords(dated["lon"].to_numpy()[order])
    custom = _points(dated, order)
    mentions = mentions[order]

    def bubbles(i: int) -> dict:
        sl = slice(starts[i], starts[i + 1])
        return _geo(lat=lat[sl], lon=lon[sl], name=months[i], customdata=custom[sl],
                    hovertemplate=_hover_template(""), showlegend=False,
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
