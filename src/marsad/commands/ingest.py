"""``marsad ingest PATH... [--feed URL]``: read, extract and store articles in the event database."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from types import FrameType

from marsad.app import App, Config
from marsad.errors import InputError
from marsad.ingest import IngestReport
from marsad.readers import parse_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="extract events from files, folders and feeds and store them in the database",
        description="Read articles (.txt, .html/.htm, .jsonl, .csv with a text column, RSS/Atom .xml; folders are "
        "read recursively; --feed reads an RSS/Atom URL), run the pipeline and store documents and events. "
        "Articles already stored (same text) are skipped, so re-running an interrupted ingest continues it. "
        "Events reported by several outlets are merged into one event with all its sources.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="a file or folder to read")
    p.add_argument("--feed", action="append", default=[], metavar="URL",
                   help="an RSS/Atom feed URL (http://, https:// or file://); may be repeated")
    add_db_arg(p)
    p.add_argument("--published", metavar="DATE", help="publication date (YYYY-MM-DD) for inputs that lack one")
    p.add_argument("--outlet", metavar="NAME", help="outlet name for inputs that lack one")
    p.add_argument("--pipeline", metavar="TOML", help="a pipeline config file instead of the bundled default")
    p.add_argument("--no-dedup", action="store_true", help="store every report as its own event (no merging)")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="processes running the pipeline (default $MARSAD_JOBS or 1)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def add_db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH|URL",
                   help="SQLite file or postgresql:// URL (default $MARSAD_DB, else the user data folder)")


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    if not args.paths and not args.feed:
        raise InputError("give at least one PATH or --feed URL to ingest", code="E100")
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be 1 or more", code="E113")
    published = parse_date(args.published, "--published: ")
    cfg = Config.from_env(db=args.db, pipeline=args.pipeline, jobs=args.jobs)
    cfg.dedup = not args.no_dedup
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _ingest(args, cfg, published)
    finally:
        signal.signal(signal.SIGTERM, previous)  # a caller's own handler (e.g. a test runner's) comes back


def _ingest(args: argparse.Namespace, cfg: Config, published: object) -> int:
    with App(cfg) as app:
        app.pipeline  # noqa: B018 - build the pipeline (and report config errors) before opening the store
        store = app.store
        show = not args.quiet and sys.stderr.isatty()
        if show:
            report = _with_progress(app, args, published)
        else:
            report = app.ingest(args.paths, args.feed, published=published, outlet=args.outlet)
        stats = store.stats()
    if args.json:
        print(json.dumps({**report.to_dict(), "database": {"url": store.url, **stats}}, ensure_ascii=False))
    else:
        print_summary(report, stats, store.url)
    if report.interrupted:
        return 130
    return 2 if report.errors else 0


def _with_progress(app: App, args: argparse.Namespace, published: object) -> IngestReport:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("sources"),
               TextColumn("{task.fields[docs]} docs · {task.fields[rate]:.0f} docs/s · {task.fields[events]} events"
                          " · {task.fields[merges]} merges · {task.fields[errors]} errors"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("ingest", total=None, docs=0, rate=0.0, events=0, merges=0, errors=0)

        def on_progress(r: IngestReport) -> None:
            progress.update(task, total=r.sources_total or None, completed=r.sources_done, docs=r.read,
                            rate=r.docs_per_s, events=r.events, merges=r.merges, errors=len(r.errors))

        def on_error(e: InputError) -> None:
            progress.console.print(f"[yellow]skipped[/yellow] [{e.code}] {e.args[0]}", markup=True, highlight=False)

        report = app.ingest(args.paths, args.feed, published=published, outlet=args.outlet,  # type: ignore[arg-type]
                            on_error=on_error, on_progress=on_progress)
        on_progress(report)
    return report


def print_summary(report: IngestReport, stats: dict[str, object], url: str) -> None:
    state = "interrupted" if report.interrupted else "done"
    print(f"ingest {state}: {report.read} documents read in {report.elapsed:.1f} s "
          f"({report.docs_per_s:.0f} docs/s)")
    print(f"  stored {report.stored} new documents, skipped {report.duplicates} already stored")
    print(f"  {report.events} new events, {report.merges} reports merged into events of other outlets")
    print(f"  database {url}: {stats['documents']} documents, {stats['events']} events "
          f"({stats['merged_events']} merged), {int(stats['size_bytes']) / 1e6:.1f} MB")  # type: ignore[call-overload]
    if report.errors:
        print(f"  {len(report.errors)} problems (skipped, nothing else lost):")
        for e in report.errors:
            print(f"    [{e.code}] {e.args[0]}")
    if report.interrupted:
        print("  run the same command again to continue where it stopped")
