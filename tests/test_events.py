"""The events stage: detection, modality, casualties, dedup, evidence offsets, resources, and the seed article."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad import resources
from marsad.events.casualties import casualties
from marsad.events.view import DocView
from marsad.events.vocab import vocab
from marsad.model import SUB_TO_TYPE, Document, Event
from marsad.pipeline import Pipeline, default_pipeline
from marsad.stages.events import EventsStage
from marsad.stages.normalize import NormalizeStage

PUB = date(2023, 9, 24)


def _run(text: str, published: date | None = PUB) -> Document:
    doc = Document(id="t", text=text, published=published)
    return default_pipeline()(doc)


def _killed(text: str) -> tuple[int | None, int | None, bool]:
    doc = NormalizeStage()(Document(id="c", text=text))
    view = DocView.of(doc)
    c = casualties(view, 0, len(view.key))
    return c.killed, c.injured, c.zero


@pytest.mark.parametrize(("text", "killed"), [
    ("أسفر القصف عن مقتل 5 عناصر", 5),
    ("سقط 5 قتلى في الهجوم", 5),
    ("قتل خمسة أشخاص", 5),
    ("قتل خمسة وعشرون مقاتلا", 25),
    ("أسفر عن مقتل ما لا يقل عن 12 شخصا", 12),
    ("قتيلان في الهجوم", 2),
    ("أوقع عدداً من القتلى", 3),
    ("سقوط قتلى في صفوف القوات", 3),
    ("سقوط عشرات القتلى", 10),
    ("مقتل مدني برصاص قناص", 1),
    ("ارتكبت الطائرات مجزرة", 3),
    ("قتل 20 شخصا منذ بداية الحرب وقتل 3404 آخرون", 20),
    ("قتل خلالها أكثر من 10 مسلحين حوثيين وجرح العشرات، فيما قتل أربعة من المقاومة", 14),
    ("قتل فيه 22 من المسلحين", 22),
    ("ارتفع عدد القتلى إلى نحو 100 شخص", 100),
    ("أسفر عن مقتل 5 أشخاص بينهم 3 أطفال", 5),
])
def test_killed_figures(text: str, killed: int) -> None:
    assert _killed(text)[0] == killed


def test_denied_deaths_are_not_counted() -> None:
    assert _killed("وتنفي المصادر استشهاد أي عنصر في الغارة")[0] is None


def test_injuries_are_not_fatalities() -> None:
    k, i, _ = _killed("أصيب ثلاثة عناصر بجروح")
    assert k is None and i == 3


def test_no_casualties_phrase_is_zero() -> None:
    k, _, zero = _killed("سقطت قذائف على الحي دون وقوع إصابات")
    assert k is None and zero


def test_conflicting_figures_keep_the_lowest() -> None:
    doc = _run("قتل خمسة أشخاص في غارة جوية على مدينة سرمين.\nوقالت مصادر إن الغارة على سرمين أدت إلى مقتل 9 أشخاص.")
    assert [e.fatalities for e in doc.events] == [5]


def test_evidence_slices_the_original_text() -> None:
    text = "قَصَفَت طائراتٌ حربيّة روسيّة أمـس بلدة كفرنبل في ريف إدلب، ما أدّى إلى مقتل ثلاثة مدنيين."
    doc = _run(text)
    assert len(doc.events) == 1
    ev = doc.events[0]
    roles = {e.role for e in ev.evidence}
    assert {"trigger", "date", "fatalities"} <= roles
    for e in ev.evidence:
        assert text[e.start:e.end] == e.text


@pytest.mark.parametrize("text", [
    "نفت وزارة الدفاع شن غارات على مدينة إدلب.",
    "توعد الجيش بشن هجوم على مدينة منبج.",
    "أدانت الخارجية القصف على مدينة أريحا.",
    "طالب الأهالي بوقف القصف على مدينة حماة.",
    "تكرار تعرض المواقع في مدينة الميادين لهجمات من قبل طيران التحالف.",
    "يعتزم الجيش شن غارات على مدينة إدلب.",
])
def test_modality_suppresses(text: str) -> None:
    assert _run(text).events == []


def test_no_casualties_does_not_negate_the_event() -> None:
    doc = _run("سقطت قذائف صاروخية على مدينة حلب اليوم دون وقوع إصابات.")
    assert len(doc.events) == 1 and doc.events[0].fatalities == 0


def test_background_is_flagged_and_option_unflags() -> None:
    text = "قصفت الطائرات الحربية مدينة حلب في 12 آذار 2015."
    doc = _run(text)
    assert [e.background for e in doc.events] == [True]
    cfg = {"stage": [{"name": "normalize"}, {"name": "actors"}, {"name": "geo"}, {"name": "time"},
                     {"name": "events", "include_background": True}]}
    doc2 = Pipeline.from_config(cfg)(Document(id="b", text=text, published=PUB))
    assert [e.background for e in doc2.events] == [False]


def test_bulletin_gives_several_events() -> None:
    text = ("قصفت قوات النظام بالمدفعية مدينة حماة اليوم.\n"
            "وفي مدينة درعا، دارت اشتباكات بين فصائل المعارضة وقوات النظام.\n"
            "كما اعتقلت قوات الأمن ثلاثة شبان في مدينة اللاذقية.")
    types = sorted(e.event_type for e in _run(text).events)
    assert types == ["Battles", "Explosions/Remote violence", "Strategic developments"]


def test_notes_and_confidence() -> None:
    ev = _run("قصفت طائرات التحالف الدولي مواقع لتنظيم داعش في مدينة البوكمال أمس، ما أدى إلى مقتل 4 عناصر.").events[0]
    assert ev.notes.startswith("On 23 September 2023, ")
    assert "4 fatalities" in ev.notes
    assert 0.5 < ev.confidence <= 0.99
    d = ev.to_dict()
    assert set(d) >= {"doc_id", "event_type", "sub_event_type", "date", "actor1", "actor2", "location", "fatalities"}


def test_stage_contract() -> None:
    st = EventsStage()
    assert st.name == "events" and "dates" in st.reads and st.writes == ("events",)


# --------------------------------------------------------------------------- resources


def test_trigger_resources_are_valid() -> None:
    recs = resources.load_jsonl("events/triggers.jsonl")
    seen = set()
    for r in recs:
        assert r["sub"] in SUB_TO_TYPE, r
        assert r.get("pos", "n") in ("n", "v"), r
        key = (r["t"], r["sub"])
        assert key not in seen, f"duplicate trigger {key}"
        seen.add(key)
    for r in resources.load_jsonl("events/weapons.jsonl"):
        assert r["sub"] in SUB_TO_TYPE, r
    covered = {r["sub"] for r in recs}
    missing = set(SUB_TO_TYPE) - covered - {"Other"}
    assert not missing, f"sub-types without a trigger: {missing}"


def _strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() if not str(k).startswith("_") for s in _strings(k) + _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


@pytest.mark.parametrize("name", ["events/modality.json", "events/numbers.json", "events/casualties.json",
                                  "events/dates.json", "events/attribution.json", "events/context.json"])
def test_word_lists_use_plain_arabic_letters(name: str) -> None:
    for s in _strings(resources.load_json(name)):
        for ch in s:
            cp = ord(ch)
            assert not (0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF), f"{name}: presentation form in {s!r}"
            assert ch not in "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640", f"{name}: diacritic in {s!r}"
            assert ch not in "\u06cc\u06a9", f"{name}: Persian letter in {s!r}"


def test_number_words_are_real_arabic() -> None:
    nums = resources.load_json("events/numbers.json")["cardinals"]
    assert nums["عشرة"] == 10 and nums["خمسة"] == 5 and nums["مئة"] == 100


def test_vocab_compiles_once() -> None:
    assert vocab() is vocab()


# --------------------------------------------------------------------------- the seed article (../shared)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def test_seed_article(shared: Path) -> None:
    """The SY24 seed: the coalition's strike on al-Mayadin, 3 dead, exact evidence, no background trend."""
    rec = json.loads((shared / "corpus/dev/seed.docs.jsonl").read_text(encoding="utf-8").splitlines()[0])
    doc = Document(id=rec["id"], text=rec["text"], published=None, outlet=rec.get("outlet"))
    events: list[Event] = default_pipeline()(doc).events
    strikes = [e for e in events if e.event_type == "Explosions/Remote violence"]
    assert len(strikes) == 1
    s = strikes[0]
    assert s.sub_event_type in ("Air/drone strike", "Shelling/artillery/missile attack")
    assert s.location is not None and _km((s.location.latitude, s.location.longitude), (35.02, 40.43)) <= 10
    assert s.actor1 is not None and "التحالف" in (s.actor1.mention or "")
    assert s.actor2 is not None and "ميليشيا" in (s.actor2.mention or "") + (s.actor2.name_ar or "")
    assert s.fatalities == 3
    for e in events:
        for ev in e.evidence:
            assert rec["text"][ev.start:ev.end] == ev.text
    last_par = rec["text"].rindex("يشار إلى أن")
    for e in events:
        assert all(ev.start < last_par for ev in e.evidence if ev.role == "trigger"), e.to_dict()


# --------------------------------------------------------------------------- property: evidence offsets

_PIECES = ["قصفت", "الطائرات", "الحربية", "مدينة", "حلب", "أمس", "اليوم", "مقتل", "5", "مدنيين", "في", "،", ".",
           "\u064e", "\u0640", "غارة", "جوية", "على", "بلدة", "كفرنبل", "اشتباكات", "بين", "قوات", "النظام", "و",
           "داعش", "نفى", "الجيش", "24", "أيلول", "2023", "\n", "عبوة", "ناسفة", "قتلى", "ﻻ", "  "]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40), st.booleans())
def test_evidence_always_slices_the_text(pieces: list[str], dated: bool) -> None:
    text = " ".join(pieces)
    doc = default_pipeline()(Document(id="h", text=text, published=PUB if dated else None))
    for ev in doc.events:
        assert ev.event_type and ev.sub_event_type
        assert ev.fatalities >= 0
        for e in ev.evidence:
            assert text[e.start:e.end] == e.text
