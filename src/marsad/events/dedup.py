"""Within-article deduplication: mentions of one incident become one event.

The lead, the body and a closing recap often tell the same incident; each
mention yields a draft, and drafts are merged when they agree on the event
(same type — or a strike inside a ground battle of the same sentence —, the
same place or one of them unplaced, the same day, and no conflicting actors).
The merged event keeps every trigger as evidence, the arguments found first,
the most specific sub-type and, for conflicting death tolls, the lowest one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from marsad.model import TYPE_RANK, Actor, Event, Place

#: places closer than this are the same place (km)
SAME_PLACE_KM = 5.0
#: dates further apart than this are different days
SAME_DAY = 1


@dataclass(slots=True)
class Draft:
    """An event under construction, with what dedup and confidence need to know."""

    event: Event
    sentence: int
    strong: bool
    specific: bool  # sub-type from a specific trigger or a weapon cue, not a default
    explicit_date: bool
    killed: list[int] = field(default_factory=list)
    injured: list[int] = field(default_factory=list)
    zero: bool = False
    mentions: int = 1
    split: bool = False  # one of several places listed for one trigger
    vague_killed: list[int] = field(default_factory=list)  # vague counts («قتلى» → 3): used only when no number is told
    #: a casualty told of «the incident» told before («الحادث أدى إلى مقتل …»): 1 folds into that incident,
    #: 2 also stands for nothing on its own (too little of its own to be an incident)
    backref: int = 0


def _km(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(min(1.0, math.sqrt(h)))


def same_place(a: Place | None, b: Place | None) -> bool | None:
    """True/False when both are known, None when either is missing."""
    if a is None or b is None:
        return None
    if a.id and b.id:
        return a.id == b.id or _km(a, b) <= SAME_PLACE_KM
    return a.name == b.name or _km(a, b) <= SAME_PLACE_KM


def contains(a: Place | None, b: Place | None) -> bool:
    """True when one place is a coarse area (a region, a countryside, a province) holding the other."""
    if a is None or b is None:
        return False
    if a.country and b.country and a.country != b.country:
        return False
    coarse, fine = (a, b) if a.geo_precision >= b.geo_precision else (b, a)
    if coarse.feature == "country" or fine.feature == "country":
        country, other = (coarse, fine) if coarse.feature == "country" else (fine, coarse)
        return other.feature != "country" and bool(country.country) and country.country == other.country
    if coarse.geo_precision < 2 and coarse.feature not in ("admin1", "admin2", "region", "adm1", "adm2"):
        return False
    if coarse.admin1 and fine.admin1 and coarse.admin1 == fine.admin1:
        return True
    return _km(coarse, fine) <= 60.0


#: registry id of the placeholder for an unnamed side: it agrees with any named actor
UNIDENTIFIED_ID = "unidentified-armed-group"


def _same_actor(a: Actor | None, b: Actor | None) -> bool | None:
    if a is None or b is None or UNIDENTIFIED_ID in (a.id, b.id):
        return None
    if a.id and b.id:
        return a.id == b.id
    return a.name == b.name


#: two tellings of one incident may name towns this close («قرب المزيريب» / «على طريق طفس»)
NEARBY_KM = 15.0


def _nearby_retelling(x: Draft, y: Draft) -> bool:
    ex, ey = x.event, y.event
    if x.split or y.split or x.sentence == y.sentence or ex.sub_event_type != ey.sub_event_type:
        return False
    if ex.location is None or ey.location is None or ex.date != ey.date:
        return False
    if ex.location.country and ey.location.country and ex.location.country != ey.location.country:
        return False  # towns facing each other across a border (Suruç / Kobani) are two incidents
    return _km(ex.location, ey.location) <= NEARBY_KM


def _distinct(a: Place | None, b: Place | None) -> bool:
    """Two different named places (not one place named twice)."""
    if a is None or b is None:
        return False
    if a.id and b.id:
        return a.id != b.id
    return a.name != b.name


_ONE_SIDED = frozenset({"Battles", "Violence against civilians"})


def _one_sided_clash(x: Draft, y: Draft) -> bool:
    """«استشهد 5 مدنيين إثر هجوم مسلح من قبل مسلحي داعش في …» told beside «أطلق عناصر داعش النار على المدنيين
    في …»: a clash word with no armed side against the doer, in the same place (or inside it) on the same day
    as an attack on civilians by the same doer or an unnamed one, is that attack."""
    battle, attack = (x, y) if x.event.event_type == "Battles" else (y, x)
    eb, ea = battle.event, attack.event
    if (eb.actor2 is not None and eb.actor2.category != 7) or ea.actor2 is None or ea.actor2.category != 7:
        return False
    if _same_actor(eb.actor1, ea.actor1) is False:
        return False
    if eb.date is None or eb.date != ea.date \
            or not (same_place(eb.location, ea.location) or contains(eb.location, ea.location)):
        return False
    return not (battle.split or attack.split)


def compatible(x: Draft, y: Draft) -> bool:
    """Could drafts x and y be mentions of one incident?"""
    ex, ey = x.event, y.event
    if ex.event_type != ey.event_type:
        pair = {ex.event_type, ey.event_type}
        if pair == _ONE_SIDED:
            return _one_sided_clash(x, y)
        if not (pair == {"Battles", "Explosions/Remote violence"} and x.sentence == y.sentence):
            return False
        battle = x if ex.event_type == "Battles" else y
        if not battle.strong and battle.specific:
            return False  # a weak but specific clash word stays its own event; a generic «هجوم» joins the strike
    if x.split and y.split and x.sentence == y.sentence and _distinct(ex.location, ey.location):
        return False  # two towns of one list («في المغازي والبريج»): one event each, however close
    sp = same_place(ex.location, ey.location)
    if sp is False and not (contains(ex.location, ey.location) and not (x.split and y.split)) \
            and not _nearby_retelling(x, y):
        return False
    if sp is None and (x.split or y.split):
        return False
    if ex.date and ey.date and abs((ex.date - ey.date).days) > SAME_DAY:
        return False
    if ex.date and ey.date and x.explicit_date and y.explicit_date and ex.date != ey.date:
        return False
    a1 = _same_actor(ex.actor1, ey.actor1)
    a2 = _same_actor(ex.actor2, ey.actor2)
    if ex.event_type == "Battles" and ey.event_type == "Battles" and a1 is False:
        # either order for a clash
        if _same_actor(ex.actor1, ey.actor2) is not False and _same_actor(ex.actor2, ey.actor1) is not False:
            return True
    if a1 is False or a2 is False:
        return False
    if sp is None and x.sentence != y.sentence and ex.sub_event_type != ey.sub_event_type and x.specific \
            and y.specific:
        return False
    return True


def merge_into(x: Draft, y: Draft) -> None:
    """Fold draft y into draft x."""
    ex, ey = x.event, y.event
    if {ex.event_type, ey.event_type} == _ONE_SIDED:
        if ey.event_type == "Violence against civilians":  # the attack on civilians is what happened
            ex.event_type, ex.sub_event_type = ey.event_type, ey.sub_event_type
            x.specific = y.specific
    elif ey.event_type != ex.event_type and x.specific != y.specific:
        if y.specific:  # «بهجوم بطائرة مسيّرة»: the weapon's type beats a generic attack word's default
            ex.event_type, ex.sub_event_type = ey.event_type, ey.sub_event_type
            x.specific = True
    elif TYPE_RANK[ey.event_type] < TYPE_RANK[ex.event_type]:
        ex.event_type, ex.sub_event_type = ey.event_type, ey.sub_event_type
        x.specific = y.specific
    elif ey.event_type == ex.event_type and y.specific and not x.specific:
        ex.sub_event_type = ey.sub_event_type
        x.specific = True
    if (ex.actor1 is None or ex.actor1.id == UNIDENTIFIED_ID) and ey.actor1 is not None and ey.actor1.id != UNIDENTIFIED_ID:
        ex.actor1 = ey.actor1
        ex.assoc_actor1 = ey.assoc_actor1
    if (ex.actor2 is None or ex.actor2.id == UNIDENTIFIED_ID) and ey.actor2 is not None \
            and ey.actor2.id != UNIDENTIFIED_ID and _same_actor(ex.actor1, ey.actor2) is not True:
        ex.actor2 = ey.actor2
        ex.assoc_actor2 = ey.assoc_actor2
    if ey.location is not None and (ex.location is None or ey.location.geo_precision < ex.location.geo_precision):
        if ex.location is not None:
            ex.evidence = [e for e in ex.evidence if e.role != "location"]
        ex.location = ey.location
    if (not x.explicit_date and y.explicit_date) or (ex.date is None and ey.date is not None):
        ex.date, ex.time_precision = ey.date, ey.time_precision
        x.explicit_date = y.explicit_date
    if ex.attribution is None:
        ex.attribution = ey.attribution
    x.killed.extend(y.killed)
    x.vague_killed.extend(y.vague_killed)
    x.injured.extend(y.injured)
    x.zero = x.zero or y.zero
    x.strong = x.strong or y.strong
    x.mentions += y.mentions
    ex.background = ex.background and ey.background
    seen = {(e.role, e.start, e.end) for e in ex.evidence}
    for e in ey.evidence:
        if (e.role, e.start, e.end) not in seen and (e.role == "trigger" or not any(
                f.role == e.role for f in ex.evidence)):
            ex.evidence.append(e)
            seen.add((e.role, e.start, e.end))


def deduplicate(drafts: list[Draft]) -> list[Draft]:
    """Merge drafts of one incident; the most recent compatible earlier draft absorbs a later one."""
    out: list[Draft] = []
    for d in drafts:
        target = None
        best = -1
        for i in range(len(out) - 1, -1, -1):
            o = out[i]
            if compatible(o, d):
                score = (2 if same_place(o.event.location, d.event.location) else 0) + (
                    1 if o.sentence == d.sentence else 0)
                if score > best:
                    target, best = o, score
        if target is None:
            out.append(d)
        else:
            merge_into(target, d)
    return out
