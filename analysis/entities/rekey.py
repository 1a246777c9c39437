"""An edit of the user's rules applied by key: only the entities the rules name are made again.

canonicalize is resolve_keys (no rule involved) then entities_from_keys (the rules, the
type vote, display names, the gazetteer's retyping), then the recall pass and the counts.
Every step after resolve_keys works key by key, except three that look at the whole corpus:
  * the gazetteer's retyping asks whether a name is a first name or surname of the corpus's
    people: the entities whose answer changes are made again too;
  * matching looks for each written form owned by exactly one entity: only the forms of the
    entities made again can change owner, and only the articles where such a form is
    written (in any case), or where a mention was ignored or restored, are matched again;
  * ids are ranks (most mentioned first): the whole table is ranked again.
So ``rekey`` gives what canonicalize and recall give with the new rules (tested against a
full build), reading only the rows of the keys the rules name. The state it starts from is
what the build (and every edit) keeps: the mentions and entities, "entity_index" (each
entity's key, type by vote and NER mentions), "entity_forms" (the forms matching looked
for and their entity's key) and "entity_names" (each written name's key, the lookup of the
rules' names).
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pandas as pd

from analysis.entities import canonical as C, resolve
from analysis.entities.recall import entity_forms, find_mentions, match_rows, name_forms, recall_mentions, recount

INDEX_COLUMNS = ["entity_id", "key", "voted", "ner"]
ACTIONS = ("merge", "rename", "type", "ignore")


def names_table(keyed: pd.DataFrame) -> pd.DataFrame:
    """(vk, key): for each spelling key of a name, the key of the first mention named so
    (its name, then the name its article resolved it to, then its key) — what
    canonical._apply_rules looks the rules' names up in."""
    vals = np.column_stack([keyed["name"].to_numpy(object), keyed["resolved"].to_numpy(object),
                            keyed["key"].to_numpy(object)]).ravel()
    codes, uniques = pd.factorize(vals)
    vk = np.array([C.variant_key(u) for u in uniques], dtype=object)[codes] if len(vals) else vals
    keys = np.repeat(keyed["key"].to_numpy(object), 3)
    return pd.DataFrame({"vk": vk, "key": keys}).drop_duplicates("vk").reset_index(drop=True)


def key_finder(names: pd.DataFrame):
    lookup = dict(zip(names["vk"], names["key"]))
    return lambda n: lookup.get(C.variant_key(n), C.variant_key(n))


def named_keys(rules, find) -> set[str]:
    """The keys a list of rules names (their names and merge targets)."""
    out = {find(n) for a, n, _ in rules if a in ACTIONS}
    return out | {find(t) for a, _, t in rules if a == "merge"}


def _post(rules, find):
    """key -> key after the rules (None: ignored)."""
    merges = {find(n): find(t) for a, n, t in rules if a == "merge"}
    ignored = {find(n) for a, n, _ in rules if a == "ignore"}
    return lambda k: None if merges.get(k, k) in ignored else merges.get(k, k)


