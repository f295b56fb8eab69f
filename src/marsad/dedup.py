"""Cross-source deduplication: decide whether two reports describe the same incident.

Two reports are merged into one event when all of these hold (the codebook's
"one event = one (event type, place, day, actor pair)", loosened for the way
different outlets report the same incident):

* the same ``event_type`` (the sub-type may differ: one outlet's "shelling" is
  another's "missile attack");
* both dated, at most :attr:`DedupRules.max_days` days apart;
* both located, at the same place or near each other: within
  :attr:`DedupRules.near_km` when both are coded to a town (geo precision 1), or
  :attr:`DedupRules.region_km` when either is only coded to an area, and then
  in the same country and first-level unit when both give one;
* compatible actors: for each side, either side unknown ("Unidentified Armed
  Group" counts as unknown) or the same actor (registry id, else folded
  name); for battles the two sides may be swapped;
* reported by different outlets (an outlet's own follow-up reports are not
  merged: the event pipeline already handles one article, and an outlet's
  later report is a new fact to review, not a second source).

Every decision comes with a human-readable reason, stored with the merge and
shown by ``marsad events show``. :func:`combine` builds the merged view of an
event from its reports: the first report's fields, the lowest fatality count
stated by any report (codebook §6: conflicting figures → the lowest; a report
that gives no toll does not count as a 0), every outlet as source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

from marsad.model import Actor, Event, Place
from marsad.text import fold

UNKNOWN_ACTORS = frozenset({"unidentified armed group", "unknown"})


@dataclass(frozen=True, slots=True)
class DedupRules:
    """Thresholds of the merge rule (see the module docstring)."""

    max_days: int = 2
    near_km: float = 15.0
    region_km: float = 60.0
    require_distinct_outlets: bool = True

    def search_box(self, lat: float, lon: float) -> tuple[float, float, float, float]:
        """A (min_lat, min_lon, max_lat, max_lon) box that contains every place within ``region_km``."""
        dlat = self.region_km / 111.0
        dlon = self.region_km / (111.0 * max(0.1, math.cos(math.radians(lat))))
        return lat - dlat, lon - dlon, lat + dlat, lon + dlon


DEFAULT_RULES = DedupRules()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def actor_key(actor: Actor | None) -> str | None:
    """A comparison key for an actor: its registry id, else its folded name; None when unknown."""
    if actor is None:
        return None
    if actor.id:
        return "id:" + actor.id
    name = (actor.name or actor.name_ar or actor.mention or "").strip()
    if not name or name.lower() in UNKNOWN_ACTORS:
        return None
    return "name:" + fold(name).lower()


def _actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "unknown"
    return actor.name or actor.name_ar or actor.mention or "unknown"


def _sides_match(a1: str | None, a2: str | None, b1: str | None, b2: str | None) -> bool:
    return (a1 is None or b1 is None or a1 == b1) and (a2 is None or b2 is None or a2 == b2)


def actors_compatible(a: Event, b: Event) -> tuple[bool, str]:
    """Whether the actors of two reports can be the same pair, with a reason."""
    a1, a2, b1, b2 = actor_key(a.actor1), actor_key(a.actor2), actor_key(b.actor1), actor_key(b.actor2)
    pair_a = f"{_actor_label(a.actor1)} / {_actor_label(a.actor2)}"
    pair_b = f"{_actor_label(b.actor1)} / {_actor_label(b.actor2)}"
    if _sides_match(a1, a2, b1, b2):
        return True, f"actors compatible ({pair_a} ~ {pair_b})"
    if a.event_type == "Battles" and _sides_match(a1, a2, b2, b1):
        return True, f"actors compatible in swapped order, as a clash has no attacker ({pair_a} ~ {pair_b})"
    return False, f"actors differ ({pair_a} vs {pair_b})"


def places_near(pa: Place, pb: Place, rules: DedupRules = DEFAULT_RULES) -> tuple[bool, str]:
    """Whether two places are the same or nearby for the purpose of merging, with a reason."""
    km = haversine_km(pa.latitude, pa.longitude, pb.latitude, pb.longitude)
    label = f"{pa.name or pa.name_ar} / {pb.name or pb.name_ar}"
    if pa.id and pa.id == pb.id:
        return True, f"same place ({pa.name or pa.name_ar})"
    if pa.country and pb.country and pa.country != pb.country:
        return False, f"different countries ({pa.country} vs {pb.country})"
    coarse = max(pa.geo_precision or 1, pb.geo_precision or 1) > 1
    if coarse:
        if pa.admin1 and pb.admin1 and fold(pa.admin1) != fold(pb.admin1):
            return False, f"different provinces ({pa.admin1} vs {pb.admin1})"
        if km <= rules.region_km:
            return True, f"places {km:.1f} km apart, one coded only to an area ({label})"
        return False, f"places {km:.1f} km apart, more than {rules.region_km:g} km ({label})"
    if km <= rules.near_km:
        return True, f"places {km:.1f} km apart ({label})"
    return False, f"places {km:.1f} km apart, more than {rules.near_km:g} km ({label})"


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of :func:`same_incident`: ``merge`` and the reasons (all of them, for either answer)."""

    merge: bool
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)


