"""The event store: documents, spans, events with their sources, merges and review state.

Open one with :func:`open_store`::

    with open_store() as store:                  # the user's SQLite file
        store.add_document(doc)                  # one transaction per document
        for ev in store.list_events(EventFilter(country="SY")):
            ...

``url`` is a file path (SQLite) or a ``postgresql://`` URL; without one, the
environment variable ``MARSAD_DB`` is used, else ``data_dir()/marsad.sqlite``.
"""

from __future__ import annotations

import os
from pathlib import Path

from marsad.paths import data_dir
from marsad.store.base import (
    REVIEW_STATES,
    AddResult,
    EventFilter,
    Source,
    Store,
    StoredEvent,
    content_hash,
)

__all__ = ["REVIEW_STATES", "AddResult", "EventFilter", "Source", "Store", "StoredEvent", "content_hash",
           "default_db", "open_store"]


def default_db() -> str:
    """The database used when none is given: ``$MARSAD_DB``, else ``data_dir()/marsad.sqlite``."""
    return os.environ.get("MARSAD_DB") or str(data_dir() / "marsad.sqlite")


def open_store(url: str | Path | None = None) -> Store:
    """Open (creating and migrating when needed) the store at ``url``."""
    target = str(url) if url else default_db()
    if target.startswith(("postgresql://", "postgres://")):
        from marsad.store.postgres import PostgresStore

        return PostgresStore(target)
    if "://" in target:
        from marsad.errors import StoreError

        raise StoreError(f"unsupported database URL {target.split('://')[0]}://...; give a file path (SQLite) "
                         "or a postgresql:// URL", code="E300")
    from marsad.store.sqlite import SQLiteStore

    return SQLiteStore(target)