def rekey(*, rows: pd.DataFrame, ambiguous: dict[str, str], find, old_rules, new_rules,
          mentions: pd.DataFrame, entities: pd.DataFrame, index: pd.DataFrame, forms: pd.DataFrame,
          texts: dict[str, str], sentences: pd.DataFrame, sample_chars: int = 20_000_000):
    """(mentions, entities, index, forms) after the rules change from old_rules to new_rules.
    rows: the rows of entity_keys whose key named_keys gives for either list of rules;
    mentions, entities, index, forms: the current state; texts: every article's text (in the
    store's order); sentences: those of any article (the matched ones are looked up)."""
    touched = named_keys(old_rules, find) | named_keys(new_rules, find)
    old_key = index.set_index("entity_id")["key"]
    ent = entities.assign(key=entities["entity_id"].map(old_key), voted=entities["entity_id"].map(index.set_index("entity_id")["voted"]),
                          ner=entities["entity_id"].map(index.set_index("entity_id")["ner"]))
    gone = ent["key"].isin(touched).to_numpy(bool)
    keep = ent[~gone]
    rows = rows[rows["key"].isin(touched)]
    new_m, new_e = C.entities_from_keys(rows, {k: v for k, v in ambiguous.items() if k in touched}, texts,
                                        rules=new_rules, keep_keys=True, find=find)
    if new_e.empty:
        new_m, new_e = mentions.iloc[:0].drop(columns=["found_by"]), ent.iloc[:0]
    top = int(ent["entity_id"].max()) + 1 if len(ent) else 0
    new_e = new_e.assign(entity_id=new_e["entity_id"] + top)
    new_m = new_m.assign(entity_id=new_m["entity_id"] + top, found_by="ner")
    # the gazetteer's retyping: names of people before and after (retype_places)
    surnames = set(ambiguous)
    before = resolve.people_names(ent.assign(type=ent["voted"]), surnames)
    after = resolve.people_names(pd.concat([keep.assign(type=keep["voted"]), new_e.assign(type=new_e["voted"])]), surnames)
    ner = mentions[mentions["found_by"] == "ner"]
    again = keep[keep["name"].str.lower().isin(before ^ after) & keep["voted"].isin(["PERSON", "ORG"])]
    if len(again):
        base = again.assign(type=again["voted"], note=again["key"].map(ambiguous).fillna(""))
        retyped, notes = resolve.retype_places(base, ner[ner["entity_id"].isin(set(again["entity_id"]))], texts,
                                               surnames=surnames, names_of_people=after)
        retyped["note"] = [notes.get(e) or n for e, n in zip(retyped["entity_id"], retyped["note"])]
        keep = pd.concat([keep[~keep["entity_id"].isin(set(again["entity_id"]))], retyped])
    if len(new_e):   # entities_from_keys retyped them against their own people only: again with all
        base = new_e.assign(type=new_e["voted"], note=[n if n.startswith(C.USER_TYPED) else ambiguous.get(k, "")
                                                      for k, n in zip(new_e["key"], new_e["note"])])
        retyped, notes = resolve.retype_places(base, new_m, texts, surnames=surnames, names_of_people=after)
        retyped["note"] = [notes.get(e) or n for e, n in zip(retyped["entity_id"], retyped["note"])]
        new_e = retyped
    pre = pd.concat([keep, new_e], ignore_index=True)
    # NER mentions: the untouched ones as they are, the touched keys' made again
    ner_rows = pd.concat([ner[~ner["entity_id"].isin(set(ent.loc[gone, "entity_id"]))], new_m], ignore_index=True)
    # matching: the forms whose owner changed, and the articles where they may match
    forms_now, changed = _forms_after(forms, ent[gone], new_e, keep, texts, sample_chars)
    old_post, new_post = _post(old_rules, find), _post(new_rules, find)
    flipped = rows["key"].map(lambda k: (old_post(k) is None) != (new_post(k) is None)).to_numpy(bool)
    redo = set(rows.loc[flipped, "article_id"]) | _articles_with(texts, changed)
    old_match = mentions[(mentions["found_by"] == "match") & ~mentions["article_id"].isin(redo)]
    old_match = old_match.assign(entity_id=old_match["entity_id"].map(dict(zip(ent["entity_id"], ent["key"]))))
    key_id = dict(zip(pre["key"], pre["entity_id"]))
    old_match = old_match.assign(entity_id=old_match["entity_id"].map(key_id).astype("int64"))
    # forms in the order name_forms gives them (by their entity's rank before recount): on an
    # all-caps line two forms that differ only in case are tried in that order
    rank = pre.sort_values(["ner", "name", "key"], ascending=[False, True, True], kind="stable")["key"]
    order = forms_now["key"].map(dict(zip(rank, range(len(rank))))).to_numpy()
    found = _match_again(redo, texts, forms_now.iloc[np.argsort(order, kind="stable")], ner_rows, key_id)
    new_match = match_rows(found, ner_rows, pre, sentences[sentences["article_id"].isin(redo)], texts)
    out = pd.concat([ner_rows, old_match, new_match], ignore_index=True)
    return _ranked(out, pre, forms_now, mentions.columns)


def _forms_after(forms: pd.DataFrame, old_t: pd.DataFrame, new_t: pd.DataFrame, keep: pd.DataFrame,
                 texts: dict[str, str], sample_chars: int) -> tuple[pd.DataFrame, set[str]]:
    """The forms table after the edit, and the forms whose owner changed."""
    def forms_of(df):
        return {(f, k) for k, n, a in zip(df["key"], df["name"], df["aliases"]) for f in entity_forms(n, a)}
    old_pairs, new_pairs = forms_of(old_t), forms_of(new_t)
    look = {f for f, _ in old_pairs | new_pairs}
    others: dict[str, set] = defaultdict(set)
    for k, n, a in zip(keep["key"], keep["name"], keep["aliases"]):
        for f in entity_forms(n, a):
            if f in look:
                others[f].add(k)
    common = _common(look, texts, sample_chars)

    def owner(pairs):
        owners = defaultdict(set)
        for f, k in pairs:
            owners[f].add(k)
        return {f: next(iter(owners[f] | others[f])) for f in look
                if len(owners[f] | others[f]) == 1 and f not in common}
    before, after = owner(old_pairs), owner(new_pairs)
    changed = {f for f in look if before.get(f) != after.get(f)}
    rest = forms[~forms["form"].isin(look)]
    now = pd.concat([rest, pd.DataFrame(sorted(after.items()), columns=["form", "key"])], ignore_index=True)
    return now, changed


