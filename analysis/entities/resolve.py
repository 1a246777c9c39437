"""Cross-document resolution: second names of one thing join it across the whole corpus.

Pure functions over the mention table of ``canonical.canonicalize`` (columns article_id,
name, resolved, key, label, vote):
  * a title is not part of a name ("President Trump", "Mr. Obama" -> "Trump", "Obama");
  * a full name with a middle name or initial joins the same name without it, a short first
    name the formal one, when the corpus has that ("Donald J. Trump" -> "Donald Trump",
    "Jim Comey" -> "James Comey");
  * a lone surname joins the full name it refers to: the article decides when it names one
    candidate (``canonical._resolve_article``); elsewhere the corpus decides when one full
    name has at least ``DOMINANCE`` of the articles where the surname was resolved. An
    ambiguous surname (Clinton: Hillary and Bill) stays apart and says why;
  * country forms join the country ("America", "the States");
  * nationality words (NORP "American") are linked to their country (demonyms.csv);
  * a name the gazetteer knows as a populated place is typed a place unless the text says
    it is a person (``retype_places``).
"""
from __future__ import annotations

import csv
import functools
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from analysis.config import values
from analysis.entities.gazetteer import candidates

DEMONYMS_FILE = Path(__file__).resolve().parent / "demonyms.csv"
DOMINANCE = 0.8         # share of the resolved articles the winning full name must have
MIN_RESOLVED = 2        # resolved articles needed before the corpus decides
# Short forms of first names: 'Jim Comey' is 'James Comey' when the corpus writes both.
NICKNAMES = {"jim": "james", "jimmy": "james", "chuck": "charles", "bill": "william", "bob": "robert",
             "rob": "robert", "rudy": "rudolph", "mike": "michael", "joe": "joseph", "tom": "thomas",
             "tony": "anthony", "dick": "richard", "rick": "richard", "ted": "edward", "ed": "edward",
             "dan": "daniel", "dave": "david", "chris": "christopher", "nick": "nicholas",
             "steve": "stephen", "matt": "matthew", "pat": "patrick", "ben": "benjamin",
             "sam": "samuel", "alex": "alexander", "andy": "andrew", "tim": "timothy", "greg": "gregory",
             "jeff": "jeffrey", "ron": "ronald", "don": "donald", "ash": "ashton", "liz": "elizabeth",
             "kate": "katherine", "hillary": "hillary", "moammar": "muammar"}
PLACE_TYPES = ("GPE", "LOC", "FAC")
ORG_EVIDENCE = 5        # mentions all typed ORG by the model that keep an ORG an organisation
# Titles that stand before a surname ('President Trump', 'Mr. Obama'); royal and religious
# titles stand before a first name ('Prince Harry') and stay part of the name.
_SURNAME_TITLES = (r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|President|President-elect|Sens|Sen|Senator|Reps|Rep|Representative|Gov|"
                   r"Governor|Secretary|Gen|General|Lt|Col|Maj|Capt|Adm|Sgt|Prime Minister|PM|Minister|"
                   r"Chancellor|Mayor|Judge|Justice|Ambassador|Speaker|Leader|Commander|Chairman)")
TITLES = re.compile(r"^(?:(?:former|late|then|acting|deputy|vice|ex-)\s+)*" + _SURNAME_TITLES + r"\.?\s+", flags=re.I)
_TITLE_BEFORE = re.compile(r"\b(?:" + _SURNAME_TITLES[3:-1] + r"|Sir|Dame|Lord|Lady|King|Queen|Prince|Princess|"
                           r"Pope|Sheikh|Mullah)\.?\s+$")
COUNTRY_FORMS = {"america": "united states", "states": "united states"}   # 'the States' cleans to 'States'
_SPEECH = re.compile(r"^\W{0,2}\s*(?:said|says|told|added|tweeted|wrote|stated|argued|insisted)\b")


def is_title(name: str) -> bool:
    """A title alone ('Sen', 'Gov.', 'President') is not a name."""
    name = name.strip()
    m = TITLES.match(name + " X")
    return bool(m) and m.end() == len(name) + 1


