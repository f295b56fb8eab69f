"""The README documents every command, option, stage option and environment setting (as datasette checks)."""

from __future__ import annotations

import argparse
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

from marsad.cli import build_parser
from marsad.pipeline import available_stages

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(prefix: str, parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = f"{prefix} {name}".strip()
                yield path, sub
                yield from _commands(path, sub)


def test_every_command_and_option_is_documented() -> None:
    missing = []
    for path, parser in _commands("", build_parser()):
        *parents, leaf = path.split()
        if not re.search(rf"\b{re.escape(leaf)}\b", README) or (parents and parents[0] not in README):
            missing.append(path)
        for action in parser._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help" and not re.search(rf"(?<![\w-]){opt}\b", README):
                    missing.append(f"{path} {opt}")
    assert not missing, f"document these in README.md: {missing}"


def test_every_stage_and_stage_option_is_documented() -> None:
    missing = []
    for name, factory in available_stages().items():
        if name.startswith("test-"):
            continue
        if f"`{name}`" not in README:
            missing.append(name)
        for param in inspect.signature(factory).parameters:
            if param not in ("self",) and f"`{param}`" not in README:
                missing.append(f"{name}.{param}")
    assert not missing, f"document these stage options in README.md: {missing}"


def test_every_environment_setting_is_documented() -> None:
    used = set()
    for p in [*(ROOT / "src").rglob("*.py"), *(ROOT / "scripts").glob("*")]:
        used.update(re.findall(r"MARSAD_[A-Z_]+", p.read_text(encoding="utf-8")))
    missing = sorted(v for v in used if f"`{v}`" not in README)
    assert not missing, f"document these settings in README.md: {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```bash\n(.*?)\n```", README, flags=re.S)
    assert "marsad ingest examples/" in blocks[0] and "pip install" in blocks[0]
    assert blocks[1].strip() == "bash scripts/test.sh"
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
