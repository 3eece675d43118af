"""Reviewed contributions: changes proposed with their source and accepted by a reviewer, kept as
source rows and applied to the snapshot's tables with their provenance.

Files (all optional; no folder = no contributions), one row per accepted change::

    priorities.csv   priority_id, strategy_id, title, title_original, description, keywords, nace, nabs, ecosystems
    strategies.csv   strategy_id, nuts_id, title, period, document_url
    memberships.csv  partnership_id, nuts_id, role
    contacts.csv     strategy_id, name, position, organisation, email

each with the provenance columns ``proposal_id, action (add|change|remove), source_url,
contributed_by (the proposer's organisation), reviewed_by, reviewed_on (YYYY-MM-DD)``. Keywords and
codes are ';'-separated; NACE codes as divisions ("21", "C.21") or sections ("C").

Rules (``apply_contributions``):

* ``add`` inserts the row (or replaces the row with the same key, so applying twice is applying once);
  a priority without an id gets ``<strategy_id>-C<proposal_id>-<n>`` (n: its place among the
  proposal's added priorities of that strategy), a strategy ``<nuts_id>-S3-C<proposal_id>``.
* ``change`` replaces only the fields it gives (non-empty).
* ``remove`` drops the row: a priority with its codes, a strategy with its priorities, their codes
  and its contact points. Removing what is no longer there changes nothing.
* Rows apply in the order of ``reviewed_on``, then of the file: a later row wins.
* Codes a contribution gives replace that scheme's codes of the priority, with origin
  "contributed"; the build recomputes the automatic codes of new and changed priorities
  (``contributed_wins`` keeps the contributed scheme free of automatic ones).
* Provenance: strategies, priorities and partnership members carry ``contributed_by``,
  ``reviewed_on`` and ``proposal_id`` (empty for rows from the other sources); the source URL of a
  changed row becomes the contribution's (and a priority's ``description_source_url`` too when it
  changes the description). Contact points are a table of their own (``contacts``).

The proposer's e-mail is never in these files; a contact point's public e-mail is, with consent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..data.schema import DataError, read_csv, require_urls, require_values, sheet_row

PROVENANCE = ["proposal_id", "action", "source_url", "contributed_by", "reviewed_by", "reviewed_on"]
COLUMNS = {
    "priorities": ["priority_id", "strategy_id", "title", "title_original", "description", "keywords", "nace",
                   "nabs", "ecosystems"],
    "strategies": ["strategy_id", "nuts_id", "title", "period", "document_url"],
    "memberships": ["partnership_id", "nuts_id", "role"],
    "contacts": ["strategy_id", "name", "position", "organisation", "email"],
}
KINDS = tuple(COLUMNS)  # also the order they apply in: strategies before the priorities that name them
APPLY_ORDER = ("strategies", "priorities", "memberships", "contacts")
ACTIONS = ("add", "change", "remove")
# what the snapshot's tables carry about a contributed row
SNAPSHOT_PROVENANCE = ["contributed_by", "reviewed_on", "proposal_id"]
CONTACT_COLUMNS = ["strategy_id", "name", "position", "organisation", "email", "source_url", *SNAPSHOT_PROVENANCE]
CODE_SCHEMES = (("nace", "nace"), ("nabs", "nabs"), ("ecosystems", "ecosystem"))
CONTRIBUTED = "contributed"

PROPOSAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EMAIL = re.compile(r"^[^@\s<>\"';,]+@[^@\s<>\"';,]+\.[^@\s<>\"';,]+$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NACE_CODE = re.compile(r"^(?:([A-U])(?:\.?(\d{1,2}))?|(\d{1,2}))$")


@dataclass(frozen=True)
class Contributions:
    """The reviewed rows of each kind (strings; ``in_file`` and ``file_row`` say where each came from), in the
    order they apply."""
    priorities: pd.DataFrame = field(default_factory=lambda: _empty("priorities"))
    strategies: pd.DataFrame = field(default_factory=lambda: _empty("strategies"))
    memberships: pd.DataFrame = field(default_factory=lambda: _empty("memberships"))
    contacts: pd.DataFrame = field(default_factory=lambda: _empty("contacts"))

    def frames(self) -> dict[str, pd.DataFrame]:
        return {k: getattr(self, k) for k in APPLY_ORDER}

    def __len__(self) -> int:
        return sum(len(df) for df in self.frames().values())

    @property
    def proposals(self) -> list[str]:
        """The proposal ids, each once, sorted."""
        return sorted({pid for df in self.frames().values() for pid in df.proposal_id})

    def summary(self) -> dict:
        """What the build report says: the proposals and the rows per kind and action."""
        rows = {k: {a: int((df.action == a).sum()) for a in ACTIONS if (df.action == a).any()}
                for k, df in self.frames().items() if len(df)}
        return {"proposals": self.proposals, "rows": rows}


def _empty(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=PROVENANCE + COLUMNS[kind] + ["in_file", "file_row"])


def _fault(path: Path, df: pd.DataFrame, mask, column: str, message) -> None:
    """Raise for the first row where ``mask`` holds; ``message``: text or a function of the value."""
    mask = pd.Series(mask, index=df.index)
    if mask.any():
        i = df.index[mask.to_numpy()][0]
        value = df.at[i, column]
        raise DataError(path, message(value) if callable(message) else message, row=sheet_row(i), column=column)


def _is_day(text: str) -> bool:
    if not DAY.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _read_kind(path: Path, kind: str) -> pd.DataFrame:
    df = read_csv(path, PROVENANCE + COLUMNS[kind])
    df = df[PROVENANCE + COLUMNS[kind]].copy()
    require_values(df, ["proposal_id", "action", "source_url", "contributed_by", "reviewed_by", "reviewed_on"], path)
    for col in df.columns:
        _fault(path, df, df[col].str.contains(CONTROL), col, "control characters are not allowed")
    _fault(path, df, ~df.proposal_id.str.match(PROPOSAL_ID), "proposal_id",
           lambda v: f"'{v}' is not a proposal id (letters, digits, '-' or '_', at most 40)")
    _fault(path, df, ~df.action.isin(ACTIONS), "action", lambda v: f"'{v}' is not one of {', '.join(ACTIONS)}")
    require_urls(df, "source_url", path)
    _fault(path, df, ~df.reviewed_on.map(_is_day), "reviewed_on", lambda v: f"'{v}' is not a date (YYYY-MM-DD)")
    add, change, remove = (df.action == a for a in ACTIONS)
    given = df[[c for c in COLUMNS[kind] if c not in _KEYS[kind]]].ne("").any(axis=1)
    if kind == "priorities":
        _need(path, df, add, ["strategy_id", "title"])
        _need(path, df, change | remove, ["priority_id"])
        for col, _scheme in CODE_SCHEMES:
            for i, text in df[col].items():
                for code in _split(text):
                    if col == "nace" and not NACE_CODE.match(code):
                        raise DataError(path, f"'{code}' is not a NACE code (e.g. 'C', 'C.21' or '21')",
                                        row=sheet_row(i), column=col)
                    if col != "nace" and not code.isdigit():
                        raise DataError(path, f"'{code}' is not a {col.upper() if col == 'nabs' else 'ecosystem'} "
                                              "code (a number)", row=sheet_row(i), column=col)
    elif kind == "strategies":
        _need(path, df, add, ["nuts_id", "title"])
        _need(path, df, change | remove, ["strategy_id"])
        require_urls(df, "document_url", path, allow_empty=True)
    elif kind == "memberships":
        _need(path, df, df.action != "", ["partnership_id", "nuts_id"])
        _need(path, df, add | change, ["role"])
    else:
        _need(path, df, df.action != "", ["strategy_id"])
        _need(path, df, add, ["name"])
        _fault(path, df, (df.email != "") & ~df.email.str.match(EMAIL), "email",
               lambda v: f"'{v}' is not an e-mail address")
    key = _KEYS[kind][0]
    _fault(path, df, change & ~given, key, "a change gives no field to change")
    df["in_file"] = path.name
    df["file_row"] = [sheet_row(i) for i in df.index]
    return df


_KEYS = {"priorities": ("priority_id", "strategy_id"), "strategies": ("strategy_id", "nuts_id"),
         "memberships": ("partnership_id", "nuts_id"), "contacts": ("strategy_id",)}


def _need(path: Path, df: pd.DataFrame, where, columns: list[str]) -> None:
    for col in columns:
        _fault(path, df, pd.Series(where, index=df.index) & (df[col] == ""), col,
               f"required value is empty (for action '{'/'.join(sorted(set(df.action[where])))}')")


def _split(text) -> list[str]:
    return [t.strip() for t in str(text or "").split(";") if t.strip()]


def load_contributions(folder: Path | str | None) -> Contributions:
    """The reviewed rows in ``folder`` (each file optional; an absent folder: none), validated; a fault
    raises ``DataError`` naming the file, row and column. Rows are ordered by ``reviewed_on``, then
    as in the file."""
    folder = Path(folder) if folder else None
    if folder is None or not folder.is_dir():
        return Contributions()
    frames = {}
    for kind in KINDS:
        path = folder / f"{kind}.csv"
        if path.is_file():
            df = _read_kind(path, kind)
            frames[kind] = df.sort_values("reviewed_on", kind="stable").reset_index(drop=True)
    return Contributions(**frames)


# --------------------------------------------------------------------------- applying

def _with_provenance(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(**{c: "" for c in SNAPSHOT_PROVENANCE if c not in df})


def _provenance(r) -> dict:
    return {"contributed_by": r.contributed_by, "reviewed_on": r.reviewed_on, "proposal_id": r.proposal_id}


def _err(r, column: str, message: str) -> DataError:
    return DataError(r.in_file, message, row=int(r.file_row), column=column)


def _code(scheme: str, code: str, nace_section: dict) -> tuple[str, str]:
    """(the code as the snapshot writes it, fault or ""): NACE 'C.21' / 'C21' / '21' / '1' -> '21' / '01',
    a section as it is; NABS and ecosystem codes as they are."""
    if scheme != "nace":
        return code, ""
    m = NACE_CODE.match(code)
    if m.group(3):
        return m.group(3).zfill(2), ""
    if not m.group(2):
        return m.group(1), ""
    division = m.group(2).zfill(2)
    if nace_section and nace_section.get(division) != m.group(1):
        return division, f"'{code}': division {division} is not in NACE section {m.group(1)}"
    return division, ""


def _codes_given(r, vocab: dict, nace_section: dict) -> dict[str, list[str]]:
    """{scheme: codes} for the schemes a priority row gives, each code checked against the vocabulary."""
    out = {}
    for col, scheme in CODE_SCHEMES:
        clean = []
        for code in _split(getattr(r, col)):
            c, fault = _code(scheme, code, nace_section)
            if fault:
                raise _err(r, col, fault)
            if vocab.get(scheme) is not None and c not in vocab[scheme]:
                raise _err(r, col, f"unknown {'NACE' if scheme == 'nace' else 'NABS' if scheme == 'nabs' else 'ecosystem'}"
                                   f" code '{code}'")
            if c not in clean:
                clean.append(c)
        if clean:
            out[scheme] = clean
    return out


def _upsert(df: pd.DataFrame, key: list[str], values: dict) -> pd.DataFrame:
    """The row with ``values``' key replaced by ``values`` (in place), or appended."""
    hit = pd.Series(True, index=df.index)
    for k in key:
        hit &= df[k] == values[k]
    row = {c: values.get(c, "") for c in df.columns}
    if hit.any():
        i = df.index[hit.to_numpy()][0]
        for c, v in row.items():
            df.at[i, c] = v
        return df
    return pd.concat([df, pd.DataFrame([row], columns=df.columns)], ignore_index=True)


