"""The actor registry: who is who among the armed actors of the region.

The bundled registry is a set of versioned JSONL files under
``resources/actors/`` (one actor per line); a user may extend it with a local
file, ``marsad.paths.data_dir()/actors.jsonl``, loaded after the bundled one
(``marsad actors add`` writes it). Each entry has:

* ``id`` — a stable lower-case identifier (``sy-military``, ``hezbollah``);
* ``name`` / ``name_ar`` — the canonical English (ACLED-style) and Arabic names;
* ``ar`` / ``en`` — Arabic and English aliases;
* ``category`` — the ACLED inter code 1–8; ``parent`` — the umbrella group's id;
* ``country`` — ISO 3166 alpha-2 code of the actor's home country, or null;
* ``wikidata`` (optional) and ``anaphors`` (optional: words such as «التنظيم»
  that refer back to this actor when it was named shortly before).

:func:`default_registry` loads everything once per process (it reloads only
when the user file changes) and :meth:`ActorRegistry.lexicon` compiles every
Arabic alias into one clitic-aware :class:`~marsad.lexicon.Lexicon`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from marsad import paths, resources
from marsad.errors import InputError, ResourceError
from marsad.lexicon import Lexicon
from marsad.model import ACTOR_CATEGORIES, Actor
from marsad.text import fold

#: folder of the bundled registry, relative to the resources root
BUNDLED_DIR = "actors"
USER_FILE = "actors.jsonl"

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
_PRESENTATION = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def alias_key(surface: str) -> str:
    """The matching key of an alias: folded, whitespace collapsed (what the lexicon matches on)."""
    return " ".join(fold(surface).split())


def has_presentation_forms(s: str) -> bool:
    """True when ``s`` holds Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF)."""
    return any(lo <= ord(c) <= hi for c in s for lo, hi in _PRESENTATION)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One registered actor."""

    id: str
    name: str
    name_ar: str
    category: int
    country: str | None = None
    parent: str | None = None
    ar: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    wikidata: str | None = None
    anaphors: tuple[str, ...] = ()
    source: str = "bundled"

    @property
    def arabic_names(self) -> tuple[str, ...]:
        """The canonical Arabic name followed by the Arabic aliases, without repeats."""
        return tuple(dict.fromkeys((self.name_ar, *self.ar)))

    @property
    def english_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name, *self.en)))

    def actor(self, mention: str | None = None, start: int | None = None, end: int | None = None,
              *, name: str | None = None, category: int | None = None) -> Actor:
        """A :class:`~marsad.model.Actor` for a mention of this entry."""
        return Actor(name=name or self.name, name_ar=self.name_ar, mention=mention,
                     category=category or self.category, id=self.id, country=self.country,
                     registered=True, start=start, end=end)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "name": self.name, "name_ar": self.name_ar, "ar": list(self.ar),
                             "en": list(self.en), "category": self.category, "parent": self.parent,
                             "country": self.country}
        if self.wikidata:
            d["wikidata"] = self.wikidata
        if self.anaphors:
            d["anaphors"] = list(self.anaphors)
        return d


def entry_from_dict(rec: Any, where: str, *, source: str = "bundled") -> ActorEntry:
    """Validate one registry record; raises :class:`ResourceError` saying what is wrong and where."""

    def bad(msg: str) -> ResourceError:
        return ResourceError(f"{where}: {msg}", code="E221")

    if not isinstance(rec, dict):
        raise bad("an actor must be a JSON object")
    unknown = set(rec) - {"id", "name", "name_ar", "ar", "en", "category", "parent", "country", "wikidata",
                          "anaphors"}
    if unknown:
        raise bad(f"unknown field(s) {', '.join(sorted(unknown))}")
    aid = rec.get("id")
    if not isinstance(aid, str) or not _ID_RE.match(aid):
        raise bad(f"id {aid!r} must be 2-64 lower-case letters, digits or '-'")
    name = rec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad(f"actor {aid}: 'name' (canonical English name) is required")
    name_ar = rec.get("name_ar")
    if not isinstance(name_ar, str) or not alias_key(name_ar):
        raise bad(f"actor {aid}: 'name_ar' (canonical Arabic name) is required")
    cat = rec.get("category")
    if isinstance(cat, bool) or not isinstance(cat, int) or cat not in ACTOR_CATEGORIES:
        raise bad(f"actor {aid}: category {cat!r} must be an ACLED inter code 1-8")
    country = rec.get("country")
    if country is not None and (not isinstance(country, str) or not _COUNTRY_RE.match(country)):
        raise bad(f"actor {aid}: country {country!r} must be a 2-letter ISO code in capitals, or null")
    parent = rec.get("parent")
    if parent is not None and (not isinstance(parent, str) or not _ID_RE.match(parent) or parent == aid):
        raise bad(f"actor {aid}: parent {parent!r} must be another actor's id, or null")
    wikidata = rec.get("wikidata")
    if wikidata is not None and (not isinstance(wikidata, str) or not _WIKIDATA_RE.match(wikidata)):
        raise bad(f"actor {aid}: wikidata {wikidata!r} must look like Q12345")
    lists: dict[str, tuple[str, ...]] = {}
    for k in ("ar", "en", "anaphors"):
        v = rec.get(k) or []
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise bad(f"actor {aid}: {k!r} must be a list of non-empty strings")
        lists[k] = tuple(dict.fromkeys(x.strip() for x in v))
    for s in (name_ar, *lists["ar"], *lists["anaphors"]):
        if has_presentation_forms(s):
            raise bad(f"actor {aid}: alias {s!r} uses Arabic presentation forms; type it in normal Arabic letters")
        if not alias_key(s):
            raise bad(f"actor {aid}: alias {s!r} is empty after normalization")
    return ActorEntry(id=aid, name=name.strip(), name_ar=name_ar.strip(), category=cat, country=country,
                      parent=parent, ar=lists["ar"], en=lists["en"], wikidata=wikidata,
                      anaphors=lists["anaphors"], source=source)


