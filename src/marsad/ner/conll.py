"""CoNLL files: one token per line (token first, tags after it), a blank line between sentences.

:func:`read_conll` reads tokens and, optionally, one tag column; :func:`write_tagged`
writes ``token<TAB>tag`` lines with the sentence breaks kept. Tags from other corpora
are mapped onto the tagger's label set with :func:`normalize_tag` (``PERS`` → ``PER``,
``GPE``/``FAC`` → ``LOC``, ``MIS*`` → ``MISC``; every other type → ``O``).
Bad files raise :class:`marsad.errors.InputError` naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from marsad.errors import InputError

LABELS = ("PER", "LOC", "ORG", "MISC")

_TYPE_MAP = {
    "PER": "PER", "PERS": "PER", "PERSON": "PER",
    "LOC": "LOC", "LOCATION": "LOC", "GPE": "LOC", "FAC": "LOC",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "MISC": "MISC", "MIS": "MISC",
}


@dataclass(slots=True)
class Sentence:
    """One sentence of a CoNLL file: tokens, their tags (empty when untagged), its first line number
    and how many blank lines stood before it (so that a tagged copy keeps the file's layout)."""

    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    line: int = 0
    blanks_before: int = 0


@dataclass(slots=True)
class ConllFile:
    """The sentences of a CoNLL file and the number of blank lines after the last one."""

    sentences: list[Sentence]
    trailing_blanks: int = 0


def normalize_tag(tag: str) -> str:
    """Map a BIO tag of any supported corpus onto ``O`` or ``B-``/``I-`` + one of :data:`LABELS`."""
    tag = tag.strip()
    if not tag or tag == "O" or "-" not in tag:
        return "O"
    bio, _, typ = tag.partition("-")
    bio = bio.upper()
    if bio not in ("B", "I", "E", "S"):
        return "O"
    typ = typ.upper()
    label = _TYPE_MAP.get(typ)
    if label is None and typ.startswith("MIS"):  # AQMAR's MIS0, MIS1, MIS-1 ...
        label = "MISC"
    if label is None:
        return "O"
    return ("B-" if bio in ("B", "S") else "I-") + label


def repair_bio(tags: list[str]) -> list[str]:
    """Turn an ``I-X`` that does not continue an ``X`` entity into ``B-X``."""
    out: list[str] = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def read_conll(path: str | Path, *, tags: bool = False, tag_column: int = 1) -> ConllFile:
    """Read a CoNLL file. With ``tags``, column ``tag_column`` (0 = token) is read and normalized."""
    p = Path(path)
    try:
        fh = p.open(encoding="utf-8")
    except FileNotFoundError as e:
        raise InputError(f"{p}: no such file; give the path of a CoNLL file", code="E110") from e
    except IsADirectoryError as e:
        raise InputError(f"{p} is a folder; give the path of a CoNLL file", code="E110") from e
    except OSError as e:
        raise InputError(f"{p}: cannot read it ({e.strerror})", code="E110") from e
    with fh:
        try:
            return parse_conll(fh, name=str(p), tags=tags, tag_column=tag_column)
        except UnicodeDecodeError as e:
            raise InputError(f"{p} is not UTF-8 text; convert it to UTF-8 first", code="E111") from e


def parse_conll(lines: Iterable[str], *, name: str = "<input>", tags: bool = False,
                tag_column: int = 1) -> ConllFile:
    """Parse CoNLL lines into sentences (see :func:`read_conll`)."""
    sentences: list[Sentence] = []
    cur = Sentence()
    blanks = 0
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if "\x00" in line:
            raise InputError(f"{name}:{n}: binary data; give a UTF-8 CoNLL text file", code="E111")
        if not line.strip():
            if cur.tokens:
                sentences.append(cur)
                cur = Sentence()
            blanks += 1
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        cols = [c.strip() for c in cols]
        token = cols[0]
        if not token:
            raise InputError(f"{name}:{n}: the line starts with an empty column; the token must come first",
                             code="E112")
        if not cur.tokens:
            cur.line = n
            cur.blanks_before = blanks
            blanks = 0
        cur.tokens.append(token)
        if tags:
            if len(cols) <= tag_column or not cols[tag_column]:
                raise InputError(f"{name}:{n}: no tag in column {tag_column + 1}; a training file needs "
                                 "`token TAG` on every non-blank line", code="E113")
            cur.tags.append(normalize_tag(cols[tag_column]))
    if cur.tokens:
        sentences.append(cur)
        blanks = 0
    if not sentences:
        raise InputError(f"{name}: no tokens found; a CoNLL file has one token per line", code="E114")
    return ConllFile(sentences, blanks)


def write_tagged(out: TextIO, conll: ConllFile, tags: Iterable[list[str]]) -> None:
    """Write ``token<TAB>tag`` lines for the sentences of ``conll``, blank lines as in the input."""
    for sent, sent_tags in zip(conll.sentences, tags, strict=True):
        if len(sent.tokens) != len(sent_tags):
            raise ValueError("tokens and tags differ in length")
        out.write("\n" * sent.blanks_before)
        for tok, tag in zip(sent.tokens, sent_tags, strict=True):
            out.write(f"{tok}\t{tag}\n")
    out.write("\n" * conll.trailing_blanks)
