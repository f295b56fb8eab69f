"""The SQLite backend: one file, WAL journal, one writer at a time (``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from marsad.errors import StoreError
from marsad.store.base import SQLStore, check_applied, migrations_for, now, split_sql

#: seconds a writer waits for another process's write transaction before giving up
BUSY_TIMEOUT = 60.0


class SQLiteStore(SQLStore):
    """A store in one SQLite file; migrations are applied when it is opened."""

    backend = "sqlite"

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path).expanduser()
        self.url = str(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as e:
            if "not a database" in str(e) or "malformed" in str(e):
                raise StoreError(f"{self.path} is not a marsad database or is damaged ({e}); "
                                 "pass another file with --db", code="E302") from e
            raise StoreError(f"cannot open the database {self.path} ({e}); check the path and its permissions, "
                             "or pass another one with --db", code="E301") from e
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the database {self.path} ({e}); check the path and its permissions, "
                             "or pass another one with --db", code="E301") from e
        try:
            self.migrate()
        except sqlite3.DatabaseError as e:
            self.conn.close()
            raise StoreError(f"{self.path} is not a marsad database or is damaged ({e}); "
                             "pass another file with --db", code="E302") from e

    def close(self) -> None:
        self.conn.close()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, params)

    def _executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise StoreError(f"the database {self.path} is locked by another writer ({e}); "
                             "wait for the other marsad process to finish", code="E306") from e
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[None]:
        if self._depth:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def migrate(self) -> list[int]:
        """Apply the missing migrations in one write transaction; returns the versions applied."""
        known = migrations_for("sqlite")
        with self._write():
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                              " name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)")
            applied = {int(v): c for v, c in self.conn.execute("SELECT version, checksum FROM schema_migrations")}
            todo = check_applied(applied, known, self.url)
            for m in todo:
                for stmt in split_sql(m.sql):
                    self.conn.execute(stmt)
                self.conn.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                                  " VALUES (?, ?, ?, ?)", (m.version, m.name, m.checksum, now()))
        return [m.version for m in todo]

    def size_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                total += p.stat().st_size
        return total

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (e.g. before copying the database)."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
