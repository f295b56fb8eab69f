"""Batch at scale on Apache Spark: the same pipeline as ``marsad extract``, mapped over partitions.

``pyspark`` is an optional extra (``pip install 'marsad[spark]'``) and is imported only
when a Spark function runs, so ``import marsad.batch`` works without it. From the
command line: ``marsad batch INPUT... --out DIR``. From Python::

    from marsad.batch import run_batch, extract_events, spark_session

    summary = run_batch(["articles/"], "events-out", master="local[4]")   # files → folder
    spark = spark_session("local[*]")                                       # or your own session
    events_df = extract_events(spark.read.json("docs.jsonl"))               # DataFrame → DataFrame

What runs in a Python worker is :mod:`marsad.batch.worker` (no Spark there); the Spark
plumbing is :mod:`marsad.batch.spark`; the declared event schema :mod:`marsad.batch.schema`.
"""

from __future__ import annotations

from marsad.batch.schema import error_schema, event_schema, row_to_event_dict
from marsad.batch.spark import (
    FORMATS,
    SUMMARY_FILE,
    BatchError,
    extract_events,
    plan_inputs,
    require_java,
    require_pyspark,
    run_batch,
    spark_session,
)
from marsad.batch.worker import WorkerSettings, process_records

__all__ = [
    "FORMATS",
    "SUMMARY_FILE",
    "BatchError",
    "WorkerSettings",
    "error_schema",
    "event_schema",
    "extract_events",
    "plan_inputs",
    "process_records",
    "require_java",
    "require_pyspark",
    "row_to_event_dict",
    "run_batch",
    "spark_session",
]
