"""Exports of what the explorer shows, as files: priorities (CSV, XLSX), the regions ranked by how
strongly they answer the view (CSV, XLSX) and the map's regions (GeoJSON).

Every export carries the view that produced it (the URL query), the snapshot version, the
credits, and a source URL on every priority row and a Eurostat dataset on every value.
Pure functions of (atlas, filters, sort or map choice); no Dash imports, no view state: the
caller hands over the view's query string to print beside the credits.
"""
from __future__ import annotations

import io
import json

import pandas as pd

from dataclasses import dataclass

from .atlas import Atlas
from .catalog import ATTRIBUTION, ATTRIBUTION_LONG, INDICATOR_BY_ID
from .answer import view_answer
from .query import (TIER_LABELS, Filters, indicator_values, region_answer, sort_priorities,
                    sort_regions)


@dataclass(frozen=True)
class MapChoice:
    """What the map shows: priorities counts, or one indicator in a year (None: latest) at a level."""
    mode: str = "priorities"
    indicator: str = ""
    year: int | None = None
    level: int = 2

CREDITS = (f"{ATTRIBUTION_LONG}. Regional statistics: Source: Eurostat. S3 strategies, priorities and "
           "partnerships: gathered from public pages, source URL on every row; rows with contributed_by were "
           "contributed by that organisation and reviewed on reviewed_on; codes marked 'auto' were "
           "assigned by the S3 Atlas keyword map, 'contributed' by a reviewed contribution.")


def _codes(atlas: Atlas, pid: str, scheme: str) -> str:
    return "; ".join(f"{code} ({origin if origin in ('source', 'contributed') else 'auto'})"
                     for sch, code, origin, _rule in atlas.codes_by_priority.get(pid, ()) if sch == scheme)


def priorities_frame(atlas: Atlas, filters: Filters, sort: str) -> pd.DataFrame:
    """The filtered priorities in the table's order, one row each, with codes and sources."""
    m = sort_priorities(view_answer(atlas, filters).priorities, sort)
    s = atlas.strategies
    return pd.DataFrame({
        "region_name": m.region_name.to_numpy(),
        "nuts_id": m.nuts_id.to_numpy(),
        "priority": m.title.to_numpy(),
        "priority_original_name": m.title_original.to_numpy(),
        "kind": m.kind.to_numpy(),
        "description": m.description.to_numpy(),
        "keywords": m.keywords.str.replace(";", "; ").to_numpy(),
        "nace": [_codes(atlas, p, "nace") for p in m.priority_id],
        "nabs": [_codes(atlas, p, "nabs") for p in m.priority_id],
        "ecosystems": [_codes(atlas, p, "ecosystem") for p in m.priority_id],
        "strategy": m.strategy_title.to_numpy(),
        "period": s.period.reindex(m.strategy_id).to_numpy(),
        "priority_source_url": m.source_url.to_numpy(),
        "strategy_source_url": s.source_url.reindex(m.strategy_id).to_numpy(),
        "strategy_document_url": s.document_url.reindex(m.strategy_id).to_numpy(),
        "priority_id": m.priority_id.to_numpy(),
        # a row a reviewed contribution gave or changed: who contributed it, when it was reviewed, the proposal
        "description_source_url": m.description_source_url.to_numpy(),
        "contributed_by": m.contributed_by.to_numpy(),
        "reviewed_on": m.reviewed_on.to_numpy(),
        "proposal_id": m.proposal_id.to_numpy(),
        # with a keyword: exact (its words or their stems) or related in meaning, and the score
        # (rank fusion of word and meaning rankings for exact rows, cosine similarity for related ones)
        "match": m["match"].to_numpy() if "match" in m else "",
        "match_score": m["score"].round(4).to_numpy() if "score" in m else "",
    })


def about(atlas: Atlas, view: str) -> dict:
    return {"view": view or "(all priorities, no filter)", "snapshot": atlas.version,
            "snapshot_built_at": atlas.manifest.get("built_at", ""), "credits": CREDITS}


def _csv(df: pd.DataFrame, meta: dict) -> str:
    """CSV with the view, snapshot and credits repeated on each row, so no reader loses them."""
    for k in ("view", "snapshot", "credits"):
        df[k] = meta[k]
    return df.to_csv(index=False, lineterminator="\n")


