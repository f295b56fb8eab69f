"""Fatalities and injuries of an event, per the codebook.

Deaths only count as fatalities; injuries are a separate figure. A figure is a
number next to a death word («مقتل 5», «5 قتلى», «قتل خمسة وعشرون», «20 مدنيا
قتلوا»), a dual («قتيلان», «جنديين»), a singular («مقتل مدني» → 1), or a vague
count: «عدد من القتلى», «قتلى» without a number, «مجزرة» → 3; «عشرات» → 10;
«مئات» → 100. «دون وقوع إصابات» and «ضحايا» / «خسائر بشرية» alone → 0.
Within one sentence the largest figure wins (sub-counts such as «بينهم 3
أطفال» never add up); conflicting figures from different sentences are merged
by the caller, which keeps the lowest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from marsad import resources
from marsad.events.view import DocView
from marsad.events.vocab import Cue, vocab
from marsad.lexicon import Match
from marsad.text import fold, is_proclitic, normalize

#: figures above this told beside a smaller one are cumulative tolls («قتل 20 … وقتل 3404 منذ بداية الحرب»)
MAX_FIGURE = 1000
#: figures above this are not death tolls at all
MAX_COUNT = 100_000
#: a four-digit number in this range may be a year, when its context says so (:func:`_is_year`)
YEARS = range(1900, 2101)
#: tokens after / before a death word where its figure may stand
AFTER = 8
BEFORE = 3


@dataclass(slots=True)
class Casualties:
    killed: int | None = None
    injured: int | None = None
    zero: bool = False
    vague: bool = False  # the killed figure is a vague count («عدد من القتلى» → 3), not a number told
    spans: list[tuple[int, int]] = field(default_factory=list)  # normalized ranges of the killed phrases


def _matches(view: DocView, name: str):
    if name not in view.cache:
        v = vocab()
        if name == "cas":
            found = v.casualties.find(view.nt)
            glued = _glued(view, found)
            view.cache[name] = sorted(found + glued, key=lambda m: m.nstart) if glued else found
        else:
            view.cache[name] = v.numbers.find(view.nt)
    return view.cache[name]


def casualty_cues(view: DocView) -> list:
    """The document's casualty cues (death, injury and «no casualties» words), found once per document."""
    return _matches(view, "cas")  # type: ignore[no-any-return]


#: death and injury nouns looked for at the end of a word glued to the one before it («أسفر عنمقتل»,
#: «أعلنت سلطات الإقليممقتل 3»: a page that lost a tag between them) (folded)
_GLUED = ("مقتل", "استشهاد", "اصابه")


@lru_cache(maxsize=1)
def _glued_entries() -> dict[str, Match]:
    out = {}
    for k in _GLUED:
        hits = [m for m in vocab().casualties.find(normalize(k)) if m.nstart == 0 and m.key == k]
        if hits:
            out[k] = hits[0]
    return out


def _glued(view: DocView, found: list) -> list:
    """Casualty nouns closing a word that holds the word before them (at least two letters, no clitic)."""
    key = view.key
    entries = _glued_entries()
    taken = {m.nstart for m in found}
    out = []
    for k, entry in entries.items():
        i = key.find(k)
        while i != -1:
            b = i + len(k)
            if i > 1 and key[i - 1].isalpha() and (b == len(key) or not key[b].isalpha()) and i not in taken:
                ws = i
                while ws > 0 and key[ws - 1].isalpha():
                    ws -= 1
                if i - ws >= 2 and not is_proclitic(key[ws:i]):
                    s, e = view.nt.to_original(i, b)
                    out.append(Match(s, e, i, b, view.doc.text[s:e], entry.key, entry.payloads, ""))
            i = key.find(k, b)
    return out


def number_cues(view: DocView) -> list:
    """The document's number cues (figures, vague counts, hedges), found once per document."""
    return _matches(view, "num")  # type: ignore[no-any-return]


