"""``marsad export --format acled-csv|geojson|jsonl``: write stored events for other tools."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from marsad.app import App, Config
from marsad.commands.events import add_db_arg, add_filter_args, filter_from_args
from marsad.errors import InputError
from marsad.export import WRITERS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export stored events as ACLED CSV, GeoJSON or JSON Lines",
        description="Write the stored events (optionally filtered) in ACLED's CSV layout, as a GeoJSON "
        "FeatureCollection (RFC 7946) or as JSON Lines with every source.")
    p.add_argument("--format", required=True, choices=tuple(WRITERS), help="output format")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N events")
    add_db_arg(p)
    add_filter_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    flt = filter_from_args(args)
    writer = WRITERS[args.format]
    with App(Config.from_env(db=args.db)) as app:
        events = app.store.iter_events(flt)
        if args.output:
            out_path = Path(args.output)
            if out_path.is_dir():
                raise InputError(f"--output {out_path} is a folder; give a file name", code="E114")
            tmp = out_path.with_name(out_path.name + ".part")
            try:
                with tmp.open("w", encoding="utf-8", newline="") as out:
                    n = writer(events, out)
            except OSError as e:
                raise InputError(f"--output {out_path}: cannot write ({e.strerror})", code="E114") from e
            tmp.replace(out_path)
            print(f"exported {n} events to {out_path}", file=sys.stderr)
        else:
            writer(events, sys.stdout)
    return 0
