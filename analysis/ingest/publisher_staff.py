"""Conventions by which a page credits its own staff and speaks of itself, read in the first
and the last lines (analysis.ingest.publisher asks for them):

- a staff photo credit: "James Martin/CNET", "(Tom Williams/CQ Roll Call file photo)",
  "Photographer: Jane Doe/Bloomberg", "Photo illustration by Slate". A news agency's or
  photo agency's credit ("Evan Vucci/AP", "(photo credit: REUTERS)") is another's picture,
  never the outlet; only the "Photographer:" form names a wire, and then as wire copy;
- a sign-off: "I'm Jane Doe for Prager University." (a video's or a broadcast's last line);
- a press release's lead: "(London) – ..., Human Rights Watch said today." (a news story
  dates by the weekday and tags the place with its own name: "LONDON (Reuters) -");
- a newsroom's idiom for itself in one of those lines: "..., Defense One has learned.",
  "The Verge has reached out to Twitter";
- a membership or newsletter prompt in the first person plural that names one outlet ("The
  journalists at BuzzFeed News ... sign up for our newsletter");
- a share line with the page's own address: "Read or Share this story: https://www.x.com/...";
- a promotion of its own newsletter, issue or app: "subscribe to Mother Jones' newsletters",
  "For more from The Nation, check out our latest issue", "Download the NBC News app";
- a news-alert prompt: "Get breaking news alerts and more from Roll Call", "Sign up for
  free news alerts from WND.com";
- a series line: "This report is part of the RAND Corporation research report series".

Outlets of the table are read from every one of them; a name the table does not know only
from a sign-off, a press release, a news-alert prompt and a promotion of its own newsletter,
issue or app, where it is shaped like a brand (two to four capitalised words, an acronym, a
domain; for its own newsletter also one capitalised word: "Fortune’s daily newsletter").
Tried with names the table does not know and left out: a copyright line with "All rights
reserved" (tune half with its outlets out of the table: 1 right; held-out half: 1 wrong);
a staff photo credit, a staff bio and a social handle spelling the name ("follow
@statepress") (tune half so: mostly right but spelled otherwise, "CQ Roll Call", "Civil
Beat"; held-out half: two wrong, none right).
"""
from __future__ import annotations

import re

from analysis.ingest import publisher_patterns as P
from analysis.ingest.dates import share_url
from analysis.ingest.outlets import OutletTable
from analysis.ingest.publisher_cue import Cue, _clean_name, _cue, _known

PERSON = r"[A-Z][\w.'’-]+(?:[ ]+(?:[A-Z][\w.'’-]+|de|van|von|da)){1,3}"
# "James Martin/CNET", "(Bill Clark/CQ Roll Call file photo)", "Photographer: Paul Hanna/Bloomberg"
STAFF_PHOTO = re.compile(rf"(?:^|\((?:Photo:[ ]*)?|[.][ ]+)(?P<lead>Photographer:[ ]*)?(?P<who>{PERSON})[ ]*/[ ]*"
                         rf"(?P<name>[A-Z][\w&.’'-]*(?:[ ]+[A-Z][\w&.’'-]*){{0,3}}?)"
                         r"(?:[ ]+(?:file|staff|archive))?(?:[ ]+(?:photo|photograph|illustration))?[ ]*(?:\)|$|[ ]+Photographer:)")
ILLUSTRATION = re.compile(rf"^(?:Photo[ ]+)?illustration[ ]+by[ ]+(?:the[ ]+)?(?P<name>{P.NAME1})[.;]", re.I)
SIGN_OFF = re.compile(rf"(?:^|[.!?][ ]+)I['’]m[ ]+{PERSON}(?:,[^.]{{0,100}},|[ ]+of[ ]+[^.,]{{1,60}})?[ ]+for[ ]+"
                      rf"(?:the[ ]+)?(?P<name>{P.NAME1})\.$")
