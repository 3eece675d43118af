"""One thematic partnership (/partnerships/<id>): members, map, theme-matching priorities, regions that could join."""
from __future__ import annotations

from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from ..components.shell import MAP_CONFIG, credit_line, propose_link
from ..components.static import island
from ..components.table import safe_link
from ..data.atlas import Atlas
from ..components.table import highlighted
from ..components.themes import evidence, query_links, tier_badge
from ..data.partnerships import (overlay, LEAD_ROLES, ROLE_LABEL, anchor_member, could_join, is_partnership,
                                 member_strategy_links, partnership_counts, partnership_members, platform_name,
                                 theme_priorities, unmapped_names)
from ..data.query import search_index
from ..data.search import semantic_reason
from ..data.themes import partnership_queries
from ..figures.partnership import KEY_TEXT, partnership_map

PATH_PREFIX = "/partnerships/"
LEVEL_SHORT = {0: "country", 1: "NUTS 1", 2: "NUTS 2", 3: "NUTS 3"}
TOP_JOIN = 10  # regions that could join shown before "show all"
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
            role_cell.append(html.Div(f"as in the source: “{r.role_as_in_source}”",
                                      className="small text-muted pp-role-source"))
        if r.inferred:
            role_cell.append(html.Div(f"inferred: {r.inferred}", className="small text-warning-emphasis pp-inferred"))
        name_cell = [dcc.Link(r.region, href=f"{prefix}region/{quote(r.nuts_id)}")]
        if r.name_as_in_source and r.name_as_in_source != r.region:
            name_cell.append(html.Div(f"in the source: {r.name_as_in_source}", className="small text-muted"))
        source = [safe_link(r.source_url, "source")]
        if r.source_date:
            source.append(html.Span(f" · {r.source_date}", className="small text-muted"))
        if r.provenance:
            source.append(html.Div(r.provenance, className="small text-muted provenance"))
        rows.append(html.Tr([
            html.Td(name_cell), html.Td(r.nuts_id), html.Td(LEVEL_SHORT.get(r.level, str(r.level))),
            html.Td(r.country), html.Td(role_cell), html.Td(source), html.Td(r.note or "", className="small"),
        ], className="pp-lead" if r.role in LEAD_ROLES else "",
            **{"data-nuts": r.nuts_id, "data-role": r.role, "data-inferred": "yes" if r.inferred else "no"}))
    return dbc.Table([
        html.Thead(html.Tr([html.Th("Region"), html.Th("NUTS id"), html.Th("Level"), html.Th("Country"),
                            html.Th("Role"), html.Th("Source"), html.Th("Note")])),
        html.Tbody(rows),
    ], size="sm", hover=True, responsive=True, className="bg-white", id="pp-members")


def _semantic_note(atlas: Atlas) -> html.P | None:
    if search_index(atlas).semantic:
        return None
    return html.P(f"Only priorities that name the theme are listed here: matching by meaning is not available "
                  f"on this server ({semantic_reason()}).", className="small text-warning-emphasis", id="pp-semantic")


def themes_section(atlas: Atlas, pid: str, prefix: str) -> html.Div:
    queries = partnership_queries(atlas, pid)
    links = member_strategy_links(atlas, pid)
    n_members = atlas.members.nuts_id[atlas.members.partnership_id == pid].nunique()
    tp = theme_priorities(atlas, pid)
    rule = html.P(
        "Priorities of the members' Smart Specialisation Strategies — a member's own strategy, strategies of "
        "regions inside it and, for a NUTS 3 member, the NUTS 2 and NUTS 1 strategies of the regions containing "
        "it — that the explorer's search finds for the theme: those that name it (its words or their forms) "
        "first, then those close in meaning. A starting point for joint projects, not a judgement of fit.",
        className="small text-muted")
    facts = html.P([
        html.Strong("Theme searched: "), *(query_links(queries, prefix) if queries else ["none"]),
        html.Span(" (each opens the explorer with that keyword)", className="text-muted"),
        f" · {links.member.nunique() if not links.empty else 0} of {n_members} member regions have a strategy "
        "in the data that applies to them",
    ], className="small", id="pp-theme-words")
    if tp.empty:
        body = html.P("No priority of the members' strategies in the data matches the theme.", className="text-muted")
    else:
        rows = [html.Tr([
            html.Td(dcc.Link(f"{r.region_name} ({r.nuts_id})", href=f"{prefix}region/{quote(r.nuts_id)}")),
            html.Td(html.Span(["‘", *highlighted(r.title, r.matched), "’"])),
            html.Td(r.strategy_title, className="small"),
            html.Td([tier_badge(r.match), html.Div(", ".join(r.matched.split()), className="small")],
                    className="pp-matched"),
            html.Td(", ".join(r.members) + f" ({r.relation})", className="small",
                    title="; ".join(RELATION.get(x.strip(), x) for x in r.relation.split(","))),
            html.Td(safe_link(r.source_url, "source")),
        ], **{"data-priority": r.priority_id, "data-match": r.match}) for r in tp.itertuples()]
        body = dbc.Table([
            html.Thead(html.Tr([html.Th("Strategy territory"), html.Th("Priority"), html.Th("Strategy"),
                                html.Th("Match"), html.Th("Through member"), html.Th("Source")])),
            html.Tbody(rows),
        ], size="sm", hover=True, responsive=True, className="bg-white", id="pp-themes-table")
    n_exact = int((tp.match == "exact").sum()) if len(tp) else 0
    head = f"Members' priorities on the theme ({len(tp)}"
    head += f": {n_exact} name it)" if len(tp) else ")"
    return html.Div([html.H2(head, className="h5"), rule, facts, _semantic_note(atlas), body],
                    className="mb-3", id="pp-themes")


