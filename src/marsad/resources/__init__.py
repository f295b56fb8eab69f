"""Bundled resources: versioned data files listed in ``manifest.json``.

Each entry of the manifest names a file under this folder with its version,
SHA-256 checksum, source and licence. Files are loaded once per process and
shared read-only. ``python -m marsad.resources --rehash`` rewrites the
checksums after an edit; a test checks that the manifest matches the files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from marsad.errors import MarsadError, ResourceError

ROOT = Path(__file__).resolve().parent
MANIFEST = ROOT / "manifest.json"


def path(name: str) -> Path:
    """The path of a bundled resource file; raises ResourceError when missing."""
    p = ROOT / name
    if not p.is_file():
        raise ResourceError(
            f"bundled resource {name!r} is missing; reinstall marsad (pip install -e .)", code="E201"
        )
    return p


@cache
def load_json(name: str) -> Any:
    try:
        return json.loads(path(name).read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ResourceError(f"resource {name!r} is not valid JSON: {e}", code="E202") from e


def jsonl_records(content: str, where: str, *, error: type[MarsadError] = ResourceError,
                  code: str = "E202") -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) of JSONL text; blank lines and lines starting with '//' or '#' are skipped.

    A malformed line raises ``error`` naming ``where:line`` and saying how to fix it.
    """
    for n, line in enumerate(content.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith(("//", "#")):
            continue
        try:
            yield n, json.loads(s)
        except json.JSONDecodeError as e:
            raise error(f"{where}:{n}: not valid JSON ({e.msg}); fix or delete that line", code=code) from e


@cache
def load_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    """Load a bundled JSONL resource (comments allowed, see :func:`jsonl_records`)."""
    return tuple(rec for _, rec in jsonl_records(path(name).read_text(encoding="utf-8"), f"resource {name}"))


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def data_files() -> list[str]:
    """All data files under the resources folder (relative names), manifest excluded."""
    return sorted(
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*")
        if p.is_file() and p.suffix in (".json", ".jsonl", ".tsv", ".txt", ".toml", ".crfsuite")
        and p.name != "manifest.json"
    )


def rehash() -> dict[str, Any]:
    """Rewrite the manifest's checksums (keeping versions and sources); new files get version 1.0."""
    man = manifest() if MANIFEST.exists() else {"files": {}}
    files = man.setdefault("files", {})
    for name in data_files():
        entry = files.setdefault(name, {"version": "1.0", "source": "written for marsad", "license": "MIT"})
        entry["sha256"] = sha256(ROOT / name)
    for name in list(files):
        if not (ROOT / name).is_file():
            del files[name]
    MANIFEST.write_text(json.dumps(man, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return man
