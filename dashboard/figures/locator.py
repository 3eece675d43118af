"""A region's locator map as a PNG image, for printed profiles.

Drawn with matplotlib (Agg canvas, no pyplot state) from the region outlines it is handed
(bounds and longitude/latitude rings, as ``Atlas.outlines`` gives them), in the equal-area Lambert azimuthal
projection centred at 10°E 52°N that the app's web maps use. The region is filled red, its country
a darker grey than its neighbours, the other regions of its level in the country outlined.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import numpy as np

from .base import LAEA_CENTRE, SELECTED

EARTH_KM = 6371.0
NEIGHBOUR = "#e6e8eb"
OWN_COUNTRY = "#c3c9d1"
SEA = "#d8e5f0"
REGION_EDGE = "#7f0000"
# The overview of Europe in a corner (x0, x1, y0, y1 in km): Iceland to Cyprus, the Canaries to
# the North Cape. Regions outside it (the Azores, Madeira, the French outermost regions) get none.
EUROPE_BOX = (-2750.0, 2450.0, -2450.0, 2300.0)
INSET = 0.3  # its width as a share of the map's
INSET_LAND = ("#7d8793", "#b4bcc6")  # the region's country, the others
# Smallest frame (km across the wider side) by NUTS level: a small region is shown with its
# surroundings; a country or a large region fills the frame. A region is never drawn smaller than
# 1/ZOOM_OUT of the frame (a city among the regions around it, not a speck in its country).
MIN_SPAN_KM = {0: 600.0, 1: 650.0, 2: 650.0, 3: 450.0}
ZOOM_OUT = 5.0
# A region with nothing else of the data around it (an island far out at sea) is framed closely.
ALONE_SPAN_KM = 220.0
# Parts of a territory further than this from its largest part (islands far out at sea, the
# outermost regions of a country) are left out of the frame, and the caption says so.
FAR_KM = 1500.0
# An outline: (bounds (lon min, lat min, lon max, lat max), polygons of (n, 2) lon/lat rings).
Outlines = Mapping[str, tuple]


def laea(lon, lat, lon0: float = LAEA_CENTRE["lon"], lat0: float = LAEA_CENTRE["lat"]) -> np.ndarray:
    """Longitude/latitude (degrees) to x, y in km: Lambert azimuthal equal-area on the sphere."""
    lam, phi = np.radians(lon) - np.radians(lon0), np.radians(lat)
    phi0 = np.radians(lat0)
    k = np.sqrt(2.0 / (1.0 + np.sin(phi0) * np.sin(phi) + np.cos(phi0) * np.cos(phi) * np.cos(lam)))
    x = EARTH_KM * k * np.cos(phi) * np.sin(lam)
    y = EARTH_KM * k * (np.cos(phi0) * np.sin(phi) - np.sin(phi0) * np.cos(phi) * np.cos(lam))
    return np.column_stack([x, y])


def _signed_area(xy: np.ndarray) -> float:
    """Of a ring (first and last points the same or not): > 0 when counter-clockwise."""
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(x[:-1] @ y[1:] - x[1:] @ y[:-1] + x[-1] * y[0] - x[0] * y[-1])


def _projected(polygons: Iterable) -> list[list[np.ndarray]]:
    """Polygons projected (one projection call for all their rings), outer rings counter-clockwise
    and holes clockwise (so holes stay empty whatever fill rule the renderer applies)."""
    polygons = [poly for poly in polygons if poly]
    rings = [ring for poly in polygons for ring in poly]
    if not rings:
        return []
    lonlat = np.concatenate(rings)
    flat = np.split(laea(lonlat[:, 0], lonlat[:, 1]), np.cumsum([len(r) for r in rings])[:-1])
    out, k = [], 0
    for poly in polygons:
        projected = []
        for j in range(len(poly)):
            xy = flat[k]
            k += 1
            if (_signed_area(xy) > 0) == (j > 0):
                xy = xy[::-1]
            projected.append(xy)
        out.append(projected)
    return out


def _in_frame(outlines: Outlines, box, margin: float = 0.05) -> list[str]:
    """The ids whose bounds, projected (a 3 x 3 grid of points over each), meet the frame."""
    ids = list(outlines)
    if not ids:
        return []
    b = np.array([outlines[i][0] for i in ids], dtype=float)
    t = np.array([0.0, 0.5, 1.0])
    lon = (b[:, [0]] + (b[:, [2]] - b[:, [0]]) * t[None, :])[:, :, None].repeat(3, axis=2)
    lat = (b[:, [1]] + (b[:, [3]] - b[:, [1]]) * t[None, :])[:, None, :].repeat(3, axis=1)
    xy = laea(lon.ravel(), lat.ravel()).reshape(len(ids), 9, 2)
    lo, hi = xy.min(axis=1), xy.max(axis=1)
    x0, x1, y0, y1 = box
    mx, my = (x1 - x0) * margin, (y1 - y0) * margin
    hit = (hi[:, 0] >= x0 - mx) & (lo[:, 0] <= x1 + mx) & (hi[:, 1] >= y0 - my) & (lo[:, 1] <= y1 + my)
    return [i for i, h in zip(ids, hit) if h]


def _path(polygons: list[list[np.ndarray]]):
    from matplotlib.path import Path

    verts, codes = [], []
    for rings in polygons:
        for xy in rings:
            verts.append(xy)
            codes.append(np.full(len(xy), Path.LINETO, dtype=np.uint8))
            codes[-1][0] = Path.MOVETO
    return Path(np.concatenate(verts), np.concatenate(codes)) if verts else None


def _main_parts(polygons: list[list[np.ndarray]]) -> tuple[list[list[np.ndarray]], bool]:
    """The parts within FAR_KM of the largest one, and whether any part was left out."""
    areas = [abs(_signed_area(p[0])) for p in polygons]
    main = polygons[int(np.argmax(areas))][0]
    centre = (main.min(axis=0) + main.max(axis=0)) / 2
    keep = [p for p in polygons
            if np.min(np.hypot(*(p[0] - centre).T)) <= FAR_KM + np.max(np.hypot(*(main - centre).T))]
    return keep, len(keep) < len(polygons)


def frame(region: list[list[np.ndarray]], level: int, ratio: float,
          span: float | None = None) -> tuple[tuple[float, float, float, float], bool]:
    """(x0, x1, y0, y1) in km showing the region's main parts with a margin, at width/height ``ratio``,
    at least ``span`` km across (by default the level's ``MIN_SPAN_KM``); and whether far parts were
    left out."""
    parts, cut = _main_parts(region)
    pts = np.concatenate([p[0] for p in parts])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    w, h = (x1 - x0) * 1.25, (y1 - y0) * 1.25
    w, h = max(w, h * ratio), max(h, w / ratio)
    if span is None:
        span = min(MIN_SPAN_KM.get(level, 600.0), ZOOM_OUT * max(x1 - x0, y1 - y0))
    if max(w, h) < span:
        w, h = (span, span / ratio) if ratio >= 1 else (span * ratio, span)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2), cut


def _inset_corner(region: list[list[np.ndarray]], box, w: float, h: float) -> tuple[float, float]:
    """The lower-left corner (axes fraction) of the corner of the frame where the region has the
    fewest points, top right first."""
    x0, x1, y0, y1 = box
    pts = np.concatenate([r for p in region for r in p])
    fx, fy = (pts[:, 0] - x0) / (x1 - x0), (pts[:, 1] - y0) / (y1 - y0)
    best = None
    for cx, cy in ((1 - w, 1 - h), (0.0, 1 - h), (1 - w, 0.0), (0.0, 0.0)):
        n = int(np.count_nonzero((fx >= cx) & (fx <= cx + w) & (fy >= cy) & (fy <= cy + h)))
        if best is None or n < best[0]:
            best = (n, (cx, cy))
    return best[1]


def _draw_countries(ax, countries: Outlines, country: str, box, colours=(OWN_COUNTRY, NEIGHBOUR),
                    linewidth: float = 0.6) -> None:
    from matplotlib.collections import PathCollection

    paths, fills = [], []
    for cid in _in_frame(countries, box):
        p = _path(_projected(countries[cid][1]))
        if p is not None:
            paths.append(p)
            fills.append(colours[0] if cid == country else colours[1])
    ax.add_collection(PathCollection(paths, facecolors=fills, edgecolors="#ffffff", linewidths=linewidth, zorder=1))


def locator_png(nuts_id: str, level: int, country: str, regions: Outlines, countries: Outlines,
                width_px: int = 760, height_px: int = 600, dpi: int = 200) -> tuple[bytes, dict]:
    """The map as PNG bytes, and what it shows: {"far_parts_left_out": bool, "overview": bool} (an
    overview of Europe in a corner, for regions on or near the mainland; not for countries).

    ``regions``: outlines of the region's level (id -> polygons of lon/lat rings); ``countries``:
    outlines of the countries (NUTS 0)."""
    from matplotlib.collections import PathCollection
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    if nuts_id not in regions:
        raise KeyError(f"no outline for {nuts_id}")
    region = _projected(regions[nuts_id][1])
    ratio = width_px / height_px
    box, cut = frame(region, level, ratio)
    if not ([c for c in _in_frame(countries, box) if c != country] or
            [r for r in _in_frame(regions, box) if r != nuts_id and level > 0]):
        box, cut = frame(region, level, ratio, span=ALONE_SPAN_KM)
    x0, x1, y0, y1 = box

    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    fig.patch.set_facecolor(SEA)

    _draw_countries(ax, countries, country, box)
    if level > 0:
        siblings = [_path(_projected(regions[rid][1])) for rid in _in_frame(regions, box)
                    if rid != nuts_id and rid.startswith(country)]
        siblings = [p for p in siblings if p is not None]
        ax.add_collection(PathCollection(siblings, facecolors="none", edgecolors="#ffffff", linewidths=0.5,
                                         zorder=2))
    ax.add_collection(PathCollection([_path(region)], facecolors=SELECTED, edgecolors=REGION_EDGE, linewidths=0.9,
                                     zorder=3))
    ex0, ex1, ey0, ey1 = EUROPE_BOX
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    pts = np.concatenate([p[0] for p in region])
    extent = max(np.ptp(pts[:, 0]) / (x1 - x0), np.ptp(pts[:, 1]) / (y1 - y0))
    # a country that fills its frame needs no overview (and would be hidden under it)
    overview = (level > 0 or extent < 0.45) and ex0 <= cx <= ex1 and ey0 <= cy <= ey1
    if overview:
        w = INSET
        h = w * ratio * (ey1 - ey0) / (ex1 - ex0)
        ix, iy = _inset_corner(region, box, w, h)
        inset = fig.add_axes((ix, iy, w, h))
        inset.set_xlim(ex0, ex1)
        inset.set_ylim(ey0, ey1)
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_facecolor(SEA)
        for side in inset.spines.values():
            side.set_edgecolor("#555555")
            side.set_linewidth(0.8)
        _draw_countries(inset, countries, country, EUROPE_BOX, colours=INSET_LAND, linewidth=0.15)
        if (x1 - x0) > 0.06 * (ex1 - ex0):
            inset.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="none", edgecolor=SELECTED,
                                      linewidth=1.0, zorder=3))
        else:  # a frame too small to see at this scale: a dot where it is
            inset.plot([cx], [cy], marker="o", markersize=3.5, color=SELECTED, markeredgecolor="#ffffff",
                       markeredgewidth=0.6, zorder=3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor=SEA)
    return buf.getvalue(), {"far_parts_left_out": cut, "overview": overview}
