"""Pure plotly builders for the region profile and the comparison page.

Maps take the rows of the regions they draw (nuts_id, name_latn, level, lon, lat) and
the countries under them; geometry is referenced by URL.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .base import SELECTED, GeometryUrl, country_backdrop, map_layout, view_of_points

ZOOM_BY_LEVEL = {0: 3.6, 1: 4.8, 2: 5.3, 3: 6.0}
# Okabe–Ito: distinguishable with the common forms of colour blindness.
COMPARE_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00")


def locator_map(region: pd.Series, countries: pd.DataFrame, geometry_url: GeometryUrl) -> go.Figure:
    """Countries in grey, the region (its row of the regions table) filled in red, centred on it."""
    r, nuts_id = region, region.nuts_id
    level = int(r.level)
    fig = go.Figure(country_backdrop(countries, geometry_url))
    fig.add_trace(go.Choropleth(locationmode="geojson-id",
        geojson=geometry_url(level), featureidkey="id", locations=[nuts_id], z=[1],
        colorscale=[[0, SELECTED], [1, SELECTED]], showscale=False, customdata=[r.name_latn],
        hovertemplate="<b>%{customdata}</b> (%{location})<extra></extra>",
        marker={"line": {"width": 1.5, "color": "#7f0000"}, "opacity": 0.85}, name=nuts_id,
    ))
    map_layout(fig, {"lon": float(r.lon), "lat": float(r.lat)}, ZOOM_BY_LEVEL.get(level, 4.0), credit_size=9,
               showlegend=False, ratio=2.0)
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


def sparkline_svg(series: dict, fmt: str, unit: str, width: int = 130, height: int = 36) -> tuple[str, str]:
    """The same line as ``sparkline`` as a small SVG (a data: URL for an <img>, no plotly.js at
    all) and its text: every year's value, for the image's alt text and tooltip."""
    from urllib.parse import quote

    years = sorted(series)
    values = [float(series[y]) for y in years]
    lo, hi = min(values), max(values)
    pad = 4
    def xy(i, v):
        x = pad + (width - 2 * pad) * (i / max(1, len(years) - 1))
        y = height - pad - (height - 2 * pad) * ((v - lo) / (hi - lo) if hi > lo else 0.5)
        return f"{x:.1f},{y:.1f}"
    points = " ".join(xy(i, v) for i, v in enumerate(values))
    last = xy(len(values) - 1, values[-1]).split(",")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
           f'<polyline points="{points}" fill="none" stroke="#2c7fb8" stroke-width="1.5"/>'
           f'<circle cx="{last[0]}" cy="{last[1]}" r="2.5" fill="#253494"/></svg>')
    text = "; ".join(f"{y}: {format(series[y], fmt)} {unit}".strip() for y in years)
    return "data:image/svg+xml;charset=utf-8," + quote(svg), text


def compare_map(regions: pd.DataFrame, countries: pd.DataFrame, geometry_url: GeometryUrl) -> go.Figure:
    """Countries in grey and each compared territory (rows of the regions table, in order) in its
    own colour, drawn by its level's geometry."""
    fig = go.Figure(country_backdrop(countries, geometry_url))
    for k, r in enumerate(regions.itertuples()):
        nid = r.nuts_id
        color = COMPARE_COLORS[k % len(COMPARE_COLORS)]
        fig.add_trace(go.Choropleth(locationmode="geojson-id",
            geojson=geometry_url(int(r.level)), featureidkey="id", locations=[nid], z=[1],
            colorscale=[[0, color], [1, color]], showscale=False, customdata=[r.name_latn],
            hovertemplate="<b>%{customdata}</b> (%{location})<extra></extra>", name=f"{r.name_latn} ({nid})",
            marker={"line": {"width": 1.2, "color": "#333"}, "opacity": 0.85},
        ))
    center, zoom = view_of_points(list(regions.lon), list(regions.lat))
    map_layout(fig, center, zoom, credit_size=9, showlegend=False, ratio=1.5)
    return fig


BEST_TEXT = {"higher": "best", "lower": "lowest = best"}


def bar_label(stat: dict) -> str:
    """An indicator's name on the bar chart, with "lower is better" under it where that is so."""
    return stat["short"] + ("<br><i>lower is better</i>" if stat.get("better") == "lower" else "")


def compare_bars(cmp: dict) -> go.Figure:
    """Each indicator's latest values as % of the highest among the compared regions.

    Bars are grouped by indicator. The better value of an indicator with a direction (``better``:
    "higher" or "lower", positions in ``best``) is marked at its bar's end ("best", or "lowest =
    best" where lower is better, whose label says so): a longer bar is not a better one there. A
    region with no value has no bar but the words "no data" (with the reason in the hover text).
    The real value, unit, year and source are in the hover text and in the table next to the chart.
    """
    fig = go.Figure()
    labels = [bar_label(s) for s in cmp["statistics"]]
    for k, reg in enumerate(cmp["regions"]):
        xs, hovers, marks = [], [], []
        for s in cmp["statistics"]:
            vals = [v["value"] for v in s["values"] if v["value"] is not None]
            top = max((abs(v) for v in vals), default=0)
            v = s["values"][k]
            if v["value"] is None or top == 0:
                xs.append(0)
                hovers.append("no data" + (f": {v['why_missing']}" if v.get("why_missing") else ""))
                marks.append("no data" + (" (NUTS 2 only)" if v.get("why_missing") else ""))
            else:
                xs.append(100 * v["value"] / top)
                src = f"Eurostat, {v['source_dataset']}" if v["source_dataset"] else ""
                best = k in s.get("best", ())
                hovers.append(f"{format(v['value'], s['fmt'])} {s['unit']} ({v['year']})"
                              + (f" · {BEST_TEXT[s['better']]}" if best else "") + f"<br>{src}")
                marks.append(BEST_TEXT[s["better"]] if best else "")
        fig.add_trace(go.Bar(
            y=labels, x=xs, orientation="h", name=f"{reg['name']} ({reg['nuts_id']})",
            marker={"color": COMPARE_COLORS[k % len(COMPARE_COLORS)]}, customdata=hovers,
            text=marks, textposition="outside", cliponaxis=False, textfont={"size": 11, "color": "#222"},
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(
        barmode="group", height=120 + 34 * len(labels) * max(1, len(cmp["regions"])) // 2,
        margin={"l": 10, "r": 10, "t": 30, "b": 40}, paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
        xaxis={"title": {"text": "% of the highest value among the compared regions<br>(latest year of each)"},
               "range": [0, 125], "tickvals": [0, 25, 50, 75, 100], "gridcolor": "#eee"},
        yaxis={"autorange": "reversed"}, uniformtext={"minsize": 9, "mode": "show"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    return fig
