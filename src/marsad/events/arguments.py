"""Arguments of a mention: actor1 / actor2 from the phrase structure, location and date.

Actors come from the ``actors`` stage (``ACTOR`` entities whose ``attrs["actor"]``
is a :class:`~marsad.model.Actor`). Their role follows the words around them:

* agent markers («من قبل», «بواسطة», «بنيران», «برصاص») or a genitive «لـ» right
  after a noun trigger («غارات لطيران التحالف», «بقصف لقوات …») → actor1;
* patient markers («على», «ضد», «في صفوف», «مواقع», «مقر», «عناصر», «استهدف»)
  → actor2; an actor before «تعرض … لـ» is the target;
* «بين X و Y» → X and Y (a clash);
* otherwise a verb trigger takes the nearest actor before it (SVO) or the first
  one after it (VSO) as actor1 and the next one as actor2; a noun trigger takes
  an actor before it as actor1 (the subject of «شن»/«نفذ») and one after it as actor2.

Civilians are never actor1 when an armed actor is there; an unnamed attacker is
the registry's "Unidentified Armed Group" (the actors stage resolves «مجهولون»).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from marsad.events.attribution import attribution
from marsad.events.casualties import number_cues
from marsad.events.detect import Mention, strike_heads
from marsad.events.view import DocView, Located, entity_of
from marsad.events.vocab import vocab
from marsad.model import Actor

#: the most words between a subject actor and the trigger after it
SUBJECT_WINDOW = 8
#: most words between a plural verb and the subject it agrees with («ستة أشخاص على الأقل اعتقلوا»)
SUBJECT_GAP = 3
#: how many words before an actor are read for its marker
MARKER_WORDS = 2


@dataclass(slots=True)
class Roles:
    actor1: Located | None = None
    actor2: Located | None = None
    assoc1: list[Located] = field(default_factory=list)
    assoc2: list[Located] = field(default_factory=list)


def actor_of(x: Located) -> Actor:
    return entity_of(x).attrs["actor"]


def _same(a: Located, b: Located) -> bool:
    x, y = actor_of(a), actor_of(b)
    return (x.id is not None and x.id == y.id) or x.name == y.name


def _marker(view: DocView, x: Located, floor: int) -> str:
    """'agent', 'patient', 'between', 'genitive' or '' for the actor at x."""
    ctx = vocab().context
    prefix = view.clitic_prefix(x.nstart)
    words = view.words_before(x.nstart - len(prefix), MARKER_WORDS, floor)
    words = [w for w in words if w not in (",", '"', "«", "»", "“", "”")]
    if words and words[-1] == "ل":
        prefix, words = "ل", words[:-1]  # «لـ"هيئة تحرير الشام"»: the clitic written apart
    joined = " ".join(words)
    last = words[-1] if words else ""
    last_stem = last[2:] if last.startswith("ال") else last
    if last_stem[:1] in ("ب", "و", "ف") and len(last_stem) > 4 and last_stem[1:] in ctx["patient"]:
        last_stem = last_stem[1:]  # «بدورية للجيش العراقي»: a proclitic before the patient noun
    if prefix in ("ب",) and last in ("رصاص", "نيران"):
        return "agent"
    if joined.endswith(_agent_markers()) or (last == "قبل" and "قبل" in ctx["agent"]):
        return "agent"
    if last == "من" and actor_of(x).id == "unidentified-armed-group":
        return "agent"  # «أصيب بطلق ناري من مجهولين»: unknown persons are the doers, never a side's ranks
    if last == "من" and len(words) >= 2 and (words[-2].isdigit() or words[-2] in ctx["patient"]
                                             or words[-2].startswith(("عناصر", "جنود", "افراد", "مقاتلي", "قتلي"))):
        return "patient"  # «مقتل ثلاثة عناصر من قسد»
    if any(w.lstrip("وف") in _PASSIVE_VERBS for w in words[-2:]):
        if actor_of(x).id == "unidentified-armed-group" and words[-1].lstrip("وف") in _PASSIVE_VERBS:
            return "agent"  # «اختطف مجهولون عنصراً»: unknown persons right after the verb are its doers
        return "patient"  # «أصيب خمسة جنود أميركيين في هجوم …»
    if last.lstrip("وف").startswith(("تعرض", "يتعرض", "تتعرض")):
        return "patient"  # «تعرضت القاعدة الأميركية … للقصف»
    if last in ctx["clash_pair"] or last == "بين":
        return "between"
    if last in ctx["patient"] or last_stem in ctx["patient"] or joined in ctx["patient"] or \
            any(w in ("صفوف", "ضد", "علي", "استهداف", "باستهداف") for w in words[-2:]):
        return "patient"
    if last.startswith(("مواقع", "موقع", "مقرات", "مقر", "نقاط", "نقطه", "عناصر", "تجمعات", "تمركزات", "قواعد", "حواجز")) \
            or (last.endswith("ا") and last[:-1] in ctx["patient"]):  # «موقعاً للاحتلال»: accusative -an
        return "patient"
    if prefix.endswith("ل") or prefix.endswith("لل"):
        return "genitive"
    return ""


@lru_cache(maxsize=1)
def _agent_markers() -> tuple[str, ...]:
    """The agent markers of the event vocabulary, as a tuple for one ``str.endswith`` test of them all."""
    return tuple(vocab().context["agent"])


def assign_roles(view: DocView, men: Mention) -> Roles:
    """actor1 / actor2 of a mention from the actors of its segment.

    An attack noun that opens the phrase naming its doer («غارات جوية إسرائيلية», «قصف مدفعي تركي») gives that
    doer as actor1; a side read as the doer before it is then the one struck («استشهاد ضابط في المقاومة خلال
    القصف الأميركي»)."""
    roles = _segment_roles(view, men)
    own = [a for a in view.actors if a.nstart <= men.nstart < a.nend and a.nend > men.nend]
    if own and roles.actor1 is not own[0] and roles.actor2 is not own[0]:
        if roles.actor1 is not None and roles.actor2 is None:
            roles.actor2 = roles.actor1
        roles.actor1 = own[0]
    elif roles.actor1 is None and men.trigger.pos == "v":
        # «تصدت الدفاعات الجوية السورية لعدوان …»: the subject written into the verb trigger is its doer
        inside = [a for a in view.actors if men.nstart < a.nstart < men.nend]
        if inside and inside[0] is not roles.actor2:
            roles.actor1 = inside[0]
    if men.sub == "Disrupted weapons use" and roles.actor1 is not None and _attack_phrase(view, roles.actor1):
        # «… لعدوان جوي إسرائيلي … وأسقطت معظم الصواريخ»: the attack named is what was stopped, not who stopped it
        if roles.actor2 is None:
            roles.actor2 = roles.actor1
        roles.actor1 = None
    return roles


def _attack_phrase(view: DocView, a: Located) -> bool:
    """An actor named by its attack («عدوان جوي إسرائيلي», «الغارات الروسية»)."""
    first = view.key[a.nstart:a.nend].split(" ")[0]
    return first in strike_heads() or (first.startswith("ال") and first[2:] in strike_heads())


def _segment_roles(view: DocView, men: Mention) -> Roles:
    """actor1 / actor2 from the actors of the segment other than the trigger's own phrase."""
    roles = Roles()
    territory = men.sub in _TERRITORY_SUBS
    cands = [a for a in view.actors if a.nstart >= men.seg_start and a.nend <= men.seg_end
             and not (a.nstart < men.nend and men.nstart < a.nend) and not _in_modal_phrase(view, a)
             and not _no_party(view, a, territory)]
    cands = _appositions(view, cands)
    if not cands:
        return roles
    before = [a for a in cands if a.nend <= men.nstart]
    after = [a for a in cands if a.nstart >= men.nend]
    memo: dict[tuple[int, int], str] = view.cache.setdefault("marks", {})  # type: ignore[assignment]
    marks = {}
    for a in cands:
        # the mark depends on the actor and the segment start only: found once per pair and document
        mark = memo.get((id(a), men.seg_start))
        if mark is None:
            mark = memo[(id(a), men.seg_start)] = "patient" if is_site(view, a) else _marker(view, a, men.seg_start)
        marks[id(a)] = mark
    for a in cands:
        if marks[id(a)] == "agent" and not _relative_of_trigger(view, men, a):
            marks[id(a)] = ""
    if men.trigger.pos == "n" and view.clitic_prefix(men.nstart).endswith("ل"):
        for a in before:
            w = view.words_before(a.nstart - len(view.clitic_prefix(a.nstart)), 1)
            if w and w[0].lstrip("و").startswith(("تصدت", "تصدي")):
                marks[id(a)] = "patient"  # «تصدت الدفاعات الجوية لعدوان جوي»: the side that met the attack
    for a, b in pairwise(cands):
        # apposition: «قوات سوريا الديمقراطية "قسد"» keeps the role of its first mention
        if marks[id(b)] == "" and _same(a, b) and len(view.words_before(b.nstart, 3, a.nend)) <= 2:
            marks[id(b)] = marks[id(a)]
    ctx = vocab().context
    passive = False
    if before:
        between_words = view.words_before(men.nstart, 4, before[-1].nend)
        passive = any(w in ctx["subject_passive"] or w.lstrip("و") in ctx["subject_passive"] for w in between_words)

    # «بين X و Y»
    for i, a in enumerate(cands):
        if marks[id(a)] == "between":
            roles.actor1 = a
            rest = [b for b in cands[i + 1:] if not _same(a, b)]
            side = view.key.find(_OTHER_SIDE, a.nend, men.seg_end)
            if side >= 0:
                # «بين الفرقة الرابعة وحزب الله من جهة والفصائل من جهة أخرى»: the other side follows «من جهة»
                rest = [b for b in rest if b.nstart > side] or rest
            if rest:
                roles.actor2 = rest[0]
            return _finish(roles, cands, marks)

    # «قتل مسلحو التنظيم ثلاثة جنود … في هجوم»: a kill verb before the trigger orders its actors (VSO)
    verbs = [r for r in view.cache.get("result_verbs", []) if r.sentence == men.sentence  # type: ignore[union-attr]
             and r.trigger.pos == "v" and men.seg_start <= r.nstart < men.nstart]
    if verbs and not any(marks[id(a)] in ("agent", "patient", "between") for a in cands):
        v0 = verbs[-1]
        vso = [a for a in before if a.nstart >= v0.nend]
        if vso and (_counted(view, v0.nend, vso[0].nstart) or _titled_victim(view, v0.nend, vso[0].nstart)):
            # «قتل أربعة عسكريين في انفجار …», «قتل القيادي في داعش أبو محمد في غارة …»: a counted group or a
            # titled person after the verb is its (passive) subject, the ones who died, not the killers
            marks[id(vso[0])] = "patient"
        elif vso:
            roles.actor1 = vso[0]
            rest = [a for a in vso[1:] if not _same(a, vso[0])]
            if rest:
                roles.actor2 = rest[0]
            return _finish(roles, cands, marks)

    # «أعلنت المقاومة أن مجاهديها استهدفوا قاعدة …», «أعلنت أنها استهدفت …»: the subject is a pronoun
    # standing for the actor named before; what follows the verb is its object
    if men.trigger.pos == "v" and _pronoun_subject(view, men) and not (
            before and len(view.words_before(men.nstart, SUBJECT_GAP + 1, before[-1].nend)) <= SUBJECT_GAP):
        # (a plural verb right after its own subject, «ستة أشخاص على الأقل اعتقلوا», has no pronoun subject)
        sa = view.sentences[men.sentence][0] if view.sentences else 0
        prior = [a for a in view.actors if sa <= a.nstart and a.nend <= men.nstart
                 and actor_of(a).category != 7 and not is_site(view, a)]
        if prior:
            roles.actor1 = prior[0]
            rest = [a for a in after if not _same(a, prior[0])]
            if rest:
                roles.actor2 = rest[0]
            return _finish(roles, cands, marks)

    # «سلسلة غارات استهدفت أهدافاً لـ…», «صواريخ استهدفت القاعدة»: the weapon is the verb's subject,
    # so what follows the verb is its object
    if men.trigger.pos == "v" and men.weapon is not None and men.weapon[1] <= men.nstart \
            and len(view.words_before(men.nstart, 3, men.weapon[1])) <= 1:
        for a in after:
            if marks[id(a)] in ("", "genitive"):
                marks[id(a)] = "patient"

    agents = [a for a in cands if marks[id(a)] == "agent"]
    patients = [a for a in cands if marks[id(a)] == "patient"]
    if agents:
        roles.actor1 = min(agents, key=lambda a: abs(a.nstart - men.nend))
    if patients:
        roles.actor2 = min(patients, key=lambda a: abs(a.nstart - men.nend))
    if passive and before and roles.actor2 is None:
        roles.actor2 = before[-1]
    elif passive and before and roles.actor1 is None and men.event_type == "Battles" \
            and not _same(before[-1], roles.actor2):
        roles.actor1 = before[-1]  # «قتل جندي … في اشتباكات مع التنظيم»: the fallen side is the other party
    if roles.actor1 is None and men.trigger.pos == "n" and not _object_noun(view, men):
        # construct state «غارات التحالف», «هجوم التنظيم على …»: the noun's complement is its doer
        direct = [a for a in after if marks[id(a)] == "" and not view.words_before(
            a.nstart - len(view.clitic_prefix(a.nstart)), 1, men.nend)]
        if direct and view.clitic_prefix(direct[0].nstart) in ("", "ال"):
            roles.actor1 = direct[0]
    elif roles.actor1 is None and men.trigger.pos == "n" and _object_noun(view, men) and after \
            and view.key[after[0].nstart:after[0].nend].startswith(_AIR_FORCE) \
            and not view.words_before(after[0].nstart - len(view.clitic_prefix(after[0].nstart)), 1, men.nend):
        roles.actor1 = after[0]  # «استهداف طيران العدوان جزيرة كمران»: an air force is never the one struck here
    elif roles.actor1 is None and men.trigger.pos == "n" and _ground_noun(view, men):
        # «اقتحام قوات الاحتلال نابلس», «سيطرة قوات النظام على …»: ground is taken, not forces, so
        # armed forces right after the noun are its doers
        direct = [a for a in after if marks[id(a)] == "" and actor_of(a).category in _ARMED_CATEGORIES
                  and not view.words_before(a.nstart - len(view.clitic_prefix(a.nstart)), 1, men.nend)]
        if direct and view.clitic_prefix(direct[0].nstart) in ("", "ال"):
            roles.actor1 = direct[0]
    if roles.actor1 is None:
        gen = [a for a in after if marks[id(a)] == "genitive" and men.trigger.pos == "n"
               and _genitive_agent(view, men, a)]
        unmarked_before = [a for a in before if marks[id(a)] in ("", "genitive") and a is not roles.actor2
                           and len(view.words_before(men.nstart, SUBJECT_WINDOW + 1, a.nend)) <= SUBJECT_WINDOW
                           and not (men.trigger.pos == "v" and _comma_between(view, a.nend, men.nstart))]
        unmarked_after = [a for a in after if marks[id(a)] == "" and a is not roles.actor2]
        if gen:
            roles.actor1 = gen[0]
        elif men.trigger.pos == "v" and unmarked_after and (
                not unmarked_before or unmarked_after[0].nstart - men.nend < men.nstart - unmarked_before[-1].nend):
            roles.actor1 = unmarked_after[0]
        elif unmarked_before and not passive and men.trigger.pos == "n" and _counted_dead(view, unmarked_before[-1]):
            if roles.actor2 is None:  # «استشهاد 4 عناصر من شرطة درعا … بكمين»: the counted dead, not the doers
                roles.actor2 = unmarked_before[-1]
        elif unmarked_before and not passive:
            roles.actor1 = unmarked_before[-1]
        elif unmarked_after and men.trigger.pos == "v":
            roles.actor1 = unmarked_after[0]
    if roles.actor2 is None and roles.actor1 is not None and roles.actor1.nstart >= men.nend:
        # «قتل ثلاثة عناصر من قسد بقصف لقوات النظام»: the actor before a trigger whose agent follows it
        att = attribution(view, men.sentence, men.nstart)
        prior = [a for a in before if marks[id(a)] in ("", "patient") and not _same(a, roles.actor1)
                 and not (att is not None and att[0] <= a.nstart and a.nend <= att[1])]  # not the announcer
        if prior:
            roles.actor2 = prior[-1]
    if roles.actor2 is None:
        rest = [a for a in after if a is not roles.actor1 and marks[id(a)] in ("", "genitive")
                and (roles.actor1 is None or not _same(a, roles.actor1))]
        if rest and (roles.actor1 is not None or men.trigger.pos == "n"):
            roles.actor2 = rest[0]
    return _finish(roles, cands, marks)


