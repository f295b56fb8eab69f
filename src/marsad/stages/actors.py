"""Stage ``actors``: actor mentions, persons and nationality adjectives.

One clitic-aware lexicon (:class:`marsad.lexicon.Lexicon`, built once per
process) holds every registry alias together with the actor word lists of
``resources/actors/*.json``: nationality adjectives (matched with their
inflections), country names, generic heads («قوات», «عناصر», «ميليشيا» …),
context words («النظام», «الاحتلال», «التحالف», «المقاومة» …), civilian and
unidentified-perpetrator words, titles and anaphors. One scan of
``doc.norm.key`` finds them all (longest match wins); a left-to-right pass over
the matches then assembles actor phrases:

* heads join what follows — a registered actor («عناصر ميليشيا حزب الله»), a
  context word («قوات النظام»), a nationality adjective («المقاتلات التركية» →
  Military Forces of Turkey; «الميليشيات الموالية لإيران» → Iranian-backed
  militias) — and connectors («من», «التابعة ل», «الموالية ل») may stand between;
* a following nationality adjective extends the phrase («ميليشيا حزب الله
  اللبنانية»); on a state force of another country it switches to that
  country's force («قوات الاحتلال التركي» → Military Forces of Turkey);
* a named-group head with an unknown name becomes an unregistered actor with
  a guessed category («ميليشيا لواء فلان»);
* context words resolve by the document's country (counted from the actors,
  adjectives, country and place names it mentions): «التحالف» is the
  Saudi-led coalition in Yemen and the US-led coalition in Syria;
* anaphors («التنظيم», «الحزب», «الحركة») refer back to the last actor that
  declares them;
* civilian words give "Civilians (Country)" (category 7), unidentified-perpetrator
  words "Unidentified Armed Group" (category 3).

Persons («القيادي في ميليشيا حزب الله المدعو "أبو علي العراقي"») come from
titles and kunyas and are linked to the group named in the same phrase.

Output (appended to ``doc.entities``, ``source="actors"``): ``ACTOR`` entities
with ``attrs["actor"]`` a filled :class:`~marsad.model.Actor`, ``PER`` entities
with ``attrs["title"]``/``attrs["group"]``, and ``NORP`` entities keyed by ISO
country code. :func:`resolve_actor_text` resolves a free phrase the same way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import Any

from marsad import resources
from marsad.lexicon import Lexicon, Match
from marsad.model import Actor, Document, Entity
from marsad.pipeline import register
from marsad.registry import ActorEntry, ActorRegistry, alias_key, default_registry
from marsad.text import NormText, Token, normalize, tokenize

#: countries whose wars the registry covers: their names and places weigh more for the document's country
THEATRES = frozenset({"SY", "IQ", "YE", "LB", "IL", "PS", "LY", "SD", "EG"})
#: characters at the start of an article (headline, lead) whose clues weigh double for its country
LEAD_CHARS = 400
_QUOTES = frozenset('"\'«»“”„‘’')
_BIN = frozenset({"بن", "ابن", "بنت"})
_PRONOUN_SUFFIXES = ("ته", "ها", "هم", "هما", "كم", "تهم")
_CONJ = ("و", "ف")
#: adjectives of an attack's kind that may stand between an attack noun and a nationality (folded)
_STRIKE_MODIFIERS = frozenset({"جوي", "جويه", "جويا", "الجوي", "الجويه", "مدفعي", "مدفعيه", "صاروخي", "صاروخيه",
                               "بري", "بريه", "مكثف", "مكثفه", "عنيف", "عنيفه", "متقطع"})


@dataclass(frozen=True, slots=True)
class Tag:
    """A lexicon payload: what a surface form is (``kind``) and what it points to (``value``)."""

    kind: str  # actor | nat | country | place | ethnic | head | ctx | civ | unid | title | anaphor
    value: str = ""


# --------------------------------------------------------------------------- resources


@dataclass
class ActorResources:
    """Everything the stage needs, built once per process from the registry and the word lists."""

    registry: ActorRegistry
    lexicon: Lexicon[Tag]
    countries: dict[str, dict[str, Any]]
    ethnic: dict[str, dict[str, Any]]
    heads: dict[str, dict[str, Any]]
    named_group_heads: frozenset[str]
    connectors: frozenset[str]
    proxy_connectors: frozenset[str]
    descriptors: frozenset[str]
    name_stop: frozenset[str]
    max_name_tokens: int
    context: dict[str, dict[str, Any]]
    civilians_name: str
    unidentified_id: str
    titles: frozenset[str]
    role_titles: frozenset[str]
    links: frozenset[str]
    name_links: frozenset[str]
    name_titles: frozenset[str]
    kunya: frozenset[str]
    kunya_names: frozenset[str]
    verbs_stop: frozenset[str]
    cues: list[tuple[str, int]]
    head_categories: dict[str, int]
    default_category: int
    adjective_keys: dict[str, str] = field(default_factory=dict)  # country-name keys that double as adjectives
    anaphor_owners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    anaphor_window: int = 4000  # characters back to look for an anaphor's antecedent


def _keys(words: list[str]) -> frozenset[str]:
    return frozenset(k for k in (alias_key(w) for w in words) if k)


def build_resources(registry: ActorRegistry) -> ActorResources:
    """Compile the stage's lexicon from ``registry`` and the bundled word lists."""
    nat = resources.load_json("actors/nationalities.json")
    heads = resources.load_json("actors/heads.json")
    ctx = resources.load_json("actors/context.json")
    civ = resources.load_json("actors/civilians.json")
    unid = resources.load_json("actors/unidentified.json")
    titles = resources.load_json("actors/titles.json")
    cues = resources.load_json("actors/category_cues.json")

    lex: Lexicon[Tag] = Lexicon()
    for e in registry:
        for s in e.arabic_names:
            lex.add(s, Tag("actor", e.id))
    adjective_keys: dict[str, str] = {}
    for iso, c in nat["countries"].items():
        for a in c.get("adj", []):
            lex.add(a, Tag("nat", iso), suffixes=True)
            adjective_keys[alias_key(a) + "ه"] = iso
        for a in c.get("plural", []):
            lex.add(a, Tag("nat", iso))
        for n in c.get("names", []):
            lex.add(n, Tag("country", iso))
    for adj, g in nat["ethnic"].items():
        lex.add(adj, Tag("ethnic", alias_key(adj)), suffixes=True)
        for a in g.get("plural", []):
            lex.add(a, Tag("ethnic", alias_key(adj)))
    for w in heads["heads"]:
        lex.add(w, Tag("head", alias_key(w)))
    for w in ctx["words"]:
        lex.add(w, Tag("ctx", alias_key(w)))
    for iso, places in ctx.get("places", {}).items():
        for p in places:
            lex.add(p, Tag("place", iso))
    for w in civ["words"]:
        lex.add(w, Tag("civ"))
    head_specs = {alias_key(k): v for k, v in heads["heads"].items()}
    for w in unid["words"]:
        lex.add(w, Tag("unid", unid["id"]))
        # an unidentified-perpetrator word also heads a phrase («المسلحين الأكراد», «مسلحين من قسد»)
        lex.add(w, Tag("head", alias_key(w)))
        head_specs.setdefault(alias_key(w), {"kind": "fighters", "alone": unid["id"]})
    for w in titles["titles"]:
        lex.add(w, Tag("title", alias_key(w)))
    owners: dict[str, list[str]] = {}
    for e in registry:
        for a in e.anaphors:
            lex.add(a, Tag("anaphor", alias_key(a)))
            owners.setdefault(alias_key(a), []).append(e.id)
    lex.compile()
    return ActorResources(
        registry=registry,
        lexicon=lex,
        countries=nat["countries"],
        ethnic={alias_key(k): v for k, v in nat["ethnic"].items()},
        heads=head_specs,
        named_group_heads=_keys(heads["named_group_heads"]),
        connectors=_keys(heads["connectors"]),
        proxy_connectors=_keys(heads.get("proxy_connectors", [])),
        descriptors=_keys(heads["descriptors"]),
        name_stop=_keys(heads["name_stop"]),
        max_name_tokens=int(heads.get("max_name_tokens", 4)),
        context={alias_key(k): v for k, v in ctx["words"].items()},
        civilians_name=civ.get("name", "Civilians"),
        unidentified_id=unid["id"],
        titles=_keys(titles["titles"]),
        role_titles=_keys(titles["role_titles"]),
        links=_keys(titles["links"]),
        name_links=_keys(titles.get("name_links", [])),
        name_titles=_keys(titles.get("name_titles", [])),
        kunya=_keys(titles["kunya"]),
        kunya_names=_keys(titles["kunya_names"]),
        verbs_stop=_keys(titles["verbs_stop"]),
        cues=[(alias_key(k), v) for k, v in cues["cues"].items()],
        head_categories={alias_key(k): v for k, v in cues["heads"].items()},
        default_category=int(cues["default"]),
        adjective_keys=adjective_keys,
        anaphor_owners={k: tuple(v) for k, v in owners.items()},
        anaphor_window=int(ctx.get("anaphors_window", 4000)),
    )


