"""Readers: files and streams → :class:`~marsad.model.Document`.

Every reader yields documents and reports problems through an ``on_error``
callback (an :class:`~marsad.errors.InputError` with a code and a clear
message) instead of raising, so one bad line or file never loses the rest.

Formats: ``.txt`` (one article per file), ``.jsonl`` (the document format of
``shared/docs/formats.md``), ``.html``/``.htm`` (main text extracted with
trafilatura), ``.csv`` (one article per row, with a ``text`` column), RSS/Atom
feeds (``.xml``/``.rss``/``.atom``, read with feedparser), and ``-`` for
standard input (JSONL when its first character is ``{``, else plain text).
:func:`walk` lists the readable files of folders (recursively) and
:func:`read_url` reads a feed from a ``file://`` or ``http(s)://`` URL.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from marsad.errors import InputError
from marsad.model import Document

ErrorHandler = Callable[[InputError], None]

#: bytes of a file above which a warning is given (the file is still read whole)
LARGE_INPUT = 20 * 1024 * 1024

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
HTML_SUFFIXES = (".html", ".htm")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
#: the file suffixes :func:`walk` picks up in folders
SUPPORTED_SUFFIXES = frozenset((".txt", ".csv", *JSONL_SUFFIXES, *HTML_SUFFIXES, *FEED_SUFFIXES))
#: CSV column names accepted for the article text, the id, the date, the outlet (first match wins, any case)
CSV_COLUMNS = {
    "text": ("text", "body", "content", "article"),
    "id": ("id", "doc_id", "guid"),
    "published": ("published", "date", "pubdate", "published_at"),
    "outlet": ("outlet", "source", "site"),
    "url": ("url", "link"),
    "title": ("title", "headline"),
}
#: seconds to wait for a feed URL
FEED_TIMEOUT = 30


_LINE_BREAK = re.compile("\r\n|\r|\n")


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
    # lines end at \n, \r\n or \r only (as in Spark/Hadoop): str.splitlines() would also cut at U+2028,
    # U+0085…, which JSON strings may hold as they are
    for n, line in enumerate(_LINE_BREAK.split(content), 1):
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
    yield from read_bytes(data, name, stem, suffix, on_error=on_error, published=published, outlet=outlet)


def read_bytes(data: bytes, name: str, stem: str, suffix: str, *, on_error: ErrorHandler = _raise,
               published: date | None = None, outlet: str | None = None) -> Iterator[Document]:
    """Documents from the bytes of one input; ``suffix`` (lower case, with its dot) picks the format.

    ``name`` is used in messages and ``stem`` as the id of a one-article file. This is
    :func:`read_path` without the file system, for callers that read the bytes themselves (Spark).
    """
    if suffix in FEED_SUFFIXES:
        yield from read_feed_bytes(data, name, on_error=on_error, published=published, outlet=outlet)
        return
    try:
        content = decode(data, name)
    except InputError as e:
        on_error(e)
        return
    if suffix in JSONL_SUFFIXES or (suffix == "" and content.lstrip().startswith("{")):
        yield from read_jsonl_text(content, name, on_error=on_error, published=published, outlet=outlet)
        return
    if suffix in HTML_SUFFIXES:
        try:
            yield read_html(content, name, stem, published=published, outlet=outlet)
        except InputError as e:
            on_error(e)
        return
    if suffix == ".csv":
        yield from read_csv_text(content, name, stem, on_error=on_error, published=published, outlet=outlet)
        return
    if not content.strip():
        on_error(InputError(f"{name}: the input is empty; give a file with some text", code="E103"))
        return
    yield Document(id=stem, text=content, published=published, outlet=outlet)


# --------------------------------------------------------------------------- folders


def walk(paths: Iterable[str], *, on_error: ErrorHandler = _raise) -> Iterator[str]:
    """Expand folders (recursively, sorted, hidden entries skipped) into the readable files they hold.

    Files named directly are passed through whatever their suffix (and ``-`` for stdin);
    a missing path is reported through ``on_error``.
    """
    for path in paths:
        if path == "-":
            yield path
            continue
        p = Path(path)
        if not p.exists():
            on_error(InputError(f"{path}: no such file or folder", code="E101"))
        elif p.is_dir():
            found = False
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if any(part.startswith(".") for part in rel) or not f.is_file():
                    continue
                if f.suffix.lower() in SUPPORTED_SUFFIXES:
                    found = True
                    yield str(f)
            if not found:
                on_error(InputError(f"{path}: the folder holds no readable files "
                                    f"({', '.join(sorted(SUPPORTED_SUFFIXES))})", code="E101"))
        else:
            yield str(p)


# --------------------------------------------------------------------------- HTML


def read_html(content: str, name: str, stem: str, *, published: date | None = None,
              outlet: str | None = None) -> Document:
    """One article from an HTML page: trafilatura extracts the main text, title, date, site name and URL."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(content, with_metadata=True, include_comments=False,
                                             include_tables=False, favor_precision=True)
    except Exception as e:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(f"{name}: the HTML cannot be parsed ({type(e).__name__}); check the file", code="E107") from e
    meta: dict[str, Any] = {}
    if result is not None:
        meta = result if isinstance(result, dict) else result.as_dict()
    text = (meta.get("text") or "").strip()
    if not text:
        raise InputError(f"{name}: no article text found in the HTML page; give the article page itself",
                         code="E107")
    try:
        pub = parse_date(meta.get("date")) if meta.get("date") else None
    except InputError:
        pub = None
    return Document(id=stem, text=text, published=pub or published, outlet=meta.get("sitename") or outlet,
                    url=meta.get("url"), title=meta.get("title"))