def anaphor(view: DocView, men: Mention, taken: Located | None) -> tuple[Located, tuple[int, int]] | None:
    """A generic target («في صفوف الميليشيا», «مواقع التنظيم») resolved to the last actor with that head.

    Returns the antecedent actor and the normalized range of the generic word in the segment.
    """
    heads = vocab().context["anaphor_heads"]
    ctx = vocab().context
    i = view.token_at(men.seg_start)
    while i < len(view.tokens) and view.tokens[i].nend <= men.seg_end:
        t = view.tokens[i]
        k = t.key
        stem = k[2:] if k.startswith("ال") else (k[3:] if k.startswith(("لل", "وال", "بال")) else k)
        if stem in heads or k in heads:
            prev = view.tokens[i - 1].key if i > 0 else ""
            if (prev in ctx["patient"] or prev in ("صفوف",)) and not (men.nstart <= t.nstart < men.nend):
                for a in reversed(view.actors):
                    if a.nend > t.nstart or (taken is not None and _same(a, taken)):
                        continue
                    mention = view.key[a.nstart:a.nend]
                    if stem[:5] in mention or stem[:4] in mention:
                        return a, (t.nstart, t.nend)
        i += 1
    return None


#: how far (tokens) a relative verb («الذي نفذه», «أطلقته») may stand from the trigger or weapon it refers to
RELATIVE_WINDOW = 8