_BUILT: list[ActorResources] = []


def get_resources(registry: ActorRegistry | None = None) -> ActorResources:
    """The compiled resources for ``registry`` (default: the bundled + user registry), built once per registry."""
    reg = registry or default_registry()
    for r in _BUILT:
        if r.registry is reg:
            return r
    res = build_resources(reg)
    _BUILT.insert(0, res)
    del _BUILT[4:]
    return res


# --------------------------------------------------------------------------- matching


@dataclass(slots=True)
class _Item:
    """A lexicon match placed on tokens: [ti, tj] are the first and last token it touches."""

    m: Match[Tag]
    ti: int
    tj: int
    #: the first payload of each kind (read-only: shared by the items of one lexicon entry, see :func:`_kinds`)
    kinds: dict[str, Tag]
    #: ``first(kind)``: the first payload of that kind or None; ``has(kind)``: whether there is one. They are the
    #: dictionary's own bound ``get`` and ``__contains__`` (a C call each, no Python frame: they run hundreds of
    #: times per document)
    first: Callable[[str], Tag | None]
    has: Callable[[str], bool]

    @property
    def conj(self) -> bool:
        """True when a conjunction is glued to the front («وحزب الله»): the start of a new phrase."""
        return self.m.prefix.startswith(_CONJ)


@dataclass(slots=True)
class _Found:
    """An assembled actor phrase (token range) before it becomes an Entity; ``head`` is its head word's key."""

    ti: int
    tj: int
    actor: Actor
    how: str
    head: str | None = None


