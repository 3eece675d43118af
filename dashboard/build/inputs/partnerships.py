"""Thematic partnerships, their members (NUTS-coded, one row per territory) and stated counts."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...data.partnerships import ROLE_ORDER
from ...data.schema import (
    DataError,
    read_csv,
    require_known,
    require_numeric,
    require_nuts_form,
    require_unique,
    require_urls,
    require_values,
    sheet_row,
)
from ..roles import normalise_role
from . import SOURCES, plain_note, slug

# --------------------------------------------------------------------------- partnerships

PARTNERSHIP_COLS = ["partnership", "platform", "role", "region_name_as_in_source", "country", "source_url"]


# Words of a source that tie a region to a partnership without naming it a member or partner: it
# supports the partnership, is represented in it, co-signed its memorandum or is associated with it.
def partnership_member_files(folder: Path) -> list[Path]:
    """The member lists in ``sources/s3/partnerships/`` (not its ``*_counts.csv`` / ``*_without_members.csv``)."""
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.glob("*.csv") if not f.name.endswith(("_counts.csv", "_without_members.csv")))


def strongest_role(members: pd.DataFrame) -> pd.DataFrame:
    """One row per (partnership, territory): a row its source states before an inferred one, then the
    strongest role (ROLE_ORDER), then the first such row."""
    if members.empty:
        return members
    rank = members.role.map(ROLE_ORDER).fillna(len(ROLE_ORDER))
    inferred = (members.inferred != "").astype(int) if "inferred" in members else 0
    keep = (members.assign(_rank=rank, _inferred=inferred).sort_values(["_inferred", "_rank"], kind="stable")
            .drop_duplicates(["partnership_id", "nuts_id"]).index)
    return members.loc[sorted(keep)].reset_index(drop=True)


def _partnership_inputs(kit: Path, known: set[str], strict: bool, sources: Path
                        ) -> list[tuple[Path, pd.DataFrame, bool]]:
    """(file, rows, rows give their own nuts_id) for the kit's list, ``partnerships.csv`` and the
    ``partnerships/`` member lists, validated."""
    cols = PARTNERSHIP_COLS + ["source_date_hint", "note"]
    path = kit / "s3" / "s3_partnerships_partial_from_pages.csv"
    inputs = [(path, kit_inferred(read_csv(path, cols), sources / "s3" / KIT_INFERRED), False)]
    extra = sources / "s3" / "partnerships.csv"
    if extra.exists():  # the project's own additions, the kit's columns plus an optional 'inferred'
        inputs.append((extra, _with_inferred(read_csv(extra, cols)), False))
    for f in partnership_member_files(sources / "s3" / "partnerships"):
        df = _with_inferred(read_csv(f, cols + ["nuts_id"]))
        coded = df[df.nuts_id != ""]
        if strict:
            require_known(coded, "nuts_id", known, f)
        else:
            require_nuts_form(coded, "nuts_id", f)
        inputs.append((f, df, True))
    for f, df, _ in inputs:
        require_values(df, ["partnership", "region_name_as_in_source", "source_url"], f)
        require_urls(df, "source_url", f)
    return inputs


KIT_INFERRED = "partnerships_kit_inferred.csv"
KIT_INFERRED_COLS = ["partnership", "region_name_as_in_source", "country", "source_url", "inferred"]


def _with_inferred(df: pd.DataFrame) -> pd.DataFrame:
    """The rows with an ``inferred`` column: why the row is an inference rather than what its source
    states (empty when the source states it)."""
    return df if "inferred" in df else df.assign(inferred="")


def kit_inferred(kit_rows: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The kit's member rows with the reason each one is an inference, from ``path`` (the kit itself
    cannot be edited): every row of that file must name exactly one row of the kit's list."""
    rows = kit_rows.assign(inferred="")
    if not path.exists():
        return rows
    marks = read_csv(path, KIT_INFERRED_COLS)
    require_values(marks, KIT_INFERRED_COLS, path)
    require_unique(marks, KIT_INFERRED_COLS[:4], path)
    key = KIT_INFERRED_COLS[:4]
    for i, m in marks.iterrows():
        hit = (rows[key] == m[key]).all(axis=1)
        if hit.sum() != 1:
            raise DataError(path, f"row {sheet_row(i)} names no single row of the kit's partnership list "
                                  f"('{m.partnership}', '{m.region_name_as_in_source}', {m.country})")
        rows.loc[hit, "inferred"] = m.inferred
    return rows


def _region_names(path: Path, known: set[str], strict: bool) -> dict[tuple[str, str], str]:
    """(name as in the source, country) -> NUTS 2021 code ('' for a member without one)."""
    names = read_csv(path, ["name_as_in_source", "country", "nuts_id", "note"])
    require_unique(names, ["name_as_in_source", "country"], path)
    if strict:
        require_known(names[names.nuts_id != ""], "nuts_id", known, path)
    return {(r.name_as_in_source, r.country): r.nuts_id for r in names.itertuples()}


