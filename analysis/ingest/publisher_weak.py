"""Weak self-references, taken only when two of them agree (analysis.ingest.publisher asks).

Pages name their own outlet in many small conventions that, one at a time, name another
outlet as often: a staff photo credit ("Jane Doe/The Lakeside Ledger"), a photo
illustration credit, a staff bio ("Jane Roe is a senior editor at Harbor Lights"), a
newsletter, app or social prompt ("Sign up for the Harbor Lights newsletter", "Follow
Harbor Lights on Twitter", "Download the Harbor Lights app"), an editorial board ("the
Lakeside Ledger editorial board endorses ..."), a masthead line, a newsroom idiom ("...,
Harbor Lights has learned"), a document embed ("... by Harbor Lights on Scribd"), a
copyright line ("© 2019 Harbor Lights. All rights reserved."), a staff address
("Email: jroe@harborlights.net"). For a name the outlet table does not know each is a
"candidate" cue: noted in the evidence, never the outlet alone. Two candidate cues of
different conventions that name the same outlet (the same name, or a name and an address
that spells it: "San Francisco Chronicle" and "sfchronicle.com") make it the publisher,
both in the evidence. One convention twice (two photo credits of one agency) is not two.
"""
from __future__ import annotations

import re
from dataclasses import replace

from analysis.ingest import publisher_patterns as P
from analysis.ingest.outlets import OutletTable, name_key
from analysis.ingest.publisher_cue import Cue, _clean_name, _cue, _known

ROLE = r"(?:writer|editor|reporter|correspondent|producer|columnist|contributor|analyst|anchor|host|fellow|critic)s?"
PEOPLE = r"[A-Z][\w.'’-]+(?:[ ]+(?:[A-Z][\w.'’-]+|de|van|von|da)){1,3}"
# "Jane Roe is a senior editor at Harbor Lights", "Jane Roe is a Harbor Lights columnist"
_BIO_HEAD = rf"^[—–-]*[ ]*{PEOPLE}(?:,[^,]{{1,30}},|[ ]+\(@\w+\))?[ ]+(?:is|was|are)[ ]+(?:an?[ ]+|the[ ]+)?"
BIO_AT = re.compile(rf"{_BIO_HEAD}(?:(?!former)[\w-]+[ ]+){{0,4}}?{ROLE}(?:[ ]+in[ ]+chief)?[ ]+(?:at|for|with|to|of)[ ]+"
                    rf"(?:the[ ]+)?(?P<name>{P.NAME1})")
BIO_OF = re.compile(rf"{_BIO_HEAD}(?:(?!former)[\w-]+[ ]+){{0,2}}?(?P<name>{P.NAME1})(?:['’]s?)?[ ]+(?:[\w-]+[ ]+)?{ROLE}\b")
PHOTO = re.compile(rf"(?:^|\((?:Photo:[ ]*)?|[.][ ]+)(?:Photographer:[ ]*)?(?P<who>{PEOPLE})[ ]*/[ ]*(?:the[ ]+)?(?P<name>[A-Z][\w&.’'-]*(?:[ ]+[A-Z][\w&.’'-]*){{0,3}}?)"
                   r"(?i:[ ]+(?:file|staff|archive))?(?i:[ ]+(?:photo|photograph|illustration))?[ ]*(?:\)|$|[ ]+Photographer:)")
