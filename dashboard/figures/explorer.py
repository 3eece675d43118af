"""The explorer's map: classed choropleths of priority counts or of an indicator.

Pure plotly. The builder draws the traces it is handed (ids, class codes or counts, names,
hover text) over geometry referenced by URL; the views compute them from the atlas.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from .base import NO_DATA, OUTLINE, OUTLINE_PRESENT, SELECTED, GeometryUrl, MapBox, map_layout
from .partnership import overlay_traces

# ColorBrewer YlGnBu: sequential and safe for the common forms of colour blindness.
SEQUENTIAL = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")

# Priorities mode colours the count itself (so an update sends only the counts): bands of z.
# z = -1 marks territories with no strategy in the data, z = RELATED_ONLY those whose priorities
# are only related in meaning to the keyword (no exact match); counts above 11 take the top colour.
RELATED_ONLY = 0.4  # inside its band, and shown as 0 by the hover's integer format
RELATED_COLOR = "#dadaeb"  # light lavender: apart from the yellow-green-blue count scale
COUNT_BANDS = ((-1.5, -0.5, "No strategy in the data"), (-0.5, 0.25, "Strategy in data, no match"),
               (0.25, 0.75, "Related in meaning only"), (0.75, 1.5, "1 exact match"), (1.5, 3.5, "2–3"),
               (3.5, 6.5, "4–6"), (6.5, 10.5, "7–10"), (10.5, 11.5, "11 or more"))


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
                        tuple(band[2] for band in COUNT_BANDS),
                        (NO_DATA, SEQUENTIAL[0], RELATED_COLOR) + SEQUENTIAL[1:])


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
            "len": 0.62, "thickness": 22 if present else 14, "x": 0.99, "xanchor": "right", "y": 0.98,
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.85)", "outlinewidth": 0,
            "tickfont": {"size": 17 if present else 12},
        },
    }


def national_lines(latin, national) -> list[str]:
    """The hover's line of each region's national name: the name and a line break where it differs
    from the Latin one ("Ελλάδα" under "Elláda"), nothing where it is the same ("Kassel", "España")."""
    return [f"{n}<br>" if isinstance(n, str) and n.strip() and n.strip() != str(l).strip() else ""
            for l, n in zip(latin, national)]


def _trace(geometry_url: str, t: dict, line: dict):
    latin, national = t["names"]
    return go.Choropleth(locationmode="geojson-id",
        geojson=geometry_url, featureidkey="id", locations=list(t["ids"]), z=list(t["z"]), text=t.get("text"),
        customdata=np.column_stack([np.asarray(latin, dtype=object), np.asarray(national_lines(latin, national), dtype=object)]), coloraxis="coloraxis", hovertemplate=t["hovertemplate"],
        marker={"line": line, "opacity": 1.0 if line["color"] != OUTLINE else 0.95},
    )


def _selected_trace(geometry_url: str, region: str, present: bool = False):
    return go.Choropleth(locationmode="geojson-id",
        geojson=geometry_url, featureidkey="id", locations=[region], z=[0],
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
        marker={"line": {"width": 5 if present else 3, "color": SELECTED}}, hoverinfo="skip", name="selected",
    )


MAP_RATIO = 1.25  # width/height of the explorer map's frame (the CSS gives it this ratio)
# customdata: the Latin name, and the national name's line only where it differs (``national_lines``)
NAME = "<b>%{customdata[0]}</b> (%{location})<br>%{customdata[1]}"
LEVEL_WORDS = {0: "national", 1: "NUTS 1", 2: "NUTS 2", 3: "NUTS 3"}
NO_STRATEGY = NAME + "No S3 strategy in the data for this territory<extra></extra>"
COUNT_TEMPLATE = NAME + "Matching priorities: %{z}<extra></extra>"
# With a keyword, z is the exact count (RELATED_ONLY rounds to 0) and text the related-only count: two
# short numbers per territory travel on each update, the words stay in the template.
KEYWORD_TEMPLATE = (NAME + "Priorities with the keyword's words: %{z:d}<br>"
                    "More priorities related in meaning: %{text}<extra></extra>")


def explorer_map(values: dict, geometry_url: GeometryUrl, present: bool = False, overlay: dict | None = None,
                 selected: tuple[str, int] | None = None, box: MapBox | None = None) -> go.Figure:
    """The full figure. ``values["traces"]``: one per NUTS level, each with ids, z, level, names
    (Latin and national columns), hover template and optional text; ``values["coloraxis"]`` the
    legend. ``overlay``: partnership members drawn on top; ``selected``: (region id, level) outlined;
    ``box``: the view fitted to that box instead of Europe."""
    # Presentation: darker, thicker outlines so borders survive screen-sharing compression.
    line = {"width": 1.4, "color": OUTLINE_PRESENT} if present else {"width": 0.5, "color": OUTLINE}
    fig = go.Figure([_trace(geometry_url(t["level"]), t, line) for t in values["traces"]])
    if overlay is not None:
        for tr in overlay_traces(overlay, geometry_url):
            fig.add_trace(tr)
        fig.update_layout(showlegend=True, legend={
            "x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top", "bgcolor": "rgba(255,255,255,0.88)",
            "font": {"size": 16 if present else 12}, "title": {"text": "Partnership members"}})
    else:
        fig.update_layout(showlegend=False)
    if selected is not None:
        fig.add_trace(_selected_trace(geometry_url(selected[1]), selected[0], present))
    # a new box is a new view: the map forgets where the user had dragged or zoomed it
    map_layout(fig, credit_size=15 if present else 11, ratio=MAP_RATIO, box=box,
               uirevision=f"explorer-map:{box.lon},{box.lat}" if box else "explorer-map", coloraxis=values["coloraxis"],
               hoverlabel={"font": {"size": 18 if present else 14}})
    return fig
