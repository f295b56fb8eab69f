"""The PostgreSQL backend (psycopg 3): ``postgresql://user@host:port/db`` URLs.

Writes serialize on a transaction-level advisory lock, so several ingest
processes may share a database and deduplication still sees every committed
event; migrations take another advisory lock, so concurrent first opens apply
them once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from marsad.errors import StoreError
from marsad.store.base import SQLStore, check_applied, migrations_for, now

WRITE_LOCK = 0x6D61_7273  # "mars"
MIGRATE_LOCK = 0x6D61_7274


def redact(url: str) -> str:
    """The URL with any password replaced by ``***``."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


class PostgresStore(SQLStore):
    """A store in a PostgreSQL database; migrations are applied when it is opened."""

    backend = "postgres"
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        super().__init__()
        try:
            import psycopg
        except ImportError as e:  # pragma: no cover - psycopg is a declared extra
            raise StoreError("PostgreSQL needs psycopg: pip install 'marsad[postgres]'", code="E307") from e
        self._psycopg = psycopg
        self.url = redact(url)
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise StoreError(f"cannot connect to PostgreSQL at {self.url} ({msg}); check that the server runs "
                             "and the URL is right (postgresql://USER@HOST:PORT/DB)", code="E301") from e
        self.migrate()

    def close(self) -> None:
        self.conn.close()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self._sql(sql), params or None)

    def _executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield

    def _document_transaction(self) -> None:
        # An ingested document may skip the wait for its commit to reach the disk: the commit stays
        # atomic (never half a document), and the few documents a server crash could drop are simply
        # ingested again by the next run, which skips what is stored. Reviews and unmerges keep the
        # server's default, durable commits.
        self.conn.execute("SET LOCAL synchronous_commit = off")

    @contextmanager
    def _read(self) -> Iterator[None]:
        if self._depth:
            yield
            return
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield

    def migrate(self) -> list[int]:
        """Apply the missing migrations in one transaction under an advisory lock; returns the versions applied."""
        known = migrations_for("postgres")
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                              " name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)")
            applied = {int(v): c for v, c in self.conn.execute("SELECT version, checksum FROM schema_migrations")}
            todo = check_applied(applied, known, self.url)
            for m in todo:
                self.conn.execute(m.sql.encode("utf-8"))
                self.conn.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                                  " VALUES (%s, %s, %s, %s)", (m.version, m.name, m.checksum, now()))
        return [m.version for m in todo]

    def size_bytes(self) -> int:
        """Bytes of marsad's tables in the current schema, with their indexes and TOAST data."""
        row = self.conn.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')").fetchone()
        return int(row[0])