def _read_jsonl(path: Path, source: str) -> Iterator[ActorEntry]:
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ResourceError(f"actor file {path} cannot be read ({e.strerror})", code="E222") from e
    except UnicodeDecodeError as e:
        raise ResourceError(f"actor file {path} is not UTF-8 text; convert it to UTF-8", code="E222") from e
    for n, rec in resources.jsonl_records(content, str(path), code="E221"):
        yield entry_from_dict(rec, f"{path.name}:{n}", source=source)


def bundled_files() -> list[Path]:
    """The bundled registry files, in load order."""
    root = resources.ROOT / BUNDLED_DIR
    return sorted(root.glob("*.jsonl"))


def user_file() -> Path:
    """The user's own actor file (it may not exist)."""
    env = os.environ
    return _data_dir(env.get("MARSAD_HOME"), env.get("XDG_DATA_HOME"), env.get("HOME")) / USER_FILE


@lru_cache(maxsize=8)
def _data_dir(marsad_home: str | None, xdg: str | None, home: str | None) -> Path:
    """``paths.data_dir()`` once per setting of the variables it depends on (it is called per resolved phrase)."""
    return paths.data_dir()


@dataclass
class ActorRegistry:
    """Actors by id, with alias lookup and a compiled lexicon of Arabic aliases."""

    entries: dict[str, ActorEntry] = field(default_factory=dict)
    user_path: Path | None = None  # the user file the "user" entries came from
    _by_key: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _lexicon: Lexicon[str] | None = field(default=None, repr=False)

    # ----------------------------------------------------------------- building

    @classmethod
    def from_entries(cls, entries: Iterable[ActorEntry], *, check: bool = True,
                     user_path: Path | None = None) -> ActorRegistry:
        """Build a registry. A later entry with the same id replaces an earlier one (user overrides)."""
        reg = cls(user_path=user_path)
        for e in entries:
            reg.entries[e.id] = e
        if check:
            reg.check()
        for e in reg.entries.values():
            for s in (*e.arabic_names, *e.english_names):
                ids = reg._by_key.setdefault(alias_key(s), [])
                if e.id not in ids:
                    ids.append(e.id)
        return reg

    @classmethod
    def load(cls, user_path: Path | None = None, *, include_user: bool = True) -> ActorRegistry:
        """Load the bundled files, then the user file (``user_path`` or the default) when it exists."""
        entries: list[ActorEntry] = []
        for p in bundled_files():
            entries.extend(_read_jsonl(p, "bundled"))
        up = (user_path or user_file()) if include_user else None
        if up is not None and up.is_file():
            entries.extend(_read_jsonl(up, "user"))
        return cls.from_entries(entries, user_path=up)

    def check(self) -> None:
        """Parents must exist; an Arabic alias must not name two different actors."""
        owner: dict[str, str] = {}
        for e in self.entries.values():
            where = f" (fix {self.user_path or user_file()})" if e.source == "user" else ""
            if e.parent and e.parent not in self.entries:
                raise ResourceError(f"actor {e.id}: parent {e.parent!r} is not a registered actor id{where}",
                                    code="E223")
            for s in e.arabic_names:
                k = alias_key(s)
                other = owner.setdefault(k, e.id)
                if other != e.id:
                    raise ResourceError(
                        f"alias {s!r} names both {other!r} and {e.id!r}; keep it on one actor only{where}",
                        code="E224",
                    )

    # ----------------------------------------------------------------- queries

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self.entries

    def __iter__(self) -> Iterator[ActorEntry]:
        return iter(self.entries.values())

    def get(self, actor_id: str) -> ActorEntry | None:
        return self.entries.get(actor_id)

    def require(self, actor_id: str) -> ActorEntry:
        e = self.entries.get(actor_id)
        if e is None:
            raise InputError(f"no actor with id {actor_id!r}; see `marsad actors list --query NAME`", code="E120")
        return e

    def lookup(self, surface: str) -> list[ActorEntry]:
        """Actors having exactly this name or alias (Arabic or English, after normalization)."""
        return [self.entries[i] for i in self._by_key.get(alias_key(surface), [])]

    def search(self, *, country: str | None = None, category: int | None = None,
               query: str | None = None) -> list[ActorEntry]:
        """Entries filtered by country, category and a query contained in any name or alias."""
        q = alias_key(query) if query else ""
        out = []
        for e in self.entries.values():
            if country and (e.country or "").upper() != country.upper():
                continue
            if category and e.category != category:
                continue
            if q and e.id != q and not any(q in alias_key(s) for s in (*e.arabic_names, *e.english_names)):
                continue
            out.append(e)
        return out

    def ancestors(self, actor_id: str) -> list[ActorEntry]:
        """The chain of umbrella groups above an actor, nearest first."""
        out: list[ActorEntry] = []
        seen = {actor_id}
        e = self.entries.get(actor_id)
        while e and e.parent and e.parent not in seen:
            seen.add(e.parent)
            e = self.entries.get(e.parent)
            if e:
                out.append(e)
        return out

    def alias_count(self) -> int:
        return sum(len(e.arabic_names) + len(e.english_names) for e in self.entries.values())

    def lexicon(self) -> Lexicon[str]:
        """All Arabic names and aliases → actor id, compiled once."""
        if self._lexicon is None:
            lex: Lexicon[str] = Lexicon()
            for e in self.entries.values():
                for s in e.arabic_names:
                    lex.add(s, e.id)
            lex.compile()
            self._lexicon = lex
        return self._lexicon


