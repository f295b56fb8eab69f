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
    payloads: list[T]
    suffixes: bool
    lam_variant: bool  # pattern is the «لل» form of an «ال» entry: requires a ل before it
    # filled by Lexicon.compile(): what find() needs per hit, computed once
    size: int = 0
    frozen: tuple[T, ...] = ()
    article: bool = False  # key starts with the article «ال»


_new = object.__new__
_SET_MATCH = tuple(Match.__dict__[f].__set__ for f in
                   ("start", "end", "nstart", "nend", "text", "key", "payloads", "prefix"))


def _match(s: int, t: int, a: int, b: int, text: str, key: str, payloads: tuple[T, ...], prefix: str) -> Match[T]:
    """``Match(...)`` without the frozen dataclass ``__init__`` (half the cost; same object)."""
    m = _new(Match)
    f0, f1, f2, f3, f4, f5, f6, f7 = _SET_MATCH
    f0(m, s)
    f1(m, t)
    f2(m, a)
    f3(m, b)
    f4(m, text)
    f5(m, key)
    f6(m, payloads)
    f7(m, prefix)
    return m


#: the layout of a compiled :class:`Lexicon`; pickles made with another layout are recompiled when loaded
FORMAT = 2


class Lexicon(Generic[T]):
    """A compiled set of surface forms → payloads."""

    def __init__(self, entries: Iterable[tuple[str, T]] = (), *, suffixes: bool = False) -> None:
        self._patterns: dict[str, _Entry[T]] = {}
        self._auto: Any = None
        self._format = FORMAT
        self._default_suffixes = suffixes
        for surface, payload in entries:
            self.add(surface, payload)

    def __len__(self) -> int:
        return len(self._patterns)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle; an automaton compiled by another version of this class is dropped and rebuilt on use."""
        if state.get("_format") != FORMAT:
            state = {**state, "_auto": None, "_format": FORMAT}
        self.__dict__.update(state)

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

    def _put(self, key: str, payload: T, suffixes: bool, lam: bool) -> None:
        e = self._patterns.get(key)
        if e is None:
            self._patterns[key] = _Entry(key, [payload], suffixes, lam)
        else:
            if payload not in e.payloads:
                e.payloads.append(payload)
            e.suffixes = e.suffixes or suffixes
            e.lam_variant = e.lam_variant and lam

    def compile(self) -> None:
        auto = ahocorasick.Automaton()
        for key, e in self._patterns.items():
            e.size = len(e.key)
            e.frozen = tuple(e.payloads)
            e.article = e.key.startswith("ال")
            auto.add_word(key, e)
        if len(self._patterns):
            auto.make_automaton()
        self._auto = auto

    def find(self, nt: NormText, *, overlapping: bool = False) -> list[Match[T]]:
        if self._auto is None:
            self.compile()
        if not self._patterns:
            return []
        key = nt.key
        n = len(key)
        starts, ends, original = nt.starts, nt.ends, nt.original
        hits: list[tuple[int, int, _Entry[T], str]] = []
        for end_idx, e in self._auto.iter(key):
            b = end_idx + 1
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
            # right boundary
            if b < n and key[b].isalpha():
                if not e.suffixes:
                    continue
                we = b + 1
                while we < n and key[we].isalpha():
                    we += 1
                if key[b:we] not in SUFFIXES:
                    continue
            hits.append((a, b, e, prefix))
        if overlapping:
            hits.sort(key=_by_start_longest)
        else:
            hits = _longest_hits(hits)
        out: list[Match[T]] = []
        for a, b, e, prefix in hits:
            s, t = starts[a], ends[b - 1]  # = nt.to_original(a, b) for 0 <= a < b <= n
            out.append(_match(s, t, a, b, original[s:t], e.key, e.frozen, prefix))
        return out


_LAM_PREFIXES = frozenset({"ل", "ول", "فل"})


def _by_start_longest(h: tuple[int, int, Any, str]) -> tuple[int, int]:
    return (h[0], -h[1])


def _by_length_then_start(h: tuple[int, int, Any, str]) -> tuple[int, int]:
    return (h[0] - h[1], h[0])


def _longest_hits(hits: list[tuple[int, int, _Entry[T], str]]) -> list[tuple[int, int, _Entry[T], str]]:
    """Non-overlapping hits ``(nstart, nend, entry, prefix)``, longest first, then leftmost (as :func:`_longest`)."""
    if len(hits) < 2:
        return hits
    chosen = []
    taken = bytearray(max(h[1] for h in hits))  # 1 where a chosen hit lies: linear, not quadratic
    for h in sorted(hits, key=_by_length_then_start):
        a, b = h[0], h[1]
        if taken.find(1, a, b) >= 0:
            continue
        chosen.append(h)
        taken[a:b] = b"\x01" * (b - a)
    chosen.sort(key=_by_start_longest)
    return chosen


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
