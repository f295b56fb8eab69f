"""Fast, clitic-aware multi-pattern matching of lexicon entries over matching keys.

A :class:`Lexicon` holds surface forms (any spelling: they are folded with
:func:`marsad.text.fold`) with a payload each, compiled into one Aho–Corasick
automaton (``pyahocorasick``). :meth:`Lexicon.find` scans a
:class:`~marsad.text.NormText` key once and returns non-overlapping matches
(longest first) with original offsets.

Boundaries are clitic-aware: a match may start inside a word only when what
precedes it in that word is a proclitic sequence (و ف ب ل ك س, with or
without the article), so «والميليشيات», «بمدينة» and «للتحالف» match
«ميليشيات», «مدينة» and «التحالف». A match may end inside a word only when
the entry allows suffixes (e.g. nationality adjectives: «إيراني» in
«الإيرانية») and the rest of the word is one of :data:`SUFFIXES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Generic, TypeVar

import ahocorasick

from marsad.text import _PROCLITIC_SET, NormText, fold

T = TypeVar("T")

#: inflectional suffixes an entry with ``suffixes=True`` may carry (folded)
SUFFIXES: frozenset[str] = frozenset({"ه", "ون", "ين", "ات", "ان", "يه", "يون", "يين", "تين", "تان", "ي"})

#: first words that are often written joined to the next («ديرالزور», «ابوكمال»)
_JOINABLE = frozenset({"دير", "ابو", "ابي", "عبد", "راس", "تل", "بيت", "بني", "ام", "عين", "كفر", "جسر", "بير", "ال"})

#: entries starting with the article also match after ل with the article's alef dropped («للتحالف»)
_LAM = "ل"


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    start: int  # original offsets
    end: int
    nstart: int  # normalized offsets
    nend: int
    text: str  # original text of the match (without clitics)
    key: str  # the folded lexicon key that matched
    payloads: tuple[T, ...]
    prefix: str = ""  # proclitics before the match, folded


@dataclass(slots=True)
class _Entry(Generic[T]):
    key: str
    payloads: list[T] | tuple[T, ...]
    suffixes: bool
    lam_variant: bool  # pattern is the «لل» form of an «ال» entry: requires a ل before it
    # filled by Lexicon.compile(): what find() needs per hit, computed once
    size: int = 0
    frozen: tuple[T, ...] = ()
    article: bool = False  # key starts with the article «ال»


_new = object.__new__
#: the slot setters of Match, in field order: a Match is built without its frozen dataclass __init__
_SET_MATCH = tuple(Match.__dict__[f].__set__ for f in
                   ("start", "end", "nstart", "nend", "text", "key", "payloads", "prefix"))


#: the layout of a compiled :class:`Lexicon`; pickles made with another layout are recompiled when loaded
FORMAT = 2


class Lexicon(Generic[T]):
    """A compiled set of surface forms → payloads."""

    def __init__(self, entries: Iterable[tuple[str, T]] = (), *, suffixes: bool = False) -> None:
        self._patterns: dict[str, _Entry[T]] = {}
        self._auto: Any = None
        self._format = FORMAT
        self._default_suffixes = suffixes
        #: the :class:`MultiLexicon` that scans this lexicon together with others, and this lexicon's slot in it
        self._group: MultiLexicon | None = None
        self._slot = 0
        for surface, payload in entries:
            self.add(surface, payload)

    def __len__(self) -> int:
        return len(self._patterns)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the group: a :class:`MultiLexicon` belongs to the process that made it."""
        return {**self.__dict__, "_group": None, "_slot": 0}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle; an automaton compiled by another version of this class is dropped and rebuilt on use."""
        if state.get("_format") != FORMAT:
            state = {**state, "_auto": None, "_format": FORMAT}
        self.__dict__.update({"_group": None, "_slot": 0, **state})
        if self._auto is not None:
            for e in self._patterns.values():  # pickled by a version that kept lists: the same, as tuples
                if type(e.payloads) is list:
                    e.payloads = e.frozen

    def add(self, surface: str, payload: T, *, suffixes: bool | None = None) -> None:
        key = " ".join(fold(surface).split())
        if len(key) < 2:
            return
        sfx = self._default_suffixes if suffixes is None else suffixes
        for variant in _variants(key):
            self._put(variant, payload, sfx, False)
            if variant.startswith("ال") and len(variant) > 3:
                self._put(_LAM + variant[2:], payload, sfx, True)
        self._auto = None
        if self._group is not None:
            self._group._auto = None

    def _put(self, key: str, payload: T, suffixes: bool, lam: bool) -> None:
        e = self._patterns.get(key)
        if e is None:
            self._patterns[key] = _Entry(key, [payload], suffixes, lam)
        else:
            if payload not in e.payloads:
                e.payloads = [*e.payloads, payload]  # a tuple once compiled
            e.suffixes = e.suffixes or suffixes
            e.lam_variant = e.lam_variant and lam

    def compile(self) -> None:
        auto = ahocorasick.Automaton()
        for key, e in self._patterns.items():
            e.size = len(e.key)
            e.payloads = e.frozen = tuple(e.payloads)  # a tuple of atoms is no work for the garbage collector
            e.article = e.key.startswith("ال")
            auto.add_word(key, e)
        if len(self._patterns):
            auto.make_automaton()
        self._auto = auto

    def find(self, nt: NormText, *, overlapping: bool = False) -> list[Match[T]]:
        """Matches over ``nt.key`` with original offsets: non-overlapping (longest first, then leftmost)
        in text order, or every accepted match ordered by start, longest first (``overlapping=True``)."""
        group = self._group
        if group is not None:
            raw: Iterable[tuple[int, _Entry[T]]] = group._raw(nt, self)
        else:
            if self._auto is None:
                self.compile()
            if not self._patterns:
                return []
            raw = self._auto.iter(nt.key)
        hits = _accept(raw, nt.key)
        if not hits:
            return []
        if overlapping:
            hits.sort(key=_by_start_longest)
        else:
            hits = _longest_hits(hits)
        starts, ends, original = nt.starts, nt.ends, nt.original
        out: list[Match[T]] = []
        add = out.append
        f0, f1, f2, f3, f4, f5, f6, f7 = _SET_MATCH
        for a, b, e, prefix in hits:
            s, t = starts[a], ends[b - 1]  # = nt.to_original(a, b) for 0 <= a < b <= n
            m = _new(Match)  # Match(...) without the frozen dataclass __init__ (half the cost; the same object)
            f0(m, s)
            f1(m, t)
            f2(m, a)
            f3(m, b)
            f4(m, original[s:t])
            f5(m, e.key)
            f6(m, e.frozen)
            f7(m, prefix)
            add(m)
        return out


def _accept(raw: Iterable[tuple[int, _Entry[T]]], key: str) -> list[tuple[int, int, _Entry[T], str]]:
    """The automaton's hits ``(end index, entry)`` that sit on clitic-aware word boundaries, as
    ``(nstart, nend, entry, proclitics)``.

    The cheap right-boundary test comes first: most hits the automaton reports inside a word
    end before more letters and have no suffixes allowed, so they are dropped without looking back.
    """
    n = len(key)
    hits: list[tuple[int, int, _Entry[T], str]] = []
    add = hits.append
    for end_idx, e in raw:
        b = end_idx + 1
        # right boundary: the end of a word, or (when the entry allows it) before a suffix
        inside = b < n and key[b].isalpha()
        if inside and not e.suffixes:
            continue
        a = b - e.size
        # left boundary: start of a word, or after a proclitic sequence
        if a > 0 and key[a - 1].isalpha():
            ws = a - 1
            while ws > 0 and key[ws - 1].isalpha():
                ws -= 1
            prefix = key[ws:a]
            if e.lam_variant:
                # the «لل» form: the pattern's own ل must follow a ل clitic (optionally و/ف before it)
                if prefix not in _LAM_PREFIXES:
                    continue
            elif prefix not in _PROCLITIC_SET:
                continue
            elif e.article and prefix.endswith("ال"):
                continue
        elif e.lam_variant:
            continue
        else:
            prefix = ""
        if inside:
            we = b + 1
            while we < n and key[we].isalpha():
                we += 1
            if key[b:we] not in SUFFIXES:
                continue
        add((a, b, e, prefix))
    return hits


class MultiLexicon:
    """Several lexicons scanned in one pass over a text: one automaton holds the patterns of all.

    Made once over lexicons that are matched against the same texts (the event vocabulary's
    triggers, weapons, cue words…). Afterwards each member's :meth:`Lexicon.find` works as
    before, with the same results, but the first member asked about a :class:`NormText` scans
    it for every member at once; the raw hits of the last text scanned are kept for the others.
    A lexicon belongs to at most one group; adding entries to a member recompiles the group on use.
    """

    def __init__(self, lexicons: Iterable[Lexicon[Any]]) -> None:
        self.members: tuple[Lexicon[Any], ...] = tuple(lexicons)
        for slot, lex in enumerate(self.members):
            if lex._group is not None and lex._group is not self:
                raise ValueError("a lexicon can belong to one MultiLexicon only")
            lex._group, lex._slot = self, slot
        self._auto: Any = None
        self._empty = True
        #: ``(text, raw hits per member)`` of the last text scanned
        self._last: tuple[NormText, list[list[tuple[int, _Entry[Any]]]]] | None = None

    def compile(self) -> None:
        """Build the shared automaton: every pattern key → the ``(slot, entry)`` pairs of the members that have it."""
        table: dict[str, list[tuple[int, _Entry[Any]]]] = {}
        for slot, lex in enumerate(self.members):
            if lex._auto is None:
                lex.compile()  # fills each entry's size, payload tuple and article flag
            for key, e in lex._patterns.items():
                table.setdefault(key, []).append((slot, e))
        auto = ahocorasick.Automaton()
        for key, pairs in table.items():
            # with the pairs whose entry allows suffixes apart: the only ones a hit inside a word can be for
            auto.add_word(key, (tuple(pairs), tuple(p for p in pairs if p[1].suffixes)))
        if table:
            auto.make_automaton()
        self._empty = not table
        self._last = None
        self._auto = auto

    def find_all(self, nt: NormText) -> list[list[Match[Any]]]:
        """Every member's :meth:`Lexicon.find` of ``nt``, in member order (one scan)."""
        return [lex.find(nt) for lex in self.members]

    def _raw(self, nt: NormText, lex: Lexicon[Any]) -> list[tuple[int, _Entry[Any]]]:
        """The automaton hits ``(end index, entry)`` of member ``lex`` in ``nt.key``, in the order its own automaton
        reports them (by end, longest first), less those that :func:`_accept` drops first: a hit that ends inside a
        word, for an entry without suffixes."""
        last = self._last
        if last is None or last[0] is not nt or self._auto is None:
            if self._auto is None:
                self.compile()
            buckets: list[list[tuple[int, _Entry[Any]]]] = [[] for _ in self.members]
            if not self._empty:
                key = nt.key
                n = len(key)
                for end_idx, (pairs, suffixed) in self._auto.iter(key):
                    b = end_idx + 1
                    if b < n and key[b].isalpha():  # inside a word: only an entry with suffixes may end here
                        if not suffixed:
                            continue
                        pairs = suffixed
                    for slot, e in pairs:
                        buckets[slot].append((end_idx, e))
            last = self._last = (nt, buckets)
        return last[1][lex._slot]