def _set_codes(codes: pd.DataFrame, pid: str, given: dict[str, list[str]], r) -> pd.DataFrame:
    if not given:
        return codes
    drop = (codes.priority_id == pid) & codes.scheme.isin(list(given))
    rows = [{"priority_id": pid, "scheme": scheme, "code": c, "origin": CONTRIBUTED,
             "rule": f"contributed by {r.contributed_by}, reviewed {r.reviewed_on} (proposal {r.proposal_id})"}
            for scheme, cs in given.items() for c in cs]
    return pd.concat([codes[~drop], pd.DataFrame(rows, columns=codes.columns)], ignore_index=True)


def _strategies(t: dict, rows: pd.DataFrame, regions: set[str], names: dict) -> None:
    s = _with_provenance(t["strategies"].copy())
    removed = set(rows.strategy_id[rows.action == "remove"])
    for r in rows.itertuples(index=False):
        if r.action == "add":
            sid = r.strategy_id or f"{r.nuts_id}-S3-C{r.proposal_id}"
            if r.nuts_id not in regions:
                raise _err(r, "nuts_id", f"unknown NUTS id '{r.nuts_id}'")
            values = {"strategy_id": sid, "nuts_id": r.nuts_id, "territory_name": names.get(r.nuts_id, r.nuts_id),
                      "title": r.title, "period": r.period, "document_url": r.document_url,
                      "source_url": r.source_url, "gathered_on": r.reviewed_on, "nuts_id_source": r.nuts_id,
                      **_provenance(r)}
            s = _upsert(s, ["strategy_id"], values)
            continue
        hit = s.index[s.strategy_id == r.strategy_id]
        if r.action == "remove":
            if len(hit):
                s = s.drop(index=hit).reset_index(drop=True)
                if "superseded_by" in s:
                    s.loc[s.superseded_by == r.strategy_id, ["superseded_by", "superseded_source_url"]] = ""
                _drop_priorities(t, set(t["priorities"].priority_id[t["priorities"].strategy_id == r.strategy_id]))
            continue
        if not len(hit):
            if r.strategy_id in removed:
                continue  # a contribution removes it: nothing to change
            raise _err(r, "strategy_id", f"unknown strategy id '{r.strategy_id}'")
        i = hit[0]
        for col in ("title", "period", "document_url"):
            if getattr(r, col):
                s.at[i, col] = getattr(r, col)
        if r.nuts_id:
            if r.nuts_id not in regions:
                raise _err(r, "nuts_id", f"unknown NUTS id '{r.nuts_id}'")
            s.at[i, "nuts_id"] = r.nuts_id
            s.at[i, "territory_name"] = names.get(r.nuts_id, r.nuts_id)
        s.at[i, "source_url"] = r.source_url
        s.at[i, "source_note"] = ""  # the note was about the previous source
        for k, v in _provenance(r).items():
            s.at[i, k] = v
    t["strategies"] = s


