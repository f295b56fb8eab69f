"""Geoparsing: gazetteer index, toponym recognition, ranking hard cases, precision, event location."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from marsad import resources
from marsad.geo.entry import FEATURES, GeoEntry, km
from marsad.geo.geocoder import Geocoder, Toponym, cues
from marsad.geo.index import load_index, name_key
from marsad.geo.sources import CountrySource, CuratedSource, GeonamesSource, UserSource
from marsad.model import Document, Entity
from marsad.pipeline import Pipeline
from marsad.stages.geo import event_location
from marsad.text import normalize

GEO_HOME: Path | None = None


@pytest.fixture(autouse=True)
def _shared_geo_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """One user-data folder for this module, so the place index is built once and then loaded from its cache."""
    global GEO_HOME
    if GEO_HOME is None:
        GEO_HOME = tmp_path_factory.mktemp("geo-home")
    monkeypatch.setenv("MARSAD_HOME", str(GEO_HOME))


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_index([CountrySource(), GeonamesSource(), CuratedSource()]))


def places(gc: Geocoder, text: str, outlet: str | None = None) -> list[Toponym]:
    return [t for t in gc.geocode(normalize(text), outlet=outlet) if t.place is not None]


def only(gc: Geocoder, text: str, name: str) -> Toponym:
    hits = [t for t in places(gc, text) if name in t.surface or name in text[t.start:t.end]]
    assert hits, f"{name!r} not found in {text!r}: {[(t.surface, t.rejected) for t in gc.geocode(normalize(text))]}"
    return hits[0]


# ----------------------------------------------------------------------------- resources


def test_curated_records_are_valid_and_unique() -> None:
    seen: set[str] = set()
    recs = resources.load_jsonl("geo/curated.jsonl")
    assert len(recs) > 300
    for i, rec in enumerate(recs):
        e = GeoEntry.from_record(rec, source="curated", where=f"record {i}")
        assert e.id not in seen, e.id
        seen.add(e.id)
        assert rec.get("ref"), f"{e.id} cites no source"
        assert e.feature in FEATURES
        for n in e.names:
            assert re.fullmatch(r"[\u0600-\u06FF\s\-'0-9A-Za-z]+", n), (e.id, n)
            assert name_key(n) == " ".join(name_key(n).split())
        assert e.country is None or re.fullmatch(r"[A-Z]{2}", e.country)


def test_cue_words_are_plain_arabic() -> None:
    data = resources.load_json("geo/triggers.json")
    for group in ("features", "countryside", "near", "directions", "stopnames", "person_titles"):
        for w in data[group]:
            assert all(not ("\ufb50" <= ch <= "\ufefc") for ch in w), w  # no presentation forms
    assert len(set(data["stopnames"])) == len(data["stopnames"])


def test_countries_file_parses() -> None:
    ents = list(CountrySource().entries())
    by = {e.country: e for e in ents}
    assert {"SY", "IQ", "YE", "LB", "PS", "IL", "SD"} <= set(by)
    assert "سوريا" in by["SY"].names and "سورية" in by["SY"].names


# ----------------------------------------------------------------------------- index and cache


def test_index_is_cached_and_rebuilt_when_a_source_changes(tmp_path: Path) -> None:
    f = tmp_path / "mine.jsonl"
    f.write_text(json.dumps({"id": "x1", "name": "Qaryat Test", "name_ar": "قرية الاختبار", "lat": 34.0,
                             "lon": 38.0, "feature": "village"}, ensure_ascii=False) + "\n", encoding="utf-8")
    srcs = [CuratedSource(), UserSource(f)]
    a = load_index(srcs)
    t = time.perf_counter()
    b = load_index(srcs)
    assert time.perf_counter() - t < 1.0
    assert a.key == b.key and len(a.entries) == len(b.entries)
    f.write_text(f.read_text(encoding="utf-8").replace("34.0", "34.5"), encoding="utf-8")
    c = load_index([CuratedSource(), UserSource(f)])
    assert c.key != a.key
    assert next(e for e in c.entries if e.id == "x1").lat == 34.5


def test_index_lookup_with_and_without_article(geocoder: Geocoder) -> None:
    idx = geocoder.index
    assert any(e.country == "SY" for e in idx.lookup("ميادين"))
    assert any(e.id == "cur:sy-bukamal" for e in idx.lookup("البو كمال"))


# ----------------------------------------------------------------------------- hard cases


def test_same_name_in_two_countries_follows_the_article(geocoder: Geocoder) -> None:
    gaza = only(geocoder, "قصف مدفعي على رفح جنوب قطاع غزة", "رفح")
    assert gaza.place and gaza.place.country == "PS"
    sinai = only(geocoder, "هجوم مسلح في مدينة رفح بمحافظة شمال سيناء قرب العريش", "رفح")
    assert sinai.place and sinai.place.country == "EG"


def test_zinjibar_in_yemen_not_zanzibar(geocoder: Geocoder) -> None:
    t = only(geocoder, "اشتباكات عنيفة في زنجبار عاصمة محافظة أبين", "زنجبار")
    assert t.place and t.place.country == "YE"


def test_common_words_and_organisations_are_not_places(geocoder: Geocoder) -> None:
    text = "أعلن تنظيم القاعدة مسؤوليته في بيان، وقال مصدر إن الهجوم وقع ليل الأحد وأصيب ثلاثة بجروح"
    assert places(geocoder, text) == []
    t = only(geocoder, "اشتباكات في مدينة القاعدة بمحافظة إب", "القاعدة")
    assert t.place and t.place.country == "YE"


def test_a_percentage_is_no_place(geocoder: Geocoder) -> None:
    # «في المائة» is "per cent", not the Libyan town Al Mayah
    assert places(geocoder, "أيد القرار 75 في المائة من المشاركين، وعارضه 16 في المئة منهم") == []


def test_common_words_that_are_also_village_names(geocoder: Geocoder) -> None:
    # «داخله» (inside it), «قصره» (his palace), «البلاد» (the country), «الهندية» (Indian): no places alone
    text = "اعتقلت الشرطة الهندية مشتبهاً به داخله، بعد أن عاد إلى قصره في البلاد"
    assert places(geocoder, text) == []
    t = only(geocoder, "سقطت قذائف على مدينة الهندية في كربلاء", "الهندية")
    assert t.place and t.place.country == "IQ"


def test_common_word_after_a_place_word(geocoder: Geocoder) -> None:
    # a common word after «مقر»/«قاعدة» or a village of that name in another country is no place here
    assert places(geocoder, "اقتحم المسلحون مقر الحكومة في المدينة") == []
    assert [t.place.name for t in places(geocoder, "هجوم بالصواريخ على قاعدتي التحالف الأميركي في حقل كونيكو")] == [
        "Conoco gas field"]
    t = only(geocoder, "اشتباكات في مدينة القاعدة بمحافظة إب", "القاعدة")  # in its own country it stays
    assert t.place and t.place.country == "YE"


def test_a_joined_letter_is_no_preposition_for_a_common_word(geocoder: Geocoder) -> None:
    # «بحجة» is "under the pretext", not "in Hajjah"; a separate «في» or a place word still finds the town
    text = "منعت الميليشيات أبناء المنطقة من العودة إلى منازلهم بحجة ارتباطهم بالفصائل"
    assert places(geocoder, text) == []
    t = only(geocoder, "غارات جوية على مدينة حجة شمال غربي اليمن", "حجة")
    assert t.place and t.place.country == "YE"


def test_person_name_vs_village(geocoder: Geocoder) -> None:
    assert places(geocoder, "قتل الشاب حيان برصاص مجهولين") == []
    t = only(geocoder, "قصفت القوات السورية بلدة حيان شمال حلب", "حيان")
    assert t.place and t.place.id == "cur:sy-hayyan"


def test_person_entity_blocks_a_toponym(geocoder: Geocoder) -> None:
    text = "التقى الوزير عمان الحسن بالوفد"
    nt = normalize(text)
    s = text.index("عمان")
    ent = Entity(s, s + len("عمان الحسن"), "PER", "عمان الحسن", source="crf")
    tops = geocoder.geocode(nt, entities=[ent])
    assert all(t.place is None for t in tops if t.start <= s < t.end)


def test_nationality_adjectives_are_not_countries(geocoder: Geocoder) -> None:
    assert places(geocoder, "قصفت الطائرات الإسرائيلية مواقع للقوات السورية والإيرانية") == []


def test_countryside_forms(geocoder: Geocoder) -> None:
    north = only(geocoder, "غارات على ريف حلب الشمالي", "ريف حلب")
    assert north.place and north.place.geo_precision == 3 and north.place.id == "cur:sy-alp-n"
    hama = only(geocoder, "قصف على ريف حماة", "ريف حماة")
    assert hama.modifier == "countryside" and hama.place and hama.place.geo_precision == 2
    assert km(hama.place.latitude, hama.place.longitude, 35.13, 36.75) < 5
    tart = only(geocoder, "اشتباكات في ريف طرطوس الشرقي", "طرطوس")
    assert tart.place and tart.place.geo_precision == 3
    assert tart.place.longitude > 35.95  # moved east of the town
    assert tart.end - tart.start == len("ريف طرطوس الشرقي")


def test_relative_direction_keeps_the_named_town(geocoder: Geocoder) -> None:
    t = only(geocoder, "انفجار عبوة ناسفة في بلدة الشحيل شرقي دير الزور", "دير الزور")
    assert t.modifier == "direction" and t.place  # a bearing of another named place
    part = only(geocoder, "انفجار سيارة مفخخة في جنوب مدينة الحسكة", "الحسكة")
    assert part.modifier == "near" and part.place and part.place.geo_precision == 2
    assert km(t.place.latitude, t.place.longitude, 35.336, 40.141) < 5
    assert t.place.geo_precision == 2
    near = only(geocoder, "سقط صاروخ بالقرب من مدينة ديار بكر", "ديار بكر")
    assert near.modifier == "near" and near.place and near.place.country == "TR"


def test_neighbourhoods_of_a_city(geocoder: Geocoder) -> None:
    jobar = only(geocoder, "اشتباكات في حي جوبر بدمشق", "جوبر")
    assert jobar.place and jobar.place.feature == "neighbourhood"
    known = only(geocoder, "سقطت قذائف على حي الشيخ مقصود في حلب", "الشيخ مقصود")
    assert known.place and known.place.id == "cur:sy-sheikh-maqsoud"
    text = "سقطت قذائف على حي بستان القصر في حلب"
    unknown = only(geocoder, text, "بستان القصر")
    assert unknown.source == "trigger" and unknown.place
    assert unknown.place.name == "Aleppo" and unknown.place.geo_precision == 1
    assert text[unknown.start:unknown.end] == "حي بستان القصر"


def test_crossings_and_bases(geocoder: Geocoder) -> None:
    cross = only(geocoder, "سيطرت القوات على معبر البوكمال الحدودي", "البوكمال")
    assert cross.place and cross.place.feature == "crossing"
    town = only(geocoder, "غارة على مدينة البوكمال", "البوكمال")
    assert town.place and town.place.feature == "city"
    base = only(geocoder, "استهدفت المقاومة قاعدة التنف الأميركية", "التنف")
    assert base.place and base.place.feature == "base"


def test_x_in_y_pattern(geocoder: Geocoder) -> None:
    t = only(geocoder, "غارة على بلدة البصيرة بريف دير الزور الشرقي", "البصيرة")
    assert t.chosen and "in" in t.chosen.parts
    assert t.place and t.place.country == "SY"


def test_ranking_is_deterministic(geocoder: Geocoder) -> None:
    text = "قصف على رفح والعريش وخان يونس ثم غارات على الميادين وحلب"
    a = [(t.start, t.place.id if t.place else None) for t in geocoder.geocode(normalize(text))]
    b = [(t.start, t.place.id if t.place else None) for t in geocoder.geocode(normalize(text))]
    assert a == b


def test_offsets_are_original(geocoder: Geocoder) -> None:
    text = "قَصَفَ  الطيرانُ مدينةَ حلب"
    t = only(geocoder, text, "حلب")
    assert text[t.start:t.end] == "مدينةَ حلب"


def test_cues_are_loaded_once() -> None:
    assert cues() is cues()


# ----------------------------------------------------------------------------- stage and event location


def test_stage_appends_place_mentions() -> None:
    pipe = Pipeline.from_config({"stage": [{"name": "normalize"}, {"name": "geo"}]})
    doc = Document("t1", "قصفت الطائرات الروسية بلدة البصيرة بريف دير الزور الشرقي")
    pipe(doc)
    names = [pm.text for pm in doc.places]
    assert "بلدة البصيرة" in names and "ريف دير الزور الشرقي" in names
    for pm in doc.places:
        assert doc.text[pm.start:pm.end] == pm.text
        assert pm.place is not None and pm.place.mention == pm.text and pm.place.geo_precision in (1, 2, 3)


def _doc(text: str) -> Document:
    pipe = Pipeline.from_config({"stage": [{"name": "normalize"}, {"name": "geo"}]})
    return pipe(Document("t", text))


def test_event_location_skips_the_origin_of_an_attack() -> None:
    doc = _doc("أطلقت طائرة مسيرة من اليمن باتجاه إيلات فجر اليوم")
    p = event_location(doc, 0, len(doc.text), doc.text.index("أطلقت"))
    assert p is not None and p.name == "Eilat"


def test_event_location_prefers_the_place_after_the_trigger_and_specific_places() -> None:
    text = "وفي سوريا، قصفت الطائرات مدينة إدلب. وفي حلب اشتباكات."
    doc = _doc(text)
    end = text.index(".") + 1
    p = event_location(doc, 0, end, text.index("قصفت"))
    assert p is not None and p.name == "Idlib"
    p2 = event_location(doc, text.index("وفي حلب"), len(text), text.index("اشتباكات"))
    assert p2 is not None and p2.name == "Aleppo"


def test_event_location_falls_back_to_earlier_places_and_copies() -> None:
    text = "سيطرت الفصائل على مدينة منبج. وقتل في المعارك عشرة مقاتلين."
    doc = _doc(text)
    s = text.index("وقتل")
    p = event_location(doc, s, len(text), s)
    assert p is not None and p.name == "Manbij"
    p.name = "changed"
    assert all(pm.place is None or pm.place.name != "changed" for pm in doc.places)


def test_event_location_without_places() -> None:
    doc = _doc("قتل ثلاثة أشخاص في هجوم")
    assert event_location(doc, 0, len(doc.text), 0) is None


def test_clitics_a_place_name_never_takes(geocoder: Geocoder) -> None:
    # «كبيرة» is not ك + «بيرة», «سفينة» not س + «فينة», «كامل» not ك + «امل»
    assert places(geocoder, "أطلقت القسام رشقة صاروخية كبيرة واستهدفت سفينة وسيطرت على كامل المنطقة") == []


def test_outlet_names_and_media_words(geocoder: Geocoder) -> None:
    assert places(geocoder, "وقال مصدر للميادين إن مراسل الميادين تحقق من الخبر") == []
    t = only(geocoder, "غارة أميركية على مدينة الميادين شرق سوريا", "الميادين")
    assert t.place and t.place.country == "SY"


def test_ambiguous_town_names_need_a_cue(geocoder: Geocoder) -> None:
    assert places(geocoder, "نشرت الوكالة صور الدمار وأرقاما عالية عن الضحايا") == []
    t = only(geocoder, "غارة إسرائيلية على مدينة صور جنوب لبنان", "صور")
    assert t.place and t.place.country == "LB"


def test_foreign_towns_need_their_country(geocoder: Geocoder) -> None:
    # GeoNames spells foreign towns in Arabic script with everyday words («ليل» Lille, «أن» Ans)
    assert places(geocoder, "قال إن الهجوم وقع ليل الأحد") == []
    t = only(geocoder, "وقع انفجار في العاصمة التركية أنقرة", "أنقرة")
    assert t.place and t.place.country == "TR"


def test_crf_location_entities_without_gazetteer_entry(geocoder: Geocoder) -> None:
    text = "اشتباكات عنيفة في تلة الزيزفون الغربية في ريف حلب الشمالي"
    s = text.index("تلة الزيزفون الغربية")
    ent = Entity(s, s + len("تلة الزيزفون الغربية"), "LOC", "تلة الزيزفون الغربية", source="crf")
    tops = geocoder.geocode(normalize(text), entities=[ent])
    crf = [t for t in tops if t.source == "crf"]
    assert len(crf) == 1 and crf[0].candidates == []
    assert crf[0].place is not None and crf[0].place.id == "cur:sy-alp-n"  # coded to the countryside it lies in


def test_outlet_prior_is_a_weak_part(geocoder: Geocoder) -> None:
    from marsad.geo.geocoder import outlet_country

    assert outlet_country("SY24") == "SY" and outlet_country("Al-Watan (alwatan.com.sa)") == "SA"
    assert outlet_country(None) is None and outlet_country("Unknown Daily") is None
    t = only(geocoder, "قصف على مدينة حلب", "حلب")
    with_outlet = next(x for x in geocoder.geocode(normalize("قصف على مدينة حلب"), outlet="SY24") if x.place)
    assert with_outlet.chosen and with_outlet.chosen.parts.get("outlet") == 0.3
    assert t.chosen and "outlet" not in t.chosen.parts


def test_unwritable_cache_folder_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import marsad.geo.index as gi

    not_a_dir = tmp_path / "cache"
    not_a_dir.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setattr(gi, "cache_dir", lambda: not_a_dir)
    with pytest.warns(RuntimeWarning, match="cannot write the gazetteer cache"):
        idx = gi.load_index([CuratedSource()])
    assert idx.lookup("البوكمال")


def test_spelling_variants_and_the_article(geocoder: Geocoder) -> None:
    hama = only(geocoder, "قصف على مدينة حماه", "حماه")  # «حماه» folds to «حماة»
    assert hama.place and hama.place.name in ("Ḩamāh", "Hama")
    assert km(hama.place.latitude, hama.place.longitude, 35.13, 36.75) < 5
    # «حسكة» without the article is a word (a thorn), not «الحسكة»
    assert places(geocoder, "أصيب بحسكة في قدمه") == []
    aden = only(geocoder, "اشتباكات في عدن", "عدن")
    assert aden.place and aden.place.country == "YE"


def test_clitic_or_part_of_the_name(geocoder: Geocoder) -> None:
    # «وجدة» is Oujda (Morocco) or «و» + Jeddah: the Saudi places around it decide
    t = only(geocoder, "افتتحت محطات في الرياض والدمام وجدة والطائف", "وجدة")
    assert t.place and t.place.country == "SA"


def test_big_foreign_cities_without_their_country(geocoder: Geocoder) -> None:
    # a capital or a large city after a preposition is taken even when the article names no country
    t = only(geocoder, "انفجرت سيارة مفخخة في قندهار صباح اليوم", "قندهار")
    assert t.place and t.place.country == "AF"
    t = only(geocoder, "قتل جنديان في هجوم مسلح في كابول", "كابول")
    assert t.place and t.place.country == "AF"  # the capital, not the village of the same name in Galilee
    # ... but not through a clitic («باراك» is not ب + «أراك») nor when the name is an everyday word
    assert places(geocoder, "التقى الرئيس باراك أوباما بالوفد") == []
    assert all(t.place and t.place.country != "ID" for t in places(geocoder, "تجمع المتظاهرون في ميدان التحرير"))
    assert places(geocoder, "صواريخ من طراز أرض أرض") == []
    assert all(t.place and t.place.country != "IN" for t in places(geocoder, "قتل مسلحون الشاب في سالم حسن"))
    # a smaller foreign city does not outrank a town of the same name in the Arab world (Naples / Nabeul)
    t = only(geocoder, "انفجرت عبوة ناسفة في نابل", "نابل")
    assert t.place and t.place.country == "TN"


def test_the_neighbour_across_a_border_is_not_a_place_of_the_article(geocoder: Geocoder) -> None:
    text = "تسلل مسلحون عبر الحدود مع سوريا إلى محافظة الأنبار وهاجموا نقطة للجيش العراقي"
    assert [t.place.country for t in places(geocoder, text) if t.place] == ["IQ"]
    # without places of another country, the border country stays
    t = only(geocoder, "اشتباكات عنيفة على الحدود مع سوريا", "سوريا")
    assert t.place and t.place.country == "SY"
    # a country named otherwise in the same article is kept
    assert {"IQ", "SY"} <= {t.place.country for t in places(geocoder, "زار وفد من سوريا محافظة الأنبار") if t.place}
