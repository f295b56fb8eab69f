"""The text layer: normalization keeps an exact offset map, never crashes, folds what it should."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.text import fold, normalize, sentence_bounds, strip_clitics, tokenize

ARABIC_HEAVY = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
        st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),
        st.sampled_from(list(" \n\t.,!?\u200b\u200f\u202b\u2066\ufeff\u0640")),
        st.characters(),
    ),
    max_size=200,
)


@settings(max_examples=400, deadline=None)
@given(ARABIC_HEAVY)
def test_every_normalized_char_maps_into_the_original(s: str) -> None:
    nt = normalize(s)
    assert len(nt.key) == len(nt.text) == len(nt.starts) == len(nt.ends)
    prev = 0
    for i in range(len(nt.text)):
        a, b = nt.starts[i], nt.ends[i]
        assert 0 <= a < b <= len(s)
        assert a >= prev or nt.starts[i] == nt.starts[i - 1]  # monotone (expansions share a source)
        prev = a


@settings(max_examples=300, deadline=None)
@given(ARABIC_HEAVY, st.data())
def test_any_span_maps_back_to_a_slice(s: str, data: st.DataObject) -> None:
    nt = normalize(s)
    n = len(nt.text)
    a = data.draw(st.integers(0, n))
    b = data.draw(st.integers(a, n))
    o1, o2 = nt.to_original(a, b)
    assert 0 <= o1 <= o2 <= len(s)
    if b > a:
        # the original slice normalizes to a text that contains the normalized span
        assert nt.text[a:b].strip() in normalize(s[o1:o2]).text or nt.text[a:b].isspace()


@settings(max_examples=200, deadline=None)
@given(ARABIC_HEAVY)
def test_tokens_and_sentences_slice_the_original(s: str) -> None:
    nt = normalize(s)
    for t in tokenize(nt):
        assert s[t.start:t.end]
        assert nt.key[t.nstart:t.nend] == t.key
    for a, b in sentence_bounds(nt):
        assert 0 <= a < b <= len(nt.text)


def test_presentation_forms_diacritics_tatweel_controls() -> None:
    s = "\ufefb بأسٍ قالــــ\u200f «الجيشُ»\u202b"
    nt = normalize(s)
    assert nt.text == 'لا بأس قال "الجيش"'
    assert nt.key == 'لا باس قال "الجيش"'
    # «الجيش» maps back to the original letters with its diacritic inside
    i = nt.text.index("الجيش")
    a, b = nt.to_original(i, i + 5)
    assert s[a:b] == "الجيشُ"[:5] or s[a:b] == "الجيش"


def test_digits_and_punctuation() -> None:
    nt = normalize("قتل ٣ و۴ عناصر، أمس؟")
    assert nt.text == "قتل 3 و4 عناصر, أمس?"


def test_folding_alef_hamza_ya_ta_marbuta() -> None:
    assert fold("إيران") == fold("ايران") == "ايران"
    assert fold("مدينة") == "مدينه"
    assert fold("مستشفى") == "مستشفي"
    assert fold("مؤسسة") == "موسسه"
    assert fold("Coalition") == "coalition"


def test_whitespace_runs_collapse_but_newline_survives() -> None:
    nt = normalize("  أ  \t ب\n\n ج  ")
    assert nt.text == "أ ب\nج"
    a, b = nt.to_original(0, len(nt.text))
    assert "  أ  \t ب\n\n ج  "[a:b] == "أ  \t ب\n\n ج"


def test_clitics_are_split_without_eating_short_stems() -> None:
    assert strip_clitics(fold("والميليشيات")) == ("وال", "ميليشيات")
    assert strip_clitics(fold("بمدينة")) == ("ب", "مدينه")
    assert strip_clitics(fold("للتحالف")) == ("لل", "تحالف")
    assert strip_clitics("بلد") == ("", "بلد")


def test_sentences() -> None:
    s = "قصفت الطائرات البلدة. وقتل 3.5 شخص!\nسطر آخر"
    nt = normalize(s)
    sents = [nt.original_slice(a, b) for a, b in sentence_bounds(nt)]
    assert sents == ["قصفت الطائرات البلدة.", "وقتل 3.5 شخص!", "سطر آخر"]


def test_glued_words_are_split_without_losing_offsets() -> None:
    s = "استهدفت المقاومةقاعدة حقل العمر بأكثر من 15 صاروخاًعلى القواعد"
    nt = normalize(s)
    keys = [t.key for t in tokenize(nt)]
    assert "المقاومه" in keys and "قاعده" in keys and "صاروخا" in keys and "علي" in keys
    for t in tokenize(nt):
        assert s[t.start:t.end] and " " not in s[t.start:t.end]
    # a word that merely contains the letters stays whole; a final ى before a space is no glue
    assert [t.key for t in tokenize(normalize("مستشفى الشفاء"))] == ["مستشفي", "الشفاء"]


def test_glued_names_are_cut_out() -> None:
    """A name listed in charmap.json ``glued_names`` is cut from the words glued to it, clitics left on."""
    s = "أفاد مراسلالميادينبأن مصادرللميادينوقوع غارة على مدينة الميادين وبالميادين وللميادين"
    nt = normalize(s)
    keys = [t.key for t in tokenize(nt)]
    assert keys == ["افاد", "مراسل", "الميادين", "بان", "مصادر", "للميادين", "وقوع", "غاره", "علي", "مدينه",
                    "الميادين", "وبالميادين", "وللميادين"]
    for t in tokenize(nt):
        assert s[t.start:t.end] and " " not in s[t.start:t.end]
    assert (nt.text, list(nt.starts), list(nt.ends)) == _reference(s)


def test_empty_and_nonarabic_inputs() -> None:
    assert normalize("").text == ""
    assert normalize("\u200b\u200f").text == ""
    assert normalize("Hello World").key == "hello world"


def _reference(s: str) -> tuple[str, list[int], list[int]]:
    """The plain per-character definition of normalization, to check the bulk path against."""
    from marsad.text import _GLUE_RE, _clean_char, _name_cuts

    cut = {m.end() for m in _GLUE_RE.finditer(s)} | _name_cuts(s)
    chars: list[tuple[str, int]] = []
    for i, ch in enumerate(s):
        for j, c in enumerate(_clean_char(ch)):
            if j == 0 and i in cut and chars and chars[-1][0] not in " \n" and chars[-1][1] != i:
                chars.append((" ", chars[-1][1]))  # two glued words: a space shares the source of the char before
            chars.append((c, i))
    out: list[tuple[str, int, int]] = []
    k = 0
    while k < len(chars):
        c, i = chars[k]
        if c in " \n":
            j = k
            while j < len(chars) and chars[j][0] in " \n":
                j += 1
            if out and j < len(chars):
                run = [x for x, _ in chars[k:j]]
                out.append(("\n" if "\n" in run else " ", i, chars[j - 1][1] + 1))
            k = j
            continue
        out.append((c, i, i + 1))
        k += 1
    return "".join(c for c, _, _ in out), [a for _, a, _ in out], [b for _, _, b in out]


@settings(max_examples=500, deadline=None)
@given(ARABIC_HEAVY)
def test_bulk_path_equals_the_per_character_definition(s: str) -> None:
    nt = normalize(s)
    text, starts, ends = _reference(s)
    assert nt.text == text
    assert list(nt.starts) == starts
    assert list(nt.ends) == ends


_TOKEN_REFERENCE = re.compile(r"[^\W_]+|[^\w\s]")


@settings(max_examples=300, deadline=None)
@given(st.one_of(ARABIC_HEAVY, st.text(alphabet=st.sampled_from(list("ab_1٣ قتل،,.\n\t  \u00a0\u2028x²½\x1c\x1f\"«»")), max_size=80)))
def test_tokenize_equals_the_regular_expression(s: str) -> None:
    # tokenize reads the key between spaces; the tokens must be those of the one regular expression
    nt = normalize(s)
    expected = [(nt.starts[m.start()], nt.ends[m.end() - 1], m.start(), m.end(), m.group())
                for m in _TOKEN_REFERENCE.finditer(nt.key)]
    assert [tuple(t) for t in tokenize(nt)] == expected


def test_long_text_keeps_its_offset_map() -> None:
    # longer than the prebuilt index table: the table grows, the map stays exact
    s = ("قصفت الطائرات مواقع في ريف حلب. " * 3000)[:100_003]
    nt = normalize(s)
    assert len(nt.text) == len(s) - 1  # the trailing space is trimmed
    assert list(nt.starts) == list(range(len(nt.text)))
    assert list(nt.ends) == list(range(1, len(nt.text) + 1))


_SENT_END_REFERENCE = re.compile(r"[.!?]+(?=\s|$|[\"'»”)])|\n")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("قتل حلب.!?\n\"'»”)(«x1 ")), max_size=60))
def test_sentence_end_equals_the_two_branch_expression(s: str) -> None:
    # the sentence-end expression is written to start with one character class; it must match as the plain one
    from marsad.text import _SENT_END

    assert [(m.span(), m.group()) for m in _SENT_END.finditer(s)] == \
        [(m.span(), m.group()) for m in _SENT_END_REFERENCE.finditer(s)]
