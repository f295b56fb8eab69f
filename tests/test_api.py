"""The REST API and the dashboard, through FastAPI's TestClient over a temporary SQLite store.

The store is filled the way the CLI fills it: ``examples/reports.jsonl`` ingested
through :class:`App`, plus two hand-built reports of one air strike from two
outlets (merged by the store, so that unmerge has something to undo).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette suggests httpx2 for its TestClient; httpx works
    from fastapi.testclient import TestClient

from marsad.api import create_app
from marsad.app import App, Config
from marsad.export import ACLED_COLUMNS
from marsad.model import Actor, Document, Event, Evidence, Place

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "reports.jsonl"

# two reports of one (invented) strike, written for this test
STRIKE_A = "قتل أربعة مدنيين في غارة جوية روسية على مدينة أريحا بريف إدلب صباح الأحد."
STRIKE_B = "أفاد ناشطون بمقتل خمسة مدنيين جراء قصف جوي روسي استهدف أريحا يوم الأحد."
ARIHA = Place(name="Ariha", name_ar="أريحا", latitude=35.8136, longitude=36.6083, country="SY", admin1="Idlib",
              geo_precision=1, id="t-ariha")
RUSSIA = Actor(name="Military Forces of Russia", name_ar="القوات الروسية", category=8, id="t-ru")
CIVILIANS = Actor(name="Civilians", name_ar="مدنيين", category=7, id="t-civ")


def strike_doc(doc_id: str, outlet: str, text: str, killed: int) -> Document:
    """A document with one hand-built event whose evidence points into its text."""
    trigger = "غارة جوية" if "غارة جوية" in text else "قصف جوي"
    t0 = text.index(trigger)
    p0 = text.index("أريحا")
    ev = Event(doc_id=doc_id, event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
               date=date(2026, 11, 22), time_precision=1, actor1=RUSSIA, actor2=CIVILIANS, location=ARIHA,
               fatalities=killed, source=outlet, notes=f"{killed} civilians killed in Ariha",
               evidence=[Evidence("trigger", t0, t0 + len(trigger), trigger),
                         Evidence("location", p0, p0 + len("أريحا"), "أريحا")])
    return Document(id=doc_id, text=text, published=date(2026, 11, 22), outlet=outlet, events=[ev])


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    with App(Config(db=str(tmp_path / "api.sqlite"))) as application:
        report = application.ingest([str(EXAMPLES)])
        assert report.stored == 3 and not report.errors
        application.store.add_document(strike_doc("strike-a", "Outlet A", STRIKE_A, 4))
        merged = application.store.add_document(strike_doc("strike-b", "Outlet B", STRIKE_B, 5))
        assert merged.merged == 1
        yield application


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as c:
        yield c


def merged_event_id(client: TestClient) -> int:
    rows = client.get("/api/events", params={"merged": "true"}).json()
    assert len(rows) == 1
    return int(rows[0]["id"])


def assert_error(res: object, status: int, code: str | None = None) -> dict[str, str]:
    assert res.status_code == status, res.text  # type: ignore[attr-defined]
    body = res.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert re.fullmatch(r"E\d{3}", body["error"]["code"]) and body["error"]["message"]
    assert "Traceback" not in res.text  # type: ignore[attr-defined]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# --------------------------------------------------------------------------- meta


def test_health_and_stats_count_the_store(client: TestClient, app: App) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["backend"] == "sqlite" and health["schema_version"] >= 1
    stats = client.get("/api/stats").json()
    assert stats == {**app.store.stats(), "size_bytes": stats["size_bytes"]}
    assert stats["documents"] == 5 and stats["merged_events"] == 1


# --------------------------------------------------------------------------- listing and filters


def test_list_pages_and_reports_the_total(client: TestClient, app: App) -> None:
    total = app.store.count_events()
    res = client.get("/api/events", params={"limit": 3, "offset": 2})
    assert res.status_code == 200 and res.headers["X-Total-Count"] == str(total)
    page = res.json()
    everything = client.get("/api/events").json()
    assert len(everything) == total
    assert [e["id"] for e in page] == [e["id"] for e in everything][2:5]
    first = page[0]
    for key in ("event_type", "sub_event_type", "date", "actor1", "location", "fatalities", "evidence",
                "review_state", "n_sources"):
        assert key in first
    assert "sources" not in first  # the list is light; sources come with GET /api/events/{id}


@pytest.mark.parametrize(("params", "check"), [
    ({"type": "Battles"}, lambda e: e["event_type"] == "Battles"),
    ({"type": "Air/drone strike"}, lambda e: e["sub_event_type"] == "Air/drone strike"),
    ({"country": "sy"}, lambda e: e["location"]["country"] == "SY"),
    ({"since": "2026-11-22", "until": "2026-11-22"}, lambda e: e["date"] == "2026-11-22"),
    ({"bbox": "36.5,35.7,36.7,35.9"}, lambda e: 36.5 <= e["location"]["longitude"] <= 36.7),
    ({"actor": "Russia"}, lambda e: "Russia" in (e["actor1"] or {}).get("name", "")),
    ({"text": "أريحا"}, lambda e: e["location"]["name"] == "Ariha"),
    ({"merged": "true"}, lambda e: e["n_sources"] == 2),
])
def test_filters_select_matching_events(client: TestClient, params: dict[str, str], check: object) -> None:
    res = client.get("/api/events", params=params)
    assert res.status_code == 200, res.text
    rows = res.json()
    assert rows, f"no event matched {params}"
    assert all(check(e) for e in rows)  # type: ignore[operator]
    assert len(rows) < len(client.get("/api/events").json())
    assert res.headers["X-Total-Count"] == str(len(rows))


@pytest.mark.parametrize(("params", "code"), [
    ({"since": "yesterday"}, "E130"),
    ({"since": "2026-12-01", "until": "2026-11-01"}, "E110"),
    ({"bbox": "1,2,3"}, "E111"),
    ({"bbox": "0,50,10,40"}, "E111"),
    ({"review": "maybe"}, "E112"),
    ({"limit": "-1"}, "E130"),
    ({"limit": "many"}, "E130"),
    ({"merged": "perhaps"}, "E130"),
])
def test_bad_filters_are_422_json(client: TestClient, params: dict[str, str], code: str) -> None:
    err = assert_error(client.get("/api/events", params=params), 422, code)
    assert len(err["message"]) > 10


# --------------------------------------------------------------------------- one event, review, unmerge


def test_event_detail_has_sources_evidence_and_history(client: TestClient) -> None:
    eid = merged_event_id(client)
    ev = client.get(f"/api/events/{eid}").json()
    assert ev["id"] == eid and ev["n_sources"] == 2
    assert {s["outlet"] for s in ev["sources"]} == {"Outlet A", "Outlet B"}
    assert ev["sources"][1]["merge_reason"]
    assert [h["action"] for h in ev["history"]] == ["merge"]
    for src in ev["sources"]:
        doc = client.get(f"/api/documents/{src['document_id']}").json()
        assert doc["outlet"] == src["outlet"] and doc["id"] == src["doc_id"]
        for e in src["evidence"]:
            assert doc["text"][e["start"]:e["end"]] == e["text"]


def test_review_round_trip(client: TestClient, app: App) -> None:
    eid = merged_event_id(client)
    res = client.post(f"/api/events/{eid}/review", json={"state": "accepted", "note": "checked against B"})
    assert res.status_code == 200 and res.json()["review_state"] == "accepted"
    assert app.store.get_event(eid).review_state == "accepted"  # type: ignore[union-attr]
    assert [e["id"] for e in client.get("/api/events", params={"review": "accepted"}).json()] == [eid]
    client.post(f"/api/events/{eid}/review", json={"state": "rejected"})
    assert client.get(f"/api/events/{eid}").json()["review_state"] == "rejected"
    back = client.post(f"/api/events/{eid}/review", json={"state": "needs-review"}).json()
    assert back["review_state"] == "unreviewed"
    assert eid in [e["id"] for e in client.get("/api/events", params={"review": "needs-review"}).json()]


def test_review_errors(client: TestClient) -> None:
    eid = merged_event_id(client)
    assert_error(client.post(f"/api/events/{eid}/review", json={"state": "great"}), 422, "E112")
    assert_error(client.post(f"/api/events/{eid}/review", json={"note": "no state"}), 422, "E130")
    assert_error(client.post("/api/events/987654/review", json={"state": "accepted"}), 404, "E310")


def test_unmerge_splits_the_second_report_off(client: TestClient, app: App) -> None:
    eid = merged_event_id(client)
    before = app.store.count_events()
    res = client.post(f"/api/events/{eid}/unmerge")
    assert res.status_code == 200, res.text
    new_ids = res.json()["new_event_ids"]
    assert len(new_ids) == 1 and app.store.count_events() == before + 1
    left = client.get(f"/api/events/{eid}").json()
    split = client.get(f"/api/events/{new_ids[0]}").json()
    assert (left["n_sources"], left["fatalities"], split["fatalities"]) == (1, 4, 5)
    assert [h["action"] for h in left["history"]] == ["merge", "unmerge"]
    assert client.get("/api/events", params={"merged": "true"}).json() == []
    assert_error(client.post(f"/api/events/{eid}/unmerge"), 409, "E311")  # nothing left to split


def test_unmerge_errors(client: TestClient) -> None:
    eid = merged_event_id(client)
    first = client.get(f"/api/events/{eid}").json()["sources"][0]["source_id"]
    assert_error(client.post(f"/api/events/{eid}/unmerge", json={"source_ids": [first]}), 409, "E313")
    assert_error(client.post(f"/api/events/{eid}/unmerge", json={"source_ids": [424242]}), 409, "E312")
    assert_error(client.post("/api/events/424242/unmerge"), 404, "E310")


def test_unknown_ids_and_paths_are_404(client: TestClient) -> None:
    assert_error(client.get("/api/events/31337"), 404, "E310")
    assert_error(client.get("/api/documents/31337"), 404, "E310")
    assert_error(client.get("/api/events/abc"), 422, "E130")
    assert_error(client.get("/api/nothing-here"), 404)
    assert_error(client.delete("/api/events/1"), 405)


# --------------------------------------------------------------------------- documents and extraction


def test_extract_returns_events_without_storing(client: TestClient, app: App) -> None:
    before = app.store.stats()
    res = client.post("/api/extract", json={"text": STRIKE_A, "published": "2026-11-23", "outlet": "Test"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["events"], "the pipeline found no event in a plain air-strike report"
    for ev in body["events"]:
        for e in ev["evidence"]:
            assert STRIKE_A[e["start"]:e["end"]] == e["text"]
    assert any(ev["sub_event_type"] == "Air/drone strike" for ev in body["events"])
    assert app.store.stats()["documents"] == before["documents"]


def test_post_document_stores_once(client: TestClient, app: App) -> None:
    text = "قتل ثلاثة عناصر من الشرطة في انفجار عبوة ناسفة استهدف دوريتهم في مدينة الرمادي أمس."
    payload = {"text": text, "published": "2026-11-20", "outlet": "Test outlet", "title": "عبوة في الرمادي"}
    first = client.post("/api/documents", json=payload)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["new"] and body["event_ids"]
    doc = client.get(f"/api/documents/{body['document_id']}").json()
    assert doc["text"] == text and doc["title"] == "عبوة في الرمادي" and doc["published"] == "2026-11-20"
    again = client.post("/api/documents", json=payload)
    assert again.status_code == 200 and again.json()["new"] is False
    assert app.store.stats()["documents"] == 6


@pytest.mark.parametrize("payload", [{}, {"text": "   "}, {"text": "نص", "published": "November"},
                                     {"text": 42}])
def test_bad_articles_are_422(client: TestClient, payload: dict[str, object]) -> None:
    assert_error(client.post("/api/extract", json=payload), 422)
    assert_error(client.post("/api/documents", json=payload), 422)


def test_malformed_json_body_is_422(client: TestClient) -> None:
    res = client.post("/api/extract", content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(res, 422, "E130")


# --------------------------------------------------------------------------- export


def test_export_acled_csv_parses_with_the_acled_header(client: TestClient, app: App) -> None:
    res = client.get("/api/export", params={"format": "acled-csv"})
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(res.text)))
    assert tuple(rows[0]) == ACLED_COLUMNS
    assert len(rows) - 1 == app.store.count_events()
    syria = list(csv.DictReader(io.StringIO(client.get("/api/export",
                                                       params={"format": "acled-csv", "country": "SY"}).text)))
    assert syria and all(r["country"] == "Syria" for r in syria)


def test_export_geojson_and_jsonl_parse(client: TestClient, app: App) -> None:
    gj = json.loads(client.get("/api/export", params={"format": "geojson"}).text)
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == app.store.count_events()
    pts = [f for f in gj["features"] if f["geometry"]]
    assert pts and all(-180 <= f["geometry"]["coordinates"][0] <= 180 for f in pts)
    res = client.get("/api/export", params={"format": "jsonl", "merged": "true"})
    assert res.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in res.text.splitlines()]
    assert len(lines) == 1 and len(lines[0]["sources"]) == 2
    limited = client.get("/api/export", params={"format": "jsonl", "limit": 2}).text.splitlines()
    assert len(limited) == 2


def test_export_streams_many_pages(tmp_path: Path) -> None:
    """More events than one store page and one stream chunk: all arrive, in id order."""
    with App(Config(db=str(tmp_path / "big.sqlite"))) as application:
        for i in range(1_100):
            text = f"{STRIKE_A} ({i})"
            application.store.add_document(strike_doc(f"d{i}", f"Outlet {i}", text, i % 7), dedup=False)
        with TestClient(create_app(application)) as c:
            lines = c.get("/api/export", params={"format": "jsonl"}).text.splitlines()
            assert len(lines) == 1_100
            assert [json.loads(x)["id"] for x in lines] == list(range(1, 1_101))


def test_export_errors(client: TestClient) -> None:
    assert_error(client.get("/api/export", params={"format": "xml"}), 422, "E130")
    assert_error(client.get("/api/export"), 422, "E130")
    assert_error(client.get("/api/export", params={"format": "jsonl", "bbox": "x"}), 422, "E111")


# --------------------------------------------------------------------------- docs and dashboard


def test_openapi_and_offline_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/events/{event_id}/review",
                 "/api/events/{event_id}/unmerge", "/api/documents/{document_id}", "/api/documents",
                 "/api/extract", "/api/export", "/api/stats", "/api/health"):
        assert path in spec["paths"], path
    names = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"since", "until", "type", "actor", "country", "bbox", "text", "review", "limit", "offset"} <= names
    docs = client.get("/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    assert client.get("/redoc").status_code == 404


def test_dashboard_is_served_and_self_contained(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    html = page.text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {"/static/app.js", "/static/app.css"} <= set(assets)
    bodies = {"/": html}
    for path in [*assets, "/docs", "/static/docs.js"]:
        res = client.get(path)
        assert res.status_code == 200, path
        bodies[path] = res.text
    for path, body in bodies.items():
        assert "http://" not in body and "https://" not in body, f"{path} references an external URL"
        assert "//cdn" not in body and "@import" not in body, path
    js = bodies["/static/app.js"]
    # the optional background tiles are a user setting, empty (off) by default
    assert re.search(r'tileUrl: localStorage\.getItem\(TILE_KEY\) \|\| ""', js)
    for endpoint in ("/api/events", "/api/stats", "/api/documents/", "/review", "/unmerge", "/api/export"):
        assert endpoint in js or endpoint in html, endpoint
    assert 'dir="rtl"' in html or 'dir: "rtl"' in js


def test_create_app_opens_its_own_store(tmp_path: Path) -> None:
    db = tmp_path / "own.sqlite"
    with TestClient(create_app(db=str(db))) as c:
        assert c.get("/api/stats").json()["events"] == 0
        assert c.post("/api/documents", json={"text": STRIKE_B, "outlet": "X"}).status_code == 201
    assert db.exists()


def test_serve_rejects_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    from marsad.cli import main

    assert main(["serve", "--port", "70000"]) == 2
    err = capsys.readouterr().err
    assert "E134" in err and "Traceback" not in err


def test_serve_reports_a_busy_port(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from marsad.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--db", str(tmp_path / "x.sqlite"), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert "E135" in err and "--port" in err


def test_marsad_serve_answers_on_loopback(tmp_path: Path) -> None:
    """`marsad serve` as users run it: a process on 127.0.0.1 answering the API and the dashboard."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MARSAD_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "marsad", "serve", "--db", str(tmp_path / "s.sqlite"),
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with direct.open(f"http://127.0.0.1:{port}/api/health", timeout=2) as res:
                    assert json.load(res)["status"] == "ok"
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "marsad serve did not answer within 30 s"
                time.sleep(0.2)
        with direct.open(f"http://127.0.0.1:{port}/", timeout=5) as res:
            assert b"/static/app.js" in res.read()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_writes_from_other_origins_are_refused(client: TestClient, app: App) -> None:
    eid = merged_event_id(client)
    evil = {"Origin": "http://attacker.example"}
    assert_error(client.post(f"/api/events/{eid}/unmerge", headers=evil), 403, "E136")
    assert_error(client.post(f"/api/events/{eid}/review", json={"state": "rejected"}, headers=evil), 403, "E136")
    assert app.store.get_event(eid).merged  # type: ignore[union-attr]
    own = {"Origin": "http://testserver"}  # the dashboard's own page
    assert client.post(f"/api/events/{eid}/review", json={"state": "accepted"}, headers=own).status_code == 200
    assert client.get("/api/events", headers=evil).status_code == 200  # reading is harmless
