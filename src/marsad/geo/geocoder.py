"""Toponym recognition and resolution over the text layer.

:class:`Geocoder` finds place names in a :class:`~marsad.text.NormText` with the
gazetteer's clitic-aware matcher, reads the words around each name (trigger
words such as «مدينة/قرية/ريف/معبر/مطار», directions «شرقي/جنوب», «قرب»,
the countryside direction after «ريف X الشرقي», the «X بريف Y» container),
drops false toponyms, and ranks the candidate places of each name.

Ranking (:meth:`Geocoder.rank`) — every candidate place of a name gets a score
that is a sum of explainable parts (shown by ``marsad geocode``):

``feature``
    the feature-class prior: a populated place, an administrative unit or a
    well-known region before a building or a road (:data:`marsad.geo.entry.FEATURES`);
``prominence``
    ``0.15·log10(1+population) + 0.02·min(alternate names, 40)`` — big,
    often-named places first;
``source``
    +1.0 for the curated file (it is written for the news we read), +0.3 for an
    imported authoritative gazetteer;
``exact``
    +0.3 when the text spells the name as the gazetteer does (before folding of
    hamza/ta marbuta/alef maqsura), so «حماة» prefers the entry written «حماة»;
``trigger``
    +2.5 when the word before the name names the candidate's feature class
    («محافظة حلب» → the governorate, «مطار X» → an airport), +1.0 when a
    «قرية/بلدة/مدينة» trigger meets a populated place;
``country``/``admin1``
    agreement with the other places of the article, as CLAVIN and CLIFF do:
    +2.0 × the share of the other names' current best places in the candidate's
    country, +0.5 × the share in its admin1;
``near``
    +1.5 when the candidate lies within 25 km of another name's best place,
    +0.75 within 75 km;
``in``
    +2.5 when an «X في/بريف/شرقي Y» pattern puts the name inside Y and the
    candidate lies within Y (same admin1, or within 60 km of a town Y, 150 km of
    a province/region Y, or in country Y);
``outlet``
    +0.3 when the candidate lies in the outlet's usual country (a weak prior);
``nation``
    +1.5 when a nationality adjective next to the name names the candidate's
    country («العاصمة التركية أنقرة», «مدينة رفح المصرية»);
``foreign``
    −1.5 for a place outside the Arab world and Israel when the article names
    nothing else in its country (the Arabic-script names of foreign towns in
    GeoNames often spell ordinary Arabic words: «ليل», «أن», «هوية»); not for a
    big city (:data:`PROMINENT_FOREIGN`), which is
    taken after a preposition or a trigger word even when its country is not named.

Context parts use the previous round's choices; two rounds are run, so the
result does not depend on the order of names. Names then rejected as
toponyms (common words, foreign towns without their country…) are dropped and
the rest are ranked again without their votes. Ties break on the entry id,
so the ranking is deterministic.
"""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import Any

from marsad import resources
from marsad.geo.entry import FEATURES, POPULATED, GeoEntry, km, offset
from marsad.geo.index import GeoIndex, current_index, name_key
from marsad.model import Entity, Place
from marsad.text import PROCLITICS, NormText, Token, fold, normalize, strip_clitics, tokenize

#: how far a countryside with a direction («ريف حلب الشمالي») lies from the town, in km
COUNTRYSIDE_KM = 25.0
#: at most this many candidates of one name are scored with context
MAX_CANDIDATES = 40
#: population from which a place is prominent enough to be taken without any cue
PROMINENT_POPULATION = 100_000
#: population from which a city outside :data:`NEAR` is taken without its country named in the article
#: (Kandahar, Peshawar, Mogadishu…), when the text spells its Arabic name and a preposition or a trigger
#: word introduces it
PROMINENT_FOREIGN = 300_000
#: places outside these countries need their country named in the article (or a cue) to be taken
NEAR = frozenset("SY IQ YE LB PS IL JO EG SA AE QA BH KW OM SD SS LY TN DZ MA MR SO DJ KM EH".split())
#: score parts that depend on the other names of the article (recomputed every round)
_CONTEXT_PARTS = frozenset({"country", "admin1", "near", "in", "foreign"})
_QUOTES = frozenset('"\'«»“”„(')
#: trigger words that can introduce an unknown name («قرية X في ريف Y»)
_SINGLE_TRIGGERS = {"قرية": "village", "بلدة": "town", "حي": "neighbourhood", "مخيم": "camp", "منطقة": "area",
                    "مدينة": "city", "حقل": "field", "قاعدة": "base", "معسكر": "base", "ناحية": "admin3",
                    "مديرية": "admin2", "قضاء": "admin2"}
_WORDS_OR_PUNCT = re.compile(r"[^\W_]+|[^\w\s]")
_WORD = re.compile(r"[^\W\d_]+")
_TOKEN_KEY = itemgetter(4)  # Token.key
_TOKEN_NSTART = itemgetter(2)  # Token.nstart
#: trigger classes of buildings and sites: a common word after them («مقر الحكومة») never names a town
_FACILITY_TRIGGERS = frozenset({"facility", "base"})
_AREAL = frozenset({"country", "admin1", "admin2", "region", "countryside", "sea", "river"})


@dataclass(frozen=True, slots=True)
class Cues:
    """Folded cue words from ``resources/geo/triggers.json``."""

    features: dict[str, str]
    countryside: frozenset[str]
    near: frozenset[str]
    directions: dict[str, int]
    in_links: frozenset[str]
    person_titles: frozenset[str]
    stopnames: frozenset[str]
    prepositions: frozenset[str]
    outlets: dict[str, str]
    feature_words: dict[str, str]
    media_words: frozenset[str]
    ambiguous: frozenset[str]
    outlet_names: frozenset[str]


