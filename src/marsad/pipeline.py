"""The pipeline: an ordered list of stages, each ``Document -> Document``.

A stage is a callable object with a ``name`` and two tuples of attribute names of
:class:`~marsad.model.Document`: ``reads`` (what it needs) and ``writes`` (what it
adds). Stages are pure: no I/O at call time, no global mutable state; resources
are loaded once when the stage is built and shared read-only.

Stages register themselves by name with :func:`register`; a pipeline is built
from a config (``resources/pipeline.toml`` by default, or a user TOML file)::

    [[stage]]
    name = "normalize"

    [[stage]]
    name = "events"
    include_background = false

:meth:`Pipeline.check` verifies that each stage's ``reads`` are written by an
earlier stage (``text``, ``published``, ``outlet`` … are given by the reader).
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from marsad import resources
from marsad.errors import ConfigError
from marsad.model import Document

GIVEN = frozenset({"id", "text", "published", "outlet", "url", "title"})

#: modules whose import registers the bundled stages
STAGE_MODULES = (
    "marsad.stages.normalize",
    "marsad.stages.entities",
    "marsad.stages.actors",
    "marsad.stages.geo",
    "marsad.stages.time",
    "marsad.stages.events",
)


@runtime_checkable
class Stage(Protocol):
    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...


StageFactory = Callable[..., Stage]
_REGISTRY: dict[str, StageFactory] = {}


def register(name: str) -> Callable[[StageFactory], StageFactory]:
    """Class/function decorator: make a stage factory available to configs under ``name``."""

    def deco(factory: StageFactory) -> StageFactory:
        _REGISTRY[name] = factory
        return factory

    return deco


def available_stages() -> dict[str, StageFactory]:
    for mod in STAGE_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:  # a stage module not written yet is simply not available
            if e.name != mod:
                raise
    return dict(_REGISTRY)


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a pipeline TOML file; a missing or invalid file is a ConfigError (E212/E213) saying which."""
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"pipeline config {p} not found", code="E212") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"pipeline config {p} is not valid TOML: {e}", code="E213") from e


@dataclass
class Pipeline:
    stages: list[Stage] = field(default_factory=list)

    def __call__(self, doc: Document) -> Document:
        for stage in self.stages:
            doc = stage(doc)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def check(self) -> None:
        have = set(GIVEN)
        for s in self.stages:
            missing = [r for r in s.reads if r not in have]
            if missing:
                raise ConfigError(
                    f"stage {s.name!r} reads {', '.join(missing)} which no earlier stage writes; "
                    "reorder the [[stage]] tables of your pipeline config",
                    code="E211",
                )
            have.update(s.writes)

    @classmethod
    def from_config(cls, config: dict[str, Any] | str | Path | None = None) -> Pipeline:
        """Build a pipeline from a config dict, a TOML file path, or the bundled default."""
        if config is None:
            cfg = tomllib.loads(resources.path("pipeline.toml").read_text(encoding="utf-8"))
        elif isinstance(config, (str, Path)):
            cfg = load_config(config)
        else:
            cfg = config
        factories = available_stages()
        stages: list[Stage] = []
        for i, spec in enumerate(cfg.get("stage", [])):
            spec = dict(spec)
            name = spec.pop("name", None)
            if spec.pop("enabled", True) is False:
                continue
            if name not in factories:
                raise ConfigError(
                    f"stage #{i + 1} {name!r} is unknown; available: {', '.join(sorted(factories))}", code="E214"
                )
            try:
                stages.append(factories[name](**spec))
            except TypeError as e:
                raise ConfigError(f"stage {name!r}: bad option: {e}", code="E215") from e
        pipe = cls(stages)
        pipe.check()
        return pipe


_DEFAULT: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """The bundled default pipeline, built once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline.from_config()
    return _DEFAULT