def _partnership_members(inputs, lookup: dict, names_path: Path, known: set[str], platforms: pd.DataFrame):
    """Partnerships, member rows with a NUTS code in the build, and names without one (each once)."""
    by_name = {r.name: r.platform_id for r in platforms.itertuples()}
    parts, members, unmapped = {}, [], []
    for f, df, own_codes in inputs:
        for i, r in df.iterrows():
            pid = slug(r.partnership)
            if pid not in parts:
                parts[pid] = {"partnership_id": pid, "name": r.partnership,
                              "platform_id": by_name.get(r.platform, ""),
                              "platform_as_in_source": r.platform}
            key = (r.region_name_as_in_source, r.country)
            entry = {"partnership": r.partnership, "name": key[0], "country": key[1], "source_url": r.source_url}
            if own_codes and r.nuts_id:
                nuts, via = r.nuts_id, "source row"
            elif key in lookup:
                nuts, via = lookup[key], "name list"
            elif own_codes:
                unmapped.append({**entry, "reason": f"no NUTS code in {f.name} and name not in {names_path.name}"})
                continue
            else:
                raise DataError(names_path, f"no entry for region name '{key[0]}' ({key[1]}) used in "
                                            f"{f.name} row {sheet_row(i)}; add it (with an empty nuts_id if it has no NUTS code)")
            if not nuts or nuts not in known:
                unmapped.append({**entry, **({"nuts_2021": nuts, "reason": "region not in this NUTS version"}
                                             if nuts else {})})
                continue
            members.append({"partnership_id": pid, "nuts_id": nuts, "role": normalise_role(r.role),
                            "role_as_in_source": r.role, "name_as_in_source": key[0],
                            "source_url": r.source_url, "source_date": r.source_date_hint,
                            "note": plain_note(r.note), "inferred": r.inferred, "nuts_id_from": via})
    # a name without a code is one member of a partnership once, too
    seen: set = set()
    unmapped = [u for u in unmapped if (k := (u["partnership"], u["name"], u["country"])) not in seen and not seen.add(k)]
    return parts, members, unmapped


def load_partnerships(kit: Path, known: set[str], platforms: pd.DataFrame, report: dict, strict: bool = True,
                      sources: Path | None = None):
    """Partnerships and NUTS-coded members: the kit's list, ``sources/s3/partnerships.csv`` (same columns)
    and ``sources/s3/partnerships/*.csv`` (plus a ``nuts_id`` column).

    A row's own ``nuts_id`` (NUTS 2021) is used when given; otherwise the name is looked up in
    ``partnership_region_names.csv``: for the kit's list and ``partnerships.csv`` every name must be
    there, for the ``partnerships/`` files a name that is not is a member without a NUTS code. Codes
    are NUTS 2021: with ``strict`` (a NUTS 2021 build) every code must exist; otherwise members whose
    region is not in the build's NUTS version (e.g. the UK in NUTS 2024) are listed in the report, not
    drawn. A territory is one member of a partnership once, with its strongest role."""
    sources = SOURCES if sources is None else sources
    inputs = _partnership_inputs(kit, known, strict, sources)
    names_path = sources / "partnership_region_names.csv"
    lookup = _region_names(names_path, known, strict)
    parts, members, unmapped = _partnership_members(inputs, lookup, names_path, known, platforms)
    report["partnership_names_not_mapped"] = unmapped
    members = pd.DataFrame(members)
    merged = strongest_role(members)
    report["partnership_member_rows_merged"] = int(len(members) - len(merged))
    return pd.DataFrame(parts.values()), merged


COUNT_COLS = ["partnership", "stated_members", "stated_what", "source_url"]


def load_stated_counts(folder: Path, partnerships: pd.DataFrame, no_members: pd.DataFrame) -> pd.DataFrame:
    """Member counts the partnerships' own sources state (``partnerships/*_counts.csv``; several per
    partnership possible), to show how complete each member list is."""
    names = dict(zip(partnerships.name, partnerships.partnership_id))
    known = set(names) | set(no_members.partnership)
    frames = []
    for path in sorted(folder.glob("*_counts.csv")) if folder.is_dir() else []:
        c = read_csv(path, COUNT_COLS)
        require_values(c, ["partnership", "stated_members", "source_url"], path)
        require_known(c, "partnership", known, path, what="partnership")
        n = require_numeric(c, "stated_members", path)
        bad = c.index[(n < 0) | (n != n.round())]
        if len(bad):
            raise DataError(path, f"'{c.stated_members[bad[0]]}' is not a whole number of members",
                            row=sheet_row(bad[0]), column="stated_members")
        require_urls(c, "source_url", path)
        require_unique(c, ["partnership", "stated_members", "source_url"], path)
        frames.append(pd.DataFrame({"partnership_id": c.partnership.map(names).fillna(""),
                                    "partnership": c.partnership, "stated_members": n.astype(int),
                                    "stated_what": c.stated_what, "source_url": c.source_url, "file": path.name}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["partnership_id", "partnership", "stated_members", "stated_what", "source_url", "file"])
    dup = out.index[out.duplicated(["partnership", "stated_members", "source_url"])]
    if len(dup):
        raise DataError(out.file[dup[0]], f"count for '{out.partnership[dup[0]]}' already given in another file",
                        column="partnership")
    return out.drop(columns="file")
