"""The bulk template: a strategy's priorities, one row each, as CSV or Excel, out and back in.

``template`` writes the strategy's current priorities in the template's columns; ``read_upload``
reads an uploaded file back, refusing anything that is not a CSV (UTF-8 text) or an Excel workbook
with the template's columns, with a message a person can act on. Never raises on bad bytes.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import pandas as pd

from ..settings import MAX_BULK_ROWS, MAX_UPLOAD_BYTES
from .diff import current_priority

COLUMNS = ("priority_id", "title", "title_original", "description", "keywords", "nace", "nabs", "ecosystems")
XLSX_MAGIC = b"PK\x03\x04"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadError(ValueError):
    """The file cannot be read as the template; the message says why."""


@dataclass
class Upload:
    rows: list[dict]
    kind: str  # "csv" or "xlsx"


def template(atlas, strategy_id: str) -> pd.DataFrame:
    """The strategy's current priorities in the template's columns (codes and keywords ';'-separated)."""
    pids = atlas.priorities.loc[atlas.priorities.strategy_id == strategy_id, "priority_id"]
    rows = []
    for pid in pids:
        cur = current_priority(atlas, pid) or {}
        rows.append({"priority_id": pid, **{c: cur.get(c, "") for c in COLUMNS[1:]}})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def template_csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def template_xlsx(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, index=False, sheet_name="priorities")
    return buf.getvalue()


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _rows_from(header: list[str], records) -> list[dict]:
    names = [_cell(h).lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise UploadError("The file does not have the template's columns: missing "
                          + ", ".join(missing) + ". Download the template and fill it in.")
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise UploadError("The file has columns the template does not: " + ", ".join(unknown[:5]) + ".")
    rows = []
    for rec in records:
        row = {names[i]: _cell(v) for i, v in enumerate(rec) if i < len(names) and names[i]}
        if not any(row.values()):
            continue  # blank line
        if len(rows) >= MAX_BULK_ROWS:
            raise UploadError(f"The file has more than {MAX_BULK_ROWS} priorities; split it by strategy.")
        rows.append({c: row.get(c, "") for c in COLUMNS})
    if not rows:
        raise UploadError("The file has the template's columns but no priorities in it.")
    return rows


def _read_csv(data: bytes) -> list[dict]:
    if b"\x00" in data:
        raise UploadError("The file is not a text CSV (it holds binary data). Upload the template as CSV or .xlsx.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("The CSV is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again.") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        records = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise UploadError(f"The CSV cannot be read: {exc}.") from None
    if not records:
        raise UploadError("The file is empty.")
    return _rows_from(records[0], records[1:])


def _read_xlsx(data: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
            if unpacked > 20 * MAX_UPLOAD_BYTES:
                raise UploadError("The workbook unpacks to far more than a template holds; it was not read.")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UploadError:
        raise
    except Exception:
        raise UploadError("The file is not an Excel workbook that can be read (.xlsx).") from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True, max_row=MAX_BULK_ROWS + 50)
        header = next(it, None)
        if header is None:
            raise UploadError("The workbook's first sheet is empty.")
        return _rows_from(list(header), it)
    finally:
        wb.close()


def read_upload(filename: str, data: bytes) -> Upload:
    """The template's rows from an uploaded file (CSV or .xlsx), or UploadError."""
    name = (filename or "").lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise UploadError("The file is empty.")
    if name.endswith(".xlsx"):
        if not data.startswith(XLSX_MAGIC):
            raise UploadError("The file is named .xlsx but is not an Excel workbook.")
        return Upload(_read_xlsx(data), "xlsx")
    if name.endswith(".csv") or name.endswith(".txt"):
        if data.startswith(XLSX_MAGIC):
            raise UploadError("The file is named .csv but is an Excel workbook: name it .xlsx.")
        return Upload(_read_csv(data), "csv")
    raise UploadError("Upload the template as a .csv or .xlsx file.")


def rows_as_fields(rows: list[dict]) -> list[dict]:
    """Template rows as a bulk proposal's rows (keywords and codes as lists)."""
    out = []
    for r in rows:
        row = {c: r.get(c, "") for c in COLUMNS}
        for c in ("keywords", "nace", "nabs", "ecosystems"):
            row[c] = [v.strip() for v in str(row[c]).split(";") if v.strip()]
        out.append(row)
    return out