def casualties(view: DocView, a: int, b: int) -> Casualties:
    """Killed and injured figures stated in the normalized range [a, b)."""
    out = Casualties()
    nums = _matches(view, "num")
    per_sent_k: dict[int, list[tuple[int, bool]]] = {}
    per_sent_i: dict[int, int] = {}
    for m in _matches(view, "cas"):
        if m.nstart < a or m.nend > b:
            continue
        fam = m.payloads[0].family
        if fam == "none":
            out.zero = True
            continue
        si = view.sentence_index(m.nstart)
        if _negated(view, m.nstart):
            continue  # «تنفي استشهاد أي عنصر»
        if fam in ("killed", "killed_plural", "massacre"):
            n, counted = _figure(view, m, nums, fam)
            if n is None or n > MAX_COUNT:
                continue
            per_sent_k.setdefault(si, []).append((n, counted))
            out.spans.append((m.nstart, m.nend))
        elif fam == "injured":
            n, _ = _figure(view, m, nums, fam)
            if n is not None:
                per_sent_i[si] = max(per_sent_i.get(si, 0), n)
    if per_sent_k:
        totals = [(_sentence_total(v), any(c for _, c in v)) for v in per_sent_k.values()]
        told = [n for n, counted in totals if counted]
        # a number told anywhere beats a vague count elsewhere («استشهاد عدد من المدنيين … استشهد 5 مدنيين»)
        out.killed = min(told) if told else min(n for n, _ in totals)
        out.vague = not told
    if per_sent_i:
        out.injured = min(per_sent_i.values())
    return out


def _sentence_total(figures: list[tuple[int, bool]]) -> int:
    """Deaths told in one sentence: distinct counted groups add up («قتل 10 حوثيين … فيما قتل أربعة من
    المقاومة» → 14), leaving out figures above :data:`MAX_FIGURE` told beside smaller ones (cumulative
    tolls); an uncounted plural («قتلى») only stands when nothing is counted."""
    counted = [n for n, c in figures if c]
    if any(n <= MAX_FIGURE for n in counted):
        counted = [n for n in counted if n <= MAX_FIGURE]  # a cumulative toll beside the incident's figure
    if counted:
        # the same figure told twice in one sentence («مقتل 30 … 30 قتيلاً») is one group
        return sum(sorted(set(counted)))
    return max(n for n, _ in figures)


_NEGATORS = frozenset({"نفي", "تنفي", "ينفي", "نفت", "لم", "دون", "بدون", "عدم"})


def _negated(view: DocView, npos: int) -> bool:
    return any(w in _NEGATORS or (w[:1] in "وف" and w[1:] in _NEGATORS) for w in view.words_before(npos, 2))


def _figure(view: DocView, m, nums, fam: str) -> tuple[int | None, bool]:
    """The number of people a death (or injury) word counts, and whether a figure was given."""
    key = m.key
    if key in ("قتيلان", "قتيلين", "شهيدان", "شهيدين", "جثتيهما", "لقيا حتفهما", "قتلا", "قتلتا"):
        return 2, True
    if key.startswith(("مصرع", "حتف")) and (n := _met_figure(view, m.nstart, nums)) is not None:
        return n, True
    if key.endswith(("هم", "هما")) and key.startswith(_BACK_HEADS):
        # «أطلقوا النار على 5 مدنيين … ما أدى إلى استشهادهم»: the pronoun counts the people named before
        n = _back_figure(view, m.nstart, nums)
        if n is not None:
            return n, True
        return (2, True) if key.endswith("هما") else (3, False)
    nxt = view.words_after(m.nend, 1)
    others, at = _and_others(view, m.nend, nums) if fam == "killed" else (0, 0)
    if fam == "killed" and nxt and nxt[0] in _persons():
        return _coordinated(view, m.nend) + others, True  # «مقتل امرأة وطفلها»: the people named one by one
    if others:
        # «مقتل القيادي أبو محمد و3 آخرين» → 4, «مقتل 3 مدنيين و2 آخرين» → 5: the ones named, then the others
        hit = _number_near(view, m.nstart, m.nend, [n for n in nums if n.nend <= at])
        return (hit[0] if hit is not None and not hit[1] else 1) + others, True
    hit = _number_near(view, m.nstart, m.nend, nums)
    if hit is not None:
        return hit[0], not hit[1]
    if fam == "massacre":
        return 3, False
    if fam == "killed_plural" or key in ("قتلي", "القتلي", "شهداء", "الشهداء", "جثث", "حتفهم", "لقوا حتفهم"):
        return 3, False
    if fam == "injured":
        return (1 if key in ("اصيب", "اصيبت", "جريح", "جريحا", "مصاب", "اصابه") else 3), False
    # «مقتل …», «قتل …», «استشهاد …» without a figure: the word that follows says one or several
    nxt = view.words_after(m.nend, 4)
    # «استشهاد وإصابة عناصرها», «مقتل و جرح مدنيين»: the people follow the injury word joined to it
    k = view.token_at(m.nend)
    while nxt and (nxt[0] == "و" or nxt[0].lstrip("و") in _JOINED_INJURY):
        nxt = nxt[1:]
        k += 1
    if nxt and k < len(view.tokens) and nxt[0] != view.words_after(m.nend, 1)[0]:
        start = view.tokens[k].nstart
        for n in nums:  # «استشهاد وجرح العشرات» → the vague count «عشرات» (10)
            if n.nstart in (start, start + 2) and n.payloads[0].family in ("number", "vague"):
                return _value(view, n, nums), n.payloads[0].family == "number"
    if not nxt:
        return 1, True
    w = nxt[0]
    if w in (",", "."):
        return 1, True
    if w in ("بعض", "عدد", "العديد"):
        return 3, False  # «وفاة بعض الجرحى»: some, not one
    plural = (w.endswith(("ين", "ون", "ات")) and len(w) > 4) or w in ("جنود", "عناصر", "افراد", "اطفال", "رجال",
                                                                      "نساء", "قاده", "مقاتلي", "عناصرها", "شهداء")
    return (3, False) if plural else (1, True)


