"""Event extraction for one document: mentions → drafts (with arguments) → deduplicated events.

This is the whole event logic behind the ``events`` stage:

1. :func:`marsad.events.detect.find_mentions` finds and classifies triggers;
2. mentions under a suppressing modality (negation, threat, demand,
   condemnation, trend, hypothesis, statement) are dropped;
3. each remaining mention gets its actors, its place(s) — one draft per place
   when a trigger lists several towns —, its date, casualties and attribution;
4. :func:`marsad.events.dedup.deduplicate` merges mentions of one incident;
5. each event gets its fatalities (lowest of conflicting figures), background
   flag (dated more than 30 days before publication), notes and confidence.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from marsad.events.arguments import Roles, actor_of, anaphor, assign_roles, is_site
from marsad.events.attribution import attribution
from marsad.events.casualties import casualties, number_cues
from marsad.events.dedup import Draft, deduplicate
from marsad.events.detect import ATTACK_REFERENCES, Mention, back_reference, find_mentions
from marsad.events.modality import FLAG, FOILED, REFERENCE, SOFT, SUPPRESS
from marsad.events.notes import confidence_for, notes_for
from marsad.events.view import DocView, Located, place_of
from marsad.events.vocab import vocab
from marsad.model import SUB_TO_TYPE, Actor, DateMention, Document, Event, Evidence, Place
from marsad.stages.time import YEAR, days_back, event_date, recalled
from marsad.text import Token, fold

#: events dated more than this many days before publication are background
BACKGROUND_DAYS = 30
#: least specificity (see :func:`specificity`) for a strong trigger, and for a weak or generic one
MIN_SPECIFIC = 2
MIN_SPECIFIC_WEAK = 2
#: demonstrations are named in passing far more often than violence: one more point of specificity
DEMONSTRATION_EXTRA = 1
#: a death toll this high is a campaign's running count, not one incident
CUMULATIVE_TOLL = 500
#: words that may stand between the places of one list («في البصيرة وبلدات الصبحة وبريهة»)
_LIST_GAP = 4


@lru_cache(maxsize=1)
def _geo_locator() -> Callable[..., Place | None] | None:
    """The geo stage's ``event_location`` when that stage is installed."""
    try:
        from marsad.stages.geo import event_location
    except ImportError:
        return None
    return event_location


def extract_events(doc: Document, *, require_location: bool = False) -> list[Event]:
    """All events of a document (background ones flagged, not removed)."""
    view = DocView.of(doc)
    drafts: list[Draft] = []
    mentions = find_mentions(view)
    told: set[str] = set()  # the trigger words told so far
    for men in mentions:
        if men.modality in SUPPRESS and men.modality not in SOFT and men.modality != REFERENCE:
            continue
        if men.modality == FOILED and men.event_type != "Strategic developments":
            continue
        word = view.key[men.nstart:men.nend]
        drafts.extend(_drafts(view, men, again=word in told))
        told.add(word)
    drafts = _fold_back_references(drafts)
    claims = _claims(view, mentions) if any(d.event.event_type in CLAIMABLE for d in drafts) else []
    _claimed_attackers(view, drafts, claims, direct_only=True)  # before dedup: the claimed telling joins the rest
    merged = deduplicate(drafts)
    _carry_attackers(merged)
    _claimed_attackers(view, merged, claims)
    events = []
    for d in merged:
        ev = _finish(d)
        if require_location and ev.location is None:
            continue
        events.append(ev)
    for i, ev in enumerate(events):
        ev.id = f"{doc.id}#{i + 1}"
    return events


# --------------------------------------------------------------------------- drafts


