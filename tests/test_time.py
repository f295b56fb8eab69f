"""The time stage: date expressions resolved against the publication date, with original offsets."""

from __future__ import annotations

from datetime import date

import pytest

from marsad.model import Document
from marsad.stages.time import YEAR, TimeStage, event_date, find_dates, recalled
from marsad.text import normalize

PUB = date(2023, 9, 24)  # a Sunday


def _one(text: str, pub: date | None = PUB) -> tuple[str, date | None, int]:
    found = find_dates(normalize(text), pub)
    assert len(found) == 1, [(d.text, d.value) for d in found]
    d = found[0]
    assert text[d.start:d.end] == d.text
    return d.text, d.value, d.precision


@pytest.mark.parametrize(("text", "value", "precision"), [
    ("قصفت الطائرات اليوم مواقع", date(2023, 9, 24), 1),
    ("وقع الهجوم أمس في المدينة", date(2023, 9, 23), 1),
    ("فجر اليوم", date(2023, 9, 24), 1),
    ("مساء أمس", date(2023, 9, 23), 1),
    ("أول أمس", date(2023, 9, 22), 1),
    ("أول من أمس", date(2023, 9, 22), 1),
    ("يوم الثلاثاء", date(2023, 9, 19), 1),
    ("يوم الأحد", date(2023, 9, 24), 1),
    ("الأحد الماضي", date(2023, 9, 17), 1),
    ("الأسبوع الماضي", date(2023, 9, 17), 2),
    ("الشهر الماضي", date(2023, 8, 15), 3),
    ("في الـ19 من أيلول/سبتمبر الحالي", date(2023, 9, 19), 1),
    ("في 24 آذار 2001", date(2001, 3, 24), 1),
    ("24 مارس (آذار) 2001", date(2001, 3, 24), 1),
    ("الخامس من نوفمبر", date(2022, 11, 5), 1),
    ("في 3 تشرين الأول", date(2022, 10, 3), 1),
    ("15 رمضان 1444 هـ", date(2023, 4, 6), 1),
    ("في أيلول الماضي", date(2022, 9, 15), 3),
    ("في شهر آب", date(2023, 8, 15), 3),
    ("2023-09-20", date(2023, 9, 20), 1),
    ("20/9/2023", date(2023, 9, 20), 1),
    ("قبل ثلاثة أيام", date(2023, 9, 21), 1),
    ("منذ يومين", date(2023, 9, 22), 1),
    ("بعد يوم واحد من تعرض الموقع", date(2023, 9, 23), 1),
    ("بعد يومين من اقتحام المخيم", date(2023, 9, 22), 1),
    ("في السابع من الشهر الجاري", date(2023, 9, 7), 1),
    ("في الـ3 من الشهر الماضي", date(2023, 8, 3), 1),
    ("قبل عامين", date(2021, 9, 24), 4),
])
def test_resolves(text: str, value: date, precision: int) -> None:
    _, got, prec = _one(text)
    assert (got, prec) == (value, precision)


@pytest.mark.parametrize("text", ["في اليوم نفسه", "صلاة الجمعة", "آب", "قدم مارس خبرته", "بعد يومين"])
def test_ignores_non_dates(text: str) -> None:
    assert find_dates(normalize(text), PUB) == []


def test_relative_without_publication_is_unresolved() -> None:
    text, value, _ = _one("قصفت الطائرات أمس", None)
    assert text == "أمس" and value is None


def test_absolute_without_publication_is_resolved() -> None:
    _, value, _ = _one("في 24 آذار 2001", None)
    assert value == date(2001, 3, 24)


def test_year_alone_has_year_precision() -> None:
    _, value, prec = _one("في عام 2003")
    assert prec == YEAR and value is not None and value.year == 2003


def test_offsets_survive_diacritics_and_tatweel() -> None:
    text = "قُصِفَت البلدة أمـــس"
    (d,) = find_dates(normalize(text), PUB)
    assert text[d.start:d.end] == "أمـــس"
    assert d.value == date(2023, 9, 23)


