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

from analysis.config import values
from analysis.entities import canonical as C, resolve
from analysis.entities.recall import (_POSSESSIVE, _WORD, common_words, entity_forms, find_mentions, match_rows,
                                     recall_mentions, recount)

INDEX_COLUMNS = ["entity_id", "key", "voted", "ner"]


class RekeyError(RuntimeError):
    """The state does not allow an edit by key (the whole replay is needed)."""
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
    store's order); sentences: the sentences table, or a function that reads those of some articles."""
    touched = named_keys(old_rules, find) | named_keys(new_rules, find)
    by_id = index.set_index("entity_id")
    ent = entities.assign(**{c: entities["entity_id"].map(by_id[c]) for c in ("key", "voted", "ner")})
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
    after = resolve.people_names(pd.concat([keep.assign(type=keep["voted"]), new_e.assign(type=new_e["voted"])]),
                                 surnames)
    # masks on whole columns, one take at the end: millions of mentions at 37k
    by_ner = (mentions["found_by"] == "ner").to_numpy(bool)
    eid = mentions["entity_id"].to_numpy(np.int64)
    again = keep[keep["name"].str.lower().isin(before ^ after) & keep["voted"].isin(["PERSON", "ORG"])]
    if len(again):
        base = again.assign(type=again["voted"], note=again["key"].map(ambiguous).fillna(""))
        theirs = mentions.iloc[np.flatnonzero(by_ner & np.isin(eid, again["entity_id"].to_numpy(np.int64)))]
        retyped, notes = resolve.retype_places(base, theirs, texts, surnames=surnames, names_of_people=after)
        retyped["note"] = [notes.get(e) or n for e, n in zip(retyped["entity_id"], retyped["note"])]
        keep = pd.concat([keep[~keep["entity_id"].isin(set(again["entity_id"]))], retyped])
    if len(new_e):   # entities_from_keys retyped them against their own people only: again with all
        base = new_e.assign(type=new_e["voted"], note=[n if n.startswith(C.USER_TYPED) else ambiguous.get(k, "")
                                                      for k, n in zip(new_e["key"], new_e["note"])])
        retyped, notes = resolve.retype_places(base, new_m, texts, surnames=surnames, names_of_people=after)
        retyped["note"] = [notes.get(e) or n for e, n in zip(retyped["entity_id"], retyped["note"])]
        new_e = retyped
    pre = pd.concat([keep, new_e], ignore_index=True)
    # matching: the forms whose owner changed, and the articles where they may match
    forms_now, changed = _forms_after(forms, ent[gone], new_e, texts, sample_chars)
    old_post, new_post = _post(old_rules, find), _post(new_rules, find)
    flipped = rows["key"].map(lambda k: (old_post(k) is None) != (new_post(k) is None)).to_numpy(bool)
    redo = set(rows.loc[flipped, "article_id"]) | _articles_with(texts, changed)
    # kept: the untouched entities' NER mentions, and the matched ones outside the articles
    # matched again (an entity made again keeps its matches there: its forms kept their owner)
    in_redo = mentions["article_id"].isin(redo).to_numpy(bool)
    untouched = ~np.isin(eid, ent.loc[gone, "entity_id"].to_numpy(np.int64))
    sel = np.flatnonzero((by_ner & untouched) | (~by_ner & ~in_redo))
    key_id = dict(zip(pre["key"], pre["entity_id"]))
    old_to_pre = np.full(top + 1, -1, dtype=np.int64)
    old_to_pre[ent["entity_id"].to_numpy(np.int64)] = [key_id.get(k, -1) for k in ent["key"]]
    sel_eid = old_to_pre[eid[sel]]
    if (sel_eid < 0).any():   # never seen; the caller then makes everything again
        raise RekeyError("a kept mention's entity is gone")
    spans = np.flatnonzero(by_ner & untouched & in_redo)
    ner_rows = pd.concat([mentions.iloc[spans].assign(entity_id=old_to_pre[eid[spans]]),
                          new_m[new_m["article_id"].isin(redo)]], ignore_index=True)
    # forms in the order name_forms gives them (by their entity's rank before recount): on an
    # all-caps line two forms that differ only in case are tried in that order
    rank = pre.sort_values(["ner", "name", "key"], ascending=[False, True, True], kind="stable")["key"]
    ranked = dict(zip(rank, range(len(rank))))
    usable = sorted(_matchable(forms_now).items(), key=lambda fk: ranked[fk[1]])
    found = _match_again(redo, texts, dict(usable), ner_rows, key_id)
    sents = sentences(redo) if callable(sentences) else sentences[sentences["article_id"].isin(redo)]
    new_match = match_rows(found, mentions.iloc[:0], pre, sents, texts)
    new_rows = pd.concat([new_m, new_match], ignore_index=True)[list(mentions.columns)]
    return _ranked(mentions, sel, sel_eid, new_rows, pre, forms_now)