def _drafts(view: DocView, men: Mention, *, again: bool = False) -> list[Draft]:
    """The drafts of one trigger mention (``again``: its word was told before in the document)."""
    doc = view.doc
    roles = assign_roles(view, men)
    sub = _adjust_sub(men, roles, view)
    if SUB_TO_TYPE[sub] in ("Protests", "Riots") and roles.actor2 is not None \
            and actor_of(roles.actor2).category in (5, 6) \
            and (roles.actor1 is None or actor_of(roles.actor1).category not in (5, 6)):
        # the demonstrators act; the force that meets them is actor2 («مواجهات بين الشرطة ومتظاهرين»)
        roles.actor1, roles.actor2 = roles.actor2, roles.actor1
        roles.assoc1, roles.assoc2 = roles.assoc2, roles.assoc1
    places, found = _places(view, men)
    backref = back_reference(view, men)
    if men.modality == REFERENCE and found != "segment":
        return []
    fold_only = False  # a back-reference that stands only as the dead of the incident before it
    if again and found != "segment" and men.event_type in VIOLENT and men.trigger.pos == "n" \
            and view.clitic_prefix(men.nstart).endswith("ال"):
        # «مجزرة اقترفتها قوات الاحتلال في … خلال مواجهات على المجزرة», «… وأضاف أن الغارة أدت إلى مقتل …»:
        # the word told again with the article and without a place of its own is the incident told before
        backref = fold_only = True
    if found in ("article", "") and not men.strong and not _told_by_verb(men, roles) \
            and not _told_in_lead(view, men, roles) and not _told_toll(view, men):
        if not backref:
            return []  # a weak or generic trigger with no place of its own is talk, not an incident
        fold_only = True
    if found and all(p.feature == "country" for p in places) and not men.strong \
            and not (men.told and men.event_type in ("Protests", "Riots")) and not _told_by_verb(men, roles):
        # a country is no place of its own for a weak trigger, unless the crowd is told acting («خرج آلاف
        # المتظاهرين في 50 مدينة») or the verb names its doer («خطف المسلحون 14 شخصاً», as with no place)
        return []
    if _unsent_movement(view, men):
        return []  # reinforcements or a convoy named as a target or an escort, not sent anywhere
    seg_o = view.original(men.seg_start, men.seg_end)
    anchor_o = view.original(men.nstart, men.nend)[0]
    dm = _event_date(view, men, seg_o, anchor_o)
    inherited = None if dm is not None else _paragraph_date(view, men)
    if dm is not None and dm.value is not None:
        when, prec, explicit = dm.value, dm.precision, True
    elif dm is not None:
        when, prec, explicit = None, None, True
    elif inherited is not None:
        when, prec, explicit = inherited.value, inherited.precision, False
    else:
        when, prec, explicit = doc.published, (1 if doc.published else None), False
    cas = casualties(view, men.seg_start, men.seg_end)
    if men.modality in SOFT and not (cas.killed and dm is not None):
        return []
    if _running_toll(view, men, cas.killed):
        return []  # «مقتل 2927 … جراء الغارات»: a running toll of a campaign, not one incident
    need = MIN_SPECIFIC if men.strong else MIN_SPECIFIC_WEAK
    if men.event_type in ("Protests", "Riots") and not men.told:
        need += DEMONSTRATION_EXTRA  # not needed when the crowd is told acting: that is no passing name
    if specificity(view, men, roles, found, places, cas.killed is not None or cas.injured is not None or cas.zero,
                   dm is not None) < need:
        if not backref:
            return []
        fold_only = True
    att = attribution(view, men.sentence, men.nstart)
    background = men.modality in FLAG or _is_background(view, men, when, explicit) or recalled(doc, dm, anchor_o) \
        or (doc.published is None and dm is not None and (back := days_back(dm)) is not None
            and back > BACKGROUND_DAYS)  # «نجا من هجوم قبل ثمانية أشهر» in an undated text

    ev_base: list[Evidence] = [view.evidence("trigger", men.nstart, men.nend)]
    a1 = a2 = None
    if roles.actor1 is not None:
        a1 = _actor(view, roles.actor1)
        ev_base.append(view.evidence("actor1", roles.actor1.nstart, roles.actor1.nend))
    if roles.actor2 is not None:
        a2 = _actor(view, roles.actor2)
        ev_base.append(view.evidence("actor2", roles.actor2.nstart, roles.actor2.nend))
    elif (ana := anaphor(view, men, roles.actor1)) is not None:
        ante, (na, nb) = ana
        a2 = _actor(view, ante)
        ev_base.append(view.evidence("actor2", na, nb))
        a2.mention, a2.start, a2.end = ev_base[-1].text, ev_base[-1].start, ev_base[-1].end
    elif (vic := _civilian_victims(view, men)) is not None:
        a2, (na, nb) = vic
        ev_base.append(view.evidence("actor2", na, nb))
        a2.mention, a2.start, a2.end = ev_base[-1].text, ev_base[-1].start, ev_base[-1].end
        if sub == "Armed clash" and not men.trigger.surface.startswith(MUTUAL):
            sub = "Attack"  # the dead are civilians: one side fired on them, no clash
    elif (own := _own_ranks(view, men, roles.actor1)) is not None:
        ante, (na, nb) = own
        a2 = _actor(view, ante)
        ev_base.append(view.evidence("actor2", na, nb))
        a2.mention, a2.start, a2.end = ev_base[-1].text, ev_base[-1].start, ev_base[-1].end
    if a1 is None and SUB_TO_TYPE[sub] in VIOLENT:
        found1 = _implied_attacker(view, men)
        if found1 is not None:
            a1, span = found1
            if span is not None:
                ev_base.append(view.evidence("actor1", *span))
                a1.mention, a1.start, a1.end = ev_base[-1].text, ev_base[-1].start, ev_base[-1].end
    if a1 is not None and a1.category in (1, 8) and sub == "Attack" and men.weapon is None \
            and men.trigger.surface.startswith(MASSACRE) and not _ground_force(a1):
        sub = "Air/drone strike"  # a state army's massacre with no weapon named: bombing from the air
    if dm is not None:
        ev_base.append(_orig_evidence(doc, "date", dm.start, dm.end))
    if cas.spans:
        a, b = cas.spans[0]
        ev_base.append(view.evidence("fatalities", a, b))
    att_text = None
    if att is not None:
        ev_base.append(view.evidence("attribution", *att))
        att_text = ev_base[-1].text

    specific = not men.trigger.generic or men.weapon is not None or sub != men.trigger.sub
    targets: list[tuple[Place | None, Evidence | None]] = [(None, None)]
    if places:
        targets = [(p, _orig_evidence(doc, "location", p.start, p.end) if p.start is not None else None)
                   for p in places]
    n = len(targets)
    drafts = []
    for i, (place, loc_ev) in enumerate(targets):
        ev = Event(
            doc_id=doc.id, event_type=SUB_TO_TYPE[sub], sub_event_type=sub, date=when, time_precision=prec,
            actor1=a1, actor2=a2, assoc_actor1=[_actor(view, x) for x in roles.assoc1],
            assoc_actor2=[_actor(view, x) for x in roles.assoc2], location=place,
            source=doc.outlet, attribution=att_text, background=background,
            evidence=list(ev_base) + ([loc_ev] if loc_ev else []),
        )
        killed = [] if cas.killed is None else [_split(cas.killed, n, i)]
        told, vague = ([], killed) if cas.vague else (killed, [])
        drafts.append(Draft(ev, men.sentence, men.strong, specific, explicit, told,
                            [] if cas.injured is None else [_split(cas.injured, n, i)], cas.zero, 1, n > 1,
                            vague_killed=vague, backref=2 if fold_only else int(backref)))
    return drafts


def _unsent_movement(view: DocView, men: Mention) -> bool:
    """A reinforcement or convoy noun makes an event only when a sending or arrival verb governs it
    («دفعت قوات النظام بتعزيزات», «وصول رتل»), not a habit («يقوم … باستقدام»)."""
    ctx = vocab().context
    k = view.key[men.nstart:men.nend].split(" ")[0].lstrip("وبل")
    if k not in ctx.get("movement_nouns", ()):
        return False
    words = [w.lstrip("وف") for w in view.words_before(men.nstart - len(view.clitic_prefix(men.nstart)), 4,
                                                        men.seg_start)]
    verbs = ctx["movement_verbs"]
    sent = any(w in verbs or (w.startswith("ب") and w[1:] in verbs) for w in words)
    habit = any(w in ("يقوم", "تقوم") for w in words)
    return not sent or habit


def _running_toll(view: DocView, men: Mention, killed: int | None) -> bool:
    """A death toll of the trigger's sentence too high for one incident."""
    if killed is None and view.sentences:
        sa, sb = view.sentences[men.sentence]
        if (sa, sb) != (men.seg_start, men.seg_end):
            killed = casualties(view, sa, sb).killed
    return killed is not None and killed >= CUMULATIVE_TOLL


def _told_by_verb(men: Mention, roles: Roles) -> bool:
    """«خطف مسلحون أربعة مهندسين»: a verb trigger with its doer named tells an incident even without a place."""
    return men.trigger.pos == "v" and not men.trigger.generic and roles.actor1 is not None


def _told_toll(view: DocView, men: Mention) -> bool:
    """«عملية التفجير أسفرت عن سقوط 12 قتيلاً»: a noun trigger whose outcome verb follows it at once and
    leads to a number of dead tells an incident even without a place."""
    if men.trigger.pos != "n":
        return False
    after = [w.lstrip("وف") for w in view.words_after(men.nend, 2, men.seg_end)]
    if not any(w in vocab().context["outcome"] for w in after):
        return False
    cas = casualties(view, men.seg_start, men.seg_end)
    return bool(cas.killed) and not cas.vague


def _told_in_lead(view: DocView, men: Mention, roles: Roles) -> bool:
    """«خطف موظف بريطاني … أمس»: in the first sentence of a document (not a back-reference to an incident
    told before), a trigger with a participant and a day of its own tells an incident even without a place."""
    if (view.sentences and men.sentence > 0) or (roles.actor1 is None and roles.actor2 is None):
        return False
    seg_o = view.original(men.seg_start, men.seg_end)
    dm = _event_date(view, men, seg_o, view.original(men.nstart, men.nend)[0])
    return dm is not None and dm.precision == 1


