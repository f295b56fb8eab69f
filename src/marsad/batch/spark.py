"""Spark plumbing: a session, inputs read with Spark, the pipeline mapped over partitions, outputs written.

The stage logic is not here: every partition runs :func:`marsad.batch.worker.process_records`,
which parses documents with :mod:`marsad.readers` and runs the same
:class:`~marsad.pipeline.Pipeline` as ``marsad extract``.

* JSONL files are read **line by line** with ``SparkContext.textFile`` (big files are split
  across tasks; a line's number comes from ``zipWithIndex``), other files **whole** with
  ``SparkContext.binaryFiles``; a bad line or file becomes a counted error, not a failed job.
* Events are sorted by their input position (file, line, entry, event number) before they
  are written, so the output is the same whatever the number of partitions or workers.
* The output folder holds JSONL part files (``part-00000``…, one event per line, as
  ``marsad extract`` prints them) or Parquet files with :func:`~marsad.batch.schema.event_schema`,
  and ``_SUMMARY.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marsad.batch.schema import error_schema, event_dict_to_row, event_schema
from marsad.batch.worker import InputRecord, OutputRow, WorkerSettings, driver_env, process_records
from marsad.errors import InputError, MarsadError
from marsad.pipeline import Pipeline, load_config
from marsad.readers import JSONL_SUFFIXES, walk

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import DataFrame, SparkSession

FORMATS = ("jsonl", "parquet")
SUMMARY_FILE = "_SUMMARY.json"
#: how many problem messages ``_SUMMARY.json`` quotes (all are counted)
ERROR_EXAMPLES = 20
#: a JSONL file above this size is split across tasks by Spark (below it, one task reads it)
SPLIT_BYTES = 32 * 1024 * 1024
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"([\\*?\[\]{}])")


class BatchError(MarsadError):
    """Spark batch cannot run here (pyspark or Java missing, Spark does not start) or was misused."""

    code = "E150"


# --------------------------------------------------------------------------- environment


def require_pyspark() -> str:
    """The installed pyspark version; a :class:`BatchError` saying how to install it when it is missing."""
    try:
        import pyspark
    except ImportError as e:
        raise BatchError("pyspark is not installed; install it with: pip install 'marsad[spark]'",
                         code="E150") from e
    return str(pyspark.__version__)


def java_version(java: str) -> int | None:
    """The major version of a ``java`` executable (8, 11, 17, 21…), or None when it cannot be run."""
    try:
        proc = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major  # "1.8.0_392" is Java 8


def required_java(pyspark_version: str) -> int:
    """The lowest Java major version a pyspark version runs on (Spark 4 needs 17; Spark 3 runs on 8)."""
    return 17 if int(pyspark_version.split(".")[0]) >= 4 else 8


def find_java() -> str | None:
    """The ``java`` that Spark will start: ``$JAVA_HOME/bin/java`` when JAVA_HOME is set, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def require_java(pyspark_version: str) -> int:
    """The Java major version Spark will use; a :class:`BatchError` when there is none or it is too old."""
    need = required_java(pyspark_version)
    hint = (f"install a Java runtime {need} or newer (bash scripts/java.sh, or apt-get install default-jre-headless) "
            "or set JAVA_HOME to one")
    java = find_java()
    if java is None:
        raise BatchError(f"Java is not installed (Spark needs it); {hint}", code="E151")
    version = java_version(java)
    if version is None:
        raise BatchError(f"{java} cannot be run (JAVA_HOME={os.environ.get('JAVA_HOME') or 'unset'}); {hint}",
                         code="E151")
    if version < need:
        raise BatchError(f"{java} is Java {version} but pyspark {pyspark_version} needs Java {need}; {hint}",
                         code="E151")
    return version


