"""Recall: the further mentions of entities the corpus already knows, found by matching.

NER tags a name in one sentence and misses it in the next, and misses most names in
ALL-CAPS headlines and datelines ("PARIS 1996-12-06"). After canonicalisation every
entity has its names (the display name and the aliases the model found); this pass finds
those names where the model did not tag them:
  * word-bounded and case-aware: "Kabul" matches "Kabul", never "kabul"; on a line written
    all in capitals the capitalised form matches too ("KABUL");
  * a name is not matched inside a longer name ("Trump" in "Trump Tower" or "Melania
    Trump"): a capitalised word right before or after it stops the match, except a title;
  * a state after a party code counts as a word ("Sen. Cruz (R-Texas)");
  * guards against common words: a one-word name the corpus also writes in lower case
    ("Will", "May"), names of fewer than 3 characters ("US" is also "us" on an all-caps
    line), and names that belong to two entities are never matched.
Each found mention carries found_by = "match" (NER's carry "ner").
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from analysis.config import values

MIN_NER_MENTIONS = 1
# a word, or a state after a party code: "(R-Texas)", "D-Vt."
_WORD = re.compile(r"(?:(?<![\w.'’-])(?![RDI]-[A-Z])|(?<=(?<![\w-])[RDI]-))[A-Z][\w.'’-]*")
_LINE = re.compile(r"[^\n]+")
_LOWER = re.compile(r"\b[a-z]+\b")
_CAP_BEFORE = re.compile(r"(?<![.!?:;\n])\b([A-Z][\w.'’-]*)[ \t]+$")
_CAP_AFTER = re.compile(r"^[ \t]+[A-Z]")
_POSSESSIVE = re.compile(r"['’]s?$")
_NOT_NAMES = {"The", "A", "An", "In", "On", "At", "But", "And", "When", "After", "Before", "As", "If", "For",
              "With", "By", "From", "Of", "To", "That", "This", "While", "Since", "Under", "Over", "Both"}
_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Dr|President|Sen|Senator|Rep|Gov|Governor|Secretary|Gen|General|Minister|"
                    r"Mayor|Judge|Justice|Ambassador|Speaker|King|Queen|Prince|Princess|Sheikh|Mullah)\.?$")


def name_forms(entities: pd.DataFrame, mentions: pd.DataFrame, texts: dict[str, str], *,
               min_mentions: int = MIN_NER_MENTIONS, sample_chars: int = 20_000_000) -> dict[str, int]:
    """{written form: entity_id} of the names that are safe to match (see the module doc)."""
    known = entities[entities["mentions"] >= min_mentions]
    owners: dict[str, set] = defaultdict(set)
    for eid, name, aliases in zip(known["entity_id"], known["name"], known["aliases"]):
        for form in entity_forms(name, aliases):
            owners[form].add(int(eid))
    common = common_words(set(owners), texts, sample_chars=sample_chars)
    return {f: next(iter(ids)) for f, ids in owners.items() if len(ids) == 1 and f not in common}


def entity_forms(name, aliases) -> list[str]:
    """The written forms of one entity that matching may look for."""
    out = []
    for form in [name, *list(aliases if aliases is not None else [])]:
        form = str(form).strip()
        if len(form) >= 2 and form[:1].isupper() and "\n" not in form:
            out.append(form)
    return out


def common_words(forms: set[str], texts: dict[str, str], *, sample_chars: int = 20_000_000) -> set[str]:
    """The one-word forms the corpus also writes in lower case ('Will', 'MORE', 'TIME'), in the
    texts taken in order until sample_chars characters (the text that passes it included)."""
    single = {f.lower() for f in forms if re.fullmatch(r"[A-Z][A-Za-z]+", f)}
    lower, total = Counter(), 0
    for text in texts.values():
        if single:
            lower.update(w for w in _LOWER.findall(text) if w in single)
        total += len(text)
        if total > sample_chars:
            break
    return {f for f in forms if f.lower() in single and lower[f.lower()] > 0}


def find_mentions(texts: dict[str, str], forms: dict[str, int], taken: dict[str, list[tuple[int, int]]]
                  ) -> list[tuple[str, int, int, int]]:
    """(article_id, start, end, entity_id) of every further mention; ``taken`` holds the
    spans NER already found in each article (never overlapped). Names of fewer than 3
    characters are never matched.("US" is "us" on an all-caps line)."""
    by_first = _index(forms, upper=False)
    by_first_upper = _index(forms, upper=True)
    patterns: dict[str, tuple] = {}   # first word -> its forms as one pattern (built when first needed)
    out = []
    for aid, text in texts.items():
        covered = bytearray(len(text) + 1)      # 1 where NER found a mention
        for s, e in taken.get(aid, ()):
            covered[s:e] = b"\x01" * (e - s)
        for line in _LINE.finditer(text):
            caps = _is_caps(line.group())
            table = by_first_upper if caps else by_first
            for m in _WORD.finditer(text, line.start(), line.end()):
                p = m.start()
                if covered[p]:
                    continue
                word = m.group().rstrip(".'’-")
                word = word.upper() if caps else word
                cands = table.get(word)
                if cands is None and ("'" in word or "’" in word):
                    cands = table.get(_POSSESSIVE.sub("", word))
                if not cands:
                    continue
                if not caps and len(cands) > 2:   # many forms share the first word ("New ..."): one regex
                    if word not in patterns:
                        patterns[word] = _pattern(cands)
                    hit = _first_match_pattern(text, p, *patterns[word], covered)
                else:
                    hit = _first_match(text, p, cands, caps, covered)
                if hit:
                    out.append((aid, *hit))
    return out


def _first_match(text: str, p: int, cands: list, caps: bool, covered: bytearray) -> tuple[int, int, int] | None:
    """(start, end, entity) of the longest form that matches at p and passes the guards."""
    for form, eid in cands:
        e = p + len(form)
        if not (text[p:e].upper() == form if caps else text.startswith(form, p)):
            continue
        if e < len(text) and (text[e].isalnum() or text[e] == "_"):
            continue
        if len(form) < 3 or (not caps and _inside_longer_name(text, p, e)):
            return None
        if covered.find(1, p, e) >= 0:
            return None   # overlaps a mention NER found
        return p, e, eid
    return None


def _pattern(cands: list) -> tuple[re.Pattern, dict[str, int]]:
    """The forms (longest first) as one alternation followed by a word boundary: its match at p
    is the first form in that order that _first_match would take (the regex tries the
    alternatives in order; \\w is str.isalnum() or "_"), in one call instead of a loop over them."""
    return (re.compile("(?:" + "|".join(re.escape(form) for form, _ in cands) + r")(?!\w)"),
            dict(cands))


def _first_match_pattern(text: str, p: int, pattern: re.Pattern, ids: dict[str, int],
                         covered: bytearray) -> tuple[int, int, int] | None:
    """_first_match on a line not in capitals, the forms as _pattern's regex."""
    m = pattern.match(text, p)
    if m is None:
        return None
    e = m.end()
    if e - p < 3 or _inside_longer_name(text, p, e) or covered.find(1, p, e) >= 0:
        return None
    return p, e, ids[m.group()]


