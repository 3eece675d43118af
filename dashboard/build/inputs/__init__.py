"""Readers of the build's inputs, one module per kind: regions and geometry, statistics (and
NUTS 1 figures derived from NUTS 2), S3 strategies and priorities (with descriptions, updates and
the not-found lists), classifications and partnerships. Each validates what it reads and stops
with the file, row and column named (``schema.DataError``).
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ...data.schema import DataError

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "geodata" / "sources"
NUTS_VERSIONS = ("2021", "2024")


def nuts_file(nuts_version: str = "2021") -> str:
    """The kit's NUTS boundary file (all levels, 1:20 million) for a NUTS version."""
    if str(nuts_version) not in NUTS_VERSIONS:
        raise DataError("nuts", f"unknown NUTS version '{nuts_version}' (known: {', '.join(NUTS_VERSIONS)})")
    return f"nuts/{nuts_version}/NUTS_RG_20M_{nuts_version}_4326.geojson"


NUTS_FILE = nuts_file("2021")


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plain_note(note: str) -> str:
    """A gathering note in plain words: who did the inferring is not the reader's concern."""
    return re.sub(r"\bis helper inference\b", "is an inference", re.sub(r"\s+by helper\b", "", note))
