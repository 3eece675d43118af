"""The partner finder: a region's own priorities (pasted lines, any EU language, or an uploaded
CSV/XLSX) matched against every priority in the atlas, and the regions ranked by how many of
the lines they match and how closely. Pure; no Dash. Nothing read here is stored or logged.
"""
from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass

import pandas as pd

from .atlas import Atlas

MAX_LINES = 50
MAX_BYTES = 20 * 1024  # of pasted text, or of the text read from a file
MAX_FILE_BYTES = 100 * 1024  # of an uploaded file
URL_BYTES = 2 * 1024  # inputs this short travel in the URL, so the view can be shared
PER_LINE = 5  # closest priorities shown per line
CANDIDATES = 20  # closest priorities per line considered for the region ranking
TEMPLATE_COLUMN = "priority"


class InputError(ValueError):
    """Input the finder refuses, with a message for the user."""


def read_lines(text) -> list[str]:
    """Non-empty lines of pasted text; refuses binary, oversize or empty input with a clear message."""
    if not isinstance(text, str):
        raise InputError("Paste your priorities as text, one per line.")
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise InputError(f"The text is longer than {MAX_BYTES // 1024} KB: keep your {MAX_LINES} main priorities, "
                         "one per line.")
    if "\x00" in text or sum(not (c.isprintable() or c in "\r\n\t") for c in text) > max(5, len(text) // 20):
        raise InputError("This does not look like text (binary content?): paste your priorities as plain text.")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise InputError("Paste at least one priority (one per line).")
    if len(lines) > MAX_LINES:
        raise InputError(f"{len(lines)} lines: the finder takes at most {MAX_LINES}. Keep your main priorities.")
    return lines


def read_upload(contents: str, filename: str) -> str:
    """The priorities of an uploaded template (CSV or XLSX; column 'priority', or the first column)
    as text, one per line. ``contents`` is a data URL as browsers send it."""
    if not isinstance(contents, str) or "," not in contents:
        raise InputError("The file could not be read.")
    try:
        raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise InputError("The file could not be read.") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"The file is larger than {MAX_FILE_BYTES // 1024} KB.")
    name = (filename or "").lower()
    try:
        if name.endswith(".xlsx"):
            df = pd.read_excel(io.BytesIO(raw), dtype=str, engine="openpyxl")
        elif name.endswith((".csv", ".txt")):
            text = raw.decode("utf-8-sig")
            if "\x00" in text:
                raise InputError("This does not look like a CSV file (binary content?).")
            head = text.split("\n", 1)[0]
            sep = ";" if head.count(";") > head.count(",") else ","  # Excel writes ';' in some locales
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep)
        else:
            raise InputError("Upload the template as .csv or .xlsx.")
    except InputError:
        raise
    except Exception:
        raise InputError("The file could not be read as CSV or Excel: use the template offered on this page.") from None
    if df.shape[1] == 0:
        raise InputError("The file has no columns: use the template offered on this page.")
    col = TEMPLATE_COLUMN if TEMPLATE_COLUMN in df.columns else df.columns[0]
    return "\n".join(str(v) for v in df[col].fillna("") if str(v).strip())


def template_frame() -> pd.DataFrame:
    """The upload template: one priority per row, in any EU language."""
    return pd.DataFrame({TEMPLATE_COLUMN: ["Hydrogen production and fuel cells", "Digital health and e-health services",
                                           "Sustainable tourism"]})


@dataclass(frozen=True)
class Matches:
    lines: list[str]
    per_line: list[pd.DataFrame]  # closest priorities of each line: region, priority, strategy, match, score
    regions: pd.DataFrame  # nuts_id, name, lines_matched, mean_score, reasons (list of (line no., title, score))


def find_partners(atlas: Atlas, lines: list[str], hits_per_line: list[pd.DataFrame], own: str = "") -> Matches:
    """Rank territories by how many lines one of their priorities is among the closest to, then by
    the mean of their best scores. ``hits_per_line``: the search results per line (priority_id,
    match, score, rank). ``own``: the user's region, left out of the ranking."""
    p = atlas.priorities.set_index("priority_id")
    per_line, rows = [], []
    for i, hits in enumerate(hits_per_line, start=1):
        h = hits.head(CANDIDATES)
        info = p.loc[h.priority_id]
        table = pd.DataFrame({"priority_id": h.priority_id.to_numpy(), "nuts_id": info.nuts_id.to_numpy(),
                              "region": info.region_name.to_numpy(), "priority": info.title.to_numpy(),
                              "strategy": info.strategy_title.to_numpy(), "match": h.match.to_numpy(),
                              "score": h.score.to_numpy()})
        per_line.append(table.head(PER_LINE))
        best = table[table.nuts_id != own].drop_duplicates("nuts_id")  # the first row of a territory is its best
        rows += [{"line": i, "nuts_id": r.nuts_id, "priority": r.priority, "match": r.match, "score": r.score,
                  "rank": k} for k, r in enumerate(best.itertuples(), start=1)]
    if not rows:
        empty = pd.DataFrame(columns=["nuts_id", "name", "lines_matched", "mean_rank", "reasons"])
        return Matches(lines, per_line, empty)
    df = pd.DataFrame(rows)
    agg = df.groupby("nuts_id").agg(lines_matched=("line", "nunique"), mean_rank=("rank", "mean")).reset_index()
    agg["name"] = [atlas.region_name(n) for n in agg.nuts_id]
    agg["reasons"] = [[(r.line, r.priority, r.match, r.score) for r in df[df.nuts_id == n].sort_values("line").itertuples()]
                      for n in agg.nuts_id]
    agg = agg.sort_values(["lines_matched", "mean_rank", "nuts_id"], ascending=[False, True, True]).reset_index(drop=True)
    return Matches(lines, per_line, agg)
