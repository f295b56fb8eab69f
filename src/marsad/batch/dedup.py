"""Cross-outlet deduplication at scale: the store's merge rule (:mod:`marsad.dedup`) run on Spark.

``marsad ingest`` merges each new report into the first stored event (in creation order)
that passes a candidate filter (same type, date within ``max_days``, place inside
:meth:`~marsad.dedup.DedupRules.search_box`, no report from the same outlet yet) and
:func:`~marsad.dedup.same_incident`; the event's record is then
:func:`~marsad.dedup.combine` of its reports. Here the same greedy rule runs per
**block**, in input order:

* a block is ``(event_type, country)``: reports of different types, or placed in two
  different countries, never merge (``same_incident``/``places_near``), so no merge the
  store would make is lost by splitting there (a place without a country is blocked
  alone, with the other country-less places of its type);
* inside a block, events are indexed by day, so a report is compared only with the
  events of the ``2 × max_days + 1`` days around it: linear in the block for news-like data;
* undated or unplaced reports cannot merge and pass through unchanged.

A merged event is ``combine(reports).to_dict()`` with ``reports``: one entry per report
(``doc_id``, ``id``, ``source`` and, from the second on, the ``reason`` of the merge).
An event made of one report is exactly the report, as without dedup.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from marsad.dedup import DEFAULT_RULES, DedupRules, combine, same_incident
from marsad.model import Event

if TYPE_CHECKING:
    from pyspark import RDD

#: at most this many candidate events are tried per report (as the store's query LIMIT)
MAX_CANDIDATES = 200

Report = tuple[tuple[int, ...], dict[str, Any], str | None]  # (order key, event dict, outlet of its document)


def block_of(event: dict[str, Any]) -> tuple[str, str] | None:
    """The block of an event dict, or None when it cannot merge (no date or no place)."""
    loc = event.get("location")
    if not event.get("date") or not loc:
        return None
    return event["event_type"], loc.get("country") or ""


class _Merged:
    __slots__ = ("event", "keys", "outlets", "reports", "sources")

    def __init__(self, key: tuple[int, ...], report: Event, outlet: str | None, record: dict[str, Any]) -> None:
        self.keys = [key]
        self.reports = [report]
        self.outlets = [outlet]
        self.event = report
        self.sources: list[dict[str, Any]] = [
            {"doc_id": record["doc_id"], "id": record.get("id"), "source": outlet, "reason": None}]


def merge_block(reports: Iterable[Report], rules: DedupRules = DEFAULT_RULES) -> Iterator[tuple[tuple[int, ...], dict]]:
    """Merge the reports of one block in input order; yields ``(order key of the first report, event dict)``."""
    merged: list[_Merged] = []
    by_day: dict[int, list[int]] = {}
    originals: dict[int, dict[str, Any]] = {}
    for key, record, outlet in sorted(reports, key=lambda r: r[0]):
        report = Event.from_dict(record)
        if not report.source and outlet:
            report = replace(report, source=outlet)
        assert report.date is not None and report.location is not None
        day = report.date.toordinal()
        lo_lat, lo_lon, hi_lat, hi_lon = rules.search_box(report.location.latitude, report.location.longitude)
        candidates = sorted(i for d in range(day - rules.max_days, day + rules.max_days + 1)
                            for i in by_day.get(d, ()))
        target = None
        tried = 0
        for i in candidates:
            m = merged[i]
            loc = m.event.location
            if loc is None or not (lo_lat <= loc.latitude <= hi_lat and lo_lon <= loc.longitude <= hi_lon):
                continue
            named = {o for o in m.outlets if o}
            if outlet and rules.require_distinct_outlets and outlet in named:
                continue
            tried += 1
            if tried > MAX_CANDIDATES:
                break
            decision = same_incident(m.event, named, report, outlet, rules)
            if decision.merge:
                target = (i, decision.explanation)
                break
        if target is None:
            idx = len(merged)
            merged.append(_Merged(key, report, outlet, record))
            originals[idx] = record
            by_day.setdefault(day, []).append(idx)
            continue
        i, reason = target
        m = merged[i]
        old_day = m.event.date.toordinal() if m.event.date else None
        m.keys.append(key)
        m.reports.append(report)
        m.outlets.append(outlet)
        m.sources.append({"doc_id": record["doc_id"], "id": record.get("id"), "source": outlet, "reason": reason})
        m.event = combine(m.reports, m.outlets)
        new_day = m.event.date.toordinal() if m.event.date else None
        if new_day != old_day:
            if old_day is not None:
                by_day[old_day].remove(i)
            if new_day is not None:
                by_day.setdefault(new_day, []).append(i)
                by_day[new_day].sort()
    for i, m in enumerate(merged):
        if len(m.reports) == 1:
            yield m.keys[0], originals[i]
        else:
            yield m.keys[0], dict(m.event.to_dict(), reports=m.sources)


def dedup_events(events: RDD[Any], partitions: int, rules: DedupRules = DEFAULT_RULES) -> RDD[Any]:
    """Event rows ``("event", key, dict, outlet)`` → the same rows after merging, blocked on Spark."""
    keyed = events.map(lambda r: (block_of(r[2]), r))
    alone = keyed.filter(lambda kv: kv[0] is None).values()

    def merge(kv: tuple[Any, Iterable[Any]]) -> Iterator[Any]:
        for key, event in merge_block(((r[1], r[2], r[3]) for r in kv[1]), rules):
            yield ("event", key, event, None)

    blocks = keyed.filter(lambda kv: kv[0] is not None).groupByKey(numPartitions=partitions).flatMap(merge)
    return alone.union(blocks)