def _index(forms: dict[str, int], *, upper: bool) -> dict[str, list[tuple[str, int]]]:
    """First word -> [(form, entity)], longest form first (so "New York Times" beats "New York")."""
    idx: dict[str, list] = defaultdict(list)
    for form, eid in forms.items():
        f = form.upper() if upper else form
        idx[re.split(r"[\s]", f, maxsplit=1)[0].rstrip(".'’-")].append((f, eid))
    for v in idx.values():
        v.sort(key=lambda fe: (-len(fe[0]), fe[0]))
    return idx


def _is_caps(line: str) -> bool:
    """A line written all in capitals (a headline, a dateline): 4 letters or more, no lower case."""
    return not any(c.islower() for c in line) and sum(c.isalpha() for c in line) >= 4


def _inside_longer_name(text: str, s: int, e: int) -> bool:
    before = _CAP_BEFORE.search(text[max(0, s - 40):s])
    if before and not _TITLE.match(before.group(1)) and before.group(1) not in _NOT_NAMES:
        return True
    return bool(_CAP_AFTER.match(text[e:e + 3]))


def recall_mentions(mentions: pd.DataFrame, entities: pd.DataFrame, sentences: pd.DataFrame,
                    texts: dict[str, str], *, min_mentions: int = MIN_NER_MENTIONS,
                    corpus_texts: dict[str, str] | None = None,
                    forms: dict[str, int] | None = None) -> pd.DataFrame:
    """The canonical mentions plus those found by matching (found_by "match"), in article
    and offset order, with their passage and sentence; entities' counts are not touched
    (``recount``). corpus_texts: the texts whose lower-case words guard the one-word names
    (default: texts; articles added to a corpus are matched with the whole corpus's guard).
    forms: name_forms's result, when the caller has it."""
    mentions = mentions.assign(found_by="ner") if "found_by" not in mentions else mentions
    if entities.empty:
        return mentions
    if forms is None:
        forms = name_forms(entities, mentions, texts if corpus_texts is None else corpus_texts,
                           min_mentions=min_mentions)
    taken: dict[str, list] = defaultdict(list)
    for aid, s, e in zip(values(mentions["article_id"]), mentions["start"].tolist(), mentions["end"].tolist()):
        taken[aid].append((s, e))
    new = match_rows(find_mentions(texts, forms, taken), mentions, entities, sentences, texts)
    if new.empty:
        return mentions
    out = pd.concat([mentions, new], ignore_index=True)
    return out.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)