def _relative_of_trigger(view: DocView, men: Mention, a: Located) -> bool:
    """An agent marked by a verb with an object pronoun («صاروخ أطلقته قوات النظام», «الهجوم الذي نفذه
    التنظيم») is the trigger's agent only when the pronoun refers to the trigger or its weapon, i.e. the verb
    follows them closely; «منصات صواريخ نصبها المتمردون» names who set up the launchers, not who struck."""
    w = view.words_before(a.nstart - len(view.clitic_prefix(a.nstart)), 1)
    if not w or w[0].lstrip("و") not in _relative_agent_keys():
        return True  # another agent marker («من قبل», «برصاص»)
    ti = view.token_containing(a.nstart) - 1  # the relative verb
    ends = [men.nend] + ([men.weapon[1]] if men.weapon is not None else [])
    for e in ends:
        tj = view.token_containing(max(e - 1, 0))
        if e <= view.tokens[ti].nstart and 0 <= ti - tj <= RELATIVE_WINDOW:
            return True
    return False


@lru_cache(maxsize=1)
def _relative_agent_keys() -> frozenset[str]:
    """The agent markers that are verbs with an object pronoun (they end in «ه» / «ها»)."""
    return frozenset(k for k in vocab().context["agent"] if " " not in k and k.endswith(("ه", "ها"))
                     and not k.startswith("ب"))


