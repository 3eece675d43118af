"""Publishing: accepted proposals become reviewed source rows, then a new snapshot, then the one served.

1. Each accepted proposal not yet published is written as rows of the reviewed source files
   (``<contributions_dir>/{priorities,strategies,memberships,contacts}.csv``) with its provenance:
   proposal id, source URL, the proposer's organisation, the reviewer and the date. Never an e-mail
   address of a proposer. A proposal's rows replace any earlier rows of the same proposal, so
   publishing again never doubles them.
2. The build applies every reviewed row to the committed snapshot and writes a new snapshot folder
   (dashboard/build/publish.py: validated as every source; search vectors for new or changed texts).
3. The pointer ``<var_dir>/snapshots/CURRENT`` is replaced in one rename: every server reading that
   folder switches to the new snapshot (dashboard/live.py).
4. The proposals are marked published with the snapshot's version, in the audit log too.

One publication at a time (a lock file in ``var_dir``), whichever server or command starts it.
"""
from __future__ import annotations

import fcntl
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..build.contributions import COLUMNS as FIELDS, PROVENANCE
from ..build.publish import publish_snapshot
from ..data.published import POINTER, snapshots_dir
from .diff import PRIORITY_FIELDS, current_priority

# a proposal's kind -> the reviewed source file its rows go to (the format: build/contributions.py)
FILES = {"priority": "priorities", "strategy": "strategies", "membership": "memberships", "contact": "contacts"}


@dataclass
class Published:
    version: str
    folder: Path
    proposals: list[str]


def _joined(value) -> str:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v).strip() for v in value if str(v).strip())
    return "" if value is None else str(value).strip()


def reviewed_rows(p, atlas) -> list[tuple[str, dict]]:
    """(kind, row) of the reviewed source files for one accepted proposal ``p``."""
    reviewed_on = (p.reviewed_at or datetime.now(timezone.utc)).strftime("%Y-%m-%d")
    base = {"proposal_id": p.public_id, "source_url": p.source_url, "contributed_by": p.proposer_organisation or "",
            "reviewed_by": p.reviewed_by or "", "reviewed_on": reviewed_on}
    target, fields = p.target or {}, p.fields or {}
    if p.kind == "bulk":
        sid = target.get("strategy_id", "")
        out = []
        given = set()
        for row in fields.get("rows") or []:
            pid = (row.get("priority_id") or "").strip()
            before = current_priority(atlas, pid) if pid else None
            if before is None:
                out.append(("priority", {**base, "action": "add", "strategy_id": sid, "priority_id": "",
                                         **{f: _joined(row.get(f)) for f in PRIORITY_FIELDS}}))
                continue
            given.add(pid)
            changed = {f: _joined(row.get(f)) for f in PRIORITY_FIELDS
                       if _joined(row.get(f)) and _joined(row.get(f)).replace("; ", ";") != before.get(f, "").replace("; ", ";")}
            if changed:
                out.append(("priority", {**base, "action": "change", "strategy_id": sid, "priority_id": pid, **changed}))
        if fields.get("remove_missing"):
            for pid in atlas.priorities.loc[atlas.priorities.strategy_id == sid, "priority_id"]:
                if pid not in given:
                    out.append(("priority", {**base, "action": "remove", "strategy_id": sid, "priority_id": pid}))
        return out
    row = {**base, "action": p.action, **{k: _joined(v) for k, v in target.items()}}
    if p.kind == "contact":
        row.update({f: _joined(fields.get(f)) for f in ("name", "position", "organisation", "email")})
    else:
        row.update({k: _joined(v) for k, v in fields.items()})
    if p.kind == "priority" and not row.get("strategy_id") and row.get("priority_id"):
        row["strategy_id"] = (current_priority(atlas, row["priority_id"]) or {}).get("strategy_id", "")
    return [(p.kind, row)]


def write_reviewed_rows(contributions_dir: Path, rows: list[tuple[str, dict]]) -> dict[str, int]:
    """Add the rows to the reviewed source files (a proposal's earlier rows replaced). Returns the rows
    written per file."""
    contributions_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind, name in FILES.items():
        new = [r for k, r in rows if k == kind]
        if not new:
            continue
        path = contributions_dir / f"{name}.csv"
        cols = PROVENANCE + FIELDS[name]
        old = pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame(columns=cols)
        ids = {r["proposal_id"] for r in new}
        frame = pd.concat([old[~old.proposal_id.isin(ids)],
                           pd.DataFrame([{c: r.get(c, "") for c in cols} for r in new], columns=cols)],
                          ignore_index=True)
        tmp = path.with_name(f".{name}.csv.tmp")
        frame.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(path)
        written[path.name] = len(new)
    return written


def write_pointer(var_dir: Path, folder: Path) -> None:
    """Point every server reading ``var_dir`` at ``folder`` (one rename: never half a pointer)."""
    base = snapshots_dir(var_dir)
    tmp = base / f".{POINTER}.{threading.get_ident()}.tmp"
    tmp.write_text(Path(folder).name + "\n", encoding="utf-8")
    tmp.replace(base / POINTER)


@contextmanager
def _one_at_a_time(var_dir: Path):
    var_dir.mkdir(parents=True, exist_ok=True)
    with open(var_dir / "publish.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def publishing_now(var_dir: Path) -> bool:
    """Whether a publication holds the lock now (in any process sharing ``var_dir``)."""
    path = Path(var_dir) / "publish.lock"
    if not path.exists():
        return False
    with open(path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def publish(store, atlas, reviewer: str, *, base_dir: Path, contributions_dir: Path, var_dir: Path) -> Published:
    """Publish every accepted proposal (see the module's docstring). ``atlas``: the snapshot being
    served (for what a bulk upload changes); ``base_dir``: the committed snapshot the reviewed rows
    are applied to."""
    with _one_at_a_time(Path(var_dir)):
        accepted = store.accepted()
        rows = [r for p in accepted for r in reviewed_rows(p, atlas)]
        write_reviewed_rows(Path(contributions_dir), rows)
        out_root = snapshots_dir(var_dir)
        out_root.mkdir(parents=True, exist_ok=True)
        folder = publish_snapshot(Path(base_dir), Path(contributions_dir), out_root)
        write_pointer(Path(var_dir), folder)
        version = folder.name
        ids = [p.public_id for p in accepted]
        if ids:
            store.mark_published(ids, version, reviewer)
        return Published(version, folder, ids)
