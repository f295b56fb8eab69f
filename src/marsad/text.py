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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

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
        # = start = max(0, min(start, n)); end = max(start, min(end, n)), without the calls (a hot path)
        if start > n:
            start = n
        elif start < 0:
            start = 0
        if end > n:
            end = n
        if end < start:
            end = start
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
    """Normalize ``original`` for matching, keeping an offset map; never raises on str input.

    Runs of characters that map one-to-one (Arabic letters, ASCII, mapped digits and
    punctuation) are copied in bulk; only the rest goes through the per-character
    path. Whitespace is then collapsed in a second pass that keeps the map.
    """
    if not isinstance(original, str):
        raise TypeError("normalize() takes a str")
    parts: list[str] = []
    starts = array("i")
    ends = array("i")
    pos = 0
    idx = _index(len(original) + 1)
    for m in _BULK_RE.finditer(original):
        a, b = m.span()
        if a > pos:
            _slow(original, pos, a, parts, starts, ends)
        parts.append(m.group())
        starts.extend(idx[a:b])  # array slices: memcpy, not one Python int per character
        ends.extend(idx[a + 1:b + 1])
        pos = b
    if pos < len(original):
        _slow(original, pos, len(original), parts, starts, ends)
    text = _replace_all("".join(parts), _ONE_TO_ONE)
    if _GLUE_RE.search(original) or any(g in original for g in _GLUED_STEMS):
        text, starts, ends = _unglue(original, text, starts, ends)
    if text and (text[0] in " \n" or text[-1] in " \n" or "  " in text or " \n" in text or "\n " in text
                 or "\n\n" in text):  # whitespace to trim or collapse (substring tests: no regex pass)
        text, starts, ends = _collapse_ws(text, starts, ends)
    key = _replace_all(text, _FOLD_PAIRS).lower()
    if len(key) != len(text):  # a rare letter whose lower case is longer: fold one by one
        key = "".join(_fold_char(c) for c in text)
    return NormText(original, text, key, starts, ends)


_INDEX = array("i", range(1 << 16))


def _index(n: int) -> array:
    """``array('i', range(m))`` for some ``m >= n``, built once and grown when a longer text comes."""
    global _INDEX
    if len(_INDEX) < n:
        _INDEX = array("i", range(max(n, 2 * len(_INDEX))))
    return _INDEX


#: a letter that only ends a word (ة, ى) or a tanween mark, right before an Arabic letter: two words written
#: together, as pages do where a link or bold tag stood («المقاومةقاعدة», «صاروخاًعلى»); a match ends at the
#: first letter of the second word
_GLUE_RE = re.compile("[\u0629\u0649\u064b-\u064d][\u064b-\u0652\u0670\u0640]*(?=[\u0621-\u064a])")


#: names printed glued to the words around them (charmap.json ``glued_names``), without their article
_GLUED_STEMS = tuple(n[2:] if n.startswith("ال") else n for n in _CHARMAP.get("glued_names", ()))


def _name_cuts(original: str) -> set[int]:
    """Where a glued name («مراسلالميادين», «للميادينوقوع», «مصادرللميادين») meets the word before or after it:
    before its article (or the «لل» that stands for «ل» + article) when more than clitics precede it, and after it
    when a letter follows."""
    cut: set[int] = set()
    for stem in _GLUED_STEMS:
        i = original.find(stem)
        while i != -1:
            j = i + len(stem)
            if j < len(original) and "\u0621" <= original[j] <= "\u064a":
                cut.add(j)
            if original[i - 2:i] in ("ال", "لل") and i >= 3:
                ws = i - 2
                while ws > 0 and "\u0621" <= original[ws - 1] <= "\u064a":
                    ws -= 1
                left = original[ws:i - 2]
                if left and not is_proclitic(left):
                    cut.add(i - 2)
            i = original.find(stem, j)
    return cut


def _unglue(original: str, text: str, starts: array, ends: array) -> tuple[str, array, array]:
    """Insert a space between glued words. The space maps to the source range of the character before it
    (like one character expanding into two), so every offset still slices the original."""
    cut = {m.end() for m in _GLUE_RE.finditer(original)}  # original index of each second word's first letter
    if _GLUED_STEMS:
        cut |= _name_cuts(original)
    out: list[str] = []
    ns, ne = array("i"), array("i")
    pos = 0
    n = len(text)
    # the first normalized character that comes from each cut (starts never decrease): found by bisection
    # instead of a test on every character
    for c in sorted(cut):
        k = bisect_left(starts, c)
        if 1 <= k < n and starts[k] == c and starts[k - 1] != c and not text[k - 1].isspace():
            out.append(text[pos:k])
            ns.extend(starts[pos:k])
            ne.extend(ends[pos:k])
            out.append(" ")
            ns.append(starts[k - 1])
            ne.append(ends[k - 1])
            pos = k
    out.append(text[pos:])
    ns.extend(starts[pos:])
    ne.extend(ends[pos:])
    return "".join(out), ns, ne


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """One-to-one character replacements (C-speed ``str.replace`` for the few present)."""
    for a, b in pairs:
        if a in text:
            text = text.replace(a, b)
    return text


