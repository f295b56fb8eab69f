"""The FastAPI application: JSON endpoints under ``/api``, the dashboard at ``/``.

Endpoints (all JSON unless noted; errors are ``{"error": {"code": "E…", "message": "…"}}``):

* ``GET  /api/health`` — liveness, version, store backend and schema version
* ``GET  /api/stats`` — counts of the store (documents, events, merges, …)
* ``GET  /api/events`` — events matching the filters of ``marsad events list``
  (``since``, ``until``, ``type``, ``actor``, ``country``, ``admin1``, ``bbox=W,S,E,N``,
  ``text``, ``review``, ``merged``, ``background``), paged by ``limit``/``offset``;
  the total before paging is in the ``X-Total-Count`` header
* ``GET  /api/events/{id}`` — one event with its sources, their evidence and the merge history
* ``POST /api/events/{id}/review`` — ``{"state": "accepted"|"rejected"|"needs-review"|…, "note": …}``
* ``POST /api/events/{id}/unmerge`` — ``{"source_ids": [...]}`` (optional): split sources off
* ``GET  /api/documents/{id}`` — a stored article's text and metadata
* ``POST /api/documents`` — process one article and store it (idempotent on its text)
* ``POST /api/extract`` — process one article and return its events without storing
* ``GET  /api/export?format=acled-csv|geojson|jsonl`` — streamed export of the filtered events
* ``GET  /openapi.json`` and ``GET /docs`` (a self-contained endpoint list, no CDN)

The SQLite connection of the store is shared by the worker threads of the server,
so every store call runs under one lock; the export streams page by page and takes
the lock for one page at a time.
"""

from __future__ import annotations

import hashlib
import io
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.app import App, Config
from marsad.errors import InputError, MarsadError, StoreError
from marsad.export import WRITERS
from marsad.model import Document
from marsad.store import REVIEW_STATES, EventFilter, StoredEvent

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
#: the largest page of ``GET /api/events``
MAX_LIMIT = 10_000
#: the longest article accepted by ``POST /api/extract`` and ``POST /api/documents`` (characters)
MAX_TEXT = 1_000_000
#: review states the API accepts besides the store's own; ``needs-review`` puts an event back in the queue
REVIEW_ALIASES = {"needs-review": "unreviewed"}
MEDIA_TYPES = {"acled-csv": ("text/csv; charset=utf-8", "csv"),
               "geojson": ("application/geo+json", "geojson"),
               "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl")}

T = TypeVar("T")


# --------------------------------------------------------------------------- request bodies


class ReviewBody(BaseModel):
    """The body of ``POST /api/events/{id}/review``."""

    state: str = Field(description="accepted, rejected, needs-review (= unreviewed) or edited")
    note: str | None = Field(default=None, max_length=10_000)
    reviewer: str | None = Field(default=None, max_length=200)


class UnmergeBody(BaseModel):
    """The body of ``POST /api/events/{id}/unmerge``; without ``source_ids`` every source but the first is split."""

    source_ids: list[int] | None = None


class ArticleBody(BaseModel):
    """One article, as in the document format (only ``text`` is required)."""

    text: str = Field(description="the article text, exactly as published")
    id: str | None = Field(default=None, max_length=500, description="default: derived from the text")
    published: str | None = Field(default=None, description="publication date YYYY-MM-DD")
    outlet: str | None = Field(default=None, max_length=500)
    title: str | None = Field(default=None, max_length=2_000)
    url: str | None = Field(default=None, max_length=4_000)


# --------------------------------------------------------------------------- helpers


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def status_of(err: MarsadError) -> int:
    """The HTTP status of a marsad error: 404 unknown id, 409 a state conflict, 422 bad input, 503 busy."""
    if err.code == "E310":
        return 404
    if err.code in ("E311", "E312", "E313"):
        return 409
    if err.code == "E306":
        return 503
    if isinstance(err, InputError):
        return 422
    return 500


