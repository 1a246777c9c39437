"""The entity co-occurrence network as a plotly figure (fixed-seed spring layout)."""
from __future__ import annotations

import functools

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.figures.base import OTHER_COLOR, TYPE_COLORS, _custom, empty_figure, esc, figure, layout

SEED = 7


def network_layout(nodes: pd.DataFrame, edges: pd.DataFrame, *, seed: int = SEED) -> dict[int, tuple[float, float]]:
    """Positions by entity_id: a spring layout weighted by co-occurrences, same every run."""
    key = (tuple(sorted(int(n) for n in nodes["entity_id"])),
           tuple((int(a), int(b), int(n)) for a, b, n in edges[["a", "b", "n"]].itertuples(index=False)))
    return _layout_of(key, seed)


@functools.lru_cache(maxsize=256)
def _layout_of(key: tuple, seed: int) -> dict[int, tuple[float, float]]:
    node_ids, edge_list = key
    g = nx.Graph()
    g.add_nodes_from(node_ids)
    for a, b, n in edge_list:
        g.add_edge(a, b, weight=float(np.log1p(n)))
    k = 1.6 / np.sqrt(max(len(g), 1))
    pos = nx.spring_layout(g, k=k, weight="weight", seed=seed, iterations=60)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def network_figure(nodes: pd.DataFrame, edges: pd.DataFrame, *,
                   title: str = "Entities mentioned in the same sentence") -> go.Figure:
    """nodes: entity_id, entity, type, mentions; edges: a, b, n (sentences with both)."""
    if nodes.empty:
        return empty_figure(title, "No entities in the selected articles.")
    pos = network_layout(nodes, edges)
    traces = edge_traces(edges, pos)
    size = 10 + 30 * np.sqrt(nodes["mentions"] / max(nodes["mentions"].max(), 1))
    for etype, part in nodes.assign(size=size).groupby("type", sort=False, observed=True):
        xy = np.array([pos[int(i)] for i in part["entity_id"]])
        traces.append({"type": "scatter", "mode": "markers+text", "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
                       "name": esc(etype), "text": [esc(e) for e in part["entity"]], "textposition": "top center",
                       "textfont": {"size": 11}, "customdata": _custom(part, ["entity", "mentions"]),
                       "marker": {"size": part["size"].round(1).tolist(), "color": TYPE_COLORS.get(str(etype), OTHER_COLOR),
                                  "line": {"width": 1, "color": "white"}},
                       "hovertemplate": "%{text}<br>%{customdata[1]} mentions<extra>" + esc(etype) + "</extra>"})
    return figure(traces, layout(title, height=640, legend="type", xaxis={"visible": False},
                                 yaxis={"visible": False, "scaleanchor": "x"}))


def edge_traces(edges: pd.DataFrame, pos: dict) -> list[dict]:
    """Edges in three width classes (few traces keep the figure light)."""
    if edges.empty:
        return []
    wmax = float(edges["n"].max())
    classes = np.digitize(edges["n"] / wmax, [0.2, 0.5])
    out = []
    for c, width in zip(range(3), (0.6, 1.8, 3.5)):
        xs, ys = [], []
        for a, b in edges.loc[classes == c, ["a", "b"]].itertuples(index=False):
            (x0, y0), (x1, y1) = pos[int(a)], pos[int(b)]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
        if xs:
            out.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "hoverinfo": "skip",
                        "showlegend": False, "line": {"width": width, "color": "rgba(120,120,120,0.45)"}})
    return out
