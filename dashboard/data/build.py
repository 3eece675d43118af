"""Build the committed snapshot (geodata/snapshot) from the data kit.

    python -m dashboard.data.build [--kit KIT/data] [--out geodata/snapshot]

The kit is read only here. Every input is validated; a fault stops the build
with the file, row and column named, and the previous snapshot stays in place
(the new one is written to a temporary folder and swapped in only when
complete).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import brotli
import geopandas as gpd
import pandas as pd
import shapely

from ..settings import SETTINGS
from .catalog import INDICATOR_BY_ID, INDICATORS
from .classify import Classifier
from .nuts_versions import display_codes, harmonise, load_changes
from .partnerships import ROLE_ORDER
from .schema import (
    DataError,
    read_csv,
    require_known,
    require_nuts_form,
    require_numeric,
    require_unique,
    require_urls,
    require_values,
    sheet_row,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "geodata" / "sources"
DEFAULT_OUT = ROOT / "geodata" / "snapshot"
NUTS_VERSIONS = ("2021", "2024")


def nuts_file(nuts_version: str = "2021") -> str:
    """The kit's NUTS boundary file (all levels, 1:20 million) for a NUTS version."""
    if str(nuts_version) not in NUTS_VERSIONS:
        raise DataError("nuts", f"unknown NUTS version '{nuts_version}' (known: {', '.join(NUTS_VERSIONS)})")
    return f"nuts/{nuts_version}/NUTS_RG_20M_{nuts_version}_4326.geojson"


NUTS_FILE = nuts_file("2021")
CZ_SOURCE_URL = "https://www.ris3.cz/en/analysis/essential-documents"
GEOMETRY_DECIMALS = 3  # ~100 m: far below what a 1:20 million map can show
FIRST_YEAR = 2010  # statistics before this year are left out of the snapshot
# Snapshot files written by later steps, not by this build: kept across rebuilds (copied from the previous snapshot).
CARRIED_OVER = ("priority_vectors.npy", "priority_vectors_ids.txt")


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------- regions

def load_regions(kit: Path, nuts_version: str = "2021") -> gpd.GeoDataFrame:
    path = kit / nuts_file(nuts_version)
    if not path.exists():
        raise DataError(path, "file is missing")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for a broken file
        raise DataError(path, f"cannot be read as GeoJSON ({exc})") from exc
    for col in ("NUTS_ID", "LEVL_CODE", "CNTR_CODE", "NAME_LATN", "NUTS_NAME"):
        if col not in gdf.columns:
            raise DataError(path, "missing required property", row=1, column=col)
    gdf = gdf.reset_index(drop=True)
    gdf["NUTS_ID"] = gdf["NUTS_ID"].astype(str).str.strip()
    require_unique(gdf, "NUTS_ID", path)
    bad = gdf.geometry.isna() | gdf.geometry.is_empty | ~gdf.geometry.is_valid
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        reason = shapely.is_valid_reason(gdf.geometry.iloc[i]) if gdf.geometry.iloc[i] is not None else "missing"
        raise DataError(path, f"invalid geometry for {gdf.NUTS_ID.iloc[i]} ({reason})", row=i + 1, column="geometry")
    out = gpd.GeoDataFrame(
        {
            "nuts_id": gdf["NUTS_ID"],
            "level": gdf["LEVL_CODE"].astype(int),
            "country": gdf["CNTR_CODE"].astype(str).str.strip(),
            "name_latn": gdf["NAME_LATN"].astype(str).str.strip(),
            "name_national": gdf["NUTS_NAME"].astype(str).str.strip(),
        },
        geometry=gdf.geometry,
        crs=gdf.crs,
    )
    out["parent"] = [nid[:-1] if lvl > 0 else "" for nid, lvl in zip(out.nuts_id, out.level)]
    known = set(out.nuts_id)
    orphan = out[(out.parent != "") & ~out.parent.isin(known)]
    if len(orphan):
        raise DataError(path, f"region {orphan.nuts_id.iloc[0]} has no parent region", row=int(orphan.index[0]) + 1)
    # A point inside each region, for labels and partnership lines.
    pts = out.geometry.representative_point()
    out["lon"] = pts.x.round(4)
    out["lat"] = pts.y.round(4)
    return out.sort_values(["level", "nuts_id"]).reset_index(drop=True)


def _round_coords(coords, nd: int):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], nd), round(coords[1], nd)]
    rounded = [_round_coords(c, nd) for c in coords]
    if rounded and isinstance(rounded[0][0], (int, float)):  # a ring: drop repeated points
        dedup = [rounded[0]]
        for p in rounded[1:]:
            if p != dedup[-1]:
                dedup.append(p)
        if len(dedup) < 4:  # ring collapsed at this precision: keep it unrounded
            return [[round(x, nd + 2) for x in p] for p in coords]
        return dedup
    return rounded


def geometry_geojson(regions: gpd.GeoDataFrame, level: int) -> dict:
    """A lean FeatureCollection for one level: id and geometry only."""
    sub = regions[regions.level == level]
    features = []
    for nid, geom in zip(sub.nuts_id, sub.geometry):
        g = shapely.geometry.mapping(geom)
        features.append({
            "type": "Feature",
            "id": nid,
            "properties": {},
            "geometry": {"type": g["type"], "coordinates": _round_coords(json.loads(json.dumps(g["coordinates"])), GEOMETRY_DECIMALS)},
        })
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- indicators

INDICATOR_COLUMNS = ["nuts_id", "indicator", "year", "value", "unit", "source_dataset", "flag"]


