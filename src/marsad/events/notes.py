"""English notes generated from an event's fields, and the event's confidence.

Templates are data (``resources/events/notes.json``): «On 24 September 2023,
Military Forces of Turkey carried out an air/drone strike on PKK in Sulaymaniyah.
5 fatalities (reported by أعلنت وزارة الدفاع التركية).»
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from marsad import resources
from marsad.model import Event


@lru_cache(maxsize=1)
def _templates() -> dict[str, Any]:
    return resources.load_json("events/notes.json")


def notes_for(ev: Event) -> str:
    """One or two English sentences describing the event."""
    t = _templates()
    a1 = ev.actor1.name if ev.actor1 else "an unidentified actor"
    a2 = ev.actor2.name if ev.actor2 else ""
    loc = ""
    if ev.location:
        loc = f" in {ev.location.name}"
        if ev.location.admin1 and ev.location.admin1 != ev.location.name:
            loc += f" ({ev.location.admin1})"
    fill = {
        "a1": a1, "a2": a2 or "unidentified victims", "sub": ev.sub_event_type.lower(), "loc": loc,
        "on": f" on {a2}" if a2 else "", "a2_obj": f" {a2}" if a2 else " targets",
        "from": f" from {a2}" if a2 else "", "with": f" with {a2}" if a2 else "",
        "by": f" by {ev.actor1.name}" if ev.actor1 else "", "by2": f" by {a2}" if a2 else "",
    }
    body = t["templates"].get(ev.sub_event_type, t["default"]).format(**fill)
    if ev.date:
        if ev.time_precision == 3:
            body = f"In {ev.date.strftime('%B %Y')}, {body}"
        elif ev.time_precision == 2:
            body = f"In the week of {ev.date.day} {ev.date.strftime('%B %Y')}, {body}"
        else:
            body = f"On {ev.date.day} {ev.date.strftime('%B %Y')}, {body}"
    body = body[0].upper() + body[1:]
    out = body + "."
    if ev.fatalities:
        out += f" {ev.fatalities} {'fatality' if ev.fatalities == 1 else 'fatalities'}."
    else:
        out += " No fatalities reported."
    if ev.injuries:
        out += f" {ev.injuries} injured."
    return out


def confidence_for(ev: Event, *, strong: bool, mentions: int, explicit_date: bool) -> float:
    """A 0–1 score: trigger strength plus how many arguments were found and how often it was told."""
    c = 0.45 if strong else 0.3
    c += 0.15 if ev.actor1 else 0.0
    c += 0.05 if ev.actor2 else 0.0
    c += 0.15 if ev.location else -0.1
    c += 0.05 if explicit_date else 0.0
    c += min(0.15, 0.05 * (mentions - 1))
    c += 0.05 if ev.attribution else 0.0
    return max(0.05, min(0.99, c))
