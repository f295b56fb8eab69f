"""Readers for HTML, CSV, RSS/Atom, folders and feed URLs (fixtures under tests/fixtures/ingest)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from marsad.errors import InputError
from marsad.readers import html_to_text, read_path, read_url, walk

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"


def read_all(path: Path | str, **kw: object) -> tuple[list, list[InputError]]:
    errors: list[InputError] = []
    docs = list(read_path(str(path), on_error=errors.append, **kw))  # type: ignore[arg-type]
    return docs, errors


def test_html_main_text_and_metadata() -> None:
    docs, errors = read_all(FIX / "page.html")
    assert errors == [] and len(docs) == 1
    d = docs[0]
    assert "كفرنبودة" in d.text and "قصف مدفعي" in d.text
    assert "الرئيسية" not in d.text and "جميع الحقوق" not in d.text  # navigation and footer dropped
    assert d.id == "page" and d.published == date(2024, 3, 12)
    assert d.outlet == "شبكة المرصد التجريبية" and d.url == "https://example.org/news/hama-shelling"
    assert d.title == "قصف مدفعي على بلدة في ريف حماة"


def test_html_without_article_text_is_reported(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>صفحة</title><script>var a = 1;</script></head><body></body></html>",
                 encoding="utf-8")
    docs, errors = read_all(p)
    assert docs == [] and errors[0].code == "E107" and "no article text" in errors[0].args[0]


def test_csv_rows_with_text_column() -> None:
    docs, errors = read_all(FIX / "articles.csv")
    assert errors == []
    assert [d.id for d in docs] == ["csv-1", "csv-2"]
    assert docs[0].published == date(2024, 2, 20) and docs[0].outlet == "صحيفة الاختبار"
    assert docs[0].title == "انفجار عبوة ناسفة" and docs[0].text.startswith("انفجرت عبوة ناسفة")


def test_csv_semicolons_missing_ids_and_bad_rows(tmp_path: Path) -> None:
    p = tmp_path / "mixed.csv"
    p.write_text("Body;Date\n\"اشتباكات في بلدة؛ مقتل اثنين\";2024-01-05\n;2024-01-06\nتظاهرة في المدينة;01/02/2024\n",
                 encoding="utf-8")
    docs, errors = read_all(p, outlet="X")
    assert [d.id for d in docs] == ["mixed-2"]
    assert docs[0].text == "اشتباكات في بلدة؛ مقتل اثنين" and docs[0].published == date(2024, 1, 5)
    assert docs[0].outlet == "X"
    assert {e.code for e in errors} == {"E105", "E106"}  # the empty text row and the non-ISO date


def test_csv_without_text_column_is_reported(tmp_path: Path) -> None:
    p = tmp_path / "notext.csv"
    p.write_text("id,headline\n1,عنوان\n", encoding="utf-8")
    docs, errors = read_all(p)
    assert docs == [] and errors[0].code == "E107" and "no text column" in errors[0].args[0]


def test_rss_entries() -> None:
    docs, errors = read_all(FIX / "feed.rss")
    assert errors == [] and len(docs) == 2
    first = docs[0]
    assert first.id == "https://example.org/news/1" and first.url == "https://example.org/news/1"
    assert first.published == date(2024, 3, 6) and first.outlet == "وكالة الأنباء التجريبية"
    assert "<p>" not in first.text and "مأرب" in first.text
    assert first.text.count("\n") == 1  # two paragraphs, one line each
    assert docs[1].published == date(2024, 3, 7)


def test_atom_entry_content() -> None:
    docs, errors = read_all(FIX / "sub" / "feed.atom.xml")
    assert errors == [] and len(docs) == 1
    d = docs[0]
    assert d.id == "urn:example:atom-entry-1" and d.url == "https://example.net/articles/dz-drone"
    assert d.published == date(2024, 4, 2) and "الميادين" in d.text and "<" not in d.text


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    p = tmp_path / "config.xml"
    p.write_text("<?xml version='1.0'?><config><a>1</a></config>", encoding="utf-8")
    docs, errors = read_all(p)
    assert docs == [] and errors[0].code == "E108"


def test_html_to_text() -> None:
    assert html_to_text("<p>سطر &amp; أول</p><p>سطر <b>ثان</b></p><script>x()</script>") == "سطر & أول\nسطر ثان"
    assert html_to_text("نص عادي") == "نص عادي"


def test_txt_and_jsonl_unchanged() -> None:
    docs, errors = read_all(FIX / "note.txt", published=date(2024, 1, 1), outlet="O")
    assert errors == [] and docs[0].id == "note" and docs[0].published == date(2024, 1, 1)
    docs, errors = read_all(FIX / "sub" / "reports.jsonl")
    assert errors == [] and [d.id for d in docs] == ["fx-1", "fx-2"]


def test_folder_is_still_an_error_for_read_path() -> None:
    docs, errors = read_all(FIX)
    assert docs == [] and errors[0].code == "E101"


def test_walk_recurses_sorted_and_skips_hidden_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("a.txt", "b/c.html", "b/d.csv", "e.jsonl", "f.xml", "g.pdf", ".hidden.txt", ".git/x.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    errors: list[InputError] = []
    got = [Path(p).relative_to(tmp_path).as_posix() for p in walk([str(tmp_path)], on_error=errors.append)]
    assert got == ["a.txt", "b/c.html", "b/d.csv", "e.jsonl", "f.xml"]
    assert errors == []
    list(walk([str(tmp_path / "missing")], on_error=errors.append))
    assert errors[0].code == "E101"


def test_walk_passes_files_through() -> None:
    assert list(walk([str(FIX / "note.txt"), "-"])) == [str(FIX / "note.txt"), "-"]


def test_feed_from_file_url() -> None:
    docs = list(read_url((FIX / "feed.rss").as_uri()))
    assert [d.id for d in docs] == ["https://example.org/news/1", "https://example.org/news/2"]


@pytest.fixture
def http_root() -> Iterator[str]:
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(FIX))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_feed_over_loopback_http(http_root: str) -> None:
    docs = list(read_url(f"{http_root}/sub/feed.atom.xml"))
    assert [d.id for d in docs] == ["urn:example:atom-entry-1"]
    errors: list[InputError] = []
    assert list(read_url(f"{http_root}/missing.rss", on_error=errors.append)) == []
    assert errors[0].code == "E108" and "cannot be fetched" in errors[0].args[0]


def test_feed_url_scheme_is_checked() -> None:
    errors: list[InputError] = []
    assert list(read_url("ftp://example.org/feed", on_error=errors.append)) == []
    assert errors[0].code == "E108"
