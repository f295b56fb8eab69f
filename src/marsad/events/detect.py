"""Detection and classification: trigger mentions with their sub-type, segment and modality.

A *mention* is one trigger occurrence. Its *segment* is the stretch of its
sentence that belongs to it: from the end of the previous trigger group (or the
sentence start) to the start of the next one (or the sentence end); arguments
are looked for there. Generic triggers («قصف», «استهداف», «هجوم», «مقتل») take
their sub-type from the nearest weapon cue («مسيرة» → Air/drone strike,
«قذائف» → Shelling, «عبوة» → IED …). Weak triggers become events only with
support (a weapon, a casualty, a target word, together with an actor or a
place). Casualty-only triggers yield an event only when nothing else in the
sentence describes the incident. Modality (:mod:`marsad.events.modality`) is
attached here and decides later whether the mention is coded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter

from marsad.events.casualties import casualty_cues
from marsad.events.modality import modality_of
from marsad.events.view import DocView, entity_of
from marsad.events.vocab import Trigger, vocab
from marsad.lexicon import Match
from marsad.model import SUB_TO_TYPE
from marsad.text import is_proclitic

#: tokens within which a weapon cue refines a generic trigger
WEAPON_WINDOW = 8
#: tokens within which support is looked for around a weak trigger
SUPPORT_WINDOW = 10


@dataclass(slots=True)
class Mention:
    trigger: Trigger
    nstart: int
    nend: int
    sentence: int
    sub: str
    seg_start: int = 0
    seg_end: int = 0
    weapon: tuple[int, int] | None = None
    modality: str | None = None
    modality_cue: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)
    #: extra specificity: the trigger's own wording tells an incident («خرج المتظاهرون», «قام جنود … باغتصابها»)
    told: int = 0
    #: the other readings of the trigger's word, of other event types («اعتداء»: mob violence, or an attack)
    alts: tuple[Trigger, ...] = ()

    @property
    def event_type(self) -> str:
        return SUB_TO_TYPE[self.sub]

    @property
    def strong(self) -> bool:
        return not self.trigger.weak and not self.trigger.generic


def find_mentions(view: DocView) -> list[Mention]:
    """All trigger mentions of a document, classified, with segments and modality."""
    v = vocab()
    nt = view.nt
    raw = v.triggers.find(nt)
    glued = _glued(view, raw)
    glued_ids = {id(m) for m in glued}
    raw = sorted(raw + glued, key=lambda m: m.nstart)
    if not raw:
        return []
    weapons = v.weapons.find(nt)
    support = v.context_lex.find(nt)
    casualties = casualty_cues(view)
    covered = bytearray(len(view.key) + 1)
    for x in (*view.actors, *view.places, *view.dates):
        covered[x.nstart:x.nend] = b"\x01" * (x.nend - x.nstart)
    # «تجمع المتظاهرون» read as an actor: a strong demonstration trigger that is the whole actor mention
    # (the crowd doing the act) is still a trigger
    whole_actor = {(a.nstart, a.nend) for a in view.actors}
    repeated = _repeated_sentences(view)
    out: list[Mention] = []
    for m in raw:
        if id(m) not in glued_ids and covered[m.nstart] and covered[m.nend - 1] and all(covered[m.nstart:m.nend]) \
                and not ((m.nstart, m.nend) in whole_actor and any(
                    not t.weak and SUB_TO_TYPE[t.sub] in ("Protests", "Riots") for t in m.payloads)) \
                and m.key.split(" ")[0] not in strike_heads():
            # «تحرير» in «هيئة تحرير الشام», «فجر» in «فجر اليوم»: inside a name or a date (an attack noun that
            # opens an actor phrase, «غارات جوية إسرائيلية», stays the attack)
            continue
        payloads = m.payloads
        if _nominal_prefix(m.prefix) and any(t.pos == "v" for t in payloads):
            # a verb never takes the article, «ب» or «ك»: «القتل», «بقتل», «التصدي» are its verbal noun,
            # and «الفجر» (the dawn) is another word
            if m.key in v.context["verb_not_noun"]:
                payloads = tuple(t for t in payloads if t.pos != "v")
            else:
                payloads = tuple(replace(t, pos="n") if t.pos == "v" else t for t in payloads)
            if not payloads:
                continue
        trig: Trigger = _best(payloads)
        if trig.weak and trig.pos == "n" and _named_operation(view, m.nend):
            continue  # «معركة "طوفان الأقصى"»: the name of a campaign, not an incident
        if trig.weak and SUB_TO_TYPE[trig.sub] in ("Protests", "Riots") and _names_place(view, m.nend):
            continue  # «مخيم درعا وتجمع المزيريب»: a camp or a gathering's name, not people gathering
        si = view.sentence_index(m.nstart)
        if si in repeated:
            continue
        alts = tuple(t for t in payloads if t.event_type != trig.event_type)
        out.append(Mention(trig, m.nstart, m.nend, si, trig.sub, alts=alts))
    _segments(view, out)
    for men in out:
        _refine(view, men, weapons)
    kept: list[Mention] = []
    for men in out:
        if men.trigger.weak and not _supported(view, men, weapons, support, casualties) \
                and not back_reference(view, men):  # (the dead of «the incident» told before: kept to be folded in)
            if not _other_reading(view, men, weapons, support, casualties):
                continue
        kept.append(men)
    _share_kind(kept)
    # casualty-only triggers: dropped when another trigger of the sentence tells the incident
    by_sent: dict[int, list[Mention]] = {}
    for men in kept:
        by_sent.setdefault(men.sentence, []).append(men)
    final: list[Mention] = []
    for men in kept:
        if men.trigger.result and any(not o.trigger.result for o in by_sent[men.sentence]):
            view.cache.setdefault("result_verbs", []).append(men)  # type: ignore[union-attr]
            continue
        final.append(men)
    for men in final:
        men.modality, men.modality_cue = modality_of(view, men.nstart, men.nend)
        if men.modality is None and (_purpose(view, men) or _relative_progressive(view, men)):
            men.modality = "hypothetical"
    # air defences that «confronted» an attack that still hit (damage or casualties in the sentence) foiled
    # nothing: the attack is the event, and the confronting is part of it
    for men in final:
        if men.modality == "foiled" and men.modality_cue is not None \
                and view.key.startswith(_CONFRONTED, men.modality_cue[0]) and _attack_landed(view, men):
            men.modality = None
    final = [m for m in final if not (m.sub == "Disrupted weapons use" and view.key.startswith(_CONFRONTED, m.nstart)
                                      and _attack_landed(view, m))]
    # the weapons of a foiled attack («إسقاط 8 مسيرات … في ريفي حماة وحلب») make no event of their own: they do
    # not cut the foiling's segment off from its places
    final = [m for m in final if m.modality != "foiled" or m.event_type == "Strategic developments"]
    _segments(view, final)
    verbs = [(m, t) for m in raw if (t := _best(m.payloads)).pos == "v"]  # the verb triggers, for _acted_out
    for men in final:
        if _demonstrators_act(view, men, support) or _acted_out(view, men, verbs):
            men.told = 1
    return final


#: tokens after a noun trigger where a verb trigger of its type tells that it happened («سيارة مفخخة … انفجرت»)
NOUN_VERB_WINDOW = 8
#: tokens before a «بـ» noun trigger where «قام» makes it the act of its subject («قام جنود … باغتصابها»)
DID_WINDOW = 16
#: tokens before a demonstration noun where a demonstration verb takes it as its object («فرقت الشرطة مظاهرة»)
DISPERSED_WINDOW = 8
_DONE = frozenset({"تم", "جري"})  # folded «تمّ», «جرى»
_DID = frozenset({"قام", "قامت", "قاموا", "اقدم", "اقدمت", "اقدموا"})  # past only: «تقوم … بتفجير» is a habit


#: «تصدت الدفاعات …»: air defences confronting an attack (folded)
_CONFRONTED = ("تصدت", "تصدي")
#: words of damage done (folded)
_DAMAGE = frozenset({"اضرار", "اضرارا", "خساير", "دمار", "دمارا", "الاضرار", "الخساير", "الدمار"})


def _attack_landed(view: DocView, men: Mention) -> bool:
    """The sentence of a mention tells damage or casualties: the attack hit («… وألحق أضراراً
    بالمطار»)."""
    sa, sb = view.sentences[men.sentence] if view.sentences else (0, len(view.key))
    if any(sa <= c.nstart < sb and c.payloads[0].family in ("killed", "killed_plural", "injured", "massacre")
           for c in view.cache.get("cas", [])):  # type: ignore[union-attr]
        return True
    i = view.token_at(sa)
    return any(t.key in _DAMAGE for t in view.tokens[i:view.token_at(sb)])


#: nouns that refer back to an attack told before («يقف وراء التفجير») (folded)
ATTACK_REFERENCES = frozenset({"الحادث", "الحادثه", "الهجوم", "الهجومين", "الهجمات", "الاعتداء", "الاعتداءين", "الاعتداءات", "التفجير",
                                "التفجيرين", "التفجيرات", "الانفجار", "الانفجارين", "العمليه", "الجريمه", "المجزره"})


#: words before a casualty word within which «الحادث أدى إلى» is looked for
BACKREF_WORDS = 10


def back_reference(view: DocView, men: Mention) -> bool:
    """«وقالت المصادر إن الحادث أدى إلى … مقتل أربعة من مرافقيه»: a casualty word whose clause opens with a
    noun for the attack told before («الحادث», «الهجوم», «التفجير») and an outcome verb."""
    if not men.trigger.result:
        return False
    floor = view.sentences[men.sentence][0] if view.sentences else 0
    words = view.words_before(men.nstart - len(view.clitic_prefix(men.nstart)), BACKREF_WORDS, floor)
    outcome = vocab().context["outcome"]
    for i, w in enumerate(words):
        if w.lstrip("و") in ATTACK_REFERENCES and any(x.lstrip("و") in outcome for x in words[i + 1:]):
            return True
    return False


@lru_cache(maxsize=1)
def strike_heads() -> frozenset[str]:
    """Attack nouns that open an actor phrase with a nationality (the actors stage's heads of kind "strike")."""
    from marsad.stages.actors import get_resources

    return frozenset(k for k, v in get_resources().heads.items() if v.get("kind") == "strike")


def _repeated_sentences(view: DocView) -> frozenset[int]:
    """Sentences that repeat an earlier one word for word (a title printed again at the article's end):
    they tell nothing new, and the day they would inherit there is not theirs."""
    seen: set[str] = set()
    out = set()
    for i, (a, b) in enumerate(view.sentences):
        k = " ".join(view.key[a:b].split()).rstrip(".")
        if len(k) < REPEAT_MIN_CHARS:
            continue
        if k in seen:
            out.add(i)
        seen.add(k)
    return frozenset(out)


#: shortest sentence checked for repetition
REPEAT_MIN_CHARS = 40


def _acted_out(view: DocView, men: Mention, verbs: list[tuple[Match, Trigger]]) -> bool:
    """A noun trigger told as an act: a verb trigger of its event type follows it in its segment («سيارة
    مفخخة متوقفة أمام المبنى انفجرت»), a demonstration verb takes it as its object just before it («فرقت
    الشرطة مظاهرة»), «تم» makes it a passive verb («تم اغتصابها»), or «قام/أقدم … بـ» introduces it («قام عشرة جنود … باغتصابها»)."""
    if men.trigger.pos != "n":
        return False
    tj = view.token_containing(max(men.nstart, men.nend - 1))
    for m, t in verbs:  # each verb trigger match of the document with its preferred trigger
        if SUB_TO_TYPE[t.sub] != men.event_type:
            continue
        if men.nend <= m.nstart < men.seg_end and view.token_containing(m.nstart) - tj <= NOUN_VERB_WINDOW:
            return True
        if men.event_type in ("Protests", "Riots") and m.nend <= men.nstart \
                and view.sentence_index(m.nstart) == men.sentence \
                and tj - view.token_containing(m.nstart) <= DISPERSED_WINDOW:
            return True  # «فرقت الشرطة مظاهرة نظمها …»: the demonstration is the object of what was done to it
    prev = view.words_before(men.nstart - len(view.clitic_prefix(men.nstart)), 1,
                             view.sentences[men.sentence][0] if view.sentences else 0)
    if prev and prev[0].lstrip("وف") in _DONE and not view.clitic_prefix(men.nstart):
        return True  # «تم اغتصابها», «جرى اعتقال»: the verbal noun after «تم» is a passive verb
    word = view.clitic_prefix(men.nstart) + view.key[men.nstart:men.nend]
    if not word.startswith(("ب", "وب")):
        return False
    floor = max(men.seg_start, view.sentences[men.sentence][0] if view.sentences else 0)
    before = view.words_before(men.nstart - len(view.clitic_prefix(men.nstart)), DID_WINDOW, floor)
    return any(w in _DID or (w[:1] in "وف" and w[1:] in _DID) for w in before)


#: tokens after a demonstration verb where its subject (the crowd) is looked for
CROWD_SUBJECT_WINDOW = 3


def _demonstrators_act(view: DocView, men: Mention, support) -> bool:
    """A demonstration verb told with the crowd as its doer: «خرج المتظاهرون», «تجمع المتظاهرون»,
    «احتشد متظاهرون», «أحرق المتظاهرون» (the crowd word in the trigger or right after the verb).

    The wording tells what the demonstrators did, not a topic. A crowd word before the verb is no such
    proof («يخرج المتظاهرين إلى الشوارع» of a leader, «قيام المتظاهرين برشق …» in a precaution).
    """
    if men.trigger.pos != "v" or men.event_type not in ("Protests", "Riots"):
        return False
    ti = view.token_containing(men.nstart)
    tj = view.token_containing(max(men.nstart, men.nend - 1))
    for x in support:
        if x.payloads[0].family != "crowd" or not (men.seg_start <= x.nstart < men.seg_end):
            continue
        xi = view.token_containing(x.nstart)
        if ti <= xi <= tj or 0 < xi - tj <= CROWD_SUBJECT_WINDOW:
            return True
        if xi == ti - 1 and view.tokens[tj].key.endswith("وا"):
            return True  # «مليون متظاهر خرجوا»: the crowd right before a past plural verb agreeing with it
    return False


def _nominal_prefix(prefix: str) -> bool:
    """Proclitics only a noun takes: the article («ال», «لل») or the prepositions «ب» and «ك»."""
    p = prefix.lstrip("وف")
    return "ال" in p or p.startswith(("ب", "ك", "لل"))


_QUOTES = frozenset({'"', "«", "“", "'"})


def _names_place(view: DocView, nend: int) -> bool:
    """The word right after ``nend`` opens a place name («تجمع المزيريب»)."""
    ti = view.token_at(nend)
    if ti >= len(view.tokens):
        return False
    start = view.tokens[ti].nstart
    if view.key[nend:start].strip():
        return False
    return any(p.nstart == start for p in view.places)


def _named_operation(view: DocView, nend: int) -> bool:
    nxt = view.words_after(nend, 1)
    return bool(nxt) and nxt[0] in _QUOTES


#: words a scraped text often glues to a trigger: «غارةعلى», «مناستهداف», «فيمخيم»
_GLUE_LEFT = ("من", "في", "علي", "عن", "الي", "مع")
_GLUE_RIGHT = ("علي", "في", "من", "الي", "عن", "ال", "ضد")


def _glued(view: DocView, found: list) -> list:
    """Strong triggers inside a word glued to a preposition (a missing space in the source text)."""
    auto = vocab().glued
    if not len(auto):
        return []
    key = view.key
    taken = bytearray(len(key) + 1)
    for m in found:
        taken[m.nstart:m.nend] = b"\x01" * (m.nend - m.nstart)
    out = []
    for end_idx, (k, trigs) in auto.iter(key):
        a, b = end_idx - len(k) + 1, end_idx + 1
        if any(taken[a:b]):
            continue
        ws = a
        while ws > 0 and key[ws - 1].isalpha():
            ws -= 1
        we = b
        while we < len(key) and key[we].isalpha():
            we += 1
        left, right = key[ws:a], key[b:we]
        left_ok = is_proclitic(left) or any(left.endswith(g) and is_proclitic(left[:-len(g)]) for g in _GLUE_LEFT)
        right_ok = right == "" or any(right == g or (right.startswith(g) and len(right) >= len(g) + 2)
                                      for g in _GLUE_RIGHT)
        if not (left_ok and right_ok) or (is_proclitic(left) and right == ""):
            continue
        s, e = view.nt.to_original(a, b)
        out.append(Match(s, e, a, b, view.doc.text[s:e], k, trigs, left))
        taken[a:b] = b"\x01" * (b - a)
    return out


#: words before a «لـ» noun trigger within which «تعرض» makes it what was suffered, not a purpose («تعرضت
#: وزيرة الدولة …، حرم …، لمحاولة اغتيال»)
PURPOSE_WINDOW = 24


_RELATIVES = frozenset({"التي", "الذي", "الذين", "اللتين", "اللذين", "اللتان", "اللذان"})
_WAS = frozenset({"كان", "كانت", "كانوا", "كانتا", "كانا"})


def _relative_progressive(view: DocView, men: Mention) -> bool:
    """«8 مسيرات … والتي كانت تستهدف المدنيين»: an imperfect verb after «الذي/التي كان» describes what its
    noun was meant or used to do, not an incident."""
    if men.trigger.pos != "v" or view.key[men.nstart:men.nend][:1] not in ("ت", "ي"):
        return False
    w = view.words_before(men.nstart - len(view.clitic_prefix(men.nstart)), 2)
    return len(w) == 2 and w[0].lstrip("و") in _RELATIVES and w[1] in _WAS


def _purpose(view: DocView, men: Mention) -> bool:
    """A noun trigger with «لـ» that is not the object of «تعرض»: a purpose («لشن غارات», «لاستهداف»)."""
    if men.trigger.pos != "n":
        return False
    prefix = view.clitic_prefix(men.nstart)
    if prefix not in ("ل", "ول", "فل", "لل", "ولل", "فلل"):
        return False
    prev = view.words_before(men.nstart - len(prefix), PURPOSE_WINDOW,
                             view.sentences[men.sentence][0] if view.sentences else 0)
    return not any(w.lstrip("وف").startswith(("تعرض", "يتعرض", "تتعرض", "عرض", "تصدت", "تصدي", "يتصدي", "التصدي"))
                   for w in prev)  # («تصدت الدفاعات لعدوان جوي»: what was confronted, not a purpose)


def _best(payloads: tuple[Trigger, ...]) -> Trigger:
    """Among triggers sharing a surface, prefer a specific, strong one (the first of the least weak, then least
    generic: what ``sorted(payloads, key=…)[0]`` gives, without sorting; most surfaces have one trigger)."""
    return payloads[0] if len(payloads) == 1 else min(payloads, key=_WEAK_GENERIC)


_WEAK_GENERIC = attrgetter("weak", "generic")


def _segments(view: DocView, ms: list[Mention]) -> None:
    """Split each sentence between its consecutive triggers, at the clause break between them.

    Two triggers of the same type with no clause break between them («قصف … بقذائف المدفعية»)
    tell one incident: they share one segment.
    """
    for men in ms:
        sa, sb = view.sentences[men.sentence] if view.sentences else (0, len(view.key))
        men.seg_start, men.seg_end = sa, sb
    joined: list[bool] = []
    for p, q in pairwise(ms):
        if p.sentence != q.sentence or q.nstart < p.nend:
            joined.append(False)
            continue
        cut = _clause_break(view, p.nend, q.nstart)
        if p.event_type == q.event_type and (cut == q.nstart or view.clitic_prefix(q.nstart) in _INSTRUMENT):
            # («قصفت القاعدة، في الشدادي، بالطائرات المسيرة»: the weapon the verb was done with)
            joined.append(True)
            continue
        joined.append(False)
        p.seg_end = max(p.nend, cut)
        q.seg_start = min(q.nstart, cut)
    i = 0
    while i < len(ms):
        j = i
        while j < len(joined) and joined[j]:
            j += 1
        if j > i:
            lo, hi = ms[i].seg_start, ms[j].seg_end
            for k in range(i, j + 1):
                ms[k].seg_start, ms[k].seg_end = lo, hi
        i = j + 1


#: the clitics of an instrument («بالطائرات المسيرة», «بقذائف»): such a trigger tells how the one before was done
_INSTRUMENT = frozenset({"ب", "بال"})
#: connectives right before a trigger that open a new incident's clause (folded word pairs)
_NEW_CLAUSE = frozenset({"تزامنا مع", "بالتزامن مع", "بالاضافه الي", "اضافه الي"})
_CLAUSE_WORDS = frozenset({"فيما", "بينما", "كما", "حيث", "ثم", "لكن", "بعد", "عقب", "اثر", "وذلك",
                           "حين", "عندما", "اذ"})
#: two-word clause openers (folded): «في حين», «فضلاً عن» another incident
_CLAUSE_PAIRS = frozenset({"في حين", "فضلا عن", "علاوه علي"})
_CLAUSE_PAIR_HEADS = frozenset(w.split(" ")[0] for w in _CLAUSE_PAIRS)


def _clause_break(view: DocView, a: int, b: int) -> int:
    """Where the clause of the trigger at ``b`` starts, after a trigger ending at ``a``.

    A connective that opens a new incident right before the second trigger («تزامناً مع قصف …»); else
    the first clause opener («و…», «فيما», «وذلك بعد») after the first trigger; else the last comma
    between them; else the second trigger itself.
    """
    i = view.token_at(a)
    j = view.token_containing(b)
    toks = view.tokens
    if i < j - 2 and f"{toks[j - 2].key.lstrip('و')} {toks[j - 1].key}" in _NEW_CLAUSE:
        return toks[j - 2].nstart  # «… وقتلت المعارضة 3 جنود، تزامناً مع قصف …»: all before it is the first's
    comma = None
    outcome = vocab().context["outcome"]
    keys, starts = view.token_keys, view.token_starts  # = each token's key and nstart
    n = len(keys)
    while i < n and starts[i] < b:
        k = keys[i]
        if k.lstrip("و") in outcome:
            # «مجزرة اقترفتها قوات الاحتلال في …، وأدّت إلى استشهاد 9 …»: the toll clause is the first's
            comma = None
            i += 1
            continue
        if k in _CLAUSE_WORDS or (k.startswith("و") and len(k) > 3 and k[1:] in _CLAUSE_WORDS):
            return starts[i]
        if k.lstrip("و") in _CLAUSE_PAIR_HEADS and i + 1 < n and f"{k.lstrip('و')} {keys[i + 1]}" in _CLAUSE_PAIRS:
            return starts[i]
        if k.startswith("و") and len(k) > 3 and i > 0 and keys[i - 1] in (",", ";"):
            return starts[i]
        if k in (",", ";", ":"):
            comma = view.token_ends[i]
        i += 1
    return comma if comma is not None else b


def _refine(view: DocView, men: Mention, weapons) -> None:
    """Set a generic trigger's sub-type from the nearest weapon cue of its segment."""
    ti = view.token_containing(men.nstart)
    tj = view.token_containing(max(men.nstart, men.nend - 1))
    best = None
    for w in weapons:
        if w.nstart < men.seg_start or w.nend > men.seg_end:
            continue
        if men.nstart <= w.nstart < men.nend:
            continue  # part of the trigger itself
        wi = view.token_containing(w.nstart)
        dist = ti - wi if wi < ti else wi - tj
        if dist > WEAPON_WINDOW:
            continue
        rank = (dist, 0 if wi > tj else 1)
        if best is None or rank < best[0]:
            best = (rank, w)
    if best is None:
        return
    w = best[1]
    men.weapon = (w.nstart, w.nend)
    if not men.trigger.generic:
        return
    sub = w.payloads[0]
    if men.trigger.sub == "Armed clash" and sub == "Armed clash":
        return
    if SUB_TO_TYPE[men.trigger.sub] == "Violence against civilians" and sub == "Armed clash":
        return  # «برصاص» after «مقتل»: still an attack until the victims say otherwise
    men.sub = sub


def _other_reading(view: DocView, men: Mention, weapons, support, casualties) -> bool:
    """«تعرض موقع للجيش لاعتداء قتل فيه جنديان»: a word whose first reading found no support (no crowd for
    mob violence) takes another reading that has it; True when one is taken."""
    first = (men.trigger, men.sub, men.weapon)
    for t in men.alts:
        men.trigger, men.sub, men.weapon = t, t.sub, None
        _refine(view, men, weapons)
        if not t.weak or _supported(view, men, weapons, support, casualties):
            men.alts = ()
            return True
    men.trigger, men.sub, men.weapon = first
    return False


def _share_kind(ms: list[Mention]) -> None:
    """«استهدفت المقاومة قاعدة حقل العمر وقاعدة الشدادي عبر طائرات مسيّرة»: a generic trigger that shares its
    segment with a specific one of the same event type (one incident told in one clause) and found no weapon of
    its own takes that one's sub-type."""
    for men in ms:
        if not men.trigger.generic or men.weapon is not None:
            continue
        kin = [o for o in ms if o is not men and not o.trigger.generic and o.sentence == men.sentence
               and o.seg_start == men.seg_start and o.seg_end == men.seg_end and o.event_type == men.event_type]
        if kin:
            men.sub = kin[0].sub


_VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
#: words between a 'happened' verb and the weak trigger it governs («وقع الهجوم», «شن مسلحون هجوما»)
OCCURRENCE_GAP = 1


def _occurrence_before(view: DocView, men: Mention) -> bool:
    """A 'happened' verb (context.json: «وقع», «شن», «نفذ») right before a noun trigger: the incident is told."""
    if men.trigger.pos != "n":
        return False
    occ = vocab().context["happened"]
    floor = view.sentences[men.sentence][0] if view.sentences else 0
    before = view.words_before(men.nstart - len(view.clitic_prefix(men.nstart)), OCCURRENCE_GAP + 1, floor)
    return any(w in occ or (w[:1] in "وف" and w[1:] in occ) for w in before)


def _supported(view: DocView, men: Mention, weapons, support, casualties) -> bool:
    """A weak trigger needs (a weapon / casualty / target word) and (an actor / a place / an armed word)."""
    ti = view.token_containing(men.nstart)
    lo = view.tokens[max(0, ti - SUPPORT_WINDOW)].nstart if view.tokens else 0
    hi_tok = min(len(view.tokens) - 1, ti + SUPPORT_WINDOW + 2)
    hi = view.tokens[hi_tok].nend if view.tokens else len(view.key)
    sa, sb = view.sentences[men.sentence] if view.sentences else (0, len(view.key))
    lo, hi = max(lo, sa), min(hi, sb)

    def near(items) -> list:
        return [x for x in items if x.nstart >= lo and x.nend <= hi and not (men.nstart <= x.nstart < men.nend)]

    if men.event_type in _VIOLENT and _occurrence_before(view, men):
        return True  # «ووقع الهجوم فجر أمس في …», «شنوا هجوما على …»: the incident itself is told
    what = bool(near(weapons)) or bool(near(casualties)) or any(
        x.payloads[0].family == "support" for x in near(support))
    if not what and men.event_type not in ("Protests", "Riots"):
        return False
    actors = [a for a in view.actors if a.nstart >= lo and a.nend <= hi]
    armed = [a for a in actors if (entity_of(a).attrs["actor"].category or 0) != 7]
    places = [p for p in view.places if p.nstart >= lo and p.nend <= hi]
    armed_word = any(x.payloads[0].family == "armed" for x in near(support))
    if men.sub == "Disrupted weapons use":
        return bool(near(weapons))  # «أبطل الخبراء مفعول عبوة», «إسقاط 8 مسيرات»
    if men.event_type in ("Protests", "Riots"):
        return any(x.payloads[0].family == "crowd" for x in near(support)) or any(
            (entity_of(a).attrs["actor"].category or 0) in (5, 6) for a in actors)
    if men.event_type == "Strategic developments":
        return bool(armed) or armed_word
    return bool(actors) or bool(places) or armed_word
