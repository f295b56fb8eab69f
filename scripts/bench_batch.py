#!/usr/bin/env python3
"""Throughput of ``marsad batch`` on Spark (local[1], local[2]) against plain single-process ``marsad extract``.

    .venv/bin/python scripts/bench_batch.py [--shared PATH] [--repeat N] [--masters local[1],local[2]]

The input is the dev and raw corpora of ../shared, copied ``--repeat`` times (ids made
distinct) into a temporary folder. Each run is a separate ``marsad`` process, one after
the other; the figures are wall-clock articles/s of the whole command (Python and JVM
start-up included), the Spark job's own articles/s (from ``_SUMMARY.json``: reading,
pipeline, sorting and writing, without the JVM start), and the peak memory of the
process tree (the command, the JVM and the Python workers, sampled every 0.1 s).
Output equality with ``marsad extract`` is checked too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(d.name))
    return tree


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    tree, total, todo = _children(), 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(tree.get(p, []))
    return total


def run(cmd: list[str], stdout: int | object = subprocess.DEVNULL) -> tuple[float, int, int]:
    """Run a command; (wall seconds, peak tree RSS in bytes, exit status)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL)  # type: ignore[arg-type]
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            done.wait(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    rc = proc.wait()
    done.set()
    th.join()
    return time.perf_counter() - t, peak, rc


def make_input(shared: Path, repeat: int, folder: Path) -> int:
    """Copies of the dev and raw documents (ids suffixed per copy) in ``folder``; returns the number of documents."""
    n = 0
    for name in ("dev", "raw"):
        src = shared / "corpus" / name / "articles.docs.jsonl"
        lines = [json.loads(x) for x in src.read_text(encoding="utf-8").splitlines() if x.strip()]
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for r in range(repeat):
                for rec in lines:
                    out.write(json.dumps(dict(rec, id=f"{rec['id']}~{r}"), ensure_ascii=False) + "\n")
                    n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("MARSAD_SHARED", str(ROOT.parent / "shared")))
    ap.add_argument("--repeat", type=int, default=4, help="copies of the corpora in the input (default 4)")
    ap.add_argument("--masters", default="local[1],local[2]", help="Spark masters to time, comma-separated")
    a = ap.parse_args()
    shared = Path(a.shared)
    if not (shared / "corpus" / "dev" / "articles.docs.jsonl").is_file():
        print(f"bench_batch.py: no corpus under {shared}; pass --shared", file=sys.stderr)
        return 2
    marsad = [sys.executable, "-m", "marsad"]
    results = []
    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as tmp:
        inp = Path(tmp) / "in"
        inp.mkdir()
        n_docs = make_input(shared, a.repeat, inp)
        files = sorted(str(p) for p in inp.glob("*.jsonl"))
        print(f"input: {n_docs} articles (dev + raw × {a.repeat}); {os.cpu_count()} cores; "
              f"load average {os.getloadavg()[0]:.1f}")
        with (Path(tmp) / "extract.jsonl").open("w") as fh:
            wall, peak, rc = run([*marsad, "extract", *files], stdout=fh)
        expected = (Path(tmp) / "extract.jsonl").read_text(encoding="utf-8").splitlines()
        results.append({"run": "marsad extract (1 process)", "wall_s": wall, "articles_per_s": n_docs / wall,
                        "job_articles_per_s": None, "peak_mib": peak / 2**20, "same_output": rc == 0})
        for master in a.masters.split(","):
            out = Path(tmp) / f"out-{master}"
            wall, peak, rc = run([*marsad, "batch", *files, "--out", str(out), "--master", master])
            summary = json.loads((out / "_SUMMARY.json").read_text(encoding="utf-8")) if rc == 0 else {}
            got = [line for part in sorted(out.glob("part-*"))
                   for line in part.read_text(encoding="utf-8").splitlines()] if rc == 0 else []
            results.append({"run": f"marsad batch --master {master}", "wall_s": wall,
                            "articles_per_s": n_docs / wall, "job_articles_per_s": summary.get("articles_per_s"),
                            "peak_mib": peak / 2**20, "same_output": got == expected})
    print(f"{'run':34} {'wall s':>8} {'articles/s':>11} {'job art/s':>10} {'peak MiB':>9}  same output")
    for r in results:
        job = f"{r['job_articles_per_s']:.1f}" if r["job_articles_per_s"] is not None else "-"
        print(f"{r['run']:34} {r['wall_s']:8.1f} {r['articles_per_s']:11.1f} {job:>10} {r['peak_mib']:9.0f}  "
              f"{'yes' if r['same_output'] else 'NO'}")
    return 0 if all(r["same_output"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
