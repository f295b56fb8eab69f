"""``marsad ner tag FILE.conll``: tag a CoNLL token file with the bundled NER model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from marsad.errors import InputError
from marsad.ner.conll import read_conll, write_tagged
from marsad.ner.tagger import load_tagger


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ner",
        help="named-entity tagging (PER/LOC/ORG/MISC) of CoNLL token files",
        description="Named-entity tagging with the bundled CRF model.",
    )
    nsub = p.add_subparsers(dest="ner_command", metavar="ACTION")
    t = nsub.add_parser(
        "tag",
        help="tag a CoNLL file (one token per line, first column; blank line between sentences)",
        description="Read FILE (one token per line in the first column, other columns ignored, a blank "
        "line between sentences) and write `token<TAB>BIO-tag` lines in the same order, blank lines kept. "
        "Consecutive sentences are treated as running text: the document-level pass looks at the "
        "neighbouring sentences.",
    )
    t.add_argument("file", metavar="FILE.conll", help="the CoNLL file to tag, or - for standard input")
    t.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    t.add_argument("--model", metavar="DIR", help="a model folder made by `marsad train ner` (default: bundled)")
    t.set_defaults(func=run_tag)
    p.set_defaults(func=lambda _a: (p.print_help(), 2)[1])


def run_tag(args: argparse.Namespace) -> int:
    from marsad.ner.conll import parse_conll

    if args.file == "-":
        conll = parse_conll(sys.stdin, name="<stdin>")
    else:
        conll = read_conll(args.file)
    tagger = load_tagger(str(Path(args.model).resolve()) if args.model else None)
    tags = tagger.tag_stream([s.tokens for s in conll.sentences])
    if args.output:
        out_path = Path(args.output)
        try:
            with out_path.open("w", encoding="utf-8") as out:
                write_tagged(out, conll, tags)
        except OSError as e:
            raise InputError(f"cannot write {out_path} ({e.strerror}); choose another -o path", code="E115") from e
    else:
        write_tagged(sys.stdout, conll, tags)
    return 0
