"""Thematic partnerships overview (/partnerships?platform=...&country=...).

Headline counts, a combined map and the platforms with their partnerships, all
computed from the snapshot. Filters go into the query string (page-local
``dcc.Location(id="pt-url")``); one callback rewrites the URL and the content.
"""
from __future__ import annotations

from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from ..components.options import platform_options as all_platforms
from ..components.shell import MAP_CONFIG, credit_line, notes_alert, slot
from ..components.static import island
from ..components.table import safe_link
from ..data.atlas import Atlas
from ..data.partnerships import (overlay, NO_PLATFORM, NO_PLATFORM_LABEL, country_options, filter_partnerships,
                                 partnership_counts, partnerships_table, partnerships_without_members, unmapped_names)
from ..figures.partnership import KEY_TEXT, partnership_map
from ..urlcodec import carry, encode, first, short

PATH = "/partnerships"
HEADLINE = (("partnerships", "Partnerships"), ("members", "Unique member regions"),
            ("supporting", "Supporting regions (not named members; counted apart)"), ("countries", "Countries"),
            ("eu_member_states", "EU member states"), ("non_eu_countries", "Non-EU countries"))


def regions_text(c: dict) -> str:
    """'N member regions' and, when there are any, ' and M supporting' (counted apart)."""
    text = f"{c['members']} member region{'s' if c['members'] != 1 else ''}"
    return text + (f" and {c['supporting']} supporting" if c["supporting"] else "")


def parse_query(atlas: Atlas, query: str) -> tuple[str, str, list[str]]:
    """(platform, country, notes) from the query string; unknown values dropped with a note."""
    platform = first(query, "platform")
    country = first(query, "country").upper()
    notes = []
    if platform and platform != NO_PLATFORM and platform not in set(atlas.platforms.platform_id):
        notes.append(f"Unknown platform '{short(platform)}': showing all platforms.")
        platform = ""
    if country and country not in {c for c, _ in country_options(atlas)}:
        notes.append(f"No partnership member in the data for country '{short(country)}': showing all countries.")
        country = ""
    return platform, country, notes


def to_query(platform: str, country: str) -> str:
    return encode((("platform", platform), ("country", country)))


def platform_options(atlas: Atlas) -> list[dict]:
    opts = all_platforms(atlas)
    if (atlas.partnerships.platform_id == "").any():
        opts.append({"label": NO_PLATFORM_LABEL, "value": NO_PLATFORM})
    return opts


def headline(counts: dict) -> html.Div:
    cards = []
    for key, label in HEADLINE:
        extra = ""
        if key == "non_eu_countries" and counts["non_eu_codes"]:
            extra = ", ".join(counts["non_eu_codes"])
        cards.append(html.Div([
            html.Div(str(counts[key]), className="h3 mb-0 tp-number"),
            html.Div(label, className="small"),
            html.Div(extra, className="small text-muted") if extra else None,
        ], className="tp-count border rounded bg-white px-3 py-2 me-2 mb-2", **{"data-count": key}))
    return html.Div(cards, className="d-flex flex-wrap", id="pt-counts")


def _partnership_rows(table, prefix: str, country: str) -> list:
    rows = []
    for r in table.itertuples():
        cells = [
            html.Td(dcc.Link(r.name, href=f"{prefix}partnerships/{quote(r.partnership_id)}")),
            html.Td([str(r.members),
                     html.Div(f"+{r.supporting} supporting", className="small text-muted") if r.supporting else None,
                     html.Div(f"{r.inferred} inferred", className="small text-warning-emphasis",
                              title="rows that are inferences, not statements of their source")
                     if r.inferred else None], className="text-end"),
            html.Td(str(r.leads), className="text-end"),
            html.Td(str(r.countries), className="text-end", title=", ".join(r.country_codes)),
        ]
        if country:
            cells.append(html.Td(str(r.members_in_country), className="text-end"))
        cells.append(html.Td(dcc.Link("Open in explorer", href=f"{prefix}?partnership={quote(r.partnership_id)}")))
        rows.append(html.Tr(cells, **{"data-partnership": r.partnership_id}))
    return rows


def platforms_block(atlas: Atlas, platform: str, country: str, prefix: str) -> html.Div:
    """Each platform (in the snapshot's order, then 'not stated') with its partnerships."""
    table = partnerships_table(atlas, platform or None, country or None)
    blocks = []
    keys = [(r.platform_id, r.name, r.source_url) for r in atlas.platforms.itertuples()]
    keys.append((NO_PLATFORM, NO_PLATFORM_LABEL, ""))
    for pid, name, url in keys:
        if platform and pid != platform:
            continue
        sub = table[table.platform_id == pid]
        all_of_platform = filter_partnerships(atlas, pid)
        if sub.empty and (country or pid == NO_PLATFORM and not all_of_platform):
            continue
        c = partnership_counts(atlas, partnership_ids=list(sub.partnership_id))
        head = [html.H2(name, className="h5 mb-1"),
                html.Div([f"{c['partnerships']} partnership{'s' if c['partnerships'] != 1 else ''}, "
                          f"{regions_text(c)} in the data",
                          *([" · ", safe_link(url, "platform page")] if url else [])], className="small text-muted mb-2")]
        if sub.empty:
            body = html.P("No partnership of this platform is in the data.", className="text-muted small")
        else:
            th = [html.Th("Partnership"), html.Th("Members", className="text-end"),
                  html.Th("Leads / co-leads", className="text-end"), html.Th("Countries", className="text-end")]
            if country:
                th.append(html.Th(f"Members in {country}", className="text-end"))
            th.append(html.Th(html.Span("Links", className="visually-hidden"), style={"position": "relative"}))
            body = dbc.Table([html.Thead(html.Tr(th)), html.Tbody(_partnership_rows(sub, prefix, country))],
                             size="sm", hover=True, responsive=True, className="bg-white tp-table")
        blocks.append(html.Section(head + [body], className="mb-3", **{"data-platform": pid}))
    if not blocks:
        blocks = [html.P("No partnership matches these filters.", className="text-muted")]
    return html.Div(blocks, id="pt-platforms")