def _forms_after(forms: pd.DataFrame, old_t: pd.DataFrame, new_t: pd.DataFrame,
                 texts: dict[str, str], sample_chars: int) -> tuple[pd.DataFrame, set[str]]:
    """The forms table (form, key, common: every written form of every entity) after the
    edit, and the forms whose matching owner changed."""
    pairs = pd.DataFrame([(f, k) for k, n, a in zip(new_t["key"], new_t["name"], new_t["aliases"])
                          for f in entity_forms(n, a)], columns=["form", "key"]).drop_duplicates()
    known = forms.drop_duplicates("form").set_index("form")["common"]
    fresh = set(pairs["form"]) - set(known.index)
    common = _common(fresh, texts, sample_chars) if fresh else set()
    pairs["common"] = [bool(known[f]) if f in known.index else f in common for f in pairs["form"]]
    now = pd.concat([forms[~forms["key"].isin(set(old_t["key"]))], pairs], ignore_index=True)
    look = set(forms.loc[forms["key"].isin(set(old_t["key"])), "form"]) | set(pairs["form"])
    before = _matchable(forms[forms["form"].isin(look)])
    after = _matchable(now[now["form"].isin(look)])
    changed = {f for f in look if before.get(f) != after.get(f)}
    return now.sort_values(["form", "key"], kind="stable").reset_index(drop=True), changed


def _matchable(forms: pd.DataFrame) -> dict:
    """{form: key} of the forms matching looks for: one owner, not a common word (name_forms)."""
    owners = forms.groupby("form", sort=False)["key"].nunique()
    one = forms[forms["form"].map(owners).to_numpy() == 1]
    one = one[~one["common"].to_numpy(bool)]
    return dict(zip(values(one["form"]), values(one["key"])))


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


def _match_again(articles: set[str], texts: dict[str, str], forms: dict, ner_rows: pd.DataFrame,
                 key_id: dict) -> list:
    if not articles:
        return []
    part = {a: t for a, t in texts.items() if a in articles}
    taken: dict[str, list] = defaultdict(list)
    sel = ner_rows[ner_rows["article_id"].isin(articles)]
    for aid, s, e in zip(sel["article_id"], sel["start"].tolist(), sel["end"].tolist()):
        taken[aid].append((s, e))
    # only the forms whose first word is written in these articles can match: the others are
    # never looked up (find_mentions indexes forms by their first word), so leave them out
    words = set()
    for text in part.values():
        for m in _WORD.finditer(text):
            w = m.group().rstrip(".'’-")
            words.update((w, w.upper(), _POSSESSIVE.sub("", w), _POSSESSIVE.sub("", w.upper())))
    first = {f: re.split(r"[\s]", f, maxsplit=1)[0].rstrip(".'’-") for f in forms}
    wanted = {f: key_id[k] for f, k in forms.items() if first[f] in words or first[f].upper() in words}
    return find_mentions(part, wanted, taken)


