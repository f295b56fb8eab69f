"""Point-in-polygon admin lookup over imported administrative boundaries (``shapely``).

``marsad gazetteer import`` stores the polygons of an admin boundary GeoJSON as
``data_dir()/gazetteers/NAME.shapes.jsonl`` (one JSON object per polygon with its
level, names and GeoJSON geometry). :class:`AdminLookup` loads them into one
STRtree and answers ``locate(lat, lon) -> {level: English name}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.errors import GeoError


@dataclass(slots=True)
class AdminLookup:
    """Admin polygons of any levels, searchable by point."""

    geoms: list[Any]
    info: list[tuple[int, str]]  # (level, name)
    tree: Any
    cache: dict[tuple[float, float], dict[int, str]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]]) -> AdminLookup:
        from shapely.geometry import shape
        from shapely.strtree import STRtree

        geoms, info = [], []
        for r in records:
            try:
                g = shape(r["geometry"])
            except (KeyError, ValueError, TypeError, AttributeError) as e:
                raise GeoError(f"bad boundary record {r.get('name')!r}: {e}; re-import the boundaries", code="E404") from e
            geoms.append(g)
            info.append((int(r["level"]), r.get("name") or r.get("name_ar") or ""))
        return cls(geoms, info, STRtree(geoms) if geoms else None)

    @classmethod
    def load(cls, files: Iterable[str | Path]) -> AdminLookup:
        recs: list[dict[str, Any]] = []
        for f in files:
            p = Path(f)
            if not p.is_file():
                continue
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    recs.append(json.loads(line))
        return cls.from_records(recs)

    def locate(self, lat: float, lon: float) -> dict[int, str]:
        """The names of the admin units containing the point, by level (1, 2, 3, 4)."""
        if self.tree is None:
            return {}
        key = (round(lat, 5), round(lon, 5))
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        from shapely.geometry import Point

        pt = Point(lon, lat)
        out: dict[int, str] = {}
        for i in self.tree.query(pt, predicate="intersects"):
            level, name = self.info[int(i)]
            out.setdefault(level, name)
        if len(self.cache) < 100_000:
            self.cache[key] = out
        return out