def _k(s: str) -> str:
    return " ".join(fold(s).split())


@lru_cache(maxsize=65536)
def _split(word: str) -> tuple[str, str]:
    """``strip_clitics`` with a cache (cue words repeat a lot)."""
    return strip_clitics(word)


@lru_cache(maxsize=65536)
def _plain(s: str) -> str:
    """A name as written, without diacritics/tatweel, spaces collapsed (for the ``exact`` part)."""
    return " ".join(normalize(s).text.split())


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The cue words, loaded and folded once per process."""
    d = resources.load_json("geo/triggers.json")
    outlets = resources.load_json("geo/outlets.json")
    return Cues(
        features={_k(w): f for w, f in d["features"].items()},
        countryside=frozenset(_k(w) for w in d["countryside"]),
        near=frozenset(_k(w) for w in d["near"]),
        directions={_k(w): b for w, b in d["directions"].items()},
        in_links=frozenset(_k(w) for w in d["in_links"]),
        person_titles=frozenset(_k(w) for w in d["person_titles"]),
        stopnames=frozenset(_k(w) for w in d["stopnames"]),
        prepositions=frozenset(_k(w) for w in d["prepositions"]),
        outlets={k.lower(): v for k, v in outlets["outlets"].items()},
        feature_words={f: _k(w) for f, w in d.get("feature_words", {}).items()},
        media_words=frozenset(_k(w) for w in d.get("media_words", [])),
        ambiguous=frozenset(_k(w) for w in d.get("ambiguous_names", [])),
        outlet_names=frozenset(_k(w) for w in d.get("outlet_names", [])),
    )


@dataclass(slots=True)
class Candidate:
    """One possible place for a toponym, with its score and the parts that make it up."""

    entry: GeoEntry
    score: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Toponym:
    """A place name found in the text, with its cue words and ranked candidates.

    ``start``/``end`` (original offsets) cover the whole phrase («جنوب مدينة الحسكة»,
    «ريف دير الزور الشرقي»); ``name_start``/``name_end`` only the name.
    """

    start: int
    end: int
    name_start: int
    name_end: int
    nstart: int  # normalized offsets of the phrase
    nend: int
    key: str  # folded name
    surface: str  # the name as written (original text)
    trigger: str | None = None  # feature class named by the word before
    #: "countryside" («ريف X»), "near" («قرب X», «جنوب مدينة X»), "direction" (a bearing from X of another
    #: named place: «الميادين شرقي دير الزور»), "in" (an unknown name inside X)
    modifier: str | None = None
    bearing: int | None = None  # a direction (degrees) of the countryside or of the relative position
    prep: str = ""  # the preposition before the phrase («في», «ب», «من» …)
    container: int | None = None  # index of the toponym that contains this one («X بريف Y»)
    candidates: list[Candidate] = field(default_factory=list)
    source: str = "gazetteer"  # or "crf", "trigger"
    listed: bool = False  # follows another name in a list («X وY», «X، Y»)
    inherited: bool = False  # the trigger/countryside cue comes from the first name of the list
    adjective_like: bool = False  # «ال…» right after a definite word without a clitic: «القوات العراقية»
    nation: str | None = None  # country of a nationality adjective next to the name («التركية»)
    chosen: Candidate | None = None
    place: Place | None = None
    rejected: str | None = None  # why the name was not taken as a toponym

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def outlet_country(outlet: str | None) -> str | None:
    """The usual country of an outlet (``resources/geo/outlets.json``), matched on a substring."""
    if not outlet:
        return None
    low = outlet.lower()
    for k, v in cues().outlets.items():
        if k in low:
            return v
    return None


class Geocoder:
    """Finds and resolves toponyms; one per process (it holds the index)."""

    def __init__(self, index: GeoIndex | None = None) -> None:
        self.index = index or current_index()
        self.cues = cues()
        self._admin = None
        #: ``(id(entry), surface, trigger, nation, outlet country)`` → static parts (entries live as long as the index)
        self._static_memo: dict[tuple[int, str, str | None, str | None, str | None],
                                tuple[tuple[str, float], ...]] = {}
        #: ``(id(entry), id(container entry))`` → :func:`_inside` (a pure function of the two entries)
        self._inside_memo: dict[tuple[int, int], bool] = {}
        #: every feature word with every proclitic sequence before it → its feature class
        self._feature_forms = {p + w: f for w, f in self.cues.features.items() for p in ("", *PROCLITICS)
                               if not (p.endswith("ال") and w.startswith("ال"))}
        #: nationality adjectives (folded, with and without the article) → country code, derived from country names
        self._nisba = _nisba_forms(self.index)
        #: the singular trigger words that may introduce a name missing from the gazetteer
        self._single_forms = {p + _k(w): f for w, f in _SINGLE_TRIGGERS.items() for p in ("", *PROCLITICS)
                              if not p.endswith("ال")}

    # ------------------------------------------------------------------ recognition

    def find(self, nt: NormText, tokens: list[Token] | None = None,
             entities: list[Entity] | None = None) -> list[Toponym]:
        """Toponyms of a text, in order, before ranking (``rejected`` ones included)."""
        toks = tokens if tokens is not None else tokenize(nt)
        tstarts = list(map(_TOKEN_NSTART, toks))
        out: list[Toponym] = []
        for m in self.index.lexicon.find(nt):
            if m.prefix.endswith("ال") and not m.key.startswith("ال"):
                continue  # «السورية» is an adjective, not «سورية»
            if "ك" in m.prefix or "س" in m.prefix:
                continue  # «كبيرة», «سفينة»: a place name takes neither «ك» nor the future «س»
            ti = bisect_right(tstarts, m.nstart) - 1
            if ti < 0:
                continue
            top = Toponym(m.start, m.end, m.start, m.end, m.nstart, m.nend, m.key, m.text)
            pre = m.prefix[:-2] if m.prefix.endswith("ال") else m.prefix
            top.prep = pre[-1:] if pre and pre[-1] in "بل" else ""
            if not m.prefix and ti >= 1 and m.key.startswith("ال") and toks[ti - 1].key.startswith("ال") \
                    and toks[ti - 1].nend + 1 == m.nstart:
                top.adjective_like = True
            self._left_context(top, toks, ti, bool(m.prefix))
            self._right_context(top, toks, nt)
            self._nationality(top, toks, tstarts)
            first, _, rest = m.key.partition(" ")
            ids = list(m.payloads)
            if rest and first in self.cues.features and not top.trigger:
                top.trigger = self.cues.features[first]  # the name itself starts with a trigger word
                ids.extend(i for i in self.index.by_key.get(rest, ()) if i not in ids)  # «مدينة رفح»: any Rafah
            if not m.prefix and m.key[:1] in "وبفل" and len(m.key) >= 4:
                # «وجدة»: Oujda, or «و» + Jeddah — let the article's context decide
                ids.extend(i for i in self.index.by_key.get(m.key[1:], ()) if i not in ids)
            top.candidates = [Candidate(self.index.entries[i]) for i in ids]
            out.append(top)
        self._lists(out, nt)
        self._feature_named(out)
        if entities:
            self._crf_names(out, entities, nt)
        self._unknown_with_trigger(out, toks, nt)
        out.sort(key=lambda t: t.nstart)
        self._containers(out, nt)
        self._filter(out, nt, toks, entities or [])
        # «X شرقي Y» is a bearing from Y (modifier "direction"); «في جنوب مدينة Y» is a part of Y ("near")
        bearings = {t.container for t in out if t.container is not None and not t.rejected}
        for i, t in enumerate(out):
            if t.modifier == "direction" and i not in bearings:
                t.modifier = "near"
        return out

    def _left_context(self, top: Toponym, toks: list[Token], ti: int, has_prefix: bool) -> None:
        c = self.cues
        j = ti - 1
        if has_prefix:  # the name's own word carries a clitic: nothing of the phrase stands before it
            self._prep_before(top, toks, ti, False)
            return
        first_is_cue = False
        if j >= 0 and toks[j].key in _QUOTES:  # «قرية "أم حوش"», «وقاعدة "حرير"»
            j -= 1
        if j >= 0:
            _p, stem = _split(toks[j].key)
            word = toks[j].key
            if word in c.features or stem in c.features:
                top.trigger = c.features.get(word) or c.features[stem]
                top.start, top.nstart = toks[j].start, toks[j].nstart
                first_is_cue = True
                j -= 1
            elif word in c.countryside or stem in c.countryside:
                top.modifier = "countryside"
                top.start, top.nstart = toks[j].start, toks[j].nstart
                first_is_cue = True
                j -= 1
        # directions / near words before the (trigger +) name: «جنوب مدينة الحسكة», «بالقرب من مدينة ديار بكر»
        if j >= 0 and top.modifier is None:
            w1 = toks[j].key
            w2 = toks[j - 1].key + " " + w1 if j >= 1 else ""
            _p1, s1 = _split(w1)
            if w2 in c.directions:
                top.modifier, top.bearing = "direction", c.directions[w2]
                top.start, top.nstart = toks[j - 1].start, toks[j - 1].nstart
                j -= 2
                first_is_cue = True
            elif w1 in c.directions or s1 in c.directions:
                top.modifier, top.bearing = "direction", c.directions.get(w1, c.directions.get(s1))
                top.start, top.nstart = toks[j].start, toks[j].nstart
                j -= 1
                first_is_cue = True
            elif w1 in c.near or s1 in c.near or (w1 == "من" and j >= 1 and (
                    toks[j - 1].key in c.near or w2 in c.near)):
                top.modifier = "near"
                k = j - 1 if w1 == "من" else j
                top.start, top.nstart = toks[k].start, toks[k].nstart
                j = k - 1
                first_is_cue = True
        self._prep_before(top, toks, j + 1, first_is_cue)

    def _nationality(self, top: Toponym, toks: list[Token], tstarts: list[int]) -> None:
        """«العاصمة التركية أنقرة», «مدينة سروج التركية»: a nationality adjective next to the name."""
        i = bisect_right(tstarts, top.nstart) - 1
        j = bisect_right(tstarts, top.nend - 1)
        for k in (i - 1, j):
            if 0 <= k < len(toks):
                cc = self._nisba.get(toks[k].key)
                if cc:
                    top.nation = cc
                    return

    def _prep_before(self, top: Toponym, toks: list[Token], first: int, first_is_cue: bool) -> None:
        """The preposition before the phrase: a clitic on its first (cue) word, or the word before it."""
        if first_is_cue and first < len(toks):
            p, _stem = _split(toks[first].key)
            p = p[:-2] if p.endswith("ال") else p
            if p and p[-1] in "بل" and not top.prep:
                top.prep = p[-1]
        if first <= 0:
            return
        prev = toks[first - 1].key
        if prev in self.cues.prepositions:
            top.prep = prev

    def _right_context(self, top: Toponym, toks: list[Token], nt: NormText) -> None:
        """«ريف X الشرقي»: the direction after a countryside."""
        if top.modifier != "countryside":
            return
        rest = list(_WORD.finditer(nt.key, top.nend, min(len(nt.key), top.nend + 40)))
        for n in (3, 2, 1):
            if len(rest) < n:
                continue
            words = " ".join(m.group() for m in rest[:n])
            gap = nt.key[top.nend:rest[0].start()]
            if words in self.cues.directions and words.startswith("ال") and not gap.strip():
                top.bearing = self.cues.directions[words]
                top.end = nt.to_original(rest[0].start(), rest[n - 1].end())[1]
                top.nend = rest[n - 1].end()
                return

    def _lists(self, out: list[Toponym], nt: NormText) -> None:
        """«ريفي اللاذقية وإدلب», «بلدات البصيرة، الصبحة والدحلة»: later names inherit the cue of the first."""
        for a, b in itertools.pairwise(out):
            gap = nt.key[a.nend:b.nstart].strip()
            if gap not in ("و", "،", ",", "، و", ", و", "او", "أو", "-", "–"):
                continue
            b.listed = True
            if b.trigger or b.modifier:
                continue
            if not (a.trigger or a.modifier == "countryside"):
                continue
            b.trigger = a.trigger
            b.inherited = True
            if a.modifier == "countryside":
                b.modifier = "countryside"
            b.prep = b.prep or a.prep

    def _feature_named(self, out: list[Toponym]) -> None:
        """«مطاري دمشق وحلب», «قاعدة الشدادي»: with a facility trigger, also «مطار X»/«قاعدة X» entries of the index."""
        for t in out:
            word = self.cues.feature_words.get(t.trigger or "")
            if not word or t.key.startswith(word + " "):
                continue
            have = {c.entry.id for c in t.candidates}
            for i in self.index.by_key.get(word + " " + t.key, ()):
                e = self.index.entries[i]
                if e.id not in have:
                    t.candidates.append(Candidate(e))
                    have.add(e.id)

    def _crf_names(self, out: list[Toponym], entities: list[Entity], nt: NormText) -> None:
        """CRF ``LOC`` entities that no gazetteer name covers: looked up by their exact folded name."""
        for e in entities:
            if e.label != "LOC" or e.source != "crf":
                continue
            if any(t.name_start < e.end and e.start < t.name_end for t in out):
                continue
            cands = self.index.lookup(e.text)
            a = nt.from_original(e.start)
            b = nt.from_original(e.end - 1) + 1 if e.end > e.start else a
            top = Toponym(e.start, e.end, e.start, e.end, a, b, name_key(e.text), e.text, source="crf")
            top.candidates = [Candidate(x) for x in cands]
            out.append(top)

    def _unknown_with_trigger(self, out: list[Toponym], toks: list[Token], nt: NormText) -> None:
        """«قرية X في ريف Y», «حي X بY», «قرية "X" جنوب Y» with X unknown: a toponym coded to Y.

        X is one or two words right after a singular trigger word; then a link word («في», «ب…», «بريف»,
        «،») or a toponym that starts with a direction/near word («جنوب Y», «قرب Y») must follow.
        """
        taken = [(t.nstart, t.nend) for t in out]
        by_start = {t.nstart: t for t in out}
        starts = sorted(by_start)
        links = self.cues.in_links
        forms = self._single_forms
        # the few tokens that are trigger words, found without a Python step per token
        for i in compress(range(len(toks) - 2), map(forms.__contains__, map(_TOKEN_KEY, toks))):
            tok = toks[i]
            feat = forms.get(tok.key)
            if feat is None:
                continue
            quoted = toks[i + 1].key in _QUOTES
            first = i + 1 + quoted
            if first >= len(toks):
                continue
            nxt = toks[first]
            if any(a <= nxt.nstart < b for a, b in taken) or not nxt.is_word or nxt.key in self._feature_forms:
                continue
            if nxt.key.endswith(("يه", "ي")) and not nxt.key.startswith("ال"):
                continue  # «منطقة سكنية», «قاعدة جوية»: an adjective, not a name
            end_tok = None
            for width in (1, 2):  # «قرية X في …», «حي X Y في …»
                last = toks[first + width - 1] if first + width - 1 < len(toks) else None
                if last is None or not last.is_word or last.key in self.cues.prepositions or (
                        width == 2 and _is_link(last.key, links)):
                    break
                k = bisect_right(starts, last.nend - 1)
                if k >= len(starts):
                    break
                after = by_start[starts[k]]
                gap = [w for w in _WORDS_OR_PUNCT.findall(nt.key[last.nend:after.nstart]) if w not in _QUOTES]
                relative = after.modifier in ("direction", "near") or after.prep == "ب"
                if (gap and len(gap) <= 2 and _is_link(gap[0], links)) or (not gap and relative):
                    end_tok = last
                    break
            if end_tok is None:
                continue
            if end_tok is nxt and (nxt.key in self.cues.stopnames or len(nxt.key) < 3):
                continue
            surface = nt.original[nxt.start:end_tok.end]
            end = end_tok.end + (1 if quoted and end_tok.end < len(nt.original)
                                 and nt.original[end_tok.end] in _QUOTES else 0)
            t = Toponym(tok.start, end, nxt.start, end_tok.end, tok.nstart, end_tok.nend,
                        nt.key[nxt.nstart:end_tok.nend], surface, trigger=feat, modifier="in", source="trigger")
            self._prep_before(t, toks, i, True)
            for o in out:  # a gazetteer word inside the unknown name («حي بستان القصر») is not a place
                if t.nstart <= o.nstart and o.nend <= t.nend and o.source == "gazetteer":
                    o.rejected = "part of a longer name"
            out.append(t)
            taken.append((t.nstart, t.nend))

    def _containers(self, out: list[Toponym], nt: NormText) -> None:
        """«X بريف Y», «X في Y», «X، Y», «X جنوب Y»: Y contains X (used by the ``in`` part and for unknown X)."""
        live = [i for i, t in enumerate(out) if not t.rejected]
        for ia, ib in itertools.pairwise(live):
            a, b = out[ia], out[ib]
            words = _gap_words(nt.key, a.nend, b.nstart, 3)
            if len(words) > 2:
                continue
            gap = " ".join(words)
            if gap:
                link = gap in self.cues.in_links or (gap in ("في", "من", "،", ",") and b.modifier == "countryside")
            else:
                link = b.prep == "ب" or b.modifier in ("countryside", "direction", "near") or bool(b.trigger)
            if link:
                a.container = ib

    def _filter(self, out: list[Toponym], nt: NormText, toks: list[Token], entities: list[Entity]) -> None:
        c = self.cues
        # by start, with the longest length: a blocker that overlaps [ns, ne) starts after ns - longest and
        # before ne, so two bisections find the few to test (instead of a test of every blocker per name)
        blockers = sorted((e.start, e.end) for e in entities if e.label in ("PER", "ACTOR", "ORG", "NORP"))
        bstarts = [b[0] for b in blockers]
        longest = max((b - a for a, b in blockers), default=0)
        tstarts = list(map(_TOKEN_NSTART, toks))
        for t in out:
            if t.source == "trigger":
                continue
            if t.key in c.features or t.key in c.countryside or t.key in c.near or t.key in c.directions:
                t.rejected = "a cue word, not a name"
                continue
            cued = bool(t.trigger or t.modifier in ("countryside",))
            direct = cued and not t.inherited
            if not cued:
                t.candidates = [x for x in t.candidates if not x.entry.extra.get("trigger_only")]
            if not t.candidates and t.source != "crf":
                t.rejected = "no candidate without a trigger word"
                continue
            canon = "ا" + t.key if t.key.startswith("ل") and not t.key.startswith("ال") else t.key
            if not direct and (t.key in c.stopnames or canon in c.stopnames
                               or (t.key[2:] if t.key.startswith("ال") else "") in c.stopnames):
                t.rejected = "common word"
                continue
            if cued:
                continue
            if t.key in c.stopnames:
                t.rejected = "common word"
                continue
            ns, ne = t.name_start, t.name_end
            inside = False
            for s, e in blockers[bisect_right(bstarts, ns - longest):bisect_left(bstarts, ne)]:
                if ns < e and not (s >= ns and e <= ne):  # (s < ne holds for each)
                    inside = True
                    break
            if inside:
                t.rejected = "inside a person/organisation/actor name"
                continue
            a = bisect_right(tstarts, t.nstart) - 1
            if a >= 1 and toks[a].nstart == t.nstart and toks[a - 1].key in c.person_titles:
                t.rejected = "after a person's title"
                continue
            if a >= 1 and (toks[a - 1].key in c.media_words or _split(toks[a - 1].key)[1] in c.media_words):
                t.rejected = "an outlet's name («مراسل الميادين»)"
                continue
            canon_outlet = "ال" + t.key[1:] if t.key.startswith("ل") and not t.key.startswith("ال") else t.key
            if canon_outlet in c.outlet_names and t.prep not in ("في", "ب", "الى", "من", "علي", "قرب"):
                t.rejected = "an outlet's name («للميادين»), not the town"
                continue

    # ------------------------------------------------------------------ ranking

    def rank(self, tops: list[Toponym], *, outlet: str | None = None) -> None:
        """Score and sort every toponym's candidates (see the module docstring), then choose."""
        live = [t for t in tops if not t.rejected]
        ocountry = outlet_country(outlet)
        static: dict[int, dict[str, float]] = {}  # id(candidate) → its static parts (no context part among them)
        for t in live:
            for cand in t.candidates:
                cand.parts = self._static_parts(t, cand.entry, ocountry)
                cand.score = sum(cand.parts.values())
            t.candidates.sort(key=_by_score)
            del t.candidates[MAX_CANDIDATES:]
            for cand in t.candidates:
                static[id(cand)] = cand.parts
        # whether a name has a candidate in the Arab world or Israel: the rounds reorder candidates, never change them
        locals_ = {id(t): any(c.entry.country in NEAR for c in t.candidates) for t in live}
        for _pass in range(2):  # a second pass when names were rejected: they must not vote for the others
            for _round in range(2):
                # a round depends only on the candidates' order (the context) and their static parts: when the
                # first round leaves every order as it was, the second would compute exactly the same again
                before = [id(c) for t in live for c in t.candidates]
                ctx = _Context.of(live)
                for i, t in enumerate(live):
                    cont = tops[t.container] if t.container is not None else None
                    local = locals_[id(t)]
                    for cand in t.candidates:
                        parts = dict(static[id(cand)])
                        parts.update(self._context_parts(i, cand.entry, ctx, cont, parts, local))
                        cand.parts = parts
                        cand.score = sum(parts.values())
                    t.candidates.sort(key=_by_score)
                if before == [id(c) for t in live for c in t.candidates]:
                    break
            for t in live:
                t.chosen = None
                self._accept(t)
            kept = [t for t in live if not t.rejected]
            if len(kept) == len(live):
                break
            live = kept

    def _static_parts(self, t: Toponym, e: GeoEntry, ocountry: str | None) -> dict[str, float]:
        """The parts of a candidate that do not depend on the other names (a fresh dict; memoized per process:
        the same names with the same cues come back in article after article)."""
        k = (id(e), t.surface, t.trigger, t.nation, ocountry)
        got = self._static_memo.get(k)
        if got is None:
            if len(self._static_memo) >= 50_000:
                self._static_memo.clear()
            # kept as a tuple of pairs: immutable, and of atoms only, so the garbage collector soon stops walking it
            got = self._static_memo[k] = tuple(self._static_parts_of(t, e, ocountry).items())
        return dict(got)

    def _static_parts_of(self, t: Toponym, e: GeoEntry, ocountry: str | None) -> dict[str, float]:
        parts = {
            "feature": FEATURES[e.feature][1],
            "prominence": round(0.15 * math.log10(1 + e.population) + 0.02 * min(e.n_names, 40), 3),
        }
        if e.source == "curated":
            parts["source"] = 1.0
        elif e.source.startswith("user:"):
            parts["source"] = 0.3
        surf = _plain(t.surface)
        if any(_plain(n) == surf for n in e.names):
            parts["exact"] = 0.3
        if t.trigger:
            if t.trigger == e.feature or (t.trigger == "admin2" and e.feature in ("admin2", "admin3")):
                parts["trigger"] = 2.5
            elif t.trigger in ("city", "town", "village") and e.feature in POPULATED:
                parts["trigger"] = 1.0
            elif t.trigger == "admin1" and e.feature == "city":
                parts["trigger"] = 0.5
        if ocountry and e.country == ocountry:
            parts["outlet"] = 0.3
        if t.nation and e.country == t.nation:
            parts["nation"] = 1.5
        return parts

    def _context_parts(self, i: int, e: GeoEntry, ctx: _Context, cont: Toponym | None,
                       static: dict[str, float], local: bool = False) -> dict[str, float]:
        """The parts of a candidate that depend on the other names; ``local``: the name also has a candidate
        in the Arab world or Israel (then only a city of a million or more escapes the ``foreign`` part)."""
        parts: dict[str, float] = {}
        own = ctx.tops.get(i)
        total = ctx.total - (1 if own is not None else 0)
        if total > 0:
            cc = ctx.countries.get(e.country, 0) - (1 if own is not None and own.country == e.country else 0)
            if cc > 0 and e.country:
                parts["country"] = _ratio(2.0, cc, total)
            if e.admin1:
                k = (e.country, e.admin1)
                a1 = ctx.admin1.get(k, 0) - (1 if own is not None and (own.country, own.admin1) == k else 0)
                if a1 > 0:
                    parts["admin1"] = _ratio(0.5, a1, total)
            if e.feature not in _AREAL:
                best_km = 1e9
                elat, elon, eid = e.lat, e.lon, e.id
                for olat, olon, j, oid in ctx.coords:  # the cheap box test first
                    if abs(olat - elat) < 0.7 and abs(olon - elon) < 0.9 and j != i and oid != eid:
                        d = km(olat, olon, elat, elon)
                        if d < best_km:
                            best_km = d
                            if best_km <= 25:
                                break
                if best_km <= 25:
                    parts["near"] = 1.5
                elif best_km <= 75:
                    parts["near"] = 0.75
        if (e.country not in NEAR and e.feature != "country" and "country" not in parts and e.source != "curated"
                and "nation" not in static and not (e.feature in POPULATED and e.population >= (
                    1_000_000 if local else PROMINENT_FOREIGN))):
            parts["foreign"] = -1.5
        if cont is not None and cont.candidates and not cont.rejected:
            memo = self._inside_memo
            for c in cont.candidates[:5]:
                k = (id(e), id(c.entry))
                inside = memo.get(k)
                if inside is None:
                    if len(memo) >= 50_000:
                        memo.clear()
                    inside = memo[k] = _inside(e, c.entry)
                if inside:
                    parts["in"] = 2.5
                    break
        return parts

    def _accept(self, t: Toponym) -> None:
        """Choose the best candidate, or reject the name when it is too weak to be a place here."""
        if t.source == "trigger":
            return
        if not t.candidates:
            return
        best = t.candidates[0]
        e = best.entry
        cued = bool(t.trigger or t.modifier in ("countryside", "near", "direction"))
        direct = bool(t.trigger) and not t.inherited
        explicit = t.prep in self.cues.prepositions and t.prep not in ("و", "")
        # a preposition standing as its own word («في قندهار»), not a clitic («باراك» is not ب + «اراك»)
        prominent = (direct or (explicit and len(t.prep) > 1)) and self._prominent_foreign(t, best)
        if "foreign" in best.parts and e.population < 1_000_000 and not prominent:
            t.rejected = "foreign place whose country the article does not name"
            return
        if e.country not in NEAR and e.source != "curated" and e.feature != "country" and not prominent and not (
                (e.population >= 1_000_000 and (explicit or direct or "country" in best.parts or "nation" in best.parts))
                or (direct and ("country" in best.parts or "nation" in best.parts))):
            t.rejected = "foreign town without its country and a cue"
            return
        stop = t.key in self.cues.stopnames or (t.key.startswith("ال") and t.key[2:] in self.cues.stopnames)
        if stop and t.trigger and e.source != "curated" and (
                t.trigger in _FACILITY_TRIGGERS or "country" not in best.parts):
            # «مقر الحكومة», «قاعدتي التحالف», «منطقة السوق الشرقي في نابلس»: a common word after a place word is
            # a place only where the article is (a village of that name elsewhere is a coincidence)
            t.rejected = "a common word after a place word, with no place of that name in the article's countries"
            return
        bare_key = t.key[2:] if t.key.startswith("ال") and t.key[2:] in self.cues.ambiguous else t.key
        # a letter joined to a common word is no preposition for a place («بحجة» is "under the pretext")
        if (t.key in self.cues.ambiguous or bare_key in self.cues.ambiguous) and not t.trigger and not (
                explicit and len(t.prep) > 1
                and ("country" in best.parts or "near" in best.parts or "in" in best.parts)):
            t.rejected = "a town name that is also a common word, without a trigger or a preposition and context"
            return
        strong = cued or any(_strong(c.entry) for c in t.candidates[:8]
                             if c.entry is e or km(c.entry.lat, c.entry.lon, e.lat, e.lon) <= 10)
        if not strong:
            bare = t.key[2:] if t.key.startswith("ال") else t.key
            close = best.parts.get("near", 0) >= 1.5 or "in" in best.parts
            if t.adjective_like:
                t.rejected = "reads as an adjective after a definite noun («القوات العراقية»)"
                return
            if len(bare.replace(" ", "")) <= 3 and not (close or t.listed):
                t.rejected = "short, rare name without a cue or a place close by"
                return
            if not (t.listed or close or (explicit and ("country" in best.parts or e.population > 0))):
                t.rejected = "rare name without a cue, a preposition or a place close by"
                return
        t.chosen = best

    def _prominent_foreign(self, t: Toponym, best: Candidate) -> bool:
        """A big foreign city (national capital or large town, :data:`PROMINENT_FOREIGN`) named by a name that
        is neither a cue-listed common word nor a short (≤ 3 letters) one."""
        e = best.entry
        if e.population < PROMINENT_FOREIGN or e.feature not in POPULATED:
            return False
        bare = t.key[2:] if t.key.startswith("ال") else t.key
        if len(bare.replace(" ", "")) <= 3 or t.adjective_like:
            return False
        return not (t.key in self.cues.ambiguous or bare in self.cues.ambiguous or t.key in self.cues.stopnames)

    # ------------------------------------------------------------------ places

    def resolve(self, tops: list[Toponym], nt: NormText) -> None:
        """Turn each chosen candidate into a :class:`~marsad.model.Place` with precision and admin levels."""
        for t in tops:
            if t.rejected:
                continue
            if t.source == "trigger" or (t.chosen is None and t.container is not None):
                cont = tops[t.container] if t.container is not None else None
                if cont is None or cont.rejected or cont.chosen is None:
                    continue
                base = cont.chosen.entry
                prec = 1 if (t.trigger == "neighbourhood" and base.feature in ("city", "town")) else 2
                t.place = self._place(base, nt.original[t.start:t.end], t, prec, None)
                continue
            if t.chosen is None:
                continue
            e = t.chosen.entry
            prec = e.precision
            bearing = None
            if t.modifier == "countryside":
                if t.bearing is not None and e.feature not in ("countryside", "region", "sea"):
                    prec, bearing = 3, t.bearing
                else:
                    prec = max(prec, 2)
            elif t.modifier in ("near", "direction"):
                prec = max(prec, 2)
            t.place = self._place(e, nt.original[t.start:t.end], t, prec, bearing)

    def _place(self, e: GeoEntry, mention: str, t: Toponym, precision: int, bearing: int | None) -> Place:
        lat, lon = e.lat, e.lon
        if bearing is not None:
            dist = COUNTRYSIDE_KM * (1.6 if e.feature in ("admin1", "admin2") else 1.0)
            lat, lon = offset(lat, lon, bearing, dist)
        admin1, admin2, admin3 = e.admin1, e.admin2, e.admin3
        if e.feature == "admin1" and not admin1:
            admin1 = e.name
        lookup = self.admin_lookup()
        if lookup is not None:
            hit = lookup.locate(lat, lon)
            if hit:
                admin1 = hit.get(1) or admin1
                admin2 = hit.get(2) or admin2
                admin3 = hit.get(3) or admin3
        return Place(name=e.name, latitude=lat, longitude=lon, name_ar=e.name_ar, mention=mention, country=e.country,
                     admin1=admin1, admin2=admin2, admin3=admin3, geo_precision=precision, id=e.id,
                     feature=e.feature, start=t.start, end=t.end)

    def admin_lookup(self) -> Any:
        """The point-in-polygon lookup over imported boundaries, or None when none are imported."""
        if self._admin is None:
            from marsad.geo.admin import AdminLookup

            self._admin = AdminLookup.load(self.index.shape_files) if self.index.shape_files else False
        return self._admin or None

    # ------------------------------------------------------------------ all together

    def geocode(self, nt: NormText, tokens: list[Token] | None = None, entities: list[Entity] | None = None,
                outlet: str | None = None) -> list[Toponym]:
        """Find, rank and resolve the toponyms of a text."""
        tops = self.find(nt, tokens, entities)
        self.rank(tops, outlet=outlet)
        self.resolve(tops, nt)
        _across_borders(tops, nt)
        return tops