#: sub-types where the side that holds ground is a party (the territory changes hands)
_TERRITORY_SUBS = frozenset({"Government regains territory", "Non-state actor overtakes territory",
                             "Non-violent transfer of territory"})
_CONTROL_VERBS = frozenset({"يسيطر", "تسيطر", "سيطر", "سيطرت"})
_CONTROL_OBJECTS = frozenset({"عليها", "عليه", "عليهما", "عليهم"})


#: words that open the charge or pretext of an arrest («بحجة التواصل مع خلايا داعش»): who is named there is
#: no party to the event (folded)
_PRETEXT = frozenset({"بحجه", "بتهمه", "بتهم", "للاشتباه", "بذريعه", "بدعوي"})


#: nouns for a news source («مصدر في شرطة حمص», «مصادر من الفصائل») (folded)
_SOURCE_NOUNS = frozenset({"مصدر", "مصادر", "مسؤول", "مسؤولون", "مسوول", "مسوولون", "ناطق", "متحدث"})


def _source_affiliation(view: DocView, a: Located) -> bool:
    """«قال مصدر في شرطة حمص إن …»: the body a source speaks from is no party to what it tells."""
    w = view.words_before(a.nstart - len(view.clitic_prefix(a.nstart)), 3)
    for i in range(len(w) - 1):
        if w[i].lstrip("و") in _SOURCE_NOUNS and w[i + 1] in ("في", "من", "باسم"):
            return True
    return False


