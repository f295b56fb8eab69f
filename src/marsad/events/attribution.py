"""Attribution: who reported an incident, as the exact text of the reporting phrase.

A reporting verb («قال», «أعلنت», «أفاد» …) opens a phrase that runs to its
complementizer («أن», «إن») or to the next comma: «قال مصدر خاص لمراسل SY24».
A source preposition («وفق», «بحسب», «نقلا عن») opens one that runs to the next
comma or the sentence end: «وفق المرصد السوري لحقوق الإنسان». The cue nearest
before the trigger in its sentence wins, else the first one after it.
"""

from __future__ import annotations

from marsad.events.view import DocView
from marsad.events.vocab import vocab

#: longest attribution phrase, in tokens
MAX_TOKENS = 12


def _cues(view: DocView) -> list:
    if "attribution" not in view.cache:
        view.cache["attribution"] = vocab().attribution.find(view.nt)
    return view.cache["attribution"]  # type: ignore[return-value]


def attribution(view: DocView, sentence: int, anchor: int) -> tuple[int, int] | None:
    """The normalized range of the reporting phrase for a trigger at ``anchor`` in ``sentence``."""
    sa, sb = view.sentences[sentence] if view.sentences else (0, len(view.key))
    cues = [c for c in _cues(view) if sa <= c.nstart and c.nend <= sb]
    if not cues:
        return None
    before = [c for c in cues if c.nend <= anchor]
    c = before[-1] if before else cues[0]
    if c.nstart <= anchor < c.nend:
        return None
    comp = vocab().complementizers
    i = view.token_at(c.nend)
    end = c.nend
    n = 0
    to_comp = False
    while i < len(view.tokens) and view.tokens[i].nstart < sb and n < MAX_TOKENS:
        t = view.tokens[i]
        k = t.key
        if k in (",", ".", ":", ";", '"', "«", "»", "(", ")"):
            break
        if c.payloads[0].family == "verb" and (k in comp or (k.startswith("و") and k[1:] in comp)):
            to_comp = True
            break
        if c.nend <= anchor and t.nstart >= anchor:
            break
        end = t.nend
        i += 1
        n += 1
    if end - c.nstart < 4 or end == c.nend:
        return None
    if c.key in _AMBIGUOUS and not to_comp:
        return None  # «بين» reports («بيّن المصدر أن …») only when a complementizer follows; else it means "between"
    return c.nstart, end


#: reporting verbs spelled like a common word: they count only when a complementizer follows
_AMBIGUOUS = frozenset({"بين"})
