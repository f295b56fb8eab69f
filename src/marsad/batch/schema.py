"""The declared Spark schema of events (Parquet output, DataFrames) and the conversions to and from it.

The schema mirrors :meth:`marsad.model.Event.to_dict` field for field: a row read
back from Parquet and passed through :func:`row_to_event_dict` is the same dict that
``marsad extract`` prints (the round trip is tested). ``date`` is a Spark ``DateType``
(so that it can be filtered and partitioned on); every other field keeps its JSON type.
``reports`` is set only on events merged by ``--dedup`` (:mod:`marsad.batch.dedup`).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql.types import StructType

#: keys that :meth:`Event.to_dict` (and Actor/Place) leave out when they hold their default
_OPTIONAL_EVENT = ("id", "background", "reports")
_OPTIONAL_ACTOR = ("id", "country", "registered")
_OPTIONAL_PLACE = ("id",)


@lru_cache(maxsize=1)
def event_schema() -> StructType:
    """The Spark schema of one event (needs pyspark)."""
    from pyspark.sql.types import (
        ArrayType,
        BooleanType,
        DateType,
        DoubleType,
        IntegerType,
        StringType,
        StructField,
        StructType,
    )

    def s(name: str) -> StructField:
        return StructField(name, StringType())

    actor = StructType([s("name"), s("name_ar"), s("mention"), StructField("category", IntegerType()),
                        s("id"), s("country"), StructField("registered", BooleanType())])
    place = StructType([s("name"), s("name_ar"), s("mention"), s("country"), s("admin1"), s("admin2"), s("admin3"),
                        StructField("latitude", DoubleType()), StructField("longitude", DoubleType()),
                        StructField("geo_precision", IntegerType()), s("id")])
    evidence = StructType([s("role"), StructField("start", IntegerType()), StructField("end", IntegerType()),
                           s("text")])
    return StructType([
        StructField("doc_id", StringType(), nullable=False),
        s("id"),
        StructField("event_type", StringType(), nullable=False),
        StructField("sub_event_type", StringType(), nullable=False),
        s("disorder_type"),
        StructField("date", DateType()),
        StructField("time_precision", IntegerType()),
        StructField("actor1", actor),
        StructField("assoc_actor1", ArrayType(actor)),
        StructField("actor2", actor),
        StructField("assoc_actor2", ArrayType(actor)),
        StructField("location", place),
        StructField("fatalities", IntegerType()),
        StructField("injuries", IntegerType()),
        s("source"),
        s("attribution"),
        s("notes"),
        StructField("confidence", DoubleType()),
        StructField("evidence", ArrayType(evidence)),
        StructField("background", BooleanType()),
        StructField("reports", ArrayType(StructType([s("doc_id"), s("id"), s("source"), s("reason")]))),
    ])


@lru_cache(maxsize=1)
def error_schema() -> StructType:
    """The Spark schema of one input problem: where it was (file index, line, entry), its code and message."""
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    return StructType([StructField("file", IntegerType()), StructField("line", IntegerType()),
                       StructField("entry", IntegerType()), StructField("code", StringType()),
                       StructField("message", StringType())])


def event_dict_to_row(d: dict[str, Any]) -> dict[str, Any]:
    """An event dict (``Event.to_dict()``) made ready for :func:`event_schema`: the date as a ``date``."""
    if d.get("date"):
        d = dict(d, date=date.fromisoformat(d["date"]))
    return d


def _strip(d: dict[str, Any] | None, optional: tuple[str, ...]) -> dict[str, Any] | None:
    if d is None:
        return None
    return {k: v for k, v in d.items() if not (k in optional and v is None)}


def row_to_event_dict(row: Any) -> dict[str, Any]:
    """A row of :func:`event_schema` (a pyspark ``Row`` or its ``asDict(recursive=True)``) → the ``Event.to_dict()`` dict."""
    d = row.asDict(recursive=True) if hasattr(row, "asDict") else dict(row)
    out = _strip(d, _OPTIONAL_EVENT) or {}
    if isinstance(out.get("date"), date):
        out["date"] = out["date"].isoformat()
    for k in ("actor1", "actor2"):
        out[k] = _strip(out.get(k), _OPTIONAL_ACTOR)
    for k in ("assoc_actor1", "assoc_actor2"):
        out[k] = [_strip(a, _OPTIONAL_ACTOR) for a in out.get(k) or []]
    out["location"] = _strip(out.get("location"), _OPTIONAL_PLACE)
    out["evidence"] = [dict(e) for e in out.get("evidence") or []]
    if out.get("reports") is not None:
        out["reports"] = [dict(r) for r in out["reports"]]
    return out