#: injury nouns that may stand between a death word and the people it counts (folded)
_JOINED_INJURY = frozenset({"اصابه", "جرح", "اصابات"})


@lru_cache(maxsize=1)
def _persons() -> frozenset[str]:
    """Singular and dual nouns for people (``casualties.json`` "persons"), folded."""
    return frozenset(fold(w) for w in resources.load_json("events/casualties.json").get("persons", ()))


#: «آخرين», «آخرون», «آخران»: the others counted beside one person named (folded)
_OTHERS = frozenset({"اخرين", "اخرون", "اخران", "اخريين", "اخري", "اخريات"})
#: tokens after a death word within which «و3 آخرين» is looked for
OTHERS_WINDOW = 8


def _and_others(view: DocView, npos: int, nums) -> tuple[int, int]:
    """«مقتل القيادي أبو محمد و3 آخرين» → 3, «قتل فلان وقياديان آخران» → 2: the others counted after the
    people named, joined by «و», and where that count starts ((0, 0) when there is none before the clause ends)."""
    i = view.token_at(npos)
    toks = view.tokens
    for k in range(i, min(len(toks) - 1, i + OTHERS_WINDOW)):
        t = toks[k]
        if t.key in (",", ".", ":", ";"):
            break
        if not t.key.startswith("و"):
            continue
        if t.key == "و" and k + 2 < len(toks) and toks[k + 1].key.isdigit() and toks[k + 2].key in _OTHERS:
            return min(int(toks[k + 1].key), MAX_COUNT), t.nstart
        if toks[k + 1].key not in _OTHERS:
            continue
        rest = t.key[1:]
        if rest.isdigit():
            return (int(rest), t.nstart) if int(rest) < MAX_COUNT else (0, 0)
        for n in nums:
            if n.nstart <= t.nstart + 1 < n.nend and n.payloads[0].family in ("number", "dual"):
                return _value(view, n, nums), t.nstart
        if rest.endswith(("ان", "ين")) and len(rest) > 4:
            return 2, t.nstart  # a dual noun: «وقياديان آخران»
    return 0, 0


def _coordinated(view: DocView, npos: int) -> int:
    """«مقتل امرأة وطفلها» → 2, «مقتل رجل وطفليه» → 3, «مقتل مسؤول كبير في الحزب ومقاتل وسائق السيارة» → 3:
    people joined by «و» after a death word, each with the words that describe it."""
    words = view.words_after(npos, COORDINATED_WORDS)
    people = _persons()
    n = 1
    for w in words[1:]:
        if not w[:1].isalpha() or w.isdigit():
            break  # punctuation or a figure ends the list
        if not w.startswith("و"):
            continue  # a word describing the last person («كبير في الحزب»)
        stem = w[1:]
        if stem not in people:
            break  # «… وإصابة طفل»: another phrase
        n += 2 if stem.endswith(("يه", "يها", "ين", "ان")) and len(stem) > 4 else 1
    return n


#: words after a death word within which the people it counts one by one are looked for
COORDINATED_WORDS = 9


#: «لقي … مصرعهم/حتفهم»: the verb that opens a death phrase whose figure stands inside it
_MET = frozenset(fold(w) for w in ("لقي", "لقيت", "لقوا", "لقيا", "ولقي", "ولقيت", "ولقوا", "فلقي"))
#: tokens back from «مصرعهم/حتفهم» within which «لقي» is looked for
MET_WINDOW = 10


def _met_figure(view: DocView, npos: int, nums) -> int | None:
    """«لقي خمسة عناصر من الجيش مصرعهم»: the first figure after «لقي», before the death word."""
    ti = view.token_containing(npos)
    for k in range(ti - 1, max(-1, ti - 1 - MET_WINDOW), -1):
        key = view.tokens[k].key
        if key in (",", ".", ":", ";"):
            return None
        if key in _MET:
            for j in range(k + 1, ti):
                t = view.tokens[j]
                if t.key.isdigit() and not _is_year(view, j):
                    return int(t.key) if int(t.key) < 100000 else None
                for n in nums:
                    if n.nstart == t.nstart and n.payloads[0].family in ("number", "dual"):
                        return _value(view, n, nums)
            return None
    return None


