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


def coloraxis(classes: Classes, title: str, present: bool = False) -> dict:
    k = len(classes.colors)
    return {
        "colorscale": classes.colorscale(), "cmin": -0.5, "cmax": k - 0.5,
        "colorbar": {
            "title": {"text": title, "side": "top", "font": {"size": 18 if present else 13}},
            "tickvals": list(range(k)), "ticktext": list(classes.labels),
            "len": 0.9, "thickness": 22 if present else 16, "x": 0.99, "xanchor": "right", "y": 0.5,
            "bgcolor": "rgba(255,255,255,0.85)", "outlinewidth": 0,
            "tickfont": {"size": 17 if present else 12},
        },
    }


def _layout(fig: go.Figure, axis: dict, present: bool = False) -> None:
    fig.update_layout(
        map={"style": "white-bg", "center": EUROPE, "zoom": ZOOM},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision="explorer-map",
        coloraxis=axis,
        annotations=[{
            "text": ATTRIBUTION, "showarrow": False, "xref": "paper", "yref": "paper",
            "x": 0.005, "y": 0.005, "xanchor": "left", "yanchor": "bottom",
            "font": {"size": 15 if present else 11, "color": "#222"}, "bgcolor": "rgba(255,255,255,0.85)",
        }],
        paper_bgcolor="#ffffff",
        hoverlabel={"font": {"size": 18 if present else 14}},
    )


def _trace(geometry_url: str, ids, names: pd.DataFrame, z, text, template: str, line_width: float):
    return go.Choroplethmap(
        geojson=geometry_url, featureidkey="id", locations=list(ids), z=list(z), text=list(text),
        customdata=np.column_stack([names.name_latn, names.name_national]),
        coloraxis="coloraxis", hovertemplate=template,
        marker={"line": {"width": line_width, "color": OUTLINE}, "opacity": 0.95},
    )


def _selected_trace(geometry_url: str, region: str, present: bool = False):
    return go.Choroplethmap(
        geojson=geometry_url, featureidkey="id", locations=[region], z=[0],
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
        marker={"line": {"width": 5 if present else 3, "color": SELECTED}}, hoverinfo="skip", name="selected",
    )


TEMPLATE = "<b>%{customdata[0]}</b> (%{location})<br>%{customdata[1]}<br>%{text}<extra></extra>"


# A map is structure (traces: which regions, which geometry) plus values (class codes, hover
# text, legend). A filter change that keeps the structure sends only the values (a Patch).

def map_key(atlas: Atlas, state: ViewState) -> tuple:
    """Two states with the same key draw the same traces over the same regions."""
    if state.mode == "indicator":
        return ("indicator", state.map_level, state.region)
    return ("priorities", state.level, state.region)


def _priority_layers(atlas: Atlas, state: ViewState):
    counts = counts_by_territory(atlas, state.filters())
    countries = atlas.regions[atlas.regions.level == 0]
    base = countries[~countries.nuts_id.isin(set(counts.nuts_id))]
    return counts, base


def map_values(atlas: Atlas, state: ViewState, present: bool = False) -> dict:
    """What changes with the filters: per trace class codes and hover text, and the legend."""
    if state.mode == "indicator":
        ind = INDICATOR_BY_ID[state.indicator]
        vals = indicator_values(atlas, ind.id, state.year, state.map_level)
        breaks = nice_breaks(vals.value.to_numpy())
        labels = break_labels(breaks, ind.fmt)
        n = len(labels)
        colors = SEQUENTIAL[-n:] if n <= len(SEQUENTIAL) else SEQUENTIAL
        classes = Classes(("No data",) + tuple(labels), (NO_DATA,) + tuple(colors))
        text = []
        for v, y, sid, flag in zip(vals.value, vals.year, vals.source_id, vals.flag):
            if pd.isna(v):
                text.append(f"{ind.short}: no data")
            else:
                src = source_label(atlas, sid) + (f", flag '{flag}'" if flag else "")
                text.append(f"{ind.short}: {_fmt(v, ind.fmt)} {ind.unit} ({y})<br>{src}")
        eu = eu_value(atlas, ind.id, state.year)
        eu_text = f"EU-27: {format(eu[0], ind.fmt)} ({eu[1]})" if eu else "EU-27 value not in the snapshot"
        year_text = str(state.year) if state.year else "latest year"
        return {
            "traces": [{"ids": vals.nuts_id.tolist(), "z": classify_values(vals.value.to_numpy(), breaks).tolist(),
                        "text": text}],
            "coloraxis": coloraxis(classes, f"{ind.short} ({ind.unit}), {year_text}<br>{eu_text}", present),
        }
    counts, base = _priority_layers(atlas, state)
    traces = [{"ids": base.nuts_id.tolist(), "z": [0] * len(base),
               "text": ["No S3 strategy in the data for this territory"] * len(base)}]
    for level in sorted(counts.level.unique()):
        sub = counts[counts.level == level]
        traces.append({
            "ids": sub.nuts_id.tolist(),
            "z": [next(i + 1 for i, (lo, hi, _) in enumerate(COUNT_CLASSES) if lo <= n <= hi) for n in sub.priorities],
            "text": [f"{n} matching priorit{'y' if n == 1 else 'ies'} in {s} strateg{'y' if s == 1 else 'ies'}"
                     if n else "Strategy in the data; no priority matches the filters"
                     for n, s in zip(sub.priorities, sub.strategies)],
            "level": int(level),
        })
    classes = Classes(("No strategy in the data",) + tuple(c[2] for c in COUNT_CLASSES), (NO_DATA,) + SEQUENTIAL)
    return {"traces": traces, "coloraxis": coloraxis(classes, "Matching priorities", present)}


def explorer_map(atlas: Atlas, state: ViewState, geometry_url: Callable[[int], str],
                 present: bool = False) -> go.Figure:
    """The full figure: priorities mode draws strategy territories coloured by matching priorities
    (countries underneath, finer territories on top); indicator mode a classed choropleth of one
    indicator with missing values grey and the EU value in the legend."""
    values = map_values(atlas, state, present)
    width = 1.2 if present else 0.5
    fig = go.Figure()
    for i, t in enumerate(values["traces"]):
        level = state.map_level if state.mode == "indicator" else t.get("level", 0)
        names = atlas.regions.loc[t["ids"]]
        fig.add_trace(_trace(geometry_url(level), t["ids"], names, t["z"], t["text"], TEMPLATE, width))
    if state.region:
        level = int(atlas.regions.at[state.region, "level"])
        if state.mode != "indicator" or level == state.map_level:
            fig.add_trace(_selected_trace(geometry_url(level), state.region, present))
    _layout(fig, values["coloraxis"], present)
    return fig
