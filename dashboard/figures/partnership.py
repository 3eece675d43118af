"""Pure plotly builders for thematic partnerships: a map overlay and a standalone map.

No Dash imports. Region shapes are referenced by URL (``geometry_url(level)``) and
only NUTS ids are sent; lines and points use the regions' lon/lat (a point inside
each region). Markers and lines only, drawn on the equal-area geo subplot of ``base``.
"""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from ..data.partnerships import LEAD_ROLES, ROLE_LABEL, SUPPORTING
from .base import TRANSPARENT, GeometryUrl, country_backdrop, map_layout, view_of_points

# Okabe–Ito colours (safe for the common forms of colour blindness) plus near-black.
GROUPS = (  # (key, legend name, roles, outline width, outline colour, marker size)
    ("lead", "Lead / co-lead", LEAD_ROLES, 3.5, "#1a1a1a", 11),
    ("partner", "Partner", ("partner",), 1.6, "#0072B2", 8),
    ("member", ROLE_LABEL["member"], ("member",), 1.6, "#D55E00", 8),
    (SUPPORTING, ROLE_LABEL[SUPPORTING], (SUPPORTING,), 1.2, "#CC79A7", 7),
)
HOVER_WIDTH = 48  # characters per line of a hover's source words / inference (fits a phone's width)
LINK_COLOR = "#555555"
LINK_NAME = "Line to nearest lead"
POINT_NAME = "Dot: a member region's centre"
# What each symbol means, in words (the page prints it under the map).
KEY_TEXT = (
    "Outlines are the member regions, by role: thick black for a lead or co-lead, blue for a partner, orange "
    "where the source states no role, thin pink for a supporting region (one the source names as supporting, "
    "represented or co-signing, not as a member). Each member region also has a dot at its centre, coloured as its "
    "outline (larger and black for a lead), so that small regions can be seen and tapped; hover or tap one "
    "for its name and its role as the source words it (and, for an inferred link, why it is one). Lines join each member to the nearest of its partnership's leads or co-leads, "
    "as the crow flies; a partnership with no stated lead has none."
)


def _hover(e: dict) -> str:
    """'Region (NUTS) — role in Partnership', one line per partnership, each followed by the role as
    the source words it and, for an inferred link, the reason. A region drawn for several partnerships
    (the overview) keeps its hover short: the source's words only for a supporting role, "inferred"
    without the reason."""
    parts = []
    several = len(e["roles"]) > 1
    for name, role in e["roles"].items():
        text = f"{ROLE_LABEL.get(role, role).lower()} in {name}"
        source = e.get("roles_as_in_source", {}).get(name, "")
        reason = e.get("inferred", {}).get(name, "")
        extra = []
        if source and source.casefold() != role.casefold() and (role == SUPPORTING or not several):
            extra.append(f"as in the source: “{source}”")
        if reason:
            extra.append("inferred" if several else f"inferred: {reason}")
        parts.append("<br>".join([text, *("<br>".join(textwrap.wrap(x, HOVER_WIDTH, subsequent_indent="  "))
                                          for x in extra)]))
    return f"{e['name']} ({e['nuts_id']}) — " + "<br>".join(parts)


