"""Gazetteer import (OCHA COD CSV/GeoJSON), list/remove, point-in-polygon admin lookup, and the CLI commands."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from marsad.cli import main
from marsad.errors import GeoError, InputError
from marsad.geo.admin import AdminLookup
from marsad.geo.importer import import_file, list_gazetteers, remove_gazetteer
from marsad.geo.index import current_index, gazetteer_dir
from marsad.stages.geo import geocoder
from marsad.text import normalize

# A made-up district: two invented villages with invented names, inside an invented square polygon.
CSV_TEXT = (
    "admin0Pcode,admin1Name_en,admin2Name_en,admin3Name_en,LocationName_en,LocationName_ar,Location_Pcode,"
    "Latitude_y,Longitude_x\n"
    "SY,Testland,Test District,Test Subdistrict,Tall Zumurrud,تل الزمرد,C9001,35.5012,38.2034\n"
    "SY,Testland,Test District,Test Subdistrict,Khirbat Yaqut,خربة الياقوت - الشرقية,C9002,35.5205,38.2311\n"
    "SY,Testland,Test District,Test Subdistrict,No Coordinates,بلا إحداثيات,C9003,,\n"
)


def _square(lon0: float, lat0: float, size: float) -> dict:
    ring = [[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size], [lon0, lat0 + size], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"ADM1_EN": "Testland", "ADM1_AR": "أرض التجربة", "ADM1_PCODE": "SY99",
                                           "ADM0_PCODE": "SY"},
         "geometry": _square(38.0, 35.3, 0.5)},
        {"type": "Feature", "properties": {"ADM1_EN": "Otherland", "ADM1_AR": "أرض أخرى", "ADM1_PCODE": "SY98",
                                           "ADM0_PCODE": "SY"},
         "geometry": _square(38.5, 35.3, 0.5)},
    ],
}


HOME: Path | None = None


@pytest.fixture(autouse=True)
def _geo_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """One user-data folder for the module (the bundled part of the index is cached once), no imports left over."""
    global HOME
    if HOME is None:
        HOME = tmp_path_factory.mktemp("geo-import-home")
    monkeypatch.setenv("MARSAD_HOME", str(HOME))
    for f in gazetteer_dir().glob("*.jsonl"):
        f.unlink()


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    p = tmp_path / "test_communities.csv"
    p.write_text(CSV_TEXT, encoding="utf-8")
    return p


@pytest.fixture
def geojson_file(tmp_path: Path) -> Path:
    p = tmp_path / "test_adm1.geojson"
    p.write_text(json.dumps(GEOJSON, ensure_ascii=False), encoding="utf-8")
    return p


def test_import_csv_list_and_remove(csv_file: Path) -> None:
    res = import_file(csv_file, name="testland")
    assert res.places == 2 and res.shapes == 0 and res.fmt == "csv"
    lines = res.path.read_text(encoding="utf-8").splitlines()
    meta = json.loads(lines[0])["_meta"]
    assert meta["places"] == 2 and meta["source_file"] == "test_communities.csv"
    recs = [json.loads(x) for x in lines[1:]]
    assert recs[1]["name_ar"] == "خربة الياقوت"  # the « - suffix» is cut
    assert recs[0]["admin1"] == "Testland" and recs[0]["pcode"] == "C9001" and recs[0]["country"] == "SY"
    assert [g["name"] for g in list_gazetteers()] == ["testland"]
    idx = current_index()
    assert any(e.id == "testland:C9001" for e in idx.lookup("تل الزمرد"))
    remove_gazetteer("testland")
    assert list_gazetteers() == []
    assert not any(e.id.startswith("testland:") for e in current_index().lookup("تل الزمرد"))
    with pytest.raises(GeoError) as err:
        remove_gazetteer("testland")
    assert err.value.code == "E415"


def test_imported_places_are_geocoded_with_admin_from_polygons(csv_file: Path, geojson_file: Path) -> None:
    import_file(csv_file, name="testland")
    res = import_file(geojson_file)
    assert res.name == "test_adm1" and res.shapes == 2
    tops = geocoder().geocode(normalize("قصفت المدفعية قرية تل الزمرد وخربة الياقوت"))
    got = {t.surface: t.place for t in tops if t.place}
    village = next(p for s, p in got.items() if "الزمرد" in s)
    assert village.id == "testland:C9001"
    assert village.admin1 == "Testland"  # point-in-polygon
    assert math.isclose(village.latitude, 35.5012)
    assert any("الياقوت" in s for s in got)


def test_admin_lookup_levels() -> None:
    lk = AdminLookup.from_records([
        {"level": 1, "name": "A", "geometry": _square(0, 0, 2)},
        {"level": 2, "name": "A-1", "geometry": _square(0, 0, 1)},
    ])
    assert lk.locate(0.5, 0.5) == {1: "A", 2: "A-1"}
    assert lk.locate(1.5, 1.5) == {1: "A"}
    assert lk.locate(5, 5) == {}


@pytest.mark.parametrize(
    ("content", "suffix", "code"),
    [
        ("a,b,c\n1,2,3\n", ".csv", "E411"),
        ('{"type": "Feature"}', ".geojson", "E412"),
        ("name_ar,lat,lon\n,1,2\n", ".csv", "E411"),
        ("x", ".xlsx", "E410"),
    ],
)
def test_bad_files_raise_geo_errors(tmp_path: Path, content: str, suffix: str, code: str) -> None:
    p = tmp_path / f"bad{suffix}"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(GeoError) as err:
        import_file(p)
    assert err.value.code == code
    assert not list(gazetteer_dir().glob("bad*"))


def test_missing_file_and_bad_name(tmp_path: Path, csv_file: Path) -> None:
    with pytest.raises(InputError):
        import_file(tmp_path / "nope.csv")
    with pytest.raises(GeoError) as err:
        import_file(csv_file, name="Bad Name!")
    assert err.value.code == "E413"


def test_cli_gazetteer_commands(csv_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gazetteer", "import", str(csv_file), "--name", "cli-test", "--no-build"]) == 0
    assert "imported 2 places" in capsys.readouterr().out
    assert main(["gazetteer", "list"]) == 0
    assert "cli-test\t2 places" in capsys.readouterr().out
    assert main(["gazetteer", "remove", "cli-test"]) == 0
    assert main(["gazetteer", "remove", "cli-test"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("marsad: error [E415]")
    assert main(["gazetteer", "import", "/no/such/file.csv"]) == 2
    assert "E110" in capsys.readouterr().err


def test_cli_geocode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["geocode", "غارة جوية على مدينة الميادين بريف دير الزور الشرقي"]) == 0
    out = capsys.readouterr().out
    assert "مدينة الميادين" in out and "=>" in out and "Al Mayādīn" in out
    assert main(["geocode", "--json", "-n", "1", "اشتباكات في حلب"]) == 0
    line = json.loads(capsys.readouterr().out.splitlines()[0])
    assert line["place"]["country"] == "SY" and len(line["candidates"]) == 1
    assert main(["geocode", "  "]) == 2
    assert "E101" in capsys.readouterr().err