def _drop_priorities(t: dict, ids: set[str]) -> None:
    if not ids:
        return
    t["priorities"] = t["priorities"][~t["priorities"].priority_id.isin(ids)].reset_index(drop=True)
    t["priority_codes"] = t["priority_codes"][~t["priority_codes"].priority_id.isin(ids)].reset_index(drop=True)


def _priorities(t: dict, rows: pd.DataFrame, vocab: dict, nace_section: dict, gone: set[str]) -> None:
    p = _with_provenance(t["priorities"].copy())
    for c in ("description_source_url", "description_note"):
        if c not in p:
            p[c] = ""
    t["priorities"] = p
    strategies = set(t["strategies"].strategy_id)
    removed = set(rows.priority_id[rows.action == "remove"])
    added: dict[tuple[str, str], int] = {}
    for r in rows.itertuples(index=False):
        p = t["priorities"]
        if r.strategy_id in gone or (r.action == "change" and r.priority_id not in set(p.priority_id) and (
                r.priority_id in removed or r.priority_id.startswith(tuple(f"{g}-" for g in gone)))):
            continue  # removed by a contribution (with its strategy, or later): nothing to change
        given = _codes_given(r, vocab, nace_section) if r.action != "remove" else {}
        if r.action == "remove":
            _drop_priorities(t, {r.priority_id})
            continue
        if r.action == "add":
            if r.strategy_id not in strategies:
                raise _err(r, "strategy_id", f"unknown strategy id '{r.strategy_id}'")
            n = added[(r.proposal_id, r.strategy_id)] = added.get((r.proposal_id, r.strategy_id), 0) + 1
            pid = r.priority_id or f"{r.strategy_id}-C{r.proposal_id}-{n}"
            owner = p.strategy_id[p.priority_id == pid]
            if len(owner) and owner.iloc[0] != r.strategy_id:
                raise _err(r, "priority_id", f"priority id '{pid}' belongs to strategy '{owner.iloc[0]}'")
            values = {"priority_id": pid, "strategy_id": r.strategy_id, "title": r.title,
                      "title_original": r.title_original, "description": r.description,
                      "keywords": ";".join(_split(r.keywords)), "kind": "priority", "source_url": r.source_url,
                      **_provenance(r)}
            t["priorities"] = _upsert(p, ["priority_id"], values)
            t["priority_codes"] = _set_codes(t["priority_codes"], pid, given, r)
            continue
        hit = p.index[p.priority_id == r.priority_id]
        if not len(hit):
            raise _err(r, "priority_id", f"unknown priority id '{r.priority_id}'")
        i = hit[0]
        if r.strategy_id and r.strategy_id != p.at[i, "strategy_id"]:
            raise _err(r, "strategy_id", f"priority '{r.priority_id}' is of strategy '{p.at[i, 'strategy_id']}'")
        for col in ("title", "title_original", "description"):
            if getattr(r, col):
                p.at[i, col] = getattr(r, col)
        if r.keywords:
            p.at[i, "keywords"] = ";".join(_split(r.keywords))
        if r.description:
            p.at[i, "description_source_url"] = r.source_url
            p.at[i, "description_note"] = ""
        p.at[i, "source_url"] = r.source_url
        p.at[i, "source_note"] = ""  # the note was about the previous source
        for k, v in _provenance(r).items():
            p.at[i, k] = v
        t["priority_codes"] = _set_codes(t["priority_codes"], r.priority_id, given, r)