def overlay_traces(ov: dict, geometry_url: GeometryUrl) -> list:
    """Traces to draw some partnerships' members (``data.partnerships.overlay``) on top of any map.

    - outline-only choropleth traces (transparent fill) per role group × NUTS level: lead/co-lead
      thick near-black, partner and member (role not stated) thinner in blue / orange;
      locations are NUTS ids, geojson the level's URL;
    - "Line to nearest lead": one Scattergeo line trace (each member to its partnership's nearest lead,
      see ``data.partnerships.overlay``), lon/lat pairs separated by None; with more than one
      partnership drawn it starts hidden (legend only: one click shows it), as the lines of many
      partnerships cover the map;
    - "Dot: a member region's centre": one Scattergeo marker trace, a dot at every member region's
      point (coloured and sized by role), so small regions can be seen and clicked; hover "Region (NUTS)
      — role in Partnership", customdata the NUTS id (for a click handler: points have no ``location``);
    - one legend entry per role group ("Lead / co-lead", "Partner", ...): a point-less line trace in the
      group's outline style sharing the group's legendgroup; legendrank orders the legend.
    """
    members = ov["members"]
    traces = []
    shown = set()
    # coarse levels first, and within a level leads last, so finer and lead outlines are on top
    for level in sorted({e["level"] for e in members}):
        for rank, (key, label, roles, width, color, _size) in reversed(list(enumerate(GROUPS, start=1))):
            sub = [e for e in members if e["role"] in roles and e["level"] == level]
            if not sub:
                continue
            traces.append(go.Choropleth(locationmode="geojson-id",
                geojson=geometry_url(level), featureidkey="id", locations=[e["nuts_id"] for e in sub],
                z=[1] * len(sub), colorscale=TRANSPARENT, showscale=False,
                marker={"line": {"width": width, "color": color}, "opacity": 1},
                customdata=[e["nuts_id"] for e in sub], text=[_hover(e) for e in sub],
                hovertemplate="%{text}<extra></extra>",
                name=label, legendgroup=key, showlegend=False, meta={"role_group": key, "level": level},
            ))
            shown.add(key)
    # A transparent choropleth has an invisible legend swatch: each group's legend entry is a
    # point-less line trace in the group's outline style (clicking it toggles the group).
    for rank, (key, label, _roles, width, color, _size) in enumerate(GROUPS, start=1):
        if key in shown:
            traces.append(go.Scattergeo(
                lon=[None], lat=[None], mode="lines", line={"width": width, "color": color}, hoverinfo="skip",
                name=label, legendgroup=key, legendrank=rank, showlegend=True,
                meta={"role_group": key, "legend_only": True},
            ))
    lon, lat = [], []
    for s in ov["segments"]:
        lon += [s["lon"][0], s["lon"][1], None]
        lat += [s["lat"][0], s["lat"][1], None]
    if ov["segments"]:
        traces.append(go.Scattergeo(
            lon=lon, lat=lat, mode="lines", line={"width": 1.2, "color": LINK_COLOR}, opacity=0.7,
            hoverinfo="skip", name=LINK_NAME, legendgroup="link", legendrank=len(GROUPS) + 1, showlegend=True,
            visible=True if len({s["partnership_id"] for s in ov["segments"]}) <= 1 else "legendonly",
            meta={"role_group": "link"},
        ))
    if members:
        style = {role: (color, size) for _k, _l, roles, _w, color, size in GROUPS for role in roles}
        looks = [style.get(e["role"], style["member"]) for e in members]
        traces.append(go.Scattergeo(
            lon=[e["lon"] for e in members], lat=[e["lat"] for e in members], mode="markers",
            marker={"size": [s for _c, s in looks], "color": [c for c, _s in looks], "opacity": 0.95},
            text=[_hover(e) for e in members], customdata=[e["nuts_id"] for e in members],
            hovertemplate="%{text}<extra></extra>", name=POINT_NAME,
            legendgroup="points", legendrank=len(GROUPS) + 2, showlegend=True, meta={"role_group": "points"},
        ))
    return traces


# The partnership maps' frame (width/height of the map without its legend; assets/style.css .tp-map)
MAP_RATIO = 1.5


def partnership_map(ov: dict, countries: pd.DataFrame, geometry_url: GeometryUrl, ratio: float = MAP_RATIO) -> go.Figure:
    """Countries in grey, the members of the partnerships in ``ov`` (``data.partnerships.overlay``)
    and the credit line inside the map, centred on the members."""
    fig = go.Figure(country_backdrop(countries, geometry_url, name="Countries"))
    for t in overlay_traces(ov, geometry_url):
        fig.add_trace(t)
    center, zoom = view_of_points([e["lon"] for e in ov["members"]], [e["lat"] for e in ov["members"]])
    map_layout(fig, center, zoom, ratio=ratio, showlegend=True, uirevision="partnership-map",
               # under the map, in a row: on a phone a legend inside the map covered a third of it
               legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top",
                       "bgcolor": "rgba(255,255,255,0.85)"},
               hoverlabel={"font": {"size": 14}})
    return fig
