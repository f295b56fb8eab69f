"""``marsad batch INPUT... --out DIR``: extract events on Apache Spark (the same pipeline as ``marsad extract``)."""

from __future__ import annotations

import argparse
import json
import sys

from marsad.batch import FORMATS, SUMMARY_FILE, run_batch


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="extract events from many files on Apache Spark into a folder (needs marsad[spark] and Java)",
        description="Run the extraction pipeline on Apache Spark over .jsonl/.txt files and folders of them, "
        "and write the events (JSONL part files or Parquet) and _SUMMARY.json into a folder. "
        "Bad lines and files are counted and reported, not fatal.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="a .jsonl/.txt/.html/.csv file, a folder of them, or a URI Spark can read (hdfs://…)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (must not exist unless --overwrite)")
    p.add_argument("--master", default="local[*]", metavar="URL",
                   help="Spark master (default local[*]: all cores of this machine)")
    p.add_argument("--partitions", type=int, metavar="N",
                   help="tasks running the pipeline and output files (default twice the Spark parallelism)")
    p.add_argument("--pipeline", metavar="TOML", help="a pipeline config file instead of the bundled default")
    p.add_argument("--format", choices=FORMATS, default="jsonl", help="output format (default jsonl)")
    p.add_argument("--overwrite", action="store_true", help="replace the output folder when it exists")
    p.add_argument("--published", metavar="DATE", help="publication date (YYYY-MM-DD) for inputs that lack one")
    p.add_argument("--outlet", metavar="NAME", help="outlet name for inputs that lack one")
    p.add_argument("--background", action="store_true", help="also write events flagged as background (old)")
    p.add_argument("--dedup", action="store_true",
                   help="merge reports of one incident by different outlets (the rule of marsad ingest)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    summary = run_batch(args.inputs, args.out, master=args.master, partitions=args.partitions,
                        pipeline=args.pipeline, fmt=args.format, overwrite=args.overwrite,
                        published=args.published, outlet=args.outlet, background=args.background,
                        dedup=args.dedup)
    failed = summary["documents_failed"]
    merged = f" ({summary['merged_reports']} reports merged)" if args.dedup else ""
    print(f"marsad batch: {summary['documents_read']} documents, {summary['events_written']} events{merged}, "
          f"{failed} problems in {summary['seconds']:.1f} s ({summary['articles_per_s']:.1f} articles/s) "
          f"→ {args.out} (see {SUMMARY_FILE})", file=sys.stderr)
    for line in summary["failure_examples"]:
        print(f"  {line}", file=sys.stderr)
    if failed > len(summary["failure_examples"]):
        print(f"  … {failed - len(summary['failure_examples'])} more; counts by code: "
              f"{json.dumps(summary['failures_by_code'])}", file=sys.stderr)
    return 2 if failed else 0