def content(atlas: Atlas, platform: str, country: str, geometry_url, prefix: str = "/") -> list:
    ids = filter_partnerships(atlas, platform or None, country or None)
    c = partnership_counts(atlas, partnership_ids=ids)
    filtered = bool(platform or country)
    summary = (f"Showing {c['partnerships']} partnership{'s' if c['partnerships'] != 1 else ''} with "
               f"{regions_text(c)} in "
               f"{c['countries']} countr{'ies' if c['countries'] != 1 else 'y'}"
               + (" (filtered)." if filtered else "."))
    return [
        html.P(summary, id="pt-summary", className="small mb-1"),
        html.Div(dcc.Graph(id="pt-map", figure=partnership_map(overlay(atlas, ids), atlas.countries, geometry_url),
                           config=MAP_CONFIG, className="tp-map"), className="tp-map-box"),
        html.P(KEY_TEXT + " With several partnerships drawn the lines start hidden: click their legend entry.",
               className="small text-muted mt-1 mb-3", id="pt-key"),
        island(platforms_block(atlas, platform, country, prefix)),  # static HTML (components/static.py)
    ]


def missing_block(atlas: Atlas) -> html.Div:
    empty = partnerships_without_members(atlas)
    names = dict(zip(atlas.partnerships.partnership_id, atlas.partnerships.name))
    unmapped = unmapped_names(atlas)
    return html.Div([
        html.H2("Not on the map", className="h5"),
        html.P("Partnerships without any member found in the data:", className="mb-1"),
        html.Ul([html.Li(names[p]) for p in empty], id="pt-empty") if empty else
        html.P("None: every partnership in the data has at least one member region.", id="pt-empty",
               className="text-muted small"),
        html.P("Member names in the sources that have no NUTS code (not counted above):", className="mb-1 mt-2"),
        html.Ul([html.Li([f"{u.get('name', '')} ({u.get('country', '')}) in {u.get('partnership', '')} · ",
                          safe_link(u.get("source_url", ""), "source")]) for u in unmapped], id="pt-unmapped")
        if unmapped else html.P("None.", id="pt-unmapped", className="text-muted small"),
    ], className="tp-missing mb-3")


def layout(atlas: Atlas, query: str, geometry_url, prefix: str = "/") -> html.Div:
    platform, country, notes = parse_query(atlas, query)
    counts = partnership_counts(atlas)
    return html.Div([
        dcc.Location(id="pt-url", refresh=False),
        html.H1("Thematic Smart Specialisation partnerships", className="h3 mt-3"),
        html.P(["Regions working together on a theme within the S3 thematic platforms. Member lists come from "
                "public pages (partnership pages, regional and network news), each row with its source, and may be "
                "incomplete or dated; roles are as stated in the sources, and regions a source only names as "
                "supporting, represented or co-signing are counted apart as supporting. Rows that are inferences "
                "rather than statements of their source are marked inferred, with the reason. Partnerships whose "
                "members were not "
                "found are listed on ", html.A("About the data", href=f"{prefix}about/data"), "."],
               className="small text-muted"),
        headline(counts),
        notes_alert(notes, "pt-notes"),
        dbc.Row([
            dbc.Col([dbc.Label("Thematic platform", html_for="pt-platform", className="mb-0 small fw-bold"),
                     slot(dcc.Dropdown(id="pt-platform", options=platform_options(atlas), value=platform or None,
                                  placeholder="All platforms", clearable=True))], md=4),
            dbc.Col([dbc.Label("Country of a member", html_for="pt-country", className="mb-0 small fw-bold"),
                     slot(dcc.Dropdown(id="pt-country", options=[{"label": f"{n} ({c})", "value": c}
                                                            for c, n in country_options(atlas)],
                                  value=country or None, placeholder="All countries", clearable=True))], md=4),
        ], className="mb-2"),
        html.Div(content(atlas, platform, country, geometry_url, prefix), id="pt-content"),
        island([missing_block(atlas), credit_line(atlas.version)]),
    ], className="tp-page")


def register_callbacks(app, atlas: Atlas, geometry_url, prefix: str = "/") -> None:
    @app.callback(Output("pt-url", "search"), Output("pt-content", "children"),
                  Input("pt-platform", "value"), Input("pt-country", "value"), State("pt-url", "search"),
                  prevent_initial_call=True)
    def _filter(platform, country, current):
        platform, country, _ = parse_query(atlas, to_query(platform or "", country or ""))
        return carry(to_query(platform, country), current), content(atlas, platform, country, geometry_url, prefix)
