"""Arabic text layer that never loses character offsets.

:func:`normalize` turns an original string into a :class:`NormText`:

* ``text`` — a cleaned copy for reading and pattern matching: NFKC applied to
  presentation forms and compatibility characters, diacritics, tatweel and
  bidi/zero-width controls removed, Eastern Arabic and Persian digits turned
  into ASCII digits, Arabic punctuation into its ASCII counterpart, runs of
  whitespace collapsed into one space (or one newline when the run holds a
  line break);
* ``key`` — a *matching key* of exactly the same length as ``text`` that also
  folds alef/hamza forms (أ إ آ ٱ → ا, ؤ → و, ئ → ي), ى → ي, ة → ه, Persian
  letters and Latin case;
* ``starts``/``ends`` — for every character of ``text`` the original code-point
  range it came from, so that any span of ``text``/``key`` maps back to a slice
  of the original with :meth:`NormText.to_original`.

Character maps are data (``resources/charmap.json``), not code.
Tokenization and sentence splitting work on the normalized text and report
original offsets. Proclitics (و ف ب ل ك ال س) are separated by
:func:`strip_clitics` and by the lexicon matcher, never by editing the text.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from marsad import resources

_CHARMAP = resources.load_json("charmap.json")
_DROP: frozenset[str] = frozenset(
    chr(cp) for lo, hi in _CHARMAP["drop_ranges"] for cp in range(int(lo, 16), int(hi, 16) + 1)
)
_MAP: dict[str, str] = {chr(int(k, 16)): v for k, v in _CHARMAP["map"].items()}
_FOLD: dict[str, str] = {chr(int(k, 16)): v for k, v in _CHARMAP["fold"].items()}
_NFKC_RANGES: tuple[tuple[int, int], ...] = tuple(
    (int(lo, 16), int(hi, 16)) for lo, hi in _CHARMAP["nfkc_ranges"]
)


def _needs_nfkc(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _NFKC_RANGES)


@lru_cache(maxsize=8192)
def _clean_char(ch: str) -> str:
    """The cleaned expansion of one original character ('' when dropped)."""
    if ch in _DROP:
        return ""
    if ch in _MAP:
        return _MAP[ch]
    cp = ord(ch)
    if cp < 128:
        return " " if ch in "\t\r\f\v" else ch
    if ch.isspace():
        return "\n" if ch in "\u2028\u2029\x85" else " "
    if _needs_nfkc(cp):
        out = unicodedata.normalize("NFKC", ch)
        out = "".join(_MAP.get(c, c) for c in out if c not in _DROP)
        return "" if out.isspace() else out
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
        return ""
    return ch


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    low = ch.lower()
    return low if len(low) == 1 else ch


@dataclass(frozen=True, slots=True)
class NormText:
    """A normalized view of an original string, with an exact offset map."""

    original: str
    text: str
    key: str
    starts: array
    ends: array

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized half-open range [start, end) to original offsets."""
        n = len(self.text)
        if n == 0:
            return (0, 0)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if start == end:
            pos = self.starts[start] if start < n else len(self.original)
            return (pos, pos)
        return (self.starts[start], self.ends[end - 1])

    def from_original(self, pos: int) -> int:
        """The index of the first normalized character at or after original ``pos``."""
        return bisect_right(self.ends, pos)

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.to_original(start, end)
        return self.original[a:b]


def normalize(original: str) -> NormText:
    """Normalize ``original`` for matching, keeping an offset map; never raises on str input."""
    if not isinstance(original, str):
        raise TypeError("normalize() takes a str")
    out: list[str] = []
    starts = array("i")
    ends = array("i")
    pending_ws: str | None = None
    ws_start = 0
    ws_end = 0
    for i, ch in enumerate(original):
        clean = _clean_char(ch)
        if not clean:
            continue
        for c in clean:
            if c == " " or c == "\n":
                if pending_ws is None:
                    pending_ws, ws_start = c, i
                elif c == "\n":
                    pending_ws = "\n"
                ws_end = i + 1
                continue
            if pending_ws is not None:
                if out:  # leading whitespace is dropped
                    out.append(pending_ws)
                    starts.append(ws_start)
                    ends.append(ws_end)
                pending_ws = None
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    text = "".join(out)
    key = "".join(_fold_char(c) for c in text)
    return NormText(original, text, key, starts, ends)


def fold(s: str) -> str:
    """The matching key of a short string (lexicon entries, queries)."""
    return normalize(s).key


# --------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)

#: proclitic sequences that may stand before a word, on folded keys, longest first
PROCLITICS: tuple[str, ...] = tuple(
    sorted(
        {"و", "ف", "ب", "ل", "ك", "س", "وب", "ول", "وك", "فب", "فل", "فك", "وس", "فس",
         "ال", "وال", "فال", "بال", "كال", "لل", "وبال", "وكال", "ولل", "فبال", "فلل"},
        key=len,
        reverse=True,
    )
)
_PROCLITIC_SET = frozenset(PROCLITICS)


def is_proclitic(prefix: str) -> bool:
    """True when ``prefix`` (a folded key) is a valid proclitic sequence, '' included."""
    return prefix == "" or prefix in _PROCLITIC_SET


def strip_clitics(word: str, min_stem: int = 2) -> tuple[str, str]:
    """Split a folded word into (proclitics, stem); the stem keeps at least ``min_stem`` letters.

    «والميليشيات» → («وال», «ميليشيات»); «بمدينه» → («ب», «مدينه»); «للتحالف» → («لل», «تحالف»).
    """
    for p in PROCLITICS:
        if word.startswith(p) and len(word) - len(p) >= min_stem + (1 if len(p) == 1 else 0):
            return p, word[len(p):]
    return "", word


@dataclass(frozen=True, slots=True)
class Token:
    """A token: original offsets, normalized offsets and its matching key."""

    start: int
    end: int
    nstart: int
    nend: int
    key: str

    @property
    def is_word(self) -> bool:
        return self.key[:1].isalnum()


def tokenize(nt: NormText) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(nt.key):
        a, b = m.span()
        s, e = nt.to_original(a, b)
        out.append(Token(s, e, a, b, m.group()))
    return out


# --------------------------------------------------------------------------- sentences

_SENT_END = re.compile(r"[.!?]+(?=\s|$|[\"'»”)])|\n")


def sentence_bounds(nt: NormText) -> list[tuple[int, int]]:
    """Sentence ranges in *normalized* coordinates (half-open), covering all non-space text."""
    text = nt.text
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if m.group() == "." and _is_abbrev_or_number(text, m.start()):
            continue
        _push(out, text, start, end)
        start = end
    _push(out, text, start, len(text))
    return out


def _is_abbrev_or_number(text: str, dot: int) -> bool:
    before = text[dot - 1] if dot > 0 else ""
    after = text[dot + 1] if dot + 1 < len(text) else ""
    return before.isdigit() and after.isdigit()


def _push(out: list[tuple[int, int]], text: str, a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        out.append((a, b))