#: death words that take a pronoun for the dead («استشهادهم», «مقتلهما»)
_BACK_HEADS = ("استشهاد", "مقتل", "وفات", "قتل")
#: tokens back from such a word within which its figure is looked for (same sentence)
BACK_WINDOW = 20


def _back_figure(view: DocView, npos: int, nums) -> int | None:
    """The nearest figure before ``npos`` in its sentence that counts people («على 5 مدنيين»)."""
    ti = view.token_containing(npos)
    si = view.sentence_index(npos)
    for k in range(ti - 1, max(-1, ti - 1 - BACK_WINDOW), -1):
        t = view.tokens[k]
        if view.sentence_index(t.nstart) != si:
            return None
        if t.key.isdigit() and not _is_year(view, k):
            return int(t.key) if int(t.key) < MAX_COUNT else None
        for n in nums:
            if n.nstart == t.nstart and n.payloads[0].family in ("number", "dual"):
                return _value(view, n, nums)
    return None


#: active kill verbs whose subject may stand before the figure («قتلت المعارضة 3 جنود») (folded)
_KILL_VERBS = frozenset({"قتل", "قتلت", "قتلوا"})


def _number_near(view: DocView, a: int, b: int, nums) -> tuple[int, bool] | None:
    """A figure within a few tokens after (or before) the word at [a, b), skipping hedges («نحو», «على الأقل»),
    and whether it is a vague count («عدد من», «عشرات») rather than a number told."""
    if view.key[a:b] in _COUNTED_NOUNS:
        # «30 قتيلاً على الأقل ومئة جريح»: a counted noun's figure stands before it; the one after is the next noun's
        hit = _number_before(view, a, nums)
        if hit is not None:
            return hit
    after = [n for n in nums if n.nstart >= b and n.payloads[0].family != "hedge"]
    ti = view.token_containing(max(a, b - 1))
    first = ti + 1
    if view.key[a:b].lstrip("و") in _KILL_VERBS and first < len(view.tokens) \
            and view.tokens[first].key.startswith("ال") and len(view.tokens[first].key) > 3:
        first += 1  # «وقتلت المعارضة 3 جنود»: the verb's subject stands between it and the figure
    for n in after[:3]:
        ni = view.token_containing(n.nstart)
        if ni - ti > AFTER:
            break
        if _gap_ok(view, first, ni, nums):
            return _value(view, n, nums), n.payloads[0].family == "vague"
    # digits right after
    for k in range(ti + 1, min(len(view.tokens), ti + 1 + AFTER)):
        t = view.tokens[k].key
        if t.isdigit():
            if _is_year(view, k):
                continue  # «قتل في أيار 2014 خمسة»: a year, not the figure
            if _gap_ok(view, min(first, k), k, nums):
                return (int(t), False) if int(t) < 100000 else None
            break
        if t in (",", ".", ":"):
            break
    return _number_before(view, a, nums)


def _number_before(view: DocView, a: int, nums) -> tuple[int, bool] | None:
    """A figure within a few tokens before the word at ``a``: «5 قتلى», «خمسة قتلى», «20 مدنيا قتلوا», «ومئة جريح»."""
    t0 = view.token_containing(a)
    for k in range(t0 - 1, max(-1, t0 - 1 - BEFORE), -1):
        tok = view.tokens[k]
        t = tok.key
        if t.isdigit():
            if _is_year(view, k):
                break  # «في عام 2014 قتل …»: the year, not the figure
            return (int(t), False) if int(t) < 100000 else None
        if t in (",", ".", ":"):
            break
        joined = t.startswith("و") and k > 0 and any(
            n.nstart == view.tokens[k - 1].nstart and n.payloads[0].family == "number" for n in nums)
        if joined:
            continue  # «مئة وخمسين شهيداً»: the compound figure starts at its first part
        for n in nums:
            if (n.nstart == tok.nstart or (t.startswith("و") and n.nstart == tok.nstart + 1)) \
                    and n.payloads[0].family in ("number", "vague", "dual"):
                return _value(view, n, nums), n.payloads[0].family == "vague"
    return None


