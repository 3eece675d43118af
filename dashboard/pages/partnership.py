"""One thematic partnership (/partnerships/<id>): members, map, theme-matching priorities."""
from __future__ import annotations

from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from ..components.shell import MAP_CONFIG, credit_line
from ..components.static import island
from ..components.table import safe_link
from ..data.atlas import Atlas
from ..data.partnerships import (overlay, LEAD_ROLES, ROLE_LABEL, THEME_STOP_WORDS, is_partnership, member_strategy_links,
                                 partnership_counts, partnership_members, platform_name, theme_priorities,
                                 theme_words, unmapped_names)
from ..figures.partnership import KEY_TEXT, partnership_map

PATH_PREFIX = "/partnerships/"
LEVEL_SHORT = {0: "country", 1: "NUTS 1", 2: "NUTS 2", 3: "NUTS 3"}
RELATION = {"own": "its own strategy", "inside": "strategy of a region inside it",
            "above": "strategy of the region containing it"}


def not_found(raw: str, prefix: str = "/") -> html.Div:
    shown = str(raw)[:40]
    return html.Div([
        html.H1("Partnership not found", className="h3 mt-4"),
        html.P(f"There is no thematic partnership '{shown}' in the data snapshot." if shown.strip()
               else "No partnership was given."),
        html.P(dcc.Link("See all thematic partnerships", href=f"{prefix}partnerships", id="pp-back")),
    ], className="not-found")


def members_table(atlas: Atlas, pid: str, prefix: str) -> dbc.Table:
    rows = []
    for r in partnership_members(atlas, pid).itertuples():
        role = ROLE_LABEL.get(r.role, r.role)
        role_cell = [role]
        if r.role_as_in_source and r.role_as_in_source.casefold() != r.role.casefold():
            role_cell.append(html.Div(f"source: {r.role_as_in_source}", className="small text-muted"))
        name_cell = [dcc.Link(r.region, href=f"{prefix}region/{quote(r.nuts_id)}")]
        if r.name_as_in_source and r.name_as_in_source != r.region:
            name_cell.append(html.Div(f"in the source: {r.name_as_in_source}", className="small text-muted"))
        source = [safe_link(r.source_url, "source")]
        if r.source_date:
            source.append(html.Span(f" · {r.source_date}", className="small text-muted"))
        rows.append(html.Tr([
            html.Td(name_cell), html.Td(r.nuts_id), html.Td(LEVEL_SHORT.get(r.level, str(r.level))),
            html.Td(r.country), html.Td(role_cell), html.Td(source), html.Td(r.note or "", className="small"),
        ], className="pp-lead" if r.role in LEAD_ROLES else "", **{"data-nuts": r.nuts_id, "data-role": r.role}))
    return dbc.Table([
        html.Thead(html.Tr([html.Th("Region"), html.Th("NUTS id"), html.Th("Level"), html.Th("Country"),
                            html.Th("Role"), html.Th("Source"), html.Th("Note")])),
        html.Tbody(rows),
    ], size="sm", hover=True, responsive=True, className="bg-white", id="pp-members")


