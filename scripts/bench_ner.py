"""Benchmark the NER tagger: tokens per second on a CoNLL file and on a document corpus.

    .venv/bin/python scripts/bench_ner.py [--conll ../shared/data/ner/anercorp/ANERcorp_recon_test.txt]
                                          [--docs ../shared/corpus/dev/articles.docs.jsonl] [--model DIR]

Prints the model size, the time to load it (including the gazetteer) and, for each
input, tokens/s for feature extraction + CRF decoding (one core, warm caches after a
first pass are NOT assumed: the first pass is reported separately).
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
        sents = read_conll(a.conll).sentences
        n = sum(len(s.tokens) for s in sents)
        for r in range(a.repeat):
            t = time.perf_counter()
            for s in sents:
                tagger.tag(s.tokens)
            dt = time.perf_counter() - t
            print(f"{Path(a.conll).name} pass {r + 1}: {n} tokens, {len(sents)} sentences, {dt:.2f} s, "
                  f"{n / dt:,.0f} tokens/s")
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
        for r in range(a.repeat):
            t = time.perf_counter()
            ents = 0
            for d in docs:
                ents += len(tagger.entities(d))
            dt = time.perf_counter() - t
            print(f"{Path(a.docs).name} pass {r + 1}: {len(docs)} docs, {n} tokens, {ents} entities, {dt:.2f} s, "
                  f"{n / dt:,.0f} tokens/s, {len(docs) / dt:,.0f} docs/s")
    else:
        print(f"skipped document benchmark: {a.docs} not found", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
