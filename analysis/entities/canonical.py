"""Canonical entities: one entity per real-world thing.

Pure functions over the raw mention table (article_id, start, end, surface, label):
  1. junk is dropped (model fragments such as "n't", page furniture words);
  2. within an article a surname joins the full name, an acronym its expansion;
  3. across the corpus spelling variants join ("U.S." / "US" / "the United States"), and
     second names join the thing they name (entities/resolve.py: titles, middle names,
     lone surnames, country forms);
  4. each entity gets one type by vote, with the gazetteer as evidence for places; a
     nationality is linked to its country; the user's aliases file applies on top.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from analysis.config import values
from analysis.entities import resolve
from analysis.entities.spans import lower_case_counts, repair_spans

# Spelling variants that no string rule can join.
BUILTIN_ALIASES = {
    "us": "united states", "usa": "united states", "united states of america": "united states",
    "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
    "un": "united nations", "eu": "european union", "uae": "united arab emirates",
    "isil": "islamic state", "isis": "islamic state", "daesh": "islamic state",
}
# Page furniture or model fragments, never entities.
JUNK = {"advertisement", "captcha", "comments", "share", "tweet", "email", "print", "reply",
        "facebook twitter", "read more", "photo", "getty images", "subscribe", "newsletter"}
# note: why an entity is as it is (an ambiguous surname, a gazetteer type); country: a NORP's
ENTITY_COLUMNS = ["entity_id", "name", "type", "aliases", "mentions", "articles", "note", "country"]
USER_TYPED = "typed by the user:"
TYPE_PRIORITY = ["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"]
_EDGE = re.compile(r"^[\W_]+|(?<!\b[A-Z]\.)(?<!\b[A-Z])[\W_]+$")
_POSSESSIVE = re.compile(r"['’]s?$")
_PARTICLES = {"al", "el", "de", "da", "di", "du", "van", "von", "der", "bin", "ibn", "la", "le", "e", "i"}
_SMALL = {"of", "the", "and", "for", "on", "in", "de", "al", "el", "la"}


@functools.lru_cache(maxsize=1_000_000)   # pure, and names repeat: millions of mentions at 37k
def clean_surface(surface: str) -> str:
    """The surface form with its article, possessive and edge punctuation removed."""
    s = surface.split("\n")[0].strip()
    s = re.sub(r"^(?:the|a|an)\s+", "", s, flags=re.I)
    s = _POSSESSIVE.sub("", s)
    return _EDGE.sub("", s).strip()


@functools.lru_cache(maxsize=1_000_000)   # pure, and names repeat: millions of mentions at 37k
def variant_key(name: str) -> str:
    """A key shared by spelling variants: 'U.S.' ~ 'US', 'al-Qaeda' ~ 'Al Qaeda'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"(?<=\b\w)\.", "", s)          # U.S. -> US
    s = re.sub(r"[-‐–_/]", " ", s)
    s = re.sub(r"[^\w ]", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    return BUILTIN_ALIASES.get(s, s)


# Never names: weekdays (the small model labels "Thursday" ORG; matching then finds every
# other one) and a pronoun with its contracted verb ("I'm", "We've").
_WEEKDAYS = {d + "day" + s for d in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun") for s in ("", "s")}
_CONTRACTION = re.compile(r"(?:i|you|we|they|he|she|it|that|there|here|what|who|let)['’](?:m|re|ve|ll|d|s)")


@functools.lru_cache(maxsize=1_000_000)   # pure, and names repeat: millions of mentions at 37k
def is_junk(surface: str) -> bool:
    s = surface.strip().lower()
    if len(s) < 2 or not re.search(r"[a-z]", s) or s in JUNK or s in _WEEKDAYS:
        return True
    if re.fullmatch(r"(n['’]t|['’]s|['’]re|['’]ll|['’]ve|['’]d|['’]m)", s) or _CONTRACTION.fullmatch(s):
        return True
    first = re.split(r"[\s-]", surface.strip(), maxsplit=1)[0]
    if first[:1].islower() and first not in _PARTICLES:  # 'pro-Taliban', 'anti-war'
        return True
    return not any(ch.isupper() for ch in surface)  # named entities are capitalised


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _SMALL]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else ""


def _acronym_links(text: str, surfaces: set[str]) -> dict[str, str]:
    """'The North Atlantic Treaty Organization (NATO)' -> {NATO: North Atlantic ...}."""
    links = {}
    for m in re.finditer(r"\(([A-Z][A-Za-z.]{1,9})\)", text):
        acro = m.group(1).replace(".", "")
        before = text[max(0, m.start() - 120):m.start()]
        for s in sorted(surfaces, key=len, reverse=True):
            if len(s.split()) >= 2 and before.rstrip().endswith(s) and initials(s) == acro.upper():
                links[acro] = s
                break
    return links


def _resolve_article(names: list[str], labels: list[str], text: str,
                     acronyms: dict[str, str] | None = None) -> list[str]:
    """For each mention of one article (its names and labels), the name it refers to within the
    article. acronyms: _acronym_links(text, set(names)), when the caller has it."""
    persons = {n for n, lab in zip(names, labels) if lab == "PERSON" and len(n.split()) >= 2}
    by_last = defaultdict(set)
    for full in persons:
        by_last[full.split()[-1]].add(full)
    acronyms = _acronym_links(text, set(names)) if acronyms is None else acronyms
    out = []
    for n in names:
        if n in acronyms:
            n = acronyms[n]
        elif " " not in n and len(by_last.get(n, ())) == 1:
            n = next(iter(by_last[n]))
        out.append(n)
    return out


def _vote(labels: pd.Series) -> str:
    counts = Counter(labels)
    return max(counts, key=lambda lab: (counts[lab], -TYPE_PRIORITY.index(lab) if lab in TYPE_PRIORITY else -99))


def _display_name(forms: pd.Series, etype: str) -> str:
    counts = Counter(forms)
    if etype == "PERSON":
        multi = {f: c for f, c in counts.items() if " " in f}
        counts = Counter(multi) or counts
    return max(counts, key=lambda f: (counts[f], len(f), f))


def _join_plurals(df: pd.DataFrame) -> pd.Series:
    """'Afghans' joins 'Afghan' when both are nationalities (NORP) in the corpus."""
    norp = set(values(df.loc[df["label"] == "NORP", "key"]))
    return df["key"].map(lambda k: k[:-1] if k.endswith("s") and k[:-1] in norp and k in norp else k)


def _drop_common_words(df: pd.DataFrame, texts: dict[str, str], *, sample_chars: int = 20_000_000):
    """A one-word 'entity' that the corpus also writes in lower case at least as
    often ('Allies' / 'allies', 'International') is a common word, not a name."""
    single = df["name"].str.fullmatch(r"[A-Z][a-z]+")
    if not single.any():
        return df
    candidates = set(values(df.loc[single, "name"].str.lower()))
    lower = lower_case_counts(texts, candidates, sample_chars)
    capital = df.loc[single].groupby(df.loc[single, "name"].str.lower()).size()
    common = {w for w, n in capital.items() if lower.get(w, 0) >= n}
    return df[~(single & df["name"].str.lower().isin(common))].reset_index(drop=True)


def canonicalize(raw: pd.DataFrame, texts: dict[str, str], *,
                 rules: list[tuple[str, str, str]] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw mentions (article_id, start, end, surface, label, ...) -> (mentions, entities).

    mentions gains: entity_id, entity, type. entities: entity_id, name, type,
    aliases, mentions, articles. ``rules`` are the user's aliases file rows
    (action, name, target) with action merge, rename or ignore; they apply last.
    The two halves: ``resolve_keys`` (no rule involved: the build stores its result) and
    ``entities_from_keys`` (the rules on top: an edit of aliases.csv replays only this half).
    """
    keyed, ambiguous = resolve_keys(raw, texts)
    return entities_from_keys(keyed, ambiguous, texts, rules=rules)


KEY_COLUMNS = ["name", "resolved", "key", "vote"]   # what resolve_keys adds to the raw mentions


def resolve_keys(raw: pd.DataFrame, texts: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The raw mentions that are names, each with its cleaned name, the name the article
    resolved it to, its corpus key (one per real-world thing before the user's rules) and
    its type vote; and {surname key: why it stays apart}. No rule of aliases.csv is used."""
    raw = repair_spans(raw, texts, clean=clean_surface)   # run-together names cut apart first
    df = raw.assign(name=raw["surface"].map(clean_surface))
    junk = [is_junk(n) or resolve.is_title(n) for n in values(df["name"])]   # a title alone ('Sen') is no name
    df = df[~np.array(junk, dtype=bool)].reset_index(drop=True)
    if df.empty:
        return _empty_entities(list(raw.columns) + KEY_COLUMNS), {}
    # a title is not part of a name: 'President Trump' is 'Trump' ('General Motors' stays: ORG)
    person = (df["label"] == "PERSON").to_numpy()
    df.loc[person, "name"] = df.loc[person, "name"].map(resolve.strip_title)
    df = df.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
    # the rows of each article are contiguous (sorted): plain lists sliced per article (a groupby
    # took every column of each article's rows from its Arrow arrays: 10k articles, 5 s)
    aids, names, labels = (df[c].to_numpy(dtype=object) for c in ("article_id", "name", "label"))
    bounds = np.flatnonzero(np.r_[True, aids[1:] != aids[:-1], True])
    names, labels, resolved = names.tolist(), labels.tolist(), []
    links: dict[str, str] = {}   # acronym -> expansion keys declared anywhere in the corpus ('... (NATO)')
    for lo, hi in zip(bounds[:-1], bounds[1:]):   # articles in id order: the first declaration wins
        text = texts.get(aids[lo], "")
        acronyms = _acronym_links(text, set(names[lo:hi]))
        resolved.extend(_resolve_article(names[lo:hi], labels[lo:hi], text, acronyms))
        for acro, expansion in acronyms.items():
            links.setdefault(variant_key(acro), variant_key(expansion))
    df["resolved"] = resolved
    df["key"] = [resolve.country_form(variant_key(r), lab) for r, lab in zip(resolved, values(df["label"]))]
    df["own"] = df["name"].map(variant_key)
    # a surname that joined a person's full name votes PERSON, whatever the model said
    surname = [n != r and r.split()[-1] == n for n, r in zip(values(df["name"]), resolved)]
    df["vote"] = df["label"].mask(surname, "PERSON")
    df["key"] = df["key"].map(lambda k: links.get(k, k))
    df["key"] = resolve.join_name_variants(df["key"], df["vote"])
    joined, ambiguous = resolve.join_surnames(df)
    df["vote"] = df["vote"].where(joined == df["key"], "PERSON")
    df["key"] = joined
    df["key"] = _join_plurals(df)
    df = _drop_common_words(df, texts)
    return df.drop(columns=["own"]), dict(ambiguous)


def key_tables(keyed: pd.DataFrame, ambiguous: dict[str, str]) -> dict[str, pd.DataFrame]:
    """resolve_keys's result as two store tables: "entity_keys" and "entity_ambiguous" (key, note)."""
    return {"entity_keys": keyed, "entity_ambiguous": pd.DataFrame(sorted(ambiguous.items()), columns=["key", "note"])}


def keys_of_tables(keyed: pd.DataFrame, ambiguous: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """key_tables's tables back as resolve_keys's result."""
    return keyed, dict(zip(ambiguous["key"], ambiguous["note"]))


def entities_from_keys(keyed: pd.DataFrame, ambiguous: dict[str, str], texts: dict[str, str], *,
                       rules: list[tuple[str, str, str]] = (), keep_keys: bool = False,
                       find=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """resolve_keys's result and the user's rules -> (mentions, entities) (see canonicalize).
    keep_keys: entities keep their key, their type by vote ("voted", before the gazetteer)
    and their NER mentions ("ner"), what entities/rekey.py needs; find: name -> key."""
    raw_columns = [c for c in keyed.columns if c not in KEY_COLUMNS]
    if keyed.empty:
        return _empty_mentions(keyed[raw_columns]), _empty_entities()
    df, renames = _apply_rules(keyed.copy(), list(rules), find=find)
    if df.empty:
        return _empty_mentions(keyed[raw_columns]), _empty_entities()
    notes = dict(ambiguous)
    if "note" in df:
        notes.update(df.loc[df["note"] != "", ["key", "note"]].drop_duplicates("key").itertuples(index=False))
        df = df.drop(columns=["note"])
    mentions, entities = _build_entities(df, renames, notes=notes, keep_key=keep_keys)
    if keep_keys:
        entities = entities.assign(voted=entities["type"], ner=entities["mentions"])
    return _link_and_retype(mentions, entities, texts, surnames=set(ambiguous))


def _link_and_retype(mentions: pd.DataFrame, entities: pd.DataFrame, texts: dict[str, str], *,
                     surnames: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nationalities linked to their country; names the gazetteer knows as populated places
    typed as places unless the text says otherwise (resolve.retype_places)."""
    norp = (entities["type"] == "NORP").to_numpy()
    entities["country"] = [resolve.nationality_country(n) if is_norp else None
                           for n, is_norp in zip(values(entities["name"]), norp)]
    entities, notes = resolve.retype_places(entities, mentions, texts, surnames=surnames)
    if notes:
        entities["note"] = [notes.get(e) or n for e, n in zip(values(entities["entity_id"]), values(entities["note"]))]
        mentions["type"] = mentions["entity_id"].map(entities.set_index("entity_id")["type"])
    return mentions, entities


def _apply_rules(df: pd.DataFrame, rules, find=None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The user's merge / ignore rules on the keys; rename rules returned for display.
    find: name -> key (default: the key of the first mention named so, rekey.key_finder)."""
    if not rules:
        return df, {}
    if find is None:
        key_of_name = {}
        for key, name, resolved in zip(df["key"], df["name"], df["resolved"]):
            for n in (name, resolved, key):
                key_of_name.setdefault(variant_key(n), key)
        find = lambda n: key_of_name.get(variant_key(n), variant_key(n))  # noqa: E731
    merges = {find(name): find(target) for action, name, target in rules if action == "merge"}
    typed = {find(name): target for action, name, target in rules if action == "type"}
    ignored = {find(name) for action, name, _ in rules if action == "ignore"}
    renames = {find(target): target for action, _, target in rules if action == "merge"}
    renames.update({find(name): target for action, name, target in rules if action == "rename"})
    df["key"] = df["key"].map(lambda k: merges.get(k, k))
    if typed:   # the user's type wins every vote (and the gazetteer's evidence: USER_TYPED)
        set_type = df["key"].map(typed)
        df["vote"] = set_type.fillna(df["vote"])
        df["note"] = set_type.map(lambda t: f"{USER_TYPED} {t} (aliases.csv)" if isinstance(t, str) else "")
    return df[~df["key"].isin(ignored)].reset_index(drop=True), renames


def _build_entities(df: pd.DataFrame, renames: dict[str, str], *, notes: dict[str, str] | None = None,
                    keep_key: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per key: its type by vote (_vote), display name (_display_name), aliases,
    mentions and articles; computed on whole columns (a loop over a million keys took minutes)."""
    pos = np.arange(len(df))
    votes = (pd.DataFrame({"key": df["key"].to_numpy(object), "vote": df["vote"].to_numpy(object), "pos": pos})
             .groupby(["key", "vote"], sort=False).agg(n=("pos", "size"), first=("pos", "min")).reset_index())
    # _vote: most votes, then the type listed first in TYPE_PRIORITY, then the first seen
    votes["prio"] = votes["vote"].map({t: i for i, t in enumerate(TYPE_PRIORITY)}).fillna(99)
    votes = votes.sort_values(["key", "n", "prio", "first"], ascending=[True, False, True, True], kind="stable")
    etype = votes.drop_duplicates("key").set_index("key")["vote"]
    # _display_name: the most frequent form (a person's with a space when there is one)
    forms = (pd.DataFrame({"key": df["key"].to_numpy(object), "name": df["name"].to_numpy(object)})
             .groupby(["key", "name"], sort=False).size().reset_index(name="n"))
    multi = forms["name"].str.contains(" ", regex=False).to_numpy(bool)
    person = (forms["key"].map(etype) == "PERSON").to_numpy(bool)
    with_multi = set(values(forms.loc[multi, "key"]))
    forms = forms[~(person & ~multi & forms["key"].isin(with_multi).to_numpy(bool))]
    forms = forms.assign(length=forms["name"].str.len())
    forms = forms.sort_values(["key", "n", "length", "name"], ascending=[True, False, False, False], kind="stable")
    display = forms.drop_duplicates("key").set_index("key")["name"]
    aliases = pd.concat([pd.DataFrame({"key": df["key"].to_numpy(object), "alias": df[c].to_numpy(object)})
                         for c in ("name", "resolved")]).drop_duplicates()
    aliases = aliases.sort_values(["key", "alias"], kind="stable").groupby("key", sort=True)["alias"].agg(list)
    ents = pd.DataFrame({"key": aliases.index.to_numpy(object)})
    ents["name"] = [renames.get(k) or display[k] for k in ents["key"]] if renames else display.reindex(ents["key"]).to_numpy(object)
    ents["type"] = etype.reindex(ents["key"]).to_numpy(object)
    ents["aliases"] = aliases.to_numpy(object)
    ents["note"] = ents["key"].map(notes or {}).fillna("").to_numpy(object)
    grouped = df.groupby("key", sort=True)["article_id"]
    ents["mentions"] = grouped.size().reindex(ents["key"]).to_numpy("int64")
    ents["articles"] = grouped.nunique().reindex(ents["key"]).to_numpy("int64")
    ents = ents.sort_values(["mentions", "name"], ascending=[False, True], kind="stable")
    ents["entity_id"] = range(len(ents))
    ents["aliases"] = [[a for a in al if a != n] for al, n in zip(values(ents["aliases"]), values(ents["name"]))]
    lookup = ents.set_index("key")
    df["entity_id"] = df["key"].map(lookup["entity_id"]).astype("int64")
    df["entity"] = df["key"].map(lookup["name"])
    df["type"] = df["key"].map(lookup["type"])
    mentions = df.drop(columns=["name", "resolved", "key", "vote"]).reset_index(drop=True)
    entities = ents[ENTITY_COLUMNS[:-1] + (["key"] if keep_key else [])].reset_index(drop=True)
    return mentions, entities


def _empty_mentions(raw: pd.DataFrame) -> pd.DataFrame:
    return _empty_entities(list(raw.columns) + ["entity_id", "entity", "type"])


def _empty_entities(columns=ENTITY_COLUMNS) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
