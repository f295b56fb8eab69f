"""Readers: files and streams → :class:`~marsad.model.Document`.

Every reader yields documents and reports problems through an ``on_error``
callback (an :class:`~marsad.errors.InputError` with a code and a clear
message) instead of raising, so one bad line or file never loses the rest.

Formats: ``.txt`` (one article per file), ``.jsonl`` (the document format of
``shared/docs/formats.md``), and ``-`` for standard input (JSONL when its first
character is ``{``, else plain text).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from marsad.errors import InputError
from marsad.model import Document

ErrorHandler = Callable[[InputError], None]

#: bytes of a file above which a warning is given (the file is still read whole)
LARGE_INPUT = 20 * 1024 * 1024


def _raise(e: InputError) -> None:
    raise e


def decode(data: bytes, name: str) -> str:
    """Decode bytes as UTF-8 (BOM allowed) or UTF-16 with a BOM; else a clear InputError."""
    if not data.strip():
        raise InputError(f"{name}: the input is empty; give a file with some text", code="E103")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), not text; give UTF-8 text", code="E104")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        for enc in ("cp1256",):  # the usual legacy Arabic encoding; only used when it decodes cleanly to Arabic
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if sum("\u0600" <= c <= "\u06ff" for c in text) > len(text) * 0.3:
                return text
        raise InputError(
            f"{name}: byte {e.start} is not valid UTF-8; convert the file to UTF-8 (e.g. iconv -f cp1256 -t utf-8)",
            code="E102",
        ) from e


def parse_date(value: Any, where: str = "") -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        try:
            return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
        except ValueError as e:
            raise InputError(f"{where}published date {s!r} is not an ISO date (YYYY-MM-DD)", code="E106") from e


def doc_from_record(rec: dict[str, Any], where: str, *, published: date | None = None,
                    outlet: str | None = None) -> Document:
    if not isinstance(rec, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(rec).__name__}", code="E105")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: the field 'text' is missing or empty", code="E105")
    doc_id = rec.get("id")
    if doc_id in (None, ""):
        raise InputError(f"{where}: the field 'id' is missing", code="E105")
    pub = parse_date(rec.get("published"), f"{where}: ") or published
    return Document(id=str(doc_id), text=text, published=pub, outlet=rec.get("outlet") or outlet,
                    url=rec.get("url"), title=rec.get("title"))


def read_jsonl_text(content: str, name: str, *, on_error: ErrorHandler = _raise,
                    published: date | None = None, outlet: str | None = None) -> Iterator[Document]:
    for n, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            on_error(InputError(f"{where}: malformed JSON ({e.msg}); the line was skipped", code="E105"))
            continue
        try:
            yield doc_from_record(rec, where, published=published, outlet=outlet)
        except InputError as e:
            on_error(e)


def read_path(path: str, *, on_error: ErrorHandler = _raise, published: date | None = None,
              outlet: str | None = None) -> Iterator[Document]:
    """Read one path (or ``-`` for stdin) into documents."""
    if path == "-":
        data = sys.stdin.buffer.read()
        name, stem, suffix = "<stdin>", "stdin", ""
    else:
        p = Path(path)
        if not p.exists():
            on_error(InputError(f"{path}: no such file", code="E101"))
            return
        if p.is_dir():
            on_error(InputError(f"{path}: is a folder; give files (or use `marsad ingest` for folders)", code="E101"))
            return
        try:
            data = p.read_bytes()
        except OSError as e:
            on_error(InputError(f"{path}: cannot be read ({e.strerror})", code="E101"))
            return
        name, stem, suffix = str(p), p.stem, p.suffix.lower()
    try:
        content = decode(data, name)
    except InputError as e:
        on_error(e)
        return
    if suffix in (".jsonl", ".ndjson", ".json") or (suffix == "" and content.lstrip().startswith("{")):
        yield from read_jsonl_text(content, name, on_error=on_error, published=published, outlet=outlet)
        return
    if not content.strip():
        on_error(InputError(f"{name}: the input is empty; give a file with some text", code="E103"))
        return
    yield Document(id=stem, text=content, published=published, outlet=outlet)
