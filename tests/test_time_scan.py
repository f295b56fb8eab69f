"""The faster scans of the time stage find exactly what their regular expressions find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.stages.time import (
    _CHAIN,
    _DMY,
    _DMY_LED,
    _ISO,
    _ISO_LED,
    _YEAR_ONLY,
    _after_boundary,
    _chain_matches,
    _ordinal_gap_start,
    _years_only,
)

_WORDS = ("عام", "العام", "في", "منذ", "بعد", "قبل", "خلال", "سنه", "2019", "1990", "20199", "x2020", "1820", "يوم",
          "يومين", "ايام", "اسبوع", "3", "ثلاثه", "من", "على", "وبعد", "ساعات", "يوم واحد")
_SEPS = (" ", "", "\n", "\x1c", "،", "  ", "-")
_TEXT = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPS)), max_size=14).map(
    lambda ws: "".join(w + s for w, s in ws))


@settings(max_examples=600, deadline=None)
@given(_TEXT)
def test_years_only_equals_the_regular_expression(s: str) -> None:
    assert _years_only(s) == [m.span(1) for m in _YEAR_ONLY.finditer(s)]


@settings(max_examples=600, deadline=None)
@given(_TEXT)
def test_chain_matches_equal_the_regular_expression(s: str) -> None:
    assert [(m.span(), m.groups()) for m in _chain_matches(s)] == [(m.span(), m.groups()) for m in _CHAIN.finditer(s)]


def test_examples() -> None:
    assert _years_only("في عام 2019 ثم في 1990، وفي 2020") == [(7, 11), (18, 22)]  # not after «وفي»
    # after «و»/«ف» too («وقبل نحو اسبوعين»); a hedge («نحو») may stand before the figure
    assert [m.group(0) for m in _chain_matches("قتل قبل ثلاثه ايام من الهجوم وبعد يومين")] == [
        "قبل ثلاثه ايام من", "بعد يومين"]
    assert [m.group(0) for m in _chain_matches("وقبل نحو اسبوعين, اعلنت")] == ["قبل نحو اسبوعين"]
    assert _chain_matches("تقبل يومين") == []  # not inside a word


_NUMERIC = st.text(alphabet=st.sampled_from(list("0123456789٣-/_xحل ²")), max_size=40)


@settings(max_examples=800, deadline=None)
@given(_NUMERIC)
def test_numeric_dates_equal_the_regular_expressions(s: str) -> None:
    for whole, led in ((_ISO, _ISO_LED), (_DMY, _DMY_LED)):
        assert [(m.span(), m.groups()) for m in _after_boundary(led, s)] == \
            [(m.span(), m.groups()) for m in whole.finditer(s)]


def test_numeric_dates_need_a_boundary_before() -> None:
    assert [m.group(0) for m in _after_boundary(_ISO_LED, "x2019-01-02 و2020-03-04 12021-05-06")] == []
    assert [m.group(0) for m in _after_boundary(_ISO_LED, "2019-01-02 -2020-3-4")] == ["2019-01-02", "2020-3-4"]
    assert [m.groups() for m in _after_boundary(_DMY_LED, "في 12/3/2020، 1/2/20211")] == [("12", "3", "2020")]


_GAP_TEXT = st.lists(st.sampled_from(("من", "شهر", " ", "\x1c", "\n", "الخامس", "ن", "x", "  ", "ر")), max_size=40).map("".join)


@settings(max_examples=600, deadline=None)
@given(_GAP_TEXT, st.integers(0, 200))
def test_ordinal_gap_start_equals_the_whole_prefix_search(s: str, cut: int) -> None:
    import re

    a = min(cut, len(s))
    m = re.search(r"(?:\s+من(?:\s+شهر)?)?\s*$", s[:a])
    assert _ordinal_gap_start(s, a) == (m.start() if m else a)


def test_ordinal_gap_start_past_a_long_run_of_odd_spaces() -> None:
    s = "الخامس من" + "\x1c" * 60 + "شهر"
    a = len(s)
    assert _ordinal_gap_start(s, a) == len("الخامس")