def _ranked(mentions: pd.DataFrame, sel: np.ndarray, sel_eid: np.ndarray, new_rows: pd.DataFrame,
            pre: pd.DataFrame, forms: pd.DataFrame) -> tuple:
    """recount: counts with the matched mentions, ranked (mentions, name, NER mentions, key)
    as canonicalize then recount order them; the mentions (mentions' rows sel, their entity
    sel_eid, and new_rows) in (article, offset) order with their ids, names and types. On
    whole columns and one take of the rows: millions of mentions at 37k."""
    codes, uniques = pd.factorize(mentions["article_id"], sort=True)
    new_aids = new_rows["article_id"].to_numpy(object)
    every = np.asarray(uniques, dtype=object)
    every = np.union1d(every, new_aids) if len(new_rows) else every
    remap = np.searchsorted(every, np.asarray(uniques, dtype=object))
    art = np.concatenate([remap[codes[sel]], np.searchsorted(every, new_aids)]).astype(np.int64)
    eid = np.concatenate([sel_eid, new_rows["entity_id"].to_numpy(np.int64)])
    start = np.concatenate([mentions["start"].to_numpy(np.int64)[sel], new_rows["start"].to_numpy(np.int64)])
    span = len(every) + 1
    top = int(max(eid.max() if len(eid) else 0, pre["entity_id"].max() if len(pre) else 0)) + 1
    pairs = pd.unique(eid * span + art)
    ids = pre["entity_id"].to_numpy(np.int64)
    ents = pre.assign(mentions=np.bincount(eid, minlength=top)[ids].astype("int64"),
                      articles=np.bincount(pairs // span, minlength=top)[ids].astype("int64"))
    ents = ents.sort_values(["mentions", "name", "ner", "key"], ascending=[False, True, False, True], kind="stable")
    new_id = np.full(top, -1, dtype=np.int64)
    new_id[ents["entity_id"].to_numpy(np.int64)] = np.arange(len(ents))
    ents = ents.assign(entity_id=np.arange(len(ents), dtype=np.int64)).reset_index(drop=True)
    order = np.lexsort((start, art))
    rows = pd.concat([mentions, new_rows], ignore_index=True)
    rows = rows.iloc[np.concatenate([sel, len(mentions) + np.arange(len(new_rows))])[order]].reset_index(drop=True)
    eid = new_id[eid[order]]
    rows["entity_id"] = eid
    rows["entity"] = pd.array(ents["name"].to_numpy(object), dtype="str").take(eid)
    rows["type"] = pd.array(ents["type"].to_numpy(object), dtype="str").take(eid)
    rows["label"] = rows["label"].where(rows["found_by"] != "match", rows["type"])
    return rows, ents[C.ENTITY_COLUMNS], ents[INDEX_COLUMNS], forms


def entities_with_state(keyed: pd.DataFrame, ambiguous: dict[str, str], texts: dict[str, str],
                        sentences: pd.DataFrame, rules=()) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """entities_from_keys, the recall pass and recount (what the build does after
    resolve_keys), and the state rekey starts from: {"entity_index", "entity_forms",
    "entity_names"} tables."""
    mentions, entities = C.entities_from_keys(keyed, ambiguous, texts, rules=rules, keep_keys=True)
    if entities.empty:
        entities = entities.assign(key=pd.Series(dtype=object), voted=pd.Series(dtype=object),
                                   ner=pd.Series(dtype="int64"))
    pairs = [(f, k) for k, n, a in zip(*(values(entities[c]) for c in ("key", "name", "aliases")))
             for f in entity_forms(n, a)]
    common = common_words({f for f, _ in pairs}, texts)
    forms = pd.DataFrame(pairs, columns=["form", "key"]).drop_duplicates()
    forms["common"] = forms["form"].isin(common)
    key_id = dict(zip(values(entities["key"]), values(entities["entity_id"])))
    ids = {f: key_id[k] for f, k in _matchable(forms).items()}   # name_forms's, in its order
    entities, mentions = recount(entities, recall_mentions(mentions, entities, sentences, texts, forms=ids))
    forms = forms.sort_values(["form", "key"], kind="stable").reset_index(drop=True)
    state = {"entity_index": entities[INDEX_COLUMNS].reset_index(drop=True), "entity_forms": forms,
             "entity_names": names_table(keyed), "entity_rules": rules_table(rules)}
    return mentions, entities[C.ENTITY_COLUMNS].reset_index(drop=True), state


STATE_TABLES = ("entity_keys", "entity_ambiguous", "entity_index", "entity_forms", "entity_names", "entity_rules")


def rules_table(rules) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rules], columns=["action", "name", "target"], dtype=object)


def rules_of(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in table[["action", "name", "target"]].itertuples(index=False)]
