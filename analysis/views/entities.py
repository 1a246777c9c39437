"""The Entities page's charts: top entities, mentions per outlet, an entity over time,
the co-occurrence network, article clusters by entities and entity communities."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.figures import base as F
from analysis.figures import entity_clusters as FEC
from analysis.figures.network import network_figure
from analysis.views.charts import NOT_YET, Chart, Missing, View, top_entities


def entity_outlets(view: View, n: int = 15) -> pd.DataFrame:
    """entity, outlet, mentions of the n most mentioned entities (by entity_id, then outlet),
    counted with numpy over outlet codes."""
    top = top_entities(view, n)
    ae = view.mentions
    eid = ae["entity_id"].to_numpy()
    wanted = np.zeros(int(eid.max()) + 1 if len(eid) else 1, dtype=bool)
    wanted[top["entity_id"].to_numpy()[top["entity_id"].to_numpy() < len(wanted)]] = True
    rows = wanted[eid] if len(eid) else np.zeros(0, dtype=bool)
    return _counts_by(view, eid[rows], ae["art"].to_numpy()[rows], ae["n"].to_numpy()[rows],
                      dict(zip(top["entity_id"], top["entity"])))


def _counts_by(view: View, eid: np.ndarray, art: np.ndarray, n: np.ndarray, names: dict) -> pd.DataFrame:
    """entity, outlet, mentions: n summed per (entity id, outlet), in (entity id, outlet) order."""
    corpus = view.corpus
    outlets = corpus.outlet_codes[art]
    width = max(len(corpus.outlet_names), 1)
    key, inv = np.unique(eid.astype(np.int64) * width + outlets, return_inverse=True)
    sums = np.bincount(inv, weights=n, minlength=len(key)).astype(np.int64)
    ids = key // width
    return pd.DataFrame({"entity": np.array([names[i] for i in ids.tolist()], dtype=object),
                         "outlet": corpus.outlet_names[key % width], "mentions": sums})


def entity_months(view: View, entity: str) -> pd.DataFrame:
    """month, outlet, mentions of one entity (by name) in the selection, in (month, outlet) order."""
    ae = view.mentions
    arrays = view.corpus.entity_arrays
    eid = ae["entity_id"].to_numpy()
    named = np.zeros(len(arrays["name"]), dtype=bool)
    named[np.flatnonzero(arrays["name"] == entity)] = True
    rows = named[eid] if len(eid) else np.zeros(0, dtype=bool)
    art, n = ae["art"].to_numpy()[rows], ae["n"].to_numpy()[rows]
    mcodes, months = view.corpus.month_codes
    m = mcodes[art]
    art, n, m = art[m >= 0], n[m >= 0], m[m >= 0]
    width = max(len(view.corpus.outlet_names), 1)
    key, inv = np.unique(m.astype(np.int64) * width + view.corpus.outlet_codes[art], return_inverse=True)
    sums = np.bincount(inv, weights=n, minlength=len(key)).astype(np.int64)
    return pd.DataFrame({"month": months[key // width], "outlet": view.corpus.outlet_names[key % width],
                         "mentions": sums})


def network_tables(view: View, n: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes = top_entities(view, n)
    edges = view.corpus.cooccurrences(view.mask, nodes["entity_id"].tolist())
    return nodes, strongest_edges(edges)


def strongest_edges(edges: pd.DataFrame, *, per_node: int = 4) -> pd.DataFrame:
    """Each entity's ``per_node`` strongest links (a readable network, not a hairball):
    an edge (a, b, n) is kept when it is among the first per_node of either of its nodes,
    strongest first, ties by names."""
    if edges.empty:
        return edges
    ranked = edges.sort_values(["n", "a", "b"], ascending=[False, True, True])
    return _strongest_sorted(ranked.assign(_a=ranked["a"], _b=ranked["b"]), per_node=per_node)[["a", "b", "n"]]


def focus_entity(view: View) -> str | None:
    """The entity of the 'over time' chart: the first filtered entity, else the top one."""
    if view.filters.entities:
        return view.filters.entities[0]
    top = top_entities(view, 1)
    return None if top.empty else str(top["entity"].iloc[0])


def entities_charts(view: View, *, entity: str | None = None, n: int = 25) -> list[Chart | Missing]:
    top = top_entities(view, n)
    kinds = ", ".join(view.filters.entity_types) if view.filters.entity_types else "all types"
    out: list[Chart | Missing] = [Chart("top_entities", F.entities_figure(top, title=f"Most mentioned entities ({kinds})"),
                                        top, "entity")]
    eo = entity_outlets(view)
    out.append(Chart("entity_mentions_per_outlet", F.entity_outlets_figure(eo, view.colors), eo, "entity"))
    entity = entity or focus_entity(view)
    if entity:
        em = entity_months(view, entity)
        fig = F.timeline_figure(em, view.colors, value="mentions", title=f"{F.esc(entity)} over time (mentions per month)")
        out.append(Chart("entity_over_time", fig, em.assign(entity=entity), "month") if len(em)
                   else Missing("entity_over_time", f"No dated mention of {entity} in the selection."))
    nodes, edges = network_tables(view)
    out.append(Chart("cooccurrence_network", network_figure(nodes, edges),
                     edges.merge(nodes[["entity_id", "entity"]], left_on="a", right_on="entity_id")
                     .merge(nodes[["entity_id", "entity"]], left_on="b", right_on="entity_id", suffixes=("_a", "_b"))
                     [["entity_a", "entity_b", "n"]].rename(columns={"n": "sentences"}), "entity"))
    return out


def entity_cluster_charts(view: View) -> list[Chart | Missing]:
    """Article clusters by entities (sizes over the selection, share per outlet) and the
    entity communities of the co-occurrence network, drawn for the entities that the
    selected articles mention. What does not depend on the filters (each article's
    cluster, the community nodes with their types and mentions, the links as node
    numbers) is prepared once per corpus (cluster_index); a rerun is numpy."""
    prep = view.corpus.prepared("cluster_index", cluster_index)
    if prep is None:
        return [Missing("entity_clusters", f"Article clusters by entities: {NOT_YET}.")]
    clusters, codes = prep["clusters"], prep["codes"]
    mask = view.mask & (codes != prep["none"])
    sizes = pd.Series(codes[mask]).value_counts().rename("size")
    cl = clusters.drop(columns=["size", "articles"], errors="ignore").merge(sizes, left_on="cluster", right_index=True)
    out: list[Chart | Missing] = [Chart("entity_clusters", FEC.cluster_sizes_figure(cl), cl.drop(columns=["entities"])
                                        .assign(entities=cl["entities"].map(lambda e: "; ".join(map(str, e)))))]
    shares = _cluster_shares(view, codes[mask], mask)
    out.append(Chart("entity_clusters_per_outlet", FEC.cluster_outlets_figure(shares, clusters), shares, "outlet"))
    nodes, links = prep["nodes"], prep["links"]
    if nodes is None:
        out.append(Missing("entity_communities", f"Entity communities: {NOT_YET}."))
        return out
    present = np.zeros(prep["n_entities"], dtype=bool)
    present[view.mentions["entity_id"].to_numpy()] = True
    node_on = np.zeros(len(nodes), dtype=bool)   # a node is present when one of its entity ids is
    node_on[np.unique(prep["node_rows"][present[prep["node_ids"]]])] = True
    comms = nodes[node_on]
    edges = _strongest_sorted(links[node_on[links["_a"].to_numpy()] & node_on[links["_b"].to_numpy()]], per_node=4)
    out.append(Chart("entity_communities", FEC.communities_network_figure(comms, edges, None, max_nodes=60,
                                                                          top_labels=30),
                     comms[prep["community_columns"]].reset_index(drop=True), "entity"))
    return out


def _cluster_shares(view: View, clus: np.ndarray, mask: np.ndarray) -> pd.DataFrame:
    """cluster, source (the outlet), n, share: the part of each selected outlet's clustered
    articles in each cluster (as analysis.entity_clusters.cluster_shares), by counting codes."""
    if not len(clus):
        return pd.DataFrame(columns=["cluster", "source", "n", "share"])
    outlets = view.corpus.outlet_codes[mask]
    df = pd.DataFrame({"o": outlets, "cluster": clus}).value_counts().reset_index(name="n")
    df["source"] = view.corpus.outlet_names[df["o"].to_numpy()]
    df["share"] = df["n"] / df.groupby("o")["n"].transform("sum")
    return (df[["cluster", "source", "n", "share"]].sort_values(["source", "cluster"])
            .reset_index(drop=True).astype({"cluster": "int64", "n": "int64"}))


def _strongest_sorted(links: pd.DataFrame, *, per_node: int) -> pd.DataFrame:
    """The strongest links of links already in their order (weight desc, then names; cluster_index
    sorts them once) with node numbers _a, _b: each edge is kept when it is among the first
    per_node edges of either of its nodes. Same rows, same order, no sort per filter change."""
    if links.empty:
        return links.drop(columns=["_a", "_b"])
    seq = np.column_stack([links["_a"].to_numpy(), links["_b"].to_numpy()]).ravel()   # a0, b0, a1, b1, ...
    order = np.argsort(seq, kind="stable")
    ranked = seq[order]
    first = np.searchsorted(ranked, ranked, side="left")
    rank = np.empty(len(seq), dtype=np.int64)
    rank[order] = np.arange(len(seq)) - first          # how many earlier edges the node already has
    keep = (rank.reshape(-1, 2) < per_node).any(axis=1)
    return links[keep].drop(columns=["_a", "_b"]).reset_index(drop=True)


def entity_stats(corpus) -> pd.DataFrame:
    """entity (name), type, mentions: one row per name, the most mentioned entity of
    that name (what a chart that knows entities by name shows)."""
    ents = corpus.entities.rename(columns={"name": "entity"})
    ents = ents.sort_values(["mentions", "entity"], ascending=[False, True]).drop_duplicates("entity")
    return ents[["entity", "type", "mentions"]].reset_index(drop=True)

def cluster_index(corpus) -> dict | None:
    """The entity clusters and communities, prepared once per corpus for every filter state
    (kept with Corpus.prepared):
    codes (each article's cluster, ``none`` when it has none), the community nodes with
    type and mentions, their links as node numbers (_a, _b), and node_rows/node_ids
    (each node's entity ids: a node is shown when the selection mentions one)."""
    clusters, assign = corpus.table("entity_clusters"), corpus.table("entity_cluster_assignments")
    if clusters is None or assign is None:
        return None
    none = np.iinfo(np.int64).min
    codes = np.full(len(corpus.articles), none, dtype=np.int64)
    pos = corpus.positions("entity_cluster_assignments")
    codes[pos[pos >= 0]] = assign["cluster"].to_numpy()[pos >= 0]
    out = {"clusters": clusters, "codes": codes, "none": none, "nodes": None,
           "n_entities": max(len(corpus.entity_arrays["known"]), 1)}
    comms, edges = corpus.table("entity_communities"), corpus.table("entity_cooccurrence")
    if comms is None or edges is None:
        return out
    nodes = comms.merge(entity_stats(corpus), on="entity", how="left").reset_index(drop=True)
    row_of = pd.Series(np.arange(len(nodes)), index=nodes["entity"].to_numpy())
    row_of = row_of[~row_of.index.duplicated()]
    links = edges.assign(_a=row_of.reindex(edges["source_entity"]).to_numpy(),
                         _b=row_of.reindex(edges["target_entity"]).to_numpy())
    links = links.dropna(subset=["_a", "_b"]).astype({"_a": np.int64, "_b": np.int64})
    # in the order the strongest links are picked (views.entities._strongest_sorted)
    links = links.sort_values(["weight", "source_entity", "target_entity"], ascending=[False, True, True])
    links = links.reset_index(drop=True)
    named = corpus.entities[corpus.entities["name"].isin(set(nodes["entity"]))]
    out.update(nodes=nodes, links=links, community_columns=list(comms.columns) + ["type", "mentions"],
               node_rows=row_of.reindex(named["name"]).to_numpy().astype(np.int64),
               node_ids=named["entity_id"].to_numpy().astype(np.int64))
    return out
