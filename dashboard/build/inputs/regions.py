"""NUTS regions and their geometry from the kit's GISCO boundaries."""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely

from ...data.names import one_script
from ...data.schema import (
    DataError,
    require_unique,
)
from . import nuts_file

GEOMETRY_DECIMALS = 3  # ~100 m: far below what a 1:20 million map can show

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
            "name_national": gdf["NUTS_NAME"].astype(str).str.strip().map(one_script),
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
