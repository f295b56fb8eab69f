#!/usr/bin/env python3
"""Run the marsad pipeline over the GSR ASSAULT/PROTEST sentences and score them.

Each sentence of ``../shared/corpus/gsr/dev.jsonl`` runs as a document without a
publication date (``doc_id`` = the sentence id); the events are written as JSONL
exactly as ``marsad extract`` prints them (background events left out unless
``--background``) and ``score_sentences.py`` prints precision, recall and F1 per task.

    .venv/bin/python scripts/eval_gsr.py [--shared PATH] [--pipeline TOML] [--keep FILE] [--background]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from marsad.model import Document
from marsad.pipeline import Pipeline, default_pipeline

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("MARSAD_SHARED", str(ROOT.parent / "shared")))
    ap.add_argument("--pipeline", help="a pipeline TOML instead of the bundled default")
    ap.add_argument("--keep", help="also write the predicted events to this file")
    ap.add_argument("--background", action="store_true", help="also count events flagged as background")
    a = ap.parse_args()
    shared = Path(a.shared)
    gold = shared / "corpus/gsr/dev.jsonl"
    if not gold.is_file():
        print(f"eval_gsr.py: {gold} not found; pass --shared or set MARSAD_SHARED", file=sys.stderr)
        return 2
    pipe = Pipeline.from_config(a.pipeline) if a.pipeline else default_pipeline()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        pred = Path(out.name)
        for line in gold.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            doc = pipe(Document(id=rec["id"], text=rec["text"], published=None))
            for ev in doc.events:
                if ev.background and not a.background:
                    continue
                out.write(json.dumps(ev.to_dict(), ensure_ascii=False) + "\n")
    try:
        if a.keep:
            Path(a.keep).write_text(pred.read_text(encoding="utf-8"), encoding="utf-8")
        return subprocess.call([sys.executable, str(shared / "eval/score_sentences.py"), "--gold", str(gold),
                                "--pred", str(pred)])
    finally:
        pred.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
