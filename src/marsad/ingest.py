"""Ingest: read articles from files, folders and feeds, run the pipeline, store documents and events.

* **Idempotent** — an article whose text (whitespace aside) is already stored is
  skipped before the pipeline runs: ingesting the same files twice adds nothing.
* **Resumable** — each document is stored with its spans and events in one
  transaction, so an interrupted run (Ctrl-C, a killed process) leaves no half
  document, and re-running the same command continues where it stopped.
* **Nothing lost** — unreadable files and bad lines are reported through
  ``on_error`` and in :attr:`IngestReport.errors`, and the rest goes on; a
  pipeline failure on one article is reported the same way.

With ``jobs > 1`` the pipeline runs in worker processes while this process,
the only writer, stores the results in input order.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from marsad.errors import InputError, MarsadError
from marsad.model import Document
from marsad.pipeline import Pipeline, default_pipeline
from marsad.readers import read_path, read_url, walk
from marsad.store import Store, content_hash


@dataclass(slots=True)
class IngestReport:
    """Counts of one ingest run (updated as it goes, for progress display)."""

    sources_total: int = 0
    sources_done: int = 0
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    events: int = 0
    merges: int = 0
    errors: list[InputError] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    elapsed: float = 0.0
    interrupted: bool = False
    current: str = ""

    @property
    def docs_per_s(self) -> float:
        dt = self.elapsed or (time.perf_counter() - self.started)
        return self.read / dt if dt > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"sources": self.sources_total, "read": self.read, "stored": self.stored,
                "duplicates": self.duplicates, "events": self.events, "merges": self.merges,
                "errors": [f"[{e.code}] {e.args[0]}" for e in self.errors], "seconds": round(self.elapsed, 3),
                "docs_per_s": round(self.docs_per_s, 1), "interrupted": self.interrupted}


def iter_documents(paths: Iterable[str], feeds: Iterable[str], report: IngestReport,
                   on_error: Callable[[InputError], None], *, published: date | None = None,
                   outlet: str | None = None) -> Iterator[tuple[str, Document]]:
    """(source, document) pairs from files, folders (recursively) and feed URLs, in order."""
    files = list(walk(paths, on_error=on_error))
    feed_list = list(feeds)
    report.sources_total = len(files) + len(feed_list)
    for f in files:
        report.current = f
        for doc in read_path(f, on_error=on_error, published=published, outlet=outlet):
            yield f, doc
        report.sources_done += 1
    for url in feed_list:
        report.current = url
        for doc in read_url(url, on_error=on_error, published=published, outlet=outlet):
            yield url, doc
        report.sources_done += 1


# --------------------------------------------------------------------------- pipeline workers

_WORKER_PIPE: Pipeline | None = None


def _init_worker(pipeline_config: str | None) -> None:
    global _WORKER_PIPE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _WORKER_PIPE = Pipeline.from_config(pipeline_config) if pipeline_config else default_pipeline()


def _lighten(doc: Document) -> Document:
    """Drop what the store does not keep (the normalized text and tokens) before crossing processes."""
    doc.norm = None
    doc.tokens = []
    return doc


def _run_one(pipe: Pipeline, source: str, doc: Document) -> tuple[str, Document | None, str | None]:
    try:
        return source, pipe(doc), None
    except MarsadError as e:
        return source, None, f"{source}: document {doc.id}: {e.args[0]}"
    except Exception as e:  # a stage bug on one article must not stop the rest; it is reported
        return source, None, f"{source}: document {doc.id}: the pipeline failed ({type(e).__name__}: {e})"


def _work(item: tuple[str, Document]) -> tuple[str, Document | None, str | None]:
    assert _WORKER_PIPE is not None
    source, doc, err = _run_one(_WORKER_PIPE, *item)
    return source, _lighten(doc) if doc is not None else None, err


# --------------------------------------------------------------------------- ingest


@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold back SIGINT/SIGTERM while a document is written, then stop (as KeyboardInterrupt) after it.

    A database driver interrupted in the middle of a statement can be left unusable;
    holding the signal for the few milliseconds of one transaction keeps every
    write whole. Outside the main thread (where handlers cannot be set) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    old = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    if caught:
        raise KeyboardInterrupt


def ingest(store: Store, pipeline: Pipeline, paths: Iterable[str] = (), feeds: Iterable[str] = (), *,
           published: date | None = None, outlet: str | None = None, dedup: bool = True, jobs: int = 1,
           on_error: Callable[[InputError], None] | None = None,
           on_progress: Callable[[IngestReport], None] | None = None,
           pipeline_config: str | Path | None = None) -> IngestReport:
    """Ingest files, folders and feeds into ``store``; returns the counts.

    A KeyboardInterrupt stops the run between documents (the document being stored
    is rolled back) and returns the report with ``interrupted=True``.
    """
    report = IngestReport()

    def error(e: InputError) -> None:
        report.errors.append(e)
        if on_error:
            on_error(e)

    known = store.known_hashes()

    def fresh() -> Iterator[tuple[str, Document]]:
        for source, doc in iter_documents(paths, feeds, report, error, published=published, outlet=outlet):
            report.read += 1
            h = content_hash(doc.text)
            if h in known:
                report.duplicates += 1
                if on_progress:
                    on_progress(report)
                continue
            known.add(h)
            yield source, doc

    def save(source: str, doc: Document | None, err: str | None) -> None:
        if err is not None or doc is None:
            error(InputError(err or f"{source}: the pipeline returned nothing", code="E109"))
        else:
            with deferred_interrupts():
                res = store.add_document(doc, source_path=source, dedup=dedup)
            if res.new:
                report.stored += 1
                report.events += len(res.event_ids) - res.merged
                report.merges += res.merged
            else:
                report.duplicates += 1
        if on_progress:
            on_progress(report)

    pool = None
    try:
        if jobs > 1:
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            cfg = str(pipeline_config) if pipeline_config else None
            pool = ctx.Pool(jobs, initializer=_init_worker, initargs=(cfg,))
            for result in pool.imap(_work, fresh(), chunksize=4):
                save(*result)
        else:
            for source, doc in fresh():
                save(*_run_one(pipeline, source, doc))
    except KeyboardInterrupt:
        report.interrupted = True
        if pool is not None:
            pool.terminate()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        report.elapsed = time.perf_counter() - report.started
    return report
