"""Build the committed snapshot (geodata/snapshot) from the data kit.

    python -m dashboard.build.build [--kit KIT/data] [--out geodata/snapshot]

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
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import brotli
import geopandas as gpd
import pandas as pd

from ..settings import SETTINGS
from .classify import EXAMPLES_FILE, Classifier, priority_vectors
from .contributions import apply_contributions, contributed_wins, load_contributions
from ..data.crosslang import bilingual_terms
from .inputs import NUTS_FILE, NUTS_VERSIONS, ROOT, SOURCES, nuts_file, slug  # noqa: F401 (used by refresh and tests)
from .inputs.classifications import load_classifications
from .inputs.partnerships import load_partnerships, load_stated_counts, strongest_role
from .inputs.regions import geometry_geojson, load_regions
from .inputs.statistics import FIRST_YEAR, derive_nuts1, load_indicators, read_indicator_file  # noqa: F401
from .inputs.strategies import (  # noqa: F401 (DESCRIPTIONS_SOUGHT for the tests)
    DESCRIPTIONS,
    DESCRIPTIONS_SOUGHT,
    UPDATES,
    apply_descriptions,
    drop_not_priorities,
    apply_superseded,
    load_description_gaps,
    load_not_found,
    load_s3,
)
from .nuts_versions import display_codes, load_changes
from ..data.schema import DataError, require_unique
from ..data.vectors import FILES as VECTOR_FILES

DEFAULT_OUT = ROOT / "geodata" / "snapshot"
# Snapshot files written by later steps, not by this build: kept across rebuilds (copied from the previous snapshot).
CARRIED_OVER = VECTOR_FILES


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


def read_strategies(kit: Path, territories: set[str], nace_divisions: set[str], report: dict, sources: Path):
    """Step 3: strategies (superseded ones marked) and priorities (with gathered descriptions), and the
    codes their sources give."""
    s3 = sources / "s3"
    strategies, priorities, source_codes = load_s3(kit, territories, nace_divisions, report, extra=s3)
    strategies = apply_superseded(strategies, s3 / UPDATES / "superseded.csv")
    priorities, source_codes = drop_not_priorities(priorities, source_codes, s3 / UPDATES / "not_priorities.csv",
                                                   report)
    priorities = apply_descriptions(priorities, s3 / DESCRIPTIONS, report)
    return strategies, priorities, source_codes


def read_not_found(territories: set[str], strategies: pd.DataFrame, partnerships: pd.DataFrame, sources: Path):
    """Step 5: what was looked for and not found (strategies, descriptions, partnership members) and the
    member counts partnerships state. A partnership whose members were found later is no longer
    "without members"."""
    s3 = sources / "s3"
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


def read_contributions(sources: Path, tables: dict, report: dict) -> dict:
    """Step 6b: the reviewed contributions (``sources/contributions``, contributions.py) applied to the
    strategies, priorities, their source codes and the partnership members; and the contact points."""
    contributions = load_contributions(sources / "contributions")
    report["contributions"] = contributions.summary()
    return apply_contributions(tables, contributions)


def classify(priorities: pd.DataFrame, source_codes: pd.DataFrame, nace: pd.DataFrame,
             nabs: pd.DataFrame, eco: pd.DataFrame, sources: Path, vectors_from: Path | None = None) -> pd.DataFrame:
    """Step 7: NACE, NABS and ecosystem codes of every priority (from the source, else by the rules and
    the labelled examples in ``sources``). The examples vote through the sentence vectors of the
    snapshot in ``vectors_from`` (the previous one: the vectors step runs after the build); a priority
    new or changed since has none and gets its codes from its keyword evidence alone until the next
    build."""
    div = nace[nace.level == "division"]
    classifier = Classifier.from_files(sources / "classification_rules.csv", sources / "nace_ecosystem_map.csv",
                                       set(div.code), set(nabs.code), set(eco.code),
                                       examples_path=sources / EXAMPLES_FILE, section_of=dict(zip(div.code, div.section)))
    vectors = None if vectors_from is None or not classifier.examples else priority_vectors(vectors_from, priorities)
    return classifier.classify(priorities, source_codes, vectors=vectors)


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


def build(kit: Path, out: Path = DEFAULT_OUT, nuts_version: str = "2021", sources: Path | None = None) -> dict:
    """The whole build, step by step; returns the manifest (plus the seconds it took). ``sources``:
    the project's own source files (geodata/sources)."""
    t0 = time.perf_counter()
    sources_dir = Path(SOURCES if sources is None else sources)
    kit, out, nuts_version = Path(kit), Path(out), str(nuts_version)
    report: dict = {}
    regions, display = read_regions(kit, nuts_version, report)
    territories = set(regions.nuts_id) | set(display)
    values, sources = read_statistics(kit, regions, report, nuts_version)
    nace, nabs, eco, platforms = load_classifications(kit, sources_dir)
    nace_divisions = set(nace.code[nace.level == "division"])
    strategies, priorities, source_codes = read_strategies(kit, territories, nace_divisions, report, sources_dir)
    # Step 4: partnerships and their members
    partnerships, members = load_partnerships(kit, territories, platforms, report, strict=nuts_version == "2021",
                                             sources=sources_dir)
    not_found, no_members, stated_counts = read_not_found(territories, strategies, partnerships, sources_dir)
    strategies, members = draw_on_build_codes(strategies, members, display)
    report["strategies_superseded"] = int((strategies.superseded_by != "").sum())
    c = read_contributions(sources_dir, {"strategies": strategies, "priorities": priorities, "priority_codes": source_codes,
                                         "partnership_members": members, "partnerships": partnerships, "regions": regions,
                                         "nace": nace, "nabs": nabs, "ecosystems": eco}, report)
    strategies, priorities, source_codes, members = (c[k] for k in ("strategies", "priorities", "priority_codes",
                                                                      "partnership_members"))
    codes = contributed_wins(classify(priorities, source_codes, nace, nabs, eco, sources_dir, vectors_from=out))
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
        # query translation from the priorities' own bilingual titles (crosslang.bilingual_terms)
        "query_terms": bilingual_terms(priorities.merge(strategies[["strategy_id", "nuts_id"]], on="strategy_id",
                                                        how="left")),
        "contacts": c["contacts"],
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
