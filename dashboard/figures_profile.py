"""Pure plotly builders for the region profile and the comparison page.

No Dash imports; maps reference geometry by URL (``geometry_url(level)``) and
use the tile-less ``white-bg`` style, so nothing is fetched from outside.
"""
from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from .data.atlas import Atlas
from .data.catalog import ATTRIBUTION
from .figures import OUTLINE, SELECTED

ZOOM_BY_LEVEL = {0: 3.6, 1: 4.8, 2: 5.3, 3: 6.0}
# Okabe–Ito: distinguishable with the common forms of colour blindness.
COMPARE_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00")


def _credit() -> dict:
    return {"text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.005, "y": 0.005,
            "xanchor": "left", "yanchor": "bottom", "font": {"size": 9, "color": "#333"},
            "bgcolor": "rgba(255,255,255,0.8)"}


def _countries(atlas: Atlas, geometry_url: Callable[[int], str]) -> go.Choroplethmap:
    c = atlas.regions[atlas.regions.level == 0]
    return go.Choroplethmap(
        geojson=geometry_url(0), featureidkey="id", locations=list(c.nuts_id), z=[0] * len(c),
        colorscale=[[0, "#e4e7eb"], [1, "#e4e7eb"]], showscale=False, customdata=list(c.name_latn),
        hovertemplate="%{customdata} (%{location})<extra></extra>",
        marker={"line": {"width": 0.6, "color": OUTLINE}},
    )


def locator_map(atlas: Atlas, nuts_id: str, geometry_url: Callable[[int], str]) -> go.Figure:
    """Countries in grey, the region filled in red, centred on it."""
    r = atlas.regions.loc[nuts_id]
    level = int(r.level)
    fig = go.Figure(_countries(atlas, geometry_url))
    fig.add_trace(go.Choroplethmap(
        geojson=geometry_url(level), featureidkey="id", locations=[nuts_id], z=[1],
        colorscale=[[0, SELECTED], [1, SELECTED]], showscale=False, customdata=[r.name_latn],
        hovertemplate="<b>%{customdata}</b> (%{location})<extra></extra>",
        marker={"line": {"width": 1.5, "color": "#7f0000"}, "opacity": 0.85}, name=nuts_id,
    ))
    fig.update_layout(
        map={"style": "white-bg", "center": {"lon": float(r.lon), "lat": float(r.lat)},
             "zoom": ZOOM_BY_LEVEL.get(level, 4.0)},
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, paper_bgcolor="#ffffff", annotations=[_credit()],
        showlegend=False, height=260,
    )
    return fig


def sparkline(series: dict, fmt: str, unit: str) -> go.Figure:
    """A tiny line of the values by year (the latest point marked)."""
    years = sorted(series)
    values = [series[y] for y in years]
    fig = go.Figure(go.Scatter(
        x=years, y=values, mode="lines+markers", line={"width": 1.5, "color": "#2c7fb8"},
        marker={"size": [0] * (len(years) - 1) + [5], "color": "#253494"},
        hovertemplate=f"%{{x}}: %{{y:{fmt}}} {unit}<extra></extra>",
    ))
    fig.update_layout(height=36, width=130, margin={"l": 2, "r": 2, "t": 2, "b": 2}, showlegend=False,
                      xaxis={"visible": False}, yaxis={"visible": False},
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
    return fig


def compare_map(atlas: Atlas, ids: list[str], geometry_url: Callable[[int], str]) -> go.Figure:
    """Countries in grey and each compared territory in its own colour (drawn by its level's geometry)."""
    fig = go.Figure(_countries(atlas, geometry_url))
    for k, nid in enumerate(ids):
        r = atlas.regions.loc[nid]
        color = COMPARE_COLORS[k % len(COMPARE_COLORS)]
        fig.add_trace(go.Choroplethmap(
            geojson=geometry_url(int(r.level)), featureidkey="id", locations=[nid], z=[1],
            colorscale=[[0, color], [1, color]], showscale=False, customdata=[r.name_latn],
            hovertemplate="<b>%{customdata}</b> (%{location})<extra></extra>", name=f"{r.name_latn} ({nid})",
            marker={"line": {"width": 1.2, "color": "#333"}, "opacity": 0.85},
        ))
    if ids:
        lon = float(atlas.regions.loc[ids, "lon"].mean())
        lat = float(atlas.regions.loc[ids, "lat"].mean())
        span = max(float(atlas.regions.loc[ids, "lon"].max() - atlas.regions.loc[ids, "lon"].min()),
                   float(atlas.regions.loc[ids, "lat"].max() - atlas.regions.loc[ids, "lat"].min()) * 1.5)
        zoom = 5.0 if span < 4 else 4.0 if span < 10 else 3.0 if span < 22 else 2.4
    else:
        lon, lat, zoom = 12.0, 52.5, 2.7
    fig.update_layout(
        map={"style": "white-bg", "center": {"lon": lon, "lat": lat}, "zoom": zoom},
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, paper_bgcolor="#ffffff", annotations=[_credit()],
        showlegend=False, height=340,
    )
    return fig


def compare_bars(cmp: dict) -> go.Figure:
    """Each indicator's latest values as % of the highest among the compared regions.

    Bars are grouped by indicator; a region with no value has no bar and its
    hover text says "no data". The real value, unit, year and source are in
    the hover text and in the table next to the chart.
    """
    fig = go.Figure()
    labels = [s["short"] for s in cmp["statistics"]]
    for k, reg in enumerate(cmp["regions"]):
        xs, texts = [], []
        for s in cmp["statistics"]:
            vals = [v["value"] for v in s["values"] if v["value"] is not None]
            top = max((abs(v) for v in vals), default=0)
            v = s["values"][k]
            if v["value"] is None or top == 0:
                xs.append(None)
                texts.append("no data")
            else:
                xs.append(100 * v["value"] / top)
                src = f"Eurostat, {v['source_dataset']}" if v["source_dataset"] else ""
                texts.append(f"{format(v['value'], s['fmt'])} {s['unit']} ({v['year']})<br>{src}")
        fig.add_trace(go.Bar(
            y=labels, x=xs, orientation="h", name=f"{reg['name']} ({reg['nuts_id']})",
            marker={"color": COMPARE_COLORS[k % len(COMPARE_COLORS)]}, customdata=texts,
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(
        barmode="group", height=120 + 34 * len(labels) * max(1, len(cmp["regions"])) // 2,
        margin={"l": 10, "r": 10, "t": 30, "b": 40}, paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
        xaxis={"title": {"text": "% of the highest value among the compared regions (latest year of each)"},
               "range": [0, 105], "gridcolor": "#eee"},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    return fig