def _common(forms: set[str], texts: dict[str, str], sample_chars: int) -> set[str]:
    """recall.common_words for a few forms: one search for them instead of every word."""
    single = {f.lower() for f in forms if re.fullmatch(r"[A-Z][A-Za-z]+", f)}
    if not single:
        return set()
    pattern, seen, total = re.compile(r"\b(?:" + "|".join(sorted(single)) + r")\b"), set(), 0
    for text in texts.values():
        seen.update(pattern.findall(text))
        total += len(text)
        if total > sample_chars or seen == single:
            break
    return {f for f in forms if f.lower() in seen}


def _articles_with(texts: dict[str, str], forms: set[str]) -> set[str]:
    """The articles where one of the forms is written, in any case (a superset of where matching finds it)."""
    if not forms:
        return set()
    upper = sorted({f.upper() for f in forms})
    out = set()
    for aid, text in texts.items():
        up = text.upper()
        if any(f in up for f in upper):
            out.add(aid)
    return out


def _match_again(articles: set[str], texts: dict[str, str], forms: pd.DataFrame, ner_rows: pd.DataFrame,
                 key_id: dict) -> list:
    if not articles:
        return []
    part = {a: t for a, t in texts.items() if a in articles}
    taken: dict[str, list] = defaultdict(list)
    sel = ner_rows[ner_rows["article_id"].isin(articles)]
    for aid, s, e in zip(sel["article_id"], sel["start"].tolist(), sel["end"].tolist()):
        taken[aid].append((s, e))
    return find_mentions(part, dict(zip(forms["form"], forms["key"].map(key_id))), taken)


def _ranked(rows: pd.DataFrame, pre: pd.DataFrame, forms: pd.DataFrame, columns) -> tuple:
    """recount: counts with the matched mentions, ranked (mentions, name, NER mentions, key)
    as canonicalize then recount order them; the mentions' ids, names and types follow."""
    g = rows.groupby("entity_id")["article_id"]
    ents = pre.assign(mentions=pre["entity_id"].map(g.size()).fillna(0).astype("int64"),
                      articles=pre["entity_id"].map(g.nunique()).fillna(0).astype("int64"))
    ents = ents.sort_values(["mentions", "name", "ner", "key"], ascending=[False, True, False, True], kind="stable")
    new_id = dict(zip(ents["entity_id"], range(len(ents))))
    ents = ents.assign(entity_id=range(len(ents))).reset_index(drop=True)
    rows = rows.assign(entity_id=rows["entity_id"].map(new_id).astype("int64"))
    by_id = ents.set_index("entity_id")
    rows["entity"] = rows["entity_id"].map(by_id["name"]).astype(rows["entity"].dtype)
    rows["type"] = rows["entity_id"].map(by_id["type"]).astype(rows["type"].dtype)
    match = (rows["found_by"] == "match").to_numpy(bool)
    rows.loc[match, "label"] = rows.loc[match, "type"]
    rows = rows.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)[list(columns)]
    index = ents[INDEX_COLUMNS]
    entities = ents[C.ENTITY_COLUMNS].reset_index(drop=True)
    return rows, entities, index, forms.sort_values("form", kind="stable").reset_index(drop=True)


def entities_with_state(keyed: pd.DataFrame, ambiguous: dict[str, str], texts: dict[str, str],
                        sentences: pd.DataFrame, rules=()) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """entities_from_keys, the recall pass and recount (what the build does after
    resolve_keys), and the state rekey starts from: {"entity_index", "entity_forms",
    "entity_names"} tables."""
    mentions, entities = C.entities_from_keys(keyed, ambiguous, texts, rules=rules, keep_keys=True)
    if entities.empty:
        entities = entities.assign(key=pd.Series(dtype=object), voted=pd.Series(dtype=object), ner=pd.Series(dtype="int64"))
    ids = name_forms(entities, mentions, texts)
    key_of = dict(zip(entities["entity_id"], entities["key"]))
    forms = pd.DataFrame(sorted((f, key_of[e]) for f, e in ids.items()), columns=["form", "key"])
    entities, mentions = recount(entities, recall_mentions(mentions, entities, sentences, texts, forms=ids))
    state = {"entity_index": entities[INDEX_COLUMNS].reset_index(drop=True), "entity_forms": forms,
             "entity_names": names_table(keyed), "entity_rules": rules_table(rules)}
    return mentions, entities[C.ENTITY_COLUMNS].reset_index(drop=True), state


STATE_TABLES = ("entity_keys", "entity_ambiguous", "entity_index", "entity_forms", "entity_names", "entity_rules")


def rules_table(rules) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rules], columns=["action", "name", "target"], dtype=object)


def rules_of(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in table[["action", "name", "target"]].itertuples(index=False)]
