"""Tests of the NER tagger: CoNLL IO, the bundled model, the `entities` stage and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from marsad import resources
from marsad.cli import main
from marsad.errors import InputError, ModelError
from marsad.model import Document
from marsad.ner.conll import normalize_tag, parse_conll, read_conll, repair_bio, write_tagged
from marsad.ner.features import FEATURE_SET, document_features, gazetteer, sentence_features
from marsad.ner.tagger import BUNDLED_DIR, NerTagger, bio_spans, load_tagger, sha256_file
from marsad.ner.train import _dropout, score
from marsad.stages.entities import EntitiesStage
from marsad.stages.normalize import NormalizeStage

# a tiny CoNLL file written for these tests (two sentences, a blank line at the end)
TINY = (
    "وصل\tO\n"
    "الرئيس\tO\n"
    "محمد\tB-PERS\n"
    "حسن\tI-PERS\n"
    "إلى\tO\n"
    "دمشق\tB-LOC\n"
    ".\tO\n"
    "\n"
    "\n"
    "وقالت\tO\n"
    "وزارة\tB-ORG\n"
    "الصحة\tI-ORG\n"
    "إن\tO\n"
    "الوضع\tO\n"
    "مستقر\tO\n"
    "\n"
)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.conll"
    p.write_text(TINY, encoding="utf-8")
    return p


# --------------------------------------------------------------------------- CoNLL


def test_conll_round_trip_keeps_tokens_and_blank_lines(tiny: Path) -> None:
    conll = read_conll(tiny, tags=True)
    assert [len(s.tokens) for s in conll.sentences] == [7, 6]
    assert conll.sentences[0].tags[2:4] == ["B-PER", "I-PER"]
    assert conll.sentences[1].blanks_before == 2
    assert conll.trailing_blanks == 1
    buf = io.StringIO()
    write_tagged(buf, conll, [s.tags for s in conll.sentences])
    expected = TINY.replace("B-PERS", "B-PER").replace("I-PERS", "I-PER")
    assert buf.getvalue() == expected


def test_conll_errors_name_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_conll(tmp_path / "missing.conll")
    empty = tmp_path / "empty.conll"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no tokens"):
        read_conll(empty)
    notag = tmp_path / "notag.conll"
    notag.write_text("كلمة O\nكلمة\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"notag\.conll:2"):
        read_conll(notag, tags=True)
    latin1 = tmp_path / "latin1.conll"
    latin1.write_bytes("caf\xe9 O\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_conll(latin1)


def test_tag_normalization_and_bio_repair() -> None:
    assert normalize_tag("B-PERS") == "B-PER"
    assert normalize_tag("I-GPE") == "I-LOC"
    assert normalize_tag("B-MIS0") == "B-MISC"
    assert normalize_tag("B-DATE") == "O"
    assert normalize_tag("O") == "O"
    assert repair_bio(["O", "I-LOC", "I-LOC", "I-PER"]) == ["O", "B-LOC", "I-LOC", "B-PER"]
    assert bio_spans(["B-PER", "I-PER", "O", "I-LOC", "B-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC")]


def test_score_counts_exact_spans_only() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    pred = [["B-PER", "O", "O", "B-LOC"]]
    res = score(gold, pred)
    assert res["per_class"]["LOC"]["f1"] == 1.0
    assert res["per_class"]["PER"]["f1"] == 0.0
    assert res["micro"]["f1"] == 0.5


# --------------------------------------------------------------------------- features


def test_gazetteer_matches_through_proclitics() -> None:
    gz = gazetteer()
    feats = gz.match(["وصل", "الى", "بالقدس", "والولايات", "المتحده"])
    assert "g=LOC:B1" in feats[2]
    assert "g=LOC:Bm" in feats[3] and "g=LOC:I" in feats[4]
    assert feats[0] == [] and feats[1] == []


def test_sentence_features_use_neighbours() -> None:
    f = sentence_features(["قال", "الرييس", "بشار"])
    assert "-1w=الرييس" in f[2] and "1w=الرييس" in f[0]
    assert "-1BOS" in f[0] and "1EOS" in f[2]


def test_document_features_pool_other_mentions_of_a_stem() -> None:
    keys = [["قال", "بوش"], ["وصل", "وبوش", "الى", "بغداد"], ["غادر", "بغداد"]]
    first = [["O", "B-PER"], ["O", "O", "O", "B-LOC"], ["O", "O"]]
    doc = document_features(keys, first, window=1)
    assert "d=PER" in doc[1][1] and "dm=PER" in doc[1][1]  # «وبوش»: «بوش» was PER one sentence before
    assert doc[0][1] == ["dm=O"]  # its own PER does not count; «وبوش» was untagged
    assert doc[2][1] == ["d=LOC", "dm=LOC"] and doc[1][3] == ["dm=O"]
    assert doc[0][0] == []  # a word seen once has no document features
    far = document_features(keys, first, window=0)
    assert "d=PER" not in far[1][1]


def test_tag_stream_in_chunks_equals_whole_stream() -> None:
    sents = [["قال", "الرئيس", "جورج", "بوش", "في", "واشنطن", "."], ["وأضاف", "بوش", "أن", "العراق", "آمن", "."],
             ["وزار", "وزير", "الخارجية", "دمشق", "."], ["ثم", "عاد", "إلى", "بيروت", "."]] * 5
    tagger = load_tagger()
    whole = tagger.tag_stream(sents)
    assert tagger.tag_stream(sents, chunk=3) == whole
    assert [len(t) for t in whole] == [len(s) for s in sents]


def test_lexical_dropout_removes_only_word_identity_features() -> None:
    feats = [[sentence_features(["قال", "الرييس", "بشار"])]]
    assert _dropout(feats, 0.0, 1) == feats
    dropped = _dropout(feats, 1.0, 1)[0][0]
    assert all(not f.startswith(("w=", "s=", "b-=", "b+=")) for tok in dropped for f in tok)
    assert any(f.startswith("-1w=") for f in dropped[2]) and any(f.startswith("e2=") for f in dropped[2])
    assert _dropout(feats, 0.5, 7) == _dropout(feats, 0.5, 7)  # seeded: reproducible


# --------------------------------------------------------------------------- bundled model


def test_bundled_model_checksum_matches_metadata_and_manifest() -> None:
    meta = json.loads((BUNDLED_DIR / "model.json").read_text(encoding="utf-8"))
    model = BUNDLED_DIR / meta["model_file"]
    assert sha256_file(model) == meta["sha256"]
    assert model.stat().st_size == meta["size_bytes"] < 8_000_000
    man = resources.manifest()["files"]
    assert man[f"ner/{meta['model_file']}"]["sha256"] == meta["sha256"]
    assert meta["training"]["corpora"][0]["file"] == "ANERcorp_recon_train.txt"


def test_bundled_model_was_trained_with_this_gazetteer_and_feature_set() -> None:
    meta = json.loads((BUNDLED_DIR / "model.json").read_text(encoding="utf-8"))
    assert meta["gazetteer"]["fingerprint"] == gazetteer().fingerprint()
    assert meta["feature_set"] == FEATURE_SET
    assert sha256_file(BUNDLED_DIR / meta["stack_file"]) == meta["stack_sha256"]


def test_cue_lists_are_arabic_without_duplicates() -> None:
    cues = resources.load_json("ner/cues.json")
    lists = {k: v for k, v in cues.items() if isinstance(v, list)}
    assert set(lists) == {"person_title", "person_name", "name_link", "org_head", "loc_head", "place", "org"}
    for name, words in lists.items():
        assert len(words) == len(set(words)), f"duplicates in {name}"
        for w in words:
            assert all("\u0621" <= c <= "\u064a" or c == " " for c in w), f"{name}: {w!r} is not plain Arabic"


def test_tagging_a_sentence_finds_person_and_place_with_exact_offsets() -> None:
    text = "قال الرئيس الأمريكي جورج بوش في واشنطن إن القوات ستبقى في العراق."
    doc = NormalizeStage()(Document("t1", text))
    ents = {(e.label, e.text) for e in load_tagger().entities(doc)}
    assert ("PER", "جورج بوش") in ents
    assert ("LOC", "واشنطن") in ents
    assert ("LOC", "العراق") in ents
    for e in load_tagger().entities(doc):
        assert text[e.start:e.end] == e.text
        assert 0.0 < e.attrs["score"] <= 1.0


def test_entities_stage_appends_crf_entities_with_original_offsets() -> None:
    # diacritics and a tatweel inside the name: offsets must still point into the original text
    text = "وأعلن وزير الخارجية ســـامي عبدُ الله أن الوفد وصل إلى القاهرة صباح أمس."
    doc = NormalizeStage()(Document("t2", text))
    stage = EntitiesStage()
    assert stage.reads == ("norm", "tokens", "sentences") and stage.writes == ("entities",)
    stage(doc)
    assert doc.entities, "no entities found"
    assert all(e.source == "crf" and text[e.start:e.end] == e.text for e in doc.entities)
    assert ("LOC", "القاهرة") in {(e.label, e.text) for e in doc.entities}
    assert any(e.label == "PER" and e.text.startswith("ســـامي") for e in doc.entities)


def test_tagger_refuses_a_model_that_does_not_match_its_checksum(tmp_path: Path) -> None:
    meta = json.loads((BUNDLED_DIR / "model.json").read_text(encoding="utf-8"))
    (tmp_path / meta["model_file"]).write_bytes(b"not a model")
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="checksum"):
        NerTagger(tmp_path)
    with pytest.raises(ModelError, match="train"):
        NerTagger(tmp_path / "nowhere")


# --------------------------------------------------------------------------- CLI


def test_cli_ner_tag_writes_token_tab_tag(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pred.tsv"
    assert main(["ner", "tag", str(tiny), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    gold_lines = TINY.split("\n")
    assert len(lines) == len(gold_lines)
    for got, want in zip(lines, gold_lines, strict=True):
        if not want:
            assert got == ""
            continue
        tok, tag = got.split("\t")
        assert tok == want.split("\t")[0]
        assert tag == "O" or (tag[:2] in ("B-", "I-") and tag[2:] in ("PER", "LOC", "ORG", "MISC"))
    assert lines[5] == "دمشق\tB-LOC"
    assert main(["ner", "tag", str(tiny)]) == 0
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")


def test_cli_ner_tag_bad_file_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ner", "tag", str(tmp_path / "nope.conll")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("marsad: error [E110]")


def test_cli_train_rejects_bad_options(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "ner", "--corpus", str(tiny), "--tag-column", "1"]) == 2
    assert "--tag-column" in capsys.readouterr().err


# --------------------------------------------------------------------------- training (needs ../shared)


def test_train_small_model_on_anercorp_slice(shared: Path, tmp_path: Path) -> None:
    src = shared / "data" / "ner" / "anercorp" / "ANERcorp_recon_train.txt"
    lines = src.read_text(encoding="utf-8").split("\n")
    cut = lines[:8000]
    while cut and cut[-1].strip():
        cut.pop()
    part = tmp_path / "slice.txt"
    part.write_text("\n".join(cut) + "\n", encoding="utf-8")
    held = tmp_path / "held.txt"
    rest = lines[8000:12000]
    while rest and rest[0].strip():
        rest.pop(0)
    while rest and rest[-1].strip():
        rest.pop()
    held.write_text("\n".join(rest).strip("\n") + "\n", encoding="utf-8")
    out = tmp_path / "model"
    assert main(["train", "ner", "--corpus", str(part), "--out", str(out), "--eval", str(held),
                 "--max-iterations", "30"]) == 0
    meta = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert meta["training"]["stacked"] and (out / meta["stack_file"]).is_file()
    assert meta["training"]["corpora"][0]["sha256"] == sha256_file(part)
    assert meta["sha256"] == sha256_file(out / meta["model_file"])
    assert meta["evaluation"]["micro"]["f1"] > 0.3
    tagger = NerTagger(out)
    assert len(tagger.tag(["في", "بغداد"])) == 2
    # a single-pass model has no second-pass file and still tags
    single = tmp_path / "single"
    assert main(["train", "ner", "--corpus", str(part), "--out", str(single), "--max-iterations", "10",
                 "--single-pass"]) == 0
    smeta = json.loads((single / "model.json").read_text(encoding="utf-8"))
    assert "stack_file" not in smeta and not smeta["training"]["stacked"]
    assert NerTagger(single).tag(["في", "بغداد"])[0] == "O"
    # the model is read only from its folder: the bundled one is unchanged
    assert sha256_file(BUNDLED_DIR / json.loads((BUNDLED_DIR / "model.json").read_text())["model_file"]) == \
        json.loads((BUNDLED_DIR / "model.json").read_text())["sha256"]


def test_parse_conll_reads_first_column_of_wider_files() -> None:
    conll = parse_conll(["كلمة\tX\tB-LOC\n", "\n", "أخرى\tY\tO\n"], tags=True, tag_column=2)
    assert [s.tokens for s in conll.sentences] == [["كلمة"], ["أخرى"]]
    assert conll.sentences[0].tags == ["B-LOC"]
