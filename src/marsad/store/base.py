"""The store interface and its SQL implementation shared by the SQLite and PostgreSQL backends.

A backend supplies a DB-API-like connection, its transaction discipline and its
migration folder; everything else (documents, spans, events, sources, merges,
reviews, queries) is written once here in portable SQL with ``?`` placeholders
(the PostgreSQL backend rewrites them to ``%s``).

Writes happen one document at a time in one transaction (:meth:`Store.add_document`):
the document, its spans, its events and their merges are committed together or
not at all, so an interrupted ingest never leaves half a document behind.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from marsad.dedup import DEFAULT_RULES, DedupRules, actor_key, combine, same_incident
from marsad.errors import InputError, StoreError
from marsad.model import Actor, Document, Event, Place
from marsad.text import fold

#: at most this many stored events are compared with a new report (the oldest first)
MAX_CANDIDATES = 200
REVIEW_STATES = ("unreviewed", "accepted", "rejected", "edited")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def content_hash(text: str) -> str:
    """The identity of an article: SHA-256 of its text with runs of whitespace collapsed."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def iso(value: Any) -> str | None:
    """A date/datetime column value (a str from SQLite, a date from PostgreSQL) as ISO text."""
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def as_date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class Source:
    """One report of an event: the document it came from, its own record and evidence, why it was merged."""

    id: int
    document_id: int
    doc_key: str
    outlet: str | None
    url: str | None
    title: str | None
    published: date | None
    report: Event
    merge_reason: str | None = None
    merged_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_id": self.id, "document_id": self.document_id, "doc_id": self.doc_key, "outlet": self.outlet,
            "url": self.url, "title": self.title, "published": iso(self.published),
            "fatalities": self.report.fatalities, "date": iso(self.report.date),
            "evidence": [e.to_dict() for e in self.report.evidence],
            "merge_reason": self.merge_reason, "merged_at": self.merged_at,
        }


@dataclass(slots=True)
class StoredEvent:
    """An event as stored: its merged record, every source, its review state."""

    id: int
    event: Event
    sources: list[Source] = field(default_factory=list)
    review_state: str = "unreviewed"
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def merged(self) -> bool:
        return len(self.sources) > 1

    def to_dict(self) -> dict[str, Any]:
        d = self.event.to_dict()
        d["id"] = self.id
        d["review_state"] = self.review_state
        d["sources"] = [s.to_dict() for s in self.sources]
        d["updated_at"] = self.updated_at
        return d


@dataclass(slots=True)
class AddResult:
    """What :meth:`Store.add_document` did: ``new`` is False when the same text was already stored."""

    document_id: int | None
    new: bool
    event_ids: list[int] = field(default_factory=list)
    merged: int = 0


