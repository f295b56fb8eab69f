"""The merge rule on its own: distances, actor keys, decisions with reasons, the merged view."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.dedup import DedupRules, actor_key, combine, haversine_km, places_near, same_incident
from marsad.model import Actor, Document, Event, Evidence, Place
from marsad.store import open_store

DAMASCUS = Place(name="Damascus", latitude=33.5138, longitude=36.2765, country="SY", admin1="Damascus")
DOUMA = Place(name="Douma", latitude=33.5711, longitude=36.4048, country="SY", admin1="Rural Damascus")


def ev(**kw: object) -> Event:
    base: dict[str, object] = dict(doc_id="d", event_type="Battles", sub_event_type="Armed clash",
                                   date=date(2024, 1, 10), time_precision=1, location=DAMASCUS,
                                   actor1=Actor(name="A", id="a"), actor2=Actor(name="B", id="b"), fatalities=4)
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


def test_haversine_known_distance() -> None:
    assert haversine_km(33.5138, 36.2765, 33.5711, 36.4048) == pytest.approx(13.5, abs=0.5)  # Damascus–Douma
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.2)


def test_actor_keys() -> None:
    assert actor_key(None) is None
    assert actor_key(Actor(name="Unidentified Armed Group")) is None
    assert actor_key(Actor(name="X", id="reg-1")) == "id:reg-1"
    assert actor_key(Actor(name="", name_ar="الجيش السوري")) == actor_key(Actor(name="", name_ar="الجيش السورى"))


def test_province_level_places_need_the_same_province() -> None:
    coarse = Place(name="Rif Dimashq", latitude=33.52, longitude=36.30, country="SY", admin1="Rural Damascus",
                   geo_precision=3)
    near, why = places_near(DAMASCUS, coarse)
    assert not near and "different provinces" in why
    near, why = places_near(DOUMA, coarse)
    assert near and "area" in why


def test_decision_lists_every_reason() -> None:
    d = same_incident(ev(), {"Outlet A"}, ev(date=date(2024, 1, 11), location=DOUMA), "Outlet B",
                      DedupRules(near_km=15))
    assert d.merge
    assert [r.split(" ")[0] for r in d.reasons] == ["same", "dates", "places", "actors", "different"]
    far = same_incident(ev(), {"Outlet A"}, ev(location=DOUMA), "Outlet B", DedupRules(near_km=5))
    assert not far.merge and "more than 5 km" in far.explanation


@pytest.mark.parametrize(("new", "outlet", "why"), [
    (ev(event_type="Protests"), "B", "different types"),
    (ev(date=None), "B", "no date"),
    (ev(location=None), "B", "no place"),
    (ev(date=date(2024, 1, 13)), "B", "3 days apart"),
    (ev(actor1=Actor(name="C", id="c")), "B", "actors differ"),
    (ev(), "A", "already reported by A"),
    (ev(), None, "no outlet"),
])
def test_reasons_for_not_merging(new: Event, outlet: str | None, why: str) -> None:
    d = same_incident(ev(), {"A"}, new, outlet)
    assert not d.merge and why in d.explanation


def test_combine_keeps_first_report_lowest_toll_and_every_outlet() -> None:
    first = ev(fatalities=7, actor2=None, time_precision=2, date=date(2024, 1, 12),
               evidence=[Evidence("trigger", 0, 3, "abc")])
    second = ev(fatalities=5, time_precision=1, date=date(2024, 1, 11))
    merged = combine([first, second], ["A", "B"])
    assert merged.fatalities == 5 and merged.source == "A; B"
    assert merged.actor2 is not None and merged.actor2.name == "B"  # filled from the second report
    assert merged.date == date(2024, 1, 11) and merged.time_precision == 1  # the most precise date
    assert merged.evidence == first.evidence and first.fatalities == 7  # inputs untouched
    with pytest.raises(ValueError):
        combine([], [])


def test_a_report_without_a_toll_does_not_lower_a_stated_one() -> None:
    silent = ev(fatalities=0)
    stated = ev(fatalities=18, evidence=[Evidence("fatalities", 0, 2, "18")])
    assert combine([silent, stated], ["A", "B"]).fatalities == 18
    none_dead = ev(fatalities=0, evidence=[Evidence("fatalities", 0, 3, "دون")])  # an explicit "no deaths"
    assert combine([stated, none_dead], ["B", "C"]).fatalities == 0
    assert combine([silent, ev(fatalities=0)], ["A", "C"]).fatalities == 0


# --------------------------------------------------------------------------- merge/unmerge as a whole, on SQLite

PLACES = [DAMASCUS, DOUMA, Place(name="Homs", latitude=34.73, longitude=36.71, country="SY", admin1="Homs")]
report_st = st.tuples(
    st.sampled_from(["Battles", "Protests"]),  # type
    st.integers(0, 4),                         # day offset
    st.integers(0, 2),                         # place
    st.sampled_from(["A", "B", "C"]),          # outlet
    st.integers(0, 9),                         # fatalities
    st.sampled_from(["a", "b", None]),         # actor1 id (None: unknown)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(report_st, min_size=1, max_size=8))
def test_merging_then_unmerging_everything_gives_back_each_report(reports: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "p.sqlite") as store:
        for i, (etype, day, place, outlet, fat, a1) in enumerate(reports):
            doc = Document(id=f"d{i}", text=f"تقرير رقم {i}", outlet=outlet)
            doc.events.append(ev(doc_id=doc.id, event_type=etype, date=date(2024, 1, 10 + day),
                                 location=PLACES[place], fatalities=fat,
                                 actor1=Actor(name=a1.upper(), id=a1) if a1 else None, actor2=None,
                                 evidence=[Evidence("fatalities", 0, 1, "x")]))
            store.add_document(doc)
        events = store.list_events()
        assert sum(len(se.sources) for se in events) == len(reports)
        for se in events:
            outlets = [s.outlet for s in se.sources]
            assert len(set(outlets)) == len(outlets)  # never two reports of one outlet in one event
            assert se.event.fatalities == min(s.report.fatalities for s in se.sources)
            days = [s.report.date for s in se.sources]
            assert (max(days) - min(days)).days <= 2 * (len(days) - 1)
        for se in events:
            if se.merged:
                store.unmerge(se.id)
        after = store.list_events()
        assert len(after) == len(reports)
        for se in after:
            (src,) = se.sources
            assert se.event.fatalities == src.report.fatalities and se.event.date == src.report.date
            assert se.event.source == src.outlet
