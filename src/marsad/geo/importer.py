"""Import an authoritative gazetteer (OCHA COD formats) into the user's data folder.

Two formats are read:

* **CSV of places** — the OCHA humanitarian locations/communities file: an
  Arabic name column (``LocationName_ar``; also ``name_ar``/``NAME_AR``),
  latitude/longitude (``Latitude_y``/``Longitude_x``; also ``latitude``/
  ``lat``/``longitude``/``lon``), and optionally an English name, a p-code and
  ``admin1Name_en``…``admin3Name_en``/``admin0Pcode``;
* **GeoJSON** — admin boundaries (properties ``ADMn_AR``/``ADMn_EN``/``ADMn_PCODE``,
  the highest *n* present is the level), admin points, or named areas such as
  neighbourhoods (``NAME_AR``/``NAME_EN``). Polygons of admin boundaries are
  also kept for point-in-polygon admin lookup (:mod:`marsad.geo.admin`).

Each import becomes ``data_dir()/gazetteers/NAME.jsonl`` (a ``_meta`` line, then
one place per line in the curated schema) and, for boundaries,
``NAME.shapes.jsonl``. The gazetteer index is rebuilt on next use because its
cache key includes these files' checksums.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from marsad import resources
from marsad.errors import GeoError, InputError
from marsad.geo.index import gazetteer_dir

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
_SUFFIX_RE = re.compile(r"\s*[-–(].*$")

_CSV_AR = ("LocationName_ar", "name_ar", "NAME_AR", "Name_ar", "arabic_name", "admin4Name_ar")
_CSV_EN = ("LocationName_en", "name_en", "NAME_EN", "Name_en", "name", "admin4Name_en")
_CSV_LAT = ("Latitude_y", "latitude", "Latitude", "lat", "LAT", "y")
_CSV_LON = ("Longitude_x", "longitude", "Longitude", "lon", "lng", "LON", "x")
_CSV_PCODE = ("Location_Pcode", "pcode", "PCODE", "admin4Pcode")


@dataclass(slots=True)
class ImportResult:
    """What an import wrote."""

    name: str
    places: int
    shapes: int
    path: Path
    fmt: str


def _pick(header: list[str], options: tuple[str, ...]) -> str | None:
    low = {h.lower(): h for h in header}
    for o in options:
        if o in header:
            return o
        if o.lower() in low:
            return low[o.lower()]
    return None


def _clean_ar(name: str) -> str:
    """«اليرموك - دمشق» → «اليرموك»; «الطيبة (درعا)» → «الطيبة»."""
    base = _SUFFIX_RE.sub("", name.strip())
    return " ".join((base or name).split())


def _read_csv(path: Path, country: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            ar, lat, lon = _pick(header, _CSV_AR), _pick(header, _CSV_LAT), _pick(header, _CSV_LON)
            if not (ar and lat and lon):
                raise GeoError(
                    f"{path.name}: a places CSV needs an Arabic name column ({', '.join(_CSV_AR[:3])}) and "
                    f"latitude/longitude columns ({_CSV_LAT[0]}/{_CSV_LON[0]} or latitude/longitude); found: "
                    f"{', '.join(header[:12])}", code="E411")
            en, pc = _pick(header, _CSV_EN), _pick(header, _CSV_PCODE)
            a0 = _pick(header, ("admin0Pcode", "country", "iso2"))
            admins = {n: _pick(header, (f"admin{n}Name_en", f"ADM{n}_EN", f"admin{n}")) for n in (1, 2, 3)}
            recs = []
            for i, row in enumerate(reader, 2):
                name_ar = (row.get(ar) or "").strip()
                try:
                    y, x = float(row.get(lat) or ""), float(row.get(lon) or "")
                except ValueError:
                    continue  # a row without coordinates cannot be placed
                if not name_ar or not (-90 <= y <= 90 and -180 <= x <= 180):
                    continue
                base = _clean_ar(name_ar)
                rec: dict[str, Any] = {
                    "id": f"{(row.get(pc) if pc else None) or i}",
                    "name": (row.get(en) if en else None) or base, "name_ar": base,
                    "lat": y, "lon": x, "feature": "village", "precision": 1,
                }
                if base != name_ar:
                    rec["aliases"] = []
                cc = (row.get(a0) if a0 else None) or country
                if cc:
                    rec["country"] = cc.strip()[:2].upper()
                for n, col in admins.items():
                    if col and row.get(col):
                        rec[f"admin{n}"] = row[col].strip()
                if pc and row.get(pc):
                    rec["pcode"] = row[pc]
                recs.append(rec)
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text ({e}); save the CSV as UTF-8 and import again", code="E112") from e
    except csv.Error as e:
        raise InputError(f"{path}: not a readable CSV ({e})", code="E113") from e
    return recs, []


def _level(props: dict[str, Any]) -> int | None:
    for n in (4, 3, 2, 1):
        if f"ADM{n}_AR" in props or f"ADM{n}_EN" in props:
            return n
    return None


def _read_geojson(path: Path, country: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from shapely.geometry import shape

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not valid GeoJSON ({e})", code="E114") from e
    feats = data.get("features") if isinstance(data, dict) else None
    if not isinstance(feats, list):
        raise GeoError(f"{path.name}: a GeoJSON FeatureCollection with 'features' was expected", code="E412")
    recs: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    for i, f in enumerate(feats, 1):
        props = f.get("properties") or {}
        geom = f.get("geometry")
        if not geom:
            continue
        level = None if ("NAME_AR" in props or "name_ar" in props) else _level(props)
        if level is not None:
            name_ar = props.get(f"ADM{level}_AR")
            name_en = props.get(f"ADM{level}_EN") or props.get(f"ADM{level}_REF") or name_ar
            pcode = props.get(f"ADM{level}_PCODE")
            feature = f"admin{level}" if level <= 3 else "village"
        else:
            name_ar = props.get("NAME_AR") or props.get("name_ar")
            name_en = props.get("NAME_EN") or props.get("name_en") or props.get("name") or name_ar
            pcode = props.get("PCODE") or props.get("pcode")
            feature = "neighbourhood" if ("AREA_AR" in props or "ADM4_EN" in props) else "area"
        if not name_ar:
            continue
        try:
            g = shape(geom)
        except (ValueError, TypeError, AttributeError, KeyError) as e:
            raise GeoError(f"{path.name}: feature {i} has a bad geometry ({e})", code="E412") from e
        pt = g if g.geom_type == "Point" else g.representative_point()
        cc = (props.get("ADM0_PCODE") or country or "")[:2].upper() or None
        if cc is None and str(props.get("ADM1_PCODE") or "")[:2].isalpha():
            cc = str(props["ADM1_PCODE"])[:2].upper()
        rec: dict[str, Any] = {
            "id": str(pcode or i), "name": name_en, "name_ar": _clean_ar(name_ar), "lat": round(pt.y, 6),
            "lon": round(pt.x, 6), "feature": feature,
            "precision": 3 if feature == "admin1" else 2 if feature in ("admin2", "admin3", "area") else 1,
        }
        if cc:
            rec["country"] = cc
        for n in (1, 2, 3):
            if n <= (level or 3) and props.get(f"ADM{n}_EN"):
                rec[f"admin{n}"] = props[f"ADM{n}_EN"]
        if pcode:
            rec["pcode"] = pcode
        recs.append(rec)
        if level is not None and g.geom_type in ("Polygon", "MultiPolygon"):
            shapes.append({"level": level, "name": name_en, "name_ar": name_ar, "pcode": pcode, "geometry": geom})
    return recs, shapes


def _default_name(path: Path) -> str:
    n = re.sub(r"[^a-z0-9_\-]+", "-", path.stem.lower()).strip("-")
    return n or "gazetteer"


def import_file(path: str | Path, *, name: str | None = None, fmt: str = "auto",
                country: str | None = None, replace: bool = True) -> ImportResult:
    """Import a CSV or GeoJSON gazetteer as ``name`` (default: the file's name)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file; give the path of an OCHA CSV or GeoJSON file", code="E110")
    gname = name or _default_name(p)
    if not _NAME_RE.match(gname):
        raise GeoError(f"gazetteer name {gname!r} is not valid: use lower-case letters, digits, - and _",
                       code="E413")
    if fmt == "auto":
        suffix = p.suffix.lower()
        fmt = "csv" if suffix in (".csv", ".txt") else "geojson" if suffix in (".geojson", ".json") else ""
        if not fmt:
            raise GeoError(f"{p.name}: cannot tell the format from the extension; pass --format csv or geojson",
                           code="E410")
    if fmt not in ("csv", "geojson"):
        raise GeoError(f"unknown format {fmt!r}; use csv or geojson", code="E410")
    recs, shapes = (_read_csv if fmt == "csv" else _read_geojson)(p, country)
    if not recs:
        raise GeoError(f"{p.name}: no place with an Arabic name and coordinates was found; nothing imported",
                       code="E411")
    out_dir = gazetteer_dir()
    target = out_dir / f"{gname}.jsonl"
    if target.exists() and not replace:
        raise GeoError(f"a gazetteer named {gname!r} exists; remove it first or pick another --name", code="E414")
    prefix = f"{gname}:"
    meta = {"_meta": {"name": gname, "format": fmt, "source_file": p.name, "sha256": resources.sha256(p),
                      "imported": datetime.now(UTC).isoformat(timespec="seconds"), "places": len(recs),
                      "shapes": len(shapes)}}
    lines = [json.dumps(meta, ensure_ascii=False)]
    for r in recs:
        r["id"] = prefix + r["id"]
        lines.append(json.dumps(r, ensure_ascii=False))
    _write(target, "\n".join(lines) + "\n")
    shape_path = out_dir / f"{gname}.shapes.jsonl"
    if shapes:
        _write(shape_path, "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in shapes))
    else:
        shape_path.unlink(missing_ok=True)
    return ImportResult(gname, len(recs), len(shapes), target, fmt)


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        raise GeoError(f"cannot write {path}: {e}; check that the folder is writable or set MARSAD_HOME",
                       code="E403") from e


def list_gazetteers() -> list[dict[str, Any]]:
    """The imported gazetteers with their metadata."""
    out = []
    for p in sorted(gazetteer_dir().glob("*.jsonl")):
        if p.name.endswith(".shapes.jsonl"):
            continue
        with p.open(encoding="utf-8") as f:
            first = f.readline()
        try:
            meta = json.loads(first).get("_meta", {})
        except json.JSONDecodeError:
            meta = {}
        meta.setdefault("name", p.stem)
        meta["path"] = str(p)
        out.append(meta)
    return out


def remove_gazetteer(name: str) -> None:
    """Delete an imported gazetteer (places and shapes)."""
    target = gazetteer_dir() / f"{name}.jsonl"
    if not _NAME_RE.match(name) or not target.is_file():
        have = ", ".join(g["name"] for g in list_gazetteers()) or "none"
        raise GeoError(f"no imported gazetteer named {name!r} (imported: {have})", code="E415")
    target.unlink()
    (gazetteer_dir() / f"{name}.shapes.jsonl").unlink(missing_ok=True)
