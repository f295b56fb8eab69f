"""Measure the geoparser: location accuracy proxy on the dev gold, index build/load time, size and speed.

    .venv/bin/python scripts/bench_geo.py [--shared ../shared] [--misses] [--cold]

Accuracy proxy: for every gold event with a location, the place that
:func:`marsad.stages.geo.event_location` picks for the sentence holding the gold
``evidence`` (clause = that sentence, anchor = the evidence start) must lie within max(10 km,
tolerance_km) of the gold point — the scorer's ``location`` rule. Reported for
all located events and for non-optional ones. Uses whatever gazetteers are
imported in ``$MARSAD_HOME`` (run ``marsad gazetteer import`` first to measure
with OCHA).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from marsad.geo.index import cache_files, load_index
from marsad.model import Document
from marsad.pipeline import Pipeline
from marsad.readers import parse_date
from marsad.stages.geo import event_location


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    ap.add_argument("--misses", action="store_true", help="print every miss")
    ap.add_argument("--cold", action="store_true", help="also time a cold index build (drops the cache)")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "corpus").is_dir():
        print(f"no ../shared at {shared}; pass --shared", file=sys.stderr)
        return 2
    if args.cold:
        for f in cache_files():
            f.unlink()
        t = time.perf_counter()
        load_index()
        print(f"index cold build+save: {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    idx = load_index()
    print(f"index warm load: {time.perf_counter() - t:.2f} s; entries {len(idx.entries)}; names {len(idx.lexicon)}; "
          f"sources {idx.sources}")
    size = sum(f.stat().st_size for f in cache_files())
    print(f"index on disk: {size / 1e6:.1f} MB")
    pipe = Pipeline.from_config({"stage": [{"name": "normalize"}, {"name": "geo"}]})
    docs = {}
    for name in ("articles.docs.jsonl", "seed.docs.jsonl"):
        for line in (shared / "corpus/dev" / name).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            docs[d["id"]] = Document(d["id"], d["text"], parse_date(d.get("published")), d.get("outlet"))
    t = time.perf_counter()
    for doc in docs.values():
        pipe(doc)
    dt = time.perf_counter() - t
    chars = sum(len(d.text) for d in docs.values())
    print(f"pipeline normalize+geo: {len(docs) / dt:.0f} docs/s ({chars / dt / 1e6:.2f} M chars/s) on {len(docs)} docs")
    # lookups per second: whole-text scans
    texts = [d.text for d in docs.values()]
    from marsad.text import normalize

    nts = [normalize(x) for x in texts]
    t = time.perf_counter()
    n = 0
    for _ in range(3):
        for nt in nts:
            n += len(idx.lexicon.find(nt))
    dt = time.perf_counter() - t
    print(f"name matching: {n / dt:.0f} toponym lookups/s ({3 * len(nts) / dt:.0f} texts/s)")
    t = time.perf_counter()
    k = 0
    for e in idx.entries[:20000]:
        k += len(idx.lookup(e.names[0]))
    print(f"key lookups: {20000 / (time.perf_counter() - t):.0f}/s")

    total = ok = total_req = ok_req = 0
    for name in ("articles.gold.jsonl", "seed.gold.jsonl"):
        for line in (shared / "corpus/dev" / name).read_text(encoding="utf-8").splitlines():
            g = json.loads(line)
            doc = docs.get(g["id"])
            if doc is None:
                continue
            for ev in g["events"]:
                loc = ev.get("location")
                if not loc or loc.get("latitude") is None:
                    continue
                evid = ev.get("evidence") or ""
                s = doc.text.find(evid) if evid else -1
                if s < 0:
                    s, e = 0, len(doc.text)
                else:
                    e = s + len(evid)
                sent = doc.sentence_of(s)
                anchor = s
                if sent is not None:
                    s, e = sent.start, max(sent.end, e)
                place = event_location(doc, s, e, anchor)
                tol = max(10.0, float(loc.get("tolerance_km") or 10))
                good = place is not None and km((place.latitude, place.longitude),
                                                (loc["latitude"], loc["longitude"])) <= tol
                total += 1
                ok += good
                if not ev.get("optional"):
                    total_req += 1
                    ok_req += good
                if args.misses and not good:
                    got = f"{place.mention}→{place.name} ({place.latitude:.2f},{place.longitude:.2f})" if place else None
                    print(f"  MISS {g['id']} gold={loc.get('name_ar')} ({loc['latitude']},{loc['longitude']}) "
                          f"tol={tol} got={got}\n       evidence: {evid[:90]}")
    print(f"location proxy: {ok}/{total} = {ok / max(1, total):.3f} (non-optional {ok_req}/{total_req} = "
          f"{ok_req / max(1, total_req):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
