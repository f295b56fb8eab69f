"""The pipeline: stages in config order, reads/writes checked, resources verified."""

from __future__ import annotations

import json

import pytest

from marsad import resources
from marsad.errors import ConfigError
from marsad.model import Document
from marsad.pipeline import Pipeline, default_pipeline, register


@register("test-upper")
class _Marker:
    name = "test-upper"
    reads = ("tokens",)
    writes = ("warnings",)

    def __init__(self, note: str = "seen") -> None:
        self.note = note

    def __call__(self, doc: Document) -> Document:
        doc.warnings.append(f"{self.note}:{len(doc.tokens)}")
        return doc


def test_stages_run_in_order_with_options() -> None:
    pipe = Pipeline.from_config({"stage": [{"name": "normalize"}, {"name": "test-upper", "note": "n"}]})
    doc = pipe(Document(id="d", text="قصف  مدفعي"))
    assert pipe.names == ["normalize", "test-upper"]
    assert doc.warnings == ["n:2"]
    assert doc.norm is not None and doc.norm.text == "قصف مدفعي"


def test_reads_must_be_written_earlier() -> None:
    with pytest.raises(ConfigError, match="reads tokens"):
        Pipeline.from_config({"stage": [{"name": "test-upper"}]})


def test_bad_option_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="bad option"):
        Pipeline.from_config({"stage": [{"name": "normalize", "nope": 1}]})


def test_disabled_stage_is_skipped() -> None:
    pipe = Pipeline.from_config({"stage": [{"name": "normalize"}, {"name": "test-upper", "enabled": False}]})
    assert pipe.names == ["normalize"]


def test_default_pipeline_builds_and_starts_with_normalize() -> None:
    pipe = default_pipeline()
    assert pipe.names[0] == "normalize"


def test_manifest_matches_every_resource_file() -> None:
    man = resources.manifest()["files"]
    files = resources.data_files()
    assert sorted(man) == files, "run `python -m marsad.resources --rehash` after adding or removing a resource"
    for name in files:
        entry = man[name]
        assert entry["sha256"] == resources.sha256(resources.ROOT / name), f"{name} changed: rehash the manifest"
        assert entry.get("version") and entry.get("source")


def test_json_resources_parse_and_have_no_presentation_forms() -> None:
    for name in resources.data_files():
        raw = (resources.ROOT / name).read_text(encoding="utf-8") if not name.endswith(".crfsuite") else ""
        bad = [c for c in raw if 0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFF]
        assert not bad, f"{name} contains Arabic presentation forms: {bad[:3]}"
        if name.endswith(".json"):
            json.loads(raw)
        elif name.endswith(".jsonl"):
            resources.load_jsonl(name)
