"""The charts of each dashboard page, as (name, figure, table) records.

A ``View`` is a corpus plus a filter state; each ``*_charts`` function turns it into the
tidy tables of one page and hands them to the figure builders. Pages lay these out;
``analysis.export.export_view`` writes the same charts to files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import figures as F
from analysis.dashboard_data import Corpus, outlet_order
from analysis.figures_network import network_figure
from analysis.filters import Filters, selection_mask


@dataclass
class Chart:
    key: str                      # file name and widget key
    figure: go.Figure
    table: pd.DataFrame           # the data behind the chart (its CSV)
    select: str | None = None     # the filter a click sets: outlet, entity, topic, month


@dataclass
class Missing:
    key: str
    message: str                  # why the chart is not there (shown with st.info)


@dataclass
class View:
    corpus: Corpus
    filters: Filters = field(default_factory=Filters)

    @cached_property
    def mask(self) -> np.ndarray:
        return selection_mask(self.corpus.index, self.filters)

    @cached_property
    def ids(self) -> list[str]:
        return self.corpus.articles["id"].to_numpy()[self.mask].tolist()

    @cached_property
    def selected(self) -> pd.DataFrame:
        return self.corpus.articles[self.mask]

    @cached_property
    def colors(self) -> dict[str, str]:
        return F.outlet_colors(outlet_order(self.corpus.articles))

    @cached_property
    def entity_ranking(self) -> pd.DataFrame:
        return entity_ranking(self)

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """Per-article entity counts of the selection (entity types applied)."""
        ae = self.corpus.article_entities
        ae = ae[self.mask[ae["art"].to_numpy()]]
        if self.filters.entity_types:
            ae = ae[ae["type"].isin(list(self.filters.entity_types))]
        return ae


NOT_YET = "not computed for this corpus yet"


def outlet_counts(view: View, top: int = 30) -> pd.DataFrame:
    counts = view.selected["outlet"].value_counts().rename_axis("outlet").reset_index(name="articles")
    return counts.sort_values(["articles", "outlet"], ascending=[False, True]).head(top)


def month_counts(view: View, value: str = "articles") -> pd.DataFrame:
    sel = view.selected.dropna(subset=["month"])
    return sel.groupby(["month", "outlet"]).size().reset_index(name=value)


def top_entities(view: View, n: int = 25) -> pd.DataFrame:
    """The n most mentioned entities of the selection (entity_id, entity, type, mentions, articles)."""
    return view.entity_ranking.head(n).reset_index(drop=True)


RANKED = 1_000   # the ranking keeps the first 1,000 entities (the pages show at most 200)


def entity_ranking(view: View) -> pd.DataFrame:
    """The RANKED most mentioned entities of the selection (entity types applied): entity_id,
    entity, type, mentions, articles; most mentioned first, ties by name, then entity_id. Counted with
    bincount and ordered with one lexsort over prepared name ranks (Corpus.entity_arrays):
    a merge with the entity table and a sort on names cost a tenth of a page at 37k."""
    ae = view.mentions
    if ae.empty:
        return pd.DataFrame(columns=["entity_id", "entity", "type", "mentions", "articles"])
    ids = ae["entity_id"].to_numpy()
    mentions = np.bincount(ids, weights=ae["n"].to_numpy()).astype(np.int64)
    articles = np.bincount(ids)
    present = np.flatnonzero(articles)
    arrays = view.corpus.entity_arrays
    present = present[present < len(arrays["known"])]
    present = present[arrays["known"][present]]
    if len(present) > RANKED:   # only the entities that can be among the first RANKED (ties kept)
        floor = np.partition(mentions[present], len(present) - RANKED)[len(present) - RANKED]
        present = present[mentions[present] >= floor]
    order = np.lexsort((present, arrays["rank"][present], -mentions[present]))
    top = present[order][:RANKED]
    return pd.DataFrame({"entity_id": top, "entity": arrays["name"][top], "type": arrays["type"][top],
                         "mentions": mentions[top], "articles": articles[top]})


def metadata_state(view: View) -> pd.DataFrame:
    sel = view.selected
    parts = [sel[f"{col}_how"].fillna("unknown").value_counts().rename_axis("how").reset_index(name="articles")
             .assign(field=name) for col, name in [("title", "title"), ("source", "outlet"), ("published", "date")]]
    return pd.concat(parts, ignore_index=True)[["field", "how", "articles"]]


def overview_charts(view: View) -> list[Chart | Missing]:
    out: list[Chart | Missing] = []
    counts = outlet_counts(view)
    n_out = view.selected["outlet"].nunique()
    title = "Articles per outlet" + (f" (top {len(counts)} of {n_out})" if n_out > len(counts) else "")
    out.append(Chart("articles_per_outlet", F.outlets_figure(counts, view.colors, title=title), counts, "outlet"))
    months = month_counts(view)
    undated = int(view.selected["month"].isna().sum())
    title = "Articles per month" + (f" ({undated} with unknown date not shown)" if undated else "")
    out.append(Chart("articles_per_month", F.timeline_figure(months, view.colors, title=title), months, "month")
               if len(months) else Missing("articles_per_month", "No selected article has a known date."))
    top = top_entities(view, 20)
    out.append(Chart("top_entities", F.entities_figure(top), top, "entity"))
    from analysis.figures_topics import default_level, level_sizes

    level = default_level(view)
    topics = level_sizes(view, level)
    out.append(Chart("topics", F.topics_figure(topics, title=f"Topics of the {level}", x_title=level), topics,
                     "topic" if level == "articles" else "ptopic")
               if topics is not None else Missing("topics", f"Topics: {NOT_YET}."))
    state = metadata_state(view)
    out.append(Chart("metadata", F.metadata_figure(state), state))
    return out


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
    """Each entity's ``per_node`` strongest links (a readable network, not a hairball)."""
    if edges.empty:
        return edges
    ranked = pd.concat([edges.assign(node=edges["a"]), edges.assign(node=edges["b"])])
    ranked = ranked.sort_values(["n", "a", "b"], ascending=[False, True, True]).groupby("node").head(per_node)
    keep = ranked.drop_duplicates(["a", "b"])[["a", "b", "n"]]
    return keep.sort_values(["n", "a", "b"], ascending=[False, True, True]).reset_index(drop=True)


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
    numbers) is prepared once per corpus (Corpus.cluster_index); a rerun is numpy."""
    from analysis import figures_entity_clusters as FEC

    prep = view.corpus.cluster_index
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
    """_strongest_links of links already in its order (weight desc, then names; Corpus.cluster_index
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


def _strongest_links(edges: pd.DataFrame, *, per_node: int) -> pd.DataFrame:
    """Each entity's strongest co-occurrence links (source_entity, target_entity, weight)."""
    if edges.empty:
        return edges
    both = pd.concat([edges.assign(node=edges["source_entity"]), edges.assign(node=edges["target_entity"])])
    both = both.sort_values(["weight", "source_entity", "target_entity"], ascending=[False, True, True])
    keep = both.groupby("node").head(per_node).drop(columns="node").drop_duplicates(["source_entity", "target_entity"])
    return keep.reset_index(drop=True)


def topic_sizes(view: View, level: str = "articles") -> pd.DataFrame | None:
    """topic, label, size over the selected articles (None when topics are not computed)."""
    topics = view.corpus.table(f"topics_{level}")
    if topics is None or view.corpus.article_topics is None:
        return None
    at = view.corpus.article_topics
    sizes = at[view.mask[at["art"].to_numpy()]].groupby("topic").size().rename("size")
    df = topics[["topic", "label"]].merge(sizes, left_on="topic", right_index=True)
    return df.sort_values(["size", "topic"], ascending=[False, True]).reset_index(drop=True)
