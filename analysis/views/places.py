"""The Places page's charts: place mentions of the selected articles as bubbles (per
outlet or topic), mentions per country and by month, counted through a PlaceIndex
prepared once per corpus."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.config import UNKNOWN
from analysis.entities.gazetteer import country_names
from analysis.figures import base as F
from analysis.figures.maps import (MAX_BUBBLES, countries_figure, places_animation_figure,
                                   places_map_figure, zoom_bounds)
from analysis.views.charts import NOT_YET, Chart, Missing
from analysis.views.tables import plain_strings


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


def _article_topic_labels(corpus) -> np.ndarray | None:
    """Each article's topic as "n: label" (UNKNOWN without one), or None without topics."""
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
    it returns are those of bubbles_table and countries_table on the selected articles'
    place mentions (same rows, same order)."""

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
        """bubbles_table of the selected articles' place mentions, by `by`."""
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
        """The selected articles' place mentions per month (month, place, mentions), biggest first."""
        k, m, sums = self._sum(mask, self.month_code, len(self.months))
        out = self.keys.iloc[k].reset_index(drop=True)
        out.insert(0, "month", np.asarray(self.months, dtype=object)[m] if len(m) else [])
        out["mentions"] = sums
        return out.sort_values(["month", "mentions"], ascending=[True, False], ignore_index=True)

    def countries(self, mask: np.ndarray, country_names: dict) -> pd.DataFrame:
        """countries_table of the selected articles' place mentions, counted with numpy."""
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


def places_charts(view, *, color_by: str = "outlet", zoom: str | None = None, every: bool = False):
    """The Places page's charts (Chart / Missing records), from the corpus's places; the
    bubble map draws its MAX_BUBBLES biggest bubbles, or every one (its CSV has them all)."""
    if view.corpus.places is None:
        return [Missing("places_map", f"Places: {NOT_YET}.")]
    index = place_index(view.corpus, view.corpus.places[1])
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
                                                 bounds=bounds, max_bubbles=None if every else MAX_BUBBLES),
                 bubbles.rename(columns={"group": color_by}) if by else bubbles, "entity")]
    countries = index.countries(mask, country_names())
    out.append(Chart("places_countries", countries_figure(countries), countries, "entity"))
    months = index.months_table(mask)
    undated = index.undated(mask)
    note = f" ({undated} place mentions in undated articles not shown)" if undated else ""
    out.append(Chart("places_by_month", places_animation_figure(months, title=f"Places by month{note}"), months, "entity")
               if len(months) else Missing("places_by_month", "No selected article with a place has a known date."))
    return out