def same_incident(existing: Event, existing_outlets: set[str], new: Event, new_outlet: str | None,
                  rules: DedupRules = DEFAULT_RULES) -> Decision:
    """Decide whether ``new`` (one report) is the incident ``existing`` (an event, maybe already merged)."""
    if existing.event_type != new.event_type:
        return Decision(False, (f"different types ({existing.event_type} vs {new.event_type})",))
    if existing.date is None or new.date is None:
        return Decision(False, ("a report has no date",))
    if existing.location is None or new.location is None:
        return Decision(False, ("a report has no place",))
    days = abs((existing.date - new.date).days)
    if days > rules.max_days:
        return Decision(False, (f"dates {days} days apart, more than {rules.max_days}",))
    reasons = [f"same type ({new.event_type}: {existing.sub_event_type} ~ {new.sub_event_type})",
               "same day" if days == 0 else f"dates {days} day{'s' if days > 1 else ''} apart "
               f"({existing.date.isoformat()} / {new.date.isoformat()})"]
    near, why = places_near(existing.location, new.location, rules)
    reasons.append(why)
    if not near:
        return Decision(False, tuple(reasons))
    ok, why = actors_compatible(existing, new)
    reasons.append(why)
    if not ok:
        return Decision(False, tuple(reasons))
    if rules.require_distinct_outlets:
        if not new_outlet:
            reasons.append("the new report has no outlet, so it cannot be told apart from the others")
            return Decision(False, tuple(reasons))
        if new_outlet in existing_outlets:
            reasons.append(f"already reported by {new_outlet}")
            return Decision(False, tuple(reasons))
        reasons.append(f"different outlets ({', '.join(sorted(existing_outlets)) or '?'} vs {new_outlet})")
    return Decision(True, tuple(reasons))


def _fill_actor(primary: Actor | None, others: list[Actor | None]) -> Actor | None:
    if actor_key(primary) is not None:
        return primary
    for a in others:
        if actor_key(a) is not None:
            return a
    return primary


def states_fatalities(report: Event) -> bool:
    """Whether a report gives a death toll (a count, or an explicit "no deaths" with its evidence)."""
    return report.fatalities > 0 or any(e.role == "fatalities" for e in report.evidence)


def merged_fatalities(reports: list[Event]) -> int:
    """The lowest death toll among the reports that state one (codebook §6: conflicting figures → the lowest).

    A report that says nothing about deaths carries a 0 that means "not reported",
    not "nobody died"; it does not pull a stated toll down. When no report states
    a toll the result is 0.
    """
    stated = [r.fatalities for r in reports if states_fatalities(r)]
    return min(stated) if stated else 0


def combine(reports: list[Event], outlets: list[str | None]) -> Event:
    """The merged view of one incident from its reports (first report first).

    Fields come from the first report; an actor it leaves unknown is taken from
    the first report that knows it; the date is the most precise one given
    (ties: the earliest); fatalities are the lowest count stated by a report
    (:func:`merged_fatalities`); ``source`` lists every distinct outlet.
    """
    if not reports:
        raise ValueError("combine() needs at least one report")
    first = reports[0]
    if len(reports) == 1:
        return replace(first, source=outlets[0] if outlets and outlets[0] else first.source)
    dated = [r for r in reports if r.date is not None]
    best: tuple[int, date] | None = None
    when, prec = first.date, first.time_precision
    for r in dated:
        key = (r.time_precision or 9, r.date)
        if best is None or key < best:
            best, when, prec = key, r.date, r.time_precision
    seen: list[str] = []
    for o, r in zip(outlets, reports, strict=True):
        name = o or r.source
        if name and name not in seen:
            seen.append(name)
    a1 = _fill_actor(first.actor1, [r.actor1 for r in reports[1:]])
    a2 = _fill_actor(first.actor2, [r.actor2 for r in reports[1:]])
    return replace(
        first, date=when, time_precision=prec, actor1=a1, actor2=a2,
        fatalities=merged_fatalities(reports),
        source="; ".join(seen) or first.source,
        confidence=max(r.confidence for r in reports),
        evidence=list(first.evidence),
    )
