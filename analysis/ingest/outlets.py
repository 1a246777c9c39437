"""The outlet table: one spelling per outlet, its variants, its domains, wire or not.

The table ships as ``outlets.csv`` beside this module (well-known publishers, news
agencies, syndicates, media groups, photo agencies and platforms, by ``kind``); a user extends or corrects it with an ``outlets.csv`` beside the corpus (same
columns: name, kind, variants, domains; variants and domains separated by "|"). A user
row with the same name replaces the shipped one.

``canonical_outlet`` turns any spelling into the table's name and says by which rule:
"CNN (Web News)" -> CNN (section qualifier dropped), "Fox Online News" -> Fox News,
"The Associated Press" -> Associated Press (variant in the table).
"""
from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

TABLE = Path(__file__).with_name("outlets.csv")
USER_FILE = "outlets.csv"
KINDS = ("outlet", "wire", "syndicate", "group", "photo", "platform")

# Section qualifiers publishers and aggregators append to an outlet's name.
_QUALIFIER = re.compile(
    r"\s*(?:[-–—|:]\s*(?:news|opinion|editorial|opinion/editorial|op-ed|blogs?|politics|world|uk|us|online)"
    r"|\((?:news|opinion|online|web news|online news|blogs?|editorial|web)\)"
    r"|\s(?:opinion|editorial))\s*$", re.I)
_ONLINE_NEWS = re.compile(r"\bOnline News$", re.I)     # "Fox Online News" -> "Fox News"
_TLD = re.compile(r"\.(?:com|org|net|co\.uk|co|news|tv)$", re.I)


@dataclass(frozen=True)
class Outlet:
    name: str
    kind: str    # "outlet", "wire" (a news agency), "syndicate", "group" (owns outlets),
    #              "photo" (agency), "platform" (social network, podcast or document host)
    variants: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    @property
    def never_outlet(self) -> bool:
        """A media group, a photo agency or a platform is never an article's outlet."""
        return self.kind in ("group", "photo", "platform")

    @property
    def is_wire(self) -> bool:
        """Its copy runs in other outlets' pages (a news agency or a syndicate)."""
        return self.kind in ("wire", "syndicate")


@functools.lru_cache(maxsize=1 << 16)    # pure; asked for the same names over and over
def name_key(name: str) -> str:
    """A comparison key: NFKC, lower case, no leading "the", no .com, letters and digits."""
    s = unicodedata.normalize("NFKC", name).strip().lower()
    s = re.sub(r"^www\.", "", s)
    s = _TLD.sub("", s)
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"[^\w]+", "", s)


def host_of(address: str) -> str:
    """'https://www.cnn.com/2019/...' -> 'cnn.com' (lower case, no www./www1.)."""
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", address.strip().lower())
    s = re.split(r"[/?#:]", s, maxsplit=1)[0]
    return re.sub(r"^www\d*\.", "", s)


class OutletTable:
    """Look-ups by name (any variant) and by domain (a subdomain finds its parent)."""

    def __init__(self, outlets: list[Outlet]):
        self.outlets = outlets
        self._names: dict[str, Outlet] = {}
        self._domains: dict[str, Outlet] = {}
        for o in outlets:
            for n in (o.name, *o.variants):
                self._names.setdefault(name_key(n), o)
            for d in o.domains:
                self._domains.setdefault(host_of(d), o)

    def by_name(self, name: str) -> Outlet | None:
        return self._names.get(name_key(name))

    def by_leading_name(self, name: str) -> Outlet | None:
        """The outlet whose name starts ``name`` ("Reuters Health", "China Daily European
        Weekly"), the longest first."""
        words = name.split()
        for k in range(len(words), 0, -1):
            if k < len(words) and words[k].islower():     # "The Times" of "The Times of Israel"
                continue
            found = self.by_name(" ".join(words[:k]))
            prefix = " ".join(words[:k]).lower()
            if found and k < len(words) and found.name.lower() == "the " + prefix and \
                    prefix not in {v.lower() for v in found.variants}:
                continue      # "National Review" does not start with The National's name (only without its "The")
            if found:
                return found
        return None

    def by_domain(self, address: str) -> Outlet | None:
        host = host_of(address)
        while host:
            if host in self._domains:
                return self._domains[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return None

    def domains(self) -> dict[str, Outlet]:
        return dict(self._domains)

    def canonical(self, name: str) -> tuple[str, str]:
        """(one spelling, the rule that gave it; "" when the name is kept as it is)."""
        s = re.sub(r"\s+", " ", name).strip()
        if not s:
            return name, ""
        found = self.by_name(s)
        if found:
            return found.name, ("" if found.name == s else f"'{s}' is a spelling of {found.name} in the outlet table")
        stripped, prev = s, None
        while prev != stripped:
            prev, stripped = stripped, _QUALIFIER.sub("", stripped).strip()
        stripped = _ONLINE_NEWS.sub("News", stripped)
        stripped = re.sub(r"^www\d*\.", "", stripped, flags=re.I) or s
        found = self.by_name(stripped)
        if found:
            return found.name, f"'{s}' is {found.name} with a section qualifier (outlet table)"
        if stripped != s:
            return stripped, f"'{s}' without its section qualifier"
        return s, ""


def read_outlets(path: str | Path) -> list[Outlet]:
    """The rows of an outlets.csv (name, kind, variants, domains); blank names skipped."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        r = {str(k).strip().lower(): (v or "").strip() for k, v in r.items() if k}
        if not r.get("name"):
            continue
        split = lambda v: tuple(x.strip() for x in v.split("|") if x.strip())  # noqa: E731
        kind = r.get("kind", "").lower()
        out.append(Outlet(r["name"], kind if kind in KINDS else "outlet",
                          split(r.get("variants", "")), split(r.get("domains", ""))))
    return out


@functools.lru_cache(maxsize=8)
def load_outlets(user_file: str | None = None) -> OutletTable:
    """The shipped table, extended by a user's outlets.csv (its rows win)."""
    shipped = read_outlets(TABLE)
    if not user_file or not Path(user_file).is_file():
        return OutletTable(shipped)
    user = read_outlets(user_file)
    names = {name_key(o.name) for o in user}
    return OutletTable(user + [o for o in shipped if name_key(o.name) not in names])


def canonical_outlet(name: str, table: OutletTable | None = None) -> str:
    """One spelling per outlet ("CNN (Web News)" -> "CNN")."""
    return (table or load_outlets()).canonical(name)[0]