@dataclass(slots=True)
class EventFilter:
    """Filters of :meth:`Store.list_events`; every given filter must hold.

    ``bbox`` is (min_lon, min_lat, max_lon, max_lat), the GeoJSON order.
    ``event_type`` matches the type or the sub-type; ``actor`` matches part of
    an actor's English or Arabic name (either side); ``text`` matches part of a
    source document's text or the notes.
    """

    since: date | None = None
    until: date | None = None
    event_type: str | None = None
    actor: str | None = None
    country: str | None = None
    admin1: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None
    review_state: str | None = None
    include_background: bool = True
    merged_only: bool = False
    limit: int | None = None
    offset: int = 0

    def validate(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise InputError(f"--since {self.since} is after --until {self.until}; swap them", code="E110")
        if self.bbox:
            lo_lon, lo_lat, hi_lon, hi_lat = self.bbox
            if not (-180 <= lo_lon <= 180 and -180 <= hi_lon <= 180 and -90 <= lo_lat <= hi_lat <= 90):
                raise InputError("--bbox must be MIN_LON,MIN_LAT,MAX_LON,MAX_LAT in degrees, south below north",
                                 code="E111")
        if self.review_state and self.review_state not in REVIEW_STATES:
            raise InputError(f"review state {self.review_state!r} is unknown; use one of {', '.join(REVIEW_STATES)}",
                             code="E112")
        if self.limit is not None and self.limit < 0:
            raise InputError("--limit must be 0 or more", code="E113")


# --------------------------------------------------------------------------- interface


class Store(ABC):
    """The event store. Open one with :func:`marsad.store.open_store`; use it as a context manager."""

    url: str
    backend: str
    #: the merge rule applied by :meth:`add_document`
    rules: DedupRules = DEFAULT_RULES

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def has_document(self, chash: str) -> bool: ...

    @abstractmethod
    def known_hashes(self) -> set[str]: ...

    @abstractmethod
    def add_document(self, doc: Document, *, source_path: str | None = None, dedup: bool = True) -> AddResult: ...

    @abstractmethod
    def get_document(self, document_id: int) -> Document | None: ...

    @abstractmethod
    def get_event(self, event_id: int) -> StoredEvent | None: ...

    @abstractmethod
    def list_events(self, flt: EventFilter | None = None) -> list[StoredEvent]: ...

    @abstractmethod
    def iter_events(self, flt: EventFilter | None = None, page: int = 1000) -> Iterator[StoredEvent]: ...

    @abstractmethod
    def count_events(self, flt: EventFilter | None = None) -> int: ...

    @abstractmethod
    def merge_history(self, event_id: int) -> list[dict[str, Any]]: ...

    @abstractmethod
    def unmerge(self, event_id: int, source_ids: Sequence[int] | None = None) -> list[int]: ...

    @abstractmethod
    def set_review(self, event_id: int, state: str, note: str | None = None, reviewer: str | None = None) -> None: ...

    @abstractmethod
    def stats(self) -> dict[str, Any]: ...


# --------------------------------------------------------------------------- SQL implementation

_EVENT_COLS = (
    "event_type", "sub_event_type", "disorder_type", "event_date", "time_precision", "actor1_id", "actor2_id",
    "actor1_name", "actor2_name", "place_id", "location_name", "country", "admin1", "admin2", "admin3",
    "latitude", "longitude", "geo_precision", "fatalities", "injuries", "source", "attribution", "notes",
    "confidence", "background", "record", "n_sources", "updated_at",
)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _actor_row_key(a: Actor) -> str:
    return a.id or "name:" + fold(a.name or a.name_ar or a.mention or "?").lower()


def _place_row_key(p: Place) -> str:
    return p.id or f"{fold(p.name or p.name_ar or '?')}@{p.latitude:.4f},{p.longitude:.4f}"


class SQLStore(Store):
    """The shared SQL implementation; subclasses provide the connection and transactions."""

    #: placeholder of the driver ("?" for sqlite3, "%s" for psycopg)
    placeholder = "?"

    def __init__(self) -> None:
        self._sql_cache: dict[str, str] = {}
        #: ids of actor/place rows known to be committed (rows are never deleted), and those of the open transaction
        self._row_ids: dict[tuple[str, str], int] = {}
        self._new_row_ids: dict[tuple[str, str], int] = {}
        #: how many write transactions are open (nested ones join the outermost)
        self._depth = 0

    # ---- backend hooks
    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    @abstractmethod
    def _executemany(self, sql: str, rows: list[Sequence[Any]]) -> None: ...

    @abstractmethod
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """The outermost write transaction; only one runs at a time across processes."""

    @contextmanager
    def _write(self) -> Iterator[None]:
        """A write transaction; a nested call joins the one already open."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._transaction():
            self._depth = 1
            try:
                yield
            finally:
                self._depth = 0

    @contextmanager
    def _read(self) -> Iterator[None]:
        """A read snapshot (default: nothing special)."""
        yield

    @contextmanager
    def _tracked_write(self) -> Iterator[None]:
        """A write transaction that remembers the actor/place row ids it created once it commits."""
        self._new_row_ids = {}
        try:
            with self._write():
                yield
        except BaseException:
            self._new_row_ids = {}
            raise
        self._row_ids.update(self._new_row_ids)
        self._new_row_ids = {}

    def _document_transaction(self) -> None:
        """Called at the start of each :meth:`add_document` transaction (backend-specific settings)."""

    def _sql(self, sql: str) -> str:
        if self.placeholder == "?":
            return sql
        out = self._sql_cache.get(sql)
        if out is None:
            out = self._sql_cache[sql] = sql.replace("?", self.placeholder)
        return out

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._execute(sql, params).fetchone()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self._execute(sql, params).fetchall())

    # ---- documents
    def schema_version(self) -> int:
        row = self._one("SELECT MAX(version) FROM schema_migrations")
        return int(row[0] or 0)

    def has_document(self, chash: str) -> bool:
        return self._one("SELECT 1 FROM documents WHERE content_hash = ?", (chash,)) is not None

    def known_hashes(self) -> set[str]:
        return {r[0] for r in self._all("SELECT content_hash FROM documents")}

    def add_document(self, doc: Document, *, source_path: str | None = None, dedup: bool = True) -> AddResult:
        """Store one processed document with its spans and events, merging events with other outlets' reports.

        All or nothing: one transaction. Returns ``new=False`` (and changes nothing) when a document
        with the same text is already stored.
        """
        chash = content_hash(doc.text)
        ts = now()
        with self._tracked_write():
            self._document_transaction()
            row = self._one(
                "INSERT INTO documents (content_hash, doc_key, outlet, url, title, published, text, source_path,"
                " n_events, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (content_hash) DO NOTHING RETURNING id",
                (chash, doc.id, doc.outlet, doc.url, doc.title, iso(doc.published), doc.text, source_path,
                 len(doc.events), ts),
            )
            if row is None:
                return AddResult(None, False)
            doc_id = int(row[0])
            spans = [(doc_id, "entity", e.start, e.end, e.label, e.text, e.key, e.source) for e in doc.entities]
            spans += [(doc_id, "place", p.start, p.end, "LOC", p.text, p.place.id if p.place else None, p.modifier)
                      for p in doc.places]
            spans += [(doc_id, "date", d.start, d.end, "DATE", d.text, iso(d.value), None) for d in doc.dates]
            if spans:
                self._executemany(
                    "INSERT INTO spans (document_id, kind, start_pos, end_pos, label, text, key, source)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", spans)
            result = AddResult(doc_id, True)
            for idx, ev in enumerate(doc.events):
                report = ev if ev.source or not doc.outlet else replace(ev, source=doc.outlet)
                target, reason = (self._find_same(report, doc.outlet) if dedup else (None, None))
                src_vals = (doc_id, idx, _dumps(report.to_dict()), _dumps([e.to_dict() for e in report.evidence]),
                            report.fatalities)
                if target is None:
                    eid = self._insert_event(report, ts)
                    self._one("INSERT INTO event_sources (event_id, document_id, idx, record, evidence, fatalities)"
                              " VALUES (?, ?, ?, ?, ?, ?) RETURNING id", (eid, *src_vals))
                else:
                    eid = target
                    srow = self._one(
                        "INSERT INTO event_sources (event_id, document_id, idx, record, evidence, fatalities,"
                        " merge_reason, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        (eid, *src_vals, reason, ts))
                    self._execute("INSERT INTO merge_log (event_id, source_id, action, detail, at)"
                                  " VALUES (?, ?, 'merge', ?, ?)", (eid, int(srow[0]), reason, ts))
                    self._refresh_event(eid, ts)
                    result.merged += 1
                result.event_ids.append(eid)
            return result

    def get_document(self, document_id: int) -> Document | None:
        row = self._one("SELECT doc_key, text, published, outlet, url, title FROM documents WHERE id = ?",
                        (document_id,))
        if row is None:
            return None
        return Document(id=row[0], text=row[1], published=as_date(row[2]), outlet=row[3], url=row[4], title=row[5])

    # ---- events: writing
    def _known_row(self, table: str, key: str) -> int | None:
        return self._row_ids.get((table, key)) or self._new_row_ids.get((table, key))

    def _upsert_actor(self, a: Actor | None) -> int | None:
        if a is None or actor_key(a) is None:
            return None
        key = _actor_row_key(a)
        known = self._known_row("actors", key)
        if known is not None:
            return known
        row = self._one(
            "INSERT INTO actors (key, name, name_ar, category, country) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id",
            (key, a.name or a.name_ar or "?", a.name_ar, a.category, a.country))
        self._new_row_ids["actors", key] = int(row[0])
        return int(row[0])

    def _upsert_place(self, p: Place | None) -> int | None:
        if p is None:
            return None
        key = _place_row_key(p)
        known = self._known_row("places", key)
        if known is not None:
            return known
        row = self._one(
            "INSERT INTO places (key, name, name_ar, country, admin1, admin2, admin3, latitude, longitude,"
            " geo_precision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id",
            (key, p.name or p.name_ar or "?", p.name_ar, p.country, p.admin1, p.admin2, p.admin3,
             p.latitude, p.longitude, p.geo_precision))
        self._new_row_ids["places", key] = int(row[0])
        return int(row[0])

    def _event_values(self, ev: Event, n_sources: int, ts: str) -> tuple[Any, ...]:
        loc = ev.location
        return (
            ev.event_type, ev.sub_event_type, ev.disorder_type, iso(ev.date), ev.time_precision,
            self._upsert_actor(ev.actor1), self._upsert_actor(ev.actor2),
            ev.actor1.name if ev.actor1 else None, ev.actor2.name if ev.actor2 else None,
            self._upsert_place(loc), loc.name if loc else None, loc.country if loc else None,
            loc.admin1 if loc else None, loc.admin2 if loc else None, loc.admin3 if loc else None,
            loc.latitude if loc else None, loc.longitude if loc else None, loc.geo_precision if loc else None,
            ev.fatalities, ev.injuries, ev.source, ev.attribution, ev.notes or "", float(ev.confidence),
            int(ev.background), _dumps(ev.to_dict()), n_sources, ts,
        )

    def _insert_event(self, ev: Event, ts: str) -> int:
        cols = ", ".join((*_EVENT_COLS, "created_at"))
        marks = ", ".join("?" * (len(_EVENT_COLS) + 1))
        row = self._one(f"INSERT INTO events ({cols}) VALUES ({marks}) RETURNING id",
                        (*self._event_values(ev, 1, ts), ts))
        return int(row[0])

    def _source_reports(self, event_id: int) -> list[tuple[Event, str | None]]:
        rows = self._all("SELECT s.record, d.outlet FROM event_sources s JOIN documents d ON d.id = s.document_id"
                         " WHERE s.event_id = ? ORDER BY s.id", (event_id,))
        return [(Event.from_dict(json.loads(r[0])), r[1]) for r in rows]

    def _refresh_event(self, event_id: int, ts: str) -> None:
        """Recompute an event's merged record from its sources."""
        reports = self._source_reports(event_id)
        merged = combine([r for r, _ in reports], [o for _, o in reports])
        sets = ", ".join(f"{c} = ?" for c in _EVENT_COLS)
        self._execute(f"UPDATE events SET {sets} WHERE id = ?",
                      (*self._event_values(merged, len(reports), ts), event_id))

    def _find_same(self, report: Event, outlet: str | None) -> tuple[int | None, str | None]:
        """The stored event this report describes, if any, with the reason."""
        loc = report.location
        if report.date is None or loc is None:
            return None, None
        lo_lat, lo_lon, hi_lat, hi_lon = self.rules.search_box(loc.latitude, loc.longitude)
        days = self.rules.max_days
        lo_d = date.fromordinal(report.date.toordinal() - days).isoformat()
        hi_d = date.fromordinal(report.date.toordinal() + days).isoformat()
        sql = ("SELECT e.id, e.record FROM events e WHERE e.event_type = ? AND e.event_date BETWEEN ? AND ?"
               " AND e.latitude BETWEEN ? AND ? AND e.longitude BETWEEN ? AND ?")
        params: list[Any] = [report.event_type, lo_d, hi_d, lo_lat, hi_lat, lo_lon, hi_lon]
        if outlet and self.rules.require_distinct_outlets:  # an outlet's own reports are never merged
            sql += (" AND NOT EXISTS (SELECT 1 FROM event_sources s JOIN documents d ON d.id = s.document_id"
                    " WHERE s.event_id = e.id AND d.outlet = ?)")
            params.append(outlet)
        rows = self._all(sql + " ORDER BY e.id LIMIT ?", [*params, MAX_CANDIDATES])
        if not rows:
            return None, None
        outlets: dict[int, set[str]] = {int(r[0]): set() for r in rows}
        marks = ", ".join("?" * len(outlets))
        for eid, name in self._all(
                "SELECT DISTINCT s.event_id, d.outlet FROM event_sources s JOIN documents d ON d.id = s.document_id"
                f" WHERE s.event_id IN ({marks}) AND d.outlet IS NOT NULL", list(outlets)):
            outlets[int(eid)].add(name)
        for eid, record in rows:
            existing = Event.from_dict(json.loads(record))
            decision = same_incident(existing, outlets[int(eid)], report, outlet, self.rules)
            if decision.merge:
                return int(eid), decision.explanation
        return None, None

    def unmerge(self, event_id: int, source_ids: Sequence[int] | None = None) -> list[int]:
        """Split sources off a merged event, each into an event of its own; returns the new event ids.

        Without ``source_ids`` every source but the first is split off. The first source
        cannot be split off (it *is* the event); unmerge the others instead.
        """
        ts = now()
        with self._tracked_write():
            rows = self._all("SELECT id FROM event_sources WHERE event_id = ? ORDER BY id", (event_id,))
            if not rows:
                raise StoreError(f"event {event_id} does not exist; list events with `marsad events list`",
                                 code="E310")
            ids = [int(r[0]) for r in rows]
            if len(ids) == 1:
                raise StoreError(f"event {event_id} has a single source; there is nothing to unmerge", code="E311")
            wanted = list(ids[1:]) if not source_ids else [int(s) for s in source_ids]
            for sid in wanted:
                if sid not in ids:
                    raise StoreError(f"source {sid} is not a source of event {event_id}; "
                                     f"its sources are {', '.join(map(str, ids))}", code="E312")
                if sid == ids[0]:
                    raise StoreError(f"source {sid} is the first report of event {event_id} and cannot be split "
                                     "off; unmerge the other sources instead", code="E313")
            new_ids: list[int] = []
            for sid in wanted:
                record = self._one("SELECT record FROM event_sources WHERE id = ?", (sid,))[0]
                new_id = self._insert_event(Event.from_dict(json.loads(record)), ts)
                self._execute("UPDATE event_sources SET event_id = ?, merge_reason = NULL, merged_at = NULL"
                              " WHERE id = ?", (new_id, sid))
                detail = f"source {sid} split off event {event_id} into event {new_id}"
                self._execute("INSERT INTO merge_log (event_id, source_id, action, detail, at)"
                              " VALUES (?, ?, 'unmerge', ?, ?)", (event_id, sid, detail, ts))
                self._execute("INSERT INTO merge_log (event_id, source_id, action, detail, at)"
                              " VALUES (?, ?, 'unmerge', ?, ?)", (new_id, sid, detail, ts))
                new_ids.append(new_id)
            self._refresh_event(event_id, ts)
            return new_ids

    def set_review(self, event_id: int, state: str, note: str | None = None, reviewer: str | None = None) -> None:
        if state not in REVIEW_STATES:
            raise InputError(f"review state {state!r} is unknown; use one of {', '.join(REVIEW_STATES)}",
                             code="E112")
        ts = now()
        with self._write():
            if self._one("SELECT 1 FROM events WHERE id = ?", (event_id,)) is None:
                raise StoreError(f"event {event_id} does not exist; list events with `marsad events list`",
                                 code="E310")
            self._execute("UPDATE events SET review_state = ?, updated_at = ? WHERE id = ?", (state, ts, event_id))
            self._execute("INSERT INTO reviews (event_id, state, note, reviewer, at) VALUES (?, ?, ?, ?, ?)",
                          (event_id, state, note, reviewer, ts))

    # ---- events: reading
    def _where(self, flt: EventFilter) -> tuple[str, list[Any]]:
        flt.validate()
        cond: list[str] = []
        params: list[Any] = []
        if flt.since:
            cond.append("e.event_date >= ?")
            params.append(flt.since.isoformat())
        if flt.until:
            cond.append("e.event_date <= ?")
            params.append(flt.until.isoformat())
        if flt.event_type:
            cond.append("(e.event_type = ? OR e.sub_event_type = ?)")
            params += [flt.event_type, flt.event_type]
        if flt.actor:
            like = f"%{flt.actor}%"
            cond.append("(e.actor1_name LIKE ? OR e.actor2_name LIKE ? OR EXISTS (SELECT 1 FROM actors a"
                        " WHERE a.id IN (e.actor1_id, e.actor2_id) AND (a.name LIKE ? OR a.name_ar LIKE ?)))")
            params += [like, like, like, like]
        if flt.country:
            cond.append("e.country = ?")
            params.append(flt.country.upper())
        if flt.admin1:
            cond.append("e.admin1 = ?")
            params.append(flt.admin1)
        if flt.bbox:
            lo_lon, lo_lat, hi_lon, hi_lat = flt.bbox
            cond.append("e.latitude BETWEEN ? AND ?")
            params += [lo_lat, hi_lat]
            if lo_lon <= hi_lon:
                cond.append("e.longitude BETWEEN ? AND ?")
                params += [lo_lon, hi_lon]
            else:  # crosses the antimeridian
                cond.append("(e.longitude >= ? OR e.longitude <= ?)")
                params += [lo_lon, hi_lon]
        if flt.text:
            like = f"%{flt.text}%"
            cond.append("(e.notes LIKE ? OR EXISTS (SELECT 1 FROM event_sources s JOIN documents d"
                        " ON d.id = s.document_id WHERE s.event_id = e.id AND d.text LIKE ?))")
            params += [like, like]
        if flt.review_state:
            cond.append("e.review_state = ?")
            params.append(flt.review_state)
        if not flt.include_background:
            cond.append("e.background = 0")
        if flt.merged_only:
            cond.append("e.n_sources > 1")
        cond.append("EXISTS (SELECT 1 FROM event_sources s0 WHERE s0.event_id = e.id)")
        return " WHERE " + " AND ".join(cond), params

    def count_events(self, flt: EventFilter | None = None) -> int:
        where, params = self._where(flt or EventFilter())
        return int(self._one(f"SELECT COUNT(*) FROM events e{where}", params)[0])

    def list_events(self, flt: EventFilter | None = None) -> list[StoredEvent]:
        flt = flt or EventFilter()
        where, params = self._where(flt)
        sql = f"SELECT e.id, e.record, e.review_state, e.created_at, e.updated_at FROM events e{where} ORDER BY e.id"
        if flt.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [flt.limit, flt.offset]
        with self._read():
            rows = self._all(sql, params)
            return self._hydrate(rows)

    def iter_events(self, flt: EventFilter | None = None, page: int = 1000) -> Iterator[StoredEvent]:
        """Like :meth:`list_events` but page by page (memory stays flat on large exports); ignores offset."""
        flt = flt or EventFilter()
        where, params = self._where(flt)
        left = flt.limit
        last = 0
        while left is None or left > 0:
            n = page if left is None else min(page, left)
            rows = self._all("SELECT e.id, e.record, e.review_state, e.created_at, e.updated_at FROM events e"
                             f"{where} AND e.id > ? ORDER BY e.id LIMIT ?", [*params, last, n])
            if not rows:
                return
            batch = self._hydrate(rows)
            yield from batch
            last = batch[-1].id
            if left is not None:
                left -= len(batch)
            if len(rows) < n:
                return

    def get_event(self, event_id: int) -> StoredEvent | None:
        with self._read():
            rows = self._all("SELECT e.id, e.record, e.review_state, e.created_at, e.updated_at FROM events e"
                             " WHERE e.id = ?", (event_id,))
            found = self._hydrate(rows)
        return found[0] if found and found[0].sources else None

    def _hydrate(self, rows: list[Any]) -> list[StoredEvent]:
        out: dict[int, StoredEvent] = {}
        for eid, record, review, created, updated in rows:
            ev = Event.from_dict(json.loads(record))
            ev.id = str(eid)
            out[int(eid)] = StoredEvent(int(eid), ev, [], review, iso(created), iso(updated))
        ids = list(out)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._all(
                "SELECT s.id, s.event_id, s.document_id, d.doc_key, d.outlet, d.url, d.title, d.published, s.record,"
                " s.merge_reason, s.merged_at FROM event_sources s JOIN documents d ON d.id = s.document_id"
                f" WHERE s.event_id IN ({marks}) ORDER BY s.event_id, s.id", chunk):
                sid, eid, did, key, outlet, url, title, pub, record, reason, merged_at = row
                out[int(eid)].sources.append(Source(int(sid), int(did), key, outlet, url, title, as_date(pub),
                                                    Event.from_dict(json.loads(record)), reason, iso(merged_at)))
        return list(out.values())

    def merge_history(self, event_id: int) -> list[dict[str, Any]]:
        rows = self._all("SELECT action, source_id, detail, at FROM merge_log WHERE event_id = ? ORDER BY id",
                         (event_id,))
        return [{"action": a, "source_id": s, "detail": d, "at": iso(t)} for a, s, d, t in rows]

    def stats(self) -> dict[str, Any]:
        q = {
            "documents": "SELECT COUNT(*) FROM documents",
            "events": "SELECT COUNT(*) FROM events e WHERE EXISTS (SELECT 1 FROM event_sources s WHERE s.event_id = e.id)",
            "reports": "SELECT COUNT(*) FROM event_sources",
            "merged_events": "SELECT COUNT(*) FROM events WHERE n_sources > 1",
            "merges": "SELECT COUNT(*) FROM event_sources WHERE merge_reason IS NOT NULL",
            "spans": "SELECT COUNT(*) FROM spans",
            "actors": "SELECT COUNT(*) FROM actors",
            "places": "SELECT COUNT(*) FROM places",
        }
        out: dict[str, Any] = {k: int(self._one(v)[0]) for k, v in q.items()}
        out["backend"] = self.backend
        out["schema_version"] = self.schema_version()
        out["size_bytes"] = self.size_bytes()
        return out

    @abstractmethod
    def size_bytes(self) -> int: ...


# --------------------------------------------------------------------------- migrations


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def migrations_for(backend: str) -> list[Migration]:
    """The versioned SQL files of one backend (``NNNN_name.sql``), in order."""
    out = []
    for p in sorted((MIGRATIONS / backend).glob("*.sql")):
        num, _, name = p.stem.partition("_")
        out.append(Migration(int(num), name, p.read_text(encoding="utf-8")))
    if [m.version for m in out] != list(range(1, len(out) + 1)):
        raise StoreError(f"the {backend} migrations are not numbered 1..N; reinstall marsad", code="E305")
    return out


def check_applied(applied: dict[int, str], known: list[Migration], url: str) -> list[Migration]:
    """The migrations still to apply; raises when the database is newer or was migrated differently."""
    by_version = {m.version: m for m in known}
    newest = max(applied, default=0)
    if newest > len(known):
        raise StoreError(f"the database {url} has schema version {newest} but this marsad knows only up to "
                         f"{len(known)}; upgrade marsad", code="E303")
    for v, checksum in applied.items():
        if by_version[v].checksum != checksum:
            raise StoreError(f"migration {v} of {url} was applied from a different file than this marsad ships; "
                             "the database was changed by another version: back it up and re-create it", code="E304")
    return [m for m in known if m.version not in applied]


def split_sql(script: str) -> list[str]:
    """Split a SQL script into complete statements (SQLite's own notion of completeness)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        if not buf and line.lstrip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
