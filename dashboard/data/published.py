"""Which snapshot to serve: the one last published into the app's data folder, if any.

Publishing (dashboard/write/publish.py) writes each new snapshot to ``<var_dir>/snapshots/<version>``
and then replaces the pointer file ``<var_dir>/snapshots/CURRENT`` (one line: that folder's name).
"""
from __future__ import annotations

from pathlib import Path

POINTER = "CURRENT"


def snapshots_dir(var_dir: Path) -> Path:
    return Path(var_dir) / "snapshots"


def published_folder(var_dir: Path) -> Path | None:
    """The folder the pointer names, when there is one and it holds a snapshot."""
    try:
        name = (snapshots_dir(var_dir) / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    folder = snapshots_dir(var_dir) / name
    if not name or "/" in name or "\\" in name or name.startswith(".") or not (folder / "manifest.json").is_file():
        return None
    return folder