def strip_title(name: str) -> str:
    """'President Trump' -> 'Trump', 'Mr. Obama' -> 'Obama'; a name without a title unchanged."""
    bare = TITLES.sub("", name)
    return bare if bare and bare != name and bare[:1].isupper() else name


def country_form(key: str, label: str) -> str:
    """The key of a country written another way ('America', 'the States'), else the key."""
    return COUNTRY_FORMS.get(key, key) if label in ("GPE", "LOC") or key == "america" else key


def join_name_variants(keys: pd.Series, labels: pd.Series) -> pd.Series:
    """A person's key joins another person key of the corpus that names the same person more
    fully or more formally: without its middle name or initial ('donald j trump' -> 'donald
    trump'), with the full first name of a short one ('jim comey' -> 'james comey')."""
    persons = set(values(keys[labels == "PERSON"]))
    remap = {}
    for k in persons:
        parts = k.split()
        if len(parts) == 3 and (short := f"{parts[0]} {parts[2]}") in persons:
            remap[k] = short
            parts = short.split()
        if len(parts) >= 2 and parts[0] in NICKNAMES and NICKNAMES[parts[0]] != parts[0]:
            formal = " ".join([NICKNAMES[parts[0]], *parts[1:]])
            if formal in persons:
                remap[k] = formal
    return keys.map(lambda k: remap.get(k, k)) if remap else keys


def join_surnames(df: pd.DataFrame, *, dominance: float = DOMINANCE,
                  min_resolved: int = MIN_RESOLVED) -> tuple[pd.Series, dict[str, str]]:
    """(new keys, {surname key: why it stays apart}); df has key, own (the key of the name
    as written, before the article resolved it), label, vote, article_id.

    A one-word key that the model calls a person at least a third of the time joins a full
    person name ending with it: the only one in the corpus; else the one that has at least
    ``dominance`` of the articles where an article resolved the surname (at least
    ``min_resolved`` of them). Otherwise it stays apart, with the candidates as the reason."""
    person_keys = set(values(df.loc[df["vote"] == "PERSON", "key"]))
    by_last = defaultdict(set)
    for k in person_keys:
        if " " in k:
            by_last[k.rsplit(" ", 1)[1]].add(k)
    firsts = Counter(k.split(" ", 1)[0] for k in person_keys if " " in k)
    share = (df["label"] == "PERSON").groupby(df["key"]).mean()
    singles = {k for k, v in share.items() if " " not in k and v >= 1 / 3 and by_last.get(k)
               and not is_title(k)}
    resolved = _resolved_cases(df, singles)
    remap, ambiguous = {}, {}
    for k in sorted(singles):
        cands = by_last[k]
        if len(cands) == 1:
            remap[k] = next(iter(cands))
            continue
        cases = resolved.get(k, Counter())
        total = sum(cases.values())
        top = cases.most_common(2)
        if total >= min_resolved and top[0][1] >= dominance * total:
            remap[k] = top[0][0]
        elif firsts.get(k, 0) > len(cands):
            continue   # a first name ('John', 'Donald'): it starts more person names than it ends
        else:
            ambiguous[k] = _why_apart(k, cases, cands, total)
    return df["key"].map(lambda k: remap.get(k, k)), ambiguous


def _resolved_cases(df: pd.DataFrame, singles: set[str]) -> dict[str, Counter]:
    """{surname key: Counter(full name key -> articles where the article resolved it so)};
    ``own`` is the key of the name as written, ``key`` the key it was resolved to."""
    own = df["own"]
    hit = own.isin(singles) & (own != df["key"])
    pairs = df.loc[hit, ["article_id", "key"]].assign(surname=own[hit]).drop_duplicates()
    out: dict[str, Counter] = defaultdict(Counter)
    for s, k in zip(pairs["surname"], pairs["key"]):
        out[s][k] += 1
    return out


def _why_apart(surname: str, cases: Counter, cands: set[str], total: int) -> str:
    if total:
        named = ", ".join(f"{k.title()} ({n} of {total})" for k, n in cases.most_common(3))
        return (f"ambiguous surname: where an article names the full name, it is {named}; "
                f"none has {DOMINANCE:.0%}")
    return f"ambiguous surname: {len(cands)} people in the corpus end with it ({', '.join(sorted(cands)[:3]).title()})"