#: death and injury nouns counted by a figure before them («30 قتيلاً», «مئة جريح») (folded)
_COUNTED_NOUNS = frozenset({"قتيلا", "قتيل", "قتلي", "شهيدا", "شهيد", "شهداء", "جريحا", "جريح", "جرحي", "مصابا",
                            "مصابين", "قتيلًا"})


#: words before a number that make it a year («عام 2014», «منذ 2011»)
_YEAR_WORDS = frozenset(fold(w) for w in (
    "عام", "العام", "لعام", "والعام", "سنة", "السنة", "لسنة", "منذ", "مطلع", "أواخر", "أوائل", "منتصف", "صيف",
    "شتاء", "ربيع", "خريف"))


#: words that open a date («يوم 9/5/2023», «عام 2014»)
_DATE_LEADS = frozenset(fold(w) for w in ("يوم", "عام", "العام", "سنة", "في", "منذ", "مطلع", "أواخر", "منتصف"))


def _is_year(view: DocView, k: int) -> bool:
    """Whether digit token ``k`` belongs to a date, not a figure: inside a date the time stage read
    («9/5/2023», «12 أيار 2014»), or 1900–2100 after «عام/سنة/منذ» or next to a «/» or «-» («5/3/2014»)."""
    t = view.tokens[k]
    if any(d.nstart <= t.nstart < d.nend for d in view.dates):
        return True  # a day, month or year of a date the time stage read («9/5/2023», «12 أيار 2014»)
    if int(t.key) not in YEARS:
        return False
    if k > 0:
        prev = view.tokens[k - 1].key
        if prev in _YEAR_WORDS or prev in ("/", "-"):
            return True
    return k + 1 < len(view.tokens) and view.tokens[k + 1].key in ("/", "-")


def _gap_ok(view: DocView, i: int, j: int, nums) -> bool:
    """Tokens [i, j) between a death word and its figure are hedges or connectors only."""
    hedge_starts = {n.nstart for n in nums if n.payloads[0].family == "hedge"}
    hedge_tokens = {view.token_containing(h) for h in hedge_starts}
    for k in range(i, j):
        t = view.tokens[k]
        if any(a.nstart <= t.nstart < a.nend for a in view.actors):
            continue  # «قتل مسلحو التنظيم ثلاثة جنود»: the killer stands between the verb and the figure
        if any(d.nstart <= t.nstart < d.nend for d in view.dates):
            continue  # «قتل أمس خمسة مدنيين»: a date between the verb and the figure
        if (t.key in _DATE_LEADS and k + 1 < len(view.tokens)
                and any(d.nstart <= view.tokens[k + 1].nstart < d.nend for d in view.dates)):
            continue  # «قتل عام 2014 ثلاثة جنود», «قتل يوم 9/5/2023 …»: the word that opens a date
        if k in hedge_tokens or t.key in _GAP_WORDS:
            continue
        if any(n.nstart <= t.nstart < n.nend and n.payloads[0].family == "hedge" for n in nums):
            continue
        return False
    return True


#: words that may stand between a death word and its figure («أسفر عن مقتل ما لا يقل عن», «قتل فيه 22»,
#: «ارتفع عدد القتلى إلى نحو 100»)
_GAP_WORDS = frozenset(fold(w) for w in (
    "عن", "ما", "لا", "يقل", "من", "إلى", "أكثر", "الأقل", "على", "و", "فيه", "فيها", "فيهم", "خلاله", "خلالها",
    "جراءه", "به", "بها", "ارتفع", "ارتفعت", "بلغ", "بلغت", "وصل", "وصلت", "عدد", "حصيلة"))


def _value(view: DocView, n, nums) -> int:
    """The value of a number word, with «خمسة وعشرون» style units-and-tens."""
    cue: Cue = n.payloads[0]
    val = cue.value
    if cue.family == "number" and val < 10:
        nxt = view.words_after(n.nend, 1)
        if nxt and nxt[0].startswith("و") and nxt[0][1:] in vocab().tens:
            for m in nums:
                if m.nstart > n.nend and m.payloads[0].family == "number" and m.payloads[0].value >= 20:
                    return val + m.payloads[0].value
    if cue.family == "number" and val >= 100 and val % 100 == 0:
        # «مئة وخمسين», «مئتين وثلاثة وعشرين»: hundreds joined by و to the rest of the figure
        nxt = view.words_after(n.nend, 1)
        if nxt and nxt[0].startswith("و") and len(nxt[0]) > 2:
            j = view.token_at(n.nend)
            if j < len(view.tokens):
                start = view.tokens[j].nstart
                for m in nums:
                    if start <= m.nstart <= start + 1 and m.payloads[0].family == "number" and m.payloads[0].value < val:
                        return val + _value(view, m, nums)
    return val
