"""``marsad train ner --corpus PATH``: retrain the NER tagger (and reproduce the bundled model)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from marsad import resources
from marsad.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train a bundled model from corpora (ner)",
        description="Train one of marsad's models from annotated corpora.",
    )
    tsub = p.add_subparsers(dest="train_target", metavar="MODEL")
    n = tsub.add_parser(
        "ner",
        help="train the CRF named-entity tagger from CoNLL corpora",
        description="Train the CRF NER tagger from tagged CoNLL files (token first, BIO tag in --tag-column). "
        "PERS/PER, LOC/GPE, ORG and MISC are kept; other types become O. With the default --out the bundled "
        "model and resources/manifest.json are replaced. The bundled model is reproduced by: marsad train ner "
        "--corpus ../shared/data/ner/anercorp/ANERcorp_recon_train.txt "
        "--eval ../shared/data/ner/anercorp/ANERcorp_recon_test.txt",
    )
    n.add_argument("--corpus", action="append", required=True, metavar="PATH",
                   help="a tagged CoNLL file or a folder of them (repeat for several)")
    n.add_argument("--out", metavar="DIR", help="output folder (default: the bundled resources/ner folder)")
    n.add_argument("--eval", metavar="FILE", help="a tagged CoNLL test file: record exact-span scores in model.json")
    n.add_argument("--tag-column", type=int, default=2, metavar="N",
                   help="the column holding the tag, counting the token as 1 (default 2)")
    n.add_argument("--c1", type=float, help="L1 regularization (larger: smaller model)")
    n.add_argument("--c2", type=float, help="L2 regularization")
    n.add_argument("--max-iterations", type=int, metavar="N", help="L-BFGS iterations at most")
    n.add_argument("--single-pass", action="store_true",
                   help="train only the sentence-level CRF, without the document-level second pass")
    n.add_argument("--workers", type=int, default=2, metavar="N",
                   help="processes that train models side by side (default 2)")
    n.set_defaults(func=run_ner)
    p.set_defaults(func=lambda _a: (p.print_help(), 2)[1])


def record_in_manifest(meta: dict) -> None:
    """Rehash the resource manifest and describe the bundled NER model files' version, source and licence."""
    resources.rehash()
    man = resources.manifest()
    corpora = ", ".join(c["file"] for c in meta["training"]["corpora"])
    for name in (meta["model_file"], meta.get("stack_file"), "model.json"):
        entry = man["files"].get(f"ner/{name}") if name else None
        if entry is not None:
            entry["version"] = meta["version"]
            entry["source"] = f"trained with `marsad train ner` from {corpora}"
            entry["license"] = "CC BY-SA 4.0 (derived from ANERcorp, Benajiba et al., CAMeL Lab release)" \
                if "ANERcorp" in corpora else "see the training corpora's licences"
    resources.MANIFEST.write_text(json.dumps(man, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                  encoding="utf-8")


def run_ner(args: argparse.Namespace) -> int:
    from marsad.ner.tagger import BUNDLED_DIR
    from marsad.ner.train import train

    if args.tag_column < 2:
        raise InputError("--tag-column counts the token as column 1, so it must be 2 or more", code="E116")
    params = {}
    if args.c1 is not None:
        params["c1"] = args.c1
    if args.c2 is not None:
        params["c2"] = args.c2
    if args.max_iterations is not None:
        if args.max_iterations < 1:
            raise InputError("--max-iterations must be at least 1", code="E116")
        params["max_iterations"] = args.max_iterations
    for k in ("c1", "c2"):
        if params.get(k, 0) < 0:
            raise InputError(f"--{k} must not be negative", code="E116")
    out = Path(args.out) if args.out else BUNDLED_DIR
    if args.workers < 1:
        raise InputError("--workers must be at least 1", code="E116")
    meta = train(args.corpus, out, params=params, eval_path=args.eval, tag_column=args.tag_column - 1,
                 stack=not args.single_pass, workers=args.workers, log=lambda m: print(m, file=sys.stderr))
    if out.resolve() == BUNDLED_DIR.resolve():
        record_in_manifest(meta)
    tr = meta["training"]
    size = meta["size_bytes"] + meta.get("stack_size_bytes", 0)
    print(f"model: {out / meta['model_file']} ({size / 1e6:.1f} MB in all, sha256 {meta['sha256'][:12]}…), "
          f"trained in {tr['train_seconds']} s")
    ev = meta.get("evaluation")
    if ev:
        per = "  ".join(f"{k} {v['f1']:.3f}" for k, v in ev["per_class"].items())
        print(f"{ev['file']}: micro-F1 {ev['micro']['f1']:.4f} (P {ev['micro']['p']:.3f} R {ev['micro']['r']:.3f})  {per}")
    return 0