def spark_session(master: str = "local[*]", app_name: str = "marsad batch",
                  conf: dict[str, str] | None = None) -> SparkSession:
    """A Spark session for marsad (or the one already running in this process), after checking pyspark and Java.

    On a ``local`` master the Python workers run this interpreter (unless ``PYSPARK_PYTHON``
    says otherwise), so they see the same installed marsad.
    """
    version = require_pyspark()
    require_java(version)
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false"))
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    try:
        spark = builder.getOrCreate()
    except Exception as e:  # py4j and the JVM fail in many ways; all mean "Spark did not start"
        raise BatchError(f"Spark did not start with master {master!r} ({type(e).__name__}: "
                         f"{str(e).strip().splitlines()[0] if str(e).strip() else 'no message'}); "
                         "check --master and the Java installation", code="E154") from e
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Source:
    """One input as Spark reads it: ``lines`` (JSONL, line by line) or ``file`` (whole)."""

    index: int
    name: str  # as the user gave it (used in messages, like marsad extract)
    location: str  # what Spark is given: an absolute local path or a URI
    kind: str
    size: int | None = None


def _is_uri(path: str) -> bool:
    return bool(_URI.match(path)) and not path.startswith("file://")


def _suffix(path: str) -> str:
    return Path(path.rstrip("/")).suffix.lower()


def plan_inputs(paths: Sequence[str]) -> list[Source]:
    """The sources of ``paths`` (files, folders walked as ``marsad extract``/``ingest`` walk them, or URIs).

    A missing path, a folder without readable files or inputs that are all empty raise
    an :class:`InputError` before Spark starts. ``file://`` URIs are local paths; other
    URIs (``hdfs://``, ``s3a://``…) are handed to Spark as they are.
    """
    if not paths:
        raise InputError("no input given; name .jsonl/.txt files or folders of them", code="E152")
    sources: list[Source] = []
    local: list[str] = []
    for p in paths:
        if p == "-":
            raise InputError("standard input cannot be read by Spark; give files or folders "
                             "(or use marsad extract for stdin)", code="E152")
        if _is_uri(p):
            kind = "lines" if _suffix(p) in JSONL_SUFFIXES else "file"
            sources.append(Source(len(sources), p, p, kind))
            continue
        local_path = p[len("file://"):] if p.startswith("file://") else p
        for f in walk([local_path]):
            local.append(f)
            sources.append(_local_source(len(sources), f))
    if local and all(s.size == 0 for s in sources):
        raise InputError(f"the input is empty ({', '.join(local[:3])}{'…' if len(local) > 3 else ''} "
                         "hold nothing); give files with some text", code="E152")
    return sources


def _local_source(index: int, path: str) -> Source:
    p = Path(path)
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(2)
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror})", code="E101") from e
    location = os.path.abspath(path)
    # JSONL is read line by line, unless it is UTF-16 (whose lines Spark cannot split on bytes) or its path
    # has a comma (Hadoop would take it for two paths; such a file is read whole, found by a glob)
    lines = p.suffix.lower() in JSONL_SUFFIXES and head not in (b"\xff\xfe", b"\xfe\xff") and "," not in location
    return Source(index, path, location, "lines" if lines else "file", size)


def _glob_escape(path: str) -> str:
    return _GLOB.sub(r"\\\1", path)


def read_sources(sc: SparkContext, sources: Sequence[Source]) -> RDD[InputRecord]:
    """One RDD of input records (see :mod:`marsad.batch.worker`) for all sources."""
    parts: list[RDD[InputRecord]] = []
    whole: dict[str, Source] = {}
    for src in sources:
        if src.kind == "lines":
            split = 1 if src.size is not None and src.size <= SPLIT_BYTES else max(2, sc.defaultParallelism)
            lines = sc.textFile(_glob_escape(src.location) if src.size is not None else src.location,
                                minPartitions=split, use_unicode=False)
            parts.append(lines.zipWithIndex().map(_line_record(src.index, src.name)))
        elif src.size is not None and "," not in src.location:
            whole[src.location] = src
        elif src.size is None:  # a remote URI (maybe a glob): all it names
            parts.append(sc.binaryFiles(src.location).map(_file_record({}, src)))
        else:  # a local path with a comma: a glob with "?" for each comma, then only that file
            glob = _glob_escape(src.location).replace(",", "?")
            parts.append(sc.binaryFiles(glob).filter(_is_file(src.location)).map(_file_record({}, src)))
    if whole:
        joined = ",".join(_glob_escape(loc) for loc in whole)
        parts.append(sc.binaryFiles(joined).map(_file_record(whole, None)))
    if not parts:
        raise InputError("no input given; name .jsonl/.txt files or folders of them", code="E152")
    return parts[0] if len(parts) == 1 else sc.union(parts)