def _join_item(r, prefix: str, anchor_name: str) -> html.Li:
    n = r.n_exact if r.match == "exact" else r.n_related
    return html.Li([
        html.Div([
            dcc.Link(f"{r.region_name} ({r.nuts_id})", href=f"{prefix}region/{quote(r.nuts_id)}",
                     className="fw-semibold"),
            " ", tier_badge(r.match, int(n)),
            dcc.Link(f"Compare with {anchor_name}", href=f"{prefix}compare?regions={quote(r.compare_with)},{quote(r.nuts_id)}",
                     className="ms-2 small pp-compare-link") if r.compare_with else None,
        ]),
        evidence(r),
    ], className="mb-2", **{"data-nuts": r.nuts_id, "data-match": r.match})


def could_join_section(atlas: Atlas, pid: str, prefix: str) -> html.Div:
    cj = could_join(atlas, pid)
    anchor = anchor_member(atlas, pid)
    members = partnership_members(atlas, pid)
    is_lead = anchor is not None and bool(members.role[members.nuts_id == anchor].isin(LEAD_ROLES).any())
    anchor_name = (atlas.region_name(anchor) + ("" if is_lead else " (no lead stated)")) if anchor else ""
    rule = html.P(
        "Regions with a strategy of their own in the data that are not in the partnership (not a member, not inside "
        "a member, not containing one) and whose priorities match its theme, by the same search: those whose "
        "priorities name the theme first, then those close in meaning; within each, by the number of such priorities "
        "and the best match. Each shows its best priority.", className="small text-muted")
    if cj.empty:
        body = [html.P("No region outside the partnership has a priority matching the theme in the data.",
                       className="text-muted")]
    else:
        items = [_join_item(r, prefix, anchor_name) for r in cj.itertuples()]
        body = [html.Ol(items[:TOP_JOIN], id="pp-join-list", className="pp-join")]
        if len(items) > TOP_JOIN:
            body.append(html.Details([
                html.Summary(f"Show all {len(items)} regions ({len(items) - TOP_JOIN} more)", className="small"),
                html.Ol(items[TOP_JOIN:], start=TOP_JOIN + 1, className="pp-join"),
            ], id="pp-join-more"))
    n_exact = int((cj.match == "exact").sum()) if len(cj) else 0
    head = f"Regions that could join ({len(cj)}"
    head += f": {n_exact} name the theme)" if len(cj) else ")"
    return html.Div([html.H2(head, className="h5"), rule, _semantic_note(atlas), *body],
                    className="mb-3", id="pp-could-join")


def layout(atlas: Atlas, pid: str, geometry_url, prefix: str = "/", propose: bool = False) -> html.Div:
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
    n_inferred = c["inferred_rows"]
    unmapped = unmapped_names(atlas, pid)
    return html.Div([
        html.P(dcc.Link("← All thematic partnerships", href=f"{prefix}partnerships"), className="small mt-3 mb-1"),
        html.H1(row["name"], className="h3", id="pp-title"),
        html.P([html.Strong("Thematic platform: "), *platform], className="mb-1"),
        html.P(f"{c['members']} member region{'s' if c['members'] != 1 else ''}"
               + (f", {c['supporting']} supporting (not named members; counted apart)," if c["supporting"] else "")
               + f" in {c['countries']} countr{'ies' if c['countries'] != 1 else 'y'} "
               f"({c['eu_member_states']} EU member state{'s' if c['eu_member_states'] != 1 else ''}, "
               f"{c['non_eu_countries']} non-EU) · {n_leads} lead{'s' if n_leads != 1 else ''} / co-lead"
               f"{'s' if n_leads != 1 else ''}"
               + (f" · {n_inferred} inferred link{'s' if n_inferred != 1 else ''} (marked below)" if n_inferred else ""),
               id="pp-counts", className="mb-1"),
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
            themes_section(atlas, pid, prefix),
            could_join_section(atlas, pid, prefix),
            propose_link(prefix, f"partnership={quote(pid)}", "this partnership's members and their roles") if propose else None,
            credit_line(atlas.version),
        ]),
    ], className="tp-page")
