"""Figures of the entity clusters: cluster sizes, the co-occurrence network coloured by
community, clusters per outlet. Tables in (analysis.entity_clusters), plotly out.

Corpus text (entity and outlet names, labels) is escaped before it enters a label or a
hover text; the raw value travels in ``customdata[0]`` so that a click can filter by it
(an entity in the network, an outlet in the clusters per outlet).
"""
from __future__ import annotations

import functools

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.figures.base import OTHER_COLOR, PALETTE, _hbar_height, empty_figure, esc, layout, short

SEED = 7


def cluster_color(cluster: int) -> str:
    return OTHER_COLOR if int(cluster) < 0 else PALETTE[int(cluster) % len(PALETTE)]


def cluster_name(cluster: int, label: str) -> str:
    return str(label) if int(cluster) < 0 else f"{int(cluster)}: {label}"


def cluster_sizes_figure(clusters: pd.DataFrame, *, title: str = "Article clusters by entities") -> go.Figure:
    """Horizontal bars, largest cluster on top: clusters has cluster, label, entities, size."""
    if clusters.empty:
        return empty_figure(title, "No article clusters in the selection.")
    df = clusters.sort_values(["size", "cluster"], ascending=[False, True]).iloc[::-1]
    hover = [f"{esc(cluster_name(c, lab))}<br>defining entities: {esc(', '.join(ents))}"
             for c, lab, ents in zip(df["cluster"], df["label"], df["entities"])]
    return go.Figure({"data": [{
        "type": "bar", "x": df["size"].to_numpy(),
        "y": [short(cluster_name(c, lab), 60) for c, lab in zip(df["cluster"], df["label"])],
        "orientation": "h", "marker": {"color": [cluster_color(c) for c in df["cluster"]]},
        "customdata": df[["cluster"]].to_numpy(), "hovertext": hover, "textposition": "none",
        "hovertemplate": "%{hovertext}<br>%{x} articles<extra></extra>"}],
        "layout": layout(title, x="articles", height=_hbar_height(len(df)))}, _validate=False)


def communities_network_figure(communities: pd.DataFrame, edges: pd.DataFrame, entities: pd.DataFrame | None, *,
                               max_nodes: int = 150, top_labels: int = 30,
                               title: str = "Entity communities (co-occurrence in a sentence)") -> go.Figure:
    """communities: community, label, entity, degree; edges: source_entity,
    target_entity, weight; entities (optional): name or entity, type, mentions (node
    size). The max_nodes entities of highest degree are drawn; the top_labels of them
    by mentions carry their name (all have it in the hover)."""
    if communities.empty:
        return empty_figure(title, "No pair of entities is mentioned together often enough.")
    nodes = _nodes(communities, entities).head(max_nodes)
    keep = set(nodes["entity"])
    edges = edges[edges["source_entity"].isin(keep) & edges["target_entity"].isin(keep)]
    pos = _layout_positions(nodes, edges)
    traces = _edge_traces(edges, pos)
    size = 8 + 28 * np.sqrt(nodes["mentions"] / max(float(nodes["mentions"].max()), 1.0))
    labelled = set(nodes.sort_values(["mentions", "entity"], ascending=[False, True])["entity"].head(top_labels))
    for c, part in nodes.assign(size=size).groupby("community", sort=True):
        xy = np.array([pos[e] for e in part["entity"]])
        hover = [f"{esc(e)} ({esc(t)})<br>community {int(c)}: {esc(lab)}<br>{int(m)} mentions"
                 for e, t, lab, m in zip(part["entity"], part["type"], part["label"], part["mentions"])]
        traces.append({"type": "scatter", "x": xy[:, 0], "y": xy[:, 1], "mode": "markers+text",
                       "name": short(cluster_name(c, part["label"].iloc[0]), 40),
                       "text": [short(e, 24) if e in labelled else "" for e in part["entity"]],
                       "textposition": "top center", "textfont": {"size": 11}, "hovertext": hover,
                       "customdata": part[["entity"]].to_numpy(), "hovertemplate": "%{hovertext}<extra></extra>",
                       "marker": {"size": part["size"].to_numpy(), "color": cluster_color(c),
                                  "line": {"width": 1, "color": "white"}}})
    return go.Figure({"data": traces, "layout": layout(title, height=680, legend="community", xaxis={"visible": False},
                                                       yaxis={"visible": False, "scaleanchor": "x"})},
                     _validate=False)


def _nodes(communities: pd.DataFrame, entities: pd.DataFrame | None) -> pd.DataFrame:
    """community, label, entity, degree, type, mentions; by degree (ties by name)."""
    nodes = communities[[c for c in ("community", "label", "entity", "degree", "type", "mentions")
                         if c in communities]].copy()
    if entities is not None and len(entities):
        ents = entities.rename(columns={"name": "entity"})
        ents = ents.sort_values(["mentions", "entity"], ascending=[False, True]).drop_duplicates("entity")
        nodes = nodes.merge(ents[["entity", "type", "mentions"]], on="entity", how="left")
    for col, default in (("type", ""), ("mentions", 1)):
        nodes[col] = nodes[col].fillna(default) if col in nodes else default
    return nodes.sort_values(["degree", "entity"], ascending=[False, True]).reset_index(drop=True)