def specificity(view: DocView, men: Mention, roles: Roles, found: str, places: list[Place], casualty: bool,
                dated: bool) -> int:
    """How much a mention looks like a told incident rather than a topic («حوادث القتل والخطف»).

    One point each: a place of its own (finer than a country), an actor, a casualty figure, a date
    in its sentence, a verb trigger, an occurrence verb («وقع», «شن», «أسفر») near the trigger.
    One point off for a definite noun trigger without figure or date («الاغتيال», «الخطف»), and
    one for a trigger listed with other violence nouns («القتل والخطف»).
    """
    score = 0
    if found in ("segment", "sentence") and any(p.feature != "country" for p in places):
        score += 1
    if roles.actor1 is not None or roles.actor2 is not None:
        score += 1
    if casualty:
        score += 1
    if dated:
        score += 1
    if men.trigger.pos == "v":
        score += 1
    occ = vocab().context["occurrence"]
    ti = view.token_containing(men.nstart)
    lo, hi = max(0, ti - OCCURRENCE_WINDOW), min(len(view.tokens), ti + OCCURRENCE_WINDOW + 1)
    for t in view.tokens[lo:hi]:
        if men.seg_start <= t.nstart < men.seg_end and (t.key in occ or (t.key[:1] in "وف" and t.key[1:] in occ)):
            score += 1
            break
    if men.trigger.pos == "n" and not casualty and not dated and view.clitic_prefix(men.nstart).endswith("ال"):
        score -= 1
    if _listed_with_crimes(view, men):
        score -= 1
    if _topic_head(view, men):
        score -= 2
    if men.event_type in ("Protests", "Riots") and _crowd_counted(view, men):
        score += 1
    return score + men.told


#: tokens around a demonstration trigger where a crowd count counts
CROWD_WINDOW = 6


def _crowd_counted(view: DocView, men: Mention) -> bool:
    """«خرج آلاف المتظاهرين», «تجمع نحو 40 متظاهرا», «مئات من الطلاب»: the crowd of a demonstration counted."""
    sizes = vocab().context["crowd_size"]
    ti = view.token_containing(men.nstart)
    lo, hi = max(0, ti - CROWD_WINDOW), min(len(view.tokens), ti + CROWD_WINDOW + 1)
    toks = view.tokens
    for i in range(lo, hi):
        t = toks[i]
        if not (men.seg_start <= t.nstart < men.seg_end):
            continue
        k = t.key
        if k in sizes or (k[:1] in "وب" and k[1:] in sizes):
            return True
        if k.isdigit() and i + 1 < len(toks) and toks[i + 1].key in vocab().context["crowd"]:
            return True
    return False


_PROCLITICS = ("", "و", "ف", "ب", "ل", "وب", "ال", "وال", "بال", "لل", "ول", "فال")


def _topic_head(view: DocView, men: Mention) -> bool:
    """«جريمة اغتيال», «بتهمة الخطف», «ذكرى اغتيال», «التحقيق في اغتيال»: a noun trigger as a case talked about."""
    if men.trigger.pos != "n":
        return False
    heads = vocab().context["topic_heads"]
    floor = view.sentences[men.sentence][0] if view.sentences else 0
    before = view.words_before(men.nstart - len(view.clitic_prefix(men.nstart)), 2, floor)
    if not before:
        return False
    if len(before) == 2 and " ".join(before) in heads:
        return True
    w = before[-1]
    return any(w.startswith(p) and w[len(p):] in heads for p in _PROCLITICS)


#: tokens around a trigger where an occurrence verb counts
OCCURRENCE_WINDOW = 6


def _listed_with_crimes(view: DocView, men: Mention) -> bool:
    """«عمليات الخطف والقتل», «القتل والاغتيال والاعتداء»: a trigger in a list of violence nouns."""
    crimes = vocab().context["crime_nouns"]
    ti = view.token_containing(men.nstart)
    tj = view.token_containing(max(men.nstart, men.nend - 1))
    around = []
    if ti > 0:
        around.append(view.tokens[ti - 1].key)
    if tj + 1 < len(view.tokens):
        around.append(view.tokens[tj + 1].key)
    for k in around:
        for p in ("و", "وال", "ال", ""):
            if k.startswith(p) and k[len(p):] in crimes:
                return True
    return False


#: clash triggers that name two fighting sides (never an attack on civilians)
MUTUAL = ("اشتباك", "اشتبك", "معارك", "معركة", "مواجهات", "مواجهة", "تبادل")
#: the two territory sub-types, decided by the category of the side that takes the ground
TERRITORY = frozenset({"Government regains territory", "Non-state actor overtakes territory"})
#: attacks from a distance (aircraft, artillery) and planted or carried bombs: the attacker of the first is no
#: guide to the second
STAND_OFF = frozenset({"Air/drone strike", "Shelling/artillery/missile attack"})
PLANTED = frozenset({"Remote explosive/landmine/IED", "Suicide bomb", "Grenade"})
#: sub-types whose unnamed attacker is usually a state's air force, not an unidentified group
UNNAMED_IS_STATE = frozenset({"Air/drone strike"})
#: event types whose unnamed attacker is the "Unidentified Armed Group"
VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})


@lru_cache(maxsize=1)
def _resolver() -> Callable[[str], Actor | None] | None:
    """The actor resolver for short phrases, memoized per phrase (the same few phrases recur in
    every article). The Actor it returns is shared: callers copy it (``replace``) before use."""
    try:
        from marsad.stages.actors import resolve_actor_text
    except ImportError:
        return None

    @lru_cache(maxsize=8192)
    def resolve(text: str) -> Actor | None:
        return resolve_actor_text(text)

    return resolve


def _implied_attacker(view: DocView, men: Mention) -> tuple[Actor, tuple[int, int] | None] | None:
    """No named attacker: a weapon with a nationality («مسيرة تركية») gives that state's forces;
    otherwise the attacker is the "Unidentified Armed Group" (codebook § 3)."""
    resolve = _resolver()
    if resolve is None:
        return None
    for lo, hi in ((men.weapon or (men.nstart, men.nend)), (men.nstart, men.nend)):
        for n in view.norps:
            if n.nstart >= hi and len(view.words_before(n.nstart, 4, hi)) <= 1 and n.nend <= men.seg_end:
                a = resolve(view.key[lo:n.nend])
                if a is not None:
                    return replace(a), (lo, n.nend)
    return None