# -- nationalities ------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """{'american': 'United States', 'afghans': 'Afghanistan', ...} from demonyms.csv."""
    with open(DEMONYMS_FILE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for r in rows:
        for word in r["demonyms"].split(";"):
            if word.strip():
                out[word.strip().lower()] = r["country"].strip()
    return out


def nationality_country(name: str) -> str | None:
    """The country a nationality word refers to ('Americans' -> 'United States'), else None."""
    n = name.strip().lower()
    table = demonyms()
    return table.get(n) or (table.get(n[:-1]) if n.endswith("s") else None)


# -- the type vote and the gazetteer -----------------------------------------------------

def people_names(entities: pd.DataFrame, surnames: set[str] = frozenset()) -> set[str]:
    """The first names and surnames of the corpus's people (the entities typed PERSON), and
    the ambiguous surnames: a place named so may be a person (retype_places)."""
    persons = entities.loc[entities["type"] == "PERSON", "name"].str.lower().str.split()
    return {p[0] for p in persons if len(p) > 1} | {p[-1] for p in persons if len(p) > 1} | set(surnames)


def retype_places(entities: pd.DataFrame, mentions: pd.DataFrame, texts: dict[str, str], *,
                  surnames: set[str] = frozenset(), names_of_people: set[str] | None = None
                  ) -> tuple[pd.DataFrame, dict[int, str]]:
    """Entities typed PERSON or ORG whose name the offline gazetteer knows as a populated
    place (a city of 15,000+, a country, a US state) become places, unless the text says
    otherwise: the name is the first name or the surname of a person in the corpus, a
    mention has a title before it or a speech verb after it, or (for an ORG) the model typed
    all of at least ORG_EVIDENCE mentions ORG. Only a gazetteer entry's own
    name or spelling variant counts (its alternate names include 'Google' for Topeka). Returns (entities, {entity_id: note})."""
    if names_of_people is None:   # given: entities is a part of the corpus's (rekey)
        names_of_people = people_names(entities, surnames)
    user_typed = entities["note"].fillna("").str.startswith("typed by the user") if "note" in entities else False
    todo = entities[entities["type"].isin(["PERSON", "ORG"]) & ~entities["name"].str.lower().isin(names_of_people)
                    & ~user_typed]
    notes: dict[int, str] = {}
    if todo.empty:
        return entities, notes
    by_entity = mentions[mentions["entity_id"].isin(set(todo["entity_id"]))].groupby("entity_id")
    new_type = {}
    for eid, name, etype in zip(*(values(todo[c]) for c in ("entity_id", "name", "type"))):
        cands = [c for c in candidates([name]) if c["via"] != "alternate name"
                 and (c["feature"] != "city" or (c.get("population") or 0) >= 15_000)]
        if not cands or len(name) < 4 or name.isupper():
            continue
        ments = by_entity.get_group(eid) if eid in by_entity.groups else mentions.iloc[:0]
        if _says_not_a_place(ments, texts) or (etype == "ORG" and _always_org(ments)):
            continue
        best = max(cands, key=lambda c: c.get("population") or 0)
        new_type[eid] = "LOC" if best["feature"] == "continent" else "GPE"
        notes[eid] = (f"typed a place: the gazetteer has {best['place']} ({best['country'] or best['feature']}), "
                      f"the model said {etype}, and no mention reads as a person or an organisation")
    if new_type:
        entities = entities.assign(type=[new_type.get(e, t) for e, t in zip(values(entities["entity_id"]), values(entities["type"]))])
    return entities, notes


def _always_org(ments: pd.DataFrame) -> bool:
    """The model called every one of at least ORG_EVIDENCE mentions an organisation ('Gallup',
    'Berkeley' for the university): the text says organisation."""
    labels = ments["label"] if "label" in ments else ments["type"]
    return len(labels) >= ORG_EVIDENCE and bool((labels == "ORG").all())


def _says_not_a_place(ments: pd.DataFrame, texts: dict[str, str]) -> bool:
    for aid, s, e in ments[["article_id", "start", "end"]].itertuples(index=False):
        text = texts.get(aid) or ""
        if _SPEECH.match(text[e:e + 15]) or _TITLE_BEFORE.search(text[max(0, s - 30):s]):
            return True
    return False