def test_stage_and_event_date() -> None:
    text = "قصفت الطائرات أمس بلدة. وفي يوم الثلاثاء دارت اشتباكات."
    doc = Document(id="t", text=text, published=PUB)
    from marsad.stages.normalize import NormalizeStage

    TimeStage()(NormalizeStage()(doc))
    assert [d.text for d in doc.dates] == ["أمس", "يوم الثلاثاء"]
    first = text.index("قصفت")
    second = text.index("اشتباكات")
    d1 = event_date(doc, 0, text.index("."), first)
    d2 = event_date(doc, text.index("وفي"), len(text), second)
    assert d1 is not None and d1.value == date(2023, 9, 23)
    assert d2 is not None and d2.value == date(2023, 9, 19)
    assert event_date(doc, 0, 4, 0) is not None  # falls back to the sentence


def test_consecutive_double_month_names_are_all_found() -> None:
    text = "وفي 18 تشرين الأول/أكتوبر الجاري، أعلن الجيش. وفي 26 تشرين الأول/أكتوبر الجاري، أعلن الجيش."
    found = find_dates(normalize(text), date(2023, 10, 29))
    assert [d.value for d in found] == [date(2023, 10, 18), date(2023, 10, 26)]


def test_today_as_a_count_of_days_is_not_a_date() -> None:
    assert find_dates(normalize("استمرار العدوان لليوم الثالث والعشرين"), PUB) == []


def test_named_weekday_wins_over_loose_yesterday() -> None:
    # published on a Thursday: «أمس الثلاثاء» is Tuesday, not Wednesday
    got = find_dates(normalize("خطف مسلحون يوم أمس الثلاثاء خمسة مقاتلين"), date(2015, 8, 6))
    assert [(d.text, d.value) for d in got] == [("أمس الثلاثاء", date(2015, 8, 4))]
    same = find_dates(normalize("قصفت الطائرات أمس الأربعاء البلدة"), date(2015, 8, 6))
    assert [d.value for d in same] == [date(2015, 8, 5)]


def _dated(text: str, pub: date | None) -> Document:
    from marsad.stages.normalize import NormalizeStage

    return TimeStage()(NormalizeStage()(Document(id="r", text=text, published=pub)))


@pytest.mark.parametrize(("text", "trigger", "pub", "expected"), [
    # undated document, a month of a named year after the trigger: recalled
    ("واستقال الوزير بعد اغتيال المحافظ في آذار 2012 بأشهر.", "اغتيال", None, True),
    # the same with a publication date: the 30-day rule of the events stage decides, not this one
    ("واستقال الوزير بعد اغتيال المحافظ في آذار 2012 بأشهر.", "اغتيال", PUB, False),
    # the date leads the incident (a chronology line): told, not recalled
    ("وفي آذار 2012 اغتال مسلحون المحافظ.", "اغتال", None, False),
    # a full day after the trigger: told
    ("خرج المتظاهرون في 10 آذار 2012 إلى الساحة.", "خرج", None, False),
    # no year: nothing to say
    ("واستقال الوزير بعد اغتيال المحافظ في آذار الماضي.", "اغتيال", None, False),
    # no date of its own, a year named alone in the sentence: recalled
    ("وتولى القيادة عام 2014 بعد اغتيال سلفه.", "اغتيال", None, True),
])
def test_recalled_incident(text: str, trigger: str, pub: date | None, expected: bool) -> None:
    doc = _dated(text, pub)
    anchor = text.index(trigger)
    sent_end = len(text)
    assert recalled(doc, event_date(doc, 0, sent_end, anchor), anchor) is expected


def test_day_of_the_same_month_as_the_date_before() -> None:
    text = "وفي 25 تشرين الأول الجاري أعلن الجيش إسقاط مسيرة، وقبلها في 22 من الشهر نفسه قصفت الطائرات المطار."
    found = find_dates(normalize(text), date(2023, 10, 29))
    assert [(d.text, d.value) for d in found] == [("25 تشرين الأول الجاري", date(2023, 10, 25)),
                                                 ("22 من الشهر نفسه", date(2023, 10, 22))]
    assert find_dates(normalize("في 22 من الشهر نفسه"), date(2023, 10, 29)) == []  # no month told before
