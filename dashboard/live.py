"""The snapshot the running app serves, switched to a newly published one without a restart.

Publishing (dashboard/write/publish.py) writes a complete snapshot folder and then replaces the
pointer file ``<var_dir>/snapshots/CURRENT`` (one line: the folder's name) in one atomic rename.
Every worker of every replica that reads the same ``var_dir`` looks at the pointer at most once a
second, as requests arrive (``LiveAtlas.poll``); when it names another folder, the worker loads that
snapshot in a background thread (the atlas, the search index and the query term tables) while its
requests go on being answered from the old one, then switches. A request keeps the snapshot it
started with to its end (``LiveAtlas`` pins one per request), so no request sees half of each, and
none fails during the switch.

``LiveAtlas`` stands in for the ``Atlas`` wherever the app holds one: attribute reads go to the
request's snapshot, and ``resolved()`` gives that snapshot itself (per-atlas caches key on it).
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import g, has_app_context

from .data.atlas import Atlas, load_atlas
from .data.published import published_folder

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0


class LiveAtlas:
    """The atlas of the snapshot being served; see the module's docstring."""

    def __init__(self, atlas: Atlas, var_dir: Path | None = None, warm=None):
        self._atlas = atlas
        self._var_dir = Path(var_dir) if var_dir is not None else None
        self._warm = warm or (lambda a: None)
        self._checked = 0.0
        self._loading: str | None = None
        self._lock = threading.Lock()
        self._folder = atlas.data_dir.resolve()
        self._failed: str | None = None  # a folder that could not be loaded is not tried again

    # ------------------------------------------------------------------ the request's snapshot
    def resolved(self) -> Atlas:
        if has_app_context():
            pinned = g.get("s3_atlas")
            if pinned is None:
                pinned = g.s3_atlas = self._atlas
            return pinned
        return self._atlas

    def __getattr__(self, name):
        return getattr(self.resolved(), name)

    # ------------------------------------------------------------------ switching
    def poll(self, now: float | None = None) -> None:
        """Look at the pointer (at most once a second) and start loading what it names."""
        if self._var_dir is None:
            return
        now = time.monotonic() if now is None else now
        if now - self._checked < POLL_SECONDS:
            return
        self._checked = now
        folder = published_folder(self._var_dir)
        if folder is None or folder.resolve() == self._folder or str(folder) == self._failed:
            return
        with self._lock:
            if self._loading == str(folder):
                return
            self._loading = str(folder)
        threading.Thread(target=self._load, args=(folder,), name="snapshot-load", daemon=True).start()

    def _load(self, folder: Path) -> None:
        try:
            started = time.perf_counter()
            atlas = load_atlas(folder)
            self._warm(atlas)
            self._atlas, self._folder = atlas, folder.resolve()
            log.info("now serving snapshot %s (loaded in %.1f s)", atlas.version, time.perf_counter() - started)
        except Exception:  # the old snapshot stays
            self._failed = str(folder)
            log.exception("could not load the published snapshot %s; still serving %s", folder.name,
                          self._atlas.version)
        finally:
            with self._lock:
                self._loading = None

    def switch_now(self, folder: Path) -> None:
        """Load and serve ``folder`` at once, in this thread (the publishing worker itself)."""
        self._load(Path(folder))
