"""The event vocabulary, compiled once per process from ``resources/events/*``.

Every list is data (triggers, weapons, modality, casualty and number words,
attribution and context cues); this module only folds the entries and builds
the matchers. :func:`vocab` returns one shared, read-only :class:`Vocab`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from marsad import resources
from marsad.errors import ResourceError
from marsad.lexicon import Lexicon, MultiLexicon
from marsad.model import SUB_TO_TYPE
from marsad.text import fold


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger entry of ``triggers.jsonl``."""

    surface: str
    sub: str
    pos: str = "n"
    generic: bool = False
    weak: bool = False
    result: bool = False

    @property
    def event_type(self) -> str:
        return SUB_TO_TYPE[self.sub]


@dataclass(frozen=True, slots=True)
class Cue:
    """A tagged cue: ``family`` says what it is (a modality family, 'weapon:<sub>', 'killed' …)."""

    family: str
    value: int = 0


@dataclass(frozen=True, slots=True)
class Vocab:
    triggers: Lexicon[Trigger]
    weapons: Lexicon[str]
    modality: Lexicon[Cue]
    windows: dict[str, tuple[int, int]]
    override: frozenset[str]
    casualties: Lexicon[Cue]
    numbers: Lexicon[Cue]
    tens: frozenset[str]
    attribution: Lexicon[Cue]
    complementizers: frozenset[str]
    context: dict[str, frozenset[str]]
    context_lex: Lexicon[Cue]
    glued: Any  # an ahocorasick automaton of strong trigger keys, for words written without a space
    #: the reporting verbs of attribution.json, folded («قال», «أفاد» …)
    speech_verbs: frozenset[str] = frozenset()


#: shortest trigger key looked for inside words glued to their neighbour («غارةعلى»)
GLUE_MIN = 4

_NO_ARTICLE = frozenset({"على", "من", "في", "إلى", "عن", "مع", "ضد", "بين", "لإطلاق", "إطلاق"})


def definite_forms(phrase: str) -> tuple[str, ...]:
    """A noun phrase and its definite form: «عبوة ناسفة» → also «العبوة الناسفة».

    The article of the first word is handled by the matcher (a proclitic); the following
    adjectives take it here. Prepositions and words that already have it are left alone.
    """
    words = phrase.split()
    if len(words) != 2 or words[0].startswith("ال"):
        return (phrase,)
    rest = [w if w.startswith(("ال", "لل")) or w in _NO_ARTICLE else "ال" + w for w in words[1:]]
    if rest == words[1:]:
        return (phrase,)
    return (phrase, " ".join([words[0], *rest]))


def _folded(words: list[str]) -> frozenset[str]:
    return frozenset(" ".join(fold(w).split()) for w in words)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The compiled event vocabulary (loaded and checked once per process)."""
    trig: Lexicon[Trigger] = Lexicon()
    glue: dict[str, list[Trigger]] = {}
    for n, rec in enumerate(resources.load_jsonl("events/triggers.jsonl"), 1):
        if rec.get("sub") not in SUB_TO_TYPE:
            raise ResourceError(
                f"events/triggers.jsonl entry {n} ({rec.get('t')!r}) has unknown sub-type {rec.get('sub')!r}; "
                "use a sub_event_type of the codebook", code="E203")
        t = Trigger(rec["t"], rec["sub"], rec.get("pos", "n"), bool(rec.get("generic")), bool(rec.get("weak")),
                    bool(rec.get("result")))
        for form in definite_forms(rec["t"]) if t.pos == "n" else (rec["t"],):
            trig.add(form, t, suffixes=bool(rec.get("sfx")))
            key = " ".join(fold(form).split())
            if not t.weak and not t.generic and len(key) >= GLUE_MIN:
                glue.setdefault(key, []).append(t)
    trig.compile()

    weap: Lexicon[str] = Lexicon()
    for rec in resources.load_jsonl("events/weapons.jsonl"):
        if rec.get("sub") not in SUB_TO_TYPE:
            raise ResourceError(f"events/weapons.jsonl: unknown sub-type {rec.get('sub')!r}", code="E203")
        for form in definite_forms(rec["t"]):
            weap.add(form, rec["sub"], suffixes=bool(rec.get("sfx")))
    weap.compile()

    mod = resources.load_json("events/modality.json")
    mlex: Lexicon[Cue] = Lexicon()
    windows: dict[str, tuple[int, int]] = {}
    for fam, spec in mod["families"].items():
        windows[fam] = (int(spec["window_before"]), int(spec["window_after"]))
        for c in spec["cues"]:
            mlex.add(c, Cue(fam))
    mlex.compile()

    cas = resources.load_json("events/casualties.json")
    clex: Lexicon[Cue] = Lexicon()
    for fam in ("killed", "killed_plural", "massacre", "injured", "none"):
        for w in cas[fam]:
            clex.add(w, Cue(fam))
    clex.compile()

    num = resources.load_json("events/numbers.json")
    nlex: Lexicon[Cue] = Lexicon()
    for w, v in num["cardinals"].items():
        nlex.add(w, Cue("number", int(v)))
    for w in num["duals"]:
        nlex.add(w, Cue("dual", 2))
    for w in num["singulars"]:
        nlex.add(w, Cue("single", 1))
    for w, v in num["vague"].items():
        nlex.add(w, Cue("vague", int(v)))
    for w in num["hedges"]:
        nlex.add(w, Cue("hedge"))
    nlex.compile()

    att = resources.load_json("events/attribution.json")
    alex: Lexicon[Cue] = Lexicon()
    for w in att["verbs"]:
        alex.add(w, Cue("verb"))
    for w in att["preps"]:
        alex.add(w, Cue("prep"))
    alex.compile()

    ctx = resources.load_json("events/context.json")
    context = {k: _folded(v) for k, v in ctx.items() if not k.startswith("_")}
    xlex: Lexicon[Cue] = Lexicon()
    for fam in ("support", "armed", "crowd"):
        for w in ctx[fam]:
            xlex.add(w, Cue(fam))
    xlex.compile()

    MultiLexicon([trig, weap, mlex, clex, nlex, alex, xlex])  # one scan of a text finds the matches of all seven

    auto = ahocorasick.Automaton()
    for key, ts in glue.items():
        auto.add_word(key, (key, tuple(ts)))
    if glue:
        auto.make_automaton()
    return Vocab(trig, weap, mlex, windows, _folded(mod["override"]), clex, nlex, _folded(num["tens"]), alex,
                 _folded(att["complementizers"]), context, xlex, auto, _folded(att["verbs"]))