def parse_day(value: str | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` query value; bad ones raise :class:`InputError` (→ 422)."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as e:
        raise InputError(f"{name}={value!r} is not a date; use YYYY-MM-DD", code="E130") from e


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``W,S,E,N`` in degrees; bad ones raise :class:`InputError` (→ 422)."""
    if not value:
        return None
    try:
        parts = [float(x) for x in value.split(",")]
    except ValueError as e:
        raise InputError("bbox must be four numbers MIN_LON,MIN_LAT,MAX_LON,MAX_LAT", code="E111") from e
    if len(parts) != 4:
        raise InputError("bbox must be four numbers MIN_LON,MIN_LAT,MAX_LON,MAX_LAT", code="E111")
    return parts[0], parts[1], parts[2], parts[3]


def review_state(value: str) -> str:
    """The store's review state for an API state (``needs-review`` is ``unreviewed``)."""
    state = REVIEW_ALIASES.get(value, value)
    if state not in REVIEW_STATES:
        known = ", ".join((*REVIEW_STATES, *REVIEW_ALIASES))
        raise InputError(f"review state {value!r} is unknown; use one of {known}", code="E112")
    return state


def event_summary(se: StoredEvent) -> dict[str, Any]:
    """An event in the event format plus its id, review state and number of sources (no source details)."""
    d = se.event.to_dict()
    d["id"] = se.id
    d["review_state"] = se.review_state
    d["n_sources"] = len(se.sources)
    d["updated_at"] = se.updated_at
    return d


def event_detail(se: StoredEvent, history: list[dict[str, Any]]) -> dict[str, Any]:
    """An event with every source (document id, outlet, its own record's evidence) and its merge history."""
    d = se.to_dict()
    d["n_sources"] = len(se.sources)
    d["history"] = history
    return d


def doc_from_body(body: ArticleBody) -> Document:
    """A :class:`Document` from a request body; an article without an id gets one from its text."""
    if not body.text.strip():
        raise InputError("the field 'text' is empty; send the article text", code="E105")
    if len(body.text) > MAX_TEXT:
        raise InputError(f"the text has {len(body.text)} characters; the API takes at most {MAX_TEXT} "
                         "(use `marsad ingest` for larger files)", code="E131")
    published = parse_day(body.published, "published")
    doc_id = body.id or "api-" + hashlib.sha256(body.text.encode("utf-8")).hexdigest()[:16]
    return Document(id=doc_id, text=body.text, published=published, outlet=body.outlet, url=body.url,
                    title=body.title)


def event_filter(
    since: Annotated[str | None, Query(description="events on or after (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, Query(description="events on or before (YYYY-MM-DD)")] = None,
    type: Annotated[str | None, Query(description="event type or sub-event type")] = None,
    actor: Annotated[str | None, Query(description="part of an actor's name, English or Arabic")] = None,
    country: Annotated[str | None, Query(description="ISO alpha-2 country code")] = None,
    admin1: Annotated[str | None, Query(description="first-level unit as stored")] = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat")] = None,
    text: Annotated[str | None, Query(description="words in a source article or the notes")] = None,
    review: Annotated[str | None, Query(description="review state")] = None,
    merged: Annotated[bool, Query(description="only events merged from several sources")] = False,
    background: Annotated[bool, Query(description="include background (old) events")] = True,
) -> EventFilter:
    """The event filters shared by ``/api/events`` and ``/api/export`` (a FastAPI dependency)."""
    flt = EventFilter(
        since=parse_day(since, "since"), until=parse_day(until, "until"), event_type=type or None,
        actor=actor or None, country=country or None, admin1=admin1 or None, bbox=parse_bbox(bbox),
        text=text or None, review_state=review_state(review) if review else None, merged_only=merged,
        include_background=background,
    )
    flt.validate()
    return flt


def _version() -> str:
    try:
        return metadata.version("marsad")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


class _QueueText(io.TextIOBase):
    """A text stream that hands what is written to a queue in chunks (for streaming a push-style writer)."""

    CHUNK = 64 * 1024

    def __init__(self, q: queue.Queue[str | BaseException | None], cancelled: threading.Event) -> None:
        self.q = q
        self.cancelled = cancelled
        self.buf: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.buf.append(s)
        self.size += len(s)
        if self.size >= self.CHUNK:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self.buf:
            self.put("".join(self.buf))
            self.buf, self.size = [], 0

    def put(self, item: str | BaseException | None) -> None:
        while not self.cancelled.is_set():
            try:
                self.q.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _Cancelled


class _Cancelled(Exception):
    """The client went away during a streamed export."""


# --------------------------------------------------------------------------- the app


class Service:
    """The application object behind the API, with the lock that serialises store access."""

    def __init__(self, app: App, owned: bool) -> None:
        self.app = app
        self.owned = owned
        self.lock = threading.RLock()

    def call(self, fn: Callable[[], T]) -> T:
        with self.lock:
            return fn()

    def locked_iter(self, it: Iterator[T]) -> Iterator[T]:
        """Items of a store iterator, taking the lock for each step only (the iterator pages by id)."""
        while True:
            with self.lock:
                try:
                    item = next(it)
                except StopIteration:
                    return
            yield item

    def stream(self, fmt: str, flt: EventFilter) -> Iterator[str]:
        """The export in ``fmt`` as text chunks, produced by a writer thread."""
        q: queue.Queue[str | BaseException | None] = queue.Queue(maxsize=8)
        cancelled = threading.Event()
        out = _QueueText(q, cancelled)

        def produce() -> None:
            try:
                WRITERS[fmt](self.locked_iter(self.app.store.iter_events(flt)), out)
                out.flush()
                out.put(None)
            except _Cancelled:
                return
            except BaseException as e:  # handed to the consumer, which ends the response
                try:
                    out.put(e)
                except _Cancelled:
                    return

        worker = threading.Thread(target=produce, name="marsad-export", daemon=True)
        worker.start()
        try:
            while True:
                item = q.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            cancelled.set()


def create_app(app: App | None = None, *, db: str | None = None) -> FastAPI:
    """The FastAPI app over ``app`` (or a new :class:`App` on ``db``, closed when the server stops)."""
    owned = app is None
    service = Service(app if app is not None else App(Config.from_env(db=db)), owned)
    service.app.store  # noqa: B018 - open (and migrate) the store now, once, before requests run in threads

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        yield
        if service.owned:
            with service.lock:
                service.app.close()

    api = FastAPI(title="marsad", version=_version(), lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Structured conflict events extracted from Arabic news reports.")
    api.state.service = service

    # ---- writes only from this server's own pages (a web page elsewhere cannot review or unmerge)
    @api.middleware("http")
    async def same_origin_writes(request: Request, call_next: Callable[[Request], Any]) -> Any:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
                return _error(403, "E136", f"requests that change data must come from this server's own pages, "
                              f"not from {origin}")
        return await call_next(request)

    # ---- errors: always JSON, never a traceback
    @api.exception_handler(MarsadError)
    async def marsad_error(_: Request, exc: MarsadError) -> JSONResponse:
        return _error(status_of(exc), exc.code, str(exc.args[0]))

    @api.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
            parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
        return _error(422, "E130", "; ".join(parts) + " (see /docs for the parameters)")

    @api.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return _error(404, "E132", "no such endpoint; see /docs for the list")
        if exc.status_code == 405:
            return _error(405, "E133", "method not allowed on this endpoint; see /docs")
        return _error(exc.status_code, f"E{exc.status_code}", str(exc.detail))

    @api.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        return _error(500, "E199", f"internal error ({type(exc).__name__}); please report it with the request")

    def get_event(event_id: int) -> StoredEvent:
        se = service.call(lambda: service.app.store.get_event(event_id))
        if se is None:
            raise StoreError(f"event {event_id} does not exist; list events with GET /api/events", code="E310")
        return se

    # ---- endpoints
    @api.get("/api/health", tags=["meta"], summary="liveness and versions")
    def health() -> dict[str, Any]:
        store = service.app.store
        return {"status": "ok", "version": _version(), "backend": store.backend,
                "schema_version": service.call(store.schema_version)}

    @api.get("/api/stats", tags=["meta"], summary="counts of the store")
    def stats() -> dict[str, Any]:
        return service.call(service.app.store.stats)

    @api.get("/api/events", tags=["events"], summary="events matching filters (paged; total in X-Total-Count)",
             response_model=list[dict[str, Any]])
    def list_events(flt: Annotated[EventFilter, Depends(event_filter)],
                    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT, description="page size")] = 100,
                    offset: Annotated[int, Query(ge=0, description="events to skip")] = 0) -> JSONResponse:
        page = EventFilter(**{**_fields(flt), "limit": limit, "offset": offset})

        def run() -> tuple[int, list[StoredEvent]]:
            return service.app.store.count_events(flt), service.app.store.list_events(page)

        total, events = service.call(run)
        # a JSONResponse skips FastAPI's re-validation of the (already plain) dicts: pages can be large
        return JSONResponse([event_summary(se) for se in events], headers={"X-Total-Count": str(total)})

    @api.get("/api/events/{event_id}", tags=["events"], summary="one event with sources, evidence and history")
    def show_event(event_id: int) -> dict[str, Any]:
        se = get_event(event_id)
        history = service.call(lambda: service.app.store.merge_history(event_id))
        return event_detail(se, history)

    @api.post("/api/events/{event_id}/review", tags=["events"], summary="set an event's review state")
    def review_event(event_id: int, body: ReviewBody) -> dict[str, Any]:
        state = review_state(body.state)
        service.call(lambda: service.app.store.set_review(event_id, state, body.note, body.reviewer))
        se = get_event(event_id)
        return event_detail(se, service.call(lambda: service.app.store.merge_history(event_id)))

    @api.post("/api/events/{event_id}/unmerge", tags=["events"], summary="split sources off a merged event")
    def unmerge_event(event_id: int, body: Annotated[UnmergeBody | None, Body()] = None) -> dict[str, Any]:
        ids = body.source_ids if body else None
        new_ids = service.call(lambda: service.app.store.unmerge(event_id, ids))
        return {"event_id": event_id, "new_event_ids": new_ids}

    @api.get("/api/documents/{document_id}", tags=["documents"], summary="a stored article's text and metadata")
    def show_document(document_id: int) -> dict[str, Any]:
        doc = service.call(lambda: service.app.store.get_document(document_id))
        if doc is None:
            raise StoreError(f"document {document_id} does not exist; document ids are in an event's sources",
                             code="E310")
        return {**doc.to_dict(), "document_id": document_id}

    @api.post("/api/documents", tags=["documents"], status_code=201,
              summary="process one article and store it with its events")
    def add_document(body: ArticleBody, response: Response) -> dict[str, Any]:
        doc = doc_from_body(body)

        def run() -> dict[str, Any]:
            service.app.pipeline(doc)
            res = service.app.store.add_document(doc, source_path="api", dedup=service.app.config.dedup)
            return {"document_id": res.document_id, "doc_id": doc.id, "new": res.new, "event_ids": res.event_ids,
                    "merged": res.merged}

        out = service.call(run)
        if not out["new"]:
            response.status_code = 200
        return out

    @api.post("/api/extract", tags=["documents"], summary="process one article and return its events (not stored)")
    def extract(body: ArticleBody) -> dict[str, Any]:
        doc = doc_from_body(body)
        service.call(lambda: service.app.pipeline(doc))
        return {"doc_id": doc.id, "events": [e.to_dict() for e in doc.events]}

    @api.get("/api/export", tags=["events"], summary="streamed export of the filtered events")
    def export(flt: Annotated[EventFilter, Depends(event_filter)],
               format: Annotated[str, Query(description="acled-csv, geojson or jsonl")],
               limit: Annotated[int | None, Query(ge=0, description="at most this many events")] = None,
               ) -> StreamingResponse:
        if format not in WRITERS:
            raise InputError(f"format {format!r} is unknown; use one of {', '.join(WRITERS)}", code="E130")
        flt.limit = limit
        media, ext = MEDIA_TYPES[format]
        return StreamingResponse(service.stream(format, flt), media_type=media,
                                 headers={"Content-Disposition": f'attachment; filename="marsad-events.{ext}"'})

    # ---- docs and dashboard
    @api.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(WEB_DIR / "docs.html", media_type="text/html; charset=utf-8")

    @api.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse((WEB_DIR / "index.html").read_text(encoding="utf-8"))

    api.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return api


def _fields(flt: EventFilter) -> dict[str, Any]:
    return {name: getattr(flt, name) for name in EventFilter.__dataclass_fields__}
