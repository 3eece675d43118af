"""NUTS 2021 <-> NUTS 2024: which codes changed and how statistics follow them.

The correspondence is kept, reviewed, in geodata/sources/nuts_2021_2024_changes.csv: one row
per pair of a NUTS 2021 code and a NUTS 2024 code whose territories overlap, for every code
that exists in only one of the two versions (countries covered by both; the UK, left out of
NUTS 2024, and BA, XK and UA, new in it, have no counterpart). ``one_to_one`` is "yes" only
where a region kept its name and territory and changed code because its parent region was
recoded (Portugal's and Zuid-Holland's NUTS 3 regions). Everything else (splits, merges,
moved boundaries) cannot carry a value across versions: such statistics stay missing.

``harmonise`` is pure: it takes a long table of statistics and returns it in the target
version's codes plus a table of notes saying what was mapped and what was left out.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..data.schema import DataError, read_csv, require_nuts_form, require_unique, require_urls, require_values, sheet_row

ROOT = Path(__file__).resolve().parents[2]
CHANGES_FILE = ROOT / "geodata" / "sources" / "nuts_2021_2024_changes.csv"
VERSIONS = ("2021", "2024")
CHANGE_COLUMNS = ["level", "code_2021", "name_2021", "code_2024", "name_2024", "relation", "one_to_one",
                  "share_of_2021_area", "share_of_2024_area", "evidence", "source_url"]
NOTE_COLUMNS = ["code", "mapped_to", "rows", "note"]


def load_changes(path: Path = CHANGES_FILE) -> pd.DataFrame:
    """The correspondence table, validated: codes of NUTS form, one_to_one yes/no, a source on
    every row, and a code in a one-to-one pair in no other pair."""
    df = read_csv(path, CHANGE_COLUMNS)
    require_values(df, ["code_2021", "code_2024", "relation", "one_to_one", "source_url"], path)
    require_nuts_form(df, "code_2021", path)
    require_nuts_form(df, "code_2024", path)
    require_unique(df, ["code_2021", "code_2024"], path)
    require_urls(df, "source_url", path)
    bad = ~df.one_to_one.isin(["yes", "no"])
    if bad.any():
        i = df.index[bad.to_numpy()][0]
        raise DataError(path, f"one_to_one must be yes or no, not '{df.one_to_one[i]}'", row=sheet_row(i),
                        column="one_to_one")
    for col in ("code_2021", "code_2024"):
        counts = df[col].value_counts()
        shared = df[(df.one_to_one == "yes") & df[col].map(counts).gt(1)]
        if len(shared):
            i = shared.index[0]
            raise DataError(path, f"{df[col][i]} is marked one-to-one but appears in more than one pair",
                            row=sheet_row(i), column=col)
    return df


def harmonise(stats: pd.DataFrame, target: str, changes: pd.DataFrame | None = None,
              key: tuple[str, ...] = ("indicator", "year"), column: str = "nuts_id"
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``stats`` with codes of the other NUTS version replaced by ``target``'s codes.

    A code of the other version is mapped where the correspondence is one-to-one; its rows are
    dropped (left missing) otherwise, with a note naming the regions it overlaps. A mapped row
    whose (code, *key) is also reported natively under the target code is dropped in favour of
    the native one. Codes that did not change are left as they are.
    """
    target = str(target)
    if target not in VERSIONS:
        raise ValueError(f"unknown NUTS version '{target}' (known: {', '.join(VERSIONS)})")
    changes = load_changes() if changes is None else changes
    other = "2024" if target == "2021" else "2021"
    src, dst = f"code_{other}", f"code_{target}"
    one = changes[changes.one_to_one == "yes"]
    mapping = dict(zip(one[src], one[dst]))
    overlaps = changes.groupby(src)[dst].apply(lambda s: ", ".join(sorted(s))).to_dict()

    codes = stats[column].astype(str)
    foreign = codes.isin(set(changes[src]))
    notes = []
    for code, n in codes[foreign].value_counts().sort_index().items():
        if code in mapping:
            notes.append({"code": code, "mapped_to": mapping[code], "rows": int(n),
                          "note": f"NUTS {other} code mapped one-to-one to NUTS {target}"})
        else:
            notes.append({"code": code, "mapped_to": "", "rows": int(n),
                          "note": f"NUTS {other} region's territory differs in NUTS {target} "
                                  f"(overlaps {overlaps[code]}): left missing"})
    keep = ~foreign | codes.isin(set(mapping))
    out = stats[keep].copy()
    original = out[column].astype(str)
    out[column] = original.replace(mapping)
    mapped = foreign[keep]
    if len(out):
        cols = [column, *[k for k in key if k in out.columns]]
        dup = mapped & out.duplicated(cols, keep=False)
        if dup.any():
            for code, n in original[dup].value_counts().sort_index().items():
                notes.append({"code": code, "mapped_to": mapping[code], "rows": int(n),
                              "note": f"also reported under the NUTS {target} code: native value kept"})
            out = out[~dup]
    return out.reset_index(drop=True), pd.DataFrame(notes, columns=NOTE_COLUMNS)


def display_codes(changes: pd.DataFrame, target_codes: set[str], min_share: float = 0.8) -> dict[str, str]:
    """NUTS 2021 codes of strategy territories -> the NUTS 2024 region to draw them on.

    A strategy keeps the code its source uses; for display in NUTS 2024 a code absent from it is
    drawn on the 2024 region that is the same region: a one-to-one recoding, or the single region
    with the same name whose territory overlaps at least ``min_share`` both ways (a region that
    was recoded with a slightly redrawn boundary, e.g. Pirkanmaa FI197 -> FI19B). Anything else
    is not mapped.
    """
    out = {}
    for code, rows in changes.groupby("code_2021"):
        if code in target_codes:
            continue
        same = rows[(rows.one_to_one == "yes") | (
            (rows.name_2021.str.strip() == rows.name_2024.str.strip())
            & (pd.to_numeric(rows.share_of_2021_area, errors="coerce") >= min_share)
            & (pd.to_numeric(rows.share_of_2024_area, errors="coerce") >= min_share))]
        same = same[same.code_2024.isin(target_codes)]
        if len(same) == 1:
            out[code] = same.code_2024.iloc[0]
    return out