def _by_score(c: Candidate) -> tuple[float, str]:
    """Best score first, then by id (a stable, total order)."""
    return (-c.score, c.entry.id)


@lru_cache(maxsize=4096)
def _ratio(weight: float, n: int, total: int) -> float:
    """``round(weight * n / total, 3)``, memoized: the counts are small and come back in every article, and
    ``round`` to three decimals writes and parses a decimal string (thousands of instructions a call)."""
    return round(weight * n / total, 3)


@dataclass(slots=True)
class _Context:
    """The current best place of every name: counts by country/admin1 and the points of non-areal places."""

    tops: dict[int, GeoEntry]
    countries: Counter
    admin1: Counter
    points: list[tuple[int, GeoEntry]]
    total: int
    #: ``(lat, lon, index, id)`` of every point, for the distance loop
    coords: list[tuple[float, float, int, str]] = field(default_factory=list)

    @classmethod
    def of(cls, live: list[Toponym]) -> _Context:
        tops = {i: t.candidates[0].entry for i, t in enumerate(live) if t.candidates}
        countries: Counter = Counter(e.country for e in tops.values())
        admin1: Counter = Counter((e.country, e.admin1) for e in tops.values() if e.admin1)
        seen: set[str] = set()
        points = []
        for i, e in tops.items():
            if e.feature not in _AREAL and e.id not in seen:
                seen.add(e.id)
                points.append((i, e))
        return cls(tops, countries, admin1, points, len(tops), [(e.lat, e.lon, i, e.id) for i, e in points])


