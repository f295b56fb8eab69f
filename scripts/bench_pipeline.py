#!/usr/bin/env python3
"""Per-stage throughput benchmark of the marsad pipeline on the dev and raw corpora.

    .venv/bin/python scripts/bench_pipeline.py [--shared PATH] [--repeat N] [--pipeline TOML] [--corpus NAME]
                                               [--clock wall|cpu] [--gc-freeze]

Warm, single process: stages are built and resources loaded (one untimed pass over
every document) before any timing. Then the corpus is run ``--repeat`` times; in each
pass every stage is timed on every document with ``time.perf_counter`` (``--clock cpu``:
``time.process_time``, the process's own CPU time, steadier on a busy machine). The table gives
per-stage milliseconds per article (best pass and median pass), total articles per
second (best and median) and the peak resident memory (``resource.getrusage``).

Each pass starts from freshly parsed documents, so no stage ever sees its own output.

``--gc-freeze`` moves everything loaded before the timed passes (gazetteer, lexicons, registry) into
the garbage collector's permanent generation (``gc.freeze()``), as a long-running process may do
after building its pipeline: full collections then no longer walk the resources; the line
``garbage collector`` reports the CPU time spent in collections either way.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from marsad.model import Document
from marsad.pipeline import Pipeline, default_pipeline

ROOT = Path(__file__).resolve().parents[1]


def read_records(paths: list[Path]) -> list[dict]:
    """The JSON records of the document files, in order (blank lines skipped)."""
    out: list[dict] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def to_docs(records: list[dict]) -> list[Document]:
    """Fresh :class:`Document` objects (no annotations) for one timed pass."""
    docs = []
    for r in records:
        pub = date.fromisoformat(r["published"][:10]) if r.get("published") else None
        docs.append(Document(id=r["id"], text=r["text"], published=pub, outlet=r.get("outlet")))
    return docs


def one_pass(pipe: Pipeline, records: list[dict], clock: Callable[[], float]) -> tuple[list[float], float]:
    """Run every document through every stage; seconds spent per stage and in total."""
    docs = to_docs(records)
    per_stage = [0.0] * len(pipe.stages)
    gc.collect()
    t_all = clock()
    for doc in docs:
        for i, stage in enumerate(pipe.stages):
            t = clock()
            doc = stage(doc)
            per_stage[i] += clock() - t
    return per_stage, clock() - t_all


class _GcTimer:
    """A ``gc.callbacks`` hook that adds up the CPU time of every collection, and counts them by generation."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.runs = [0, 0, 0]
        self._t = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t = time.process_time()
        else:
            self.seconds += time.process_time() - self._t
            self.runs[info["generation"]] += 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("MARSAD_SHARED", str(ROOT.parent / "shared")),
                    help="the shared data folder (default ../shared or $MARSAD_SHARED)")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over the corpus (default 5)")
    ap.add_argument("--pipeline", help="a pipeline TOML instead of the bundled default")
    ap.add_argument("--corpus", action="append", choices=("dev", "raw"),
                    help="which corpus to run (repeatable; default both)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall: elapsed time (default); cpu: this process's CPU time")
    ap.add_argument("--gc-freeze", action="store_true",
                    help="gc.freeze() after the warm-up: the loaded resources leave the collector's generations")
    a = ap.parse_args()
    if a.repeat < 1:
        print("bench_pipeline.py: --repeat must be at least 1", file=sys.stderr)
        return 2
    shared = Path(a.shared)
    names = a.corpus or ["dev", "raw"]
    paths: list[Path] = []
    for name in names:
        if name == "dev":
            found = sorted((shared / "corpus/dev").glob("*.docs.jsonl"))
        else:
            found = [p for p in [shared / "corpus/raw/articles.docs.jsonl"] if p.is_file()]
        if not found:
            print(f"bench_pipeline.py: no {name} corpus under {shared}/corpus/{name}; pass --shared",
                  file=sys.stderr)
            return 2
        paths.extend(found)
    records = read_records(paths)
    if not records:
        print("bench_pipeline.py: the corpus files hold no documents", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    pipe = Pipeline.from_config(a.pipeline) if a.pipeline else default_pipeline()
    t_build = time.perf_counter() - t0
    for doc in to_docs(records):  # warm-up: load lazy resources, fill caches
        pipe(doc)
    t_warm = time.perf_counter() - t0 - t_build

    n = len(records)
    chars = sum(len(r["text"]) for r in records)
    clock = time.perf_counter if a.clock == "wall" else time.process_time
    if a.gc_freeze:
        gc.collect()
        gc.freeze()
    gc_time = _GcTimer()
    gc.callbacks.append(gc_time)
    passes = [one_pass(pipe, records, clock) for _ in range(a.repeat)]
    gc.callbacks.remove(gc_time)
    totals = [t for _, t in passes]
    names_ = pipe.names
    width = max(len(s) for s in [*names_, "total"])

    print(f"corpus: {', '.join(names)}: {n} articles, {chars / n:.0f} chars/article; {a.repeat} timed passes, {a.clock} clock")
    print(f"build stages: {t_build:.2f} s; warm-up pass: {t_warm:.2f} s")
    print(f"{'stage':<{width}}  {'best ms/art':>11}  {'median ms/art':>13}  {'share':>6}")
    med_total = statistics.median(totals)
    for i, s in enumerate(names_):
        col = [p[0][i] for p in passes]
        best, med = min(col), statistics.median(col)
        print(f"{s:<{width}}  {best / n * 1e3:>11.3f}  {med / n * 1e3:>13.3f}  {med / med_total:>6.1%}")
    print(f"{'total':<{width}}  {min(totals) / n * 1e3:>11.3f}  {med_total / n * 1e3:>13.3f}  {1:>6.0%}")
    print(f"articles/s: best {n / min(totals):.1f}, median {n / med_total:.1f}; "
          f"M chars/s (median): {chars / med_total / 1e6:.2f}")
    print(f"garbage collector: {gc_time.seconds / (n * a.repeat) * 1e3:.3f} ms/art (CPU) in "
          f"{sum(gc_time.runs)} collections (by generation {gc_time.runs}){'; resources frozen' if a.gc_freeze else ''}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS): {peak / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