def _line_record(index: int, name: str) -> Any:
    def to_record(item: tuple[bytes, int]) -> InputRecord:
        line, n = item
        return (index, n + 1, 0), "line", name, line

    return to_record


def _file_record(by_location: dict[str, Source], fixed: Source | None) -> Any:
    def to_record(item: tuple[str, bytes]) -> InputRecord:
        uri, data = item
        src = fixed or by_location.get(_local_path(uri))
        if src is None:  # not expected: Spark names local files "file:/abs/path"
            raise RuntimeError(f"Spark read {uri!r}, which is not one of the inputs")
        name = src.name if src.size is not None else uri
        return (src.index, 0, 0), "file", name, data

    return to_record


def _is_file(location: str) -> Any:
    def test(item: tuple[str, bytes]) -> bool:
        return _local_path(item[0]) == location

    return test


def _local_path(uri: str) -> str:
    if uri.startswith("file://"):
        return uri[len("file://"):]
    if uri.startswith("file:"):
        return uri[len("file:"):]
    return uri


# --------------------------------------------------------------------------- processing


def settings_for(pipeline: str | Path | dict[str, Any] | None = None, *, published: date | str | None = None,
                 outlet: str | None = None, background: bool = False) -> WorkerSettings:
    """Worker settings: the pipeline config read (and checked, by building it once) here on the driver."""
    from marsad.readers import parse_date

    config: dict[str, Any] | None
    if pipeline is None or isinstance(pipeline, dict):
        config = pipeline
    else:
        config = load_config(pipeline)
    if config is not None:
        Pipeline.from_config(config)  # unknown stages and bad options are reported before Spark runs anything
    pub = parse_date(published, "--published: ") if isinstance(published, str) else published
    return WorkerSettings(pipeline=config, env=driver_env(), published=pub, outlet=outlet, background=background)


def process(records: RDD[InputRecord], settings: WorkerSettings) -> RDD[OutputRow]:
    """Input records → output rows, one pipeline per Python worker (``mapPartitions``)."""

    def run(part: Iterable[InputRecord]) -> Iterator[OutputRow]:
        return process_records(part, settings)

    return records.mapPartitions(run)


def extract_events(data: DataFrame | RDD[Any], *, pipeline: str | Path | dict[str, Any] | None = None,
                   published: date | str | None = None, outlet: str | None = None, background: bool = False,
                   with_errors: bool = False) -> Any:
    """Events of documents held in a user's own Spark DataFrame or RDD, by the marsad pipeline.

    ``data`` is a DataFrame with the document columns (``id``, ``text``, and optionally
    ``published``, ``outlet``, ``url``, ``title``), or an RDD of document dicts or JSON lines
    (``str``). A DataFrame gives a DataFrame of events (:func:`~marsad.batch.schema.event_schema`),
    an RDD gives an RDD of event dicts (``Event.to_dict()``, as ``marsad extract`` prints them).
    Documents that cannot be used are left out; with ``with_errors=True`` the result is
    ``(events, errors)``, errors being a DataFrame (:func:`~marsad.batch.schema.error_schema`)
    or an RDD of ``(key, code, message)``.
    """
    settings = settings_for(pipeline, published=published, outlet=outlet, background=background)
    is_df = hasattr(data, "rdd") and hasattr(data, "schema")
    rows = data.rdd.map(lambda r: r.asDict()) if is_df else data
    records = rows.mapPartitionsWithIndex(_as_records)
    out = process(records, settings)
    if not is_df:
        events = out.filter(lambda r: r[0] == "event").map(lambda r: r[2])
        if with_errors:
            return events, out.filter(lambda r: r[0] == "error").map(lambda r: r[1:])
        return events
    spark = data.sparkSession
    events_df = spark.createDataFrame(out.filter(lambda r: r[0] == "event").map(lambda r: event_dict_to_row(r[2])),
                                      event_schema())
    if not with_errors:
        return events_df
    errors_df = spark.createDataFrame(
        out.filter(lambda r: r[0] == "error").map(lambda r: (r[1][0], r[1][1], r[1][2], r[2], r[3])), error_schema())
    return events_df, errors_df