def _civilian_victims(view: DocView, men: Mention) -> tuple[Actor, tuple[int, int]] | None:
    """«مقتل 3 مدنيين», «أصيب مواطن»: the people a casualty word counts, when they are civilians."""
    resolve = _resolver()
    if resolve is None:
        return None
    numeric = {n.nstart for n in number_cues(view) if n.payloads[0].family in ("number", "vague", "hedge")}
    nationals = _national_forms()
    toks = view.tokens

    def counted(k: int) -> bool:
        return k >= 0 and (toks[k].key.isdigit() or toks[k].nstart in numeric)

    for c in view.cache.get("cas", []):  # type: ignore[union-attr]
        if c.nstart < men.seg_start or c.nend > men.seg_end or c.payloads[0].family not in ("killed", "injured"):
            continue
        i = view.token_at(c.nend)
        for k in range(i, min(i + 4, len(toks))):
            t = toks[k]
            if t.nstart >= men.seg_end or t.key in (",", "."):
                break
            if t.key.isdigit() or t.nstart in numeric or t.key in ("من", "نحو", "حوالي", "عن", "ما", "لا", "يقل"):
                continue
            a = resolve(view.key[t.nstart:t.nend])
            if a is not None and a.category == 7:
                return replace(a), (t.nstart, t.nend)
            if t.key in _ANOTHER and (prior := _civilians_before(view, t.nstart, men)) is not None:
                return replace(prior), (t.nstart, t.nend)  # «أصيب طفل في انفجار … فيما أصيب آخر بطلق ناري»
            if t.key in nationals and counted(k - 1) and (a := _state_actor(CIVILIANS_WORD, nationals[t.key])) is not None:
                return replace(a), (t.nstart, t.nend)  # «مقتل 5 فلسطينيين»: people counted by nationality
            break
        j = view.token_containing(c.nstart)
        if j >= 2 and toks[j - 1].key in nationals and counted(j - 2) and toks[j - 1].nstart >= men.seg_start \
                and (a := _state_actor(CIVILIANS_WORD, nationals[toks[j - 1].key])) is not None:
            return replace(a), (toks[j - 1].nstart, toks[j - 1].nend)  # «12 سوريا قتلوا في قصف …»
    return None


#: the word that names a country's police in the actor registry
POLICE_WORD = "الشرطة"


def _police_of(iso: str) -> Actor | None:
    """A fresh copy of a country's police forces («Police Forces of Turkey»), if the registry has them."""
    a = _state_actor(POLICE_WORD, iso)
    # not named in the text: no mention, no span
    return replace(a, mention=None, start=None, end=None) if a is not None and a.category == 1 else None


@lru_cache(maxsize=128)
def _state_actor(word: str, iso: str) -> Actor | None:
    """The registry actor a generic word names in a country («الشرطة» → Police Forces of Turkey, «مدنيين» →
    Civilians (Syria)), shared: callers copy it."""
    try:
        from marsad.stages.actors import resolve_actor_text
    except ImportError:
        return None
    return resolve_actor_text(word, country=iso)


#: «آخر», «آخرون»: one more of the people named before (folded)
_ANOTHER = frozenset({"اخر", "اخرون", "اخرين", "اخري", "اخران"})


def _civilians_before(view: DocView, npos: int, men: Mention) -> Actor | None:
    """The civilians named last before ``npos`` in the mention's sentence, if any."""
    sa = view.sentences[men.sentence][0] if view.sentences else 0
    for a in reversed(view.actors):
        if sa <= a.nstart and a.nend <= npos and actor_of(a).category == 7:
            return actor_of(a)
    return None


#: the word that names civilians in the actor registry
CIVILIANS_WORD = "مدنيين"
#: endings of a nationality adjective used as a noun for people («فلسطينيين», «سوريون», «12 سوريا»)
_NATIONAL_ENDINGS = ("ين", "ون", "ا")


@lru_cache(maxsize=1)
def _national_forms() -> dict[str, str]:
    """Folded nationality nouns for people → ISO country (the actors stage's nationalities: adjective + plural
    ending, irregular plurals)."""
    from marsad.stages.actors import get_resources

    out: dict[str, str] = {}
    for iso, c in get_resources().countries.items():
        out.update((fold(a) + e, iso) for a in c.get("adj", ()) for e in _NATIONAL_ENDINGS)
        out.update((fold(p), iso) for p in c.get("plural", ()))
    return out


#: «من جنوده», «عناصرها»: a side's own ranks, with a pronoun for the side (folded keys)
_OWN_RANKS = ("جنود", "عناصر", "افراد", "مقاتلي", "منتسبي", "ضباط")
_OWN_SUFFIXES = ("ه", "ها", "هم")
_OWN_FORMS = frozenset(r + x for r in _OWN_RANKS for x in _OWN_SUFFIXES)


def _own_ranks(view: DocView, men: Mention, actor1: Located | None) -> tuple[Located, tuple[int, int]] | None:
    """«قال الجيش التركي إن مسلحين قتلوا اثنين من جنوده»: the victims are the ranks of the armed side named
    before them in the sentence (the speaker), told with a pronoun."""
    sa = view.sentences[men.sentence][0] if view.sentences else 0
    i = view.token_at(men.seg_start)
    while i < len(view.tokens) and view.tokens[i].nend <= men.seg_end:
        t = view.tokens[i]
        k = t.key[1:] if t.key.startswith(("و", "ب", "ل")) and len(t.key) > 5 else t.key
        if k in _OWN_FORMS:
            for a in reversed(view.actors):
                if a.nend > t.nstart or a.nstart < sa:
                    continue
                if actor1 is not None and actor_of(a).id == actor_of(actor1).id:
                    continue
                if actor_of(a).category in (1, 2, 3, 4, 8):
                    return a, (t.nstart, t.nend)
            return None
        i += 1
    return None


def _unidentified() -> Actor | None:
    return _generic(UNIDENTIFIED)


#: words of a force that fights on the ground («قوات الاحتلال», «جنود …»): its massacre need not come from the air
_GROUND_WORDS = ("قوات", "جنود", "عناصر", "دبابات", "وحدات")


def _ground_force(a: Actor) -> bool:
    return bool(a.mention) and fold(a.mention).startswith(_GROUND_WORDS)


def _generic(text: str) -> Actor | None:
    """A fresh copy of the registry actor a generic phrase names («مسلحون مجهولون», «متظاهرون»)."""
    resolve = _resolver()
    a = resolve(text) if resolve is not None else None
    return replace(a) if a is not None else None


#: sub-types coded with one side only (ACLED codes no actor2 for them)
ONE_SIDED = frozenset({"Change to group/activity", "Non-violent transfer of territory"})
#: the actor of a demonstration whose crowd is not named: ACLED's "Protesters" / "Rioters"
CROWD_ACTORS = {"Protests": "متظاهرون", "Riots": "مثيرو الشغب"}


#: how the registry names an unnamed attacker
UNIDENTIFIED = "مسلحون مجهولون"


_COMPLEMENTIZERS = frozenset({"ان", "بان", "انه", "انها", "بانه", "بانها"})


def _event_date(view: DocView, men: Mention, seg_o: tuple[int, int], anchor_o: int) -> DateMention | None:
    """The event's date from its clause (:func:`marsad.stages.time.event_date`), skipping the date of a
    report that introduces it («أكد أوستن، اليوم الثلاثاء، أن الهجوم … يوم الإثنين»)."""
    doc = view.doc
    dm = event_date(doc, seg_o[0], seg_o[1], anchor_o)
    if dm is None or dm.end > anchor_o:
        return dm
    # a complementizer between the date and the trigger: the date belongs to the reporting verb
    a = view.nt.from_original(dm.end)
    words = view.words_before(men.nstart, 40, a)
    if not any(w in _COMPLEMENTIZERS or (w[:1] in "وف" and w[1:] in _COMPLEMENTIZERS) for w in words):
        return dm
    later = [d for d in doc.dates if d.precision <= 3 and d.start >= anchor_o
             and (s := doc.sentence_of(anchor_o)) is not None and d.end <= s.end]
    return later[0] if later else None


