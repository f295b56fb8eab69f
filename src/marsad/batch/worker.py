"""What runs inside a Spark Python worker: input records → documents → pipeline → output rows.

Nothing here imports pyspark: the functions take and give plain Python values, so
they run (and are tested) the same in a Spark task, in a plain process, or in a test.

An **input record** is ``(key, kind, name, payload)``:

* ``kind == "line"``: one line of a JSONL file (``payload``: its bytes, ``key``:
  ``(file_index, line_number, 0)``), parsed like :func:`marsad.readers.read_jsonl_text`
  parses a line;
* ``kind == "record"``: a document as a dict with the fields of the document format
  (``payload``: the dict, ``key``: ``(partition, row, 0)``), for a user's own DataFrame;
* ``kind == "file"``: a whole file (``payload``: its bytes, ``key``: ``(file_index, 0, 0)``),
  parsed by :func:`marsad.readers.read_bytes` exactly as ``marsad extract`` reads it.

An **output row** is a tuple whose first item tells its kind:

* ``("event", key, event_dict, outlet)``: one event, ``event_dict`` being ``event.to_dict()``, which
  ``marsad extract`` prints as a JSON line; ``key`` orders events as the input orders documents;
  ``outlet`` is the document's (for deduplication);
* ``("doc", key, doc_id, n_events)``: one document read and run through the pipeline;
* ``("error", key, code, message)``: one line, file or document that could not be used.

The pipeline is built once per Python worker process (a module-level cache keyed on
the pipeline config and the user-data settings), not once per record or partition.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from marsad.errors import InputError, MarsadError
from marsad.model import Document
from marsad.pipeline import Pipeline, default_pipeline
from marsad.readers import decode, doc_from_record, read_bytes

#: an order key: (file index, line number, entry number within the line/file, event number)
Key = tuple[int, ...]
InputRecord = tuple[Key, str, str, Any]
OutputRow = tuple[Any, ...]

#: environment settings that decide which user data (registries, gazetteers, caches) the pipeline sees
FORWARDED_ENV_PREFIXES = ("MARSAD_",)
FORWARDED_ENV = ("XDG_DATA_HOME",)
#: error code of a document on which the pipeline itself failed (a bug in a stage)
PIPELINE_FAILED = "E155"


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """Everything a worker needs besides its records; small and picklable (shipped with each task).

    ``pipeline`` is a pipeline config as a dict (``None``: the bundled default), read on the
    driver so that workers need no access to the driver's files; ``env`` the user-data
    settings of the driver (see :func:`driver_env`), applied in the worker before the
    pipeline is built; ``published``/``outlet`` the defaults for documents that lack them;
    ``background`` whether events flagged as background are kept (as ``extract --background``).
    """

    pipeline: dict[str, Any] | None = None
    env: tuple[tuple[str, str], ...] = ()
    published: date | None = None
    outlet: str | None = None
    background: bool = False

    @property
    def cache_key(self) -> str:
        return json.dumps([self.pipeline, self.env], sort_keys=True, ensure_ascii=False, default=str)


def driver_env() -> tuple[tuple[str, str], ...]:
    """The user-data settings of this process (``MARSAD_*``, ``XDG_DATA_HOME``), to forward to workers."""
    return tuple(sorted((k, v) for k, v in os.environ.items()
                        if k.startswith(FORWARDED_ENV_PREFIXES) or k in FORWARDED_ENV))


_PIPELINES: dict[str, Pipeline] = {}


def pipeline_for(settings: WorkerSettings) -> Pipeline:
    """The pipeline of ``settings``, built once per process (resources load once, as in ``marsad extract``)."""
    key = settings.cache_key
    pipe = _PIPELINES.get(key)
    if pipe is None:
        for k, v in settings.env:
            os.environ[k] = v
        pipe = default_pipeline() if settings.pipeline is None else Pipeline.from_config(settings.pipeline)
        _PIPELINES[key] = pipe
    return pipe


def parse_line(payload: bytes, name: str, line_no: int, *, published: date | None = None,
               outlet: str | None = None) -> Document | None:
    """One JSONL line → a document (``None`` for a blank line); an :class:`InputError` when it is unusable.

    The same checks and messages as :func:`marsad.readers.read_jsonl_text` (which reads a whole file).
    """
    if not payload.strip():
        return None
    where = f"{name}:{line_no}"
    text = decode(payload, where)
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{where}: malformed JSON ({e.msg}); the line was skipped", code="E105") from e
    return doc_from_record(rec, where, published=published, outlet=outlet)


def documents_of(record: InputRecord, settings: WorkerSettings) -> Iterator[tuple[Key, Document | InputError]]:
    """The documents of one input record, each with its order key, and the problems found, in input order."""
    key, kind, name, payload = record
    if kind == "line":
        try:
            doc = parse_line(payload, name, key[1], published=settings.published, outlet=settings.outlet)
        except InputError as e:
            yield key, e
            return
        if doc is not None:
            yield key, doc
        return
    if kind == "record":
        where = f"{name}:{key[1]}"
        try:
            yield key, doc_from_record(payload, where, published=settings.published, outlet=settings.outlet)
        except InputError as e:
            yield key, e
        return
    if kind != "file":
        raise ValueError(f"unknown input record kind {kind!r}")
    path = PurePosixPath(name)
    errors: list[InputError] = []
    n = 0
    for doc in read_bytes(payload, name, path.stem, path.suffix.lower(), on_error=errors.append,
                          published=settings.published, outlet=settings.outlet):
        while errors:  # problems found before this document come before it
            yield (key[0], key[1], n), errors.pop(0)
            n += 1
        yield (key[0], key[1], n), doc
        n += 1
    for e in errors:
        yield (key[0], key[1], n), e
        n += 1


def process_records(records: Iterable[InputRecord], settings: WorkerSettings) -> Iterator[OutputRow]:
    """The ``mapPartitions`` function: input records → output rows (see the module docstring)."""
    pipe: Pipeline | None = None
    for record in records:
        for key, item in documents_of(record, settings):
            if isinstance(item, InputError):
                yield ("error", key, item.code, item.args[0])
                continue
            if pipe is None:
                pipe = pipeline_for(settings)
            try:
                doc = pipe(item)
            except MarsadError as e:
                yield ("error", key, e.code, f"{record[2]}: document {item.id}: {e.args[0]}")
                continue
            except Exception as e:  # a stage bug on one article must not stop the job; it is reported
                yield ("error", key, PIPELINE_FAILED,
                       f"{record[2]}: document {item.id}: the pipeline failed ({type(e).__name__}: {e})")
                continue
            events = [ev for ev in doc.events if settings.background or not ev.background]
            yield ("doc", key, doc.id, len(events))
            for i, ev in enumerate(events):
                yield ("event", (*key, i), ev.to_dict(), doc.outlet)
