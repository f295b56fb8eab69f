"""Stage ``time``: date expressions resolved against the publication date.

Finds relative days («اليوم», «أمس», «أول أمس», «فجر اليوم», «مساء أمس»), weekday
names («يوم الثلاثاء» = the latest Tuesday not after publication), weeks and
months («الأسبوع الماضي», «الشهر الماضي»), explicit dates with Levantine,
Gregorian and Hijri month names («في الـ19 من أيلول/سبتمبر الحالي», «15 رمضان
1445 هـ»), numeric dates («2023-09-24», «24/9/2023»), years («عام 2003») and
chains («بعد يوم واحد من …», «قبل ثلاثة أيام»).

Every :class:`~marsad.model.DateMention` has original offsets, a resolved
``value`` (``None`` when nothing anchors it, e.g. «أمس» without a publication
date) and a ``precision``: 1 day, 2 week, 3 month, 4 year (a year alone is kept
for background detection, never used as an event date).

:func:`event_date` picks the date of an event from its clause.
The vocabulary lives in ``resources/events/dates.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from marsad import resources
from marsad.lexicon import Lexicon
from marsad.model import DateMention, Document
from marsad.pipeline import register
from marsad.text import NormText, fold, normalize

#: precision of a year-only mention (not an ACLED time precision; never an event's date)
YEAR = 4
#: the ACLED time precision of a date known to its month
MONTH = 3


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str  # rel, wd, week, mrel, month, ord
    value: int
    calendar: str = ""  # for months: levantine, gregorian, hijri


@dataclass(frozen=True, slots=True)
class _Vocab:
    lexicon: Lexicon[_Cue]
    prefixes: frozenset[str]
    current: frozenset[str]
    past: frozenset[str]
    future: frozenset[str]
    year_words: frozenset[str]
    day_words: frozenset[str]
    numbers: dict[str, int]
    ordinal_words: frozenset[str]


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    """The date vocabulary, compiled once per process."""
    d = resources.load_json("events/dates.json")
    lex: Lexicon[_Cue] = Lexicon()
    for cal in ("levantine", "gregorian", "hijri"):
        for name, n in d[cal].items():
            lex.add(name, _Cue("month", n, cal))
    for name, n in d["relative"].items():
        lex.add(name, _Cue("rel", n))
    for name, n in d["weekdays"].items():
        lex.add(name, _Cue("wd", n))
    for name, n in d["weeks"].items():
        lex.add(name, _Cue("week", n))
    for name, n in d["months_rel"].items():
        lex.add(name, _Cue("mrel", n))
    for name, n in d["ordinals"].items():
        lex.add(name, _Cue("ord", n))
    lex.compile()
    nums = resources.load_json("events/numbers.json")["cardinals"]

    def fs(key: str) -> frozenset[str]:
        return frozenset(fold(w) for w in d[key])

    return _Vocab(lex, fs("weekday_prefixes"), fs("current"), fs("past"), fs("next"), fs("year_words"),
                  fs("days_words"), {fold(k): v for k, v in nums.items()},
                  frozenset(fold(k).split()[0] for k in d["ordinals"]))


# --------------------------------------------------------------------------- helpers

_SAME_MONTH = re.compile(r"(?:ال\s?)?(\d{1,2})\s+من\s+(?:الشهر|شهر)\s+(?:نفسه|ذاته)")
#: what follows an ordinal day of «the same month» («السادس من الشهر نفسه»)
_SAME_MONTH_AFTER = re.compile(r"\s+من\s+(?:الشهر|شهر)\s+(?:نفسه|ذاته)")
_NUM_BEFORE = re.compile(r"(?:^|(?<=[\s(]))((?:ال\s?)?(\d{1,2}))\s*(?:من\s+(?:شهر\s+)?|-\s*)?$")
_YEAR_AFTER = re.compile(r"^\s*[,،]?\s*(?:(?:من\s+)?(?:عام|سنه|العام)\s+)?(\d{4})(?:\s*(?:هـ|ه|م)\b)?")
_ALT_MONTH = re.compile(r"^\s*(?:/|\(|-)\s*")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
#: :data:`_ISO` and :data:`_DMY` without their leading ``\b`` and led by one digit class, so that the engine
#: skips to digits at C speed (see :func:`_after_boundary`)
_ISO_LED = re.compile(r"(\d\d{3})-(\d{1,2})-(\d{1,2})\b")
_DMY_LED = re.compile(r"(\d\d?)/(\d{1,2})/(\d{4})\b")
_YEAR_ONLY = re.compile(r"(?:\b(?:عام|سنه|العام|في|خلال|منذ)\s+)(1[89]\d\d|20\d\d)\b")
#: the two halves of :data:`_YEAR_ONLY` (see :func:`_years_only`)
_YEAR_DIGITS = re.compile(r"(?:1[89]\d\d|20\d\d)\b")
_YEAR_CUE = re.compile(r"\b(?:عام|سنه|العام|في|خلال|منذ)$")  # the longest cue has 5 letters
_CHAIN = re.compile(
    r"(?:\b|(?<=\b[وف]))(بعد|قبل|منذ)\s+(?:(?:نحو|حوالي|حوالى|قرابه|زهاء)\s+)?(?:(\d{1,3}|[^\W\d_]+)\s+)?(يوم واحد|يوم|يومين|ايام|يوما|اسبوع|اسبوعين|اسابيع|شهر|شهرين|اشهر|"
    r"ساعات|ساعه|عامين|اعوام|عام|سنتين|سنوات|سنه)\b"
    r"(?:\s+(?!من\b|على\b)(\S+))?(\s+(?:من|على))?"
)
#: the words a :data:`_CHAIN` match starts with (see :func:`_chain_matches`)
_CHAIN_WORDS = ("بعد", "قبل", "منذ")


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _hijri_to_gregorian(y: int, m: int, d: int) -> date | None:
    try:
        from hijridate import Hijri

        return Hijri(y, m, d).to_gregorian()
    except (ValueError, OverflowError, ImportError):
        return None


def _hijri_year(pub: date) -> int | None:
    try:
        from hijridate import Gregorian

        return Gregorian(pub.year, pub.month, pub.day).to_hijri().year
    except (ValueError, OverflowError, ImportError):
        return None


def _shift_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 15)


_WORD_AFTER = re.compile(r"\s*([^\W\d_]+)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\s*$")


def _word_after(key: str, pos: int) -> str:
    m = _WORD_AFTER.match(key[pos:pos + 40])
    return m.group(1) if m else ""


def _word_before(key: str, pos: int) -> str:
    m = _WORD_BEFORE.search(key[max(0, pos - 40):pos])
    return m.group(1) if m else ""


def _strip_article(w: str) -> str:
    for p in ("وال", "بال", "فال", "ال", "و", "ب", "ف"):
        if w.startswith(p) and len(w) - len(p) >= 3:
            return w[len(p):]
    return w


# --------------------------------------------------------------------------- extraction


def find_dates(nt: NormText, published: date | None) -> list[DateMention]:
    """All date expressions of a normalized text, resolved against ``published``."""
    v = vocab()
    key = nt.key
    out: list[tuple[int, int, date | None, int, bool]] = []  # normalized start, end, value, precision, relative
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken)

    def add(a: int, b: int, value: date | None, precision: int, relative: bool) -> None:
        if free(a, b):
            out.append((a, b, value, precision, relative))
            taken.append((a, b))

    # numeric dates first (each needs its separator: a substring test spares most texts the scan)
    if "-" in key:
        for m in _after_boundary(_ISO_LED, key):
            dv = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if dv:
                add(m.start(), m.end(), dv, 1, False)
    if "/" in key:
        for m in _after_boundary(_DMY_LED, key):
            dv = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if dv:
                add(m.start(), m.end(), dv, 1, False)

    matches = v.lexicon.find(nt)
    ords = {m.nend: m for m in matches if m.payloads[0].kind == "ord"}
    i = 0
    while i < len(matches):
        m = matches[i]
        cue = m.payloads[0]
        a, b = m.nstart, m.nend
        if cue.kind == "month":
            res = _month_date(nt, m, matches, i, ords, published)
            if res is not None:
                a, b, value, prec, skip = res
                add(a, b, value, prec, False)
                i += skip
                continue
        elif cue.kind == "rel":
            nxt = _word_after(key, b)
            if m.prefix in ("ل", "ول", "فل") or nxt in ("نفسه", "ذاته", "التالي", "السابق", "الاول", "الثاني", "الذي",
                                                       "عينه") or nxt in v.ordinal_words:
                i += 1
                continue
            value = published + timedelta(days=cue.value) if published else None
            wd = matches[i + 1] if i + 1 < len(matches) else None
            if wd is not None and wd.payloads[0].kind == "wd" and not key[b:wd.nstart].strip() and published:
                # «أمس الثلاثاء»: the named weekday wins over a loosely used «أمس» (the most recent such day)
                back = (published.weekday() - wd.payloads[0].value) % 7
                if cue.value < 0 and back == 0:
                    back = 7
                add(a, wd.nend, published - timedelta(days=back), 1, True)
                i += 2
                continue
            add(a, b, value, 1, True)
        elif cue.kind == "wd":
            prev = _word_before(key, a)
            if prev in ("صلاه", "خطبه", "خطيب"):
                i += 1
                continue
            start = a
            if prev in v.prefixes:
                start = a - len(prev) - 1 if key[a - len(prev) - 1:a].strip() == prev else a
            nxt = _word_after(key, b)
            value = None
            if published:
                back = (published.weekday() - cue.value) % 7
                if nxt in v.past and back == 0:
                    back = 7
                value = published - timedelta(days=back)
            add(max(0, start), b, value, 1, True)
        elif cue.kind == "week":
            value = published + timedelta(days=7 * cue.value) if published else None
            add(a, b, value, 2, True)
        elif cue.kind == "mrel":
            value = _shift_months(published, cue.value) if published else None
            day, start = _day_before(key, a, ords)
            if day is not None and key[start:a].rstrip().endswith("من"):
                # «في السابع من الشهر الجاري», «في الـ7 من الشهر الماضي»: that day of that month
                add(start, b, _safe_date(value.year, value.month, day) if value else None, 1, True)
            else:
                add(a, b, value, 3, True)
        i += 1

    for m in _chain_matches(key):
        res = _chain(m, published, v)
        if res is not None:
            # the span ends with the unit, or with the number word after it («قبل يوم واحد») and the «من/على»
            # of a chain; not with an unrelated next word («قبل ثمانية أشهر في …»)
            tail = m.group(4) or ""
            end = m.end(4) if tail == "واحد" or tail in v.numbers else m.end(3)
            end = m.end(5) if m.group(5) and (end == m.end(4) or not tail) else end
            add(m.start(), end, res[0], res[1], True)

    for a, b in _years_only(key):
        add(a, b, date(int(key[a:b]), 7, 1), YEAR, False)

    if "شهر نفس" in key or "شهر ذات" in key:
        # «في 22 من الشهر نفسه»: a day of the month of the date told last before it
        same: list[tuple[int, int, int]] = [(m.start(), m.end(), int(m.group(1))) for m in _SAME_MONTH.finditer(key)]
        for o in ords.values():  # «في السادس من الشهر نفسه»
            g = _SAME_MONTH_AFTER.match(key, o.nend)
            if g is not None:
                same.append((o.nstart, g.end(), o.payloads[0].value))
        for a, b, day in sorted(same):
            told = [(x, v) for x, _, v, p, _ in out if x < a and v is not None and p <= MONTH]
            if told and 1 <= day <= 31:
                ref = max(told)[1]
                add(a, b, _safe_date(ref.year, ref.month, day), 1, True)
    mentions = []
    for a, b, value, prec, rel in sorted(out):
        s, e = nt.to_original(a, b)
        mentions.append(DateMention(s, e, nt.original[s:e], value, prec, rel))
    return mentions


#: what may stand between an ordinal day and its month: «الخامس من نوفمبر», «الخامس من شهر نوفمبر»
_ORDINAL_GAP = re.compile(r"(?:\s+من(?:\s+شهر)?)?\s*$")
#: the characters such a gap is made of
_ORDINAL_GAP_CHARS = re.compile(r"[\sمنشهر]*")


def _ordinal_gap_start(key: str, a: int) -> int:
    """Where ``_ORDINAL_GAP.search(key[:a])`` starts, reading only the last 40 characters before ``a``.

    A gap is made of spaces and the letters of «من شهر»: when a character of the 41 before ``a`` is none of
    those, no gap starts before the last 40 and the short search finds the same start; otherwise (a run of
    odd spaces) the whole prefix is searched."""
    w = a - 40
    if w > 0 and _ORDINAL_GAP_CHARS.fullmatch(key, w - 1, a) is None:
        m = _ORDINAL_GAP.search(key[w:a])
        return w + m.start() if m else a
    m = _ORDINAL_GAP.search(key[:a])
    return m.start() if m else a


def _after_boundary(led: re.Pattern[str], key: str) -> list[re.Match[str]]:
    """``re.compile(r"\\b" + led.pattern).finditer(key)`` for an expression ``led`` that starts with a word
    character: the leftmost match of ``led`` is kept when no word character stands before it (the ``\\b``),
    else the search goes on one position later; after a kept match it goes on from its end. The same matches."""
    out: list[re.Match[str]] = []
    search = led.search
    pos = 0
    while (m := search(key, pos)) is not None:
        a = m.start()
        c = key[a - 1] if a else ""
        if c and (c.isalnum() or c == "_"):
            pos = a + 1
            continue
        out.append(m)
        pos = m.end()
    return out


def _chain_matches(key: str) -> list[re.Match[str]]:
    """``_CHAIN.finditer(key)``, found faster: a match starts with «بعد», «قبل» or «منذ», so the regular
    expression is tried only where one of them stands (found by substring search), left to right, never
    inside the previous match: the same matches."""
    at: list[int] = []
    for word in _CHAIN_WORDS:
        i = key.find(word)
        while i >= 0:
            at.append(i)
            i = key.find(word, i + 1)
    if not at:
        return []
    at.sort()
    out: list[re.Match[str]] = []
    end = 0
    match = _CHAIN.match
    for i in at:
        if i < end:
            continue
        m = match(key, i)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


def _years_only(key: str) -> list[tuple[int, int]]:
    """The year spans ``m.span(1)`` of ``_YEAR_ONLY.finditer(key)``, found faster: each year-like number
    (:data:`_YEAR_DIGITS`, a scan that starts on a digit) is kept when spaces, and before them one of the
    cue words of :data:`_YEAR_ONLY` (:data:`_YEAR_CUE`), stand right before it. Two such matches cannot
    overlap (a cue word is no number), so these are the same spans."""
    out: list[tuple[int, int]] = []
    cue = _YEAR_CUE.search
    for m in _YEAR_DIGITS.finditer(key):
        a = j = m.start()
        while j > 0 and key[j - 1].isspace():
            j -= 1
        if j < a and cue(key, max(0, j - 5), j) is not None:
            out.append((a, m.end()))
    return out


def _chain(m: re.Match[str], published: date | None, v: _Vocab) -> tuple[date | None, int] | None:
    """«بعد يوم واحد من», «قبل ثلاثة أيام», «منذ يومين»: a date counted back from the publication date."""
    word, num, unit, tail, of = m.group(1), m.group(2), m.group(3), m.group(4) or "", m.group(5)
    if num and not num.isdigit():
        if num not in v.numbers:
            return None
        n: int | None = v.numbers[num]
        num = str(n)
    else:
        n = int(num) if num else None
    if n is None:
        if unit in ("يومين", "اسبوعين", "شهرين", "عامين", "سنتين"):
            n = 2
        elif unit in ("يوم واحد",) or (unit in ("يوم", "اسبوع", "شهر", "ساعات", "ساعه", "عام", "سنه")
                                       and tail in ("", "واحد")):
            n = 1
        elif tail in v.numbers:
            n = v.numbers[tail]
        elif unit in ("ايام", "اسابيع", "اشهر", "اعوام", "سنوات"):
            n = 3
        else:
            return None
    if unit in ("عام", "عامين", "اعوام", "سنه", "سنتين", "سنوات"):
        if word != "قبل" or of:
            return None  # «بعد عامين من …», «منذ عامين» (a period): no day of an incident
        days, prec = 365 * n, YEAR
    elif unit.startswith("ساع"):
        days, prec = 0, 1
    elif unit.startswith(("اسبوع", "اسابيع")):
        days, prec = 7 * n, 2
    elif unit.startswith(("شهر", "اشهر")):
        days, prec = 30 * n, 3
    else:
        days, prec = n, (1 if num or unit in ("يوم واحد", "يومين", "يوم") else 2)
    if (word == "بعد") != bool(of):
        return None  # «بعد يومين» without «من» points forward; «قبل يومين من» back from another event
    if published is None:
        return (None, prec)
    return (published - timedelta(days=days), prec)


def _day_before(key: str, a: int, ords) -> tuple[int | None, int]:
    """The day told right before a month at ``a`` («19 أيلول», «الـ19 من», «الخامس من»), and where it starts."""
    dm = _NUM_BEFORE.search(key[max(0, a - 20):a])
    if dm:
        return int(dm.group(2)), max(0, a - 20) + dm.start(1)
    # ordinal day: «الخامس من نوفمبر»
    om = ords.get(_ordinal_gap_start(key, a))
    if om is not None:
        return om.payloads[0].value, om.nstart
    return None, a


def _month_date(nt: NormText, m, matches, i: int, ords, published: date | None):
    """Resolve a month name with its day, alternate month name, year and qualifier."""
    v = vocab()
    key = nt.key
    cue: _Cue = m.payloads[0]
    a, b = m.nstart, m.nend
    skip = 1
    month = cue.value
    cal = cue.calendar
    # an alternate name right after: «أيلول/سبتمبر», «سبتمبر (أيلول)»
    if i + 1 < len(matches):
        n2 = matches[i + 1]
        gap = key[b:n2.nstart]
        if n2.payloads[0].kind == "month" and len(gap) <= 3 and (_ALT_MONTH.match(gap) or gap.strip() == ""):
            if cal == "levantine" or n2.payloads[0].calendar == "gregorian":
                month = n2.payloads[0].value if n2.payloads[0].calendar != "hijri" else month
            b = n2.nend
            if key[b:b + 1] == ")":
                b += 1
            skip = 2
    # day before
    day, a = _day_before(key, a, ords)
    # year after
    year = None
    ym = _YEAR_AFTER.match(key[b:b + 40])
    if ym:
        year = int(ym.group(1))
        b = b + ym.end()
    qual = _word_after(key, b)
    prev = _word_before(key, a)
    if day is None and year is None and qual not in v.current | v.past | v.future and prev != "شهر" and skip == 1:
        return None  # a bare month name («آب», «مارس», «رمضان») is too ambiguous
    if qual in v.current | v.past | v.future:
        b = b + len(key[b:]) - len(key[b:].lstrip()) + len(qual)
    if day is not None and not 1 <= day <= 31:
        return None
    if cal == "hijri":
        if day is None and year is None:
            return None
        hy = year or (_hijri_year(published) if published else None)
        if hy is None or hy > 1700:
            return None
        value = _hijri_to_gregorian(hy, month, day or 15)
        return (a, b, value, 1 if day else 3, skip) if value else None
    if year is None:
        if published is None:
            return (a, b, None, 1 if day else 3, skip)
        year = published.year
        if qual in v.future:
            if month < published.month:
                year += 1
        elif qual in v.past and month == published.month and day is None:
            year -= 1
        else:
            cand = _safe_date(year, month, day or 15)
            if cand and cand > published + timedelta(days=7 if day else 20):
                year -= 1
    value = _safe_date(year, month, day or 15)
    if value is None:
        return None
    return (a, b, value, 1 if day else 3, skip)


# --------------------------------------------------------------------------- event dates


def event_date(doc: Document, start: int, end: int, anchor: int) -> DateMention | None:
    """The date of the event whose clause is [start, end) (original offsets) and trigger is at ``anchor``.

    The nearest usable date mention inside the clause, else inside the anchor's sentence;
    ``None`` when neither has one (callers then fall back to the publication date).
    Year-only mentions are skipped.
    """
    usable = [d for d in doc.dates if d.precision <= 3 and not (_is_chain(d) and d.start >= anchor)]
    inside = [d for d in usable if d.start >= start and d.end <= end]
    if not inside:
        sent = doc.sentence_of(anchor)
        if sent is not None:
            inside = [d for d in usable if d.start >= sent.start and d.end <= sent.end]
    if not inside:
        return None
    return min(inside, key=lambda d: (abs(d.start - anchor) if d.start >= anchor else abs(anchor - d.end)))


_HAS_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def recalled(doc: Document, dm: DateMention | None, anchor: int) -> bool:
    """An incident of an undated document recalled as background rather than reported.

    Without a publication date, an incident placed after its trigger by a month of a named year («الذي قتل
    … في غارة … في نوفمبر من عام 2003», «بعد اغتيال الحريري في شباط 2005») is recalled in a clause about
    something else. A date that leads the incident («وفي يوليو 2005 نفذوا …», a chronology's «5 أكتوبر
    2003: …») tells it; so does a full day («خرجوا متظاهرين في 10 كانون الأول 2006»). An incident with no
    date of its own in a sentence that names a year alone («بعد اغتيال الشيخ عام 2002، وتعرض لأربع محاولات
    اغتيال») is recalled too.
    """
    if doc.published is not None:
        return False
    if dm is None:
        # no date of its own, and a year named alone in its sentence («ثم تعرض عام 1986 لمحاولة اختطاف …»)
        sent = doc.sentence_of(anchor)
        return sent is not None and any(d.precision == YEAR and sent.start <= d.start < sent.end for d in doc.dates)
    return (dm.value is not None and not dm.relative and dm.precision == MONTH and dm.start > anchor
            and _HAS_YEAR.search(dm.text) is not None)


def days_back(dm: DateMention) -> int | None:
    """How many days before its anchor a relative date lies («قبل ثمانية أشهر» → 240), also without a
    publication date (the expression is resolved against a fixed day); None when it is not relative."""
    if not dm.relative:
        return None
    ref = date(2000, 1, 1)
    found = find_dates(normalize(dm.text), ref)
    return (ref - found[0].value).days if found and found[0].value is not None else None


def _is_chain(d: DateMention) -> bool:
    """«بعد يوم واحد من …»: dates what follows it, not what precedes it."""
    return d.relative and d.text.startswith("بعد")


def years_in(doc: Document, start: int, end: int) -> list[int]:
    """Years named alone («عام 2003») within [start, end)."""
    return [d.value.year for d in doc.dates if d.precision == YEAR and d.value and start <= d.start < end]


@register("time")
class TimeStage:
    """Adds ``doc.dates``: every date expression with its resolved value."""

    name = "time"
    reads = ("norm", "sentences")
    writes = ("dates",)

    def __init__(self) -> None:
        vocab()

    def __call__(self, doc: Document) -> Document:
        if doc.norm is None:
            return doc
        doc.dates = find_dates(doc.norm, doc.published)
        return doc