#: how many sentences back an undated event looks for the date of its paragraph
INHERIT_SENTENCES = 2


def _paragraph_date(view: DocView, men: Mention) -> DateMention | None:
    """The last date named in the two previous sentences («وفي 24 آذار … أعلن … . وقال …»)."""
    if not view.sentences:
        return None
    a, _ = view.sentences[men.sentence]
    for d in view.dates:
        # «وفي 25 آذار الحالي، أفادت مصادر … بسقوط صواريخ»: a date that opens the sentence frames all of it
        if a <= d.nstart and d.nend <= men.nstart and isinstance(d.obj, DateMention) \
                and d.obj.value is not None and d.obj.precision <= 2 \
                and all(w in _FRAME_WORDS for w in view.words_before(d.nstart, FRAME_SPAN, a)):
            return d.obj
    if men.sentence == 0:
        return None
    for si in range(men.sentence - 1, max(-1, men.sentence - 1 - INHERIT_SENTENCES), -1):
        a, b = view.sentences[si]
        found = [d.obj for d in view.dates if a <= d.nstart and d.nend <= b]
        usable = [d for d in found if isinstance(d, DateMention) and d.value is not None and d.precision <= 2]
        if usable:
            return usable[-1]
    return None


#: words that may stand before a date opening a sentence («وفي 25 آذار …», «ومساء أمس …», «وقبل ذلك، في الـ6
#: من الشهر نفسه، قالت مصادر إن …») (folded)
_FRAME_WORDS = frozenset({"و", "في", "وفي", "ف", "ثم", "منذ", "ومنذ", "قبل", "وقبل", "بعد", "وبعد", "ذلك", ","})
#: most words before a date that opens its sentence
FRAME_SPAN = 5


def _split(total: int, n: int, i: int) -> int:
    """One total for n places: split evenly, the remainder spread one each over the first places."""
    return total // n + (1 if i < total % n else 0)


def _orig_evidence(doc: Document, role: str, start: int, end: int) -> Evidence:
    return Evidence(role, start, end, doc.text[start:end])


def _actor(view: DocView, x: Located) -> Actor:
    a = actor_of(x)
    s, e = view.original(x.nstart, x.nend)
    return Actor(name=a.name, name_ar=a.name_ar, mention=view.doc.text[s:e], category=a.category, id=a.id,
                 country=a.country, registered=a.registered, start=s, end=e)


#: massacre nouns: an attack on civilians unless a weapon or the doer says how
MASSACRE = ("مجزرة", "مجازر")


#: verbs of confronting an attack, and the words of air defences that confront it in the air (folded)
_CONFRONT = ("تصدت", "تصدي", "تصدى")
_AIR_DEFENCE = ("الدفاعات الجويه", "الدفاع الجوي", "الدفاعات الارضيه", "المضادات الارضيه")


def _adjust_sub(men: Mention, roles: Roles, view: DocView) -> str:
    """Generic attacks: civilians as targets make an attack on civilians, armed targets a clash."""
    sub = men.sub
    victim = actor_of(roles.actor2).category if roles.actor2 is not None else None
    doer = actor_of(roles.actor1).category if roles.actor1 is not None else None
    if sub in TERRITORY and doer is not None:
        # who takes the ground decides: state forces regain it, anyone else overtakes it
        return "Government regains territory" if doer == 1 else "Non-state actor overtakes territory"
    if SUB_TO_TYPE[sub] == "Battles" and 6 in (victim, doer):
        return "Protest with intervention"
    if SUB_TO_TYPE[sub] == "Battles" and 5 in (victim, doer):
        return "Violent demonstration"
    surface = men.trigger.surface
    if sub == "Armed clash" and surface.startswith(_CONFRONT) and roles.actor1 is not None \
            and any(w in view.key[roles.actor1.nstart:roles.actor1.nend] for w in _AIR_DEFENCE):
        return "Disrupted weapons use"  # «الدفاعات الجوية … تصدت لأجسام معادية في أجواء المدينة»: an interception
    if sub == "Armed clash" and victim == 7 and not surface.startswith(MUTUAL):
        return "Attack"  # one side fires on civilians: an attack, not a clash
    if men.trigger.generic and men.weapon is None and sub == "Attack" and victim is not None and victim != 7 \
            and not surface.startswith(MASSACRE):
        return "Armed clash"
    return sub


def _is_background(view: DocView, men: Mention, when: date | None, explicit: bool) -> bool:
    """Dated more than 30 days before publication, or placed only in a past year («عام 2003»).

    Without a publication date, a year named alone in the clause (and no finer date) still marks
    a past incident told as background («في مظاهرات مايو 1945» has a month; «عام 2003» has not).
    """
    pub = view.doc.published
    if pub is not None and when is not None and when < pub - timedelta(days=BACKGROUND_DAYS):
        return True
    if explicit and when is not None:
        return False
    sa, sb = men.seg_start, men.seg_end
    for d in view.dates:
        dm = d.obj
        if d.nstart >= sa and d.nend <= sb and getattr(dm, "precision", 0) == YEAR and dm.value is not None \
                and (pub is None or dm.value.year < pub.year - (0 if pub.month > 1 else 1)):
            return True
    return False


# --------------------------------------------------------------------------- places


def _places(view: DocView, men: Mention) -> tuple[list[Place], str]:
    """The event's own place(s) and where they were found: "segment", "sentence", "article" or "".

    Within the segment: places after the trigger (nearest first), then before it (nearest first); a
    list of towns after the trigger gives one place each. A place only named as a bearing («شرقي دير
    الزور» after a town) or a whole country is used only when nothing finer is there. Then the rest
    of the sentence; then the geo stage's ``event_location`` (earlier sentences, the article's main place).
    """
    resolved = _resolved_places(view)
    sa, sb = view.sentences[men.sentence] if view.sentences else (0, len(view.key))
    for where, (lo, hi) in (("segment", (men.seg_start, men.seg_end)), ("sentence", (sa, sb))):
        seg = [p for p in resolved if p.nstart >= lo and p.nend <= hi]
        fine = [p for p in seg if place_of(p).modifier != "direction" and place_of(p).place.feature != "country"
                and not _origin(view, p) and not _in_actor(view, p)]
        pool = fine or [p for p in seg if not _origin(view, p) and not _in_actor(view, p)]
        after = [p for p in pool if p.nstart >= men.nend]
        listed = _place_list(view, after)
        if len(listed) > 1 and where == "segment":
            return [_with_offsets(view, p) for p in listed], where
        if after and (where == "segment" or not [p for p in pool if p.nend <= men.nstart]):
            return [_with_offsets(view, after[0])], where
        before = [p for p in pool if p.nend <= men.nstart]
        if before:
            return [_with_offsets(view, before[-1])], where
        if after:
            return [_with_offsets(view, after[0])], where
    locate = _geo_locator()
    if locate is None:
        return [], ""
    s, e = view.original(men.seg_start, men.seg_end)
    anchor = view.original(men.nstart, men.nend)[0]
    place = locate(view.doc, s, e, anchor)
    if place is None:
        return [], ""
    same = [p for p in resolved if _same_place_obj(place_of(p).place, place) and p.nend <= men.nstart]
    if same:
        return [_with_offsets(view, same[-1])], "article"
    return [place], "article"


