"""Geoparsing against the team's third-party data in ../shared (skipped when it is absent)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from marsad.geo.importer import import_file, list_gazetteers, remove_gazetteer
from marsad.geo.index import current_index
from marsad.model import Document
from marsad.pipeline import Pipeline
from marsad.readers import parse_date
from marsad.stages.geo import event_location, geocoder
from marsad.text import normalize

OCHA = "data/geo/ocha_syria"
HOME: Path | None = None


@pytest.fixture(autouse=True)
def _geo_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """One user-data folder for the module, so the bundled part of the place index is built once."""
    global HOME
    if HOME is None:
        HOME = tmp_path_factory.mktemp("geo-shared-home")
    monkeypatch.setenv("MARSAD_HOME", str(HOME))
    for g in list_gazetteers():
        remove_gazetteer(g["name"])


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def test_ocha_csv_header_is_understood(shared: Path) -> None:
    header = (shared / OCHA / "syr_humanitarian_locations.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    for col in ("LocationName_ar", "Latitude_y", "Longitude_x", "admin1Name_en", "Location_Pcode"):
        assert col in header.split(",")


def test_import_ocha_communities_and_boundaries(shared: Path) -> None:
    res = import_file(shared / OCHA / "syr_humanitarian_locations.csv", name="ocha-syria")
    assert res.places > 7000
    b = import_file(shared / OCHA / "syr_adm2.geojson")
    assert b.shapes == 62
    n = import_file(shared / OCHA / "syr_neighbourhoods.geojson")
    assert n.places > 300 and n.shapes == 0
    assert {g["name"] for g in list_gazetteers()} == {"ocha-syria", "syr_adm2", "syr_neighbourhoods"}
    idx = current_index()
    assert idx.sources["user:ocha-syria"] == res.places
    # a village only OCHA knows, with its district from the boundaries (point-in-polygon)
    tops = geocoder().geocode(normalize("قصفت المدفعية بلدة الصبحة وقرية جديد بكارة بريف دير الزور الشرقي"))
    got = [t.place for t in tops if t.place is not None and "بكارة" in t.surface]
    assert got and got[0].country == "SY" and got[0].admin2


def test_location_proxy_on_dev_gold(shared: Path) -> None:
    """The place chosen for each gold event's evidence sentence lies within the gold tolerance (default install)."""
    pipe = Pipeline.from_config({"stage": [{"name": "normalize"}, {"name": "geo"}]})
    docs = {}
    for line in (shared / "corpus/dev/articles.docs.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        docs[d["id"]] = pipe(Document(d["id"], d["text"], parse_date(d.get("published")), d.get("outlet")))
    ok = total = 0
    for line in (shared / "corpus/dev/articles.gold.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        doc = docs[g["id"]]
        for ev in g["events"]:
            loc = ev.get("location")
            if ev.get("optional") or not loc or loc.get("latitude") is None:
                continue
            s = doc.text.find(ev.get("evidence") or "\0")
            if s < 0:
                continue
            sent = doc.sentence_of(s)
            a, b = (sent.start, sent.end) if sent else (s, s + len(ev["evidence"]))
            place = event_location(doc, a, b, s)
            total += 1
            tol = max(10.0, float(loc.get("tolerance_km") or 10))
            ok += place is not None and _km((place.latitude, place.longitude), (loc["latitude"], loc["longitude"])) <= tol
    assert total > 150
    assert ok / total >= 0.78, f"location proxy {ok}/{total}"