ILLUSTRATION = re.compile(rf"^(?:Photo[ ]+)?illustration[ ]+by[ ]+(?:the[ ]+)?(?P<name>{P.NAME1})[.;]", re.I)
PROMPT = re.compile(rf"\b(?i:sign[ ]+up|subscribe|register)[ ]+(?:for|to)[ ]+(?:the[ ]+)?(?P<name>{P.NAME1})(?:['’]s?)?[ ]+"
                    rf"(?:[\w-]+[ ]+){{0,2}}?newsletters?\b|\b(?:the[ ]+)?best[ ]+of[ ]+(?:the[ ]+)?(?P<name2>{P.NAME1})[.!]?$|"
                    rf"\b(?:Follow|Like)[ ]+(?:the[ ]+)?(?P<name3>{P.NAME1})[ ]+on[ ]+(?:Twitter|Facebook|Instagram|LinkedIn)\b|"
                    rf"\bDownload[ ]+(?:the[ ]+)?(?P<name4>{P.NAME1})(?:['’]s?)?[ ]+(?:(?:phone|mobile|news)[ ]+)?(?:app|for[ ]+iPhone)\b|"
                    rf"\bFor[ ]+more[ ]+(?:of|from)[ ]+(?:the[ ]+)?(?P<name5>{P.NAME1})(?:['’]s?)?[ ]+(?:news[ ]+)?"
                    r"(?:coverage|reporting|stories|journalism)\b")
BOARD = re.compile(rf"\b[Tt]he[ ]+(?P<name>{P.NAME1})(?:['’]s)?[ ]+editorial[ ]+board\b")
LEARNED = re.compile(rf"(?:^|[,;][ ]+)(?:the[ ]+)?(?P<name>{P.NAME1})[ ]+(?:has[ ]+(?:learned|reached[ ]+out[ ]+to)|"
                     r"can[ ]+(?:confirm|report|reveal))\b")
# "For one author's take, see ... here on Harbor Lights", "on the Harbor Lights Facebook page", "register for
# Harbor Lights Today, our daily newsletter", "Editor's note: Harbor Lights is making ..."
HERE = re.compile(rf"\bhere[ ]+(?:on|at)[ ]+(?:the[ ]+)?(?P<name>{P.NAME1})[.!]?$|\bon[ ]+the[ ]+(?P<name2>{P.NAME1})[ ]+"
                  rf"(?:Facebook|Twitter|Instagram|YouTube)[ ]+(?:page|account|channel)\b|"
                  rf"(?:^|[ ])(?:the[ ]+)?(?P<name3>{P.NAME1}),[ ]+our[ ]+(?:[a-z]+[ ]+)?newsletter\b")
# "Season 4 of Harbor Lights' hit podcast", "Harbor Lights' offices", "Harbor Lights' own fact-check division"
OWN_THING = re.compile(rf"(?:^|[ ])(?:the[ ]+)?(?P<name>{P.NAME1})['’]s?[ ]+(?:own[ ]+)?(?:[\w-]+[ ]+)?(?:podcast|blog|newsletter|"
                       r"offices|newsroom|staff|editors|authors|reporters|journalists|board[ ]+of[ ]+directors|division)\b")
NOTE = re.compile(rf"^Editor['’]?s['’]?[ ]+note[ ]*:[ ]*(?:the[ ]+)?(?P<name>{P.NAME1})[ ]+(?:is|has|believes|will|was)\b", re.I)
# "WFAE political reporter Jane Doe", "Lakeside Ledger reporter Jane Roe and the wires contributed"
STAFF = re.compile(rf"(?:\b(?:with|joins)[ ]+|^(?=.*\bcontributed\b))(?:the[ ]+)?(?P<name>{P.NAME1})(?:['’]s?)?[ ]+(?:[a-z]+[ ]+){{0,2}}"
                   rf"(?:reporter|correspondent|anchor|host|editor|producer|writer|columnist)s?[ ]+{PEOPLE}\b")
EMBED = re.compile(rf"\bby[ ]+(?P<name>{P.NAME1})[ ]+on[ ]+Scribd\b")
MAIL = re.compile(r"(?i)(?:^|[.;][ ]+)(?:e-?mail|contact|reach)(?:[ ]+(?:him|her|them|me|us))?(?:[ ]+at)?[ ]*:?[ ]*"
                  r"[\w.+-]+@(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)\b")
# another site's copy, a short link: not the page's own site
REPRINT = re.compile(r"(?i)\b(?:reprinted|republished|adapted|excerpted)\b|\b(?:share|shortened|short)\b[^.]{0,30}\b(?:url|link|story)\b")
CAPS = re.compile(r"^(?:The[ ]+)?[A-Z][A-Z0-9&.'’-]+(?:[ ]+[A-Z][A-Z0-9&.'’-]+){0,3}$")     # "USA TODAY", "THE LEDGER"


