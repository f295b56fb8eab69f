"""The event store, run against both backends with the same tests.

The PostgreSQL variant needs ``MARSAD_TEST_PG`` (a postgresql:// URL; start a
throwaway server with ``scripts/postgres.sh``) and skips with that reason when
it is unset. Each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest

from marsad.errors import InputError, StoreError
from marsad.model import Actor, Document, Event, Evidence, Place
from marsad.store import EventFilter, Store, content_hash, open_store

PG_URL = os.environ.get("MARSAD_TEST_PG")
PG_SKIP = "MARSAD_TEST_PG is not set; start a server with `export MARSAD_TEST_PG=$(scripts/postgres.sh)`"


def _pg_schema_url(schema: str) -> str:
    assert PG_URL
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL of each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite")
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _pg_schema_url(schema)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as s:
        yield s


# --------------------------------------------------------------------------- builders

IDLIB = Place(name="Idlib", name_ar="إدلب", latitude=35.9306, longitude=36.6339, country="SY", admin1="Idlib",
              admin2="Idlib", geo_precision=1, id="t-idlib")
ARIHA = Place(name="Ariha", name_ar="أريحا", latitude=35.8136, longitude=36.6083, country="SY", admin1="Idlib",
              admin2="Ariha", geo_precision=1, id="t-ariha")
JISR = Place(name="Jisr al-Shughur", name_ar="جسر الشغور", latitude=35.8126, longitude=36.3177, country="SY",
             admin1="Idlib", admin2="Jisr al-Shughur", geo_precision=1, id="t-jisr")
IDLIB_CENTRE = Place(name="Idlib city centre", name_ar="وسط إدلب", latitude=35.95, longitude=36.64, country="SY",
                     admin1="Idlib", geo_precision=1, id="t-idlib-centre")
ALEPPO = Place(name="Aleppo", name_ar="حلب", latitude=36.2021, longitude=37.1343, country="SY", admin1="Aleppo",
               admin2="Jebel Saman", geo_precision=1, id="t-aleppo")
MARIB = Place(name="Marib", name_ar="مأرب", latitude=15.4591, longitude=45.3253, country="YE", admin1="Marib",
              geo_precision=1, id="t-marib")
RUSSIA = Actor(name="Military Forces of Russia", name_ar="القوات الروسية", category=8, id="t-ru")
CIVILIANS = Actor(name="Civilians", name_ar="مدنيين", category=7, id="t-civ")
YEMEN_ARMY = Actor(name="Military Forces of Yemen", name_ar="الجيش اليمني", category=1, id="t-ye")
HOUTHIS = Actor(name="Ansar Allah", name_ar="الحوثيين", category=2, id="t-houthi")


def make_doc(key: str, outlet: str | None, text: str, *, day: date = date(2024, 5, 14), place: Place = IDLIB,
             event_type: str = "Explosions/Remote violence", sub: str = "Air/drone strike",
             actor1: Actor | None = RUSSIA, actor2: Actor | None = CIVILIANS, fatalities: int = 3,
             n_events: int = 1) -> Document:
    doc = Document(id=key, text=text, published=day, outlet=outlet, url=f"https://example.org/{key}")
    trigger = text.split()[0]
    for i in range(n_events):
        doc.events.append(Event(
            doc_id=key, event_type=event_type, sub_event_type=sub, date=day, time_precision=1, actor1=actor1,
            actor2=actor2, location=place, fatalities=fatalities + i, notes=f"{key} report {i}", confidence=0.7,
            evidence=[Evidence("trigger", 0, len(trigger), trigger)],
        ))
    return doc


T1 = "غارة جوية روسية على سوق مدينة إدلب صباح اليوم أدت إلى مقتل ثلاثة مدنيين"
T2 = "مقتل مدنيين اثنين بقصف جوي استهدف سوقا شعبيا في إدلب أمس"
T3 = "قصف جوي على إدلب وسقوط خمسة قتلى من المدنيين في حصيلة أولية"


# --------------------------------------------------------------------------- migrations


def test_migrations_apply_once_and_record_version(db_url: str) -> None:
    with open_store(db_url) as s:
        assert s.schema_version() == 1
        s.add_document(make_doc("a", "A", T1))
    with open_store(db_url) as s:  # re-opening applies nothing and keeps the data
        assert s.schema_version() == 1
        assert s.stats()["documents"] == 1


def _tamper(db_url: str, sql: str) -> None:
    if db_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(db_url, autocommit=True) as c:
            c.execute(sql)
    else:
        with sqlite3.connect(db_url) as c:
            c.execute(sql)


def test_database_newer_than_code_is_refused(db_url: str) -> None:
    open_store(db_url).close()
    _tamper(db_url, "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                    " VALUES (99, 'future', 'x', '2030-01-01T00:00:00+00:00')")
    with pytest.raises(StoreError) as e:
        open_store(db_url)
    assert e.value.code == "E303" and "upgrade marsad" in str(e.value)


def test_changed_migration_is_refused(db_url: str) -> None:
    open_store(db_url).close()
    _tamper(db_url, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
    with pytest.raises(StoreError) as e:
        open_store(db_url)
    assert e.value.code == "E304"


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("this is not a database " * 200, encoding="utf-8")
    with pytest.raises(StoreError) as e:
        open_store(bad)
    assert e.value.code == "E302"


def test_unreachable_postgres_is_a_clear_error() -> None:
    with pytest.raises(StoreError) as e:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    assert e.value.code == "E301" and "secret" not in str(e.value)


# --------------------------------------------------------------------------- documents


def test_document_stored_once_by_content_hash(store: Store) -> None:
    first = store.add_document(make_doc("a", "A", T1))
    assert first.new and first.document_id is not None
    again = store.add_document(make_doc("a-copy", "A", "  " + T1.replace(" ", "\n ") + "\n"))
    assert not again.new and again.event_ids == []
    st = store.stats()
    assert (st["documents"], st["events"], st["reports"]) == (1, 1, 1)
    assert store.has_document(content_hash(T1))
    assert content_hash(T1) in store.known_hashes()


def test_document_round_trip_keeps_text_exactly(store: Store) -> None:
    text = "\u200fنص  فيه مسافات\tوتشكيل: قُتِلَ ١٢ شخصاً\n\nسطر ثانٍ"
    res = store.add_document(make_doc("exact", "Outlet", text))
    doc = store.get_document(res.document_id or 0)
    assert doc is not None
    assert doc.text == text and doc.id == "exact" and doc.outlet == "Outlet"
    assert doc.published == date(2024, 5, 14) and doc.url == "https://example.org/exact"
    assert store.get_document(10_000) is None


def test_event_round_trip(store: Store) -> None:
    doc = make_doc("a", "A", T1)
    res = store.add_document(doc)
    se = store.get_event(res.event_ids[0])
    assert se is not None
    got, want = se.event.to_dict(), doc.events[0].to_dict()
    for key in ("event_type", "sub_event_type", "date", "actor1", "actor2", "location", "fatalities", "notes",
                "evidence", "time_precision"):
        assert got[key] == want[key], key
    assert got["source"] == "A"
    assert se.sources[0].doc_key == "a" and se.sources[0].report.evidence == doc.events[0].evidence
    assert se.review_state == "unreviewed"


def test_failed_document_leaves_nothing(store: Store) -> None:
    doc = make_doc("broken", "A", T1, n_events=2)
    doc.events[1].event_type = None  # type: ignore[assignment]  # violates NOT NULL after the document row
    with pytest.raises(Exception):  # noqa: B017 - each driver raises its own IntegrityError
        store.add_document(doc)
    assert not store.has_document(content_hash(T1))
    st = store.stats()
    assert (st["documents"], st["events"], st["reports"], st["spans"]) == (0, 0, 0, 0)
    assert store.add_document(make_doc("ok", "A", T1)).new  # the store is still usable


# --------------------------------------------------------------------------- deduplication


def test_same_incident_from_two_outlets_is_merged(store: Store) -> None:
    a = store.add_document(make_doc("a", "Outlet A", T1, fatalities=3))
    b = store.add_document(make_doc("b", "Outlet B", T2, day=date(2024, 5, 15), place=IDLIB_CENTRE, fatalities=2))
    assert b.merged == 1 and b.event_ids == a.event_ids
    se = store.get_event(a.event_ids[0])
    assert se is not None and se.merged
    assert se.event.fatalities == 2  # the lowest count reported
    assert se.event.source == "Outlet A; Outlet B"
    assert [s.doc_key for s in se.sources] == ["a", "b"]
    assert se.sources[0].merge_reason is None
    reason = se.sources[1].merge_reason or ""
    assert "1 day apart" in reason and "km apart" in reason and "different outlets" in reason
    assert [s.report.fatalities for s in se.sources] == [3, 2]  # each source keeps its own report
    assert se.sources[1].report.evidence[0].text == T2.split()[0]
    st = store.stats()
    assert (st["events"], st["merged_events"], st["merges"]) == (1, 1, 1)
    assert store.merge_history(se.id)[0]["action"] == "merge"


@pytest.mark.parametrize("change", [
    {"outlet": "Outlet A"},                                   # the same outlet again
    {"day": date(2024, 5, 18)},                               # four days later
    {"place": ALEPPO},                                        # another city, 60 km away
    {"place": JISR},                                          # a town 30 km away
    {"event_type": "Battles", "sub": "Armed clash"},          # another type
    {"actor1": YEMEN_ARMY},                                   # another attacker
    {"outlet": None},                                         # an outlet we cannot tell apart
])
def test_different_incidents_are_not_merged(store: Store, change: dict[str, object]) -> None:
    store.add_document(make_doc("a", "Outlet A", T1))
    kwargs: dict[str, object] = {"outlet": "Outlet B", **change}
    outlet = kwargs.pop("outlet")
    res = store.add_document(make_doc("b", outlet, T2, **kwargs))  # type: ignore[arg-type]
    assert res.merged == 0
    assert store.stats()["events"] == 2


def test_clash_sides_may_be_swapped(store: Store) -> None:
    store.add_document(make_doc("a", "A", T1, place=MARIB, event_type="Battles", sub="Armed clash",
                                actor1=YEMEN_ARMY, actor2=HOUTHIS))
    res = store.add_document(make_doc("b", "B", T2, place=MARIB, event_type="Battles", sub="Armed clash",
                                      actor1=HOUTHIS, actor2=YEMEN_ARMY))
    assert res.merged == 1
    se = store.get_event(res.event_ids[0])
    assert se is not None and "swapped" in (se.sources[1].merge_reason or "")


def test_nearby_town_within_rule_is_merged(store: Store) -> None:
    store.add_document(make_doc("a", "A", T1))
    assert store.add_document(make_doc("b", "B", T2, place=ARIHA)).merged == 1  # 13 km apart


def test_unknown_actor_is_compatible_and_filled_from_the_other_report(store: Store) -> None:
    store.add_document(make_doc("a", "A", T1, actor1=Actor(name="Unidentified Armed Group"), actor2=None))
    res = store.add_document(make_doc("b", "B", T2))
    assert res.merged == 1
    se = store.get_event(res.event_ids[0])
    assert se is not None
    assert se.event.actor1 is not None and se.event.actor1.name == RUSSIA.name
    assert se.event.actor2 is not None and se.event.actor2.name == "Civilians"


def test_dedup_can_be_turned_off(store: Store) -> None:
    store.add_document(make_doc("a", "A", T1))
    assert store.add_document(make_doc("b", "B", T2), dedup=False).merged == 0
    assert store.stats()["events"] == 2


def test_unmerge_restores_each_report(store: Store) -> None:
    a = store.add_document(make_doc("a", "A", T1, fatalities=5))
    store.add_document(make_doc("b", "B", T2, fatalities=2))
    store.add_document(make_doc("c", "C", T3, fatalities=4))
    eid = a.event_ids[0]
    se = store.get_event(eid)
    assert se is not None and len(se.sources) == 3 and se.event.fatalities == 2
    with pytest.raises(StoreError) as e:
        store.unmerge(eid, [se.sources[0].id])
    assert e.value.code == "E313"
    with pytest.raises(StoreError) as e:
        store.unmerge(eid, [99999])
    assert e.value.code == "E312"
    new = store.unmerge(eid, [se.sources[1].id])  # split off only B
    assert len(new) == 1
    left = store.get_event(eid)
    split = store.get_event(new[0])
    assert left is not None and split is not None
    assert [s.doc_key for s in left.sources] == ["a", "c"] and left.event.fatalities == 4
    assert [s.doc_key for s in split.sources] == ["b"] and split.event.fatalities == 2
    assert split.sources[0].merge_reason is None and split.event.source == "B"
    new2 = store.unmerge(eid)  # everything else
    assert len(new2) == 1
    left = store.get_event(eid)
    assert left is not None and not left.merged and left.event.fatalities == 5 and left.event.source == "A"
    with pytest.raises(StoreError) as e:
        store.unmerge(eid)
    assert e.value.code == "E311"
    with pytest.raises(StoreError) as e:
        store.unmerge(424242)
    assert e.value.code == "E310"
    assert [h["action"] for h in store.merge_history(eid)] == ["merge", "merge", "unmerge", "unmerge"]
    assert store.stats()["events"] == 3


# --------------------------------------------------------------------------- queries and reviews


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_document(make_doc("idlib", "A", T1, day=date(2024, 5, 14)))
    store.add_document(make_doc("aleppo", "A", "اشتباكات عنيفة في حلب " + T2, day=date(2024, 6, 1),
                                place=ALEPPO, event_type="Battles", sub="Armed clash", actor1=YEMEN_ARMY,
                                actor2=None, fatalities=0))
    store.add_document(make_doc("marib", "B", "مواجهات في مأرب بين الجيش والحوثيين", day=date(2024, 7, 9),
                                place=MARIB, event_type="Battles", sub="Armed clash", actor1=YEMEN_ARMY,
                                actor2=HOUTHIS, fatalities=4))
    return store


@pytest.mark.parametrize(("flt", "want"), [
    (EventFilter(), ["idlib", "aleppo", "marib"]),
    (EventFilter(since=date(2024, 6, 1)), ["aleppo", "marib"]),
    (EventFilter(until=date(2024, 6, 1)), ["idlib", "aleppo"]),
    (EventFilter(since=date(2024, 5, 15), until=date(2024, 6, 30)), ["aleppo"]),
    (EventFilter(event_type="Battles"), ["aleppo", "marib"]),
    (EventFilter(event_type="Air/drone strike"), ["idlib"]),
    (EventFilter(actor="Ansar"), ["marib"]),
    (EventFilter(actor="الجيش اليمني"), ["aleppo", "marib"]),
    (EventFilter(actor="Civilians"), ["idlib"]),
    (EventFilter(country="ye"), ["marib"]),
    (EventFilter(country="SY", admin1="Aleppo"), ["aleppo"]),
    (EventFilter(bbox=(36.0, 35.0, 37.5, 36.5)), ["idlib", "aleppo"]),
    (EventFilter(bbox=(36.5, 35.5, 36.7, 36.0)), ["idlib"]),
    (EventFilter(text="مأرب"), ["marib"]),
    (EventFilter(text="اشتباكات عنيفة"), ["aleppo"]),
    (EventFilter(text="لا يوجد هذا النص"), []),
    (EventFilter(limit=2), ["idlib", "aleppo"]),
    (EventFilter(limit=2, offset=1), ["aleppo", "marib"]),
])
def test_list_filters(filled: Store, flt: EventFilter, want: list[str]) -> None:
    got = [se.sources[0].doc_key for se in filled.list_events(flt)]
    assert got == want
    if flt.limit is None:
        assert filled.count_events(flt) == len(want)


def test_count_and_iterate_agree_with_list(filled: Store) -> None:
    flt = EventFilter(event_type="Battles")
    assert filled.count_events(flt) == 2
    assert [se.id for se in filled.iter_events(flt, page=1)] == [se.id for se in filled.list_events(flt)]
    assert [se.id for se in filled.iter_events(EventFilter(limit=2), page=1)] == \
        [se.id for se in filled.list_events(EventFilter(limit=2))]


def test_bad_filters_are_input_errors(filled: Store) -> None:
    with pytest.raises(InputError):
        filled.list_events(EventFilter(since=date(2024, 2, 1), until=date(2024, 1, 1)))
    with pytest.raises(InputError):
        filled.list_events(EventFilter(bbox=(0, 50, 10, 40)))
    with pytest.raises(InputError):
        filled.list_events(EventFilter(review_state="maybe"))


def test_review_state(filled: Store) -> None:
    first = filled.list_events()[0]
    filled.set_review(first.id, "accepted", note="checked against the article", reviewer="analyst")
    assert filled.get_event(first.id).review_state == "accepted"  # type: ignore[union-attr]
    assert [se.id for se in filled.list_events(EventFilter(review_state="accepted"))] == [first.id]
    with pytest.raises(InputError):
        filled.set_review(first.id, "maybe")
    with pytest.raises(StoreError):
        filled.set_review(99999, "accepted")


def test_stats_report_size(filled: Store) -> None:
    st = filled.stats()
    assert st["documents"] == 3 and st["events"] == 3 and st["size_bytes"] > 0
    assert st["schema_version"] == 1 and st["backend"] in ("sqlite", "postgres")


# --------------------------------------------------------------------------- a killed ingest


def _write_corpus(folder: Path, n: int) -> None:
    """n distinct short articles in two JSONL files (text written for this test)."""
    folder.mkdir()
    towns = ["إدلب", "حلب", "حماة", "درعا", "دير الزور", "الرقة", "حمص", "اللاذقية"]
    for part in range(2):
        with (folder / f"part{part}.jsonl").open("w", encoding="utf-8") as f:
            for i in range(part * n // 2, (part + 1) * n // 2):
                town = towns[i % len(towns)]
                text = (f"أفاد مراسلنا اليوم بسقوط قذائف على أطراف مدينة {town} وقالت مصادر محلية إن القصف "
                        f"استمر ساعات. هذا هو التقرير رقم {i} من سلسلة تقارير الاختبار.")
                f.write(json.dumps({"id": f"k-{i}", "text": text, "published": "2024-03-0" + str(1 + i % 9),
                                    "outlet": f"Outlet {i % 3}"}, ensure_ascii=False) + "\n")


def _counts(db_url: str) -> tuple[int, int, int, int]:
    """(documents, documents whose n_events != their reports, orphan spans, orphan reports)."""
    queries = (
        "SELECT COUNT(*) FROM documents",
        "SELECT COUNT(*) FROM documents d WHERE d.n_events <>"
        " (SELECT COUNT(*) FROM event_sources s WHERE s.document_id = d.id)",
        "SELECT COUNT(*) FROM spans s WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = s.document_id)",
        "SELECT COUNT(*) FROM event_sources s WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = s.event_id)",
    )
    if db_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(db_url, autocommit=True) as c:
            return tuple(c.execute(q).fetchone()[0] for q in queries)  # type: ignore[return-value,index]
    c = sqlite3.connect(db_url, timeout=30)
    try:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return tuple(c.execute(q).fetchone()[0] for q in queries)  # type: ignore[return-value]
    finally:
        c.close()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_ingest_leaves_a_consistent_database_and_resumes(db_url: str, tmp_path: Path,
                                                                sig: signal.Signals) -> None:
    n = 600
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, n)
    open_store(db_url).close()  # create the schema before polling it
    cmd = [sys.executable, "-m", "marsad", "ingest", str(corpus), "--db", db_url, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        stored = _counts(db_url)[0]
        if stored >= 30:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the ingest finished before it could be interrupted; raise n"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, err.decode()
        assert b"interrupted" in out and b"Traceback" not in err
    docs, bad_n, orphan_spans, orphan_reports = _counts(db_url)
    assert 30 <= docs < n
    assert (bad_n, orphan_spans, orphan_reports) == (0, 0, 0)
    rerun = subprocess.run([*cmd, "--json"], capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()
    summary = json.loads(rerun.stdout)
    assert summary["duplicates"] == docs and summary["stored"] == n - docs
    assert _counts(db_url) == (n, 0, 0, 0)


@pytest.mark.slow
def test_two_ingests_at_once_store_each_article_once(db_url: str, tmp_path: Path) -> None:
    n = 120
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, n)
    open_store(db_url).close()
    cmd = [sys.executable, "-m", "marsad", "ingest", str(corpus), "--db", db_url, "--quiet", "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1].decode()[-500:] for o in outs]
    summaries = [json.loads(o[0]) for o in outs]
    assert sum(s["stored"] for s in summaries) == n  # every article stored by exactly one of them
    assert all(s["stored"] + s["duplicates"] == n for s in summaries)
    assert _counts(db_url) == (n, 0, 0, 0)
    with open_store(db_url) as s:
        st = s.stats()
        assert st["reports"] == sum(1 for se in s.list_events() for _ in se.sources)