def _no_party(view: DocView, a: Located, territory: bool) -> bool:
    """Whether the words before an actor mention make it no party to an event of the segment: it controls the
    place (unless the event is about territory, see :func:`_controller`), it is a pretext (:func:`_pretext`),
    the body a source speaks from (:func:`_source_affiliation`) or civilians who report it (:func:`_civilian_speaker`).
    Read once per mention and document."""
    memo: dict[int, tuple[bool, bool]] = view.cache.setdefault("no_party", {})  # type: ignore[assignment]
    got = memo.get(id(a))
    if got is None:
        got = memo[id(a)] = (_controller(view, a), _pretext(view, a) or _source_affiliation(view, a)
                                  or _civilian_speaker(view, a))
    return (got[0] and not territory) or got[1]


def _civilian_speaker(view: DocView, a: Located) -> bool:
    """«وقال ناشطون إن الغارة …», «أفاد سكان بأن …»: people who report what they saw are its source, not a party."""
    if actor_of(a).category != 7:
        return False
    before = view.words_before(a.nstart - len(view.clitic_prefix(a.nstart)), 1)
    v = vocab()
    if not before or before[0].lstrip("وف") not in v.speech_verbs:
        return False
    return any(w in v.complementizers for w in view.words_after(a.nend, 3))