def candidate_cues(line: str, table: OutletTable, ends: set[str]) -> list[Cue]:
    """The weak self-references of one of the first or the last lines (never a wire's or a
    syndicate's name of the table: those are read by the stronger conventions)."""
    out = []
    found = [(m.group("name"), "staff photo credit") for m in PHOTO.finditer(line) if "Photo" not in m["who"]]
    if m := ILLUSTRATION.match(line):
        found.append((m["name"], "photo illustration credit"))
    if m := BIO_AT.match(line) or BIO_OF.match(line):     # "an Ideas contributor for WIRED": WIRED
        found.append((m["name"], "staff bio"))
    if len(line) <= P.PROMO_LINE_CHARS:
        found += [(next(n for n in m.groups() if n), "newsletter or app or social prompt") for m in PROMPT.finditer(line)]
    found += [(m["name"], "staff credit") for m in STAFF.finditer(line)]
    found = [(n, k) for n, k in found if n and not (k.startswith("newsletter") and _person_shaped(n, line))]
    found += [(m["name"], "editorial board") for m in BOARD.finditer(line)]
    found += [(next(n for n in m.groups() if n), "own page or channel or newsletter") for m in HERE.finditer(line)]
    found += [(m["name"], "own podcast or blog or staff") for m in OWN_THING.finditer(line)]
    if m := NOTE.match(line):
        found.append((m["name"], "editor's note"))
    found += [(m["name"], "newsroom idiom") for m in LEARNED.finditer(line)]
    found += [(m["name"], "document embed") for m in EMBED.finditer(line)]
    if line in ends and CAPS.match(line) and len(line) <= 40 and " " in line:
        found.append((line, "name line"))
    for name, kind in found:
        name = _clean_name(name)
        known = _known(name, table)
        if known is not None and known.kind != "outlet" or not (_brand(name) or P.GENERIC_NAME.match(name)):
            continue
        out += filter(None, [_cue(name, kind, line, table, strict=False, role="candidate")])
    if len(line) <= P.DOMAIN_LINE_CHARS and not (P.LINK_WORDS.search(line) or P.TWEET.search(line) or P.SYNDICATED.search(line)
                                                 or REPRINT.search(line)):
        for m in P.DOMAIN.finditer(line):      # "follow IVN.us for exclusive coverage": a site, if a name agrees
            site = _site(m["host"])
            if site and not P.CITED_BEFORE.search(line[:m.start()]) and table.by_domain(site) is None:
                out += filter(None, [_cue(site, "site address", line, table, strict=False, role="candidate")])
    for m in MAIL.finditer(line):
        site = _site(m["host"])
        known = table.by_domain(site) if site else None
        if site and (known is None or known.kind == "outlet"):
            out += filter(None, [_cue(known.name if known else site, "staff address", line, table, strict=False,
                                      role="candidate")])
    return out


def _person_shaped(name: str, line: str) -> bool:
    """A name followed on a social network that may be a person's ("Follow Jane Roe on
    Twitter"): not "The ...", no newsy word, not in capitals nor CamelCase."""
    if not re.search(rf"\b(?:Follow|Like)[ ]+(?:the[ ]+)?{re.escape(name)}", line):
        return False
    return not (line[line.index(name) - 4:line.index(name)] == "The " or P.CORPORATE.search(name)
                or re.fullmatch(r"[A-Z0-9&]{3,}|[A-Z][a-z]+[A-Z]\w*", name))