def _slow(s: str, a: int, b: int, parts: list[str], starts: array, ends: array) -> None:
    for i in range(a, b):
        clean = _clean_char(s[i])
        if clean:
            parts.append(clean)
            starts.extend([i] * len(clean))
            ends.extend([i + 1] * len(clean))


def _collapse_ws(text: str, starts: array, ends: array) -> tuple[str, array, array]:
    """Collapse whitespace runs to one space (one newline if the run has one); trim both ends."""
    out: list[str] = []
    ns, ne = array("i"), array("i")
    lo = len(text) - len(text.lstrip(" \n"))
    hi = len(text.rstrip(" \n"))
    if lo >= hi:
        return "", ns, ne
    pos = lo
    flat = text.replace("\n", " ")  # the same length: a run of spaces in it is a run of [ \n] in the text
    for m in _WS_RUN_RE.finditer(flat, lo, hi):  # runs of two or more inside the trimmed text
        a, b = m.span()
        out.append(text[pos:a])
        ns.extend(starts[pos:a])
        ne.extend(ends[pos:a])
        out.append("\n" if "\n" in text[a:b] else " ")
        ns.append(starts[a])
        ne.append(ends[b - 1])
        pos = b
    out.append(text[pos:hi])
    ns.extend(starts[pos:hi])
    ne.extend(ends[pos:hi])
    return "".join(out), ns, ne


def _build_tables() -> tuple[re.Pattern[str], tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    one = {k: v for k, v in _MAP.items() if len(v) == 1 and k not in _DROP}
    one.update({c: " " for c in "\t\r\f\v"})
    safe = "\u0621-\u063a\u0641-\u064a\u0671-\u0674\u0679-\u06d3\x20-\x7e\n" + "".join(
        re.escape(c) for c in one
    )
    return re.compile(f"[{safe}]+"), tuple(one.items()), tuple(_FOLD.items())


_BULK_RE, _ONE_TO_ONE, _FOLD_PAIRS = _build_tables()
#: two or more spaces: over the text with its line breaks made spaces, the runs of whitespace to collapse. The
#: same runs as ``[ \n]{2,}`` over the text itself, but led by a literal, so the regular expression engine skips to
#: each one at C speed instead of trying a match at every space (a fifth of the instructions)
_WS_RUN_RE = re.compile("  +")


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


class Token(NamedTuple):
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
    """Words (letters/digits) and single punctuation marks, over the matching key."""
    key, starts, ends = nt.key, nt.starts, nt.ends
    new = tuple.__new__  # Token(...) without the NamedTuple __new__ wrapper: same object, less overhead
    out: list[Token] = []
    add = out.append
    # No token spans a space or a line break, so the key is read piece by piece between them (the same
    # length: offsets hold): a piece of letters/digits only (most of them) is one token as it is, and so is a
    # word with one mark before or after it («حلب،», «"قسد»); the regular expression reads the rest.
    pos = 0
    for piece in key.replace("\n", " ").split(" "):
        n = len(piece)
        if n:
            if piece.isalnum():
                add(new(Token, (starts[pos], ends[pos + n - 1], pos, pos + n, piece)))
            elif n > 1 and piece[:-1].isalnum():  # a word, then a mark (or an underscore/odd space: no token)
                e = pos + n - 1
                add(new(Token, (starts[pos], ends[e - 1], pos, e, piece[:-1])))
                mark = piece[-1]
                if mark != "_" and not mark.isspace():
                    add(new(Token, (starts[e], ends[e], e, e + 1, mark)))
            elif n > 1 and piece[1:].isalnum():  # a mark, then a word
                mark = piece[0]
                if mark != "_" and not mark.isspace():
                    add(new(Token, (starts[pos], ends[pos], pos, pos + 1, mark)))
                add(new(Token, (starts[pos + 1], ends[pos + n - 1], pos + 1, pos + n, piece[1:])))
            else:
                for m in _TOKEN_RE.finditer(key, pos, pos + n):
                    a, b = m.span()
                    add(new(Token, (starts[a], ends[b - 1], a, b, m.group())))
        pos += n + 1
    return out


# --------------------------------------------------------------------------- sentences

#: a sentence end: a run of «.!?» before a space, the end or a closing quote/bracket; or a line break. Written as
#: ``[.!?]+(?=\s|$|["'»”)])|\n``, but led by one character class, so that the regular expression engine skips
#: to the next candidate character at C speed instead of trying both branches at every position (the same
#: matches; four times fewer instructions per text)
_SENT_END = re.compile(r"[.!?\n](?:(?<=\n)|[.!?]*(?=\s|$|[\"'»”)]))")


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
