"""Regional statistics from the kit, and NUTS 1 figures derived from NUTS 2."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...data.catalog import INDICATOR_BY_ID, INDICATORS
from ..nuts_versions import harmonise
from ...data.schema import (
    DataError,
    read_csv,
    require_numeric,
    require_nuts_form,
    require_values,
)

FIRST_YEAR = 2010  # statistics before this year are left out of the snapshot

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