def _nisba_forms(index: GeoIndex) -> dict[str, str]:
    """«تركيا» → «تركي», «التركية», «التركيين»…; «العراق» → «العراقي», «العراقية»… (one-word country names)."""
    out: dict[str, str] = {}
    for e in index.entries:
        if e.feature != "country" or not e.country:
            continue
        for name in e.names[:3]:
            k = name_key(name)
            if " " in k or len(k) < 3:
                continue
            stem = k[2:] if k.startswith("ال") else k
            if stem.endswith(("يا", "يه")):
                stem = stem[:-2]  # «تركيا» → «ترك», «سورية» → «سور»
            elif stem.endswith(("ا", "ه")):
                stem = stem[:-1]  # «أمريكا» → «امريك»
            for suf in ("ي", "يه", "يون", "يين", "يتين", "يان"):
                for art in ("", "ال"):
                    out.setdefault(art + stem + suf, e.country)
    return out


def _gap_words(key: str, start: int, end: int, most: int) -> list[str]:
    """The words and punctuation marks of ``key[start:end]`` other than quotes, the first ``most`` of them
    (a long gap is not read to its end)."""
    out: list[str] = []
    for m in _WORDS_OR_PUNCT.finditer(key, start, end):
        w = m.group()
        if w not in _QUOTES:
            out.append(w)
            if len(out) >= most:
                break
    return out