def _memberships(t: dict, rows: pd.DataFrame, regions: set[str], names: dict, normalise) -> None:
    m = _with_provenance(t["partnership_members"].copy())
    partnerships = set(t["partnerships"].partnership_id) if "partnerships" in t else None
    removed = set(zip(rows.partnership_id[rows.action == "remove"], rows.nuts_id[rows.action == "remove"]))
    for r in rows.itertuples(index=False):
        hit = m.index[(m.partnership_id == r.partnership_id) & (m.nuts_id == r.nuts_id)]
        if r.action == "remove":
            m = m.drop(index=hit).reset_index(drop=True)
            continue
        if partnerships is not None and r.partnership_id not in partnerships:
            raise _err(r, "partnership_id", f"unknown partnership id '{r.partnership_id}'")
        if r.nuts_id not in regions:
            raise _err(r, "nuts_id", f"unknown NUTS id '{r.nuts_id}'")
        if r.action == "change" and not len(hit):
            if (r.partnership_id, r.nuts_id) in removed:
                continue  # a contribution removes it: nothing to change
            raise _err(r, "nuts_id", f"'{r.nuts_id}' is not a member of '{r.partnership_id}'")
        values = {c: m.at[hit[0], c] for c in m.columns} if len(hit) else {}
        values.update({"partnership_id": r.partnership_id, "nuts_id": r.nuts_id, "role": normalise(r.role),
                       "role_as_in_source": r.role, "source_url": r.source_url,
                       "source_date": "", "note": "", **_provenance(r)})  # date and note were the previous source's
        if not len(hit):
            values.update({"name_as_in_source": names.get(r.nuts_id, r.nuts_id), "nuts_id_from": "contribution",
                           "nuts_id_source": r.nuts_id})
        m = _upsert(m, ["partnership_id", "nuts_id"], values)
    t["partnership_members"] = m


