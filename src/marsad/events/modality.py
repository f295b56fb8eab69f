"""Modality: is a trigger a reported incident, or a negation, threat, demand, trend, hypothesis …?

Cue families and their token windows are data (``resources/events/modality.json``).
A cue scopes over a trigger that follows it within its family's ``window_before``
tokens (or precedes it within ``window_after``), never across a sentence end;
negation also stops at a clause break. A negation cue followed by an outcome word
(«دون وقوع إصابات», «لم يسفر عن …») negates the outcome, not the event.

Families that suppress an event: negation, denial, threat, demand, condemnation, trend,
period, hypothetical, statement, reference (without a place of its own), judicial (trials,
acquittals, confessions), convicted, accusation (charges, blame), future, aftermath («عاد
الهدوء بعد …») and accident. ``background`` and ``commemoration`` (funerals, anniversaries)
keep the event but flag it. A family with ``"across_clauses": true`` in the data scopes
across commas and clause openers (a trend or a denial governs its whole complement; a trial
governs the account of the crime it judges).
"""

from __future__ import annotations

from functools import lru_cache

from marsad import resources
from marsad.events.view import HARD_BREAKS, SOFT_BREAKS, DocView
from marsad.events.vocab import vocab

#: families whose cue means the incident is not coded
SUPPRESS = frozenset({"negation", "denial", "denied", "threat", "demand", "condemnation", "trend", "hypothetical", "statement",
                      "reference", "judicial", "convicted", "accusation", "future", "aftermath", "period",
                      "accident"})
#: «بالتزامن مع قصف …»: suppressed only when the mention has no place of its own
REFERENCE = "reference"
#: a foiled attack («أحبطت قوات الأمن هجوماً») is no violent event; strategic triggers are not affected
FOILED = "foiled"
#: families whose cue is overruled when the clause itself tells a dated or deadly incident
#: («دان الهجوم الانتحاري الذي أوقع أمس 30 قتيلاً»)
SOFT = frozenset({"condemnation", "statement", "demand"})
#: families that only flag the event
FLAG = frozenset({"background", "commemoration"})


def modality_of(view: DocView, nstart: int, nend: int) -> tuple[str | None, tuple[int, int] | None]:
    """The modality family governing the trigger at normalized [nstart, nend) and its cue's range."""
    ti = view.token_containing(nstart)
    tj = view.token_containing(max(nstart, nend - 1))
    across = _across_clauses()
    best: tuple[int, str, tuple[int, int]] | None = None
    for fam, wb, wa, ci, cj, span in _cue_tokens(view):
        if ci < ti <= cj:
            dist = 0  # «أي ضربة» over «ضربة جوية»: the cue opens on a word before the trigger and takes it in
        elif cj < ti:
            dist = ti - cj
            if dist > wb or _broken(view, cj + 1, ti, soft=fam not in across):
                continue
            if fam == "negation" and _overridden(view, cj + 1, ti):
                continue
        elif ci > tj:
            dist = ci - tj
            if dist > wa or _broken(view, tj + 1, ci, soft=True):
                continue
        else:
            continue
        if best is None or dist < best[0]:
            best = (dist, fam, span)
    if best is None:
        return None, None
    return best[1], best[2]


@lru_cache(maxsize=1)
def _across_clauses() -> frozenset[str]:
    """The families whose cues scope across commas and clause openers (``"across_clauses": true``)."""
    fams = resources.load_json("events/modality.json")["families"]
    return frozenset(f for f, spec in fams.items() if spec.get("across_clauses"))


def _cues(view: DocView) -> list:
    """The modality cues of the document, found once per view."""
    if "modality" not in view.cache:
        view.cache["modality"] = vocab().modality.find(view.nt)
    return view.cache["modality"]  # type: ignore[return-value]


def _cue_tokens(view: DocView) -> list[tuple[str, int, int, int, int, tuple[int, int]]]:
    """Each modality cue of the document as (family, window before, window after, first token, last token,
    normalized range), found once per view (every trigger of the document is compared with all of them)."""
    out = view.cache.get("modality_tokens")
    if out is None:
        windows = vocab().windows
        out = []
        for c in _cues(view):
            fam = c.payloads[0].family
            wb, wa = windows[fam]
            out.append((fam, wb, wa, view.token_containing(c.nstart), view.token_containing(max(c.nstart, c.nend - 1)),
                        (c.nstart, c.nend)))
        view.cache["modality_tokens"] = out
    return out  # type: ignore[return-value]


def _broken(view: DocView, i: int, j: int, *, soft: bool) -> bool:
    """True when tokens [i, j) hold a sentence end (or, with ``soft``, a clause break)."""
    for k in range(i, min(j, len(view.tokens))):
        key = view.tokens[k].key
        if key in HARD_BREAKS or (soft and key in SOFT_BREAKS):
            return True
    return False


def _overridden(view: DocView, i: int, j: int) -> bool:
    """A negation followed by an outcome word («وقوع», «يسفر» …) before the trigger negates the outcome."""
    ov = vocab().override
    for k in range(i, min(j, len(view.tokens))):
        key = view.tokens[k].key
        for p in ("", "و", "ف"):
            if key.startswith(p) and key[len(p):] in ov:
                return True
    return False