_TOKEN_NSTART = itemgetter(2)  # Token.nstart
_TOKEN_KEY = itemgetter(4)  # Token.key

_Kinds = tuple[dict[str, Tag], Callable[[str], "Tag | None"], Callable[[str], bool]]

#: ``id(payloads)`` → ``(payloads, (kinds, kinds.get, kinds.__contains__))``: the payload tuples are the
#: lexicon's own, so they repeat
_KINDS: dict[int, tuple[tuple[Tag, ...], _Kinds]] = {}


def _kinds(payloads: tuple[Tag, ...]) -> _Kinds:
    """The first payload of each kind of a match's payloads, with the dictionary's bound ``get`` and
    ``__contains__`` (memoized on the tuple's identity; the tuple is kept with it, so the identity cannot be
    reused while it is cached)."""
    got = _KINDS.get(id(payloads))
    if got is not None and got[0] is payloads:
        return got[1]
    kinds: dict[str, Tag] = {}
    for t in payloads:
        kinds.setdefault(t.kind, t)
    if len(_KINDS) >= 100_000:
        _KINDS.clear()
    out = (kinds, kinds.get, kinds.__contains__)
    _KINDS[id(payloads)] = (payloads, out)
    return out


class _Doc:
    """Per-document working state: tokens, items indexed by first token, the document's country."""

    def __init__(self, res: ActorResources, nt: NormText, tokens: list[Token], country: str | None = None) -> None:
        self.res = res
        self.nt = nt
        self.tokens = tokens
        self.tstarts = list(map(_TOKEN_NSTART, tokens))  # = [t.nstart for t in tokens], without a Python step each
        self.items: list[_Item] = []
        tstarts = self.tstarts
        for m in res.lexicon.find(nt):
            ti = bisect_right(tstarts, m.nstart) - 1
            tj = bisect_right(tstarts, m.nend - 1) - 1
            if ti < 0 or tj < ti:
                continue
            self.items.append(_Item(m, ti, tj, *_kinds(m.payloads)))
        self.at: dict[int, _Item] = {}
        for it in self.items:
            self.at.setdefault(it.ti, it)
        self.country = country or self._country()

    def _tok(self, npos: int) -> int:
        return bisect_right(self.tstarts, npos) - 1

    # ----------------------------------------------------------------- document country

    def _country(self) -> str | None:
        score: Counter[str] = Counter()
        reg = self.res.registry
        for it in self.items:
            lead = 2.0 if it.m.start < LEAD_CHARS else 1.0  # the headline and lead name the theatre
            for t in it.m.payloads:
                if t.kind == "actor":
                    e = reg.get(t.value)
                    if e and e.country:
                        score[e.country] += lead * (1.0 if e.country in THEATRES else 0.5)
                    break
                if t.kind in ("country", "place"):
                    score[t.value] += lead * (2.0 if t.value in THEATRES else 0.5)
                    break
                if t.kind == "nat":
                    score[t.value] += lead * (1.0 if t.value in THEATRES else 0.5)
                    break
        if not score:
            return None
        return score.most_common(1)[0][0]

    # ----------------------------------------------------------------- token helpers

    def key(self, ti: int) -> str:
        return self.tokens[ti].key if 0 <= ti < len(self.tokens) else ""

    def is_quote(self, ti: int) -> bool:
        return self.key(ti) in _QUOTES

    def is_word(self, ti: int) -> bool:
        return 0 <= ti < len(self.tokens) and self.tokens[ti].is_word

    def span(self, ti: int, tj: int) -> tuple[int, int]:
        return self.tokens[ti].start, self.tokens[tj].end

    def pspan(self, ti: int, tj: int) -> tuple[int, int]:
        """Original offsets of a phrase from token ``ti`` to ``tj``, leaving out proclitics glued to its start."""
        it = self.at.get(ti)
        if it is None:
            return self.tokens[ti].start, self.tokens[tj].end
        start = it.m.start
        if it.m.prefix.endswith("ال"):  # the article belongs to the phrase: «المقاتلين», not «مقاتلين»
            start = self.nt.to_original(it.m.nstart - 2, it.m.nend)[0]
        elif it.m.prefix.endswith("لل") and not it.m.key.startswith("ل"):
            start = self.nt.to_original(it.m.nstart - 1, it.m.nend)[0]
        return start, self.tokens[tj].end

    def text(self, ti: int, tj: int) -> str:
        a, b = self.span(ti, tj)
        return self.nt.original[a:b]

    def next_item(self, ti: int, *, max_gap: int = 3, connectors: bool = True) -> _Item | None:
        """The item starting at ``ti`` or after up to ``max_gap`` connector/quote tokens (never across '.' or ',')."""
        k = ti
        gap = 0
        while k < len(self.tokens):
            it = self.at.get(k)
            if it is not None:
                # «وحزب الله» (a conjunction) or «بالبراميل» (a preposition) starts another phrase
                return None if it.conj or it.m.prefix.startswith(("ب", "ك")) else it
            key = self.key(k)
            if it is None and (key in _QUOTES or (connectors and key in self.res.connectors)) and gap < max_gap:
                k += 1
                gap += 1
                continue
            return None
        return None


# --------------------------------------------------------------------------- resolution


def _country_name(res: ActorResources, iso: str | None) -> str | None:
    if not iso:
        return None
    c = res.countries.get(iso)
    return c["name"] if c else iso