def _layout_positions(nodes: pd.DataFrame, edges: pd.DataFrame, *, seed: int = SEED) -> dict:
    """A spring layout (weighted by log co-occurrences, fixed seed) of each connected
    component, packed left to right, largest first, so that small islands do not push
    the main graph into a corner. Same every run, so memoised on its inputs (a filter
    change often keeps the same best-linked entities, and the layout was a tenth of a rerun)."""
    key = (tuple(sorted(nodes["entity"])),
           tuple((a, b, float(w)) for a, b, w in edges.sort_values(["source_entity", "target_entity"])[
               ["source_entity", "target_entity", "weight"]].itertuples(index=False)))
    return dict(_positions_of(key, seed))


@functools.lru_cache(maxsize=256)
def _positions_of(key: tuple, seed: int) -> tuple:
    names, edge_list = key
    g = nx.Graph()
    g.add_nodes_from(names)
    for a, b, w in edge_list:
        g.add_edge(a, b, weight=float(np.log1p(w)))
    parts = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    pos, x0 = {}, 0.0
    for part in parts:
        sub = g.subgraph(part)
        width = float(np.sqrt(len(part)))
        raw = nx.spring_layout(sub, k=1.6 / np.sqrt(len(part)), weight="weight", seed=seed, iterations=100) \
            if len(part) > 2 else {n: np.array([i, 0.0]) for i, n in enumerate(part)}
        xy = np.array([raw[n] for n in part], dtype=float)
        xy = (xy - xy.min(axis=0)) / np.maximum(np.ptp(xy, axis=0), 1e-9) * width
        for n, (x, y) in zip(part, xy):
            pos[n] = (float(x0 + x), float(y))
        x0 += width + 1.0
    return tuple(pos.items())


def _edge_traces(edges: pd.DataFrame, pos: dict) -> list[dict]:
    """Edges in three width classes by weight (few traces keep the figure light)."""
    if edges.empty:
        return []
    out = []
    classes = np.digitize(edges["weight"] / float(edges["weight"].max()), [0.2, 0.5])
    for c, width in zip(range(3), (0.6, 1.8, 3.5)):
        xs, ys = [], []
        for a, b in edges.loc[classes == c, ["source_entity", "target_entity"]].itertuples(index=False):
            xs += [pos[a][0], pos[b][0], None]
            ys += [pos[a][1], pos[b][1], None]
        if xs:
            out.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                        "line": {"width": width, "color": "rgba(120,120,120,0.45)"},
                        "hoverinfo": "skip", "showlegend": False})
    return out


def cluster_outlets_figure(shares: pd.DataFrame, clusters: pd.DataFrame | None, *, by: str = "source",
                           top: int = 15, title: str = "Article clusters per outlet (share of the outlet's articles)"
                           ) -> go.Figure:
    """Stacked horizontal bars, one per outlet (the top outlets by articles), one colour
    per cluster: shares has cluster, <by>, n, share (analysis.entity_clusters.cluster_shares)."""
    if shares.empty:
        return empty_figure(title, "No article clusters in the selection.")
    totals = shares.groupby(by)["n"].sum().reset_index().sort_values(["n", by], ascending=[False, True])
    keep = totals[by].head(top).tolist()
    df = shares[shares[by].isin(keep)]
    labels = dict(zip(clusters["cluster"], clusters["label"])) if clusters is not None and len(clusters) else {}
    order = keep[::-1]
    traces = []
    rank = {o: i for i, o in enumerate(order)}
    df = df.dropna(subset=["n"])
    df = df.assign(_rank=df[by].map(rank)).sort_values(["cluster", "_rank"], kind="stable")
    clus, outs = df["cluster"].to_numpy(), df[by].to_numpy(dtype=object)
    share, n = df["share"].to_numpy(), df["n"].to_numpy()
    for c in np.unique(clus):   # numpy slices: a pandas reindex per cluster cost most of the page
        i = np.flatnonzero(clus == c)
        name = cluster_name(c, labels.get(c, "no entities" if c < 0 else ""))
        traces.append({"type": "bar", "x": share[i], "y": [short(o, 40) for o in outs[i]],
                       "orientation": "h", "name": short(name, 40), "marker": {"color": cluster_color(c)},
                       "customdata": outs[i].reshape(-1, 1),
                       "hovertext": [f"{esc(o)}<br>{esc(name)}<br>{int(k)} articles" for o, k in zip(outs[i], n[i])],
                       "hovertemplate": "%{hovertext} (%{x:.0%})<extra></extra>"})
    # the whole figure in one unvalidated construction (adding traces validates each)
    return go.Figure({"data": traces, "layout": layout(
        title, x="share", height=_hbar_height(len(keep)), legend="cluster", barmode="stack",
        xaxis={"tickformat": ".0%", "range": [0, 1]},
        yaxis={"categoryorder": "array", "categoryarray": [short(o, 40) for o in order]})}, _validate=False)