#: words that introduce the quoted name of a campaign («معركة "طوفان الأقصى"», «عملية "نبع السلام"»)
_OPERATION_HEADS = frozenset({"معركه", "عمليه", "حمله", "معركة", "عملية", "حملة"})
_OPEN_QUOTES = frozenset({'"', "«", "“", "'"})


def _resolved_places(view: DocView) -> list[Located]:
    """The document's resolved places outside operation names, found once per document (cached in the view)."""
    resolved = view.cache.get("resolved_places")
    if resolved is None:
        resolved = view.cache["resolved_places"] = [
            p for p in view.places if place_of(p).place is not None and not _in_operation_name(view, p)]
    return resolved  # type: ignore[return-value]


def _in_operation_name(view: DocView, p: Located) -> bool:
    """A place word inside the quoted name of an operation («معركة "طوفان الأقصى"») is not where it happened."""
    prefix = view.clitic_prefix(p.nstart)
    prev = view.words_before(p.nstart - len(prefix), 3)
    for i, w in enumerate(prev):
        if w in _OPEN_QUOTES and i > 0 and prev[i - 1].lstrip("وب") in _OPERATION_HEADS:
            return True
    # a known campaign name written without quotes («معركة طوفان الأقصى», «عملية نبع السلام»)
    names = vocab().context.get("operation_names", frozenset())
    return any(" ".join([*prev[-k:], view.key[p.nstart:p.nend]]) in names for k in (1, 2) if len(prev) >= k)


#: most words between the start and the end of a route («من حمص إلى تدمر»)
ROUTE_WORDS = 4


def _origin(view: DocView, p: Located) -> bool:
    """«من حمص إلى تدمر»: the places an actor or a patrol came from and went to, not where it
    happened.

    Found once per place and document (cached in the view by the place's range)."""
    memo: dict[tuple[int, int], bool] = view.cache.setdefault("origin", {})  # type: ignore[assignment]
    hit = memo.get((p.nstart, p.nend))
    if hit is None:
        hit = memo[(p.nstart, p.nend)] = _origin_uncached(view, p)
    return hit


def _origin_uncached(view: DocView, p: Located) -> bool:
    prefix = view.clitic_prefix(p.nstart)
    prev2 = view.words_before(p.nstart - len(prefix), 2)
    if prev2 == ["من", "اتجاه"]:
        return True  # «لغارات قادمة من اتجاه الجولان»: where the attack came from
    prev = prev2[-1:]
    if prev and prev[0] in ("الي", "باتجاه", "نحو"):
        # the end of a route whose start was just named: «أثناء توجه الدورية من حمص إلى تدمر»
        return any(q.nend <= p.nstart and len(view.words_before(p.nstart, ROUTE_WORDS + 1, q.nend)) <= ROUTE_WORDS
                   and _origin(view, q) for q in view.places)
    if not prev or prev[0] not in ("من", "انطلاقا"):
        return False
    nxt = view.words_after(p.nend, 3)
    return any(w in ("الي", "باتجاه", "نحو") for w in nxt)


def _in_actor(view: DocView, p: Located) -> bool:
    """«عناصر من شرطة درعا»: a place inside an actor's name says whose forces, not where it happened (a
    site's name, «قاعدة حقل العمر الأميركية», does say where)."""
    inside = view.cache.get("places_in_actors")
    if inside is None:
        inside = view.cache["places_in_actors"] = _places_in_actors(view)
    return (p.nstart, p.nend) in inside  # type: ignore[operator]


def _places_in_actors(view: DocView) -> frozenset[tuple[int, int]]:
    """The ranges of the places that lie inside an actor mention other than a site's.

    An actor that holds a place starts at or before it and, being no longer than the longest actor mention,
    no earlier than that length before the place's end: actors are sorted by start, so two bisections find the
    few to test."""
    starts = [a.nstart for a in view.actors]
    longest = max((a.nend - a.nstart for a in view.actors), default=0)
    out: set[tuple[int, int]] = set()
    for q in view.places:
        for a in view.actors[bisect_left(starts, q.nend - longest):bisect_right(starts, q.nstart)]:
            if q.nend <= a.nend and not is_site(view, a):
                out.add((q.nstart, q.nend))
                break
    return frozenset(out)


def _same_place_obj(a: Place | None, b: Place) -> bool:
    return a is not None and ((a.id is not None and a.id == b.id) or (a.name == b.name and
                                                                        a.latitude == b.latitude))


def _with_offsets(view: DocView, x: Located) -> Place:
    pm = place_of(x)
    place = pm.place
    assert place is not None
    if place.start is None:
        s, e = view.original(x.nstart, x.nend)
        place = replace(place, start=s, end=e, mention=place.mention or pm.text)
    return place


def _place_list(view: DocView, after: list[Located]) -> list[Located]:
    """Consecutive towns joined by «و», commas and «بلدات/قرى …» («في البصيرة وبلدات الصبحة وبريهة»).

    A place named twice in a row («مناطق سيطرته في قريتي الزباري») counts once; one unknown
    «و…» word between two listed towns (a village the gazetteer lacks) does not end the list.
    """
    seq: list[Located] = []
    for p in after:
        if seq and _same_place_obj(place_of(seq[-1]).place, place_of(p).place):  # type: ignore[arg-type]
            seq[-1] = p
        else:
            seq.append(p)
    if not seq:
        return []
    gap_words = vocab().context["place_list"]
    out = [seq[0]]
    lead = view.words_before(seq[0].nstart - len(view.clitic_prefix(seq[0].nstart)), 2)
    if "بين" in lead or any(w.lstrip("و") in ("طريق", "الطريق") for w in lead):
        return out  # «على الطريق بين كركوك وتكريت»: one place on a route, not an event in each town
    for p in seq[1:]:
        prev = out[-1]
        prefix = view.clitic_prefix(p.nstart)
        words = view.words_before(p.nstart - len(prefix), _LIST_GAP + 1, prev.nend)
        unknown = [w for w in words if not (w in gap_words or w.lstrip("و") in gap_words)]
        if len(words) > _LIST_GAP or len(unknown) > 1 or any(not w.startswith("و") for w in unknown):
            break
        if not words and prefix not in ("و", "وال") and not _joined_head(view, p, gap_words):
            break
        if words and all(w == "في" for w in words) and (not _dual_head(view, out[0]) or len(out) >= 2):
            break  # «في حي الشيخ مقصود في حلب», «قريتي كفرنبل وحاس في إدلب»: the place
            # after «في» holds the ones before, no list (a dual announces two, not three)
        pl, pp = place_of(p).place, place_of(prev).place
        if pl is None or pp is None or "country" in (pl.feature, pp.feature):
            break
        if pl.country and pp.country and pl.country != pp.country:
            break  # the towns of one list lie in one country
        if "direction" in (place_of(p).modifier, place_of(prev).modifier):
            break
        if (pl.geo_precision > 1 or pp.geo_precision > 1) and not any(_dual_head(view, x) for x in (out[0], prev, p)):
            break  # regions are listed only after a dual («ريفي حماة وحلب», «صنعاء ومحافظتي حجة وتعز»), towns freely
        out.append(p)
    return out


