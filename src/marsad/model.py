"""Typed data model: Document, Span, Entity, Actor, Place, Event.

Every offset is a code-point offset into ``Document.text`` exactly as given —
never into a normalized copy. Events serialize to the event format of
``shared/docs/formats.md`` with :meth:`Event.to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from marsad.text import NormText, Token

# --------------------------------------------------------------------------- taxonomy

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Excessive force against protesters", "Protest with intervention", "Peaceful protest"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction",
        "Non-violent transfer of territory", "Other",
    ),
}

#: the order of precedence when one incident could be coded as several types (codebook table order)
TYPE_RANK: dict[str, int] = {t: i for i, t in enumerate(EVENT_TYPES)}

SUB_TO_TYPE: dict[str, str] = {s: t for t, subs in EVENT_TYPES.items() for s in subs}

DISORDER: dict[str, str] = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}

ACTOR_CATEGORIES: dict[int, str] = {
    1: "State forces", 2: "Rebel groups", 3: "Political militias", 4: "Identity militias",
    5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces",
}


# --------------------------------------------------------------------------- spans


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range [start, end) of code points in the original text."""

    start: int
    end: int
    label: str = ""

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def text(self, doc_text: str) -> str:
        return doc_text[self.start:self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class Entity:
    """A mention found in the text: ``label`` is one of ACTOR, PER, ORG, LOC, NORP, CIV, MISC, DATE, NUM.

    ``key`` links it to a resource (an actor id, a country code, a gazetteer id) when known;
    ``source`` says which stage/model found it; ``attrs`` holds stage-specific typed extras.
    """

    start: int
    end: int
    label: str
    text: str
    key: str | None = None
    source: str = "lexicon"
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.label)


@dataclass(slots=True)
class Actor:
    """An actor of an event, resolved against the registry when possible."""

    name: str
    name_ar: str | None = None
    mention: str | None = None
    category: int | None = None
    id: str | None = None
    country: str | None = None
    registered: bool = True
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "name_ar": self.name_ar, "mention": self.mention,
                             "category": self.category}
        if self.id:
            d["id"] = self.id
        if self.country:
            d["country"] = self.country
        if not self.registered:
            d["registered"] = False
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Actor | None:
        if not d:
            return None
        return cls(name=d.get("name") or d.get("name_ar") or d.get("mention") or "", name_ar=d.get("name_ar"),
                   mention=d.get("mention"), category=d.get("category"), id=d.get("id"),
                   country=d.get("country"), registered=d.get("registered", True))


@dataclass(slots=True)
class Place:
    """A resolved location."""

    name: str
    latitude: float
    longitude: float
    name_ar: str | None = None
    mention: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    geo_precision: int = 1
    id: str | None = None
    feature: str | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {"name": self.name, "name_ar": self.name_ar, "mention": self.mention, "country": self.country,
             "admin1": self.admin1, "admin2": self.admin2, "admin3": self.admin3,
             "latitude": round(self.latitude, 6), "longitude": round(self.longitude, 6),
             "geo_precision": self.geo_precision}
        if self.id:
            d["id"] = self.id
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Place | None:
        if not d or d.get("latitude") is None or d.get("longitude") is None:
            return None
        return cls(name=d.get("name") or "", latitude=float(d["latitude"]), longitude=float(d["longitude"]),
                   name_ar=d.get("name_ar"), mention=d.get("mention"), country=d.get("country"),
                   admin1=d.get("admin1"), admin2=d.get("admin2"), admin3=d.get("admin3"),
                   geo_precision=int(d.get("geo_precision") or 1), id=d.get("id"))


@dataclass(slots=True)
class PlaceMention:
    """A toponym in the text with its chosen place (None when unresolved) and precision hints."""

    start: int
    end: int
    text: str
    place: Place | None
    candidates: int = 0
    score: float = 0.0
    modifier: str | None = None  # "countryside", "near", "direction", ...


@dataclass(slots=True)
class DateMention:
    """A resolved date expression."""

    start: int
    end: int
    text: str
    value: date | None
    precision: int = 1  # 1 day, 2 week, 3 month
    relative: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    role: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Event:
    doc_id: str
    event_type: str
    sub_event_type: str
    date: date | None = None
    time_precision: int | None = None
    actor1: Actor | None = None
    actor2: Actor | None = None
    assoc_actor1: list[Actor] = field(default_factory=list)
    assoc_actor2: list[Actor] = field(default_factory=list)
    location: Place | None = None
    fatalities: int = 0
    injuries: int | None = None
    source: str | None = None
    attribution: str | None = None
    notes: str = ""
    confidence: float = 0.5
    evidence: list[Evidence] = field(default_factory=list)
    background: bool = False
    id: str | None = None

    @property
    def disorder_type(self) -> str:
        return DISORDER.get(self.event_type, "Political violence")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "doc_id": self.doc_id,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "disorder_type": self.disorder_type,
            "date": self.date.isoformat() if self.date else None,
            "time_precision": self.time_precision,
            "actor1": self.actor1.to_dict() if self.actor1 else None,
            "assoc_actor1": [a.to_dict() for a in self.assoc_actor1],
            "actor2": self.actor2.to_dict() if self.actor2 else None,
            "assoc_actor2": [a.to_dict() for a in self.assoc_actor2],
            "location": self.location.to_dict() if self.location else None,
            "fatalities": self.fatalities,
            "injuries": self.injuries,
            "source": self.source,
            "attribution": self.attribution,
            "notes": self.notes,
            "confidence": round(self.confidence, 3),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.background:
            d["background"] = True
        if self.id:
            d["id"] = self.id
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        dt = d.get("date")
        return cls(
            doc_id=d["doc_id"], event_type=d["event_type"], sub_event_type=d["sub_event_type"],
            date=date.fromisoformat(dt) if dt else None, time_precision=d.get("time_precision"),
            actor1=Actor.from_dict(d.get("actor1")), actor2=Actor.from_dict(d.get("actor2")),
            assoc_actor1=[a for a in map(Actor.from_dict, d.get("assoc_actor1") or []) if a],
            assoc_actor2=[a for a in map(Actor.from_dict, d.get("assoc_actor2") or []) if a],
            location=Place.from_dict(d.get("location")), fatalities=int(d.get("fatalities") or 0),
            injuries=d.get("injuries"), source=d.get("source"), attribution=d.get("attribution"),
            notes=d.get("notes") or "", confidence=float(d.get("confidence") or 0.5),
            evidence=[Evidence(e["role"], e["start"], e["end"], e["text"]) for e in d.get("evidence") or []],
            background=bool(d.get("background")), id=d.get("id"),
        )


# --------------------------------------------------------------------------- document


@dataclass(slots=True)
class Document:
    """An article. ``text`` is kept exactly as given; stages add annotations below it."""

    id: str
    text: str
    published: date | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    # annotations written by stages
    norm: NormText | None = None
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def sentence_of(self, pos: int) -> Span | None:
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "published": self.published.isoformat() if self.published else None,
                "outlet": self.outlet, "title": self.title, "url": self.url}
