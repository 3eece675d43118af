"""Validation of input and snapshot tables.

Every failure names the file, the row (1-based, counting the header as row 1,
as a spreadsheet shows it) and the column, so a broken data file can be fixed
without guessing.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

NUTS_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
# Aggregates Eurostat reports beside regions (EU27_2020, EU27_2007).
AGGREGATE_CODE = re.compile(r"^EU\d{2}_\d{4}$")
URL = re.compile(r"^https?://\S+$")


class DataError(ValueError):
    """A data file is malformed. ``str()`` says where and what."""

    def __init__(self, file: str | Path, message: str, row: int | None = None, column: str | None = None):
        self.file = str(Path(file).name) if file else "?"
        self.row = row
        self.column = column
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


def sheet_row(index: int) -> int:
    """Row number a person sees in the file for a 0-based data index."""
    return int(index) + 2


def read_csv(path: Path, required: list[str], **kwargs) -> pd.DataFrame:
    """Read a CSV as strings and check its required columns are present."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file is missing")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise DataError(path, f"cannot be parsed ({exc.__class__.__name__}: {exc})") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(path, "file is empty") from exc
    require_columns(df, required, path)
    for col in df.columns:
        df[col] = df[col].astype(str).str.strip()
    return df


def require_columns(df: pd.DataFrame, required: list[str], file: str | Path) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(file, f"missing required column(s): {', '.join(missing)}", row=1, column=missing[0])


def require_values(df: pd.DataFrame, columns: list[str], file: str | Path) -> None:
    for col in columns:
        empty = df.index[df[col].astype(str).str.strip() == ""]
        if len(empty):
            raise DataError(file, "required value is empty", row=sheet_row(empty[0]), column=col)


def require_unique(df: pd.DataFrame, column: str | list[str], file: str | Path) -> None:
    cols = [column] if isinstance(column, str) else column
    dup = df.index[df.duplicated(cols, keep="first")]
    if len(dup):
        key = ", ".join(str(df.loc[dup[0], c]) for c in cols)
        raise DataError(file, f"duplicate id '{key}'", row=sheet_row(dup[0]), column=cols[0])


def require_numeric(df: pd.DataFrame, column: str, file: str | Path, allow_empty: bool = False) -> pd.Series:
    raw = df[column].astype(str).str.strip()
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & ~(allow_empty & (raw == ""))
    if bad.any():
        i = df.index[bad.to_numpy()][0]
        raise DataError(file, f"value '{df.loc[i, column]}' is not a number", row=sheet_row(i), column=column)
    return values


def require_known(df: pd.DataFrame, column: str, known: set[str], file: str | Path, what: str = "NUTS id") -> None:
    vals = df[column].astype(str)
    bad = ~vals.isin(known)
    if bad.any():
        i = df.index[bad.to_numpy()][0]
        raise DataError(file, f"unknown {what} '{vals[i]}'", row=sheet_row(i), column=column)


def require_nuts_form(df: pd.DataFrame, column: str, file: str | Path, allow_aggregates: bool = False) -> None:
    vals = df[column].astype(str)
    bad = ~(vals.str.match(NUTS_CODE) | (allow_aggregates & vals.str.match(AGGREGATE_CODE)))
    if bad.any():
        i = df.index[bad.to_numpy()][0]
        raise DataError(file, f"'{vals[i]}' is not a NUTS code", row=sheet_row(i), column=column)


def require_urls(df: pd.DataFrame, column: str, file: str | Path, allow_empty: bool = False) -> None:
    vals = df[column].astype(str).str.strip()
    ok = vals.str.match(URL) | (allow_empty & (vals == ""))
    if not ok.all():
        i = df.index[(~ok).to_numpy()][0]
        raise DataError(file, f"'{vals[i]}' is not an http(s) URL", row=sheet_row(i), column=column)