def _pretext(view: DocView, a: Located) -> bool:
    return any(w in _PRETEXT for w in view.words_before(a.nstart - len(view.clitic_prefix(a.nstart)), 4))


def _appositions(view: DocView, cands: list[Located]) -> list[Located]:
    """«قوات الأمن الداخلي (الأسايش)»: a name in brackets right after an actor names the same side; the
    bracketed, more specific one stands for both."""
    out: list[Located] = []
    for a in cands:
        if out and 0 < a.nstart - out[-1].nend <= 12:
            gap = view.key[out[-1].nend:a.nstart]
            if "(" in gap and len(view.words_before(a.nstart, 4, out[-1].nend)) <= 3:
                out[-1] = a
                continue
        out.append(a)
    return out


def _controller(view: DocView, a: Located) -> bool:
    """«قرية يسيطر عليها تنظيم داعش», «مناطق خاضعة لسيطرة قسد»: the actor that holds the place
    where something happened describes the place; it is no party to the event."""
    w = view.words_before(a.nstart - len(view.clitic_prefix(a.nstart)), 2)
    if not w:
        return False
    last, prev = w[-1], (w[-2] if len(w) > 1 else "")
    return (last in _CONTROL_OBJECTS and prev in _CONTROL_VERBS) or last in ("لسيطره", "لسيطرة") or (
        last == "سيطره" and prev in ("تحت", "الخاضعه", "الخاضع", "خاضعه"))


#: «من جهة»: closes the first side of a «بين … من جهة … من جهة أخرى» pair (folded)
_OTHER_SIDE = "من جهه"


