"""NACE, NABS and ecosystem code lists."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...data.schema import (
    read_csv,
    require_numeric,
    require_unique,
    require_values,
)
from . import SOURCES

# --------------------------------------------------------------------------- classifications

def load_classifications(kit: Path, sources: Path = SOURCES):
    np_ = kit / "classifications" / "nace_rev2_sections_divisions.csv"
    nace = read_csv(np_, ["level", "section", "division", "code", "description"])
    require_values(nace, ["level", "code", "description"], np_)
    require_unique(nace, "code", np_)
    nace = pd.DataFrame({"code": nace.code, "level": nace.level, "section": nace.section,
                         "name": nace.description.str.strip()})
    bp = kit / "classifications" / "nabs2007_chapters.csv"
    nabs = read_csv(bp, ["nabs_code", "level", "name"])
    require_unique(nabs, "nabs_code", bp)
    nabs = nabs[nabs.level == "chapter"]
    nabs = pd.DataFrame({"code": nabs.nabs_code, "name": nabs.name})
    ep = kit / "s3" / "eu_industrial_ecosystems_14.csv"
    eco = read_csv(ep, ["ecosystem_id", "ecosystem_name", "source"])
    require_unique(eco, "ecosystem_id", ep)
    require_numeric(eco, "ecosystem_id", ep)
    eco = pd.DataFrame({"code": eco.ecosystem_id, "name": eco.ecosystem_name, "source": eco.source})
    pf = sources / "platforms.csv"
    platforms = read_csv(pf, ["platform_id", "name", "source_url"])
    require_unique(platforms, "platform_id", pf)
    return nace, nabs, eco, platforms
