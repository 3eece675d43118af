"""The atlas: the snapshot loaded once into read-only tables and indexes.

Nothing here changes after ``load_atlas`` returns; every view is a pure
function of (atlas, view state).
"""
from __future__ import annotations

import hashlib
import re
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import pandas as pd

from .catalog import INDICATOR_BY_ID
from .names import one_script
from .periods import period_group
from .schema import DataError, read_csv
from .wording import period_label, plain, split_period

LEVELS = (0, 1, 2, 3)
# where a contributed row comes from (contributions of the write path): empty for gathered rows and in
# snapshots built before them
PROVENANCE = ("contributed_by", "reviewed_on", "proposal_id")
CONTACTS = ["strategy_id", "name", "position", "organisation", "email", "source_url"]


def fold(text: str) -> str:
    """Lower-case and strip accents, for accent-insensitive search."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass(frozen=True)
class LevelGrid:
    """One indicator over the regions of one NUTS level, as arrays (regions x years)."""
    ids: np.ndarray
    years: np.ndarray
    values: np.ndarray
    sources: np.ndarray
    flags: np.ndarray


@dataclass(frozen=True)
class Atlas:
    manifest: dict
    regions: pd.DataFrame  # index nuts_id
    strategies: pd.DataFrame  # index strategy_id
    priorities: pd.DataFrame  # positional; column priority_id
    codes: pd.DataFrame  # priority_id, scheme, code, origin, rule
    nace: pd.DataFrame
    nabs: pd.DataFrame
    ecosystems: pd.DataFrame
    platforms: pd.DataFrame
    partnerships: pd.DataFrame
    members: pd.DataFrame
    indicator_values: dict  # indicator -> wide DataFrame (nuts_id x year) of values
    indicator_sources: dict  # indicator -> wide DataFrame (nuts_id x year) of source ids
    indicator_flags: dict  # indicator -> wide DataFrame (nuts_id x year) of flags
    sources: pd.DataFrame  # index source_id
    geometry_files: dict  # level -> (path, content hash)
    not_found: pd.DataFrame  # looked for, not found: nuts_id, region_name, sought, what_was_tried, source_urls
    no_members: pd.DataFrame  # partnerships named by a source, members not found
    # indexes
    search_text: np.ndarray = field(repr=False)  # folded text per priority
    code_index: dict = field(repr=False)  # (scheme, code) -> np.ndarray bool mask over priorities
    children: dict = field(repr=False)  # nuts_id -> tuple of child ids
    codes_by_priority: dict = field(repr=False)  # priority_id -> tuple of (scheme, code, origin, rule)
    code_names: dict = field(repr=False)  # scheme -> {code: name}; "nace_section": {NACE code: its section}
    level_grids: dict = field(repr=False)  # (indicator, level) -> LevelGrid, for map lookups
    territory_index: dict = field(repr=False)  # arrays to count matches per strategy territory
    # member counts the partnerships' own sources state: partnership_id, partnership, stated_members,
    # stated_what, source_url (empty for snapshots built before it existed)
    stated_counts: pd.DataFrame = field(default=None, repr=False)
    # contact points of strategies, from reviewed contributions: strategy_id, name, position, organisation,
    # email, source_url, contributed_by, reviewed_on, proposal_id (empty for snapshots without contacts.csv)
    contacts: pd.DataFrame = field(default=None, repr=False)

    @property
    def version(self) -> str:
        return self.manifest.get("version", "?")

    def resolved(self) -> "Atlas":
        """The atlas itself (a stand-in for the atlas being served gives the one it stands for)."""
        return self

    @property
    def data_dir(self) -> Path:
        """The snapshot folder the atlas was read from."""
        return self.geometry_files[0][0].parent.parent

    @property
    def countries(self) -> pd.DataFrame:
        """The regions of NUTS level 0."""
        return self.regions[self.regions.level == 0]

    def region_name(self, nuts_id: str) -> str:
        if nuts_id in self.regions.index:
            return self.regions.at[nuts_id, "name_latn"]
        return nuts_id

    def ancestors(self, nuts_id: str) -> list[str]:
        out = []
        while nuts_id in self.regions.index and self.regions.at[nuts_id, "parent"]:
            nuts_id = self.regions.at[nuts_id, "parent"]
            out.append(nuts_id)
        return out

    def geometry_url(self, level: int) -> str:
        return f"geometry/nuts{level}.{self.geometry_files[level][1]}.geojson"

    def bounds(self, level: int) -> dict[str, tuple[float, float, float, float]]:
        """Each region of a level: (lon min, lat min, lon max, lat max) of its drawn boundary."""
        return _bounds(*self.geometry_files[level])

    def outlines(self, level: int) -> Mapping[str, Outline]:
        """Each region of a level: its drawn boundary (``Outline``). Read once per file and process."""
        return _outlines(*self.geometry_files[level])


def _read(data_dir: Path, name: str, required: list[str]) -> pd.DataFrame:
    return read_csv(data_dir / f"{name}.csv", required)


def _read_optional(data_dir: Path, name: str, required: list[str], optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table snapshots built before it existed do not have (empty when absent), and ``optional``
    columns of it that they may lack (empty strings)."""
    if not (data_dir / f"{name}.csv").exists():
        return pd.DataFrame(columns=required + list(optional))
    df = _read(data_dir, name, required)
    return df.assign(**{c: "" for c in optional if c not in df})