def _comma_between(view: DocView, a: int, b: int) -> bool:
    """«… والأجهزة الأمنية التابعة له من دخول المنطقة، كما منعت …»: a comma ends the clause, so an actor
    before it is not the subject of a verb after it."""
    return any(w in (",", "،", ";", ":") for w in view.words_before(b, SUBJECT_WINDOW + 1, a))


#: death nouns whose counted complement is the dead («مقتل 4 عناصر», «استشهاد ثلاثة جنود») (folded)
_DEATH_NOUNS = frozenset({"مقتل", "استشهاد", "مصرع", "اصابه", "وفاه", "قتل"})


def _counted_dead(view: DocView, x: Located) -> bool:
    """The actor right after a death noun and a figure: «استشهاد 4 عناصر من شرطة درعا»."""
    ti = view.token_at(x.nstart - len(view.clitic_prefix(x.nstart)))
    if ti < 2:
        return False
    num, noun = view.tokens[ti - 1], view.tokens[ti - 2]
    if noun.key.lstrip("و") not in _DEATH_NOUNS:
        return False
    return num.key.isdigit() or any(n.nstart == num.nstart and n.payloads[0].family in ("number", "dual")
                                    for n in number_cues(view))


@lru_cache(maxsize=1)
def _person_titles() -> frozenset[str]:
    """Folded one-word titles and roles that open a person («القيادي», «الضابط», «العميد»), as the actors stage
    loaded them (``actors/titles.json``)."""
    from marsad.stages.actors import get_resources

    res = get_resources()
    return frozenset(w for w in res.titles | res.role_titles if " " not in w)


def _titled_victim(view: DocView, a: int, b: int) -> bool:
    """«قتل القيادي في داعش …»: the word right after a kill verb is a person's title (the one killed)."""
    w = view.words_after(a, 1, b + 1)
    return bool(w) and w[0] in _person_titles()


def _counted(view: DocView, a: int, b: int) -> bool:
    """Whether a figure («أربعة», «5», «عشرات») stands in the normalized range [a, b)."""
    if any(a <= n.nstart < b and n.payloads[0].family in ("number", "vague", "dual") for n in number_cues(view)):
        return True
    return any(w.isdigit() for w in view.words_before(b, 3, a))


#: verbs whose subject suffers the event («أصيب», «استشهد»)
_PASSIVE_VERBS = frozenset({"اصيب", "اصيبت", "اصيبوا", "استشهد", "استشهدت", "استشهدوا", "ارتقي", "ارتقت", "جرح",
                            "جرحت", "اختطف", "اختطفت", "اعتقل", "اعتقلت", "قضي", "لقي", "لقيت", "لقوا"})
_PRONOUN_COMPLEMENTS = frozenset({"انها", "انه", "انهم", "انهما", "بانها", "بانه", "بانهم", "وانها", "وانه"})
#: heads of actor phrases that name a site («القاعدة الأميركية», «مقر …»): a target, never the attacker
_SITE_HEADS = ("قاعده", "القاعده", "مقر", "المقر", "مطار", "المطار", "حاجز", "الحاجز", "مواقع", "موقع", "نقطه", "معسكر",
               "دوريه", "الدوريه", "رتل", "الرتل", "موكب", "الموكب", "حافله", "الحافله", "اليه", "الاليه")


#: verbal nouns whose complement is the one acted upon («استهداف القوات», «اغتيال القيادي»)
_OBJECT_NOUNS = ("استهداف", "اغتيال", "اعتقال", "اختطاف", "خطف", "قتل", "مقتل", "تفجير", "اعدام", "توقيف",
                 "تحرير", "استعاده", "السيطره", "اقتحام", "حصار")


#: verbal nouns whose object is ground (a town, a camp, a base): armed forces as complement are the doers
_GROUND_NOUNS = ("اقتحام", "السيطره", "سيطره", "حصار", "استعاده", "اجتياح", "توغل")
#: heads of an air force («طيران التحالف», «سلاح الجو»): as the complement of «استهداف» it is the doer
_AIR_FORCE = ("طيران", "الطيران", "سلاح الجو", "مقاتلات", "المقاتلات")
#: actor categories that take ground (state forces, rebels, militias, external forces)
_ARMED_CATEGORIES = frozenset({1, 2, 3, 4, 8})