def _is_link(word: str, links: frozenset[str]) -> bool:
    """A word that joins a place to the larger place after it: «في», «بريف», «شرقي», «،» (or «ب» + the name)."""
    return word in links or (word[:1] == "ب" and len(word) > 3) or (word[:2] == "وب" and len(word) > 4)


def _strong(e: GeoEntry) -> bool:
    """A place prominent enough to be taken without any cue: curated, an admin unit/region/sea, or a big town."""
    return (e.source == "curated" or e.feature in ("country", "admin1", "region", "sea")
            or e.population >= PROMINENT_POPULATION)


def _inside(e: GeoEntry, cont: GeoEntry) -> bool:
    """Whether place ``e`` plausibly lies within place ``cont`` («X بريف Y», «X في Y»)."""
    if e.id == cont.id:
        return False
    if cont.country and e.country and cont.country != e.country and cont.feature != "sea":
        return False
    if cont.feature == "country":
        return e.country == cont.country
    if cont.feature in ("admin1", "region", "countryside") and e.admin1 and e.admin1 == (cont.admin1 or cont.name):
        return True
    limit = 150 if cont.feature in ("admin1", "admin2", "region", "countryside", "sea") else 60
    return km(e.lat, e.lon, cont.lat, cont.lon) <= limit


def main_place(tops: list[Toponym]) -> Toponym | None:
    """The article's main place: the most named non-country place (ties: the first named)."""
    counts: Counter[str] = Counter()
    first: dict[str, Toponym] = {}
    for t in tops:
        if t.place is None or t.place.feature == "country":
            continue
        counts[t.place.id or t.place.name] += 1
        first.setdefault(t.place.id or t.place.name, t)
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], -first[k].start))
    return first[best]


#: words before a country that name its border («عبر الحدود مع سوريا», «على حدود إيران»)
_BORDER_WORDS = frozenset(fold(w) for w in ("الحدود", "حدود", "الحدودي", "الحدودية", "حدودها", "حدوده", "حدودنا",
                                            "بالحدود", "والحدود", "للحدود"))


def _across_borders(tops: list[Toponym], nt: NormText) -> None:
    """Drop a country named as the other side of a border («عبر الحدود مع سوريا») when the article places things
    in another country: the event is on this side, in the article's country, not in the neighbour."""
    placed = [t for t in tops if t.place is not None and not t.rejected]
    for t in placed:
        assert t.place is not None
        if t.place.feature != "country":
            continue
        words = nt.key[max(0, t.nstart - 30):t.nstart].split()[-2:]
        if not words or t.prep or not (words[-1] in _BORDER_WORDS
                                       or (words[-1] == "مع" and len(words) == 2 and words[0] in _BORDER_WORDS)):
            continue
        if any(o.place is not None and o.place.country and o.place.country != t.place.country for o in placed):
            t.rejected = "the neighbour across a border named with another country's places"
            t.place = None
