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

from marsad.text import NormText, fold, is_proclitic

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


class Lexicon(Generic[T]):
    """A compiled set of surface forms → payloads."""

    def __init__(self, entries: Iterable[tuple[str, T]] = (), *, suffixes: bool = False) -> None:
        self._patterns: dict[str, _Entry[T]] = {}
        self._auto: Any = None
        self._default_suffixes = suffixes
        for surface, payload in entries:
            self.add(surface, payload)

    def __len__(self) -> int:
        return len(self._patterns)

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
        found: list[Match[T]] = []
        for end_idx, e in self._auto.iter(key):
            a, b = end_idx - len(e.key) + 1, end_idx + 1
            # left boundary: start of a word, or after a proclitic sequence
            ws = a
            while ws > 0 and key[ws - 1].isalpha():
                ws -= 1
            prefix = key[ws:a]
            if e.lam_variant:
                # the «لل» form: the pattern's own ل must follow a ل clitic (optionally و/ف before it)
                if prefix not in ("ل", "ول", "فل"):
                    continue
            elif not is_proclitic(prefix):
                continue
            elif prefix.endswith("ال") and e.key.startswith("ال"):
                continue
            # right boundary
            we = b
            while we < n and key[we].isalpha():
                we += 1
            if we > b and not (e.suffixes and key[b:we] in SUFFIXES):
                continue
            s, t = nt.to_original(a, b)
            found.append(Match(s, t, a, b, nt.original[s:t], e.key, tuple(e.payloads), prefix))
        if overlapping:
            return sorted(found, key=lambda m: (m.nstart, -m.nend))
        return _longest(found)


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
