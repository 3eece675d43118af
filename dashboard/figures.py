"""Pure plotly figure builders. No Dash imports; geometry is referenced by URL."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .data.atlas import Atlas
from .data.catalog import ATTRIBUTION, INDICATOR_BY_ID
from .data.query import counts_by_territory, eu_value, indicator_values
from .state import ViewState

NO_DATA = "#c8c8c8"
# ColorBrewer YlGnBu: sequential and safe for the common forms of colour blindness.
SEQUENTIAL = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
OUTLINE = "#ffffff"
OUTLINE_PRESENT = "#1a1a1a"
SELECTED = "#d7301f"
EUROPE = {"lon": 12.0, "lat": 52.5}
ZOOM = 2.7

# Priorities mode colours the count itself (so an update sends only the counts): bands of z.
# z = -1 marks territories with no strategy in the data; counts above 11 take the top colour.
COUNT_BANDS = ((-1.5, -0.5, "No strategy in the data"), (-0.5, 0.5, "Strategy in data, no match"),
               (0.5, 1.5, "1 priority"), (1.5, 3.5, "2–3"), (3.5, 6.5, "4–6"), (6.5, 10.5, "7–10"),
               (10.5, 11.5, "11 or more"))


@dataclass(frozen=True)
class Classes:
    """Colour bands over z: edges (k+1 increasing numbers), a label and a colour per band."""
    edges: tuple[float, ...]
    labels: tuple[str, ...]
    colors: tuple[str, ...]

    @classmethod
    def uniform(cls, labels, colors) -> "Classes":
        """Bands for class codes 0..k-1."""
        return cls(tuple(i - 0.5 for i in range(len(labels) + 1)), tuple(labels), tuple(colors))

    def colorscale(self) -> list:
        lo, hi = self.edges[0], self.edges[-1]
        scale = []
        for a, b, c in zip(self.edges, self.edges[1:], self.colors):
            scale += [[(a - lo) / (hi - lo), c], [(b - lo) / (hi - lo), c]]
        return scale

    def ticks(self) -> list[float]:
        return [(a + b) / 2 for a, b in zip(self.edges, self.edges[1:])]


COUNT_CLASSES = Classes(tuple([COUNT_BANDS[0][0]] + [band[1] for band in COUNT_BANDS]),
                        tuple(band[2] for band in COUNT_BANDS), (NO_DATA,) + SEQUENTIAL)


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
    return {
        "colorscale": classes.colorscale(), "cmin": classes.edges[0], "cmax": classes.edges[-1],
        "colorbar": {
            "title": {"text": title, "side": "top", "font": {"size": 18 if present else 13}},
            "tickvals": classes.ticks(), "ticktext": list(classes.labels),
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


def _trace(geometry_url: str, ids, names: pd.DataFrame, z, template: str, line: dict, text=None):
    return go.Choroplethmap(
        geojson=geometry_url, featureidkey="id", locations=list(ids), z=list(z), text=text,
        customdata=np.column_stack([names.name_latn, names.name_national]),
        coloraxis="coloraxis", hovertemplate=template,
        marker={"line": line, "opacity": 1.0 if line["color"] != OUTLINE else 0.95},
    )


def _selected_trace(geometry_url: str, region: str, present: bool = False):
    return go.Choroplethmap(
        geojson=geometry_url, featureidkey="id", locations=[region], z=[0],
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
        marker={"line": {"width": 5 if present else 3, "color": SELECTED}}, hoverinfo="skip", name="selected",
    )


NAME = "<b>%{customdata[0]}</b> (%{location})<br>%{customdata[1]}<br>"
LEVEL_WORDS = {0: "national", 1: "NUTS 1", 2: "NUTS 2", 3: "NUTS 3"}
NO_STRATEGY = NAME + "No S3 strategy in the data for this territory<extra></extra>"
COUNT_TEMPLATE = NAME + "Matching priorities: %{z}<extra></extra>"


# A map is structure (traces: which regions, which geometry, names) plus values. A filter change
# that keeps the structure sends only the values (a Patch): in priorities mode the counts alone;
# in indicator mode class codes, the displayed values as short text, the hover template and legend.

def map_key(atlas: Atlas, state: ViewState) -> tuple:
    """Two states with the same key draw the same traces over the same regions."""
    overlay = (state.platform, state.partnership)
    if state.mode == "indicator":
        return ("indicator", state.map_level, state.region, state.present, overlay)
    return ("priorities", state.level, state.region, state.present, overlay)


def map_values(atlas: Atlas, state: ViewState) -> dict:
    """What changes with the filters. traces[i] holds ids (structure) and the values to send."""
    present = state.present
    if state.mode == "indicator":
        ind = INDICATOR_BY_ID[state.indicator]
        vals = indicator_values(atlas, ind.id, state.year, state.map_level)
        breaks = nice_breaks(vals.value.to_numpy())
        labels = break_labels(breaks, ind.fmt)
        n = len(labels)
        colors = SEQUENTIAL[-n:] if n <= len(SEQUENTIAL) else SEQUENTIAL
        classes = Classes.uniform(("No data",) + tuple(labels), (NO_DATA,) + tuple(colors))
        have = vals.value.notna()
        years = set(vals.year[have].astype(int))
        used = [sid for sid in pd.unique(vals.source_id[have]) if sid]
        datasets = sorted(set(atlas.sources.source_dataset.reindex(used)))
        one_year = len(years) <= 1
        text = []
        for v, y, flag in zip(vals.value, vals.year, vals.flag):
            if pd.isna(v):
                text.append("no data")
            else:
                extra = [] if one_year else [str(y)]
                extra += [f"flag {flag}"] if flag else []
                text.append(format(v, ind.fmt) + (f" ({', '.join(extra)})" if extra else ""))
        year_text = str(next(iter(years))) if one_year and years else ("latest year" if state.year is None else str(state.year))
        template = (NAME + f"{ind.short} ({ind.unit}, {year_text}): " + "%{text}<br>"
                    + f"Source: Eurostat, {'; '.join(datasets) if datasets else 'no data'}<extra></extra>")
        eu = eu_value(atlas, ind.id, state.year)
        eu_text = f"EU-27: {format(eu[0], ind.fmt)} ({eu[1]})" if eu else "EU-27 value not in the snapshot"
        return {
            "traces": [{"ids": vals.nuts_id.tolist(), "z": classify_values(vals.value.to_numpy(), breaks).tolist(),
                        "text": text, "hovertemplate": template}],
            "coloraxis": coloraxis(classes, f"{ind.short} ({ind.unit}), {year_text}<br>{eu_text}", present),
        }
    counts = counts_by_territory(atlas, state.filters())
    countries = atlas.regions[atlas.regions.level == 0]
    base = countries[~countries.nuts_id.isin(set(counts.nuts_id))]
    traces = [{"ids": base.nuts_id.tolist(), "z": [-1] * len(base), "static": True, "level": 0,
               "hovertemplate": NO_STRATEGY if state.level is None else
               NAME + f"No {LEVEL_WORDS[state.level]} strategy in the data here<extra></extra>"}]
    for level in sorted(counts.level.unique()):
        sub = counts[counts.level == level]
        traces.append({"ids": sub.nuts_id.tolist(), "z": sub.priorities.tolist(), "level": int(level),
                       "hovertemplate": COUNT_TEMPLATE})
    classes = COUNT_CLASSES if state.level is None else replace(
        COUNT_CLASSES, labels=(f"No {LEVEL_WORDS[state.level]} strategy in the data",) + COUNT_CLASSES.labels[1:])
    return {"traces": traces, "coloraxis": coloraxis(classes, "Matching priorities", present), "static_axis": True}


def explorer_map(atlas: Atlas, state: ViewState, geometry_url: Callable[[int], str]) -> go.Figure:
    """The full figure: priorities mode draws strategy territories coloured by matching priorities
    (countries underneath, finer territories on top); indicator mode a classed choropleth of one
    indicator with missing values grey and the EU value in the legend."""
    present = state.present
    values = map_values(atlas, state)
    # Presentation: darker, thicker outlines so borders survive screen-sharing compression.
    line = {"width": 1.4, "color": OUTLINE_PRESENT} if present else {"width": 0.5, "color": OUTLINE}
    fig = go.Figure()
    for t in values["traces"]:
        level = state.map_level if state.mode == "indicator" else t["level"]
        names = atlas.regions.loc[t["ids"]]
        fig.add_trace(_trace(geometry_url(level), t["ids"], names, t["z"], t["hovertemplate"], line, t.get("text")))
    if state.partnership or state.platform:
        # Partnership members on top of whatever is underneath: outlines by role, links to the leads.
        from .data.partnerships import resolve_ids
        from .figures_partnership import overlay_traces

        for tr in overlay_traces(atlas, resolve_ids(atlas, state.partnership or state.platform), geometry_url):
            fig.add_trace(tr)
        fig.update_layout(showlegend=True, legend={
            "x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top", "bgcolor": "rgba(255,255,255,0.88)",
            "font": {"size": 16 if present else 12}, "title": {"text": "Partnership members"}})
    else:
        fig.update_layout(showlegend=False)
    if state.region:
        level = int(atlas.regions.at[state.region, "level"])
        if state.mode != "indicator" or level == state.map_level:
            fig.add_trace(_selected_trace(geometry_url(level), state.region, present))
    _layout(fig, values["coloraxis"], present)
    return fig