class _TextOfHTML(HTMLParser):
    """Visible text of an HTML fragment, with line breaks at block elements."""

    BLOCKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
                        "article", "ul", "ol", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (an RSS summary): tags dropped, entities decoded, blank lines folded."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    parser = _TextOfHTML()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- CSV


def _column(fields: list[str], role: str) -> str | None:
    lower = {f.strip().lower(): f for f in fields if f}
    for cand in CSV_COLUMNS[role]:
        if cand in lower:
            return lower[cand]
    return None


def read_csv_text(content: str, name: str, stem: str, *, on_error: ErrorHandler = _raise,
                  published: date | None = None, outlet: str | None = None) -> Iterator[Document]:
    """Articles from a CSV file with a header row; the text column is ``text`` (or body/content/article)."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content, newline=""), dialect=dialect)
    fields = list(reader.fieldnames or [])
    cols = {role: _column(fields, role) for role in CSV_COLUMNS}
    if cols["text"] is None:
        on_error(InputError(f"{name}: no text column (looked for {', '.join(CSV_COLUMNS['text'])}); "
                            f"the header has {', '.join(fields) or 'nothing'}", code="E107"))
        return
    try:
        for n, row in enumerate(reader, 2):
            where = f"{name}:{n}"
            rec = {role: (row.get(col) or "").strip() if col else None for role, col in cols.items()}
            rec["text"] = row.get(cols["text"]) or ""
            if not rec["id"]:
                rec["id"] = f"{stem}-{n}"
            try:
                yield doc_from_record(rec, where, published=published, outlet=outlet)
            except InputError as e:
                on_error(e)
    except csv.Error as e:
        on_error(InputError(f"{name}: malformed CSV ({e}); the rest of the file was skipped", code="E107"))


# --------------------------------------------------------------------------- RSS / Atom


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return date(t.tm_year, t.tm_mon, t.tm_mday)
    return None


def read_feed_bytes(data: bytes, name: str, *, on_error: ErrorHandler = _raise, published: date | None = None,
                    outlet: str | None = None) -> Iterator[Document]:
    """Articles from an RSS or Atom feed: each entry's full content (else its summary), title, link and date."""
    import feedparser

    if not data.strip():
        on_error(InputError(f"{name}: the input is empty; give a file with some text", code="E103"))
        return
    feed = feedparser.parse(data)
    if not feed.entries:
        why = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        on_error(InputError(f"{name}: not an RSS/Atom feed or a feed without entries{why}", code="E108"))
        return
    site = feed.feed.get("title") or outlet
    for n, entry in enumerate(feed.entries, 1):
        where = f"{name}: entry {n}"
        body = ""
        if entry.get("content"):
            body = max((c.get("value") or "" for c in entry.content), key=len)
        if not body.strip():
            body = entry.get("summary") or entry.get("description") or ""
        rec = {"id": entry.get("id") or entry.get("link") or f"{Path(name).stem}-{n}",
               "text": html_to_text(body), "url": entry.get("link"), "title": entry.get("title"),
               "outlet": site}
        try:
            doc = doc_from_record(rec, where, published=published, outlet=outlet)
        except InputError as e:
            on_error(e)
            continue
        doc.published = _entry_date(entry) or published
        yield doc


def read_url(url: str, *, on_error: ErrorHandler = _raise, published: date | None = None,
             outlet: str | None = None) -> Iterator[Document]:
    """Articles from a feed URL (``file://``, ``http://`` or ``https://``)."""
    if not url.startswith(("http://", "https://", "file://")):
        on_error(InputError(f"{url}: a feed must be an http://, https:// or file:// URL", code="E108"))
        return
    try:
        req = urllib.request.Request(url, headers={"User-Agent": "marsad feed reader"})
        with urllib.request.urlopen(req, timeout=FEED_TIMEOUT) as resp:
            data = resp.read()
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        on_error(InputError(f"{url}: the feed cannot be fetched ({reason}); check the URL and the network",
                            code="E108"))
        return
    yield from read_feed_bytes(data, url, on_error=on_error, published=published, outlet=outlet)
