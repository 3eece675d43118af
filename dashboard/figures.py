"""Pure plotly figure builders. No Dash imports; geometry is referenced by URL."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .data.atlas import Atlas
from .data.catalog import ATTRIBUTION, INDICATOR_BY_ID
from .data.query import counts_by_territory, eu_value, indicator_values, source_label
from .state import ViewState

NO_DATA = "#c8c8c8"
# ColorBrewer YlGnBu: sequential and safe for the common forms of colour blindness.
SEQUENTIAL = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
OUTLINE = "#ffffff"
SELECTED = "#d7301f"
EUROPE = {"lon": 12.0, "lat": 52.5}
ZOOM = 2.7

COUNT_CLASSES = ((0, 0, "Strategy in data, no match"), (1, 1, "1 priority"), (2, 3, "2–3"),
                 (4, 6, "4–6"), (7, 10, "7–10"), (11, math.inf, "11 or more"))


@dataclass(frozen=True)
class Classes:
    labels: tuple[str, ...]  # label per class; class 0 is "no data"
    colors: tuple[str, ...]

    def colorscale(self) -> list:
        k = len(self.colors)
        scale = []
        for i, c in enumerate(self.colors):
            scale += [[i / k, c], [(i + 1) / k, c]]
        return scale


def _fmt(value: float, spec: str) -> str:
    return format(value, spec) if pd.notna(value) else "no data"


def nice_breaks(values: np.ndarray, n: int = 5) -> list[float]:
    """Interior class breaks at quantiles, rounded to two significant digits."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return []
    qs = np.quantile(v, np.linspace(0, 1, n + 1)[1:-1])
    out = []
    for q in qs:
        if q == 0:
            r = 0.0
        else:
            digits = 1 - int(math.floor(math.log10(abs(q))))
            r = round(float(q), digits)
        if not out or r > out[-1]:
            out.append(r)
    return out


def classify_values(values: np.ndarray, breaks: list[float]) -> np.ndarray:
    """Class index per value: 0 for missing, 1.. for classes split at breaks."""
    v = np.asarray(values, dtype=float)
    idx = np.searchsorted(np.asarray(breaks), v, side="right") + 1
    return np.where(np.isnan(v), 0, idx)


def break_labels(breaks: list[float], spec: str) -> list[str]:
    if not breaks:
        return ["all values"]
    labels = [f"under {format(breaks[0], spec)}"]
    labels += [f"{format(a, spec)} – {format(b, spec)}" for a, b in zip(breaks, breaks[1:])]
    labels.append(f"{format(breaks[-1], spec)} or more")
    return labels


def _base_layout(fig: go.Figure, classes: Classes, title: str, present: bool = False) -> None:
    k = len(classes.colors)
    fig.update_layout(
        map={"style": "white-bg", "center": EUROPE, "zoom": ZOOM},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision="explorer-map",
        coloraxis={
            "colorscale": classes.colorscale(), "cmin": -0.5, "cmax": k - 0.5,
            "colorbar": {
                "title": {"text": title, "side": "top"},
                "tickvals": list(range(k)), "ticktext": list(classes.labels),
                "len": 0.9, "thickness": 16, "x": 0.99, "xanchor": "right", "y": 0.5,
                "bgcolor": "rgba(255,255,255,0.85)", "outlinewidth": 0,
                "tickfont": {"size": 16 if present else 12},
            },
        },
        annotations=[{
            "text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper",
            "x": 0.005, "y": 0.005, "xanchor": "left", "yanchor": "bottom",
            "font": {"size": 11, "color": "#333"}, "bgcolor": "rgba(255,255,255,0.8)",
        }],
        paper_bgcolor="#ffffff",
        hoverlabel={"font": {"size": 14}},
    )


def _trace(atlas: Atlas, geometry_url: str, ids, z, customdata, template: str, line_width: float = 0.5):
    return go.Choroplethmap(
        geojson=geometry_url, featureidkey="id", locations=list(ids), z=list(z),
        coloraxis="coloraxis", customdata=customdata, hovertemplate=template,
        marker={"line": {"width": line_width, "color": OUTLINE}, "opacity": 0.95},
    )


def _selected_trace(geometry_url: str, region: str):
    return go.Choroplethmap(
        geojson=geometry_url, featureidkey="id", locations=[region], z=[0],
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
        marker={"line": {"width": 3, "color": SELECTED}}, hoverinfo="skip", name="selected",
    )


