"""Closing-line conventions read for the outlets of the table (an author's bio, a staff
e-mail, self-promotion, a disclosure, a document embed) and the lines in which a page
speaks for itself (an editorial board, a request for comment, a contributor's staff)."""
from __future__ import annotations

import re

from analysis.ingest import publisher_patterns as P
from analysis.ingest.outlets import OutletTable, name_key
from analysis.ingest.publisher_cue import Cue, _clean_name, _cue, _known, _mentioned


def _known_cues(line: str, table: OutletTable) -> list[Cue]:
    """Closing-line conventions read only for outlets of the table: an author's bio
    ("is National Review's roving correspondent"), a staff e-mail ("Write to ... at
    x@wsj.com"), self-promotion ("For more of Slate's news coverage"), a disclosure
    ("parent company of CNBC")."""
    out = []
    if (m := P.DISCLAIMER.search(line)) and m["rest"]:      # "... the views of The Epoch Times."
        out += [c for c in _mentioned(m["rest"], table, "disclaimer", snippet=line) if c]
        # ... or a name the table does not know, if the clause ends with it: "the views of The Epoch Times."
        whole = re.match(rf"(?:the[ ]+)?(?P<name>{P.NAME1}|{P.DOMAIN.pattern})[ ]*\.?$", m["rest"].strip())
        if not out and whole and (_brand_shaped(whole["name"]) or P.DOMAIN.fullmatch(whole["name"])):
            out += filter(None, [_cue(whole["name"], "disclaimer", line, table, strict=False)])
    elif m:      # "Content created by X is available ... to any eligible news publisher": X's copy, offered to all
        name = re.split(r"[ ]+(?:is|are|was|and)[ ]", m["name"])[0]      # (the pattern is case-blind)
        out += filter(None, [_cue(name, "distribution notice", line, table, strict=True, role="wire")])
    if len(line) <= P.PROMO_LINE_CHARS and (m := P.SELF_PROMO.search(line)):   # "For more of Slate's news coverage"
        out += [c for c in _mentioned(m["rest"][:100], table, "self-promotion", snippet=line) if c]
    outlets = {k.name for k in (_known(_clean_name(m.group(0)), table) for m in re.finditer(P.NAME, line))
               if k is not None and not k.never_outlet}
    for pattern, kind in ((P.BIO, "author bio"), (P.DISCLOSURE, "disclosure")):
        if kind == "author bio" and len(outlets) > 1:     # "a Bloomberg columnist ... editor at National Review"
            continue
        if kind == "author bio" and not P.BIO_SUBJECT.match(line) or kind == "disclosure" and "isclos" not in line:
            continue
        for m in pattern.finditer(line):
            name = m["name"] or m.groupdict().get("name2")
            if kind == "author bio" and (re.search(r"\bformer\b", m.group(0), re.I) or
                                         re.match(r"[ ]+(?:online[ ]+)?and[ ]+(?:the[ ]+)?[A-Z]", line[m.end():])):
                continue      # a former employer; a list of publications ("a contributor to Forbes and The Hill")
            known = _known(_clean_name(name), table) if name else None
            if known is not None and known.kind == "outlet":
                out += filter(None, [_cue(name, kind, line, table, strict=True)])
            elif known is None and name and (kind == "disclosure" and _brand_shaped_or_caps(name) or
                                             kind == "author bio" and _agrees_with_mail(name, line)):
                out += filter(None, [_cue(name, kind, line, table, strict=False)])   # "parent company of CNBC"
    out += _speaks_for_itself(line, table)
    for m in P.EMBED.finditer(line):     # an uploader's name: a person's unless it looks like a publisher's
        if _brand_shaped(m["name"]) and (P.CORPORATE.search(m["name"]) or len(m["name"].split()) == 1
                                         or _known(_clean_name(m["name"]), table)):
            out += filter(None, [_cue(m["name"], "document embed", line, table, strict=False)])
    for m in P.EMAIL.finditer(line):     # a columnist's address is the home paper of a syndicated column
        known = table.by_domain(m["host"]) if not P.COLUMNIST.search(line) else None
        if known is not None and known.kind in ("outlet", "wire"):
            out += filter(None, [_cue(known.name, "staff e-mail", line, table, strict=True)])
        elif known is None and not P.COLUMNIST.search(line) and P.OWN_MAIL.search(line) and _site(m["host"]) \
                and table.by_domain(m["host"]) is None:      # "Write to Jane Roe at jane.roe@ledger.com": the domain names it
            out += filter(None, [_cue(_site(m["host"]), "staff e-mail", line, table, strict=False)])
    return out