LEARNED = re.compile(rf"(?:^|[,;][ ]+|[.][ ]+)(?:the[ ]+)?(?P<name>{P.NAME1})[ ]+has[ ]+(?:learned|reached[ ]+out[ ]+to|"
                     r"obtained|confirmed)\b")
# "Get breaking news alerts and more from Roll Call", "Sign up for free news alerts from WND.com"
ALERTS = re.compile(rf"(?i:news[ ]+alerts|newsletters?|updates)[ ]+(?:and[ ]+more[ ]+)?from[ ]+(?:the[ ]+)?(?P<name>{P.NAME1})")
# "subscribe to Mother Jones' newsletters", "Subscribe to Data Sheet, Fortune’s daily newsletter",
# "For more from The Nation, check out our latest issue", "Download the NBC News app"
OWN_PROMO = re.compile(rf"\b(?i:subscribe|sign[ ]+up)\b[^.]{{0,60}}?\b(?:the[ ]+)?(?P<name>{P.NAME1})['’]s?[ ]+(?:[a-z]+[ ]+)?newsletters?\b|"
                       rf"\bFor[ ]+more[ ]+from[ ]+(?:the[ ]+)?(?P<name2>{P.NAME1}),[ ]+(?:check[ ]+out|see|read|visit)[ ]+our\b|"
                       rf"\bDownload[ ]+the[ ]+(?P<name3>{P.NAME1})[ ]+app\b")
# a press release: "(London) – The government is stalling ..., Human Rights Watch said today."
RELEASE = re.compile(rf"^\((?:[A-Z][\w.'’-]*[ ,]*){{1,4}}\)[ ]+[–—-]+[ ].*?(?:,[ ]+|\.[ ]+)(?:the[ ]+)?(?P<name>{P.NAME1})[ ]+"
                     r"(?:said|says|announced|urged|warned)[ ]+(?:today|in[ ]+a[ ]+(?:new[ ]+)?report,?[ ]+released[ ]+today)\b")
# "This report is part of the RAND Corporation research report series", "This report, part of Pew
# Research Center’s American News Pathways project": the page places itself in its publisher's series
SERIES = re.compile(rf"^This[ ]+(?:report|article|story|piece|post|essay|analysis|brief|commentary)[ ]*(?:is[ ]+|,[ ]*)"
                    rf"(?:part|one)[ ]+of[ ]+(?:the[ ]+)?(?P<name>{P.NAME1})(?:['’]s?)?[ ]+(?:[\w-]+[ ]+){{0,4}}?"
                    r"(?:series|project|collection)\b")
OUR_PROMPT = re.compile(r"(?i)\b(?:sign[ ]+up[ ]+for[ ]+our|subscribe[ ]+to[ ]+our|become[ ]+a[ ]+(?:member|subscriber)|"
                        r"support[ ]+our[ ]+(?:journalism|reporting|work)|our[ ]+newsletter)\b")


