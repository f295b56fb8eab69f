"""``marsad geocode "النص"``: print the places found in a text, their candidates, scores and the choice."""

from __future__ import annotations

import argparse
import json
import sys

from marsad.errors import InputError
from marsad.model import Document
from marsad.pipeline import Pipeline, available_stages
from marsad.stages.geo import geocoder
from marsad.text import normalize


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "geocode",
        help="find and resolve the places named in an Arabic text",
        description="Find the toponyms of an Arabic text and show, for each, its candidate places with their "
        "scores (and the parts that make them up) and the place chosen. Reads standard input when TEXT is -.",
    )
    p.add_argument("text", metavar="TEXT", help="the text, or - to read standard input")
    p.add_argument("--outlet", metavar="NAME", help="the outlet (its usual country is a weak prior)")
    p.add_argument("-n", "--candidates", type=int, default=3, metavar="N", help="candidates shown per name (default 3)")
    p.add_argument("--all", action="store_true", help="also show names rejected as toponyms, with the reason")
    p.add_argument("--json", action="store_true", help="print JSON lines instead of a readable listing")
    p.set_defaults(func=run)


def _prepared(text: str) -> Document:
    """The text layer and, when the stage is installed, the actor names (so that «قوات سوريا الديمقراطية» is
    an actor, not Syria) — the same inputs the ``geo`` stage gets in the default pipeline."""
    doc = Document("geocode", text)
    stages = [{"name": "normalize"}]
    if "actors" in available_stages():
        stages.append({"name": "actors"})
    return Pipeline.from_config({"stage": stages})(doc)


def run(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise InputError("the text is empty; pass the Arabic text as an argument or - to read stdin", code="E101")
    if args.candidates < 0:
        raise InputError("--candidates must be 0 or more", code="E102")
    doc = _prepared(text)
    nt = doc.norm if doc.norm is not None else normalize(text)
    tops = geocoder().geocode(nt, doc.tokens or None, doc.entities, outlet=args.outlet)
    out = sys.stdout
    shown = 0
    for t in tops:
        if t.rejected and not args.all:
            continue
        shown += 1
        if args.json:
            out.write(json.dumps({
                "start": t.start, "end": t.end, "text": text[t.start:t.end], "modifier": t.modifier,
                "trigger": t.trigger, "rejected": t.rejected,
                "place": t.place.to_dict() if t.place else None,
                "candidates": [{"id": c.entry.id, "name": c.entry.name, "country": c.entry.country,
                                "feature": c.entry.feature, "score": round(c.score, 3), "parts": c.parts}
                               for c in t.candidates[:args.candidates]],
            }, ensure_ascii=False) + "\n")
            continue
        head = f"[{t.start}:{t.end}] {text[t.start:t.end]}"
        cues = ", ".join(x for x in (t.trigger and f"trigger={t.trigger}", t.modifier and f"modifier={t.modifier}",
                                     t.prep and f"prep={t.prep}") if x)
        out.write(head + (f"  ({cues})" if cues else "") + "\n")
        if t.rejected:
            out.write(f"    rejected: {t.rejected}\n")
        for c in t.candidates[:args.candidates]:
            mark = "*" if t.chosen is c else " "
            parts = " ".join(f"{k}={v:+.2f}" for k, v in c.parts.items())
            e = c.entry
            out.write(f"  {mark} {c.score:6.2f}  {e.name} [{e.country or '-'}, {e.feature}, {e.source}] "
                      f"({e.lat:.4f}, {e.lon:.4f})  {parts}\n")
        if t.place:
            p = t.place
            out.write(f"    => {p.name} ({p.latitude:.4f}, {p.longitude:.4f}) precision {p.geo_precision}; "
                      f"admin1 {p.admin1 or '-'}; admin2 {p.admin2 or '-'}\n")
    if not shown and not args.json:
        out.write("no places found\n")
    return 0