_DUAL_HEADS = ("ريفي", "محافظتي", "مطاري", "قريتي", "بلدتي", "مدينتي", "مخيمي", "حيي", "جبهتي", "منطقتي",
               "ناحيتي", "مديريتي", "ارياف", "محافظات")  # duals and plurals that announce several places


def _joined_head(view: DocView, x: Located, gap_words: frozenset[str]) -> bool:
    """«ومحافظتي حجة»: a place named with its «و» and its head word, joined to a list (not «وسط قطاع غزة»)."""
    first = view.key[x.nstart:x.nend].split(" ", 1)[0]
    return first.startswith("و") and (first[1:] in gap_words or first[1:].startswith(_DUAL_HEADS))


def _dual_head(view: DocView, x: Located) -> bool:
    """«ريفي حماة وحلب», «قريتي الزباري وسعلو»: a dual noun announces two places."""
    text = view.key[x.nstart:x.nend]
    before = view.words_before(x.nstart - len(view.clitic_prefix(x.nstart)), 1)
    return text.lstrip("وبلف").startswith(_DUAL_HEADS) or bool(before and before[0].lstrip("وبلف") in _DUAL_HEADS)


def _fold_back_references(drafts: list[Draft]) -> list[Draft]:
    """A casualty told of «the incident» (:func:`marsad.events.detect.back_reference`) adds its dead and wounded to the violent
    event told last before it, instead of making an event of its own."""
    out: list[Draft] = []
    for d in drafts:
        if d.backref:
            prev = [o for o in out if o.event.event_type in VIOLENT and o.sentence < d.sentence]
            if prev:
                p = prev[-1]
                p.killed.extend(d.killed)
                p.vague_killed.extend(d.vague_killed)
                p.injured.extend(d.injured)
                roles = ("trigger", "fatalities")
                if p.event.actor2 is None and d.event.actor2 is not None and d.event.actor2 != p.event.actor1 \
                        and d.event.event_type in VIOLENT:
                    # «… وقال ناشطون إن الغارة أسفرت عن مقتل 3 مدنيين»: who died there is who was struck
                    p.event.actor2 = d.event.actor2
                    roles = ("trigger", "fatalities", "actor2")
                p.event.evidence.extend(e for e in d.event.evidence if e.role in roles)
                continue
            if d.backref == 2:
                continue  # no incident before it, and too little of its own to be one
        out.append(d)
    return out


#: most tokens between a claim cue and the actor it names («تبناه تنظيم داعش», «داعش يقف وراء»)
CLAIM_WINDOW = 6
#: pronoun endings of a claim verb that points back to the attack named before it («الهجوم الذي تبناه»)
_CLAIM_BACK = ("ه", "ها")


@lru_cache(maxsize=1)
def _claim_heads() -> frozenset[str]:
    """The first words of the claim cues (and «نسب»): only tokens among them are looked at."""
    ctx = vocab().context
    return frozenset({c.split(" ")[0] for c in (*ctx["claim_after"], *ctx["claim_before"])} | {"نسب", "نسبت", "ينسب"})


def _claims(view: DocView, mentions: list[Mention]) -> list[tuple[Located, Mention | None, int]]:
    """(actor, attack mention) for each claim or attribution of an attack: «الهجوم الذي تبناه تنظيم داعش», «تفجير
    انتحاري نسب للتنظيم», «تنظيم داعش يقف وراء الاعتداء», «اتهم … التنظيم بالوقوف خلف التفجير», «تبنت المقاومة
    هجوماً». The attack is the trigger mention the claim points to: the one before a claim verb with a pronoun
    or «نسب», else the first after the claim, in the same sentence."""
    ctx = vocab().context
    after_cues, before_cues = ctx["claim_after"], ctx["claim_before"]
    toks = view.tokens
    out: list[tuple[Located, Mention | None, int]] = []

    def sentence(t: Token) -> tuple[int, int, list[Mention]]:
        sa, sb = view.sentences[view.sentence_index(t.nstart)] if view.sentences else (0, len(view.key))
        return sa, sb, [m for m in mentions if sa <= m.nstart < sb]

    heads = _claim_heads()
    for i, t in enumerate(toks):
        if t.key not in heads:
            continue
        two = f"{t.key} {toks[i + 1].key}" if i + 1 < len(toks) else ""
        if two in before_cues or t.key in before_cues:
            sa, sb, in_sent = sentence(t)
            lo = toks[max(0, i - CLAIM_WINDOW)].nstart
            cands = [a for a in view.actors if max(sa, lo) <= a.nstart and a.nend <= t.nstart]
            end = toks[i + 1].nend if two in before_cues else t.nend
            objs = [m for m in in_sent if m.nstart >= end]
            nxt = view.words_after(end, 1, sb)
            right_after = objs and not view.words_before(objs[0].nstart - len(view.clitic_prefix(objs[0].nstart)),
                                                         1, end)
            if cands and objs and right_after:
                out.append((cands[-1], objs[0], t.nstart))  # «التنظيم يقف وراء التفجير الذي ضرب السوق»
            elif cands and nxt and nxt[0] in ATTACK_REFERENCES:
                out.append((cands[-1], None, t.nstart))  # «يقف وراء التفجير»: the attack told before
            elif cands and objs:
                out.append((cands[-1], objs[0], t.nstart))
            continue
        back = False
        if two in after_cues:
            start = toks[i + 1].nend
        elif t.key in after_cues:
            start, back = t.nend, t.key.endswith(_CLAIM_BACK)
        elif t.key in ("نسب", "نسبت", "ينسب") and i + 1 < len(toks) and toks[i + 1].key.startswith("ل"):
            start, back = toks[i + 1].nstart, True  # «نسب للتنظيم»: the clitic «ل» opens the actor
        else:
            continue
        sa, sb, in_sent = sentence(t)
        hi = toks[min(len(toks) - 1, i + 1 + CLAIM_WINDOW)].nend
        cands = [a for a in view.actors if start <= a.nstart and a.nend <= min(sb, hi)]
        if not cands:
            continue
        objs = [m for m in in_sent if m.nend <= t.nstart] if back else [m for m in in_sent if m.nstart >= cands[0].nend]
        if objs:
            out.append((cands[0], objs[-1] if back else objs[0], t.nstart))
    return [c for c in out if (actor_of(c[0]).category or 0) != 7 and actor_of(c[0]).id != UNIDENTIFIED_ID]


