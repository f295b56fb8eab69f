"""Stage ``actors``: actor phrases, civilians, unidentified perpetrators, persons and nationalities.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from marsad.model import Actor, Document, Entity
from marsad.pipeline import Pipeline
from marsad.registry import add_user_actor
from marsad.stages.actors import ActorsStage, find_actors, resolve_actor_text
from marsad.stages.normalize import NormalizeStage


def run(text: str) -> Document:
    doc = Document(id="t", text=text)
    NormalizeStage()(doc)
    ActorsStage()(doc)
    return doc


def actors(text: str) -> list[Entity]:
    return [e for e in run(text).entities if e.label == "ACTOR"]


def by_text(ents: list[Entity], text: str) -> Entity:
    for e in ents:
        if e.text == text:
            return e
    raise AssertionError(f"no entity {text!r} among {[e.text for e in ents]}")


def check_offsets(doc: Document) -> None:
    for e in doc.entities:
        assert doc.text[e.start:e.end] == e.text
        a = e.attrs.get("actor")
        if a is not None:
            assert (a.start, a.end, a.mention) == (e.start, e.end, e.text)
            assert a.name and a.category in range(1, 9)


def test_regime_variants_resolve_to_one_actor() -> None:
    text = "قصفت قوات النظام قرية في ريف حماة، ثم استهدفت قوات الأسد وطيران النظام السوري والجيش العربي السوري المنطقة."
    doc = run(text)
    check_offsets(doc)
    ents = [e for e in doc.entities if e.label == "ACTOR"]
    assert [e.text for e in ents] == ["قوات النظام", "قوات الأسد", "طيران النظام السوري", "الجيش العربي السوري"]
    assert {e.key for e in ents} == {"sy-military"}
    a = ents[0].attrs["actor"]
    assert (a.name, a.name_ar, a.category, a.country, a.registered) == (
        "Military Forces of Syria", "الجيش السوري", 1, "SY", True)


def test_clitics_stay_outside_the_span() -> None:
    doc = run("اشتبكت قوات المعارضة مع قوات الأسد وميليشيا حزب الله في ريف حلب.")
    check_offsets(doc)
    ents = [e for e in doc.entities if e.label == "ACTOR"]
    assert "ميليشيا حزب الله" in [e.text for e in ents]
    assert by_text(ents, "ميليشيا حزب الله").key == "hezbollah"
    assert by_text(ents, "قوات المعارضة").key == "sy-opposition"


def test_phrases_stop_at_conjunctions_and_attack_nouns() -> None:
    ents = actors("اشتبك الجيش وحزب الله مع المسلحين في القلمون اللبنانية.")
    assert [(e.text, e.key) for e in ents][:2] == [("الجيش", "lb-military"), ("حزب الله", "hezbollah")]
    ents = actors("قصف الطيران المروحي بالبراميل المتفجرة قرية في ريف حماة.")
    assert [(e.text, e.key) for e in ents] == [("الطيران المروحي", "sy-military")]
    ents = actors("شنت طائرات أميركية غارات روسية على ريف دير الزور.")
    assert [(e.text, e.key) for e in ents] == [("طائرات أميركية", "us-military"), ("غارات روسية", "ru-military")]


def test_group_with_nationality_adjective() -> None:
    ents = actors("قتل عنصران من ميليشيا عصائب أهل الحق العراقية بانفجار عبوة في ريف دير الزور.")
    e = by_text(ents, "عنصران من ميليشيا عصائب أهل الحق العراقية")
    assert e.key == "iq-asaib"
    assert e.attrs["actor"].name == "Asaib Ahl al-Haq"
    ents = actors("أعلنت ميليشيا حزب الله اللبنانية عن مقتل أحد عناصرها.")
    assert by_text(ents, "ميليشيا حزب الله اللبنانية").key == "hezbollah"


def test_head_and_nationality_give_the_state_force() -> None:
    ents = actors("قصفت المقاتلات التركية والمدفعية التركية قرى في ريف الحسكة، واعتقلت الشرطة التركية ثلاثة.")
    assert by_text(ents, "المقاتلات التركية").key == "tr-military"
    assert by_text(ents, "المدفعية التركية").key == "tr-military"
    assert by_text(ents, "الشرطة التركية").key == "tr-police"
    # a Turkish force acting in a Syrian story is an external force (ACLED category 8)
    assert by_text(ents, "المقاتلات التركية").attrs["actor"].category == 8
    ents = actors("شنت طائرات روسية غارات على إدلب.")
    assert by_text(ents, "طائرات روسية").key == "ru-military"


def test_attack_noun_kind_nationality() -> None:
    # the kind of attack may stand between the attack noun and the nationality
    assert resolve_actor_text("غارات جوية إسرائيلية").id == "il-military"
    assert resolve_actor_text("قصف مدفعي تركي").id == "tr-military"
    assert resolve_actor_text("ضربات جوية روسية").id == "ru-military"
    assert resolve_actor_text("قصف مكثف على المدينة") is None  # no nationality: no actor


def test_occupation_wording_switches_country() -> None:
    ents = actors("استهدفت قوات الاحتلال التركي بلدة في ريف حلب الشمالي، وقصفت قوات الاحتلال مخيم جنين.")
    assert by_text(ents, "قوات الاحتلال التركي").key == "tr-military"
    assert by_text(ents, "قوات الاحتلال").key == "il-military"


def test_proxies_and_bases() -> None:
    ents = actors("هاجمت القوات المدعومة من إيران قاعدة حقل العمر الأميركية في دير الزور.")
    assert by_text(ents, "القوات المدعومة من إيران").key == "ir-backed-militias"
    assert by_text(ents, "قاعدة حقل العمر الأميركية").key == "us-military"


def test_context_words_follow_the_document_country() -> None:
    yemen = actors("شن طيران التحالف غارات على صنعاء، واشتبكت المقاومة مع الحوثيين في تعز.")
    assert by_text(yemen, "طيران التحالف").key == "sa-led-coalition"
    assert by_text(yemen, "المقاومة").key == "ye-popular-resistance"
    syria = actors("استهدف طيران التحالف مواقع تنظيم داعش في البادية السورية قرب دير الزور.")
    assert by_text(syria, "طيران التحالف").key == "us-led-coalition"
    sudan = actors("اشتبك الجيش مع قوات الدعم السريع في الخرطوم.")
    assert by_text(sudan, "الجيش").key == "sd-military"
    # a bare «الجيش» right after a named foreign army is that army
    iraq = actors("قصف الجيش التركي مواقع قرب دهوك في العراق، وقال الجيش إن العملية مستمرة في العراق.")
    assert [e.key for e in iraq] == ["tr-military", "tr-military"]
    # with no clue about the country, an ambiguous word stays unresolved
    assert resolve_actor_text("التحالف") is None
    assert resolve_actor_text("التحالف", country="YE").id == "sa-led-coalition"


def test_anaphor_refers_back_to_the_group() -> None:
    ents = actors("هاجم تنظيم داعش نقطة للجيش العراقي في الأنبار، وتبنى التنظيم الهجوم لاحقا.")
    assert by_text(ents, "التنظيم").key == "islamic-state"
    # without an antecedent the word is not an actor
    assert all(e.text != "التنظيم" for e in actors("قال التنظيم الإداري للمدينة إن الطرق مغلقة."))


def test_unknown_group_is_an_unregistered_actor() -> None:
    doc = run("هاجمت ميليشيا لواء الصابرين الجديد حاجزا للجيش قرب تدمر.")
    check_offsets(doc)
    e = by_text([x for x in doc.entities if x.label == "ACTOR"], "ميليشيا لواء الصابرين الجديد")
    a = e.attrs["actor"]
    assert e.key is None and a.id is None and not a.registered
    assert a.name == "لواء الصابرين الجديد"
    assert a.category == 3
    # a tribal name is guessed as an identity militia
    e = by_text(actors("هاجمت ميليشيا عشيرة البوفلان قرية مجاورة."), "ميليشيا عشيرة البوفلان")
    assert e.attrs["actor"].category == 4
    assert not e.attrs["actor"].registered
    # a head followed by ordinary words is no group
    assert not [e for e in actors("حركة السير في المدينة طبيعية اليوم.") if not e.attrs["actor"].registered]


def test_user_registry_entry_is_found(tmp_path: Path) -> None:
    add_user_actor({"id": "sy-liwa-sabirin", "name": "Liwa al-Sabirin", "name_ar": "لواء الصابرين",
                    "ar": [], "category": 3, "country": "SY"})
    doc = Document(id="u", text="هاجمت ميليشيا لواء الصابرين حاجزا قرب تدمر.")
    NormalizeStage()(doc)
    ActorsStage()(doc)
    e = next(x for x in doc.entities if x.label == "ACTOR")
    assert (e.text, e.key) == ("ميليشيا لواء الصابرين", "sy-liwa-sabirin")
    doc = Document(id="u", text=doc.text)
    NormalizeStage()(doc)
    ActorsStage(user_registry=False)(doc)
    assert next(x for x in doc.entities if x.label == "ACTOR").key is None


def test_civilians() -> None:
    doc = run("قتل ثلاثة مدنيين بينهم طفل وامرأة بقصف على ريف إدلب، وأصيب عدد من المدنيين الفلسطينيين في غزة.")
    check_offsets(doc)
    ents = [e for e in doc.entities if e.label == "ACTOR"]
    for t in ("مدنيين", "طفل", "امرأة", "المدنيين الفلسطينيين"):
        a = by_text(ents, t).attrs["actor"]
        assert a.category == 7 and a.name.startswith("Civilians")
    assert by_text(ents, "المدنيين الفلسطينيين").attrs["actor"].name == "Civilians (Palestine)"
    assert by_text(ents, "المدنيين الفلسطينيين").attrs["actor"].country == "PS"
    for t in ("شبان", "السائقين"):  # young men, drivers
        assert resolve_actor_text(t).category == 7


def test_unidentified_perpetrators() -> None:
    doc = run("اغتال مسلحون مجهولون مختار القرية، وفي حادث آخر أطلق مجهولون النار على سيارة.")
    check_offsets(doc)
    ents = [e for e in doc.entities if e.label == "ACTOR"]
    for t in ("مسلحون مجهولون", "مجهولون"):
        a = by_text(ents, t).attrs["actor"]
        assert a.name == "Unidentified Armed Group"
        assert a.category == 3
    # an ethnic adjective after a fighters word names the militia
    ents = actors("قال الجيش التركي إن مسلحين أكرادا قتلوا جنديين في ولاية هكاري.")
    assert by_text(ents, "مسلحين أكرادا").key == "pkk"


def test_kunya_person_linked_to_group() -> None:
    text = 'قتل القيادي في ميليشيا حزب الله المدعو "أبو علي العراقي" بغارة قرب القصير.'
    doc = run(text)
    check_offsets(doc)
    pers = [e for e in doc.entities if e.label == "PER"]
    assert len(pers) == 1
    p = pers[0]
    assert p.text == "أبو علي العراقي"
    assert p.attrs["title"].startswith("القيادي")
    assert isinstance(p.attrs["group"], Actor) and p.attrs["group"].id == "hezbollah"
    assert p.key is None  # a person has no registry id; its group is in attrs
    # the nisba inside the name is not a separate nationality mention
    assert not [e for e in doc.entities if e.label == "NORP"]


def test_titled_person_and_group_after_the_name() -> None:
    doc = run("أعلنت الفصائل مقتل العميد سهيل الفلاني قائد ميليشيا الدفاع الوطني في حمص.")
    p = next(e for e in doc.entities if e.label == "PER")
    assert p.text == "سهيل الفلاني" and p.attrs["title"] == "العميد"
    assert p.attrs["group"].id == "sy-ndf"
    doc = run("وقال أبو محمد الشامي، القيادي في هيئة تحرير الشام، إن الهجوم فشل.")
    p = next(e for e in doc.entities if e.label == "PER")
    assert p.text == "أبو محمد الشامي"
    assert p.attrs["group"].id == "hts"
    # a bare title before a verb is no person
    assert not [e for e in run("الإرهابي وقع في قبضة الأمن.").entities if e.label == "PER"]
    # «أبو» before a place-like word is no person
    assert not [e for e in run("وصلت التعزيزات إلى أبو ظبي أمس.").entities if e.label == "PER"]


def test_nationality_adjectives_are_norp() -> None:
    doc = run("قال مسؤول إيراني إن الوفد العراقي وصل، وأكدت مصادر سورية الخبر.")
    norp = {e.text: e.key for e in doc.entities if e.label == "NORP"}
    assert norp == {"إيراني": "IR", "العراقي": "IQ"} or norp == {"إيراني": "IR", "العراقي": "IQ", "سورية": "SY"}
    check_offsets(doc)


def test_resolve_actor_text() -> None:
    a = resolve_actor_text("قوات الأسد")
    assert a is not None and a.id == "sy-military" and a.mention == "قوات الأسد"
    assert resolve_actor_text("Hezbollah").id == "hezbollah"
    assert resolve_actor_text("ميليشيا حزب الله اللبنانية").id == "hezbollah"
    u = resolve_actor_text("مسلحون مجهولون")
    assert u.name == "Unidentified Armed Group"
    x = resolve_actor_text("ميليشيا لواء فلان")
    assert x is not None and not x.registered
    assert resolve_actor_text("") is None
    assert resolve_actor_text("كان الجو مشمسا") is None


def test_stage_in_a_pipeline_and_entity_contract() -> None:
    pipe = Pipeline.from_config({"stage": [{"name": "normalize"}, {"name": "actors"}]})
    doc = pipe(Document(id="p", text="استهدفت طائرة مسيرة تركية سيارة لقسد قرب القامشلي، ما أدى لمقتل مدنيين."))
    ents = [e for e in doc.entities if e.label == "ACTOR"]
    assert [e.key for e in ents] == ["tr-military", "sdf", "civilians"]
    for e in ents:
        assert e.source == "actors" and isinstance(e.attrs["actor"], Actor)
        d = e.attrs["actor"].to_dict()
        assert set(d) >= {"name", "name_ar", "mention", "category"}


def test_empty_and_non_arabic_documents() -> None:
    assert run("   .  ").entities == []
    assert run("The weather was fine in London today.").entities == []
    assert find_actors("") == []


def test_speed_per_article() -> None:
    para = ("قصفت قوات النظام بلدات في ريف إدلب، وردت الفصائل المقاتلة باستهداف مواقع لميليشيا حزب الله "
            "والميليشيات الإيرانية، فيما قتل مدنيان وأصيب طفل. وقال القيادي المدعو أبو علي إن التحالف الدولي "
            "شن غارات على خلايا تنظيم داعش في البادية. ")
    doc = Document(id="s", text=para * 12)  # about 3,000 characters, a long news article
    NormalizeStage()(doc)
    stage = ActorsStage()
    stage(doc)
    n = 50
    t0 = time.perf_counter()
    for _ in range(n):
        doc.entities = []
        stage(doc)
    per_doc = (time.perf_counter() - t0) / n
    assert per_doc < 0.05, f"actors stage took {per_doc * 1000:.1f} ms per article"


@pytest.mark.shared
def test_dev_gold_actor_recall(shared: Path) -> None:
    """Most gold actors of the dev set are found as ACTOR entities in their article (an upper bound for events)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("score", shared / "eval" / "score.py")
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    docs = {}
    for line in (shared / "corpus" / "dev" / "articles.docs.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        docs[rec["id"]] = rec["text"]
    hit = total = 0
    for line in (shared / "corpus" / "dev" / "articles.gold.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        if g["id"] not in docs:
            continue
        doc = run(docs[g["id"]])
        check_offsets(doc)
        found = [e.attrs["actor"].to_dict() for e in doc.entities if e.label == "ACTOR"]
        for ev in g["events"]:
            for k in ("actor1", "actor2"):
                if ev.get("optional") or not ev.get(k):
                    continue
                total += 1
                hit += any(score.actor_ok(a, ev[k]) for a in found)
    assert total > 100
    assert hit / total >= 0.9, f"only {hit}/{total} gold actors found"


_PIECES = ["قوات", "النظام", "الأسد", "ميليشيا", "حزب", "الله", "العراقية", "التركية", "مسلحون", "مجهولون", "و", "ب",
           "لل", "التحالف", "الدولي", "القيادي", "في", "المدعو", "أبو", "علي", "مدنيين", "طفل", "لواء", "الصابرين",
           "من", "عناصر", "«", "»", '"', "،", ".", "\u064e", "\u0640", "\u200f", "\ufefb", "١٢", "\n", " ", "  "]


def test_offsets_hold_on_noisy_text() -> None:
    """Random mixes of actor words, clitics, diacritics, tatweel, controls and punctuation: spans always slice exactly."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=40).map(lambda xs: "".join(
        x if x in ("و", "ب", "لل") else x + " " for x in xs)))
    def check(text: str) -> None:
        doc = Document(id="h", text=text)
        NormalizeStage()(doc)
        ActorsStage()(doc)
        check_offsets(doc)
        for e in doc.entities:
            assert e.start < e.end and e.text.strip() == e.text

    check()
