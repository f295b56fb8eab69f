"""`marsad ingest` through the real pipeline: formats, idempotence, bad inputs, feeds, parallel runs, the corpus."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from marsad.app import App, Config
from marsad.cli import main
from marsad.pipeline import default_pipeline
from marsad.readers import read_path, walk
from marsad.store import open_store

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
N_FIXTURE_DOCS = 9  # page.html 1, articles.csv 2, feed.rss 2, note.txt 1, sub/feed.atom.xml 1, sub/reports.jsonl 2


def ingest_json(*args: str) -> tuple[int, dict]:
    r = subprocess.run([sys.executable, "-m", "marsad", "ingest", "--json", "-q", *args], capture_output=True,
                       timeout=300)
    assert b"Traceback" not in r.stderr, r.stderr.decode()
    return r.returncode, json.loads(r.stdout)


def test_ingest_every_format_then_nothing_more(tmp_path: Path) -> None:
    db = tmp_path / "m.sqlite"
    rc, first = ingest_json(str(FIX), "--db", str(db))
    assert rc == 0, first
    assert first["read"] == N_FIXTURE_DOCS and first["stored"] == N_FIXTURE_DOCS and first["errors"] == []
    assert first["database"]["documents"] == N_FIXTURE_DOCS
    rc, second = ingest_json(str(FIX), "--db", str(db))
    assert rc == 0
    assert second["stored"] == 0 and second["duplicates"] == N_FIXTURE_DOCS and second["events"] == 0
    assert second["database"]["documents"] == N_FIXTURE_DOCS
    assert second["database"]["events"] == first["database"]["events"]


def test_stored_spans_and_events_match_the_pipeline(tmp_path: Path) -> None:
    """What the store keeps for a document is exactly what the pipeline found in it."""
    pipe = default_pipeline()
    want_spans = want_events = 0
    for f in walk([str(FIX)]):
        for doc in read_path(f):
            pipe(doc)
            want_spans += len(doc.entities) + len(doc.places) + len(doc.dates)
            want_events += len(doc.events)
    with App(Config(db=str(tmp_path / "m.sqlite"), dedup=False)) as app:
        report = app.ingest([str(FIX)])
        st = app.store.stats()
    assert report.stored == N_FIXTURE_DOCS
    assert st["spans"] == want_spans and st["reports"] == want_events == report.events


def test_html_document_offsets_point_into_the_stored_text(tmp_path: Path) -> None:
    with App(Config(db=str(tmp_path / "m.sqlite"))) as app:
        app.ingest([str(FIX / "page.html")])
        for se in app.store.list_events():
            for src in se.sources:
                doc = app.store.get_document(src.document_id)
                assert doc is not None
                for ev in src.report.evidence:
                    assert doc.text[ev.start:ev.end] == ev.text


def test_bad_files_are_reported_and_the_rest_is_stored(tmp_path: Path) -> None:
    data = tmp_path / "in"
    shutil.copytree(FIX, data)
    (data / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (data / "empty.txt").write_text("   \n", encoding="utf-8")
    (data / "broken.jsonl").write_text('{"id": "ok-1", "text": "نص سليم عن وقفة احتجاجية في حمص"}\n{oops\n',
                                       encoding="utf-8")
    (data / "notext.csv").write_text("id,title\n1,عنوان\n", encoding="utf-8")
    (data / "junk.xml").write_text("<root/>", encoding="utf-8")
    rc, out = ingest_json(str(data), str(tmp_path / "missing-folder"), "--db", str(tmp_path / "m.sqlite"))
    assert rc == 2
    assert out["stored"] == N_FIXTURE_DOCS + 1  # every good article, the good line of broken.jsonl included
    codes = sorted(e.split("]")[0].strip("[") for e in out["errors"])
    assert codes == ["E101", "E103", "E104", "E105", "E107", "E108"]


def test_summary_and_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["ingest", str(FIX / "note.txt"), "--db", str(tmp_path / "m.sqlite"), "-q"])
    out = capsys.readouterr().out
    assert rc == 0 and "stored 1 new documents" in out and "docs/s" in out
    assert main(["ingest", "--db", str(tmp_path / "m.sqlite")]) == 2
    assert "give at least one PATH" in capsys.readouterr().err
    assert main(["ingest", str(FIX), "--db", "mysql://x/y"]) == 2
    assert "unsupported database URL" in capsys.readouterr().err


def test_feed_file_url(tmp_path: Path) -> None:
    rc, out = ingest_json("--feed", (FIX / "feed.rss").as_uri(), "--db", str(tmp_path / "m.sqlite"))
    assert rc == 0 and out["stored"] == 2
    rc, out = ingest_json("--feed", (FIX / "feed.rss").as_uri(), "--db", str(tmp_path / "m.sqlite"))
    assert out["stored"] == 0 and out["duplicates"] == 2


def test_parallel_ingest_stores_the_same(tmp_path: Path) -> None:
    results = []
    for jobs in (1, 3):
        db = tmp_path / f"j{jobs}.sqlite"
        rc, _ = ingest_json(str(FIX), "--db", str(db), "--jobs", str(jobs))
        assert rc == 0
        with open_store(db) as s:
            results.append(([(se.event.to_dict()["event_type"], se.event.to_dict()["date"],
                              [x.doc_key for x in se.sources]) for se in s.list_events()],
                            s.stats()["spans"], s.stats()["documents"]))
    assert results[0] == results[1]


def test_default_database_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARSAD_DB", raising=False)
    with App() as app:
        app.ingest([str(FIX / "note.txt")])
        assert Path(app.store.url) == Path(os.environ["MARSAD_HOME"]) / "marsad.sqlite"
        assert app.store.stats()["documents"] == 1


@pytest.mark.slow
def test_corpus_ingest_is_idempotent(shared: Path, tmp_path: Path) -> None:
    files = [shared / "corpus" / "dev" / "articles.docs.jsonl", shared / "corpus" / "dev" / "seed.docs.jsonl",
             shared / "corpus" / "raw" / "articles.docs.jsonl"]
    texts = set()
    for f in files:
        for doc in read_path(str(f)):
            texts.add(" ".join(doc.text.split()))
    db = str(tmp_path / "corpus.sqlite")
    rc, first = ingest_json(*map(str, files), "--db", db)
    assert rc == 0 and first["errors"] == []
    assert first["stored"] == len(texts) and first["database"]["documents"] == len(texts)
    rc, second = ingest_json(*map(str, files), "--db", db)
    assert second["stored"] == 0 and second["database"] == {**first["database"],
                                                             "size_bytes": second["database"]["size_bytes"]}
