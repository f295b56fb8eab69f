"""Export stored events: ACLED CSV, GeoJSON (RFC 7946) and JSON Lines.

Each writer takes an iterable of :class:`~marsad.store.StoredEvent` and a text
stream, writes incrementally and returns the number of events written.

The ACLED CSV has ACLED's column names in ACLED's order (:data:`ACLED_COLUMNS`);
``inter1``/``inter2`` are ACLED's numeric actor categories and ``interaction``
their two-digit combination (lower code first; ``N0`` for a one-sided event);
``event_id_cnty`` is the ISO alpha-3 code of the country followed by the
store's event id; ``source`` lists every outlet of a merged event.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any, TextIO

from marsad.store import StoredEvent

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)

#: ACLED's region of each country it covers in the Arabic-speaking world and its neighbours (ISO alpha-2)
ACLED_REGIONS: dict[str, str] = {
    **dict.fromkeys(("SY", "IQ", "YE", "LB", "PS", "IL", "JO", "SA", "IR", "TR", "BH", "KW", "OM", "QA", "AE"),
                    "Middle East"),
    **dict.fromkeys(("EG", "LY", "TN", "DZ", "MA", "SD"), "Northern Africa"),
    **dict.fromkeys(("SO", "DJ", "ER", "ET", "SS", "KE", "UG", "KM"), "Eastern Africa"),
    **dict.fromkeys(("MR", "ML", "NE", "BF", "NG", "SN"), "Western Africa"),
    **dict.fromkeys(("TD", "CF", "CM"), "Middle Africa"),
    **dict.fromkeys(("AF", "PK", "IN"), "South Asia"),
    **dict.fromkeys(("AZ", "AM", "GE"), "Caucasus and Central Asia"),
}


@lru_cache(maxsize=512)
def country_info(code: str | None) -> tuple[str, str, str]:
    """(alpha-3, numeric code, common name) of an ISO alpha-2 (or alpha-3) country code; blanks when unknown."""
    if not code:
        return "", "", ""
    import pycountry

    c = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else pycountry.countries.get(
        alpha_3=code.upper())
    if c is None:
        return "", "", code
    name = getattr(c, "common_name", None) or c.name.split(",")[0]
    return c.alpha_3, str(int(c.numeric)), name


def _interaction(i1: int | None, i2: int | None) -> str:
    if not i1 and not i2:
        return ""
    codes = sorted(x for x in (i1, i2) if x)
    return f"{codes[0]}{codes[1]}" if len(codes) == 2 else f"{codes[0]}0"


def _timestamp(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(int(datetime.fromisoformat(value).timestamp()))
    except ValueError:
        return ""


def acled_row(se: StoredEvent) -> dict[str, Any]:
    """One event as an ACLED CSV row (column → value)."""
    ev, loc = se.event, se.event.location
    a1, a2 = ev.actor1, ev.actor2
    alpha3, numeric, country = country_info(loc.country if loc else None)
    i1 = a1.category if a1 else None
    i2 = a2.category if a2 else None
    return {
        "event_id_cnty": f"{alpha3 or 'XXX'}{se.id}",
        "event_date": ev.date.isoformat() if ev.date else "",
        "year": ev.date.year if ev.date else "",
        "time_precision": ev.time_precision or "",
        "disorder_type": ev.disorder_type,
        "event_type": ev.event_type,
        "sub_event_type": ev.sub_event_type,
        "actor1": a1.name if a1 else "",
        "assoc_actor_1": "; ".join(a.name for a in ev.assoc_actor1),
        "inter1": i1 or "",
        "actor2": a2.name if a2 else "",
        "assoc_actor_2": "; ".join(a.name for a in ev.assoc_actor2),
        "inter2": i2 or "",
        "interaction": _interaction(i1, i2),
        "civilian_targeting": "Civilian targeting" if i2 == 7 else "",
        "iso": numeric,
        "region": ACLED_REGIONS.get((loc.country or "").upper(), "") if loc else "",
        "country": country,
        "admin1": (loc.admin1 or "") if loc else "",
        "admin2": (loc.admin2 or "") if loc else "",
        "admin3": (loc.admin3 or "") if loc else "",
        "location": (loc.name or loc.name_ar or "") if loc else "",
        "latitude": f"{loc.latitude:.4f}" if loc else "",
        "longitude": f"{loc.longitude:.4f}" if loc else "",
        "geo_precision": loc.geo_precision if loc else "",
        "source": ev.source or "; ".join(sorted({s.outlet for s in se.sources if s.outlet})),
        "source_scale": "",
        "notes": ev.notes,
        "fatalities": ev.fatalities,
        "tags": "",
        "timestamp": _timestamp(se.updated_at),
    }


def write_acled_csv(events: Iterable[StoredEvent], out: TextIO) -> int:
    """ACLED CSV with a header row; returns the number of events."""
    w = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    w.writeheader()
    n = 0
    for se in events:
        w.writerow(acled_row(se))
        n += 1
    return n


def geojson_feature(se: StoredEvent) -> dict[str, Any]:
    """One event as a GeoJSON Feature; an event without a place has a null geometry (allowed by RFC 7946)."""
    ev, loc = se.event, se.event.location
    geometry = ({"type": "Point", "coordinates": [round(loc.longitude, 6), round(loc.latitude, 6)]}
                if loc else None)
    props = {
        "id": se.id, "event_date": ev.date.isoformat() if ev.date else None, "time_precision": ev.time_precision,
        "disorder_type": ev.disorder_type, "event_type": ev.event_type, "sub_event_type": ev.sub_event_type,
        "actor1": ev.actor1.name if ev.actor1 else None, "actor1_ar": ev.actor1.name_ar if ev.actor1 else None,
        "actor2": ev.actor2.name if ev.actor2 else None, "actor2_ar": ev.actor2.name_ar if ev.actor2 else None,
        "location": loc.name if loc else None, "location_ar": loc.name_ar if loc else None,
        "country": loc.country if loc else None, "admin1": loc.admin1 if loc else None,
        "admin2": loc.admin2 if loc else None, "geo_precision": loc.geo_precision if loc else None,
        "fatalities": ev.fatalities, "source": ev.source, "n_sources": len(se.sources),
        "documents": [s.doc_key for s in se.sources], "notes": ev.notes, "review_state": se.review_state,
    }
    return {"type": "Feature", "id": se.id, "geometry": geometry, "properties": props}


def write_geojson(events: Iterable[StoredEvent], out: TextIO) -> int:
    """A GeoJSON FeatureCollection (RFC 7946: WGS 84, [longitude, latitude]), written feature by feature."""
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for se in events:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(geojson_feature(se), ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def write_jsonl(events: Iterable[StoredEvent], out: TextIO) -> int:
    """One JSON object per event: the event format of ``formats.md`` plus id, review state and sources."""
    n = 0
    for se in events:
        out.write(json.dumps(se.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n


WRITERS: dict[str, Callable[[Iterable[StoredEvent], TextIO], int]] = {
    "acled-csv": write_acled_csv,
    "geojson": write_geojson,
    "jsonl": write_jsonl,
}
