"""marsad batch: the same events on Spark as ``marsad extract``, bad input counted, Parquet, clear errors.

The Spark tests run a real local Spark (``local[2]``, one session for the module). Without
pyspark or Java they skip, saying why, except under ``CI`` (the test command installs both),
where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.app import App, Config
from marsad.batch import (
    BatchError,
    WorkerSettings,
    event_schema,
    extract_events,
    plan_inputs,
    process_records,
    require_java,
    require_pyspark,
    row_to_event_dict,
    run_batch,
)
from marsad.batch.dedup import block_of, merge_block
from marsad.batch.spark import settings_for, spark_failure_cause
from marsad.batch.worker import parse_line
from marsad.cli import main
from marsad.errors import ConfigError, InputError
from marsad.readers import walk

# Reports written for these tests (not taken from any corpus).
REPORTS = [
    {"id": "t-001", "published": "2024-03-12", "outlet": "Test Wire",
     "text": "قتل خمسة مدنيين وأصيب عشرة آخرون، صباح اليوم الثلاثاء، في قصف مدفعي استهدف بلدة كفرنبل "
             "في ريف إدلب الجنوبي، بحسب ما أفاد ناشطون محليون."},
    {"id": "t-002", "published": "2024-03-15", "outlet": "Test Wire",
     "text": "اندلعت اشتباكات عنيفة، مساء أمس، بين القوات العراقية ومسلحين من تنظيم داعش في منطقة جبال حمرين "
             "شمال شرقي محافظة ديالى، ما أدى إلى مقتل ثلاثة من عناصر التنظيم."},
    {"id": "t-003", "published": "2024-03-15", "outlet": "Other Daily",
     "text": "تظاهر المئات من أهالي مدينة السويداء، اليوم الجمعة، في ساحة الكرامة وسط المدينة، "
             "للمطالبة بالإفراج عن المعتقلين وتحسين الأوضاع المعيشية."},
    {"id": "t-004", "published": "2024-03-16", "outlet": "Other Daily",
     "text": "استهدفت غارة جوية إسرائيلية، فجر اليوم السبت، منزلاً في مخيم النصيرات وسط قطاع غزة، "
             "ما أسفر عن استشهاد سبعة فلسطينيين بينهم أطفال، وفق مصادر طبية."},
]
# The Kafranbel shelling of REPORTS[0] told again by another outlet (merges), and by the same outlet (does not).
SAME_INCIDENT = [
    {"id": "t-005", "published": "2024-03-12", "outlet": "Other Daily",
     "text": "أفادت مصادر محلية بمقتل ستة مدنيين جراء قصف مدفعي طال بلدة كفرنبل جنوبي إدلب صباح اليوم."},
    {"id": "t-006", "published": "2024-03-12", "outlet": "Test Wire",
     "text": "ارتفعت حصيلة القصف المدفعي على بلدة كفرنبل في ريف إدلب الجنوبي اليوم إلى سبعة قتلى مدنيين."},
]
TXT_REPORT = ("استهدفت طائرة مسيرة سيارة على طريق مطار عدن، صباح اليوم، ما أسفر عن مقتل شخصين، "
              "وفق مصادر أمنية يمنية.\n")


# --------------------------------------------------------------------------- availability


def _spark_missing() -> str | None:
    try:
        require_java(require_pyspark())
    except BatchError as e:
        return e.args[0]
    return None


@pytest.fixture(scope="module")
def _module_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("marsad-home")


@pytest.fixture(autouse=True)
def _isolated_user_data(monkeypatch: pytest.MonkeyPatch, _module_home: Path, _shared_cache: Path) -> None:
    """One user-data folder for this module (overrides conftest's per-test one): the Spark workers
    build their pipeline once for the module instead of once per test (the settings are part of its key)."""
    monkeypatch.setenv("MARSAD_HOME", str(_module_home))
    monkeypatch.setenv("MARSAD_CACHE", str(_shared_cache))


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    """One local Spark session (2 cores) for the whole module."""
    why = _spark_missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"Spark cannot run in CI: {why}")
        pytest.skip(f"Spark cannot run here: {why}")
    from marsad.batch import spark_session

    session = spark_session("local[2]", app_name="marsad tests")
    yield session
    session.stop()


# --------------------------------------------------------------------------- inputs


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder: a JSONL file with good and bad lines, a .txt article, an empty file, a subfolder, odd names."""
    root = tmp_path / "in"
    (root / "more").mkdir(parents=True)
    lines = [json.dumps(REPORTS[0], ensure_ascii=False), json.dumps(REPORTS[1], ensure_ascii=False), "",
             '{"id": "no-text"}', "this line is not JSON", json.dumps(REPORTS[2], ensure_ascii=False)]
    (root / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "more" / "b.jsonl").write_text(json.dumps(REPORTS[3], ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "aden.txt").write_text(TXT_REPORT, encoding="utf-8")
    (root / "more" / "gaza, again.jsonl").write_text(json.dumps(REPORTS[3], ensure_ascii=False) + "\n",
                                                     encoding="utf-8")  # a comma: Hadoop splits paths at commas
    (root / "more" / "gaza_ again.txt").write_text("not to be read for the file with a comma", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


def extract_output(paths: list[str], capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    """What ``marsad extract`` prints for these files, parsed."""
    capsys.readouterr()
    main(["extract", *paths, *extra])
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def jsonl_output(out: Path) -> list[dict]:
    """The events of a batch JSONL output folder, part files in name order."""
    events = []
    for part in sorted(out.glob("part-*")):
        events.extend(json.loads(line) for line in part.read_text(encoding="utf-8").splitlines() if line)
    return events


def _by_id(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda e: (e["doc_id"], e.get("id") or ""))


# --------------------------------------------------------------------------- the worker (no Spark)


def test_worker_gives_extract_events_and_counts_bad_lines(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = corpus / "a.jsonl"
    records = [((0, n, 0), "line", str(path), line)
               for n, line in enumerate(path.read_bytes().split(b"\n"), 1)]
    rows = list(process_records(records, WorkerSettings()))
    events = [r[2] for r in rows if r[0] == "event"]
    errors = [r for r in rows if r[0] == "error"]
    assert events == extract_output([str(path)], capsys)
    assert events, "the test reports should give events"
    assert [(r[1], r[2]) for r in errors] == [((0, 4, 0), "E105"), ((0, 5, 0), "E105")]
    assert errors[1][3] == f"{path}:5: malformed JSON (Expecting value); the line was skipped"
    assert sorted(r[2] for r in rows if r[0] == "doc") == ["t-001", "t-002", "t-003"]


def test_line_breaks_inside_json_strings_are_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """U+2028, U+2029 and U+0085 may stand raw in a JSON string: Spark's lines and extract's keep them."""
    rec = dict(REPORTS[0], text=REPORTS[0]["text"].replace("، ", "\u2028", 1).replace("، ", "\x85", 1))
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\r\n" + json.dumps(REPORTS[1], ensure_ascii=False),
                    encoding="utf-8")
    records = [((0, n, 0), "line", str(path), line)
               for n, line in enumerate(path.read_bytes().replace(b"\r\n", b"\n").split(b"\n"), 1)]
    rows = list(process_records(records, WorkerSettings()))
    assert [r[2] for r in rows if r[0] == "doc"] == ["t-001", "t-002"]
    assert [r[2] for r in rows if r[0] == "event"] == extract_output([str(path)], capsys)


def test_worker_line_parsing() -> None:
    assert parse_line(b"  \r", "f", 1) is None
    doc = parse_line(b'\xef\xbb\xbf{"id": 7, "text": "\xd9\x86\xd8\xb5"}\r', "f", 1)  # BOM, CRLF, numeric id
    assert doc is not None and (doc.id, doc.text) == ("7", "نص")
    with pytest.raises(InputError) as bad:
        parse_line(b'{"id": "x", "text": "\xff\xfe abc"}', "f.jsonl", 3)  # not UTF-8, nor cp1256 Arabic
    assert bad.value.code == "E102" and "f.jsonl:3" in bad.value.args[0]
    with pytest.raises(InputError) as date:
        parse_line('{"id": "x", "text": "نص", "published": "12/03/2024"}'.encode(), "f.jsonl", 4)
    assert date.value.code == "E106"


def test_worker_reads_whole_files_like_extract(tmp_path: Path) -> None:
    utf16 = tmp_path / "u.jsonl"
    utf16.write_bytes(("\n".join(json.dumps(r, ensure_ascii=False) for r in REPORTS[:2]) + "\n").encode("utf-16"))
    records = [((0, 0, 0), "file", str(utf16), utf16.read_bytes()),
               ((1, 0, 0), "file", "x/aden.txt", TXT_REPORT.encode()),
               ((2, 0, 0), "file", "x/empty.txt", b"")]
    rows = list(process_records(records, WorkerSettings(outlet="Fallback")))
    docs = [(r[1], r[2]) for r in rows if r[0] == "doc"]
    assert docs == [((0, 0, 0), "t-001"), ((0, 0, 1), "t-002"), ((1, 0, 0), "aden")]
    assert [(r[1], r[2]) for r in rows if r[0] == "error"] == [((2, 0, 0), "E103")]
    aden = [r[2] for r in rows if r[0] == "event" and r[2]["doc_id"] == "aden"]
    assert aden and all(e["source"] == "Fallback" for e in aden)


def test_worker_runs_the_pipeline_config_read_on_the_driver(corpus: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    toml = tmp_path / "no-geo.toml"
    toml.write_text('[[stage]]\nname = "normalize"\n[[stage]]\nname = "actors"\n[[stage]]\nname = "time"\n'
                    '[[stage]]\nname = "events"\nbackground = "ignored"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as bad:  # a bad option is found on the driver, before any task runs
        settings_for(toml)
    assert bad.value.code == "E215"
    toml.write_text(toml.read_text(encoding="utf-8").replace('background = "ignored"', "include_background = true"),
                    encoding="utf-8")
    settings = settings_for(toml, published="2024-03-20", outlet="Fallback")
    assert settings.pipeline is not None and [s["name"] for s in settings.pipeline["stage"]][-1] == "events"
    path = corpus / "a.jsonl"
    records = [((0, n, 0), "line", str(path), line) for n, line in enumerate(path.read_bytes().split(b"\n"), 1)]
    events = [r[2] for r in process_records(records, settings) if r[0] == "event"]
    expected = extract_output([str(path)], capsys, "--pipeline", str(toml), "--published", "2024-03-20",
                              "--outlet", "Fallback")
    assert events == expected and events and all(e["location"] is None for e in events)


def test_plan_inputs_walks_folders_and_reads_jsonl_by_lines(corpus: Path) -> None:
    sources = plan_inputs([str(corpus)])
    assert [s.name for s in sources] == list(walk([str(corpus)]))
    assert {Path(s.name).name: s.kind for s in sources} == {
        "a.jsonl": "lines", "aden.txt": "file", "empty.txt": "file", "b.jsonl": "lines", "gaza, again.jsonl": "file",
        "gaza_ again.txt": "file"}
    assert all(os.path.isabs(s.location) for s in sources)


# --------------------------------------------------------------------------- errors (before Spark starts)


@pytest.mark.parametrize(("argv", "code", "words"), [
    (["batch", "{missing}", "--out", "{out}"], "E101", "no such file"),
    (["batch", "-", "--out", "{out}"], "E152", "standard input"),
    (["batch", "{empty}", "--out", "{out}"], "E152", "empty"),
    (["batch", "{corpus}", "--out", "{existing}"], "E153", "--overwrite"),
    (["batch", "{corpus}", "--out", "{out}", "--partitions", "0"], "E156", "--partitions"),
    (["batch", "{corpus}", "--out", "{out}", "--pipeline", "{missing}"], "E212", "not found"),
    (["batch", "{corpus}", "--out", "{out}", "--published", "yesterday"], "E106", "ISO date"),
])
def test_cli_user_mistakes(argv: list[str], code: str, words: str, corpus: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "nothing.txt").write_bytes(b"")
    (tmp_path / "existing").mkdir()
    names = {"missing": str(tmp_path / "missing.jsonl"), "out": str(tmp_path / "out"), "corpus": str(corpus),
             "empty": str(tmp_path / "empty"), "existing": str(tmp_path / "existing")}
    assert main([a.format(**names) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"marsad: error [{code}]: ") and words in err[0], err
    assert not (tmp_path / "out").exists()


def _run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "marsad", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_cli_without_java_or_pyspark_says_how_to_fix(corpus: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["JAVA_HOME"] = str(tmp_path / "no-java-here")
    res = _run_cli(["batch", str(corpus), "--out", str(tmp_path / "o1")], env)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith("marsad: error [E151]: ") and "JAVA_HOME" in res.stderr, res.stderr
    # pyspark hidden from this interpreter: the same one-line error with the install command
    code = ("import sys; sys.modules['pyspark'] = None; from marsad.cli import main; "
            f"sys.exit(main(['batch', {str(corpus)!r}, '--out', {str(tmp_path / 'o2')!r}]))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip() == ("marsad: error [E150]: pyspark is not installed; "
                                  "install it with: pip install 'marsad[spark]'"), res.stderr


def test_a_failed_job_is_told_by_its_python_cause() -> None:
    java_text = ("An error occurred while calling o52.saveAsTextFile.\n: org.apache.spark.SparkException: Job aborted\n"
                 "Traceback (most recent call last):\n  File \"worker.py\", line 1, in main\n"
                 "ModuleNotFoundError: No module named 'marsad'\n\tat org.apache.spark.api.python.Runner(x.scala:1)")
    assert spark_failure_cause(RuntimeError(java_text)) == "ModuleNotFoundError: No module named 'marsad'"
    assert spark_failure_cause(RuntimeError("\n  Connection refused\n")) == "Connection refused"


# --------------------------------------------------------------------------- on Spark


def test_spark_output_equals_extract(spark: object, corpus: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    summary = run_batch([str(corpus)], str(out), partitions=3, spark=spark)
    expected = extract_output(list(walk([str(corpus)])), capsys)
    got = jsonl_output(out)
    assert expected and got == expected  # same events, same order (input order), whatever the partitions
    assert summary["documents_read"] == 7
    assert summary["documents_failed"] == 3
    assert summary["failures_by_code"] == {"E103": 1, "E105": 2}
    assert summary["events_written"] == len(expected)
    assert any(m.endswith("a.jsonl:5: malformed JSON (Expecting value); the line was skipped")
               for m in summary["failure_examples"])
    assert json.loads((out / "_SUMMARY.json").read_text(encoding="utf-8")) == summary
    assert summary["files"] == [f"part-0000{i}" for i in range(3)]
    # the CLI on the running session: exit 2 (problems were reported), --overwrite replaces the folder
    assert main(["batch", str(corpus), "--out", str(out), "--overwrite", "--partitions", "1"]) == 2
    assert jsonl_output(out) == expected
    assert "7 documents" in capsys.readouterr().err


def test_parquet_round_trip_and_dataframe_api(spark: object, corpus: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pq"
    summary = run_batch([str(corpus / "a.jsonl"), str(corpus / "more")], str(out), fmt="parquet", spark=spark)
    written = extract_output([str(corpus / "a.jsonl"), *walk([str(corpus / "more")])], capsys)
    df = spark.read.parquet(str(out))  # type: ignore[attr-defined]
    assert df.schema.simpleString() == event_schema().simpleString()  # Parquet reads every field back nullable
    got = [row_to_event_dict(r) for r in df.collect()]
    assert _by_id(got) == _by_id(written) and summary["events_written"] == len(written)
    expected = extract_output([str(corpus / "a.jsonl"), str(corpus / "more" / "b.jsonl")], capsys)
    # a user's own DataFrame of documents → a DataFrame of events
    no_text = {"id": "no-text", "text": None, "published": None, "outlet": None}
    docs = spark.createDataFrame([*REPORTS, no_text])  # type: ignore[attr-defined]
    events, errors = extract_events(docs, with_errors=True)
    assert _by_id([row_to_event_dict(r) for r in events.collect()]) == _by_id(expected)
    errs = errors.collect()
    assert len(errs) == 1 and errs[0].code == "E105", errs
    assert errs[0].message.endswith(f":{errs[0].line}: the field 'text' is missing or empty")
    # an RDD of JSON lines → an RDD of event dicts
    rdd = spark.sparkContext.parallelize([json.dumps(r, ensure_ascii=False) for r in REPORTS], 2)  # type: ignore[attr-defined]
    assert _by_id(extract_events(rdd).collect()) == _by_id(expected)


def test_shared_dev_corpus_on_spark_equals_extract(spark: object, shared: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    inputs = [str(shared / "corpus" / "dev" / "articles.docs.jsonl"), str(shared / "corpus" / "raw")]
    out = tmp_path / "dev"
    summary = run_batch(inputs, str(out), spark=spark)
    expected = extract_output(list(walk(inputs)), capsys)
    assert jsonl_output(out) == expected
    assert summary["documents_failed"] == 0 and summary["documents_read"] > 100


# --------------------------------------------------------------------------- dedup


def store_groups(files: list[str], db: Path) -> list[tuple[str, ...]]:
    """The events ``marsad ingest`` stores for these files (in a new database ``db``), each as the ids of its reports."""
    with App(Config(db=str(db))) as app:
        app.ingest(files)
        return sorted(tuple(s.report.id or "" for s in e.sources) for e in app.store.list_events())


def groups_of(events: list[dict]) -> list[tuple[str, ...]]:
    return sorted(tuple(r["id"] for r in e["reports"]) if "reports" in e else (e["id"],) for e in events)


def test_dedup_blocks_give_the_store_merges_on_shared(shared: Path, tmp_path: Path) -> None:
    files = list(walk([str(shared / "corpus" / "dev" / "articles.docs.jsonl"), str(shared / "corpus" / "raw")]))
    records = [((i, n, 0), "line", f, line) for i, f in enumerate(files)
               for n, line in enumerate(Path(f).read_bytes().split(b"\n"), 1)]
    rows = [r for r in process_records(records, WorkerSettings(background=True)) if r[0] == "event"]
    blocks: dict[object, list] = {}
    merged = [r[2] for r in rows if block_of(r[2]) is None]
    for r in rows:
        if block_of(r[2]) is not None:
            blocks.setdefault(block_of(r[2]), []).append((r[1], r[2], r[3]))
    for reports in blocks.values():
        merged.extend(e for _, e in merge_block(reports))
    got = groups_of(merged)
    assert got == store_groups(files, tmp_path / "store.sqlite")
    assert sum(len(g) > 1 for g in got) >= 3, "the corpora tell some incidents in several outlets"


def test_spark_dedup_equals_store(spark: object, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    docs = [REPORTS[0], *SAME_INCIDENT, *REPORTS[1:]]
    (folder / "news.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                                       encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch([str(folder)], str(out), dedup=True, background=True, partitions=2, spark=spark)
    events = jsonl_output(out)
    assert groups_of(events) == store_groups([str(folder / "news.jsonl")], tmp_path / "store.sqlite")
    kafranbel = next(e for e in events if "reports" in e)
    assert [r["doc_id"] for r in kafranbel["reports"]] == ["t-001", "t-005"]  # t-006: the same outlet as t-001
    assert kafranbel["fatalities"] == 5 and kafranbel["source"] == "Test Wire; Other Daily"
    assert kafranbel["reports"][1]["reason"].startswith("same type")
    assert summary["merged_reports"] == 1 and summary["events_written"] == summary["events_extracted"] - 1