_LAM_PREFIXES = frozenset({"ل", "ول", "فل"})


def _by_start_longest(h: tuple[int, int, Any, str]) -> tuple[int, int]:
    return (h[0], -h[1])


def _by_length_then_start(h: tuple[int, int, Any, str]) -> tuple[int, int]:
    return (h[0] - h[1], h[0])


def _longest_hits(hits: list[tuple[int, int, _Entry[T], str]]) -> list[tuple[int, int, _Entry[T], str]]:
    """Non-overlapping hits ``(nstart, nend, entry, prefix)``, longest first, then leftmost (as :func:`_longest`),
    in text order.

    The greedy choice only matters inside a group of hits that overlap one another (a connected component
    of the overlap graph): hits are swept from the right, each group is resolved on its own and a lone hit
    is kept as it is.
    """
    if len(hits) < 2:
        return hits
    hits.sort(key=_END)  # the automaton reports hits by end already: this is a linear check
    chosen: list[tuple[int, int, _Entry[T], str]] = []
    group: list[tuple[int, int, _Entry[T], str]] = []
    low = hits[-1][1]  # the leftmost start of the current group
    for h in reversed(hits):
        if h[1] > low:  # overlaps a hit of the group (they all end at or after this one ends)
            group.append(h)
            if h[0] < low:
                low = h[0]
            continue
        if len(group) == 1:  # a lone hit (the common case, without the call)
            chosen.append(group[0])
        elif group:
            _choose(group, chosen)
        group = [h]
        low = h[0]
    _choose(group, chosen)
    chosen.reverse()  # groups were taken right to left, each one's hits right to left
    return chosen


