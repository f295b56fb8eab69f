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


# --------------------------------------------------------------------------- the matcher against a plain reference


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from marsad.lexicon import SUFFIXES, MultiLexicon  # noqa: E402
from marsad.text import PROCLITICS  # noqa: E402

_LAM_CLITICS = ("ل", "ول", "فل")


def _reference(lex: Lexicon, s: str, overlapping: bool = False) -> list[tuple]:
    """What :meth:`Lexicon.find` must return, computed the slow, obvious way from the compiled patterns:
    every occurrence of every pattern, its clitic-aware boundaries checked by walking the word, then the
    longest-first greedy choice (or every accepted hit, by start then longest)."""
    if lex._auto is None:
        lex.compile()
    nt = normalize(s)
    key, n = nt.key, len(nt.key)
    hits = []
    for pk, e in lex._patterns.items():
        i = key.find(pk)
        while i >= 0:
            a, b = i, i + len(pk)
            i = key.find(pk, i + 1)
            ws = a
            while ws > 0 and key[ws - 1].isalpha():
                ws -= 1
            prefix = key[ws:a]
            if e.lam_variant:
                if prefix not in _LAM_CLITICS:
                    continue
            elif prefix and (prefix not in PROCLITICS or (pk.startswith("ال") and prefix.endswith("ال"))):
                continue
            we = b
            while we < n and key[we].isalpha():
                we += 1
            if we > b and not (e.suffixes and key[b:we] in SUFFIXES):
                continue
            hits.append((a, b, e, prefix))
    if overlapping:
        hits.sort(key=lambda h: (h[0], -h[1]))
    else:
        chosen: list[tuple] = []
        for h in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
            if not any(h[0] < c[1] and c[0] < h[1] for c in chosen):
                chosen.append(h)
        hits = sorted(chosen, key=lambda h: h[0])
    out = []
    for a, b in ((h[0], h[1]) for h in hits):
        o1, o2 = nt.to_original(a, b)
        out.append((o1, o2, a, b, s[o1:o2]))
    return [(*o, h[2].key, tuple(h[2].payloads), h[3]) for o, h in zip(out, hits, strict=True)]


def _found(lex: Lexicon, s: str, overlapping: bool = False) -> list[tuple]:
    return [(m.start, m.end, m.nstart, m.nend, m.text, m.key, m.payloads, m.prefix)
            for m in lex.find(normalize(s), overlapping=overlapping)]


_STEMS = ("تل", "دير", "الزور", "ريف", "حلب", "ام", "التحالف", "سوري")
_WORD = st.builds(lambda p, w, x: p + w + x, st.sampled_from(("", "و", "ب", "ل", "ال", "وال", "لل", "فب", "كال", "م")),
                  st.sampled_from(_STEMS), st.sampled_from(("", "ة", "ية", "ين", "ون", "ات", "ي", "ها", "ان")))
_TEXT = st.lists(st.tuples(_WORD, st.sampled_from((" ", " ", "، ", "\n", "-", "ـ", "  ", ". "))), max_size=40).map(
    lambda ws: "".join(w + sep for w, sep in ws))
_ENTRIES = st.lists(st.tuples(st.lists(st.sampled_from(_STEMS), min_size=1, max_size=3).map(" ".join),
                              st.integers(0, 5), st.booleans()), max_size=12)


def _lexicon(entries: list[tuple[str, int, bool]]) -> Lexicon:
    lex: Lexicon = Lexicon()
    for surface, payload, sfx in entries:
        lex.add(surface, payload, suffixes=sfx)
    return lex


def _assert_agrees_with_reference(lex: Lexicon, s: str) -> None:
    """The fast matcher finds what the plain reference finds, in both modes."""
    assert _found(lex, s) == _reference(lex, s)
    assert _found(lex, s, overlapping=True) == _reference(lex, s, overlapping=True)


@settings(max_examples=500, deadline=None)
@given(_ENTRIES, _TEXT)
def test_find_equals_the_plain_reference(entries: list[tuple[str, int, bool]], s: str) -> None:
    _assert_agrees_with_reference(_lexicon(entries), s)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ENTRIES, min_size=1, max_size=4), st.lists(_TEXT, min_size=1, max_size=4), st.randoms())