def _contacts(t: dict, rows: pd.DataFrame, gone: set[str]) -> None:
    """Contact points come from contributions alone: the table is made anew from the rows (so a
    renamed contact is not added again when the rows are applied a second time)."""
    c = pd.DataFrame(columns=CONTACT_COLUMNS)
    strategies = set(t["strategies"].strategy_id)
    for r in rows.itertuples(index=False):
        if r.strategy_id in gone:
            continue  # the contact points of a strategy a contribution removes go with it
        if r.action != "remove" and r.strategy_id not in strategies:
            raise _err(r, "strategy_id", f"unknown strategy id '{r.strategy_id}'")
        same = (c.strategy_id == r.strategy_id) & (c.name.str.casefold() == r.name.casefold())
        if r.action == "remove":
            c = c[~(same if r.name else c.strategy_id == r.strategy_id)].reset_index(drop=True)
            continue
        if r.action == "add":
            values = {"strategy_id": r.strategy_id, "name": r.name, "position": r.position,
                      "organisation": r.organisation, "email": r.email, "source_url": r.source_url, **_provenance(r)}
            if same.any():
                c = c.drop(index=c.index[same.to_numpy()]).reset_index(drop=True)
            c = pd.concat([c, pd.DataFrame([values], columns=c.columns)], ignore_index=True)
            continue
        # change: the contact of that name, or the strategy's only contact
        of_strategy = c.index[(c.strategy_id == r.strategy_id).to_numpy()]
        hit = c.index[same.to_numpy()] if r.name and same.any() else of_strategy if len(of_strategy) == 1 else []
        if not len(hit):
            raise _err(r, "name", f"no contact point '{r.name}' of strategy '{r.strategy_id}' to change"
                       if r.name else f"strategy '{r.strategy_id}' has {len(of_strategy)} contact points: name the one to change")
        i = hit[0]
        for col in ("name", "position", "organisation", "email"):
            if getattr(r, col):
                c.at[i, col] = getattr(r, col)
        c.at[i, "source_url"] = r.source_url
        for k, v in _provenance(r).items():
            c.at[i, k] = v
    t["contacts"] = c[CONTACT_COLUMNS].reset_index(drop=True)


