"""Stage ``geo``: toponyms → :class:`~marsad.model.PlaceMention` records, and the event-location rule.

The stage appends one ``PlaceMention`` per toponym it accepts (original offsets of
the whole phrase, e.g. «ريف دير الزور الشرقي»; ``place`` with ``geo_precision``
set per codebook §4: 1 a town or a district of a city, 2 near/outskirts/
countryside of a town or a small area, 3 a region or province).

:func:`event_location` is the contract for the events stage: the place of an
event whose clause is ``doc.text[start:end]`` and whose trigger is at ``anchor``.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

from marsad.geo.geocoder import Geocoder, cues
from marsad.geo.index import current_index, default_sources, index_key
from marsad.model import Document, Place, PlaceMention
from marsad.pipeline import register
from marsad.text import NormText, normalize, strip_clitics, tokenize


def geocoder() -> Geocoder:
    """The process-wide geocoder over the current index (rebuilt after a gazetteer import or removal)."""
    return _geocoder(index_key(default_sources()))


@lru_cache(maxsize=1)
def _geocoder(key: str) -> Geocoder:
    return Geocoder(current_index())


@register("geo")
class GeoStage:
    """Find and resolve place names; writes ``doc.places``."""

    name = "geo"
    reads = ("norm", "tokens", "sentences")
    writes = ("places",)

    def __init__(self, keep_unresolved: bool = False) -> None:
        self.geocoder = geocoder()
        self.geocoder.admin_lookup()  # load imported boundaries now, once, not inside the first document
        self.keep_unresolved = keep_unresolved

    def __call__(self, doc: Document) -> Document:
        nt = doc.norm if doc.norm is not None else normalize(doc.text)
        toks = doc.tokens if doc.tokens else tokenize(nt)
        tops = self.geocoder.geocode(nt, toks, doc.entities, doc.outlet)
        for t in tops:
            if t.rejected or (t.place is None and not self.keep_unresolved):
                continue
            score = t.chosen.score if t.chosen else 0.0
            doc.places.append(PlaceMention(t.start, t.end, doc.text[t.start:t.end], t.place, len(t.candidates),
                                           round(score, 3), t.modifier))
        return doc


#: ``(text layer, {position: _word_before result})`` of the last document asked about (one per event otherwise)
_WORDS_BEFORE: tuple[NormText, dict[int, tuple[str, str]]] | None = None


def _word_before(doc: Document, pos: int) -> tuple[str, str]:
    """The folded word before original offset ``pos`` and the clitics of the word at ``pos``."""
    global _WORDS_BEFORE
    nt = doc.norm
    if nt is None:
        return _read_word_before(normalize(doc.text), pos)
    last = _WORDS_BEFORE
    if last is None or last[0] is not nt:
        last = _WORDS_BEFORE = (nt, {})
    got = last[1].get(pos)
    if got is None:
        got = last[1][pos] = _read_word_before(nt, pos)
    return got


def _read_word_before(nt: NormText, pos: int) -> tuple[str, str]:
    """:func:`_word_before` on a text layer, not memoized."""
    i = nt.from_original(pos)
    before = nt.key[max(0, i - 30):i].split()
    here = nt.key[i:i + 20].split()[:1]
    clitic = strip_clitics(here[0])[0] if here else ""
    return (before[-1] if before else ""), clitic


def _is_origin(doc: Document, pm: PlaceMention) -> bool:
    return _origin_words(*_word_before(doc, pm.start))


def _origin_words(prev: str, clitic: str) -> bool:
    """«من X», «انطلاقا من X», «منX»: the word before a place (or its clitic) names where an attack came from."""
    return prev == "من" or prev.endswith("انطلاقا") or clitic.endswith("من")


def _copy(pm: PlaceMention) -> Place:
    assert pm.place is not None
    return dataclasses.replace(pm.place)


def event_location(doc: Document, start: int, end: int, anchor: int) -> Place | None:
    """The place of an event whose clause is ``doc.text[start:end]`` and whose trigger is at ``anchor``.

    Within the clause: the most specific place (codebook §4): places named as an attack's origin («من X»),
    whole countries and regions/provinces (precision 3) come last; then «في/ب + place» before others, then
    places after the trigger before places before it, nearest first. Without a place in the clause: the nearest
    place earlier in the same sentence, then in the previous sentences (nearest first), then the article's main
    place (the most named non-country place), then a country named in the article. Returns a copy.
    """
    placed = [pm for pm in doc.places if pm.place is not None]
    if not placed:
        return None
    c = cues()

    def key(pm: PlaceMention) -> tuple:
        assert pm.place is not None
        prev, clitic = _word_before(doc, pm.start)
        origin = _origin_words(prev, clitic)
        country = pm.place.feature == "country"
        after = pm.start >= anchor
        in_prep = prev in ("في", "داخل") or clitic.endswith("ب") or prev in c.prepositions
        dist = pm.start - anchor if after else (anchor - pm.end) + 10_000
        region = pm.place.geo_precision >= 3
        return (origin, country, region, not in_prep, dist)

    clause = [pm for pm in placed if start <= pm.start and pm.end <= end]
    if clause:
        return _copy(min(clause, key=key))
    earlier = [pm for pm in placed if pm.end <= start]
    fine = [pm for pm in earlier if pm.place and pm.place.feature != "country" and not _is_origin(doc, pm)]
    if fine:
        return _copy(max(fine, key=lambda pm: pm.start))
    counts: dict[str, int] = {}
    for pm in placed:
        if pm.place and pm.place.feature != "country":
            counts[pm.place.id or pm.place.name] = counts.get(pm.place.id or pm.place.name, 0) + 1
    if counts:
        top = max(counts.items(), key=lambda kv: kv[1])[0]
        return _copy(next(pm for pm in placed if pm.place and (pm.place.id or pm.place.name) == top))
    return _copy(placed[0])
