"""Benchmark the NER tagger: tokens per second on a CoNLL file and on a document corpus.

    .venv/bin/python scripts/bench_ner.py [--conll ../shared/data/ner/anercorp/ANERcorp_recon_test.txt]
                                          [--docs ../shared/corpus/dev/articles.docs.jsonl] [--model DIR]

Prints the model size, the time to load it (including the gazetteer) and, for each
input and pass, tokens/s for feature extraction + CRF decoding (both passes of the
stacked model) on one core, by wall clock and by this process's CPU time (the CPU
figure is the fair one on a busy machine). The first pass runs with cold word caches.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from marsad.model import Document
from marsad.ner.conll import read_conll
from marsad.ner.tagger import load_tagger
from marsad.stages.normalize import NormalizeStage

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conll", default=str(SHARED / "data/ner/anercorp/ANERcorp_recon_test.txt"))
    ap.add_argument("--docs", default=str(SHARED / "corpus/dev/articles.docs.jsonl"))
    ap.add_argument("--model", default=None, help="a model folder (default: bundled)")
    ap.add_argument("--repeat", type=int, default=2, help="passes over each input (default 2)")
    a = ap.parse_args(argv)

    t0 = time.perf_counter()
    tagger = load_tagger(a.model)
    load_s = time.perf_counter() - t0
    print(f"model {tagger.path.name}: {tagger.path.stat().st_size / 1e6:.2f} MB, loaded in {load_s:.2f} s "
          f"(feature set {tagger.meta['feature_set']})")

    if Path(a.conll).is_file():
        sents = [s.tokens for s in read_conll(a.conll).sentences]
        n = sum(len(s) for s in sents)
        for r in range(a.repeat):
            t, c = time.perf_counter(), time.process_time()
            tagger.tag_stream(sents)
            dt, dc = time.perf_counter() - t, time.process_time() - c
            print(f"{Path(a.conll).name} pass {r + 1}: {n} tokens, {len(sents)} sentences: "
                  f"{n / dt:,.0f} tokens/s wall, {n / dc:,.0f} tokens/s CPU")
    else:
        print(f"skipped CoNLL benchmark: {a.conll} not found", file=sys.stderr)

    if Path(a.docs).is_file():
        norm = NormalizeStage()
        docs = []
        with open(a.docs, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    docs.append(norm(Document(str(d["id"]), d["text"])))
        n = sum(len(d.tokens) for d in docs)
        for second in (True, False):
            for r in range(a.repeat):
                t, c = time.perf_counter(), time.process_time()
                ents = 0
                for d in docs:
                    ents += len(tagger.entities(d, second_pass=second))
                dt, dc = time.perf_counter() - t, time.process_time() - c
                print(f"{Path(a.docs).name} {'both passes' if second else 'first pass only'}, pass {r + 1}: "
                      f"{len(docs)} docs, {n} tokens, {ents} entities: {n / dt:,.0f} tokens/s wall, "
                      f"{n / dc:,.0f} tokens/s CPU, {len(docs) / dc:,.0f} docs/s CPU")
    else:
        print(f"skipped document benchmark: {a.docs} not found", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