_END = itemgetter(1)
_START = itemgetter(0)


def _choose(group: list[tuple[int, int, _Entry[T], str]], chosen: list[tuple[int, int, _Entry[T], str]]) -> None:
    """Append the greedy choice of one group of overlapping hits (longest first, then leftmost) to ``chosen``."""
    if len(group) == 1:
        chosen.append(group[0])
        return
    if len(group) == 2:  # two that overlap: the longer, then the leftmost (= min by _by_length_then_start)
        x, y = group
        lx, ly = x[1] - x[0], y[1] - y[0]
        chosen.append(x if lx > ly or (lx == ly and x[0] < y[0]) else y)
        return
    low = min(h[0] for h in group)
    taken = bytearray(group[0][1] - low)  # 1 where a kept hit lies (the group's first hit ends last)
    kept: list[tuple[int, int, _Entry[T], str]] = []
    for h in sorted(group, key=_by_length_then_start):
        a, b = h[0] - low, h[1] - low
        if taken.find(1, a, b) >= 0:
            continue
        kept.append(h)
        taken[a:b] = b"\x01" * (b - a)
    kept.sort(key=_START, reverse=True)  # chosen is built right to left
    chosen.extend(kept)


def _variants(key: str) -> set[str]:
    """The key plus spellings that join a short first word to the next («ديرالزور», «ابوكمال»)."""
    out = {key}
    words = key.split(" ")
    joins = [i for i in range(len(words) - 1) if words[i] in _JOINABLE]
    for chosen in ([i] for i in joins):
        out.add(_join(words, set(chosen)))
    if len(joins) > 1:
        out.add(_join(words, set(joins)))
    return out


def _join(words: list[str], at: set[int]) -> str:
    out = words[0]
    for i in range(1, len(words)):
        out += ("" if i - 1 in at else " ") + words[i]
    return out


def _longest(matches: list[Match[T]]) -> list[Match[T]]:
    """Non-overlapping matches, longest first, then leftmost."""
    chosen: list[Match[T]] = []
    taken = bytearray(max((m.nend for m in matches), default=0))  # 1 where a chosen match lies: linear, not quadratic
    for m in sorted(matches, key=lambda m: (-(m.nend - m.nstart), m.nstart)):
        if any(taken[m.nstart:m.nend]):
            continue
        chosen.append(m)
        taken[m.nstart:m.nend] = b"\x01" * (m.nend - m.nstart)
    chosen.sort(key=lambda m: m.nstart)
    return chosen