EU_AGGREGATE = "EU27_2020"


def read_indicator_file(path: Path) -> pd.DataFrame:
    """One tidy Eurostat CSV, validated; adds numeric year_num and value_num columns."""
    df = read_csv(path, INDICATOR_COLUMNS, compression="infer")
    require_values(df, ["nuts_id", "indicator", "year"], path)
    require_nuts_form(df, "nuts_id", path, allow_aggregates=True)
    df["year_num"] = require_numeric(df, "year", path)
    df["value_num"] = require_numeric(df, "value", path, allow_empty=True)
    return df


def load_indicators(kit: Path, known: set[str], report: dict, nuts_version: str = "2021"
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long table (nuts_id, indicator, year, value, flag, source_id) and the sources table.

    Regions outside NUTS 2021 are listed in the report; the EU-27 aggregate is kept for legends.
    """
    known = known | {EU_AGGREGATE}
    frames, sources = [], {}
    cache: dict[str, pd.DataFrame] = {}
    outside = report.setdefault(f"statistics_rows_outside_nuts{nuts_version}", {})
    for ind in INDICATORS:
        for rank, inp in enumerate(ind.inputs):
            path = kit / "eurostat" / inp.file
            if inp.file not in cache:
                # Rows under the other NUTS version's codes: mapped where one-to-one, else left out.
                df, notes = harmonise(read_indicator_file(path), nuts_version)
                if len(notes):
                    report.setdefault("statistics_other_nuts_version", {})[inp.file] = notes.to_dict("records")
                cache[inp.file] = df
            df = cache[inp.file]
            sel = df[df.indicator == inp.indicator]
            if inp.unit:
                sel = sel[sel.unit == inp.unit]
            if sel.empty:
                raise DataError(path, f"no rows for indicator '{inp.indicator}'", column="indicator")
            unknown = ~sel.nuts_id.isin(known)
            if unknown.any():
                outside[inp.file] = sorted(set(outside.get(inp.file, [])) | set(sel.nuts_id[unknown]))
            sel = sel[~unknown & sel.value_num.notna() & (sel.year_num >= FIRST_YEAR)]
            for (dataset, unit, vintage, repo), grp in sel.groupby(
                ["source_dataset", "unit", "vintage", "source_repo"] if "vintage" in sel else ["source_dataset", "unit"],
                dropna=False,
            ):
                sid = f"S{len(sources) + 1}"
                sources[sid] = {"source_id": sid, "indicator": ind.id, "source_dataset": dataset, "unit": unit,
                                "vintage": vintage, "retrieved_via": repo, "file": inp.file}
                frames.append(pd.DataFrame({
                    "nuts_id": grp.nuts_id, "indicator": ind.id, "year": grp.year_num.astype(int),
                    "value": grp.value_num, "flag": grp.flag, "source_id": sid, "rank": rank,
                }))
    values = pd.concat(frames, ignore_index=True)
    # Precedence: for each region, indicator and year keep the first input that has it.
    values = (values.sort_values(["indicator", "nuts_id", "year", "rank"])
              .drop_duplicates(["indicator", "nuts_id", "year"], keep="first")
              .drop(columns="rank").reset_index(drop=True))
    used = set(values.source_id)
    src = pd.DataFrame([s for s in sources.values() if s["source_id"] in used])
    return values, src


# --------------------------------------------------------------------------- NUTS 1 from NUTS 2

DERIVED_LABEL = "derived from NUTS 2"
SAME_TERRITORY = "value of the NUTS 1 region's only NUTS 2 region (the same territory), same year"
WEIGHTED = ("weighted mean of its NUTS 2 regions' values, weighted by their {weight} of the same year "
            "(every NUTS 2 region has both)")


def _flags(*flags) -> str:
    """The Eurostat flags of a derived value's inputs, together (e.g. 'e' + 'p' -> 'ep')."""
    return "".join(sorted({c for f in flags for c in str(f)}))


def _same_territory(v: pd.DataFrame, only_child: dict[str, str]) -> pd.DataFrame:
    """NUTS 1 rows copied from the only NUTS 2 region of a NUTS 1 region."""
    sel = v[v.nuts_id.isin(set(only_child.values()))]
    parent_of = {c: p for p, c in only_child.items()}
    return sel.assign(nuts_id=sel.nuts_id.map(parent_of), method=SAME_TERRITORY)


def _weighted(v: pd.DataFrame, weight: pd.DataFrame, parent_of: dict[str, str], n_children: dict[str, int],
              weight_label: str) -> tuple[pd.DataFrame, int]:
    """NUTS 1 rows as the weighted mean over all NUTS 2 regions, where each has value and weight of the
    year; also the number of (region, year) left out because a NUTS 2 region lacks one of them."""
    both = v[v.nuts_id.isin(set(parent_of))].merge(
        weight[["nuts_id", "year", "value", "flag"]], on=["nuts_id", "year"], suffixes=("", "_w"))
    both = both.assign(parent=both.nuts_id.map(parent_of), product=both.value * both.value_w)
    rows, incomplete = [], 0
    for (parent, year), g in both.groupby(["parent", "year"], sort=True):
        if len(g) < n_children[parent]:
            incomplete += 1
            continue
        rows.append({"nuts_id": parent, "year": year, "value": round(g["product"].sum() / g.value_w.sum(), 4),
                     "flag": _flags(*g.flag, *g.flag_w), "source_id": sorted(g.source_id)[0],
                     "method": WEIGHTED.format(weight=weight_label)})
    started = v[v.nuts_id.isin(set(parent_of))].assign(parent=lambda d: d.nuts_id.map(parent_of))
    incomplete += len(set(zip(started.parent, started.year)) - set(zip(both.parent, both.year)))
    return pd.DataFrame(rows, columns=["nuts_id", "year", "value", "flag", "source_id", "method"]), incomplete


def derive_nuts1(values: pd.DataFrame, sources: pd.DataFrame, regions: pd.DataFrame, report: dict
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NUTS 1 figures of indicators published at NUTS 2 only (catalog ``nuts2_only``), where they follow
    exactly from the NUTS 2 figures of the same year: a NUTS 1 region with one NUTS 2 region takes its
    value (the same territory); with ``nuts1_weight`` (GERD % of GDP: GDP in million EUR) a NUTS 1 region
    gets the weighted mean of all its NUTS 2 regions, for years in which every one has value and weight.
    A published NUTS 1 value is never replaced. Derived rows point to a source row of their own: the
    dataset with " (derived from NUTS 2)" and the method in ``derived``."""
    sources = sources.assign(derived="")
    level = dict(zip(regions.nuts_id, regions.level))
    children: dict[str, list[str]] = {}
    for nid, parent in zip(regions.nuts_id, regions.parent):
        if level[nid] == 2 and level.get(parent) == 1:
            children.setdefault(parent, []).append(nid)
    only_child = {p: c[0] for p, c in children.items() if len(c) == 1}
    several = {p: c for p, c in children.items() if len(c) > 1}
    parent_of = {c: p for p, cs in several.items() for c in cs}
    new, summary = [], {}
    for ind in (i for i in INDICATORS if i.nuts2_only):
        v = values[values.indicator == ind.id]
        parts = [_same_territory(v, only_child)]
        incomplete = 0
        if ind.nuts1_weight:
            label = INDICATOR_BY_ID[ind.nuts1_weight].label
            w, incomplete = _weighted(v, values[values.indicator == ind.nuts1_weight], parent_of,
                                      {p: len(c) for p, c in several.items()}, label)
            parts.append(w)
        d = pd.concat(parts, ignore_index=True)
        published = set(zip(v.nuts_id, v.year))
        d = d[~pd.MultiIndex.from_arrays([d.nuts_id, d.year]).isin(list(published))]
        new.append(d.assign(indicator=ind.id))
        summary[ind.id] = {"regions": int(d.nuts_id.nunique()), "values": int(len(d)),
                           "same_territory": int((d.method == SAME_TERRITORY).sum()),
                           "region_years_incomplete": int(incomplete)}
    derived = pd.concat(new, ignore_index=True)
    sources = _derived_sources(derived, sources)
    report["statistics_derived_nuts1_from_nuts2"] = summary
    values = pd.concat([values, derived[values.columns]], ignore_index=True)
    values = values.sort_values(["indicator", "nuts_id", "year"], kind="stable").reset_index(drop=True)
    return values, sources


def _derived_sources(derived: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One source row per (published source, method) the derived rows use, numbered after the published
    sources; the derived rows' ``source_id`` is set to it."""
    src = sources.set_index("source_id")
    keys = sorted(set(zip(derived.source_id, derived.method)), key=lambda k: (int(k[0][1:]), k[1]))
    first = max((int(s[1:]) for s in sources.source_id), default=0) + 1
    sid_of, rows = {}, []
    for n, (sid, method) in enumerate(keys, start=first):
        sid_of[(sid, method)] = f"S{n}"
        rows.append({**src.loc[sid].to_dict(), "source_id": f"S{n}",
                     "source_dataset": f"{src.at[sid, 'source_dataset']} ({DERIVED_LABEL})", "derived": method})
    derived["source_id"] = [sid_of[k] for k in zip(derived.source_id, derived.method)]
    return pd.concat([sources, pd.DataFrame(rows, columns=sources.columns)], ignore_index=True)


# --------------------------------------------------------------------------- S3 strategies and priorities

STRATEGY_COLS = ["strategy_id", "nuts_id", "region_name", "strategy_title", "period", "document_url", "source_url"]
PRIORITY_COLS = ["priority_id", "strategy_id", "nuts_id", "title", "title_original", "description", "keywords",
                 "source_url", "source_note"]
CZ_COLS = ["priority_id", "nuts3", "region_name_cs", "domain_name_cs", "cz_nace_divisions", "kind"]
UPDATES = "updates"  # geodata/sources/s3/updates/: later additions, superseded strategies, more not-found rows
DESCRIPTIONS = "descriptions"  # geodata/sources/s3/descriptions/: descriptions and keywords of listed priorities
DESCRIPTION_COLS = ["priority_id", "description", "keywords", "source_url", "source_note", "gathered_on"]
DESCRIPTION_GAP_COLS = ["strategy_id", "what_was_tried"]
DESCRIPTIONS_SOUGHT = "descriptions of the priorities"
SUPERSEDED_COLS = ["old_strategy_id", "new_strategy_id", "source_url"]


def _read_strategies(path: Path, known: set[str]) -> pd.DataFrame:
    s = read_csv(path, STRATEGY_COLS)
    require_values(s, ["strategy_id", "nuts_id", "strategy_title", "source_url"], path)
    require_unique(s, "strategy_id", path)
    require_known(s, "nuts_id", known, path)
    require_urls(s, "source_url", path)
    require_urls(s, "document_url", path, allow_empty=True)
    return s


def _read_priorities(path: Path, known: set[str], strategy_ids: set[str]) -> pd.DataFrame:
    p = read_csv(path, PRIORITY_COLS)
    require_values(p, ["priority_id", "strategy_id", "title", "source_url"], path)
    require_unique(p, "priority_id", path)
    require_known(p, "strategy_id", strategy_ids, path, what="strategy id")
    require_known(p, "nuts_id", known, path)
    require_urls(p, "source_url", path)
    return p


def _append_new(base: pd.DataFrame, more: pd.DataFrame, id_col: str, path: Path) -> pd.DataFrame:
    """The project's additions after the kit's rows; an id the kit already has is an error."""
    clash = more[id_col].isin(set(base[id_col]))
    if clash.any():
        i = more.index[clash.to_numpy()][0]
        raise DataError(path, f"id '{more[id_col][i]}' is already in the kit", row=sheet_row(i), column=id_col)
    return pd.concat([base, more], ignore_index=True)


def load_listed(kit: Path, known: set[str], folders: list[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Strategies and priorities of the kit's list, then of each folder's own additions (same columns,
    plus an optional gathered_on date), in the snapshot's columns."""
    s = _read_strategies(kit / "s3" / "priorities" / "strategies.csv", known)
    s["gathered_on"] = ""
    for folder in folders:
        if (folder / "strategies.csv").exists():
            more = _read_strategies(folder / "strategies.csv", known)
            if "gathered_on" not in more:
                more["gathered_on"] = ""
            s = _append_new(s, more, "strategy_id", folder / "strategies.csv")
    p = _read_priorities(kit / "s3" / "priorities" / "priorities.csv", known, set(s.strategy_id))
    for folder in folders:
        if (folder / "priorities.csv").exists():
            more = _read_priorities(folder / "priorities.csv", known, set(s.strategy_id))
            p = _append_new(p, more, "priority_id", folder / "priorities.csv")
    strategies = pd.DataFrame({
        "strategy_id": s.strategy_id, "nuts_id": s.nuts_id, "territory_name": s.region_name,
        "title": s.strategy_title, "period": s.period, "document_url": s.document_url,
        "source_url": s.source_url, "source_note": "", "gathered_on": s.gathered_on,
    })
    priorities = pd.DataFrame({
        "priority_id": p.priority_id, "strategy_id": p.strategy_id, "title": p.title,
        "title_original": p.title_original, "description": p.description, "keywords": p.keywords,
        "kind": "priority", "source_url": p.source_url, "source_note": p.source_note,
    })
    return strategies, priorities


def load_czech_domains(kit: Path, known: set[str], nace_divisions: set[str], report: dict):
    """Czech regional domains (Annex 2 of the National RIS3 Strategy), parsed by a third party: one
    strategy per region, its domains as priorities, and their CZ-NACE divisions as source codes."""
    cp = kit / "s3" / "cz_nris3_regional_domains.csv"
    cz = read_csv(cp, CZ_COLS)
    require_values(cz, ["priority_id", "nuts3", "domain_name_cs"], cp)
    require_unique(cz, "priority_id", cp)
    require_known(cz, "nuts3", known, cp)
    cz_codes, invalid = [], []
    for i, row in cz.iterrows():
        for code in filter(None, (c.strip() for c in row.cz_nace_divisions.split(";"))):
            code = code.zfill(2)
            if code not in nace_divisions:
                # The parse is a third party's and unvalidated: report its faults, do not guess.
                invalid.append(f"{cp.name} row {sheet_row(i)} ({row.priority_id}): '{code}'")
                continue
            # CZ-NACE is the national version of NACE Rev. 2 and identical to it at division level.
            cz_codes.append({"priority_id": row.priority_id, "scheme": "nace", "code": code, "origin": "source",
                             "rule": "CZ-NACE division (identical to NACE Rev. 2)"})
    cz_note = ("Domain list of the regional RIS3 card (Annex 2, National RIS3 Strategy 2021-2027), "
               "parsed automatically by a third party and not validated; names in Czech.")
    cz_strat = cz.groupby("nuts3", sort=True).first().reset_index()
    strategies = pd.DataFrame({
        "strategy_id": cz_strat.nuts3 + "-RIS3-2021",
        "nuts_id": cz_strat.nuts3,
        "territory_name": cz_strat.region_name_cs,
        "title": "Regional RIS3 card of " + cz_strat.region_name_cs
                 + " (Annex 2 of the Czech National RIS3 Strategy 2021-2027)",
        "period": "2021-2027",
        "document_url": "",
        "source_url": CZ_SOURCE_URL,
        "source_note": cz_note,
        "gathered_on": "",
    })
    truncated = ~cz.domain_name_cs.str.match(r".*[\w)]$")
    priorities = pd.DataFrame({
        "priority_id": cz.priority_id,
        "strategy_id": cz.nuts3 + "-RIS3-2021",
        "title": cz.domain_name_cs,
        "title_original": cz.domain_name_cs,
        "description": "",
        "keywords": "",
        "kind": cz.kind.map({"domain": "domain", "emerging": "emerging topic"}).fillna(cz.kind),
        "source_url": CZ_SOURCE_URL,
        "source_note": cz_note + truncated.map({True: " Name cut off in the parse.", False: ""}),
    })
    report["czech_domains"] = {"rows": int(len(cz)), "nace_codes_from_source": len(cz_codes),
                               "names_cut_off": int(truncated.sum()),
                               "codes_not_in_nace_rev2_dropped": invalid}
    return strategies, priorities, pd.DataFrame(cz_codes)


def load_s3(kit: Path, known: set[str], nace_divisions: set[str], report: dict, extra: Path | None = None):
    """Strategies and priorities: the kit's list, then the project's own additions in
    geodata/sources/s3/ and then in geodata/sources/s3/updates/ (same columns, plus an optional
    gathered_on date), then the Czech domains."""
    strategies, priorities = load_listed(kit, known, [extra, extra / UPDATES] if extra else [])
    cz_strategies, cz_priorities, cz_codes = load_czech_domains(kit, known, nace_divisions, report)
    return (pd.concat([strategies, cz_strategies], ignore_index=True),
            pd.concat([priorities, cz_priorities], ignore_index=True), cz_codes)


def merge_keywords(*lists: str) -> str:
    """';'-separated keyword lists merged: first spelling kept, repeats (ignoring case) dropped, order kept."""
    out, seen = [], set()
    for text in lists:
        for kw in (k.strip() for k in str(text or "").split(";")):
            if kw and kw.casefold() not in seen:
                seen.add(kw.casefold())
                out.append(kw)
    return ";".join(out)


def _description_files(folder: Path, gaps: bool = False) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.glob("*.csv") if f.name.endswith("_not_found.csv") == gaps)


def apply_descriptions(priorities: pd.DataFrame, folder: Path, report: dict) -> pd.DataFrame:
    """Descriptions and keywords gathered for listed priorities (``descriptions/*.csv``, one row per
    priority across all files). A description fills an empty one only (an existing description is
    never overwritten) and keeps its source in ``description_source_url`` / ``description_note``;
    keywords are added to the priority's own. Every priority id must exist."""
    p = priorities.copy()
    p["description_source_url"] = ""
    p["description_note"] = ""
    pos = {pid: i for i, pid in zip(p.index, p.priority_id)}
    seen: dict[str, str] = {}
    added, kept, with_keywords, rows = 0, [], 0, 0
    for path in _description_files(folder):
        d = read_csv(path, DESCRIPTION_COLS)
        require_values(d, ["priority_id", "source_url"], path)
        require_unique(d, "priority_id", path)
        require_known(d, "priority_id", set(pos), path, what="priority id")
        require_urls(d, "source_url", path)
        for i, r in d.iterrows():
            if r.priority_id in seen:
                raise DataError(path, f"priority id '{r.priority_id}' is already described in {seen[r.priority_id]}",
                                row=sheet_row(i), column="priority_id")
            seen[r.priority_id] = f"{path.name} row {sheet_row(i)}"
            if not (r.description or r.keywords):
                raise DataError(path, "neither a description nor keywords given", row=sheet_row(i),
                                column="description")
            rows += 1
            j = pos[r.priority_id]
            if r.description:
                if p.at[j, "description"]:
                    kept.append(r.priority_id)
                else:
                    p.at[j, "description"] = r.description
                    p.at[j, "description_source_url"] = r.source_url
                    p.at[j, "description_note"] = plain_note(r.source_note)
                    added += 1
            merged = merge_keywords(p.at[j, "keywords"], r.keywords)
            if merged != p.at[j, "keywords"]:
                p.at[j, "keywords"] = merged
                with_keywords += 1
    report["descriptions_gathered"] = {"rows": rows, "descriptions_added": added,
                                       "priorities_with_keywords_added": with_keywords,
                                       "not_applied_priority_already_described": kept}
    return p


def load_description_gaps(folder: Path, strategies: pd.DataFrame) -> pd.DataFrame:
    """Strategies whose priority descriptions were looked for and not found
    (``descriptions/*_not_found.csv``), as rows of the not-found list for the strategy's territory."""
    territory = dict(zip(strategies.strategy_id, strategies.nuts_id))
    names = dict(zip(strategies.strategy_id, strategies.territory_name))
    frames, seen = [], {}
    for path in _description_files(folder, gaps=True):
        g = read_csv(path, DESCRIPTION_GAP_COLS)
        require_values(g, DESCRIPTION_GAP_COLS, path)
        require_unique(g, "strategy_id", path)
        require_known(g, "strategy_id", set(territory), path, what="strategy id")
        for i, sid in zip(g.index, g.strategy_id):
            if sid in seen:
                raise DataError(path, f"strategy id '{sid}' is already listed in {seen[sid]}", row=sheet_row(i),
                                column="strategy_id")
            seen[sid] = f"{path.name} row {sheet_row(i)}"
        frames.append(pd.DataFrame({
            "nuts_id": g.strategy_id.map(territory), "region_name": g.strategy_id.map(names),
            "sought": DESCRIPTIONS_SOUGHT, "what_was_tried": g.what_was_tried, "source_urls": "",
            "strategy_id": g.strategy_id,
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=NOT_FOUND_COLS + ["strategy_id"])


def apply_superseded(strategies: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Strategies a later one replaces (``updates/superseded.csv``): kept, marked with ``superseded_by``
    and the page that says so (``superseded_source_url``); both ids must be strategies of the build."""
    s = strategies.copy()
    s["superseded_by"] = ""
    s["superseded_source_url"] = ""
    if not path.exists():
        return s
    sup = read_csv(path, SUPERSEDED_COLS)
    require_values(sup, SUPERSEDED_COLS, path)
    require_unique(sup, "old_strategy_id", path)
    ids = set(s.strategy_id)
    require_known(sup, "old_strategy_id", ids, path, what="strategy id")
    require_known(sup, "new_strategy_id", ids, path, what="strategy id")
    require_urls(sup, "source_url", path)
    same = sup.index[sup.old_strategy_id == sup.new_strategy_id]
    if len(same):
        raise DataError(path, "a strategy cannot supersede itself", row=sheet_row(same[0]), column="new_strategy_id")
    by = dict(zip(sup.old_strategy_id, sup.new_strategy_id))
    url = dict(zip(sup.old_strategy_id, sup.source_url))
    s["superseded_by"] = s.strategy_id.map(by).fillna("")
    s["superseded_source_url"] = s.strategy_id.map(url).fillna("")
    return s


# --------------------------------------------------------------------------- not found

NOT_FOUND_COLS = ["nuts_id", "region_name", "sought", "what_was_tried", "source_urls"]  # last: optional
NO_MEMBERS_COLS = ["partnership", "platform", "source_url", "what_was_tried"]


def _read_not_found(path: Path, territories: set[str]) -> pd.DataFrame:
    nf = read_csv(path, NOT_FOUND_COLS[:-1])
    nf["source_urls"] = nf["source_urls"] if "source_urls" in nf else ""
    require_values(nf, ["nuts_id", "what_was_tried"], path)
    require_known(nf, "nuts_id", territories, path)
    require_unique(nf, ["nuts_id", "sought"], path)
    each = nf.source_urls.str.split(";").explode().str.strip()
    require_urls(pd.DataFrame({"source_urls": each[each != ""]}), "source_urls", path)
    return nf[NOT_FOUND_COLS]


def _read_no_members(path: Path) -> pd.DataFrame:
    nm = read_csv(path, NO_MEMBERS_COLS)
    require_values(nm, ["partnership", "what_was_tried"], path)
    require_unique(nm, "partnership", path)
    require_urls(nm, "source_url", path, allow_empty=True)
    return nm[NO_MEMBERS_COLS]


def load_not_found(extra: Path, territories: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What was looked for in public pages and not found: strategies (``not_found.csv``, then
    ``updates/not_found.csv``; optional ``source_urls``, ';'-separated pages that state a finding, e.g.
    that a country's S3 is regional) and partnerships named by a source whose members were not found
    (``partnerships_without_members.csv``, then ``partnerships/*_without_members.csv``). All files
    optional; shown on the coverage page so that missing is visible as missing.

    A territory may be listed more than once, for different things sought: (nuts_id, sought) is unique
    across the not-found files. A partnership named in several without-members files keeps one row:
    the first file's platform and page, what was tried joined, the other pages in ``other_source_urls``."""
    nf = pd.DataFrame(columns=NOT_FOUND_COLS)
    for path in (extra / "not_found.csv", extra / UPDATES / "not_found.csv"):
        if not path.exists():
            continue
        more = _read_not_found(path, territories)
        have = set(zip(nf.nuts_id, nf.sought))
        clash = [i for i, k in zip(more.index, zip(more.nuts_id, more.sought)) if k in have]
        if clash:
            raise DataError(path, f"'{more.nuts_id[clash[0]]}, {more.sought[clash[0]]}' is already in the not-found list",
                            row=sheet_row(clash[0]), column="nuts_id")
        nf = pd.concat([nf, more], ignore_index=True)
    nf["strategy_id"] = ""
    rows: dict[str, dict] = {}
    folder = extra / "partnerships"
    more_files = sorted(folder.glob("*_without_members.csv")) if folder.is_dir() else []
    for path in [extra / "partnerships_without_members.csv", *more_files]:
        if not path.exists():
            continue
        for r in _read_no_members(path).to_dict("records"):
            have = rows.get(r["partnership"])
            if have is None:
                rows[r["partnership"]] = {**r, "other_source_urls": ""}
                continue
            have["platform"] = have["platform"] or r["platform"]
            have["what_was_tried"] = f"{have['what_was_tried']} Later: {r['what_was_tried']}"
            urls = [u for u in have["other_source_urls"].split(";") if u]
            if not have["source_url"]:
                have["source_url"] = r["source_url"]
            elif r["source_url"] and r["source_url"] not in urls + [have["source_url"]]:
                have["other_source_urls"] = ";".join(urls + [r["source_url"]])
    nm = pd.DataFrame(list(rows.values()), columns=NO_MEMBERS_COLS + ["other_source_urls"])
    return nf, nm


# --------------------------------------------------------------------------- classifications

def load_classifications(kit: Path):
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
    pf = SOURCES / "platforms.csv"
    platforms = read_csv(pf, ["platform_id", "name", "source_url"])
    require_unique(platforms, "platform_id", pf)
    return nace, nabs, eco, platforms


# --------------------------------------------------------------------------- partnerships

PARTNERSHIP_COLS = ["partnership", "platform", "role", "region_name_as_in_source", "country", "source_url"]


def plain_note(note: str) -> str:
    """A gathering note in plain words: who did the inferring is not the reader's concern."""
    return re.sub(r"\bis helper inference\b", "is an inference", re.sub(r"\s+by helper\b", "", note))


def normalise_role(text: str) -> str:
    t = text.lower()
    if t.startswith("co-lead"):
        return "co-lead"
    if t.startswith("lead"):
        return "lead"
    if t.startswith("partner") or t.startswith("initiator"):
        return "partner"
    return "member"


def partnership_member_files(folder: Path) -> list[Path]:
    """The member lists in ``sources/s3/partnerships/`` (not its ``*_counts.csv`` / ``*_without_members.csv``)."""
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.glob("*.csv") if not f.name.endswith(("_counts.csv", "_without_members.csv")))


def strongest_role(members: pd.DataFrame) -> pd.DataFrame:
    """One row per (partnership, territory): the strongest role (ROLE_ORDER), the first such row."""
    if members.empty:
        return members
    rank = members.role.map(ROLE_ORDER).fillna(len(ROLE_ORDER))
    keep = (members.assign(_rank=rank).sort_values("_rank", kind="stable")
            .drop_duplicates(["partnership_id", "nuts_id"]).index)
    return members.loc[sorted(keep)].reset_index(drop=True)


def _partnership_inputs(kit: Path, known: set[str], strict: bool, sources: Path
                        ) -> list[tuple[Path, pd.DataFrame, bool]]:
    """(file, rows, rows give their own nuts_id) for the kit's list, ``partnerships.csv`` and the
    ``partnerships/`` member lists, validated."""
    cols = PARTNERSHIP_COLS + ["source_date_hint", "note"]
    path = kit / "s3" / "s3_partnerships_partial_from_pages.csv"
    inputs = [(path, read_csv(path, cols), False)]
    extra = sources / "s3" / "partnerships.csv"
    if extra.exists():  # the project's own additions, same columns as the kit's list
        inputs.append((extra, read_csv(extra, cols), False))
    for f in partnership_member_files(sources / "s3" / "partnerships"):
        df = read_csv(f, cols + ["nuts_id"])
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
                            "note": plain_note(r.note), "nuts_id_from": via})
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


# --------------------------------------------------------------------------- the whole build

def carry_over(previous: Path, new: Path) -> list[str]:
    """Copy the files later steps made from the previous snapshot (CARRIED_OVER: the search vectors of
    dashboard/data/vectors.py) into the new one; they are outside the version hash. Rerun that step to
    refresh them for priorities added or changed. Returns the names copied."""
    carried = [f for f in CARRIED_OVER if (previous / f).is_file()]
    for f in carried:
        shutil.copy2(previous / f, new / f)
    return carried


def read_regions(kit: Path, nuts_version: str, report: dict) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Step 1: the regions and their boundaries, and the codes NUTS 2021 sources are drawn on.

    Strategy and partnership sources use NUTS 2021 codes; on other versions they are drawn on the same
    region's code (kept as nuts_id_source beside it): ``display`` maps the one to the other."""
    regions = load_regions(kit, nuts_version)
    display = {} if nuts_version == "2021" else display_codes(load_changes(), set(regions.nuts_id))
    if display:
        report["s3_codes_drawn_on_nuts_" + nuts_version] = display
    return regions, display


def read_statistics(kit: Path, regions: gpd.GeoDataFrame, report: dict, nuts_version: str
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 2: the statistics and their sources, with the NUTS 1 figures derived from NUTS 2."""
    values, sources = load_indicators(kit, set(regions.nuts_id), report, nuts_version)
    return derive_nuts1(values, sources, regions, report)


def read_strategies(kit: Path, territories: set[str], nace_divisions: set[str], report: dict):
    """Step 3: strategies (superseded ones marked) and priorities (with gathered descriptions), and the
    codes their sources give."""
    s3 = SOURCES / "s3"
    strategies, priorities, source_codes = load_s3(kit, territories, nace_divisions, report, extra=s3)
    strategies = apply_superseded(strategies, s3 / UPDATES / "superseded.csv")
    priorities = apply_descriptions(priorities, s3 / DESCRIPTIONS, report)
    return strategies, priorities, source_codes


def read_not_found(territories: set[str], strategies: pd.DataFrame, partnerships: pd.DataFrame):
    """Step 5: what was looked for and not found (strategies, descriptions, partnership members) and the
    member counts partnerships state. A partnership whose members were found later is no longer
    "without members"."""
    s3 = SOURCES / "s3"
    not_found, no_members = load_not_found(s3, territories)
    not_found = pd.concat([not_found, load_description_gaps(s3 / DESCRIPTIONS, strategies)], ignore_index=True)
    require_unique(not_found, ["nuts_id", "sought", "strategy_id"], "s3_not_found.csv")
    stated_counts = load_stated_counts(s3 / "partnerships", partnerships, no_members)
    no_members = no_members[~no_members.partnership.isin(partnerships.name)]
    return not_found, no_members, stated_counts


def draw_on_build_codes(strategies: pd.DataFrame, members: pd.DataFrame, display: dict[str, str]):
    """Step 6: strategies and partnership members on the build's codes (``nuts_id``), their sources'
    NUTS 2021 codes kept as ``nuts_id_source``."""
    strategies["nuts_id_source"] = strategies.nuts_id
    strategies["nuts_id"] = strategies.nuts_id.replace(display)
    members["nuts_id_source"] = members.nuts_id
    members["nuts_id"] = members.nuts_id.replace(display)
    members = strongest_role(members)  # two NUTS 2021 codes may be drawn on one code of another version
    return strategies, members


def classify(priorities: pd.DataFrame, source_codes: pd.DataFrame, nace_divisions: set[str],
             nabs: pd.DataFrame, eco: pd.DataFrame) -> pd.DataFrame:
    """Step 7: NACE, NABS and ecosystem codes of every priority (from the source, else by the rules)."""
    classifier = Classifier.from_files(SOURCES / "classification_rules.csv", SOURCES / "nace_ecosystem_map.csv",
                                       nace_divisions, set(nabs.code), set(eco.code))
    return classifier.classify(priorities, source_codes)


def write_geometry(regions: gpd.GeoDataFrame, folder: Path) -> None:
    """One GeoJSON per level, pre-compressed once here so the app serves them without compressing per
    request."""
    folder.mkdir()
    for level in range(4):
        raw = json.dumps(geometry_geojson(regions, level), separators=(",", ":")).encode("utf-8")
        base = folder / f"nuts{level}.geojson"
        base.write_bytes(raw)
        (base.parent / (base.name + ".br")).write_bytes(brotli.compress(raw, quality=11))
        (base.parent / (base.name + ".gz")).write_bytes(gzip.compress(raw, 9, mtime=0))


def make_manifest(folder: Path, tables: dict, regions: gpd.GeoDataFrame, nuts_version: str, report: dict) -> dict:
    """The manifest: a version hash over every file written, row counts and the build's report."""
    digest = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            digest.update(f.read_bytes())
    return {
        "version": digest.hexdigest()[:12],
        "built_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "nuts_version": nuts_version,
        "rows": {k: int(len(v)) for k, v in tables.items()},
        "regions_by_level": {str(k): int(v) for k, v in regions.level.value_counts().sort_index().items()},
        "report": report,
    }


def swap_in(tmp: Path, out: Path) -> None:
    """Replace the snapshot folder ``out`` with the complete new one in ``tmp``."""
    old = out.with_name(out.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    tmp.chmod(0o755)
    tmp.rename(out)
    if old.exists():
        shutil.rmtree(old)


def write_snapshot(out: Path, regions: gpd.GeoDataFrame, tables: dict, nuts_version: str, report: dict) -> dict:
    """Step 8: everything written to a temporary folder beside ``out`` and swapped in only when complete
    (on any fault the previous snapshot stays in place). Returns the manifest."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=out.parent))
    try:
        write_geometry(regions, tmp / "geometry")
        for name, df in tables.items():
            df.to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")
        manifest = make_manifest(tmp, tables, regions, nuts_version, report)
        manifest["carried_over_from_previous_snapshot"] = carry_over(out, tmp)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def build(kit: Path, out: Path = DEFAULT_OUT, nuts_version: str = "2021") -> dict:
    """The whole build, step by step; returns the manifest (plus the seconds it took)."""
    t0 = time.perf_counter()
    kit, out, nuts_version = Path(kit), Path(out), str(nuts_version)
    report: dict = {}
    regions, display = read_regions(kit, nuts_version, report)
    territories = set(regions.nuts_id) | set(display)
    values, sources = read_statistics(kit, regions, report, nuts_version)
    nace, nabs, eco, platforms = load_classifications(kit)
    nace_divisions = set(nace.code[nace.level == "division"])
    strategies, priorities, source_codes = read_strategies(kit, territories, nace_divisions, report)
    # Step 4: partnerships and their members
    partnerships, members = load_partnerships(kit, territories, platforms, report, strict=nuts_version == "2021")
    not_found, no_members, stated_counts = read_not_found(territories, strategies, partnerships)
    strategies, members = draw_on_build_codes(strategies, members, display)
    report["strategies_superseded"] = int((strategies.superseded_by != "").sum())
    codes = classify(priorities, source_codes, nace_divisions, nabs, eco)
    tables = {
        "regions": pd.DataFrame(regions.drop(columns="geometry")),
        "indicators": values,
        "indicator_sources": sources,
        "strategies": strategies,
        "priorities": priorities,
        "priority_codes": codes,
        "partnerships": partnerships,
        "partnership_members": members,
        "s3_not_found": not_found,
        "partnerships_without_members": no_members,
        "partnership_stated_counts": stated_counts,
        "platforms": platforms,
        "nace": nace,
        "nabs": nabs,
        "ecosystems": eco,
    }
    manifest = write_snapshot(out, regions, tables, nuts_version, report)
    manifest["seconds"] = round(time.perf_counter() - t0, 2)
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kit", type=Path, default=ROOT.parent / "shared" / "data", help="the data kit's data/ folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--nuts-version", choices=NUTS_VERSIONS, default=SETTINGS.nuts_version,
                    help="NUTS version of the boundaries (default: S3_NUTS_VERSION or 2021)")
    args = ap.parse_args(argv)
    try:
        manifest = build(args.kit, args.out, args.nuts_version)
    except DataError as exc:
        print(f"build failed, snapshot left unchanged: {exc}", file=sys.stderr)
        return 1
    rep = manifest["report"]
    print(f"snapshot {manifest['version']} written to {args.out} in {manifest['seconds']} s")
    for k, v in manifest["rows"].items():
        print(f"  {k:22s} {v:7d} rows")
    print(f"  partnership member names not mapped to NUTS: {len(rep['partnership_names_not_mapped'])}")
    for u in rep["partnership_names_not_mapped"]:
        print(f"    - {u['name']} ({u['country']}) in {u['partnership']}")
    d = rep.get("descriptions_gathered", {})
    print(f"  priority descriptions added from sources/s3/descriptions: {d.get('descriptions_added', 0)}"
          f" (keywords added to {d.get('priorities_with_keywords_added', 0)})")
    print(f"  strategies marked superseded: {rep.get('strategies_superseded', 0)}; partnership member rows merged "
          f"(one territory once per partnership): {rep.get('partnership_member_rows_merged', 0)}")
    derived = rep.get("statistics_derived_nuts1_from_nuts2", {})
    print("  NUTS 1 values derived from NUTS 2: " + (", ".join(
        f"{k} {d['values']} ({d['regions']} regions)" for k, d in derived.items()) or "none"))
    print(f"  carried over from the previous snapshot: {', '.join(manifest['carried_over_from_previous_snapshot']) or 'nothing'}")
    outside = rep[f"statistics_rows_outside_nuts{manifest['nuts_version']}"]
    print(f"  statistics codes outside NUTS {manifest['nuts_version']} (kept out of the map): "
          f"{sum(len(v) for v in outside.values())} across {len(outside)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