def themes_section(atlas: Atlas, pid: str, name: str, prefix: str) -> html.Div:
    words = theme_words(name)
    links = member_strategy_links(atlas, pid)
    n_members = atlas.members.nuts_id[atlas.members.partnership_id == pid].nunique()
    tp = theme_priorities(atlas, pid)
    rule = html.P([
        "Priorities of the members' Smart Specialisation Strategies — a member's own strategy, strategies of "
        "regions inside it and, for a NUTS 3 member, the NUTS 2 and NUTS 1 strategies of the regions containing "
        "it — whose name, description or keywords contain a theme word. Theme words are the words of the "
        "partnership's name without generic ones (",
        html.Span(", ".join(sorted(THEME_STOP_WORDS - {"a", "an", "of", "in", "the", "to", "and", "or", "on",
                                                         "for", "with", "de", "re"})), className="fst-italic"),
        "), matched at the start of a word, a plural 's' ignored. A starting point for joint projects, "
        "not a judgement of fit.",
    ], className="small text-muted")
    facts = html.P([
        html.Strong("Theme words: "), ", ".join(words) if words else "none (the name has no significant word)",
        f" · {links.member.nunique() if not links.empty else 0} of {n_members} member regions have a strategy "
        "in the data that applies to them",
    ], className="small", id="pp-theme-words")
    if tp.empty:
        body = html.P("No priority of the members' strategies in the data contains a theme word.",
                      className="text-muted")
    else:
        rows = [html.Tr([
            html.Td(dcc.Link(f"{r.region_name} ({r.nuts_id})", href=f"{prefix}region/{quote(r.nuts_id)}")),
            html.Td(r.title),
            html.Td(r.strategy_title, className="small"),
            html.Td(", ".join(r.matched), className="pp-matched"),
            html.Td(", ".join(r.members) + f" ({r.relation})", className="small",
                    title="; ".join(RELATION.get(x.strip(), x) for x in r.relation.split(","))),
            html.Td(safe_link(r.source_url, "source")),
        ], **{"data-priority": r.priority_id}) for r in tp.itertuples()]
        body = dbc.Table([
            html.Thead(html.Tr([html.Th("Strategy territory"), html.Th("Priority"), html.Th("Strategy"),
                                html.Th("Matched word"), html.Th("Through member"), html.Th("Source")])),
            html.Tbody(rows),
        ], size="sm", hover=True, responsive=True, className="bg-white", id="pp-themes-table")
    return html.Div([html.H2(f"Priorities on the theme ({len(tp)})", className="h5"), rule, facts, body],
                    className="mb-3", id="pp-themes")


def layout(atlas: Atlas, pid: str, geometry_url, prefix: str = "/") -> html.Div:
    pid = (pid or "").strip().strip("/")
    if not is_partnership(atlas, pid):
        return not_found(pid, prefix)
    row = atlas.partnerships[atlas.partnerships.partnership_id == pid].iloc[0]
    c = partnership_counts(atlas, partnership_ids=[pid])
    plat_id = row.platform_id
    plat = atlas.platforms[atlas.platforms.platform_id == plat_id]
    platform = [platform_name(atlas, plat_id)]
    if plat_id and len(plat):
        platform += [" · ", safe_link(plat.source_url.iloc[0], "platform page")]
    elif row.get("platform_as_in_source", ""):
        platform.append(html.Span(f" ({row.platform_as_in_source})", className="text-muted"))
    leads = partnership_members(atlas, pid)
    n_leads = leads.nuts_id[leads.role.isin(LEAD_ROLES)].nunique()
    unmapped = unmapped_names(atlas, pid)
    return html.Div([
        html.P(dcc.Link("← All thematic partnerships", href=f"{prefix}partnerships"), className="small mt-3 mb-1"),
        html.H1(row["name"], className="h3", id="pp-title"),
        html.P([html.Strong("Thematic platform: "), *platform], className="mb-1"),
        html.P(f"{c['territories']} member region{'s' if c['territories'] != 1 else ''} in "
               f"{c['countries']} countr{'ies' if c['countries'] != 1 else 'y'} "
               f"({c['eu_member_states']} EU member state{'s' if c['eu_member_states'] != 1 else ''}, "
               f"{c['non_eu_countries']} non-EU) · {n_leads} lead{'s' if n_leads != 1 else ''} / co-lead"
               f"{'s' if n_leads != 1 else ''}", id="pp-counts", className="mb-1"),
        html.P(dcc.Link("Open in explorer", href=f"{prefix}?partnership={quote(pid)}", id="pp-explorer"),
               className="mb-2"),
        html.Div(dcc.Graph(id="pp-map", figure=partnership_map(overlay(atlas, [pid]), atlas.countries, geometry_url),
                           config=MAP_CONFIG, className="tp-map"), className="tp-map-box"),
        html.P(KEY_TEXT, className="small text-muted mt-1 mb-3", id="pp-key"),
        island([  # static HTML (components/static.py)
            html.H2("Members", className="h5"),
            members_table(atlas, pid, prefix),
            html.Div([
                html.P("Named in the sources but without a NUTS code (not on the map, not counted):", className="mb-1"),
                html.Ul([html.Li([f"{u.get('name', '')} ({u.get('country', '')}) · ",
                                  safe_link(u.get("source_url", ""), "source")]) for u in unmapped]),
            ], id="pp-unmapped", className="small") if unmapped else None,
            themes_section(atlas, pid, row["name"], prefix),
            credit_line(atlas.version),
        ]),
    ], className="tp-page")
