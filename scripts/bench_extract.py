#!/usr/bin/env python3
"""Throughput of the full marsad pipeline: articles per second on the dev and raw corpora, and peak memory.

    .venv/bin/python scripts/bench_extract.py [--shared PATH] [--repeat N] [--pipeline TOML]

Resource loading (first document) is timed separately from the steady state.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

from marsad.model import Document
from marsad.pipeline import Pipeline, default_pipeline

ROOT = Path(__file__).resolve().parents[1]


def load(path: Path) -> list[Document]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            pub = date.fromisoformat(r["published"][:10]) if r.get("published") else None
            out.append(Document(id=r["id"], text=r["text"], published=pub, outlet=r.get("outlet")))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("MARSAD_SHARED", str(ROOT.parent / "shared")))
    ap.add_argument("--repeat", type=int, default=3, help="passes over each corpus (default 3)")
    ap.add_argument("--pipeline", help="a pipeline TOML instead of the bundled default")
    a = ap.parse_args()
    shared = Path(a.shared)
    corpora = {"dev": shared / "corpus/dev/articles.docs.jsonl", "raw": shared / "corpus/raw/articles.docs.jsonl"}
    missing = [str(p) for p in corpora.values() if not p.is_file()]
    if missing:
        print(f"bench_extract.py: not found: {', '.join(missing)}; pass --shared", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    pipe = Pipeline.from_config(a.pipeline) if a.pipeline else default_pipeline()
    first = load(corpora["dev"])[0]
    pipe(first)
    print(f"pipeline: {' → '.join(pipe.names)}")
    print(f"startup (build stages, load resources, first document): {time.perf_counter() - t0:.2f} s")
    for name, path in corpora.items():
        docs = load(path)
        chars = sum(len(d.text) for d in docs)
        n_events = 0
        t = time.perf_counter()
        for _ in range(a.repeat):
            for d in load(path):
                n_events += len(pipe(d).events)
        dt = time.perf_counter() - t
        n = len(docs) * a.repeat
        print(f"{name}: {len(docs)} articles × {a.repeat}, {chars / len(docs):.0f} chars/article: "
              f"{n / dt:.1f} articles/s, {chars * a.repeat / dt / 1e6:.2f} M chars/s, "
              f"{n_events / a.repeat:.0f} events per pass")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS): {peak / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