class _Resolver:
    """Assembles actor phrases, persons and NORP entities of one document."""

    def __init__(self, d: _Doc) -> None:
        self.d = d
        self.res = d.res
        self.reg = d.res.registry
        self.found: list[_Found] = []
        self.persons: list[tuple[int, int, str, int]] = []  # (ti, tj, titles text, title ti)
        self.norp: list[tuple[_Item, str | None, dict[str, Any]]] = []
        self.groups: dict[tuple[int, int], _Found] = {}

    # ----------------------------------------------------------------- actors from ids

    def actor(self, actor_id: str, ti: int, tj: int, how: str, *, head: str | None = None) -> _Found | None:
        e = self.reg.get(actor_id)
        if e is None:
            return None
        return _Found(ti, tj, self._actor_of(e, ti, tj), how, head)

    def _actor_of(self, e: ActorEntry, ti: int, tj: int) -> Actor:
        a, b = self.d.pspan(ti, tj)
        cat = e.category
        if cat == 1 and e.country and self.d.country and e.country != self.d.country and e.id.endswith(
                ("-military", "-police")):
            cat = 8  # a state force acting outside its own country
        name = e.name
        if e.id == "civilians":
            cname = _country_name(self.res, self.d.country)
            name = f"{self.res.civilians_name} ({cname})" if cname else self.res.civilians_name
            actor = e.actor(self.d.nt.original[a:b], a, b, name=name, category=cat)
            actor.country = self.d.country
            return actor
        return e.actor(self.d.nt.original[a:b], a, b, name=name, category=cat)

    def state_of(self, iso: str, kind: str) -> str | None:
        """The registry id of a country's military / police / militia."""
        c = self.res.countries.get(iso) or {}
        if kind == "police":
            return c.get("police") or c.get("military")
        if kind in ("fighters", "group"):
            return c.get("militia") or c.get("military")
        return c.get("military")

    def context(self, key: str, *, after_head: bool, head_kind: str | None = None) -> str | None:
        spec = self.res.context.get(key)
        if not spec or (spec.get("after_head_only") and not after_head):
            return None
        m = spec.get("map", {})
        target = m.get(self.d.country or "") or m.get("*")
        if target in ("state", "state-police"):
            kind = "police" if target == "state-police" else (head_kind or "military")
            # «الجيش» after «الجيش التركي» is that army; else the army of the document's country
            suffix = "-police" if kind == "police" else "-military"
            for f in reversed(self.found[-8:]):
                if f.actor.id and f.actor.id.endswith(suffix) and f.how in ("alias", "head+alias", "nationality"):
                    return f.actor.id
            return self.state_of(self.d.country, kind) if self.d.country else None
        return target

    def anaphor(self, key: str, ti: int) -> str | None:
        owners = self.res.anaphor_owners.get(key)
        if not owners:
            return None
        here = self.d.tokens[ti].start
        for f in reversed(self.found):
            if here - self.d.tokens[f.tj].end > self.res.anaphor_window:
                break  # too far back to be what the word refers to
            if f.tj < ti and f.actor.id in owners:
                return f.actor.id
        # no antecedent: the one owner from the article's country («المقاومة» in a Gaza report)
        local = [o for o in owners if (e := self.res.registry.get(o)) is not None and e.country == self.d.country]
        return local[0] if len(local) == 1 and self.d.country else None

    # ----------------------------------------------------------------- phrase assembly

    def run(self) -> None:
        d = self.d
        at, tokens, kunya = d.at, d.tokens, self.res.kunya
        n = len(tokens)
        # a token that starts no item and is no kunya is only stepped over: the loop goes from one of the others
        # (found without a Python step per token) to the next
        stops = sorted(set(at).union(compress(range(n), map(kunya.__contains__, map(_TOKEN_KEY, tokens)))))
        k = 0
        while True:
            i = bisect_left(stops, k)
            if i == len(stops):
                break
            k = stops[i]
            if k >= n:
                break
            it = at.get(k)
            if it is None:  # a kunya («أبو») may start a person, else move on
                end = self.person(k)
                if end >= k:
                    k = end + 1
                    continue
                k += 1
                continue
            if it.has("title") and d.key(it.tj + 1).isdigit():
                self.found.append(self.unit(it))
                k = it.tj + 2
                continue
            if not it.has("actor") and (self._kunya_at(k) or it.has("title")):
                end = self.person(k)
                if end >= k:
                    k = end + 1
                    continue
            f = self.phrase(it)
            if f is not None:
                self.found.append(f)
                k = f.tj + 1
                continue
            k = self.single(it) + 1

    def unit(self, it: _Item) -> _Found:
        """A numbered unit written with a rank-like word («اللواء 55», «الفرقة 17»): an unregistered state unit."""
        d = self.d
        a, b = d.pspan(it.ti, it.tj + 1)
        mention = d.nt.original[a:b]
        actor = Actor(name=mention, name_ar=mention, mention=mention, category=1, id=None, country=d.country,
                      registered=False, start=a, end=b)
        return _Found(it.ti, it.tj + 1, actor, "unregistered")

    def phrase(self, it: _Item) -> _Found | None:
        """An actor phrase starting at ``it``: heads*, then a core, then an optional nationality adjective."""
        d = self.d
        if it.has("head") and not it.has("actor") and self.res.heads[it.first("head").value]["kind"] == "strike":  # type: ignore[union-attr]
            k = it.tj + 1
            while k < len(d.tokens) and d.at.get(k) is None and d.key(k) in _STRIKE_MODIFIERS:
                k += 1  # «غارات جوية إسرائيلية», «قصف مدفعي تركي»: the kind of attack between noun and nation
            nxt = d.next_item(k, max_gap=0)
            if nxt is None or not (nxt.has("nat") or nxt.has("country")):
                return None  # «قصف الطيران المروحي»: the attack noun is not part of the actor
        start = it.ti
        heads: list[_Item] = []
        cur: _Item | None = it
        while cur is not None and cur.has("head") and not cur.has("actor"):
            if cur.has("title") and not d.key(cur.tj + 1).isdigit():
                break  # «اللواء» before a name is a title, not a brigade
            heads.append(cur)
            k = cur.tj + 1
            if self.res.heads[cur.first("head").value]["kind"] == "strike":  # type: ignore[union-attr]
                while k < len(d.tokens) and d.at.get(k) is None and d.key(k) in _STRIKE_MODIFIERS:
                    k += 1
            nxt = d.next_item(k)
            if nxt is None or not (nxt.has("head") or nxt.has("actor") or nxt.has("ctx") or nxt.has("nat")
                                   or nxt.has("country") or nxt.has("ethnic") or nxt.has("anaphor")
                                   or (nxt.has("place") and self._police(cur))):
                cur = None
                break
            cur = nxt
        head_kind = self.res.heads[heads[-1].first("head").value]["kind"] if heads else None  # type: ignore[union-attr]
        f: _Found | None = None
        if cur is not None and heads and head_kind == "strike" and not (cur.has("nat") or cur.has("country")):
            # «غارة للتحالف الدولي»: the attack noun is not part of the actor
            heads, start, head_kind = [], cur.ti, None
        if cur is not None and heads and head_kind != "group" and any(
                d.key(i) in self.res.proxy_connectors for i in range(heads[-1].tj + 1, cur.ti)):
            head_kind = "group"  # «القوات المدعومة من إيران»: the country's proxies, not its army
        if cur is not None:
            f = self.core(cur, start, heads, head_kind)
        if f is None and heads:
            f = (self.unknown_group(heads, start) or self.named_base(heads, start, head_kind)
                 or self.heads_alone(heads, start, head_kind))
        if f is None:
            return None
        return self.extend(f)

    def core(self, cur: _Item, start: int, heads: list[_Item], head_kind: str | None) -> _Found | None:
        head_key = heads[-1].first("head").value if heads else None  # type: ignore[union-attr]
        t = cur.first("actor")
        if t is not None:
            return self.actor(t.value, start, cur.tj, "alias" if not heads else "head+alias", head=head_key)
        t = cur.first("anaphor")
        if t is not None and heads:
            target = self.anaphor(t.value, cur.ti)
            if target:
                return self.actor(target, start, cur.tj, "anaphor", head=head_key)
        t = cur.first("ctx")
        if t is not None:
            target = self.context(t.value, after_head=bool(heads), head_kind=head_kind)
            if target:
                return self.actor(target, start, cur.tj, "context", head=head_key)
        if heads:
            t = cur.first("nat") or cur.first("country")
            if t is not None:
                target = self.state_of(t.value, head_kind or "military")
                if target:
                    return self.actor(target, start, cur.tj, "nationality", head=head_key)
            t = cur.first("place")
            if t is not None and head_kind == "police":
                # «شرطة درعا», «عناصر من شرطة البصرة»: a province's police is its country's police
                target = self.state_of(t.value, "police")
                if target:
                    return self.actor(target, start, cur.tj, "nationality", head=head_key)
            t = cur.first("ethnic")
            if t is not None:
                target = self._ethnic_militia(t.value)
                if target:
                    return self.actor(target, start, cur.tj, "nationality", head=head_key)
        return None

    def _police(self, it: _Item) -> bool:
        t = it.first("head")
        return t is not None and self.res.heads[t.value]["kind"] == "police"

    def _ethnic_militia(self, key: str) -> str | None:
        g = self.res.ethnic.get(key) or {}
        m = g.get("militia") or {}
        return m.get(self.d.country or "") or m.get("*")

    def named_base(self, heads: list[_Item], start: int, head_kind: str | None) -> _Found | None:
        """«قاعدة حقل العمر الأميركية»: a military head, a short name, then a nationality adjective."""
        if head_kind != "military":
            return None
        d = self.d
        k = heads[-1].tj + 1
        for _ in range(5):
            if k >= len(d.tokens):
                return None
            it = d.at.get(k)
            if it is not None and it.has("nat") and k > heads[-1].tj + 1:
                target = self.state_of(it.first("nat").value, "military")  # type: ignore[union-attr]
                return self.actor(target, start, it.tj, "nationality") if target else None
            key = d.key(k)
            if not (d.is_word(k) or key in _QUOTES) or key in self.res.name_stop or key in self.res.verbs_stop:
                return None
            if it is not None and not it.has("place"):
                return None
            k = it.tj + 1 if it is not None else k + 1
        return None

    def heads_alone(self, heads: list[_Item], start: int, head_kind: str | None) -> _Found | None:
        last = heads[-1]
        hk = last.first("head").value  # type: ignore[union-attr]
        t = last.first("anaphor")
        if t is not None:
            target = self.anaphor(t.value, last.ti)
            if target:
                return self.actor(target, start, last.tj, "anaphor", head=hk)
        t = last.first("ctx")
        if t is not None:
            target = self.context(t.value, after_head=len(heads) > 1, head_kind=head_kind)
            if target:
                return self.actor(target, start, last.tj, "context", head=hk)
        if last.first("unid") is not None:
            return self.actor(self.res.unidentified_id, start, last.tj, "unidentified", head=hk)
        alone = self.res.heads[hk].get("alone")
        if alone:
            return self.actor(alone, start, last.tj, "unidentified", head=hk)
        return None

    def unknown_group(self, heads: list[_Item], start: int) -> _Found | None:
        """«ميليشيا لواء فلان» — a group head followed by a name that is not in the registry."""
        d, res = self.d, self.res
        gi = next((h for h in heads if res.heads[h.first("head").value]["kind"] == "group"), None)  # type: ignore[union-attr]
        if gi is None:
            return None
        hk = gi.first("head").value  # type: ignore[union-attr]
        k = heads[-1].tj + 1
        quoted = d.is_quote(k)
        if quoted:
            k += 1
        names: list[int] = []
        iso: str | None = None
        while k < len(d.tokens) and len(names) < res.max_name_tokens + (2 if quoted else 0):
            key = d.key(k)
            if quoted and key in _QUOTES:
                break
            it = d.at.get(k)
            if it is not None and (it.has("nat") or it.has("country")) and names and not quoted:
                t = it.first("nat") or it.first("country")
                iso = t.value if t else None
                k = it.tj + 1
                break
            if not d.is_word(k) or key in res.name_stop or key in res.verbs_stop or key in res.connectors:
                break
            if it is not None and not quoted and (it.has("head") or it.has("title") or it.has("civ")
                                                  or it.has("actor") or it.has("unid")):
                break
            if not names and key in res.descriptors:
                return None
            if key.endswith(_PRONOUN_SUFFIXES):
                break
            if names and not quoted and not key.startswith("ال") and not key.isdigit() and any(
                    d.key(i).startswith("ال") for i in names):
                break  # a name's genitive chain ends with its first definite word («لواء الكرامة» + «حاجزا»)
            names.append(k)
            k += 1
        if not names or all(d.key(i) in res.descriptors for i in names):
            return None
        name_keys = " ".join(d.key(i) for i in names)
        cat = self.guess_category(hk, name_keys, names)
        strong = hk in res.named_group_heads or (hk.startswith("ال") and hk[2:] in res.named_group_heads)
        cued = any(c in name_keys for c, _ in res.cues)
        if not (strong or quoted or cued):
            return None
        end = names[-1]
        if quoted and d.is_quote(end + 1):
            end += 1
        if iso is not None:
            end = k - 1
        a, b = d.pspan(start, end)
        mention = d.nt.original[a:b]
        last_group = [h for h in heads if res.heads[h.first("head").value]["kind"] == "group"][-1]  # type: ignore[union-attr]
        name_text = d.nt.original[last_group.m.start:d.tokens[names[-1]].end]
        actor = Actor(name=name_text, name_ar=name_text, mention=mention,
                      category=cat, id=None, country=iso or self.d.country, registered=False, start=a, end=b)
        return _Found(start, end, actor, "unregistered", hk)

    def guess_category(self, head_key: str, name_keys: str, names: list[int]) -> int:
        for cue, cat in self.res.cues:
            if cue in name_keys:
                return cat
        if all(self.d.key(i).isdigit() for i in names):
            return 1  # a numbered unit («اللواء 55»)
        base = head_key[2:] if head_key.startswith("ال") and head_key not in self.res.head_categories else head_key
        return self.res.head_categories.get(base, self.res.default_category)

    def extend(self, f: _Found) -> _Found:
        """A following nationality adjective joins the phrase (and may switch a state force's country)."""
        d = self.d
        nxt = d.at.get(f.tj + 1)
        if nxt is None or nxt.conj:
            return f
        t = nxt.first("nat")
        if t is None:
            c = nxt.first("country")
            if c is not None and nxt.m.key in d.res.adjective_keys:
                t = c
        if t is None:
            return f
        iso = t.value
        tj = nxt.tj
        a = f.actor
        if a.id and a.country and a.country != iso and a.id.endswith(("-military", "-police")) and \
                f.how != "nationality":  # «عدوان أميركي بريطاني» keeps its first country
            kind = "police" if a.id.endswith("-police") else "military"
            target = self.state_of(iso, kind)
            if target:
                g = self.actor(target, f.ti, tj, "nationality", head=f.head)
                if g is not None:
                    return g
        if not a.registered and a.country != iso:
            a.country = iso
        s, e = d.pspan(f.ti, tj)
        a.mention, a.start, a.end = d.nt.original[s:e], s, e
        if a.id == "civilians":
            a.country = iso
            a.name = f"{self.res.civilians_name} ({_country_name(self.res, iso)})"
        f.tj = tj
        return f

    # ----------------------------------------------------------------- single items

    def single(self, it: _Item) -> int:
        """An item that opens no phrase: anaphor, context word, civilians, unidentified, NORP. Returns its last token."""
        d = self.d
        t = it.first("anaphor")
        if t is not None:
            target = self.anaphor(t.value, it.ti)
            if target:
                f = self.actor(target, it.ti, it.tj, "anaphor")
                if f:
                    self.found.append(f)
                    return f.tj
        t = it.first("ctx")
        if t is not None:
            target = self.context(t.value, after_head=False)
            if target:
                f = self.actor(target, it.ti, it.tj, "context")
                if f:
                    f = self.extend(f)
                    self.found.append(f)
                    return f.tj
        if it.has("civ"):
            f = self.civilians(it)
            self.found.append(f)
            return f.tj
        t = it.first("unid")
        if t is not None:
            f = self.actor(t.value, it.ti, it.tj, "unidentified")
            if f:
                self.found.append(f)
            return it.tj
        t = it.first("nat")
        if t is not None:
            self.norp.append((it, t.value, {"country": _country_name(self.res, t.value)}))
            return it.tj
        t = it.first("ethnic")
        if t is not None:
            self.norp.append((it, None, {"group": (self.res.ethnic.get(t.value) or {}).get("name")}))
            return it.tj
        t = it.first("country")
        if t is not None and it.m.key in d.res.adjective_keys and it.m.prefix.endswith("ال"):
            self.norp.append((it, t.value, {"country": _country_name(self.res, t.value)}))
        return it.tj

    def civilians(self, it: _Item) -> _Found:
        d = self.d
        iso = d.country
        tj = it.tj
        nxt = d.at.get(it.tj + 1)
        if nxt is not None and not nxt.conj and nxt.first("nat") is not None:
            iso = nxt.first("nat").value  # type: ignore[union-attr]
            tj = nxt.tj
        e = self.reg.get("civilians")
        a, b = d.pspan(it.ti, tj)
        cname = _country_name(self.res, iso)
        name = f"{self.res.civilians_name} ({cname})" if cname else self.res.civilians_name
        actor = Actor(name=name, name_ar=e.name_ar if e else "المدنيون", mention=d.nt.original[a:b], category=7,
                      id="civilians" if e else None, country=iso, registered=e is not None, start=a, end=b)
        return _Found(it.ti, tj, actor, "civilians")

    # ----------------------------------------------------------------- persons

    def _kunya_at(self, ti: int) -> bool:
        return self.d.key(ti) in self.res.kunya

    def person(self, k: int) -> int:
        """Titles (and the group they name), then a name or kunya. Returns the last token used, or -1."""
        d, res = self.d, self.res
        titles: list[str] = []
        title_ti = k
        group: _Found | None = None
        steps = 0
        while steps < 8 and k < len(d.tokens):
            steps += 1
            it = d.at.get(k)
            if it is not None and it.has("title") and not (it.has("head") and d.key(it.tj + 1).isdigit()):
                titles.append(it.m.text)
                k = it.tj + 1
                continue
            if d.key(k) in res.links and group is None and titles:
                nxt = d.next_item(k + 1, max_gap=1)
                if nxt is not None and not nxt.has("title"):
                    f = self.phrase(nxt)
                    if f is not None:
                        group = f
                        self.found.append(f)
                        k = f.tj + 1
                        continue
                break
            if it is not None and titles and group is None and not it.has("title") and (
                    it.has("actor") or it.has("head")) and not it.has("civ"):
                f = self.phrase(it)
                if f is not None:
                    group = f
                    self.found.append(f)
                    k = f.tj + 1
                    continue
            break
        # the name
        q = k
        if d.is_quote(q):
            q += 1
        last = alias_key(titles[-1]) if titles else ""
        name = self._name(q, titled=bool(titles) and (last in res.name_titles or group is not None),
                          linked=last in res.name_links)
        if name is None:
            return (group.tj if group else k - 1) if titles else -1
        ni, nj = name
        end = nj + 1 if d.is_quote(nj + 1) and q > k else nj
        self.persons.append((ni, nj, " ".join(titles), title_ti if titles else ni))
        if group is not None:
            self.groups[(ni, nj)] = group
        return end

    def _name(self, q: int, *, titled: bool, linked: bool = False) -> tuple[int, int] | None:
        d, res = self.d, self.res
        if q >= len(d.tokens):
            return None
        key = d.key(q)
        if key in res.kunya:
            nxt = d.key(q + 1)
            if not d.is_word(q + 1) or (nxt in res.name_stop and nxt not in res.kunya_names):
                return None  # (the kunya name «علي» folds like the preposition «على»)
            if not titled and nxt not in res.kunya_names:
                return None  # «أبو ظبي», «أم القرى»: an untitled kunya needs a known first name
            j = q + 1
            if nxt == "عبد" and d.is_word(q + 2):
                j = q + 2
            if self._is_nisba(j + 1):
                j += 1
            return q, j
        if not titled:
            return None
        names: list[int] = []
        k = q
        while k < len(d.tokens) and len(names) < (4 if any(d.key(i) in _BIN for i in names) else 3):
            key = d.key(k)
            it = d.at.get(k)
            if not d.is_word(k) or key.isdigit() or key in res.name_stop or key in res.verbs_stop or key in res.links:
                break
            if key.endswith(_PRONOUN_SUFFIXES) or (key.startswith("و") and (
                    key[1:] in res.kunya or key[1:] in res.kunya_names or key[1:].startswith("ال"))):
                break  # «قواته», «مسؤوليته»; «ومحمد», «والنائب» start something else
            if len(names) >= 2 and key.endswith("ا"):
                break  # an accusative noun after the name («محلب قرارا»)
            if it is not None and not it.has("nat") and not it.has("ethnic"):
                break
            if not names and (key.startswith("ال") or it is not None):
                return None
            names.append(k)
            k += 1
        while names and (d.key(names[-1]) in _BIN or d.key(names[-1]) in res.kunya):
            names.pop()
        if not names or (len(names) < 2 and not linked):
            return None  # a bare title before a one-word "name" is too often a verb («الإرهابي وقع»)
        return names[0], names[-1]

    def _is_nisba(self, ti: int) -> bool:
        d = self.d
        key = d.key(ti)
        return (d.is_word(ti) and key.startswith("ال") and key.endswith("ي") and len(key) > 4
                and key not in self.res.name_stop and key not in self.res.titles)


