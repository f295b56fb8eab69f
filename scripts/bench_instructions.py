#!/usr/bin/env python3
"""Instruction count of one warm pipeline pass (valgrind's callgrind): a timing that a busy machine cannot blur.

    .venv/bin/python scripts/bench_instructions.py [--shared PATH] [--corpus dev|raw] [--pipeline TOML]
                                                   [--out FILE] [--gc-freeze]

The script runs itself under ``valgrind --tool=callgrind`` with collection switched off; inside, it builds
the pipeline, runs every document once untimed (resources loaded, caches filled), then runs every document
again inside ``functools.reduce`` — the one C function callgrind is told to collect under
(``--toggle-collect=functools_reduce``), so start-up, imports and the warm-up pass are not counted.
It prints the instructions of that pass in total and per article. Expect it to take about 50 times as long
as the pass itself. The callgrind profile is kept (``--out``) for ``callgrind_annotate``.

Compare two versions by running each on the same corpus: the counts repeat to within a few parts per
million, whatever else the machine is doing (CPU time does not: it moves by 10-30 % on a shared machine).
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CHILD = "MARSAD_BENCH_INSTRUCTIONS_CHILD"


def _paths(shared: Path, names: list[str]) -> list[Path]:
    out: list[Path] = []
    for name in names:
        if name == "dev":
            out.extend(sorted((shared / "corpus/dev").glob("*.docs.jsonl")))
        else:
            out.extend(p for p in [shared / "corpus/raw/articles.docs.jsonl"] if p.is_file())
    return out


def child(a: argparse.Namespace) -> int:
    """Inside valgrind: warm up, then one pass under ``functools.reduce`` (the collected region)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_pipeline import read_records, to_docs  # a sibling script, not a package

    from marsad.pipeline import Pipeline, default_pipeline

    records = read_records(_paths(Path(a.shared), a.corpus or ["dev", "raw"]))
    pipe = Pipeline.from_config(a.pipeline) if a.pipeline else default_pipeline()
    for doc in to_docs(records):
        pipe(doc)
    docs = to_docs(records)
    gc.collect()
    if a.gc_freeze:
        gc.freeze()

    if a.per_stage:
        # stage by stage over all documents: one collected region (one callgrind dump) per stage
        for stage in pipe.stages:
            def run_stage(_acc: None, _item: int, stage: object = stage) -> None:
                for doc in docs:
                    stage(doc)  # type: ignore[operator]

            functools.reduce(run_stage, [0], None)
        print(f"stages: {' '.join(pipe.names)}")
    else:
        def run(_acc: None, _item: int) -> None:
            for doc in docs:
                pipe(doc)

        functools.reduce(run, [0], None)
    print(f"articles: {len(docs)}")
    return 0


def _dump_total(path: Path) -> int:
    """The event total of one callgrind dump file (its ``totals:``/``summary:`` line)."""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("MARSAD_SHARED", str(ROOT.parent / "shared")),
                    help="the shared data folder (default ../shared or $MARSAD_SHARED)")
    ap.add_argument("--corpus", action="append", choices=("dev", "raw"),
                    help="which corpus to run (repeatable; default both)")
    ap.add_argument("--pipeline", help="a pipeline TOML instead of the bundled default")
    ap.add_argument("--out", help="where to keep the callgrind profile (default: a temporary file, removed)")
    ap.add_argument("--gc-freeze", action="store_true", help="gc.freeze() after the warm-up (see bench_pipeline.py)")
    ap.add_argument("--per-stage", action="store_true",
                    help="run each stage over all documents in turn and count each stage apart")
    a = ap.parse_args()
    if os.environ.get(_CHILD):
        return child(a)
    if not _paths(Path(a.shared), a.corpus or ["dev", "raw"]):
        print(f"bench_instructions.py: no corpus under {a.shared}/corpus; pass --shared", file=sys.stderr)
        return 2
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("bench_instructions.py: valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = a.out or str(Path(tmp) / "callgrind.out")
        cmd = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", "--collect-atstart=no",
               "--toggle-collect=functools_reduce", sys.executable, __file__, *sys.argv[1:]]
        if a.per_stage:
            cmd[2:2] = ["--dump-after=functools_reduce"]  # one profile file per stage
        env = {**os.environ, _CHILD: "1"}
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stdout + proc.stderr, file=sys.stderr)
            return 1
        got = re.search(r"Collected : (\d+)", proc.stderr)
        n = re.search(r"articles: (\d+)", proc.stdout)
        if not got or not n:
            print("bench_instructions.py: callgrind reported no count:\n" + proc.stderr[-2000:], file=sys.stderr)
            return 1
        total, arts = int(got.group(1)), int(n.group(1))
        print(f"corpus: {', '.join(a.corpus or ['dev', 'raw'])}: {arts} articles; one warm pass"
              f"{' (resources frozen)' if a.gc_freeze else ''}")
        if a.per_stage:
            names = re.search(r"stages: (.*)", proc.stdout)
            dumps = sorted(Path(out).parent.glob(Path(out).name + ".*"), key=lambda p: int(p.suffix[1:]))
            counts = [_dump_total(p) for p in dumps]
            for name, c in zip(names.group(1).split() if names else [], counts, strict=False):
                print(f"  {name:<10} {c / arts / 1e6:8.2f} M instructions per article")
        print(f"instructions: {total:,} in total, {total / arts / 1e6:.2f} M per article")
        if a.out:
            print(f"profile: {out} (callgrind_annotate {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