def test_multilexicon_members_find_what_they_find_alone(groups: list, texts: list[str], rnd) -> None:
    alone = [_lexicon(g) for g in groups]
    members = [_lexicon(g) for g in groups]
    multi = MultiLexicon(members)
    for s in texts:
        nt = normalize(s)
        order = list(range(len(members)))
        rnd.shuffle(order)  # whichever member asks first scans for all
        for i in order:
            got = [(m.start, m.end, m.key, m.payloads, m.prefix) for m in members[i].find(nt)]
            assert got == [(m.start, m.end, m.key, m.payloads, m.prefix) for m in alone[i].find(nt)]
        assert [[m.nstart for m in ms] for ms in multi.find_all(nt)] == [[m.nstart for m in a.find(nt)] for a in alone]


def test_multilexicon_sees_entries_added_later() -> None:
    a, b = Lexicon([("حلب", "A")]), Lexicon([("دير الزور", "B")])
    MultiLexicon([a, b])
    nt = normalize("من حلب إلى دير الزور وتل أبيض")
    assert [m.payloads for m in b.find(nt)] == [("B",)]
    b.add("تل أبيض", "T")
    assert [m.payloads for m in b.find(nt)] == [("B",), ("T",)]
    assert [m.payloads for m in a.find(nt)] == [("A",)]


def test_a_lexicon_joins_one_multilexicon_only() -> None:
    a = Lexicon([("حلب", "A")])
    MultiLexicon([a])
    try:
        MultiLexicon([a])
    except ValueError:
        return
    raise AssertionError("a second MultiLexicon took a member of the first")


def test_pickled_member_scans_alone() -> None:
    import pickle

    a = Lexicon([("حلب", "A")])
    MultiLexicon([a, Lexicon([("دمشق", "D")])])
    b = pickle.loads(pickle.dumps(a))
    assert b._group is None
    assert [m.payloads for m in b.find(normalize("حلب ودمشق"))] == [("A",)]


def test_longest_choice_inside_overlapping_groups() -> None:
    # overlapping names: the longest of each group («الزور الشرقي» is longer than «دير الزور»), text order kept
    lex = Lexicon([("ريف دير", 1), ("دير الزور", 2), ("الزور الشرقي", 3), ("ريف دير الزور الشرقي", 4), ("حلب", 5)])
    s = "في ريف دير الزور الشرقي وفي حلب وفي دير الزور الشرقي"
    assert [m.payloads[0] for m in lex.find(normalize(s))] == [4, 5, 3]
    assert _found(lex, s) == _reference(lex, s)
    # two overlapping names, the one that ends first is the longer
    pair = Lexicon([("ريف دير", 1), ("دير تل", 2)])
    assert [m.payloads[0] for m in pair.find(normalize("في ريف دير تل"))] == [1]




# ------------------------------------------------------------------ keys and texts with non-letters

_ODD = ("2", "²", "½", "|", "_", "-", "x", "Ⅻ", "٣")
_ODD_STEMS = (*_STEMS, "حلب2", "ريف-حلب", "|تل", "ام²", "x1")
_ODD_WORD = st.builds(lambda p, w, x: p + w + x, st.sampled_from(("", "و", "ب", "ال", "لل", *_ODD)),
                      st.sampled_from(_ODD_STEMS), st.sampled_from(("", "ة", "ين", "ي", *_ODD)))
_ODD_TEXT = st.lists(st.tuples(_ODD_WORD, st.sampled_from((" ", "، ", "\n", "-", "|", "_", "²", "3", ""))),
                     max_size=30).map(lambda ws: "".join(w + sep for w, sep in ws))
_ODD_ENTRIES = st.lists(st.tuples(st.lists(st.sampled_from(_ODD_STEMS), min_size=1, max_size=3).map(
    lambda ws: "-".join(ws) if len(ws) == 2 else " ".join(ws)), st.integers(0, 5), st.booleans()), max_size=12)


@settings(max_examples=400, deadline=None)
@given(_ODD_ENTRIES, _ODD_TEXT)
def test_find_with_non_letters_equals_the_plain_reference(entries: list[tuple[str, int, bool]], s: str) -> None:
    # keys holding spaces, hyphens, digits or «|», texts with word characters that are no letters («²», «_»)
    _assert_agrees_with_reference(_lexicon(entries), s)
    group = _lexicon(entries)
    MultiLexicon([_lexicon(entries[:2]), group])
    assert _found(group, s) == _reference(group, s)


def test_keys_that_differ_only_in_non_letters_stay_apart() -> None:
    # «ريف-حلب» and «ريف حلب»: each matches only its own spelling
    lex: Lexicon = Lexicon([("ريف-حلب", 1), ("ريف حلب", 2)])
    assert [m.payloads for m in lex.find(normalize("في ريف حلب ثم ريف-حلب"))] == [(2,), (1,)]
    assert lex.find(normalize("ريف_حلب")) == []
