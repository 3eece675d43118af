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

# Priorities mode colours the count itself (so an update sends the counts and a small legend): bands
# of z. z = -1 marks territories with no strategy in the data, 0 those whose strategies have nothing
# that matches, z = RELATED_ONLY those whose priorities are only close in meaning to the keyword (no
# exact match), and 1.. the number of matching priorities (with a keyword: those naming it).
# The tiers are hues told apart at a glance, also by people with a colour-vision deficiency
# (tests/unit/test_state_and_figures.py simulates deuteranopia, protanopia and tritanopia):
# blue-green shades for "names it", orange for "close in meaning", a light grey-beige that recedes
# for "no match", mid grey for "no strategy in the data".
RELATED_ONLY = 0.4  # inside its band, and shown as 0 by the hover's integer format
RELATED_COLOR = "#f0913a"  # orange
NO_MATCH_COLOR = "#ece6da"  # light grey-beige
# light to dark, from ColorBrewer YlGnBu's blues: the lightest still far from the greys under protanopia
COUNT_RAMP = ("#35a6cc", "#1d7fb8", "#225ea8", "#253494", "#081d58")
COUNT_STEPS = (1, 3, 6, 10)  # upper ends of the count bands below the last (which ends at the maximum)
TIER_TITLE = "The region's strategy"
COUNT_TITLE = "Matching priorities"


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


def count_bands(counts) -> list[tuple[int, int]]:
    """Bands of positive counts, (low, high) inclusive: 1, 2–3, 4–6, 7–10, 11–max, with no empty band
    (an empty band joins the next one) and the last ending at the largest count. [] when no count is
    positive."""
    c = np.asarray(counts, dtype=float)
    c = c[c >= 1]
    if c.size == 0:
        return []
    top = int(c.max())
    uppers = [u for u in COUNT_STEPS if u < top] + [top]
    bands, low = [], 1
    for high in uppers:
        if ((c >= low) & (c <= high)).any():
            bands.append((low, high))
            low = high + 1
    if low <= top:  # cannot happen: the last band holds the maximum
        bands.append((low, top))
    return bands


def ramp(k: int) -> tuple[str, ...]:
    """k shades of the count ramp, light to dark; one band takes a strong middle shade."""
    if k <= 1:
        return (COUNT_RAMP[1],)
    idx = np.round(np.linspace(0, len(COUNT_RAMP) - 1, k)).astype(int)
    return tuple(COUNT_RAMP[i] for i in idx)


def count_classes(counts, keyword: bool, no_strategy: str = "No strategy in the data") -> Classes:
    """The priorities map's classes for these counts. With a keyword, the tiers: no strategy, no
    match, close in meaning only, names it (shaded by count only when counts vary, in bands that
    all hold a territory); without one, no strategy, no match and the count bands."""
    bands = count_bands(counts) or [(1, 1)]
    if keyword:
        def label(lo, hi):
            n = "1 priority" if hi == 1 else (f"{lo} priorities" if lo == hi else f"{lo}–{hi} priorities")
            return f"Names it ({n})" if len(bands) > 1 or hi > 1 else "Names it"
        head = [(-1.5, no_strategy, NO_DATA), (-0.5, "No match", NO_MATCH_COLOR),
                (0.2, "Close in meaning only", RELATED_COLOR)]
        top_edge = 0.7
    else:
        def label(lo, hi):
            return f"{lo}" if lo == hi else f"{lo}–{hi}"
        head = [(-1.5, no_strategy, NO_DATA), (-0.5, "Strategy in data, no match", NO_MATCH_COLOR)]
        top_edge = 0.5
    edges = [e for e, _, _ in head] + [top_edge] + [hi + 0.5 for _, hi in bands[:-1]] + [bands[-1][1] + 0.5]
    labels = [t for _, t, _ in head] + [label(lo, hi) for lo, hi in bands]
    colors = [c for _, _, c in head] + list(ramp(len(bands)))
    return Classes(tuple(edges), tuple(labels), tuple(colors))


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