@lru_cache(maxsize=4)
def _load_cached(user_path: str, mtime_ns: int) -> ActorRegistry:
    return ActorRegistry.load(Path(user_path) if user_path else None, include_user=bool(user_path))


def default_registry() -> ActorRegistry:
    """The bundled registry plus the user's file, loaded once per process (reloaded if the user file changes)."""
    up = user_file()
    try:
        mtime = up.stat().st_mtime_ns
    except OSError:
        return _load_cached("", 0)
    return _load_cached(str(up), mtime)


# --------------------------------------------------------------------------- user additions


def add_user_actor(rec: dict[str, Any], *, replace: bool = False, path: Path | None = None) -> ActorEntry:
    """Validate ``rec`` against the whole registry and append it to the user's actor file.

    Raises :class:`InputError` (exit 2 in the CLI) when the entry is invalid, its id is taken
    (unless ``replace``), its parent is unknown, or one of its Arabic aliases already names
    another actor.
    """
    up = path or user_file()
    try:
        entry = entry_from_dict({k: v for k, v in rec.items() if v not in (None, [], "")}, "new actor",
                                source="user")
    except ResourceError as e:
        raise InputError(e.args[0].replace("new actor: ", ""), code="E121") from e
    current = ActorRegistry.load(up)
    if entry.id in current and not replace:
        raise InputError(
            f"an actor with id {entry.id!r} already exists ({current.entries[entry.id].name}); "
            "choose another --id or pass --replace to override it", code="E122",
        )
    others = dict(current.entries)
    others[entry.id] = entry
    try:
        ActorRegistry.from_entries(others.values(), user_path=up)
    except ResourceError as e:
        raise InputError(e.args[0], code="E123") from e
    up.parent.mkdir(parents=True, exist_ok=True)
    kept: list[str] = []
    if up.is_file():
        for line in up.read_text(encoding="utf-8").splitlines():
            s = line.strip()
            if replace and s and not s.startswith(("#", "//")):
                try:
                    if json.loads(s).get("id") == entry.id:
                        continue
                except (json.JSONDecodeError, AttributeError):
                    pass
            kept.append(line)
    kept.append(json.dumps(entry.to_dict(), ensure_ascii=False))
    up.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return entry
