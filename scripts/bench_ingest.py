#!/usr/bin/env python3
"""Benchmark ``marsad ingest`` on a corpus into SQLite and PostgreSQL, twice each.

    .venv/bin/python scripts/bench_ingest.py [FILES...] [--pg URL] [--jobs N] [--examples K]

Without FILES it reads ../shared/corpus (dev + raw JSONL). For each backend it
ingests into a fresh database, reports documents/s, events stored, merges and
the database size, then ingests the same files again and checks that nothing is
added. ``--pg`` (default ``$MARSAD_TEST_PG``) is a PostgreSQL URL; the
benchmark uses a fresh schema there and drops it afterwards. ``--examples``
prints that many merged events with their sources, for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", ROOT.parent / "shared"))


def ingest(files: list[str], db: str, jobs: int) -> dict:
    cmd = [sys.executable, "-m", "marsad", "ingest", *files, "--db", db, "--json", "-q", "--jobs", str(jobs)]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode not in (0, 2):
        sys.exit(f"ingest failed ({r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout)


def show_examples(db: str, k: int) -> None:
    from marsad.store import EventFilter, open_store

    with open_store(db) as store:
        for se in store.list_events(EventFilter(merged_only=True, limit=k)):
            e = se.event
            print(f"\n## event {se.id}: {e.event_type} / {e.sub_event_type}, {e.date}, "
                  f"{e.location.name if e.location else '?'}, fatalities {e.fatalities}")
            for s in se.sources:
                ev = ", ".join(f"«{x.text}»" for x in s.report.evidence[:3])
                print(f"  - {s.outlet} {s.doc_key} ({s.published}): {s.report.sub_event_type}, "
                      f"{s.report.fatalities} killed; {ev}")
                if s.merge_reason:
                    print(f"    why: {s.merge_reason}")


def run(name: str, files: list[str], db: str, jobs: int) -> dict:
    first = ingest(files, db, jobs)
    second = ingest(files, db, jobs)
    row = {
        "backend": name, "documents_read": first["read"], "stored": first["stored"],
        "docs_per_s": first["docs_per_s"], "seconds": first["seconds"],
        "events": first["database"]["events"], "reports": first["database"]["reports"],
        "merged_events": first["database"]["merged_events"], "merges": first["database"]["merges"],
        "size_mb": round(first["database"]["size_bytes"] / 1e6, 2),
        "second_run_stored": second["stored"], "second_run_duplicates": second["duplicates"],
        "second_run_docs_per_s": second["docs_per_s"],
        "unchanged": {k: v for k, v in second["database"].items() if k != "size_bytes"}
        == {k: v for k, v in first["database"].items() if k != "size_bytes"},
        "errors": first["errors"],
    }
    print(json.dumps(row, ensure_ascii=False))
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--pg", default=os.environ.get("MARSAD_TEST_PG"), help="PostgreSQL URL")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--examples", type=int, default=0)
    args = ap.parse_args()
    files = args.files or [str(SHARED / "corpus" / "dev" / "seed.docs.jsonl"),
                           str(SHARED / "corpus" / "dev" / "articles.docs.jsonl"),
                           str(SHARED / "corpus" / "raw" / "articles.docs.jsonl")]
    missing = [f for f in files if not Path(f).exists()]
    if missing:
        sys.exit(f"not found: {', '.join(missing)} (set MARSAD_SHARED or give FILES)")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite")
        run("sqlite", files, db, args.jobs)
        if args.examples:
            show_examples(db, args.examples)
    if args.pg:
        import psycopg

        schema = "bench_" + uuid.uuid4().hex[:10]
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in args.pg else "?"
        try:
            run("postgres", files, f"{args.pg}{sep}options={quote('-csearch_path=' + schema)}", args.jobs)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as admin:
                admin.execute(f"DROP SCHEMA {schema} CASCADE")
    else:
        print("postgres: skipped (no --pg and no MARSAD_TEST_PG)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
