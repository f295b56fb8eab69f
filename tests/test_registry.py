"""The actor registry: every bundled entry and alias is valid; users can extend it safely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad import resources
from marsad.cli import main
from marsad.errors import InputError, ResourceError
from marsad.model import ACTOR_CATEGORIES
from marsad.registry import (
    ActorRegistry,
    _read_jsonl,
    add_user_actor,
    alias_key,
    bundled_files,
    default_registry,
    entry_from_dict,
    has_presentation_forms,
    user_file,
)
from marsad.text import fold


@pytest.fixture(scope="module")
def bundled() -> ActorRegistry:
    return ActorRegistry.load(include_user=False)


def _all_bundled_entries():
    for p in bundled_files():
        yield from _read_jsonl(p, "bundled")


def test_registry_is_large_and_covers_the_region(bundled: ActorRegistry) -> None:
    assert len(bundled) >= 250
    assert bundled.alias_count() >= 2000
    countries = {e.country for e in bundled}
    assert {"SY", "IQ", "YE", "LB", "IL", "PS", "LY", "SD", "US", "RU", "TR", "IR"} <= countries
    for cc in ("SY", "IQ", "YE", "LB", "IL", "SD", "US", "RU", "TR", "IR", "SA"):
        assert any(e.country == cc and e.category == 1 for e in bundled), f"no state forces for {cc}"


def test_every_alias_is_clean_arabic_with_a_non_empty_key() -> None:
    for e in _all_bundled_entries():
        assert e.category in ACTOR_CATEGORIES
        for s in e.arabic_names:
            assert not has_presentation_forms(s), (e.id, s)
            assert fold(s).strip(), (e.id, s)
            assert any("\u0600" <= c <= "\u06ff" for c in s), f"{e.id}: Arabic alias without Arabic letters: {s!r}"
        for s in e.english_names:
            assert s.isascii(), (e.id, s)


def test_no_alias_names_two_actors_and_ids_are_unique() -> None:
    owner: dict[str, str] = {}
    ids: set[str] = set()
    for e in _all_bundled_entries():
        assert e.id not in ids, f"duplicate id {e.id}"
        ids.add(e.id)
        for s in e.arabic_names:
            k = alias_key(s)
            assert owner.setdefault(k, e.id) == e.id, f"alias {s!r} names {owner[k]} and {e.id}"


def test_parents_exist_and_do_not_loop(bundled: ActorRegistry) -> None:
    for e in bundled:
        if e.parent:
            assert e.parent in bundled, (e.id, e.parent)
        chain = bundled.ancestors(e.id)
        assert len({a.id for a in chain}) == len(chain)
        assert e.id not in {a.id for a in chain}


def test_word_lists_are_clean() -> None:
    for name in ("nationalities.json", "heads.json", "context.json", "civilians.json", "unidentified.json",
                 "titles.json", "category_cues.json"):
        data = resources.load_json(f"actors/{name}")
        text = json.dumps(data, ensure_ascii=False)
        assert not has_presentation_forms(text), name
    reg = ActorRegistry.load(include_user=False)
    nat = resources.load_json("actors/nationalities.json")
    for iso, c in nat["countries"].items():
        for k in ("military", "police", "militia"):
            if c.get(k):
                assert c[k] in reg, f"nationalities.json {iso}.{k} = {c[k]} is not in the registry"
    ctx = resources.load_json("actors/context.json")
    for word, spec in ctx["words"].items():
        for target in spec["map"].values():
            assert target in ("state", "state-police") or target in reg, (word, target)
    heads = resources.load_json("actors/heads.json")
    for w, spec in heads["heads"].items():
        assert spec["kind"] in {"military", "police", "fighters", "group", "strike"}, w
        if spec.get("alone"):
            assert spec["alone"] in reg


def test_lookup_by_alias_and_english_name(bundled: ActorRegistry) -> None:
    assert [e.id for e in bundled.lookup("قوات الأسد")] == ["sy-military"]
    assert [e.id for e in bundled.lookup("قوات النظام")] == ["sy-military"]
    assert [e.id for e in bundled.lookup("Hezbollah")] == ["hezbollah"]
    assert [e.id for e in bundled.lookup("قسد")] == ["sdf"]
    # normalization: hamza and ta marbuta variants find the same actor
    assert [e.id for e in bundled.lookup("الحرس الثوري الايراني")] == ["ir-irgc"]
    assert bundled.lookup("no such actor") == []


def test_search_filters(bundled: ActorRegistry) -> None:
    yemen_rebels = bundled.search(country="YE", category=2)
    assert "ye-houthis" in {e.id for e in yemen_rebels}
    assert all(e.country == "YE" and e.category == 2 for e in yemen_rebels)
    assert {e.id for e in bundled.search(query="حزب الله")} >= {"hezbollah", "iq-kataib-hezbollah"}


def test_entry_validation_messages() -> None:
    good = {"id": "x-test", "name": "X", "name_ar": "اكس", "category": 3}
    assert entry_from_dict(good, "t").id == "x-test"
    for bad, msg in [
        ({**good, "category": 9}, "category"),
        ({**good, "id": "Bad Id"}, "id"),
        ({**good, "name_ar": ""}, "name_ar"),
        ({**good, "ar": ["\ufee1\ufee8"]}, "presentation forms"),
        ({**good, "country": "syria"}, "country"),
        ({**good, "colour": "red"}, "unknown field"),
        ({**good, "parent": "x-test"}, "parent"),
    ]:
        with pytest.raises(ResourceError, match=msg):
            entry_from_dict(bad, "t")


def test_registry_check_rejects_shared_alias_and_unknown_parent() -> None:
    a = entry_from_dict({"id": "aa", "name": "A", "name_ar": "جماعة ألف", "category": 3}, "t")
    b = entry_from_dict({"id": "bb", "name": "B", "name_ar": "جماعة الف", "category": 3}, "t")
    with pytest.raises(ResourceError, match="names both"):
        ActorRegistry.from_entries([a, b])
    c = entry_from_dict({"id": "cc", "name": "C", "name_ar": "جماعة جيم", "category": 3, "parent": "zz"}, "t")
    with pytest.raises(ResourceError, match="parent"):
        ActorRegistry.from_entries([c])


def test_add_user_actor_round_trip() -> None:
    e = add_user_actor({"id": "sy-liwa-tajriba", "name": "Liwa al-Tajriba", "name_ar": "لواء التجربة",
                        "ar": ["ميليشيا لواء التجربة"], "category": 3, "country": "SY",
                        "parent": "ir-backed-militias"})
    assert e.source == "user"
    assert user_file().is_file()
    reg = default_registry()
    assert reg.get("sy-liwa-tajriba") is not None
    assert [x.id for x in reg.lookup("ميليشيا لواء التجربة")] == ["sy-liwa-tajriba"]
    with pytest.raises(InputError, match="already exists"):
        add_user_actor({"id": "sy-liwa-tajriba", "name": "Other", "name_ar": "شيء آخر", "category": 3})
    with pytest.raises(InputError, match="names both"):
        add_user_actor({"id": "sy-copy", "name": "Copy", "name_ar": "قوات النظام", "category": 1})
    with pytest.raises(InputError, match="parent"):
        add_user_actor({"id": "sy-orphan", "name": "Orphan", "name_ar": "جماعة يتيمة", "category": 3,
                        "parent": "no-such-parent"})
    # --replace swaps the user's entry in place
    add_user_actor({"id": "sy-liwa-tajriba", "name": "Liwa al-Tajriba (renamed)", "name_ar": "لواء التجربة",
                    "category": 3}, replace=True)
    lines = [json.loads(x) for x in user_file().read_text(encoding="utf-8").splitlines() if x.strip()]
    assert [x["name"] for x in lines] == ["Liwa al-Tajriba (renamed)"]
    assert default_registry().get("sy-liwa-tajriba").name == "Liwa al-Tajriba (renamed)"


def test_broken_user_file_gives_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "actors.jsonl"
    p.write_text('{"id": "x-1", "name": "X"\n', encoding="utf-8")
    with pytest.raises(ResourceError, match="not valid JSON"):
        ActorRegistry.load(p)


def test_cli_add_list_show(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["actors", "add", "--id", "iq-saraya-tajriba", "--name", "Saraya al-Tajriba",
               "--ar", "سرايا التجربة", "ميليشيا سرايا التجربة", "--category", "3", "--country", "iq",
               "--parent", "iq-pmf"])
    assert rc == 0
    assert "added iq-saraya-tajriba" in capsys.readouterr().out
    assert main(["actors", "list", "--country", "IQ", "--query", "التجربة"]) == 0
    out = capsys.readouterr().out
    assert "iq-saraya-tajriba" in out and "1 of" in out
    assert main(["actors", "show", "iq-saraya-tajriba"]) == 0
    out = capsys.readouterr().out
    assert "Saraya al-Tajriba" in out and "iq-pmf" in out and "user" in out
    assert main(["actors", "show", "iq-saraya-tajriba", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["country"] == "IQ"
    assert main(["actors", "list", "--category", "1", "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rows and all(r["category"] == 1 for r in rows)


def test_cli_errors_are_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actors", "show", "no-such-actor"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("marsad: error [E120]") and err.count("\n") == 1
    assert main(["actors", "add", "--id", "x-x", "--name", "X", "--ar", "قسد", "--category", "2"]) == 2
    assert "names both" in capsys.readouterr().err
    assert main(["actors", "add", "--id", "x-y", "--name", "X", "--ar", "شيء", "--category", "0"]) == 2
    assert "category" in capsys.readouterr().err
    assert main(["actors", "list", "--category", "12"]) == 2
    assert main(["actors", "resolve", "كلام عادي بلا فاعل"]) == 2
    assert "no actor found" in capsys.readouterr().err


def test_cli_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actors", "check"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")
    good = tmp_path / "mine.jsonl"
    good.write_text('{"id": "ly-katiba-x", "name": "Katiba X", "name_ar": "كتيبة الاختبار", "category": 3}\n',
                    encoding="utf-8")
    assert main(["actors", "check", str(good)]) == 0
    assert "1 from" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x-dup", "name": "X", "name_ar": "قسد", "category": 2}\n', encoding="utf-8")
    assert main(["actors", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "names both" in err and str(bad) in err
    assert main(["actors", "check", str(tmp_path / "missing.jsonl")]) == 2
