"""A per-document view for event extraction: tokens, sentences and entities in normalized coordinates.

All matching runs on the normalized key (``doc.norm.key``); :class:`DocView`
maps tokens, sentences, entities, places and dates to normalized offsets once
per document so that the rule modules can compare positions cheaply, and maps
any normalized range back to the original text for evidence.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from marsad.model import DateMention, Document, Entity, Evidence, PlaceMention
from marsad.text import NormText, Token, sentence_bounds

#: tokens that end a clause for modality scopes (normalized punctuation)
HARD_BREAKS = frozenset({".", "!", "?", "\n"})
SOFT_BREAKS = frozenset({",", ";", ":", "(", ")", '"', "«", "»", "-"})


@dataclass(slots=True)
class Located:
    """Anything with a normalized range and the object it came from."""

    nstart: int
    nend: int
    obj: object


@dataclass(slots=True)
class DocView:
    doc: Document
    nt: NormText
    tokens: list[Token]
    token_starts: list[int]
    sentences: list[tuple[int, int]]
    actors: list[Located] = field(default_factory=list)
    norps: list[Located] = field(default_factory=list)
    places: list[Located] = field(default_factory=list)
    dates: list[Located] = field(default_factory=list)
    cache: dict[str, object] = field(default_factory=dict)
    #: ``tokens[i].key`` and ``tokens[i].nend`` in token order, built once per document
    token_keys: list[str] = field(default_factory=list)
    token_ends: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Document) -> DocView:
        nt = doc.norm
        if nt is None:
            from marsad.text import normalize

            nt = normalize(doc.text)
        tokens = doc.tokens or []
        if not tokens:
            from marsad.text import tokenize

            tokens = tokenize(nt)
        # _n_start/_n_end inlined (hundreds of calls per document): n_start(p) = min(bisect_right(ends, p), n),
        # n_end(p) = min(bisect_right(ends, p - 1) + 1, n) for p > 0, else 0
        ends, n = nt.ends, len(nt.text)
        if doc.sentences:
            sents = [(min(bisect_right(ends, s.start), n), min(bisect_right(ends, s.end - 1) + 1, n) if s.end > 0 else 0)
                     for s in doc.sentences]
        else:
            sents = sentence_bounds(nt)
        v = cls(doc, nt, tokens, list(map(_NSTART, tokens)), sents,
                token_keys=list(map(_KEY, tokens)), token_ends=list(map(_NEND, tokens)))
        for e in doc.entities:
            if e.label == "ACTOR" and e.attrs.get("actor") is not None:
                v.actors.append(Located(min(bisect_right(ends, e.start), n),
                                        min(bisect_right(ends, e.end - 1) + 1, n) if e.end > 0 else 0, e))
            elif e.label == "NORP":
                v.norps.append(Located(min(bisect_right(ends, e.start), n),
                                       min(bisect_right(ends, e.end - 1) + 1, n) if e.end > 0 else 0, e))
        v.actors.sort(key=_LOCATED_START)
        for p in doc.places:
            v.places.append(Located(min(bisect_right(ends, p.start), n),
                                    min(bisect_right(ends, p.end - 1) + 1, n) if p.end > 0 else 0, p))
        v.places.sort(key=_LOCATED_START)
        for d in doc.dates:
            v.dates.append(Located(min(bisect_right(ends, d.start), n),
                                   min(bisect_right(ends, d.end - 1) + 1, n) if d.end > 0 else 0, d))
        return v

    @staticmethod
    def _n_start(nt: NormText, pos: int) -> int:
        return min(nt.from_original(pos), len(nt.text))

    @staticmethod
    def _n_end(nt: NormText, pos: int) -> int:
        return min(nt.from_original(max(0, pos - 1)) + 1, len(nt.text)) if pos > 0 else 0

    # ------------------------------------------------------------------ positions

    @property
    def key(self) -> str:
        return self.nt.key

    def token_at(self, npos: int) -> int:
        """Index of the token that starts at or after normalized ``npos``."""
        return bisect_left(self.token_starts, npos)

    def token_containing(self, npos: int) -> int:
        """Index of the token containing (or last starting before) normalized ``npos``."""
        i = bisect_right(self.token_starts, npos) - 1
        return i if i > 0 else 0

    def sentence_index(self, npos: int) -> int:
        """Index of the sentence holding normalized ``npos`` (the last one starting before it)."""
        starts = self.cache.get("sentence_starts")
        if starts is None:
            starts = self.cache["sentence_starts"] = [s[0] for s in self.sentences]
        return max(0, bisect_right(starts, npos) - 1)  # type: ignore[arg-type]

    def original(self, nstart: int, nend: int) -> tuple[int, int]:
        return self.nt.to_original(nstart, nend)

    def evidence(self, role: str, nstart: int, nend: int) -> Evidence:
        s, e = self.nt.to_original(nstart, nend)
        return Evidence(role, s, e, self.doc.text[s:e])

    def words_before(self, npos: int, n: int, floor: int = 0) -> list[str]:
        """Up to ``n`` token keys ending before ``npos`` (not before ``floor``), nearest last.

        The keys of the tokens starting before ``npos`` and at or after ``floor``, the last ``n`` of
        them (tokens are in order, so both limits are bisections)."""
        starts = self.token_starts
        j = bisect_left(starts, npos)
        lo = j - n
        if floor > 0:
            f = bisect_left(starts, floor)
            if f > lo:
                lo = f
        if lo < 0:
            lo = 0
        return self.token_keys[lo:j] if lo < j else []

    def words_after(self, npos: int, n: int, ceil: int | None = None) -> list[str]:
        """Up to ``n`` token keys starting at or after ``npos`` and ending by ``ceil`` (default: the end)."""
        j = bisect_left(self.token_starts, npos)
        hi = j + n
        if ceil is not None:
            c = bisect_right(self.token_ends, ceil)
            if c < hi:
                hi = c
        return self.token_keys[j:hi] if j < hi else []

    def in_range(self, items: list[Located], a: int, b: int) -> list[Located]:
        return [x for x in items if x.nstart >= a and x.nend <= b]

    def clitic_prefix(self, npos: int) -> str:
        """Letters of the same word standing before normalized ``npos`` (its proclitics)."""
        key = self.nt.key
        k = npos
        while k > 0 and key[k - 1].isalpha():
            k -= 1
        return key[k:npos]


_NSTART = itemgetter(2)  # Token.nstart
_NEND = itemgetter(3)  # Token.nend
_KEY = itemgetter(4)  # Token.key
_LOCATED_START = attrgetter("nstart")


def place_of(x: Located) -> PlaceMention:
    assert isinstance(x.obj, PlaceMention)
    return x.obj


def entity_of(x: Located) -> Entity:
    assert isinstance(x.obj, Entity)
    return x.obj


def date_of(x: Located) -> DateMention:
    assert isinstance(x.obj, DateMention)
    return x.obj