# --------------------------------------------------------------------------- entities


def _resolve(res: ActorResources, nt: NormText, tokens: list[Token], *, country: str | None = None) -> _Resolver:
    d = _Doc(res, nt, tokens, country)
    r = _Resolver(d)
    r.run()
    return r


def _entities(r: _Resolver) -> list[Entity]:
    d = r.d
    text = d.nt.original
    out: list[Entity] = []
    seen: set[tuple[int, int]] = set()
    for f in sorted(r.found, key=lambda f: f.ti):
        a = f.actor
        s, e = d.pspan(f.ti, f.tj)
        if (s, e) in seen:
            continue
        seen.add((s, e))
        a.start, a.end, a.mention = s, e, text[s:e]
        kind = r.res.heads[f.head]["kind"] if f.head in r.res.heads else None
        out.append(Entity(s, e, "ACTOR", text[s:e], key=a.id, source="actors",
                          attrs={"actor": a, "how": f.how, "head": f.head, "head_kind": kind}))
    actor_ents = [x for x in out if x.attrs["actor"].category != 7]
    for ni, nj, titles, title_ti in r.persons:
        s, e = d.span(ni, nj)
        g = r.groups.get((ni, nj))
        group = g.actor if g is not None else _group_near(d, actor_ents, title_ti, ni, nj)
        out.append(Entity(s, e, "PER", text[s:e], key=None, source="actors",
                          attrs={"title": titles or None, "group": group}))
    for it, iso, attrs in r.norp:
        s, e = d.pspan(it.ti, it.tj)
        out.append(Entity(s, e, "NORP", text[s:e], key=iso, source="actors", attrs=attrs))
    out.sort(key=lambda x: (x.start, -x.end))
    return out