class AtlasKey:
    """Hashable stand-in for an atlas (DataFrames are unhashable), for per-atlas caches: its
    version and identity."""

    def __init__(self, atlas: Atlas):
        self.atlas = atlas.resolved()

    def __hash__(self):
        return hash((self.atlas.version, id(self.atlas)))

    def __eq__(self, other):
        return isinstance(other, AtlasKey) and other.atlas is self.atlas


def read_manifest(data_dir: Path) -> dict:
    mpath = data_dir / "manifest.json"
    if not mpath.exists():
        raise DataError(mpath, "snapshot manifest is missing: run 'make data' to build the snapshot")
    try:
        return json.loads(mpath.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(mpath, f"is not valid JSON ({exc})", row=exc.lineno) from exc


def read_regions(data_dir: Path) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """The regions (index nuts_id) and each region's children."""
    regions = _read(data_dir, "regions", ["nuts_id", "level", "country", "name_latn", "name_national", "parent", "lon", "lat"])
    regions["level"] = regions["level"].astype(int)
    regions["lon"] = regions["lon"].astype(float)
    regions["lat"] = regions["lat"].astype(float)
    # snapshots built before the build wrote names in one script ("Aττική" with a Latin A)
    regions["name_national"] = regions["name_national"].map(one_script)
    regions = regions.set_index("nuts_id", drop=False)
    children: dict[str, list[str]] = {}
    for nid, parent in zip(regions.nuts_id, regions.parent):
        if parent:
            children.setdefault(parent, []).append(nid)
    return regions, {k: tuple(v) for k, v in children.items()}


CLOSED_PERIOD = re.compile(r"^\d{4}\s*[-–]\s*\d{4}$")


def read_strategies(data_dir: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """Strategies (index strategy_id) with their territory's level and country and the period group."""
    strategies = _read(data_dir, "strategies", ["strategy_id", "nuts_id", "territory_name", "title", "period",
                                                "document_url", "source_url", "source_note"])
    # optional columns (empty in snapshots built before them): the strategy that replaces this one
    strategies = strategies.assign(**{c: "" for c in ("superseded_by", "superseded_source_url") + PROVENANCE
                                      if c not in strategies})
    strategies["level"] = strategies.nuts_id.map(regions.level).astype(int)
    strategies["country"] = strategies.nuts_id.map(regions.country)
    # what tables show (the period, or that none is stated) and the rest of the source's note, in plain words
    parts = [split_period(v) for v in strategies.period]
    # the group of a stated closed period is its own ('2014-2020 (a 2021-2027 update exists, not in this
    # atlas)' ended by 2020); open or unstated periods are grouped by the years their note gives
    strategies["period_group"] = [period_group(short if CLOSED_PERIOD.match(short) else full)
                                  for (short, _), full in zip(parts, strategies.period)]
    strategies["period_label"] = [period_label(short) for short, _ in parts]
    strategies["period_note"] = [note for _, note in parts]
    strategies["source_note"] = strategies.source_note.map(plain)
    return strategies.set_index("strategy_id", drop=False)


def read_priorities(data_dir: Path, strategies: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Priorities (positional) with their strategy's territory, level, country, title and period group."""
    p = _read(data_dir, "priorities", ["priority_id", "strategy_id", "title", "title_original", "description",
                                        "keywords", "kind", "source_url", "source_note"])
    # optional columns: where a description gathered later comes from
    p = p.assign(**{c: "" for c in ("description_source_url", "description_note") + PROVENANCE if c not in p})
    for c in ("source_note", "description_note"):  # notes of the gathering, in plain words
        p[c] = p[c].map(plain)
    p["nuts_id"] = p.strategy_id.map(strategies.nuts_id)
    p["level"] = p.strategy_id.map(strategies.level).astype(int)
    p["country"] = p.strategy_id.map(strategies.country)
    p["strategy_title"] = p.strategy_id.map(strategies.title)
    p["period_group"] = p.strategy_id.map(strategies.period_group)
    p["region_name"] = p.nuts_id.map(regions.name_latn)
    return p.reset_index(drop=True)


def search_texts(p: pd.DataFrame) -> np.ndarray:
    """Folded text per priority: title, original title, description and keywords."""
    return np.array([fold(" ".join(v)) for v in zip(p.title, p.title_original, p.description, p.keywords)],
                    dtype=object)


def read_codes(data_dir: Path, p: pd.DataFrame) -> tuple[pd.DataFrame, dict, dict]:
    """The priorities' codes, a boolean mask over the priorities per (scheme, code), and the codes of
    each priority."""
    codes = _read(data_dir, "priority_codes", ["priority_id", "scheme", "code", "origin", "rule"])
    pos = pd.Series(np.arange(len(p)), index=p.priority_id)
    code_index = {}
    for (scheme, code), grp in codes.groupby(["scheme", "code"]):
        mask = np.zeros(len(p), dtype=bool)
        mask[pos[grp.priority_id].to_numpy()] = True
        mask.setflags(write=False)
        code_index[(scheme, code)] = mask
    by_priority: dict[str, list] = {}
    for r in codes.itertuples(index=False):
        by_priority.setdefault(r.priority_id, []).append((r.scheme, r.code, r.origin, r.rule))
    return codes, code_index, {k: tuple(v) for k, v in by_priority.items()}


def read_indicators(data_dir: Path) -> tuple[dict, dict, dict, pd.DataFrame]:
    """Per indicator, wide tables (nuts_id x year) of values, source ids and flags; and the sources
    (index source_id; ``derived`` says how a value derived from NUTS 2 figures was derived)."""
    values = _read(data_dir, "indicators", ["nuts_id", "indicator", "year", "value", "flag", "source_id"])
    values["year"] = values.year.astype(int)
    values["value"] = values.value.astype(float)
    ind_values, ind_sources, ind_flags = {}, {}, {}
    for ind, grp in values.groupby("indicator"):
        if ind not in INDICATOR_BY_ID:
            raise DataError(data_dir / "indicators.csv", f"unknown indicator '{ind}'", column="indicator")
        ind_values[ind] = grp.pivot(index="nuts_id", columns="year", values="value")
        ind_sources[ind] = grp.pivot(index="nuts_id", columns="year", values="source_id")
        ind_flags[ind] = grp.pivot(index="nuts_id", columns="year", values="flag")
    sources = _read(data_dir, "indicator_sources", ["source_id", "indicator", "source_dataset", "unit", "vintage"])
    if "derived" not in sources:  # snapshots built before it
        sources["derived"] = ""
    sources["source_dataset"] = sources.source_dataset.map(plain)  # the dataset, without where it was extracted
    return ind_values, ind_sources, ind_flags, sources.set_index("source_id", drop=False)


def level_grids(regions: pd.DataFrame, ind_values: dict, ind_sources: dict, ind_flags: dict) -> dict:
    """(indicator, level) -> LevelGrid, for map lookups."""
    grids = {}
    for ind, wide in ind_values.items():
        for level in LEVELS:
            ids = regions.nuts_id[regions.level == level].to_numpy()
            grid = [frame.reindex(index=ids, columns=wide.columns) for frame in
                    (wide, ind_sources[ind], ind_flags[ind])]
            grids[(ind, level)] = LevelGrid(ids, np.asarray(wide.columns, dtype=int), grid[0].to_numpy(dtype=float),
                                            grid[1].fillna("").to_numpy(dtype=object),
                                            grid[2].fillna("").to_numpy(dtype=object))
    return grids


@lru_cache(maxsize=8)
def _bounds(path: Path, digest: str) -> dict[str, tuple[float, float, float, float]]:
    """``digest``: the file's content hash, so a changed file is read again."""
    def points(coords):
        if coords and isinstance(coords[0], (int, float)):
            yield coords
        else:
            for c in coords:
                yield from points(c)

    out = {}
    for feature in json.loads(path.read_text(encoding="utf-8")).get("features", []):
        pts = list(points((feature.get("geometry") or {}).get("coordinates") or []))
        if pts:
            lons, lats = [p[0] for p in pts], [p[1] for p in pts]
            out[str(feature.get("id"))] = (min(lons), min(lats), max(lons), max(lats))
    return out


class Outline(NamedTuple):
    """A region's boundary: (lon min, lat min, lon max, lat max), and its polygons, each a tuple of
    rings (the outer ring first, then holes) as read-only (n, 2) arrays of longitude, latitude."""
    bounds: tuple[float, float, float, float]
    polygons: tuple[tuple[np.ndarray, ...], ...]


@lru_cache(maxsize=8)
def _outlines(path: Path, digest: str) -> Mapping[str, Outline]:
    """``digest``: the file's content hash, so a changed file is read again."""
    def ring(coords) -> np.ndarray:
        a = np.asarray(coords, dtype=float)[:, :2]
        a.setflags(write=False)
        return a

    out = {}
    for feature in json.loads(path.read_text(encoding="utf-8")).get("features", []):
        geom = feature.get("geometry") or {}
        coords = geom.get("coordinates") or []
        polygons = [coords] if geom.get("type") == "Polygon" else coords if geom.get("type") == "MultiPolygon" else []
        polys = tuple(tuple(ring(r) for r in poly if len(r) >= 3) for poly in polygons if poly)
        polys = tuple(p for p in polys if p)
        if polys:
            pts = np.concatenate([p[0] for p in polys])
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            out[str(feature.get("id"))] = Outline((float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])), polys)
    return MappingProxyType(out)


def geometry_files(data_dir: Path) -> dict:
    """level -> (path of the level's GeoJSON, content hash)."""
    files = {}
    for level in LEVELS:
        g = data_dir / "geometry" / f"nuts{level}.geojson"
        if not g.exists():
            raise DataError(g, "geometry file is missing")
        files[level] = (g, hashlib.sha256(g.read_bytes()).hexdigest()[:10])
    return files


def territory_index(strategies: pd.DataFrame, p: pd.DataFrame, regions: pd.DataFrame) -> dict:
    """Strategy territories as codes, so counting matches per territory is a bincount."""
    territories = np.array(sorted(set(strategies.nuts_id)), dtype=object)
    code_of = {t: i for i, t in enumerate(territories)}
    strategy_ids = np.array(sorted(set(p.strategy_id)), dtype=object)
    strategy_code = {sid: i for i, sid in enumerate(strategy_ids)}
    return {
        "territories": territories,
        "levels": regions.level.reindex(territories).to_numpy(),
        "of_priority": np.array([code_of[t] for t in p.nuts_id], dtype=np.int64),
        "strategy_of_priority": np.array([strategy_code[sid] for sid in p.strategy_id], dtype=np.int64),
        "territory_of_strategy": np.array([code_of[strategies.at[sid, "nuts_id"]] for sid in strategy_ids],
                                          dtype=np.int64),
    }


def plain_columns(df: pd.DataFrame, columns) -> pd.DataFrame:
    """The table with its optional note columns in plain words (``wording.plain``)."""
    return df.assign(**{c: df[c].map(plain) for c in columns if c in df})


def load_atlas(data_dir: Path) -> Atlas:
    """The snapshot in ``data_dir``, read and indexed: one reader per table, assembled here."""
    data_dir = Path(data_dir)
    manifest = read_manifest(data_dir)
    regions, children = read_regions(data_dir)
    strategies = read_strategies(data_dir, regions)
    p = read_priorities(data_dir, strategies, regions)
    search_text = search_texts(p)
    codes, code_index, by_priority = read_codes(data_dir, p)
    ind_values, ind_sources, ind_flags, sources = read_indicators(data_dir)
    geometry = geometry_files(data_dir)
    members = plain_columns(_read(data_dir, "partnership_members", ["partnership_id", "nuts_id", "role",
                                                                      "role_as_in_source", "name_as_in_source",
                                                                      "source_url"]), ("note",))
    members = members.assign(**{c: "" for c in PROVENANCE if c not in members})
    grids = level_grids(regions, ind_values, ind_sources, ind_flags)
    territories = territory_index(strategies, p, regions)
    nace = _read(data_dir, "nace", ["code", "level", "section", "name"])
    nabs = _read(data_dir, "nabs", ["code", "name"])
    ecosystems = _read(data_dir, "ecosystems", ["code", "name"])
    return Atlas(
        manifest=MappingProxyType(manifest),
        regions=regions,
        strategies=strategies,
        priorities=p,
        codes=codes,
        nace=nace,
        nabs=nabs,
        ecosystems=ecosystems,
        platforms=_read(data_dir, "platforms", ["platform_id", "name", "source_url"]),
        partnerships=plain_columns(_read(data_dir, "partnerships", ["partnership_id", "name", "platform_id"]),
                                   ("platform_as_in_source",)),
        members=members,
        indicator_values=MappingProxyType(ind_values),
        indicator_sources=MappingProxyType(ind_sources),
        indicator_flags=MappingProxyType(ind_flags),
        sources=sources,
        geometry_files=MappingProxyType(geometry),
        not_found=_read_optional(data_dir, "s3_not_found", ["nuts_id", "region_name", "sought", "what_was_tried"],
                                 optional=("source_urls",)),
        no_members=_read_optional(data_dir, "partnerships_without_members",
                                  ["partnership", "platform", "source_url", "what_was_tried"]),
        search_text=search_text,
        code_index=MappingProxyType(code_index),
        children=MappingProxyType(children),
        codes_by_priority=MappingProxyType(by_priority),
        code_names=MappingProxyType({"nace": dict(zip(nace.code, nace.name)), "nabs": dict(zip(nabs.code, nabs.name)),
                                     "ecosystem": dict(zip(ecosystems.code, ecosystems.name)),
                                     "nace_section": dict(zip(nace.code, nace.section))}),
        level_grids=MappingProxyType(grids),
        territory_index=MappingProxyType(territories),
        stated_counts=_read_optional(data_dir, "partnership_stated_counts",
                                     ["partnership_id", "partnership", "stated_members", "stated_what", "source_url"]),
        contacts=_read_optional(data_dir, "contacts", CONTACTS, optional=PROVENANCE),
    )


@lru_cache(maxsize=4)
def get_atlas(data_dir: str) -> Atlas:
    """The process-wide atlas for a snapshot folder (loaded once, read-only)."""
    return load_atlas(Path(data_dir))