def _claimed_attackers(view: DocView, drafts: list[Draft], claims: list[tuple[Located, Mention | None, int]], *,
                       direct_only: bool = False) -> None:
    """An attack with no named attacker takes the actor that claimed it or is held to be behind it: the claim
    points to one of the attack's own mentions (``direct_only``: only these, before dedup), else to the attack
    told last before it, of the claim's sub-type when there is one («… انفجرت سيارة مفخخة … . وقال الوزير إن
    التنظيم يقف وراء التفجير»)."""
    open_ = [d for d in drafts if d.event.event_type in CLAIMABLE
             and (d.event.actor1 is None or d.event.actor1.id == UNIDENTIFIED_ID)]
    if not open_ or not claims:
        return
    firsts = {id(d): min((e.start for e in d.event.evidence if e.role == "trigger"), default=0) for d in drafts}
    for a, m, at in claims:
        hits: list[Draft] = []
        if m is not None:
            start = view.original(m.nstart, m.nend)[0]
            owners = [d for d in drafts if any(e.role == "trigger" and e.start == start for e in d.event.evidence)]
            hits = [d for d in owners if d in open_]
            if owners and not hits:
                continue  # the attack claimed is an event of its own that already has its attacker
        if not hits and not direct_only:
            # a back-reference («يقف وراء التفجير») or a mention that made no event of its own: the attack (of that
            # sub-type, when one is named) told last before the claim, when it has no attacker of its own yet
            at_o = view.original(at, at + 1)[0]
            told = [d for d in drafts if d.event.event_type in CLAIMABLE and firsts[id(d)] < at_o]
            told = [d for d in told if m is not None and d.event.sub_event_type == m.sub] or told
            if any(w.lstrip("و") in _PLURAL_REFERENCES for w in (*view.words_before(at, 3), *view.words_after(at, 5))):
                # «التفجيرات التي تبناها التنظيم», «يعلن مسؤوليته عن التفجيرين»: every one told before
                hits = [d for d in told if d in open_]
            else:
                target = max(told, key=lambda d: firsts[id(d)]) if told else None
                hits = [target] if target is not None and target in open_ else []
        for d in hits:
            ev = d.event
            if ev.actor1 is None or ev.actor1.id == UNIDENTIFIED_ID:
                ev.actor1 = _actor(view, a)
                ev.evidence = [e for e in ev.evidence if e.role != "actor1"]
                ev.evidence.append(view.evidence("actor1", a.nstart, a.nend))
                if ev.actor2 is not None and (ev.actor2.id or ev.actor2.name) == (ev.actor1.id or ev.actor1.name):
                    ev.actor2 = None  # the claimant read as the target («داعش يقف وراء الاعتداء»)
                    ev.evidence = [e for e in ev.evidence if e.role != "actor2"]


#: plural and dual back-references to attacks told before («وتأتي التفجيرات، التي تبناها التنظيم …») (folded)
_PLURAL_REFERENCES = frozenset({"التفجيرات", "التفجيرين", "الهجمات", "الهجومين", "الاعتداءات", "الاعتداءين",
                                "العمليات", "العمليتين", "الانفجارات", "الانفجارين"})
#: event types whose attacker may be named by a claim of responsibility
CLAIMABLE = frozenset({"Explosions/Remote violence", "Violence against civilians"})
#: the registry id of the "Unidentified Armed Group"
UNIDENTIFIED_ID = "unidentified-armed-group"


def _carry_attackers(drafts: list[Draft]) -> None:
    """An unnamed attacker of one strike is the one named for the nearest earlier strike of the same kind
    in the article («قصفت قوات النظام بلدة … . كما قصفت بلدتي …»), else of the same event type, else of
    any violent event (the side the article is about), unless that is the target."""
    last: dict[str, Actor] = {}
    source: dict[str, str] = {}  # the sub-type of the event each remembered attacker comes from
    for d in drafts:
        ev = d.event
        if ev.actor1 is not None:
            last[ev.sub_event_type] = last[ev.event_type] = ev.actor1
            source[ev.sub_event_type] = source[ev.event_type] = ev.sub_event_type
            if ev.event_type in VIOLENT and ev.event_type != "Battles" and ev.actor1.category != 7:
                last["violent"] = ev.actor1  # one side of a clash is no attacker for later strikes
                source["violent"] = ev.sub_event_type
            continue
        # an air force's or artillery's side planted no bomb: a planted or suicide bomb takes its attacker only
        # from another bombing («غارتين على موقع للتنظيم … . وفي العراق، انفجرت عبوة ناسفة …»)
        prev = last.get(ev.sub_event_type)
        for key in (ev.event_type, "violent"):
            if prev is None and key in last and not (
                    ev.sub_event_type in PLANTED and source[key] in STAND_OFF):
                prev = last[key]
        if prev is not None and ev.event_type in VIOLENT and (
                ev.actor2 is None or (prev.id or prev.name) != (ev.actor2.id or ev.actor2.name)):
            ev.actor1 = replace(prev)


def _finish(d: Draft) -> Event:
    ev = d.event
    if ev.actor1 is None and (ev.actor2 is not None or ev.sub_event_type in PLANTED) and ev.event_type in VIOLENT \
            and ev.sub_event_type not in UNNAMED_IS_STATE:
        ev.actor1 = _unidentified()  # (a bomb always has its planter, named or not)
    if ev.sub_event_type in ONE_SIDED and ev.actor2 is not None:
        # a group's own change of activity or withdrawal has no target; who it concerns stays in the notes' text
        ev.actor2, ev.assoc_actor2 = None, []
        ev.evidence = [e for e in ev.evidence if e.role != "actor2"]
    if ev.event_type == "Protests" and ev.actor2 is not None and ev.actor2.category == 7 \
            and (ev.actor1 is None or ev.actor1.category == 6):
        # «تظاهر العشرات من أهالي أعزاز»: the residents named are the crowd itself, not whom it acted on
        ev.actor2 = None
        ev.evidence = [e for e in ev.evidence if e.role != "actor2"]
    if ev.actor1 is None and ev.event_type in CROWD_ACTORS:
        ev.actor1 = _generic(CROWD_ACTORS[ev.event_type])  # a demonstration always has its crowd
    if ev.actor1 is None and ev.sub_event_type == "Arrests" and ev.location is not None and ev.location.country:
        # «ستة أشخاص اعتقلوا للاشتباه …»: arrests told without who made them are the country's police's
        ev.actor1 = _police_of(ev.location.country)
    if ev.actor1 is not None and ev.actor2 is not None and (
            (ev.actor1.id and ev.actor1.id == ev.actor2.id) or ev.actor1.name == ev.actor2.name):
        ev.actor2 = None
    positive = [k for k in d.killed if k > 0] or [k for k in d.vague_killed if k > 0]
    ev.fatalities = min(positive) if positive else 0
    inj = [k for k in d.injured if k > 0]
    ev.injuries = min(inj) if inj else (0 if d.zero else None)
    ev.notes = notes_for(ev)
    ev.confidence = confidence_for(ev, strong=d.strong, mentions=d.mentions, explicit_date=d.explicit_date)
    return ev