def _as_records(partition: int, rows: Iterable[Any]) -> Iterator[InputRecord]:
    for n, row in enumerate(rows, 1):
        if isinstance(row, str):
            yield (partition, n, 0), "line", f"partition {partition} line", row.encode("utf-8")
        elif isinstance(row, bytes):
            yield (partition, n, 0), "line", f"partition {partition} line", row
        else:
            yield (partition, n, 0), "record", f"partition {partition} row", dict(row)


# --------------------------------------------------------------------------- output


def _hadoop_path(sc: SparkContext, location: str) -> tuple[Any, Any]:
    jvm = sc._jvm  # type: ignore[attr-defined]
    path = jvm.org.apache.hadoop.fs.Path(location)
    return path.getFileSystem(sc._jsc.hadoopConfiguration()), path  # type: ignore[attr-defined]


def prepare_output(sc: SparkContext, out: str, overwrite: bool) -> None:
    """Make sure ``out`` can be written: absent, or removed when ``overwrite``; else a clear error."""
    fs, path = _hadoop_path(sc, out)
    if fs.exists(path):
        if not overwrite:
            raise InputError(f"{out} already exists; give another --out folder or add --overwrite", code="E153")
        fs.delete(path, True)


def write_text(sc: SparkContext, location: str, text: str) -> None:
    """Write a small text file (UTF-8) through Hadoop's file system (local, HDFS, S3…)."""
    fs, path = _hadoop_path(sc, location)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def list_outputs(sc: SparkContext, out: str) -> list[str]:
    """Names of the data files in an output folder (not ``_SUCCESS``, ``_SUMMARY.json`` or hidden files)."""
    fs, path = _hadoop_path(sc, out)
    names = [st.getPath().getName() for st in fs.listStatus(path)]
    return sorted(n for n in names if not n.startswith(("_", ".")))


def _event_line(row: OutputRow) -> str:
    return json.dumps(row[2], ensure_ascii=False)


def write_events(spark: SparkSession, events: RDD[OutputRow], out: str, fmt: str, partitions: int) -> None:
    """Sort events by input position and write them as JSONL part files or Parquet."""
    ordered = events.sortBy(lambda r: r[1], numPartitions=partitions)
    if fmt == "jsonl":
        ordered.map(_event_line).saveAsTextFile(out)
    else:
        df = spark.createDataFrame(ordered.map(lambda r: event_dict_to_row(r[2])), event_schema())
        df.write.parquet(out)


# --------------------------------------------------------------------------- the job


