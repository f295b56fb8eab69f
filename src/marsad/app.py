"""The application object: configuration + pipeline + store, shared by the CLI, the API, the web app and batch.

Everything that turns articles into stored events goes through one :class:`App`,
so the entry points cannot drift apart::

    with App(Config(db="events.sqlite")) as app:
        report = app.ingest(["articles/"])
        for ev in app.store.list_events(EventFilter(country="SY")):
            ...

The pipeline and the store are opened lazily, on first use.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from marsad.dedup import DEFAULT_RULES, DedupRules
from marsad.errors import InputError
from marsad.ingest import IngestReport, ingest
from marsad.pipeline import Pipeline, default_pipeline
from marsad.store import Store, default_db, open_store


@dataclass(slots=True)
class Config:
    """Settings of one application: where the store is, which pipeline runs, how reports are merged.

    ``db`` is a SQLite file path or a ``postgresql://`` URL (default: ``$MARSAD_DB``,
    else ``data_dir()/marsad.sqlite``); ``pipeline`` a pipeline TOML file (default:
    the bundled pipeline); ``jobs`` the number of processes running the pipeline
    during ingest (default ``$MARSAD_JOBS`` or 1).
    """

    db: str | None = None
    pipeline: str | Path | None = None
    dedup: bool = True
    rules: DedupRules = field(default_factory=lambda: DEFAULT_RULES)
    jobs: int = 1

    @classmethod
    def from_env(cls, **overrides: object) -> Config:
        """A config from the environment (``MARSAD_DB``, ``MARSAD_JOBS``) with explicit overrides on top."""
        cfg = cls()
        jobs = os.environ.get("MARSAD_JOBS")
        if jobs:
            try:
                cfg.jobs = int(jobs)
            except ValueError as e:
                raise InputError(f"MARSAD_JOBS={jobs!r} is not a number of processes", code="E113") from e
        for k, v in overrides.items():
            if v is not None:
                setattr(cfg, k, v)
        return cfg

    @property
    def db_url(self) -> str:
        return self.db or default_db()


class App:
    """Config + pipeline + store. Use as a context manager, or call :meth:`close`."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config.from_env()

    @cached_property
    def pipeline(self) -> Pipeline:
        if self.config.pipeline:
            return Pipeline.from_config(self.config.pipeline)
        return default_pipeline()

    @cached_property
    def store(self) -> Store:
        store = open_store(self.config.db_url)
        store.rules = self.config.rules
        return store

    def ingest(self, paths: Iterable[str] = (), feeds: Iterable[str] = (), *, published: date | None = None,
               outlet: str | None = None, on_error: Callable[[InputError], None] | None = None,
               on_progress: Callable[[IngestReport], None] | None = None) -> IngestReport:
        """Read, process and store articles (see :func:`marsad.ingest.ingest`)."""
        return ingest(self.store, self.pipeline, paths, feeds, published=published, outlet=outlet,
                      dedup=self.config.dedup, jobs=self.config.jobs, on_error=on_error, on_progress=on_progress,
                      pipeline_config=self.config.pipeline)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