def _brand(name: str) -> bool:
    """One to four capitalised words (but "of", "&"), not a pronoun or a fragment; one word
    only in capitals, CamelCase or a domain ("WIRED", "TechCrunch", "ledger.com")."""
    words = name.split()
    if not 1 <= len(words) <= 4 or not all(w[0].isupper() or w in ("of", "&") for w in words) or not words[-1][0].isupper():
        return False
    if len(words) == 1:
        return bool(re.fullmatch(r"[A-Z0-9&]{3,}|[A-Z][a-z]+[A-Z]?\w*|[\w-]+\.(?:com|org|net)", words[0])) and \
            not re.fullmatch(r"(?i)he|she|they|it|we|this|that|our|his|her|their|photo|photos|staff|file", words[0])
    return not re.match(r"(?i)(?:he|she|they|it|we|this|that|our|his|her|their)$", words[0])


def _site(host: str) -> str:
    parts = host.lower().split(".")
    site = ".".join(parts[-3:] if len(parts) > 2 and len(parts[-2]) <= 3 else parts[-2:])
    return "" if P.WEBMAIL.search(site) or not P.DOMAIN.fullmatch(site) else site


def _spellings(name: str) -> set[str]:
    """How a site's address spells a name: the words run together, the initials, the
    initials and the last word ("San Francisco Chronicle": sanfranciscochronicle, sfc,
    sfchronicle)."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() != "the"]
    if not words:
        return set()
    return {"".join(words).lower(), "".join(w[0] for w in words).lower(),
            ("".join(w[0] for w in words[:-1]) + words[-1]).lower()} - {""}


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z0-9]+", name)]


def _agree(a: Cue, b: Cue) -> bool:
    """The same name; or one is the other's first words ("Guardian", "Guardian US") or last
    words ("Register", "Des Moines Register"); or a name and an address that spells it."""
    if name_key(a.name) == name_key(b.name):
        return True
    da, db = P.DOMAIN.fullmatch(a.name), P.DOMAIN.fullmatch(b.name)
    if da or db:
        if da and db:
            return False
        site, name = (a.name, b.name) if da else (b.name, a.name)
        return site.split(".")[0].lower() in _spellings(name)
    wa, wb = (w[1:] if w[:1] == ["the"] else w for w in (_words(a.name), _words(b.name)))
    short, long_ = sorted((wa, wb), key=len)
    if not short:
        return False
    generic = bool(P.GENERIC_NAME.match(" ".join(short)))
    return long_[:len(short)] == short and not generic or long_[-len(short):] == short


def same_outlet(a: str, b: str) -> bool:
    """Whether two names (or a name and an address) agree, as _agree reads them."""
    return _agree(Cue(a, "", "", ""), Cue(b, "", "", ""))


def _convention(c: Cue) -> str:
    """A bio, a copyright notice and the addresses in their line are one note (a syndicated
    columnist's carries the home paper's name and address; "COPYRIGHT 2017 CREATORS.COM"
    is one syndicate's line): one convention."""
    return f"line: {c.snippet}" if c.kind in ("staff bio", "staff address", "site address", "copyright line") else c.kind


def corroborated(candidates: list[Cue]) -> dict[str, list[Cue]]:
    """{name: its cues} for each name that two candidate cues of different conventions
    agree on (a bio and the address in its line count once); the fullest agreed name (not a bare address, nor a
    name any newspaper goes by, "The Chronicle"), else the address."""
    out: dict[str, list[Cue]] = {}
    for c in candidates:
        group = [d for d in candidates if _agree(c, d)]
        if len({d.kind for d in group}) < 2 or len({_convention(d) for d in group}) < 2:
            continue
        names = [d.name for d in group if not P.DOMAIN.fullmatch(d.name) and not P.GENERIC_NAME.match(d.name)]
        if not names and not (names := [d.name for d in group if P.DOMAIN.fullmatch(d.name)]):
            continue
        name = max(names, key=lambda n: (sum(_agree(Cue(n, "", "", ""), d) for d in group), -len(n)))
        if any(same_outlet(name, n) for n in out):
            continue
        rule = "two conventions agree: " + " and ".join(dict.fromkeys(d.kind for d in group))
        out[name] = [replace(d, role="publisher", rule=rule if i == 0 else "") for i, d in enumerate(group)]
    return out