def _group_near(d: _Doc, actors: list[Entity], title_ti: int, ni: int, nj: int) -> Actor | None:
    """The group named right before the name (after its title) or right after it («أبو جعفر، القيادي في …»)."""
    lo = d.tokens[title_ti].start
    name_start, name_end = d.tokens[ni].start, d.tokens[nj].end
    before = [x for x in actors if lo <= x.start and x.end <= name_start]
    if before:
        return before[-1].attrs["actor"]
    limit = d.tokens[min(nj + 8, len(d.tokens) - 1)].end
    for x in actors:
        if name_end <= x.start <= limit:
            gap = d.nt.original[name_end:x.start]
            toks = [t for t in tokenize(normalize(gap)) if t.is_word]
            if all(t.key in d.res.titles or t.key in d.res.links or t.key in d.res.role_titles for t in toks):
                return x.attrs["actor"]
            break
    return None


@register("actors")
class ActorsStage:
    """Find actor, person and nationality mentions (see the module docstring).

    Options (pipeline config): ``user_registry`` — load the user's actor file too (default true).
    """

    name = "actors"
    reads = ("norm", "tokens", "sentences")
    writes = ("entities",)

    def __init__(self, user_registry: bool = True) -> None:
        reg = default_registry() if user_registry else _bundled_registry()
        self.res = get_resources(reg)

    def __call__(self, doc: Document) -> Document:
        nt = doc.norm if doc.norm is not None else normalize(doc.text)
        tokens = doc.tokens if doc.tokens else tokenize(nt)
        doc.entities.extend(_entities(_resolve(self.res, nt, tokens)))
        return doc