def match_rows(found: list, mentions: pd.DataFrame, entities: pd.DataFrame, sentences: pd.DataFrame,
               texts: dict[str, str]) -> pd.DataFrame:
    """find_mentions's tuples as rows of the mention table (its columns and types)."""
    if not found:
        return mentions.iloc[:0]
    new = pd.DataFrame(found, columns=["article_id", "start", "end", "entity_id"])
    ents = entities.set_index("entity_id")
    new["surface"] = [texts[a][s:e] for a, s, e in zip(new["article_id"], new["start"], new["end"])]
    new["entity"] = new["entity_id"].map(ents["name"])
    new["type"] = new["entity_id"].map(ents["type"])
    new["label"] = new["type"]
    new = new.join(_sentence_of(new, sentences))
    new["found_by"] = "match"
    new = new[[c for c in mentions.columns if c in new.columns]]
    for c in mentions.columns:
        if c in new:
            new[c] = new[c].astype(mentions[c].dtype)
    return new


def _sentence_of(new: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """passage, sentence, sent_start, sent_end of each found mention (from the sentences table):
    the article's last sentence starting at or before it (its first if none does)."""
    cols = {"passage": [], "sentence": [], "sent_start": [], "sent_end": []}
    sents = sentences.sort_values("article_id", kind="stable") if len(sentences) else sentences
    keys = sents["article_id"].to_numpy(dtype=object) if len(sents) else np.zeros(0, dtype=object)
    starts = sents["start"].to_numpy() if len(sents) else np.zeros(0, dtype=np.int64)
    row_of = [sents[c].tolist() for c in ("passage", "sentence", "start", "end")] if len(sents) else []
    cuts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    bounds = dict(zip(keys[np.r_[0, cuts]].tolist() if len(keys) else [],
                      zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(keys)].tolist())))
    for aid, s in zip(new["article_id"], new["start"].tolist()):
        span = bounds.get(aid)
        if span is None:
            for v, c in zip((0, 0, s, s), cols):
                cols[c].append(v)
            continue
        lo, hi = span   # an article's sentences in their order (as a groupby gave them)
        k = lo + max(int(np.searchsorted(starts[lo:hi], s, side="right")) - 1, 0)
        for c, col in zip(cols, row_of):
            cols[c].append(int(col[k]))
    return pd.DataFrame(cols, index=new.index)


def recount(entities: pd.DataFrame, mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Entities' mentions and articles counted again (with the found mentions), re-ranked and
    renumbered most mentioned first; the mentions' entity ids follow."""
    g = mentions.groupby("entity_id")["article_id"]
    ents = entities.assign(mentions=entities["entity_id"].map(g.size()).fillna(0).astype("int64"),
                           articles=entities["entity_id"].map(g.nunique()).fillna(0).astype("int64"))
    ents = ents.sort_values(["mentions", "name"], ascending=[False, True], kind="stable")
    new_id = dict(zip(ents["entity_id"], range(len(ents))))
    ents = ents.assign(entity_id=range(len(ents))).reset_index(drop=True)
    mentions = mentions.assign(entity_id=mentions["entity_id"].map(new_id).astype("int64"))
    return ents, mentions
