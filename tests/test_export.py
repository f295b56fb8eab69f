"""Exports: ACLED CSV columns and values, GeoJSON parsed back (RFC 7946), JSONL round trip, the CLI."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date
from pathlib import Path

import pytest

from marsad.cli import main
from marsad.export import ACLED_COLUMNS, write_acled_csv, write_geojson, write_jsonl
from marsad.model import Actor, Document, Event, Evidence, Place
from marsad.store import Store, open_store

ACLED_ORDER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
               "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
               "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
               "tags,timestamp")

HOMS = Place(name="Homs", name_ar="حمص", latitude=34.7324, longitude=36.7137, country="SY", admin1="Homs",
             admin2="Homs", geo_precision=1, id="x-homs")
TAIZ = Place(name="Taizz", name_ar="تعز", latitude=13.5795, longitude=44.0209, country="YE", admin1="Taizz",
             geo_precision=2, id="x-taiz")


def _doc(key: str, outlet: str, text: str, ev: Event) -> Document:
    doc = Document(id=key, text=text, published=ev.date, outlet=outlet)
    ev.doc_id = key
    doc.events.append(ev)
    return doc


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "x.sqlite")
    t1 = "قتل مدنيان بقصف مدفعي على حي في حمص"
    s.add_document(_doc("h1", "Outlet A", t1, Event(
        doc_id="", event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
        date=date(2024, 2, 3), time_precision=1, actor1=Actor(name="Military Forces of Syria", category=1),
        actor2=Actor(name="Civilians", category=7), assoc_actor1=[Actor(name="Militia X", category=3)],
        location=HOMS, fatalities=2, notes="Shelling killed two civilians, \"quoted\", in Homs.",
        evidence=[Evidence("trigger", 11, 21, t1[11:21])])))
    s.add_document(_doc("h2", "Outlet B", "قصف على حمص وسقوط ثلاثة قتلى", Event(
        doc_id="", event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
        date=date(2024, 2, 3), time_precision=1, actor1=Actor(name="Military Forces of Syria", category=1),
        actor2=Actor(name="Civilians", category=7), location=HOMS, fatalities=3)))
    s.add_document(_doc("t1", "Outlet A", "تظاهرة في تعز للمطالبة بالرواتب", Event(
        doc_id="", event_type="Protests", sub_event_type="Peaceful protest", date=date(2024, 3, 1),
        time_precision=2, actor1=Actor(name="Protesters (Yemen)", category=6), location=TAIZ)))
    s.add_document(_doc("n1", "Outlet C", "اعتقالات في مكان غير معروف", Event(
        doc_id="", event_type="Strategic developments", sub_event_type="Arrests", date=None)))
    return s


def test_acled_columns_are_acleds_in_order() -> None:
    assert ",".join(ACLED_COLUMNS) == ACLED_ORDER


def test_acled_csv_values(store: Store) -> None:
    buf = io.StringIO()
    assert write_acled_csv(store.list_events(), buf) == 3
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert list(rows[0]) == list(ACLED_COLUMNS)
    homs, taiz, unknown = rows
    assert homs["event_id_cnty"] == "SYR1" and homs["event_date"] == "2024-02-03" and homs["year"] == "2024"
    assert homs["disorder_type"] == "Political violence"
    assert (homs["inter1"], homs["inter2"], homs["interaction"]) == ("1", "7", "17")
    assert homs["civilian_targeting"] == "Civilian targeting" and homs["assoc_actor_1"] == "Militia X"
    assert (homs["iso"], homs["region"], homs["country"]) == ("760", "Middle East", "Syria")
    assert (homs["admin1"], homs["location"], homs["latitude"], homs["longitude"]) == ("Homs", "Homs", "34.7324",
                                                                                      "36.7137")
    assert homs["fatalities"] == "2" and homs["source"] == "Outlet A; Outlet B"  # merged: lowest count, both
    assert homs["notes"] == "Shelling killed two civilians, \"quoted\", in Homs."
    assert homs["timestamp"].isdigit()
    assert taiz["event_id_cnty"].startswith("YEM") and taiz["interaction"] == "60" and taiz["iso"] == "887"
    assert taiz["geo_precision"] == "2" and taiz["time_precision"] == "2" and taiz["civilian_targeting"] == ""
    assert unknown["event_id_cnty"].startswith("XXX") and unknown["latitude"] == "" and unknown["event_date"] == ""


def _check_rfc7946(obj: dict) -> None:
    assert obj["type"] == "FeatureCollection" and isinstance(obj["features"], list)
    for f in obj["features"]:
        assert f["type"] == "Feature" and isinstance(f["properties"], dict)
        assert isinstance(f["id"], (str, int))
        g = f["geometry"]
        if g is None:
            continue
        assert g["type"] == "Point" and len(g["coordinates"]) == 2
        lon, lat = g["coordinates"]
        assert all(isinstance(v, float) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_parses_back(store: Store) -> None:
    buf = io.StringIO()
    assert write_geojson(store.list_events(), buf) == 3
    obj = json.loads(buf.getvalue())
    _check_rfc7946(obj)
    homs = obj["features"][0]
    assert homs["geometry"]["coordinates"] == [36.7137, 34.7324]  # longitude first
    assert homs["properties"]["n_sources"] == 2 and homs["properties"]["fatalities"] == 2
    assert obj["features"][2]["geometry"] is None
    empty = io.StringIO()
    assert write_geojson([], empty) == 0
    assert json.loads(empty.getvalue()) == {"type": "FeatureCollection", "features": []}


def test_jsonl_round_trips_to_events(store: Store) -> None:
    buf = io.StringIO()
    assert write_jsonl(store.list_events(), buf) == 3
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    ev = Event.from_dict(lines[0])
    assert ev.fatalities == 2 and ev.location is not None and ev.location.name == "Homs"
    assert [s["doc_id"] for s in lines[0]["sources"]] == ["h1", "h2"]
    t1 = "قتل مدنيان بقصف مدفعي على حي في حمص"
    assert lines[0]["sources"][0]["evidence"][0] == {"role": "trigger", "start": 11, "end": 21,
                                                     "text": "بقصف مدفعي"} == {"role": "trigger", "start": 11,
                                                                               "end": 21, "text": t1[11:21]}


def test_export_cli_filters_and_file_output(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = store.url
    store.close()
    out = tmp_path / "events.geojson"
    assert main(["export", "--format", "geojson", "--db", db, "-o", str(out), "--country", "SY"]) == 0
    obj = json.loads(out.read_text(encoding="utf-8"))
    _check_rfc7946(obj)
    assert [f["properties"]["location"] for f in obj["features"]] == ["Homs"]
    assert main(["export", "--format", "acled-csv", "--db", db, "--type", "Protests"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["location"] for r in rows] == ["Taizz"]
    assert main(["export", "--format", "jsonl", "--db", db, "--bbox", "40,10,50,20"]) == 0
    assert [json.loads(x)["location"]["name"] for x in capsys.readouterr().out.splitlines()] == ["Taizz"]
    assert main(["export", "--format", "jsonl", "--db", db, "--since", "2024-13-01"]) == 2
    assert "not an ISO date" in capsys.readouterr().err


def test_events_commands(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    db = store.url
    store.close()
    assert main(["events", "list", "--db", db, "--merged"]) == 0
    out = capsys.readouterr().out
    assert "Homs" in out and "1 events" in out
    assert main(["events", "show", "1", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2 sources" in out and "merged because: same type" in out and "Outlet B" in out
    assert "«" in out  # evidence quoted
    assert main(["events", "unmerge", "1", "--db", db]) == 0
    assert "into event" in capsys.readouterr().out
    assert main(["events", "list", "--db", db, "--format", "jsonl", "--country", "SY"]) == 0
    assert [json.loads(x)["fatalities"] for x in capsys.readouterr().out.splitlines()] == [2, 3]
    assert main(["events", "show", "1", "--db", db]) == 0
    assert "unmerged" in capsys.readouterr().out
    assert main(["events", "review", "1", "accepted", "--db", db]) == 0
    assert capsys.readouterr().out == "event 1: accepted\n"
    assert main(["events", "list", "--db", db, "--review", "accepted", "--format", "json"]) == 0
    assert [e["id"] for e in json.loads(capsys.readouterr().out)] == [1]
    assert main(["events", "show", "77", "--db", db]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["events", "unmerge", "1", "--db", db]) == 2
    assert "nothing to unmerge" in capsys.readouterr().err
