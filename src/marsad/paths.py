"""Where marsad keeps user data: ``$MARSAD_HOME``, else ``$XDG_DATA_HOME/marsad``, else ``~/.local/share/marsad``.

Holds the default SQLite database, user actor files, imported gazetteers and
cached indexes (``$MARSAD_CACHE`` moves the caches elsewhere). Nothing here is needed for the default install to work.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    env = os.environ.get("MARSAD_HOME")
    if env:
        base = Path(env)
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        base = Path(xdg) / "marsad" if xdg else Path.home() / ".local" / "share" / "marsad"
    base.mkdir(parents=True, exist_ok=True)
    return base


def cache_dir() -> Path:
    """Rebuildable caches (indexes keyed on their sources' checksums): ``$MARSAD_CACHE`` or ``data_dir()/cache``."""
    env = os.environ.get("MARSAD_CACHE")
    p = Path(env) if env else data_dir() / "cache"
    p.mkdir(parents=True, exist_ok=True)
    return p