def staff_cues(line: str, table: OutletTable) -> list[Cue]:
    """The cues of one of the first or the last lines of an article (see the module)."""
    out = []
    for m in STAFF_PHOTO.finditer(line):
        known = _known(_clean_name(m["name"]), table)
        if known is None or not (known.kind == "outlet" or known.is_wire and m["lead"]) or "Photo" in m["who"]:
            continue
        out += filter(None, [_cue(m["name"], "staff photo credit", line, table, strict=True)])
    if own := share_url([line])[0]:      # the page's own address ("Read or Share this story: https://...")
        known = table.by_domain(own)
        if known is not None and not known.never_outlet:
            out += filter(None, [_cue(known.name, "share line", line, table, strict=True)])
        elif known is None and (site := _article_site(own)):     # a site the table does not know: by its domain
            out += filter(None, [_cue(site, "share line", line, table, strict=False)])
    if m := ILLUSTRATION.match(line):
        known = _known(_clean_name(m["name"]), table)
        if known is not None and known.kind == "outlet":
            out += filter(None, [_cue(m["name"], "staff photo credit", line, table, strict=True)])
    if m := SIGN_OFF.search(line):
        known = _known(_clean_name(m["name"]), table)
        if known is not None and known.kind == "outlet" or known is None and _brand(m["name"]):
            out += filter(None, [_cue(m["name"], "sign-off", line, table, strict=False)])
    if m := ALERTS.search(line):
        known = _known(_clean_name(m["name"]), table)
        if known is not None and known.kind == "outlet" or known is None and (_brand(m["name"]) or P.DOMAIN.fullmatch(m["name"])):
            out += filter(None, [_cue(m["name"], "self-promotion", line, table, strict=False)])
    if m := OWN_PROMO.search(line):
        name = m["name"] or m["name2"] or m["name3"]
        known = _known(_clean_name(name), table)
        if known is not None and known.kind == "outlet" or known is None and (_brand(name) or re.fullmatch(r"[A-Z][a-z]{3,}", _clean_name(name))):
            out += filter(None, [_cue(name, "self-promotion", line, table, strict=False)])
    for m in LEARNED.finditer(line):      # a name the table does not know: a newsroom's ("Harbor News"), not a person's
        known = _known(_clean_name(m["name"]), table)
        if known is not None and known.kind == "outlet" or known is None and _brand(m["name"]) and P.CORPORATE.search(m["name"]):
            out += filter(None, [_cue(m["name"], "newsroom idiom", line, table, strict=True)])
    if m := SERIES.match(line):
        known = _known(_clean_name(m["name"]), table)
        if known is not None and known.kind == "outlet" or known is None and (_brand(m["name"]) or P.CORPORATE.search(m["name"])):
            out += filter(None, [_cue(m["name"], "series line", line, table, strict=False)])
    if m := RELEASE.match(line):
        known = _known(_clean_name(m["name"]), table)
        if known is not None and known.kind == "outlet" or known is None and _brand(m["name"]):
            out += filter(None, [_cue(m["name"], "press release", line, table, strict=False)])
    if len(line) <= 2 * P.PROMO_LINE_CHARS and OUR_PROMPT.search(line):
        named = {k.name: m.group(0) for m in re.finditer(P.NAME, line)
                 if (k := _known(_clean_name(m.group(0)), table)) is not None and k.kind == "outlet"}
        brands = {m.group(0) for m in re.finditer(P.NAME, line)      # (a newsletter's name is no outlet's: a newsy word)
                  if _brand(m.group(0)) and P.CORPORATE.search(m.group(0))} if not named else set()
        if len(named) == 1:
            out += filter(None, [_cue(next(iter(named.values())), "self-promotion", line, table, strict=True)])
        elif len(brands) == 1:     # one outlet the table does not know asks for its members: "BuzzFeed News ... become a member"
            out += filter(None, [_cue(brands.pop(), "self-promotion", line, table, strict=False)])
    return out


def _brand(name: str) -> bool:
    """Two to four capitalised words or an all-capitals name: a brand, not a fragment."""
    words = _clean_name(name).split()
    return (1 < len(words) <= 4 and all(w[0].isupper() or w in ("of", "&") for w in words)) or \
        (len(words) == 1 and words[0].isupper() and len(words[0]) >= 3)


def _article_site(url: str) -> str:
    """The domain of an article's own address ("https://www.ledger.com/news/2019/05/x/" ->
    "ledger.com"); "" for a short link ("http://usat.ly/1om7erE") that names no site."""
    m = re.match(r"(?i)https?://(?:www\d?\.)?(?P<host>[^/?#:]+)(?P<path>/[^?#]*)?", url)
    if not m or len([p for p in (m["path"] or "").split("/") if p]) < 2:
        return ""
    return m["host"].lower() if P.DOMAIN.fullmatch(m["host"]) else ""
