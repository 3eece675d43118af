"""What every map of the app shares: Europe's extent, outline colours, the credit line,
the grey country backdrop and the zoom that fits a set of points.

Pure plotly; builders draw the ids, values and labels they are handed and run no queries.
Geometry is referenced by URL (``geometry_url(level)``) and maps use the tile-less
``white-bg`` style, so nothing is fetched from outside the app.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go

from ..data.catalog import ATTRIBUTION

GeometryUrl = Callable[[int], str]

EUROPE = {"lon": 12.0, "lat": 52.5}
ZOOM = 2.7
NO_DATA = "#c8c8c8"
OUTLINE = "#ffffff"
OUTLINE_PRESENT = "#1a1a1a"
SELECTED = "#d7301f"
COUNTRY_FILL = "#e4e7eb"
TRANSPARENT = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]
# (largest span in degrees, zoom) from close to far; wider spans take ZOOM.
SPAN_ZOOMS = ((4, 5.5), (8, 4.6), (16, 3.8), (28, 3.1))


def credit(size: int = 11) -> dict:
    """The EuroGeographics credit line inside a map, bottom left."""
    return {"text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.005, "y": 0.005,
            "xanchor": "left", "yanchor": "bottom", "font": {"size": size, "color": "#222"},
            "bgcolor": "rgba(255,255,255,0.85)"}


def country_backdrop(countries: pd.DataFrame, geometry_url: GeometryUrl, **extra) -> go.Choroplethmap:
    """Countries (columns nuts_id, name_latn) in light grey under a map's own traces."""
    return go.Choroplethmap(
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


def map_layout(fig: go.Figure, center: dict = EUROPE, zoom: float = ZOOM, credit_size: int = 11, **layout) -> None:
    """The layout every map shares: no tiles, no margins, white paper, the credit line inside."""
    fig.update_layout(map={"style": "white-bg", "center": center, "zoom": zoom},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, paper_bgcolor="#ffffff",
                      annotations=[credit(credit_size)], **layout)
