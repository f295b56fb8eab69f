"""The lexicon matcher: clitic-aware boundaries, suffixes, longest match, exact offsets."""

from __future__ import annotations

from marsad.lexicon import Lexicon
from marsad.text import normalize


def _find(lex: Lexicon, s: str) -> list[tuple[str, object]]:
    return [(s[m.start:m.end], m.payloads[0]) for m in lex.find(normalize(s))]


def test_proclitics_and_article() -> None:
    lex = Lexicon([("الميليشيات", "mil"), ("مدينة", "city"), ("التحالف الدولي", "coal")])
    s = "قال إن والميليشيات بمدينة هاجمت مواقع للتحالف الدولي"
    assert _find(lex, s) == [("الميليشيات", "mil"), ("مدينة", "city"), ("لتحالف الدولي", "coal")]


def test_no_match_inside_words() -> None:
    lex = Lexicon([("تل", "tal")])
    assert _find(lex, "قتل مقاتل في تل أبيض") == [("تل", "tal")]


def test_suffixes_only_when_allowed() -> None:
    lex = Lexicon([("إيراني", "IR")], suffixes=True)
    assert _find(lex, "الميليشيات الإيرانية") == [("إيراني", "IR")]
    strict = Lexicon([("إيراني", "IR")])
    assert _find(strict, "الميليشيات الإيرانية") == []


def test_longest_match_wins_and_folding() -> None:
    lex = Lexicon([("دير الزور", "dz"), ("ريف دير الزور", "rdz")])
    s = "في ريف ديرالزور وفي دير الزور"
    assert _find(lex, s) == [("ريف ديرالزور", "rdz"), ("دير الزور", "dz")]


def test_offsets_survive_diacritics_and_tatweel() -> None:
    lex = Lexicon([("الجيش السوري", "saa")])
    s = "قصفَ الجيــشُ السوريُّ البلدة"
    (m,) = lex.find(normalize(s))
    assert s[m.start:m.end] == "الجيــشُ السوري"