def _verbal_noun(view: DocView, men: Mention) -> str:
    k = view.key[men.nstart:men.nend]
    for p in ("وبال", "بال", "وال", "فال", "لل", "ال", "و", "ب", "ل", "ف"):
        if k.startswith(p) and len(k) - len(p) >= 3:
            return k[len(p):]
    return k


def _ground_noun(view: DocView, men: Mention) -> bool:
    return _verbal_noun(view, men).startswith(_GROUND_NOUNS)


def _object_noun(view: DocView, men: Mention) -> bool:
    return _verbal_noun(view, men).startswith(_OBJECT_NOUNS)


def _genitive_agent(view: DocView, men: Mention, a: Located) -> bool:
    """«غارات لطيران التحالف», «بقصف لقوات النظام»: «لـ» right after a weapon or attack noun names the
    attacker; after «استهداف» (or across a comma) it names the target («استهداف … لقوات تابعة …»)."""
    if view.key[men.nstart:men.nend].lstrip("وبلف").startswith(("استهداف", "الاستهداف")):
        return False
    between = view.words_before(a.nstart - len(view.clitic_prefix(a.nstart)), 3, men.nend)
    return len(between) <= 1 and not any(w in (",", ";", ":", ".") for w in between)


def _in_modal_phrase(view: DocView, a: Located) -> bool:
    """«تهديدات إيران وحزب الله»: an actor named inside a threat, demand or condemnation is no participant.

    Found once per actor and document (cached in the view)."""
    cues = view.cache.get("modality")
    if not cues:
        return False
    memo: dict[int, bool] = view.cache.setdefault("in_modal", {})  # type: ignore[assignment]
    hit = memo.get(id(a))
    if hit is None:
        hit = memo[id(a)] = any(
            c.payloads[0].family in ("threat", "demand", "condemnation") and c.nend <= a.nstart
            and len(view.words_before(a.nstart, 4, c.nend)) <= 2 for c in cues)  # type: ignore[union-attr]
    return hit


def _pronoun_subject(view: DocView, men: Mention) -> bool:
    k = view.key[men.nstart:men.nend]
    if k.endswith("وا") or k.endswith("وا "):
        return True
    prev = view.words_before(men.nstart - len(view.clitic_prefix(men.nstart)), 1)
    return bool(prev) and prev[0] in _PRONOUN_COMPLEMENTS


def is_site(view: DocView, a: Located) -> bool:
    """The actor mention names a site («القاعدة الأميركية», «مقر …», «حاجز …»): a target, never the attacker."""
    return view.key[a.nstart:a.nend].startswith(_SITE_HEADS)


def _finish(roles: Roles, cands: list[Located], marks: dict[int, str] | None = None) -> Roles:
    a1, a2 = roles.actor1, roles.actor2
    if a1 is not None and a2 is not None and _same(a1, a2):
        roles.actor2 = None
    a1, a2 = roles.actor1, roles.actor2
    if a1 is not None and (actor_of(a1).category == 7) and (a2 is None or actor_of(a2).category != 7):
        if a2 is not None and marks is not None and marks.get(id(a2)) == "patient":
            roles.actor1 = None  # «منعت الأهالي … عناصر النظام»: civilians act on nobody; the marked target stays
        else:
            roles.actor1, roles.actor2 = a2, a1

    for a in cands:
        if a is roles.actor1 or a is roles.actor2:
            continue
        if roles.actor1 is not None and a.nstart >= roles.actor1.nend and a.nstart - roles.actor1.nend <= 3 \
                and not _same(a, roles.actor1):
            roles.assoc1.append(a)
        elif roles.actor2 is not None and a.nstart >= roles.actor2.nend and a.nstart - roles.actor2.nend <= 3 \
                and not _same(a, roles.actor2):
            roles.assoc2.append(a)
    return roles