@lru_cache(maxsize=1)
def _bundled_registry() -> ActorRegistry:
    return ActorRegistry.load(include_user=False)


def find_actors(text: str, *, country: str | None = None) -> list[Entity]:
    """All ACTOR/PER/NORP entities of a free text (offsets into ``text``)."""
    return _find_actors(get_resources(), text, country)


def _find_actors(res: ActorResources, text: str, country: str | None) -> list[Entity]:
    nt = normalize(text)
    return _entities(_resolve(res, nt, tokenize(nt), country=country))


def resolve_actor_text(text: str, *, country: str | None = None) -> Actor | None:
    """Resolve an arbitrary phrase («قوات الأسد», «Hezbollah», «ميليشيا لواء فلان») to an Actor, or None.

    The longest actor phrase found in ``text`` wins; a text that is exactly a registered
    English or Arabic name is looked up directly. ``country`` (ISO) settles context words
    such as «التحالف» or «المقاومة».
    """
    if not isinstance(text, str) or not text.strip():
        return None
    res = get_resources()
    ents = [e for e in _find_actors(res, text, country) if e.label == "ACTOR"]
    if ents:
        best = max(ents, key=lambda e: (e.end - e.start, e.attrs["actor"].registered))
        return best.attrs["actor"]
    hits = res.registry.lookup(text.strip())
    if hits:
        e = hits[0]
        return e.actor(text.strip(), 0, len(text))
    return None