def _site(host: str) -> str:
    """The registrable part of a mail host ("news.ledger.co.uk" -> "ledger.co.uk"); "" for a
    webmail provider or a government or school address (a person's, not a newsroom's)."""
    parts = host.lower().split(".")
    site = ".".join(parts[-3:] if len(parts) > 2 and len(parts[-2]) <= 3 else parts[-2:])
    return "" if P.WEBMAIL.search(site) or not P.DOMAIN.fullmatch(site) else site


def _agrees_with_mail(name: str, line: str) -> bool:
    """A staff bio's outlet that a staff address in the same line spells ("Jane Roe is a
    San Francisco Chronicle staff writer. Email: jroe@sfchronicle.com"): the address's site
    is the name, its initials, or the initials and the last word."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", _clean_name(name)) if w.lower() != "the"]
    if not words:
        return False
    spellings = {"".join(words).lower(), "".join(w[0] for w in words).lower(),
                 ("".join(w[0] for w in words[:-1]) + words[-1]).lower()}
    return any(_site(m["host"]).split(".")[0] in spellings for m in P.EMAIL.finditer(line))


def _brand_shaped_or_caps(name: str) -> bool:
    words = _clean_name(name).split()
    return _brand_shaped(name) or (len(words) == 1 and words[0].isupper() and len(words[0]) >= 3)


def _brand_shaped(name: str) -> bool:
    """A proper name of two to four words, every word capitalised but "of" and "&" (one
    word is too often a fragment: "the Register"), or a domain ("WND.com")."""
    words = _clean_name(name).split()
    if len(words) == 1:    # a domain or a CamelCase brand ("TechCrunch")
        return bool(re.search(r"\.(?:com|org|net)$|^[A-Z][a-z]+[A-Z]", words[0]))
    return len(words) <= 4 and all(w[0].isupper() or w in ("of", "&") for w in words) and words[-1][0].isupper()


def _speaks_for_itself(line: str, table: OutletTable) -> list[Cue]:
    """Lines in which a page speaks for itself: its staff's additional reporting ("—
    Additional reporting by CNBC's Eamon Javers"), its editorial board ("This commentary is
    from The Chronicle's editorial board"), its own request for comment ("declined The
    Hill's request for comment"), a call to support it ("Subscribe to Block Club Chicago.")."""
    out = []
    for pattern, kind in ((P.REPORTING_BY, "contributor line"), (P.EDITORIAL, "editorial board line"),
                          (P.COMMENT_REQUEST, "request for comment")):
        for m in pattern.finditer(line):
            name = m["name"] or m.groupdict().get("name2")
            if name:
                out += filter(None, [_cue(_by_own_domain(name, line, table), kind, line, table, strict=True)])
    if len(line) <= P.PROMO_LINE_CHARS and (m := P.SUPPORT_US.search(line)):      # "Subscribe to Block Club Chicago." names the page's own
        name = re.sub(r"(?i)[ ]+today$", "", m["name"])      # "Become a member of The Colorado Sun today!"
        if _brand_shaped(name) or _known(_clean_name(name), table):
            out += filter(None, [_cue(name, "self-promotion", line, table, strict=False)])
    return out


def _by_own_domain(name: str, line: str, table: OutletTable) -> str:
    """A short name the table does not know, made whole by a domain in the same line
    ("The Chronicle's editorial board ... SFChronicle.com/letters": San Francisco Chronicle)."""
    if _known(_clean_name(name), table):
        return name
    key = name_key(_clean_name(name))
    for m in P.DOMAIN.finditer(line):
        known = table.by_domain(m["host"])
        if known is not None and key and name_key(known.name).endswith(key):
            return known.name
    return name
