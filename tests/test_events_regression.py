"""Regression set: one short sentence per rule family, each with its expected coding.

The sentences are ours (tests/regression/events.jsonl). Each runs as a document
through the default pipeline; the events must match the expected list one to one
(an expected event matches a produced one when every field it names agrees).
Background events are included (they are flagged, not dropped).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from marsad.model import Document, Event
from marsad.pipeline import default_pipeline

CASES_FILE = Path(__file__).parent / "regression" / "events.jsonl"


def _cases() -> list[dict[str, Any]]:
    out = []
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            out.append(json.loads(line))
    return out


CASES = _cases()


def _actor_has(actor: Any, want: str | None) -> bool:
    if want is None:
        return actor is None
    if actor is None:
        return False
    return any(want in (t or "") for t in (actor.name, actor.name_ar, actor.mention))


def _agrees(ev: Event, want: dict[str, Any]) -> list[str]:
    bad = []
    for k, v in want.items():
        if k == "date":
            got = ev.date.isoformat() if ev.date else None
            if got != v:
                bad.append(f"date {got} != {v}")
        elif k in ("actor1", "actor2"):
            if not _actor_has(getattr(ev, k), v):
                bad.append(f"{k} {getattr(ev, k)} lacks {v!r}")
        elif k == "location":
            loc = ev.location
            if loc is None or not any(v in (t or "") for t in (loc.name, loc.name_ar, loc.mention)):
                bad.append(f"location {loc} lacks {v!r}")
        elif k == "attribution" and v is None:
            if ev.attribution is not None:
                bad.append(f"attribution {ev.attribution!r} != None")
        elif k == "attribution":
            if not ev.attribution or v not in ev.attribution:
                bad.append(f"attribution {ev.attribution!r} lacks {v!r}")
        elif k == "min_triggers":
            n = sum(e.role == "trigger" for e in ev.evidence)
            if n < v:
                bad.append(f"{n} trigger mentions < {v}")
        elif getattr(ev, k) != v:
            bad.append(f"{k} {getattr(ev, k)!r} != {v!r}")
    return bad


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_regression_sentence(case: dict[str, Any]) -> None:
    doc = Document(id=case["id"], text=case["text"],
                   published=date.fromisoformat(case["published"]) if case.get("published") else None)
    default_pipeline()(doc)
    events = list(doc.events)
    for ev in events:
        for e in ev.evidence:
            assert doc.text[e.start:e.end] == e.text
    expected = case["expect"]
    assert len(events) == len(expected), (
        f"{case['family']}: expected {len(expected)} events, got "
        + "; ".join(f"{e.sub_event_type} {e.date} {[x.text for x in e.evidence if x.role == 'trigger']}"
                    for e in events))
    remaining = list(events)
    for want in expected:
        problems = {id(ev): _agrees(ev, want) for ev in remaining}
        ok = [ev for ev in remaining if not problems[id(ev)]]
        assert ok, f"{case['family']}: no event matches {want}: " + " | ".join(
            "; ".join(p) for p in problems.values())
        remaining.remove(ok[0])


def test_every_family_is_covered() -> None:
    families = {c["family"] for c in CASES}
    assert {"type", "modality", "date", "fatalities", "actors", "attribution", "dedup", "quiet"} <= families
