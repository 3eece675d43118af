"""Where a row comes from when a contribution gave it: "contributed by <organisation>, reviewed <date>".

Rows of the snapshot's strategies, priorities and partnership members carry ``contributed_by``,
``reviewed_on`` and ``proposal_id`` (empty for rows gathered from public pages, and absent from
snapshots built before contributions existed: the atlas reads them as empty). Contact points come from
contributions alone (``contacts.csv``). Pure functions; no Dash.
"""
from __future__ import annotations

import pandas as pd

from .atlas import Atlas

COLUMNS = ("contributed_by", "reviewed_on", "proposal_id")
# a code's origin in words: given by the source, by a reviewed contribution, or by the keyword map
ORIGIN_WORDS = {"source": "from source", "contributed": "contributed", "auto": "assigned automatically"}


def origin_words(origin: str) -> str:
    return ORIGIN_WORDS.get(origin, "assigned automatically")
CONTACT_COLUMNS = ["strategy_id", "name", "position", "organisation", "email", "source_url", *COLUMNS]


def _s(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip()


def provenance_text(contributed_by, reviewed_on) -> str:
    """"contributed by <organisation>, reviewed <date>" for a contributed row, else ""."""
    by, on = _s(contributed_by), _s(reviewed_on)
    if not by:
        return ""
    return f"contributed by {by}, reviewed {on}" if on else f"contributed by {by}"


def row_provenance(row) -> str:
    """``provenance_text`` of a row (a dict, a Series or a named tuple)."""
    get = row.get if hasattr(row, "get") else lambda k, d="": getattr(row, k, d)
    return provenance_text(get("contributed_by", ""), get("reviewed_on", ""))


def contact_points(atlas: Atlas, strategy_ids: list[str]) -> list[dict]:
    """The contact points of these strategies, in their order: strategy_id, name, position,
    organisation, email, source_url, provenance."""
    c = atlas.contacts
    if c is None or c.empty:
        return []
    order = {sid: i for i, sid in enumerate(strategy_ids)}
    c = c[c.strategy_id.isin(order)]
    c = c.assign(_o=c.strategy_id.map(order)).sort_values(["_o", "name"], kind="stable")
    return [{"strategy_id": r.strategy_id, "name": r.name, "position": r.position, "organisation": r.organisation,
             "email": r.email, "source_url": r.source_url, "provenance": row_provenance(r)}
            for r in c.itertuples(index=False)]


TABLES = (("strategies", "strategies"), ("priorities", "priorities"), ("members", "partnership members"),
          ("contacts", "contact points"))


SINGULAR = {"strategies": "strategy", "priorities": "priority", "partnership members": "partnership member",
            "contact points": "contact point"}


def count_words(n: int, label: str) -> str:
    """"1 strategy", "2 strategies" for a label of ``TABLES``."""
    return f"{n} {SINGULAR.get(label, label) if n == 1 else label}"


def contributions_summary(atlas: Atlas) -> dict:
    """What contributions the snapshot holds: rows per table, and per contributing organisation its rows
    and the dates they were reviewed (first and last). Empty counts when there are none."""
    frames = []
    rows = {}
    for attr, label in TABLES:
        df = getattr(atlas, attr)
        if df is None or df.empty or "contributed_by" not in df:
            rows[label] = 0
            continue
        got = df[df.contributed_by.astype(str).str.strip() != ""]
        rows[label] = int(len(got))
        frames.append(pd.DataFrame({"organisation": got.contributed_by.to_numpy(), "reviewed_on": got.reviewed_on.to_numpy(),
                                    "proposal_id": got.proposal_id.to_numpy(), "table": label}))
    every = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["organisation", "reviewed_on", "proposal_id", "table"])
    by = []
    for org, g in every.groupby("organisation", sort=True):
        dates = sorted(d for d in g.reviewed_on if d)
        by.append({"organisation": org, "rows": int(len(g)), "proposals": int(g.proposal_id.nunique()),
                   "first_reviewed": dates[0] if dates else "", "last_reviewed": dates[-1] if dates else "",
                   "tables": {t: int(n) for t, n in g.table.value_counts().sort_index().items()}})
    by.sort(key=lambda d: (-d["rows"], d["organisation"].casefold()))
    dates = sorted(d for d in every.reviewed_on if d)
    return {"rows": rows, "total": int(len(every)), "proposals": int(every.proposal_id.nunique()), "by": by,
            "first_reviewed": dates[0] if dates else "", "last_reviewed": dates[-1] if dates else ""}