def _xlsx(df: pd.DataFrame, sheet: str, meta: dict) -> bytes:
    """A workbook: the rows in sheet ``sheet`` and a sheet 'about' with the view, snapshot and credits."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, sheet_name=sheet, index=False)
        pd.DataFrame({"field": list(meta), "value": list(meta.values())}).to_excel(xw, sheet_name="about", index=False)
    return buf.getvalue()


def priorities_csv(atlas: Atlas, filters: Filters, sort: str, view: str) -> str:
    return _csv(priorities_frame(atlas, filters, sort), about(atlas, view))


def priorities_xlsx(atlas: Atlas, filters: Filters, sort: str, view: str) -> bytes:
    return _xlsx(priorities_frame(atlas, filters, sort), "priorities", about(atlas, view))


def regions_frame(atlas: Atlas, filters: Filters, sort: str) -> pd.DataFrame:
    """The regions ranked by how strongly their strategies answer the view (``query.region_answer``),
    every territory with a strategy in view (those with no match last), with the tier, the counts and
    the best evidence: the priority, its matched words, strategy and source."""
    a = sort_regions(region_answer(atlas, filters, view_answer(atlas, filters).priorities), sort)
    keyword = bool(filters.keyword.strip())
    tier = a.tier.map(TIER_LABELS) if keyword else a.tier.map({"exact": "matching priorities", "none": "no match"})
    s = atlas.strategies
    strategy_of = dict(zip(atlas.priorities.priority_id, atlas.priorities.strategy_id))
    strategy_ids = [strategy_of.get(pid, "") for pid in a.evidence_id]
    return pd.DataFrame({
        "rank": range(1, len(a) + 1),
        "region_name": a.region_name.to_numpy(),
        "nuts_id": a.nuts_id.to_numpy(),
        "level": a.level.to_numpy(),
        "tier": tier.to_numpy(),
        # with a keyword: priorities with its words or their forms, and priorities only close in meaning
        "exact_priorities": a.exact.to_numpy(),
        "related_priorities": a.related.to_numpy() if keyword else 0,
        "strategies_with_matches": a.strategies.to_numpy(),
        "evidence_priority": a.evidence_title.to_numpy(),
        "evidence_match": a.evidence_match.to_numpy() if keyword else "",
        "evidence_matched_words": a.evidence_matched.to_numpy(),
        "evidence_excerpt": a.evidence_quote.to_numpy(),
        "evidence_score": a.best_score.round(4).to_numpy(),
        "evidence_strategy": a.evidence_strategy.to_numpy(),
        "evidence_priority_source_url": a.evidence_source_url.to_numpy(),
        "evidence_strategy_source_url": [s.source_url.get(sid, "") if sid else "" for sid in strategy_ids],
        "evidence_priority_id": a.evidence_id.to_numpy(),
    })


def regions_csv(atlas: Atlas, filters: Filters, sort: str, view: str) -> str:
    return _csv(regions_frame(atlas, filters, sort), about(atlas, view))


def regions_xlsx(atlas: Atlas, filters: Filters, sort: str, view: str) -> bytes:
    return _xlsx(regions_frame(atlas, filters, sort), "regions", about(atlas, view))


def regions_geojson(atlas: Atlas, filters: Filters, choice: MapChoice, view: str) -> dict:
    """The regions on the map with their attributes and geometry (from the snapshot's files)."""
    if choice.mode == "indicator":
        ind = INDICATOR_BY_ID[choice.indicator]
        level = choice.level
        vals = indicator_values(atlas, ind.id, choice.year, level).set_index("nuts_id")
        props = {
            nid: {"indicator": ind.id, "indicator_label": ind.label, "unit": ind.unit,
                  "value": None if pd.isna(r.value) else float(r.value),
                  "year": None if pd.isna(r.year) else int(r.year),
                  "source": (f"Eurostat, {atlas.sources.at[r.source_id, 'source_dataset']}" if r.source_id else None),
                  "flag": r.flag or None}
            for nid, r in vals.iterrows()
        }
        levels = {level}
    else:
        counts = view_answer(atlas, filters).counts.set_index("nuts_id")
        keyword = bool(filters.keyword.strip())
        props = {nid: {"matching_priorities": int(r.priorities), "strategies_with_matches": int(r.strategies),
                       **({"related_priorities": int(r.related),
                           "tier": TIER_LABELS["exact" if r.priorities else "related" if r.related else "none"]}
                          if keyword else {})}
                 for nid, r in counts.iterrows()}
        levels = set(counts.level.astype(int))
    features = []
    for level in sorted(levels):
        geo = json.loads(atlas.geometry_files[level][0].read_text(encoding="utf-8"))
        for f in geo["features"]:
            if f["id"] in props:
                reg = atlas.regions.loc[f["id"]]
                features.append({"type": "Feature", "id": f["id"], "geometry": f["geometry"],
                                 "properties": {"nuts_id": f["id"], "level": int(reg.level), "name": reg.name_latn,
                                                "name_national": reg.name_national, **props[f["id"]]}})
    return {"type": "FeatureCollection", "features": features,
            "metadata": {**about(atlas, view), "attribution": ATTRIBUTION, "crs": "EPSG:4326",
                         "boundaries": "GISCO NUTS 2021, 1:20 million, simplified"}}