def priorities_map(atlas: Atlas, state: ViewState, geometry_url: Callable[[int], str]) -> go.Figure:
    """Strategy territories coloured by the number of priorities matching the filters."""
    counts = counts_by_territory(atlas, state.filters())
    classes = Classes(("No strategy in the data",) + tuple(c[2] for c in COUNT_CLASSES),
                      (NO_DATA,) + SEQUENTIAL)
    fig = go.Figure()
    regions = atlas.regions
    template = ("<b>%{customdata[0]}</b> (%{location})<br>%{customdata[1]}<br>"
                "%{customdata[2]}<extra></extra>")
    # Countries first, in grey where no strategy is in the data; finer territories on top.
    countries = regions[regions.level == 0]
    have = set(counts.nuts_id)
    base = countries[~countries.nuts_id.isin(have)]
    fig.add_trace(_trace(atlas, geometry_url(0), base.nuts_id, [0] * len(base),
                         np.column_stack([base.name_latn, base.name_national,
                                          ["No S3 strategy in the data for this territory"] * len(base)]),
                         template))
    for level in sorted(counts.level.unique()):
        sub = counts[counts.level == level]
        cls = [next(i + 1 for i, (lo, hi, _) in enumerate(COUNT_CLASSES) if lo <= n <= hi) for n in sub.priorities]
        names = regions.loc[sub.nuts_id]
        text = [f"{n} matching priorit{'y' if n == 1 else 'ies'} in {s} strateg{'y' if s == 1 else 'ies'}"
                if n else "Strategy in the data; no priority matches the filters"
                for n, s in zip(sub.priorities, sub.strategies)]
        fig.add_trace(_trace(atlas, geometry_url(int(level)), sub.nuts_id, cls,
                             np.column_stack([names.name_latn, names.name_national, text]), template))
    if state.region:
        fig.add_trace(_selected_trace(geometry_url(int(regions.at[state.region, "level"])), state.region))
    _base_layout(fig, classes, "Matching priorities")
    return fig


def indicator_map(atlas: Atlas, state: ViewState, geometry_url: Callable[[int], str]) -> go.Figure:
    """A classed choropleth of one indicator; missing values grey, EU value in the legend."""
    ind = INDICATOR_BY_ID[state.indicator]
    level = state.map_level
    vals = indicator_values(atlas, ind.id, state.year, level)
    breaks = nice_breaks(vals.value.to_numpy())
    labels = break_labels(breaks, ind.fmt)
    n = len(labels)
    colors = SEQUENTIAL[-n:] if n <= len(SEQUENTIAL) else SEQUENTIAL
    classes = Classes(("No data",) + tuple(labels), (NO_DATA,) + tuple(colors))
    z = classify_values(vals.value.to_numpy(), breaks)
    names = atlas.regions.loc[vals.nuts_id]
    value_text = [f"{_fmt(v, ind.fmt)} {ind.unit} ({y})" if pd.notna(v) else "no data"
                  for v, y in zip(vals.value, vals.year)]
    src = [source_label(atlas, s) + (f", flag '{f}'" if f else "") if s else "" for s, f in zip(vals.source_id, vals.flag)]
    template = ("<b>%{customdata[0]}</b> (%{location})<br>%{customdata[1]}<br>"
                f"{ind.short}: " "%{customdata[2]}<br>%{customdata[3]}<extra></extra>")
    fig = go.Figure(_trace(atlas, geometry_url(level), vals.nuts_id, z,
                           np.column_stack([names.name_latn, names.name_national, value_text, src]), template))
    if state.region and atlas.regions.at[state.region, "level"] == level:
        fig.add_trace(_selected_trace(geometry_url(level), state.region))
    eu = eu_value(atlas, ind.id, state.year)
    eu_text = f"EU-27: {format(eu[0], ind.fmt)} ({eu[1]})" if eu else "EU-27 value not in the snapshot"
    year_text = str(state.year) if state.year else "latest year"
    _base_layout(fig, classes, f"{ind.short} ({ind.unit}), {year_text}<br>{eu_text}")
    return fig


def explorer_map(atlas: Atlas, state: ViewState, geometry_url: Callable[[int], str]) -> go.Figure:
    if state.mode == "indicator":
        return indicator_map(atlas, state, geometry_url)
    return priorities_map(atlas, state, geometry_url)
