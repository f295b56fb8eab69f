"""Shared test fixtures.

Tests that need the team's third-party data read it from ``../shared`` (never a
copy in this repository) and skip with a clear reason when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder; skips the test when it is not there."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"../shared not found at {SHARED} (set MARSAD_SHARED to its path to run this test)")
    return SHARED


@pytest.fixture(scope="session")
def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the session: indexes are keyed on their sources, so tests may share them."""
    return tmp_path_factory.mktemp("marsad-cache")


@pytest.fixture(autouse=True)
def _isolated_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _shared_cache: Path
) -> None:
    """Keep each test's user data (registries, gazetteers, databases) out of the real home folder."""
    monkeypatch.setenv("MARSAD_HOME", str(tmp_path_factory.mktemp("marsad-home")))
    monkeypatch.setenv("MARSAD_CACHE", str(_shared_cache))