def apply_contributions(tables: dict[str, pd.DataFrame], contributions: Contributions,
                        normalise_role=None) -> dict[str, pd.DataFrame]:
    """The tables with the contributions applied (a new dict; the given frames are not changed).

    Uses ``strategies``, ``priorities``, ``priority_codes``, ``partnership_members`` and ``contacts``
    (optional), and to check what rows name: ``regions`` (or ``region_ids``: a set), ``partnerships``,
    ``nace``, ``nabs``, ``ecosystems`` where present. A row naming what is not there raises
    ``DataError`` with the contribution's file, row and column. Idempotent: applying the same
    contributions to the result gives the same tables. ``normalise_role``: the role a membership's
    wording counts as (default: the build's own, roles.normalise_role)."""
    if normalise_role is None:
        from .roles import normalise_role
    t = dict(tables)
    regions = t.get("regions")
    region_ids = set(t["region_ids"]) if "region_ids" in t else set(regions.nuts_id) if regions is not None else set()
    names = dict(zip(regions.nuts_id, regions.name_latn)) if regions is not None else {}
    vocab = {"nace": set(t["nace"].code) if "nace" in t else None,
             "nabs": set(t["nabs"].code) if "nabs" in t else None,
             "ecosystem": set(t["ecosystems"].code) if "ecosystems" in t else None}
    nace_section = dict(zip(t["nace"].code, t["nace"].section)) if "nace" in t else {}
    codes = t.get("priority_codes")
    t["priority_codes"] = (pd.DataFrame(columns=["priority_id", "scheme", "code", "origin", "rule"])
                           if codes is None or codes.empty and not len(codes.columns) else codes.copy())
    _strategies(t, contributions.strategies, region_ids, names)
    s = contributions.strategies
    gone = set(s.strategy_id[s.action == "remove"]) - set(t["strategies"].strategy_id)
    _priorities(t, contributions.priorities, vocab, nace_section, gone)
    _memberships(t, contributions.memberships, region_ids, names, normalise_role)
    _contacts(t, contributions.contacts, gone)
    t["priority_codes"] = t["priority_codes"].sort_values(["priority_id", "scheme", "code"]).reset_index(drop=True)
    for name in ("strategies", "priorities", "partnership_members"):
        t[name] = t[name].reset_index(drop=True)
    if "s3_not_found" in t and "strategy_id" in t["s3_not_found"]:  # a removed strategy's gaps go with it
        nf = t["s3_not_found"]
        t["s3_not_found"] = nf[(nf.strategy_id == "") | nf.strategy_id.isin(set(t["strategies"].strategy_id))
                               ].reset_index(drop=True)
    return t


def contributed_wins(codes: pd.DataFrame) -> pd.DataFrame:
    """The codes without the automatic ones of a (priority, scheme) for which a contribution gives codes."""
    given = set(zip(codes.priority_id[codes.origin == CONTRIBUTED], codes.scheme[codes.origin == CONTRIBUTED]))
    if not given:
        return codes
    auto = codes.origin == "auto"
    overridden = pd.Series([(p, s) in given for p, s in zip(codes.priority_id, codes.scheme)], index=codes.index)
    return codes[~(auto & overridden)].reset_index(drop=True)
