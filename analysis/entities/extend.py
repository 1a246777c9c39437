"""The entities of articles added to a corpus, joined to the entities the corpus has.

The new articles' raw mentions are made canonical among themselves (canonical.py: junk,
titles, surnames and acronyms within an article, spelling variants, the user's aliases
file); each entity found is then the corpus entity whose name or alias has the same
variant key (the most mentioned one when several have), or a new entity when there is
none. The recall pass (recall.py) then finds the corpus entities' names the model missed
in the new texts. Entity ids stay as they are (new entities are numbered after the last
one); the counts grow. What only the whole corpus can decide (a surname that becomes
ambiguous, a variant that now joins two entities) waits for the next full build.
Pure functions: DataFrames in, DataFrames out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.entities.canonical import canonicalize, variant_key
from analysis.entities.recall import recall_mentions


def key_index(entities: pd.DataFrame) -> dict[str, int]:
    """variant key -> entity id, for every name and alias (the most mentioned entity first)."""
    out: dict[str, int] = {}
    ranked = entities.sort_values(["mentions", "entity_id"], ascending=[False, True], kind="stable")
    for eid, name, aliases in zip(ranked["entity_id"], ranked["name"], ranked["aliases"]):
        for form in [name, *list(aliases if aliases is not None else [])]:
            out.setdefault(variant_key(str(form)), int(eid))
    return out


def extend_entities(raw: pd.DataFrame, texts: dict[str, str], sentences: pd.DataFrame, entities: pd.DataFrame,
                    *, rules=(), corpus_texts: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the new articles' mentions, the corpus's entities with the new ones and the new counts)."""
    local_mentions, local = canonicalize(raw, texts, rules=list(rules))
    known = key_index(entities)
    next_id = int(entities["entity_id"].max()) + 1 if len(entities) else 0
    to_corpus: dict[int, int] = {}
    added = []
    for row in local.itertuples(index=False):
        forms = [row.name, *list(row.aliases if row.aliases is not None else [])]
        hit = next((known[k] for k in map(variant_key, map(str, forms)) if k in known), None)
        if hit is None:
            hit = next_id
            next_id += 1
            added.append(row._asdict() | {"entity_id": hit, "mentions": 0, "articles": 0})
        to_corpus[int(row.entity_id)] = hit
    columns = list(entities.columns) if len(entities.columns) else list(local.columns)
    grown = pd.concat([entities, pd.DataFrame(added, columns=columns)], ignore_index=True) if added else entities.copy()
    by_id = grown.set_index("entity_id")
    if len(local_mentions):
        ids = local_mentions["entity_id"].map(to_corpus).astype("int64")
        local_mentions = local_mentions.assign(entity_id=ids, entity=ids.map(by_id["name"]).to_numpy(),
                                               type=ids.map(by_id["type"]).to_numpy())
    # the recall matches the names of entities with a mention (a new entity has its first ones now)
    mentions = recall_mentions(local_mentions, count_in(grown, local_mentions), sentences, texts,
                               corpus_texts=corpus_texts)
    return mentions, count_in(grown, mentions)


def count_in(entities: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Entities' mentions and articles with the new articles' mentions added (the new
    articles are not in the counts yet)."""
    if mentions.empty:
        return entities
    g = mentions.groupby("entity_id")["article_id"]
    more = entities["entity_id"].map(g.size()).fillna(0).to_numpy(np.int64)
    arts = entities["entity_id"].map(g.nunique()).fillna(0).to_numpy(np.int64)
    return entities.assign(mentions=entities["mentions"].to_numpy(np.int64) + more,
                           articles=entities["articles"].to_numpy(np.int64) + arts)
