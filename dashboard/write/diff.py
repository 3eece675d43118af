"""A proposal as a difference against the snapshot being served: what it adds, changes or removes.

Pure: it reads the atlas it is given and the proposal's own fields; the review queue, the bulk
preview and the tracking page show what it returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

LIST_FIELDS = ("keywords", "nace", "nabs", "ecosystems")
PRIORITY_FIELDS = ("title", "title_original", "description", "keywords", "nace", "nabs", "ecosystems")
STRATEGY_FIELDS = ("title", "period", "document_url")
CONTACT_FIELDS = ("name", "position", "organisation", "email")


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


@dataclass
class RowChange:
    """One row of the snapshot as the proposal would leave it."""
    what: str  # "added", "changed", "removed", "unchanged"
    key: str  # the row's id (empty for a row to be added)
    label: str  # a title a person recognises
    fields: list[FieldChange] = field(default_factory=list)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value).strip()


def _codes(atlas, priority_id: str) -> dict[str, str]:
    by_scheme: dict[str, list[str]] = {"nace": [], "nabs": [], "ecosystem": []}
    for scheme, code, *_ in atlas.codes_by_priority.get(priority_id, ()):
        by_scheme.setdefault(scheme, []).append(str(code))
    return {"nace": "; ".join(by_scheme["nace"]), "nabs": "; ".join(by_scheme["nabs"]),
            "ecosystems": "; ".join(by_scheme["ecosystem"])}


def current_priority(atlas, priority_id: str) -> dict[str, str] | None:
    rows = atlas.priorities[atlas.priorities.priority_id == priority_id]
    if rows.empty:
        return None
    row = rows.iloc[0]
    out = {f: _text(row.get(f)) for f in ("title", "title_original", "description")}
    out["keywords"] = "; ".join(k.strip() for k in _text(row.get("keywords")).split(";") if k.strip())
    out.update(_codes(atlas, priority_id))
    out["strategy_id"] = _text(row.get("strategy_id"))
    return out


def _changes(before: dict[str, str], after: dict, names) -> list[FieldChange]:
    """Fields the proposal gives whose value differs (on a change, a field not given stays)."""
    out = []
    for name in names:
        if name not in after:
            continue
        new = _text(after[name])
        old = before.get(name, "")
        if new != old:
            out.append(FieldChange(name, old, new))
    return out


def _priority_rows(atlas, strategy_id: str) -> pd.DataFrame:
    return atlas.priorities[atlas.priorities.strategy_id == strategy_id]


def diff(proposal: dict, atlas) -> list[RowChange]:
    """The rows a proposal (kind, action, target, fields) adds, changes or removes."""
    kind, action = proposal.get("kind"), proposal.get("action")
    target, fields = proposal.get("target") or {}, proposal.get("fields") or {}
    if kind == "priority":
        if action == "add":
            return [RowChange("added", "", _text(fields.get("title")),
                              _changes({}, fields, PRIORITY_FIELDS))]
        pid = _text(target.get("priority_id"))
        before = current_priority(atlas, pid) or {}
        if action == "remove":
            return [RowChange("removed", pid, before.get("title", pid))]
        return [RowChange("changed", pid, before.get("title", pid), _changes(before, fields, PRIORITY_FIELDS))]
    if kind == "bulk":
        return bulk_diff(atlas, _text(target.get("strategy_id")), fields.get("rows") or [],
                         bool(fields.get("remove_missing")))
    if kind == "strategy":
        if action == "add":
            return [RowChange("added", "", _text(fields.get("title")), _changes({}, fields, STRATEGY_FIELDS))]
        sid = _text(target.get("strategy_id"))
        before = ({f: _text(atlas.strategies.at[sid, f]) for f in STRATEGY_FIELDS}
                  if sid in atlas.strategies.index else {})
        if action == "remove":
            return [RowChange("removed", sid, before.get("title", sid))]
        return [RowChange("changed", sid, before.get("title", sid), _changes(before, fields, STRATEGY_FIELDS))]
    if kind == "membership":
        pid, nuts = _text(target.get("partnership_id")), _text(target.get("nuts_id"))
        m = atlas.members[(atlas.members.partnership_id == pid) & (atlas.members.nuts_id == nuts)]
        role = _text(m.iloc[0].get("role_as_in_source") or m.iloc[0].get("role")) if not m.empty else ""
        label = f"{atlas.region_name(nuts) if nuts in atlas.regions.index else nuts} in {pid}"
        if action == "remove":
            return [RowChange("removed", f"{pid}/{nuts}", label)]
        what = "changed" if not m.empty else "added"
        return [RowChange(what, f"{pid}/{nuts}", label, _changes({"role": role}, fields, ("role",)))]
    if kind == "contact":
        sid = _text(target.get("strategy_id"))
        contacts = getattr(atlas.resolved(), "contacts", None)
        before = {}
        if isinstance(contacts, pd.DataFrame) and not contacts.empty and "strategy_id" in contacts:
            rows = contacts[contacts.strategy_id == sid]
            if not rows.empty:
                before = {f: _text(rows.iloc[0].get(f)) for f in CONTACT_FIELDS}
        if action == "remove":
            return [RowChange("removed", sid, before.get("name", sid))]
        return [RowChange("changed" if before else "added", sid, _text(fields.get("name")),
                          _changes(before, fields, CONTACT_FIELDS))]
    return []


def bulk_diff(atlas, strategy_id: str, rows: list[dict], remove_missing: bool = False) -> list[RowChange]:
    """A whole strategy's priorities as uploaded, against the snapshot: each row added, changed or
    unchanged; the strategy's priorities missing from the upload removed when asked, else kept."""
    out, seen = [], set()
    for row in rows:
        pid = _text(row.get("priority_id"))
        before = current_priority(atlas, pid) if pid else None
        if before is None:
            out.append(RowChange("added", "", _text(row.get("title")), _changes({}, row, PRIORITY_FIELDS)))
            continue
        seen.add(pid)
        changes = _changes(before, {k: v for k, v in row.items() if _text(v) != ""}, PRIORITY_FIELDS)
        out.append(RowChange("changed" if changes else "unchanged", pid, before["title"], changes))
    for pid, title in _priority_rows(atlas, strategy_id)[["priority_id", "title"]].itertuples(index=False):
        if pid not in seen:
            out.append(RowChange("removed" if remove_missing else "unchanged", pid, _text(title)))
    return out


def summary(changes: list[RowChange]) -> dict[str, int]:
    counts = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    for c in changes:
        counts[c.what] += 1
    return counts


def as_proposed(proposal: dict) -> list[RowChange]:
    """What a proposal stated, without the snapshot (once published, the snapshot already holds it)."""
    kind, action = proposal.get("kind"), proposal.get("action")
    target, fields = proposal.get("target") or {}, proposal.get("fields") or {}
    key = " / ".join(_text(v) for v in target.values())
    if kind == "bulk":
        rows = fields.get("rows") or []
        return [RowChange("changed", _text(r.get("priority_id")), _text(r.get("title")),
                          [FieldChange(k, "", _text(v)) for k, v in r.items() if k != "priority_id" and _text(v)])
                for r in rows]
    what = {"add": "added", "remove": "removed"}.get(action, "changed")
    return [RowChange(what, key, _text(fields.get("title") or fields.get("name") or kind),
                      [FieldChange(k, "", _text(v)) for k, v in fields.items() if _text(v) and k != "consent_to_publish"])]
