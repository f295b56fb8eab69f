"""``marsad extract PATH...``: run the pipeline over files and print events."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from typing import TextIO

from marsad.errors import InputError
from marsad.model import Event
from marsad.pipeline import Pipeline, default_pipeline
from marsad.readers import parse_date, read_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="extract events from .txt/.jsonl files or stdin and print them",
        description="Extract coded events from Arabic articles: .txt files (one article each), "
        ".jsonl files in the document format, or - for standard input.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a .txt or .jsonl file, or - for stdin")
    p.add_argument("--published", metavar="DATE", help="publication date (YYYY-MM-DD) for inputs that lack one")
    p.add_argument("--outlet", metavar="NAME", help="outlet name for inputs that lack one")
    p.add_argument("--format", choices=("jsonl", "json", "table"), default="jsonl", help="output format (default jsonl)")
    p.add_argument("--pipeline", metavar="TOML", help="a pipeline config file instead of the bundled default")
    p.add_argument("--background", action="store_true", help="also print events flagged as background (old)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    published = parse_date(args.published, "--published: ")
    pipe = Pipeline.from_config(args.pipeline) if args.pipeline else default_pipeline()
    errors: list[InputError] = []

    def on_error(e: InputError) -> None:
        errors.append(e)
        print(f"marsad: error [{e.code}]: {e.args[0]}", file=sys.stderr)

    events: list[Event] = []
    n_docs = 0
    out = sys.stdout
    for path in args.paths:
        for doc in read_path(path, on_error=on_error, published=published, outlet=args.outlet):
            n_docs += 1
            pipe(doc)
            if n_docs == 1:
                # the first document loads the gazetteer, lexicons and registry: moved to the collector's
                # permanent generation, they are not walked again on every collection (this process is ours)
                gc.collect()
                gc.freeze()
            evs = [e for e in doc.events if args.background or not e.background]
            if args.format == "jsonl":
                for e in evs:
                    out.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
            else:
                events.extend(evs)
    if args.format == "json":
        json.dump([e.to_dict() for e in events], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "table":
        print_table(events, out)
    if errors:
        return 2
    return 0


def print_table(events: list[Event], out: TextIO) -> None:
    cols = ("doc_id", "date", "event_type", "sub_event_type", "actor1", "actor2", "location", "fat")
    rows = []
    for e in events:
        rows.append((
            e.doc_id, e.date.isoformat() if e.date else "", e.event_type, e.sub_event_type,
            e.actor1.name if e.actor1 else "", e.actor2.name if e.actor2 else "",
            e.location.name if e.location else "", str(e.fatalities),
        ))
    widths = [min(40, max([len(c)] + [len(r[i]) for r in rows])) for i, c in enumerate(cols)]
    out.write("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(v[:w].ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n")
    out.write(f"{len(events)} events\n")
