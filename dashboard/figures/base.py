"""What every map of the app shares: Europe's extent, outline colours, the credit line,
the grey country backdrop and the zoom that fits a set of points.

Pure plotly; builders draw the ids, values and labels they are handed and run no queries.
Geometry is referenced by URL (``geometry_url(level)``). Maps are plotly geo subplots in the
equal-area Lambert azimuthal projection centred at 10°E 52°N, as Eurostat's and GISCO's maps of
Europe (ETRS89-LAEA, EPSG:3035) are drawn: areas compare truly, unlike Web Mercator, which draws
Finland and Sweden several times too large next to Spain or Italy. No base map is drawn (the
regions and the grey country backdrop are the map); the base-map topojson plotly loads anyway is
served by the app (dcc.Graph ``config.topojsonURL``), so nothing is fetched from outside the app.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from ..data.catalog import ATTRIBUTION

GeometryUrl = Callable[[int], str]

# The LAEA centre of EPSG:3035; the initial view shows mainland Europe and the Canaries, and the
# outermost regions further away (Guyane, Réunion, Mayotte, ...) each have a view fitted to them
# (``fitted_box``; the explorer's map view buttons), and are reached by zooming out or dragging
# (which turns the globe) and by the region finder.
LAEA_CENTRE = {"lon": 10.0, "lat": 52.0}
EUROPE = {"lon": 13.0, "lat": 53.0}
ZOOM = 2.7
NO_DATA = "#c8c8c8"
OUTLINE = "#ffffff"
OUTLINE_PRESENT = "#1a1a1a"
SELECTED = "#d7301f"
COUNTRY_FILL = "#e4e7eb"
TRANSPARENT = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]
# (largest span in degrees, zoom) from close to far; wider spans take ZOOM.
SPAN_ZOOMS = ((4, 5.5), (8, 4.6), (16, 3.8), (28, 3.1))


# Plotly fits a geo subplot's lon/lat box (lonaxis/lataxis ranges) into the map's frame and clips the
# drawing to it, so each map gets a box whose projection has its frame's width/height ratio (the CSS
# gives the map that ratio). ratio: (half the latitude span, half the longitude span around the LAEA
# centre, projected height of the box in km), computed with pyproj in EPSG:3035.
FRAMES = {1.25: (20, 31.5, 4678), 1.5: (20, 39.5, 4818), 1.75: (20, 49.5, 5030), 2.0: (20, 65.5, 5447)}
EUROPE_KM = 4700  # height shown at ZOOM: 34°N to 71°N with a margin


def geo_scale(zoom: float, ratio: float = 1.5) -> float:
    """A web-map zoom level as the geo projection's scale (1 shows the whole box of ``FRAMES``)."""
    return round(FRAMES[ratio][2] / (EUROPE_KM * 2 ** (ZOOM - zoom)), 3)


def credit(size: int = 11) -> dict:
    """The EuroGeographics credit line inside a map, bottom left."""
    return {"text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.005, "y": 0.005,
            "xanchor": "left", "yanchor": "bottom", "font": {"size": size, "color": "#222"},
            "bgcolor": "rgba(255,255,255,0.85)"}


def country_backdrop(countries: pd.DataFrame, geometry_url: GeometryUrl, **extra) -> go.Choropleth:
    """Countries (columns nuts_id, name_latn) in light grey under a map's own traces."""
    return go.Choropleth(
        geojson=geometry_url(0), featureidkey="id", locations=list(countries.nuts_id), z=[0] * len(countries),
        colorscale=[[0, COUNTRY_FILL], [1, COUNTRY_FILL]], showscale=False, customdata=list(countries.name_latn),
        hovertemplate="%{customdata} (%{location})<extra></extra>", marker={"line": {"width": 0.6, "color": OUTLINE}},
        showlegend=False, **extra,
    )


def view_of_points(lons: Sequence[float], lats: Sequence[float]) -> tuple[dict, float]:
    """Centre and zoom that show every point (Europe when there are none)."""
    if len(lons) == 0:
        return EUROPE, ZOOM
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.6, 1.0)
    zoom = next((z for limit, z in SPAN_ZOOMS if span <= limit), ZOOM)
    return {"lon": (max(lons) + min(lons)) / 2, "lat": (max(lats) + min(lats)) / 2}, zoom


@dataclass(frozen=True)
class MapBox:
    """A map fitted to a lon/lat box: the projection centred on the box, which fills the frame."""
    lon: float
    lat: float
    lon_range: tuple[float, float]
    lat_range: tuple[float, float]


def fitted_box(bounds: tuple[float, float, float, float], ratio: float, margin: float = 1.6,
               least_deg: float = 0.4) -> MapBox:
    """The box that shows ``bounds`` (lon min, lat min, lon max, lat max) with a margin, widened to
    the frame's width/height ``ratio`` (at least ``least_deg`` degrees of latitude high)."""
    lon0, lat0 = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    shrink = math.cos(math.radians(lat0))  # a degree of longitude is this many degrees of latitude long
    half_lat = max(bounds[3] - bounds[1], (bounds[2] - bounds[0]) * shrink / ratio, least_deg) * margin / 2
    half_lon = half_lat * ratio / shrink
    return MapBox(round(lon0, 4), round(lat0, 4), (round(lon0 - half_lon, 4), round(lon0 + half_lon, 4)),
                  (round(lat0 - half_lat, 4), round(lat0 + half_lat, 4)))


def geo(center: dict = EUROPE, zoom: float = ZOOM, ratio: float = 1.5, box: MapBox | None = None) -> dict:
    """The geo subplot: LAEA at 10°E 52°N, the view centred on ``center``, no base map; ``ratio``
    is the width/height of the map's frame (one of ``FRAMES``). ``box``: instead, the projection
    centred on that box, which fills the frame (a far-off region such as an outermost region)."""
    lat_half, lon_half, _km = FRAMES[ratio]
    if box is not None:
        return {**geo(ratio=ratio),
                "projection": {"type": "azimuthal equal area", "rotation": {"lon": box.lon, "lat": box.lat}, "scale": 1},
                "lonaxis": {"range": list(box.lon_range)}, "lataxis": {"range": list(box.lat_range)},
                "center": {"lon": box.lon, "lat": box.lat}}
    return {
        "projection": {"type": "azimuthal equal area", "rotation": {"lon": LAEA_CENTRE["lon"], "lat": LAEA_CENTRE["lat"]},
                       "scale": geo_scale(zoom, ratio)},
        "lonaxis": {"range": [LAEA_CENTRE["lon"] - lon_half, LAEA_CENTRE["lon"] + lon_half]},
        "lataxis": {"range": [LAEA_CENTRE["lat"] - lat_half, LAEA_CENTRE["lat"] + lat_half]},
        "center": {"lon": float(center["lon"]), "lat": float(center["lat"])},
        "visible": False, "showland": False, "showocean": False, "showlakes": False, "showrivers": False,
        "showcountries": False, "showcoastlines": False, "showframe": False, "bgcolor": "rgba(0,0,0,0)",
    }


def map_layout(fig: go.Figure, center: dict = EUROPE, zoom: float = ZOOM, credit_size: int = 11,
               ratio: float = 1.5, box: MapBox | None = None, **layout) -> None:
    """The layout every map shares: equal-area projection, no base map, no margins, white paper,
    the credit line inside; dragging turns the globe and the wheel zooms (dcc.Graph scrollZoom)."""
    fig.update_layout(geo=geo(center, zoom, ratio, box), margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      paper_bgcolor="#ffffff", dragmode="pan", annotations=[credit(credit_size)], **layout)