def run_batch(inputs: Sequence[str], out: str, *, master: str = "local[*]", partitions: int | None = None,
              pipeline: str | Path | dict[str, Any] | None = None, fmt: str = "jsonl", overwrite: bool = False,
              published: date | str | None = None, outlet: str | None = None, background: bool = False,
              dedup: bool = False, spark: SparkSession | None = None) -> dict[str, Any]:
    """Extract events from files and folders with Spark into ``out``; returns the summary (also in ``_SUMMARY.json``).

    ``spark``: a session to use (left running); by default the running session, else one
    started on ``master`` and stopped at the end. ``partitions``: tasks running the pipeline and output files
    (default: twice Spark's default parallelism). ``fmt``: ``jsonl`` or ``parquet``.
    ``dedup``: merge reports of one incident by different outlets, by the store's rule
    (:mod:`marsad.batch.dedup`). Inputs, options and the pipeline config are checked before
    Spark starts; a bad line or file is counted in the summary, not fatal.
    """
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}", code="E156")
    if partitions is not None and partitions < 1:
        raise InputError(f"--partitions must be 1 or more, not {partitions}", code="E156")
    if not _is_uri(out) and not overwrite and Path(_local_path(out)).exists():
        raise InputError(f"{out} already exists; give another --out folder or add --overwrite", code="E153")
    sources = plan_inputs(inputs)
    settings = settings_for(pipeline, published=published, outlet=outlet, background=background)
    started = time.perf_counter()
    own = False
    if spark is None:
        require_pyspark()
        own = not _session_running()  # a session someone else started is left running
    session = spark if spark is not None else spark_session(master)
    startup = time.perf_counter() - started
    try:
        return _run(session, sources, out, settings, partitions=partitions, fmt=fmt, overwrite=overwrite,
                    dedup=dedup, startup=startup)
    except MarsadError:
        raise
    except Exception as e:
        if not _is_spark_failure(e):
            raise
        raise BatchError(f"the Spark job failed ({spark_failure_cause(e)}); check that marsad is installed "
                         "on every worker, and the Spark log above", code="E157") from e
    finally:
        if own:
            session.stop()


def _is_spark_failure(e: Exception) -> bool:
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return isinstance(e, (Py4JError, PySparkException))


def spark_failure_cause(e: Exception) -> str:
    """The Python error at the root of a failed Spark job (``ModuleNotFoundError: …``), else its first line."""
    text = str(e)
    causes = re.findall(r"^(\w+(?:Error|Exception): .+)$", text, flags=re.M)
    python = [c for c in causes if not c.startswith(("Py4J", "org.", "java."))]
    if python:
        return python[-1].strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:300] or type(e).__name__


def _session_running() -> bool:
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession() is not None


def _run(spark: SparkSession, sources: Sequence[Source], out: str, settings: WorkerSettings, *,
         partitions: int | None, fmt: str, overwrite: bool, dedup: bool, startup: float) -> dict[str, Any]:
    from pyspark import StorageLevel

    sc = spark.sparkContext
    n_parts = partitions or max(2, 2 * sc.defaultParallelism)
    prepare_output(sc, out, overwrite)
    t0 = time.perf_counter()
    records = read_sources(sc, sources).repartition(n_parts)
    rows = process(records, settings).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        events = rows.filter(lambda r: r[0] == "event")
        if dedup:
            from marsad.batch.dedup import dedup_events

            events = dedup_events(events, n_parts).persist(StorageLevel.MEMORY_AND_DISK)
        write_events(spark, events, out, fmt, n_parts)
        n_written = events.count() if dedup else None
        counts = rows.map(lambda r: r[0]).countByValue()
        errors = rows.filter(lambda r: r[0] == "error")
        by_code = dict(sorted(errors.map(lambda r: r[2]).countByValue().items()))
        examples = [f"[{r[2]}] {r[3]}" for r in errors.takeOrdered(ERROR_EXAMPLES, key=lambda r: r[1])]
        if n_written is None:
            n_written = counts.get("event", 0)
    finally:
        rows.unpersist()
        if dedup:
            events.unpersist()
    seconds = time.perf_counter() - t0
    docs = counts.get("doc", 0)
    summary: dict[str, Any] = {
        "inputs": len(sources),
        "documents_read": docs,
        "documents_failed": sum(by_code.values()),
        "failures_by_code": by_code,
        "failure_examples": examples,
        "events_extracted": counts.get("event", 0),
        "events_written": n_written,
        "seconds": round(seconds, 3),
        "articles_per_s": round(docs / seconds, 1) if seconds > 0 else 0.0,
        "spark_startup_seconds": round(startup, 3),
        "master": sc.master,
        "partitions": n_parts,
        "format": fmt,
        "dedup": dedup,
        "merged_reports": counts.get("event", 0) - n_written,
        "spark_version": spark.version,
        "files": list_outputs(sc, out),
    }
    write_text(sc, f"{out.rstrip('/')}/{SUMMARY_FILE}", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary
