"""The region profile page (/region/<NUTS_ID>) and its downloads (.pdf, .csv, .json)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import re
from urllib.parse import quote

from dash import dcc, html
from flask import Response, redirect, request

from ..components.options import region_options
from ..components.shell import credit_line, propose_link
from ..components.static import island
from ..components.table import detail_url, published_in_note, safe_link
from ..components.themes import evidence, reason_lines, tier_badge
from ..data.atlas import Atlas, fold
from ..data.profile import (LEVEL_LABELS, UnknownRegion, better_text, derived_label, format_value, normalise_id, profile_csv,
                            profile_json, region_profile, resolve, source_text)
from ..data.partnerships import partnerships_to_join
from ..data.query import search_index
from ..data.search import semantic_reason
from ..data.similarity import similar_regions, similarity_index
from ..figures.profile import locator_map, sparkline_svg
from ..figures.profile_pdf import profile_pdf

PATH_PREFIX = "/region/"
EXPORTS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
GRAPH_STATIC = {"staticPlot": True, "displayModeBar": False}


def not_found(atlas: Atlas, raw: str, prefix: str = "/") -> html.Div:
    """A friendly page with a search box: a plain form (works without callbacks) that the
    /region-search route resolves by NUTS code or name."""
    shown = str(raw)[:40]
    return html.Div([
        html.H1("Region not found", className="h3 mt-4"),
        html.P(f"There is no NUTS territory '{shown}' in the data snapshot." if shown.strip()
               else "No region was given."),
        html.Form([
            dbc.Label("Find a region by name or NUTS code", html_for="rg-search", className="fw-bold d-block"),
            html.Div([
                dcc.Input(id="rg-search", name="q", type="search", list="rg-regions", autoComplete="off",
                          placeholder="e.g. Cataluña or ES51", maxLength=120, className="form-control",
                          style={"maxWidth": "28rem"}),
                html.Button("Open profile", type="submit", className="btn btn-primary ms-2", id="rg-search-go"),
            ], className="d-flex"),
            # 2,000 options as one static part, not 2,000 components (components/static.py)
            island(html.Datalist([html.Option(o["label"], value=o["value"]) for o in region_options(atlas)],
                                 id="rg-regions")),
        ], action=f"{prefix}region-search", method="GET"),
        html.P(dcc.Link("Go to the explorer", href=prefix), className="mt-3"),
    ], className="not-found")


def _stat_rows(profile: dict, prefix: str = "/") -> list:
    rows = []
    for s in profile["statistics"]:
        missing = s["value"] is None
        # a small SVG image, not a plotly graph each: the page starts much faster
        if len(s["series"]) > 1:
            src, text = sparkline_svg(s["series"], s["fmt"], s["unit"])
            spark = html.Img(src=src, alt=f"Trend: {text}", title=text, className="rg-spark", width=130, height=36)
        else:
            spark = html.Span("")
        rank = s["rank"]
        # data-label: the column's name, shown before the cell when a phone stacks the row as a card
        rows.append(html.Tr([
            html.Td([s["label"], html.Div(s["note"], className="small text-muted") if s["note"] else None]),
            html.Td([html.Span("no data", className="text-muted") if missing else format_value(s),
                     *([html.Div(derived_label(s), className="small text-muted rg-derived", title=s["derived"])]
                       if s.get("derived") else [])],
                    className="text-end text-nowrap rg-value", **{"data-label": "Latest"}),
            html.Td("" if missing else str(s["year"]), **{"data-label": "Year"}),
            html.Td(source_text(s) or (html.Span(published_in_note(s, prefix), className="rg-why-missing")
                                       if s.get("why_missing") else ""), className="small", **{"data-label": "Source"}),
            html.Td(spark, className="rg-trend"),
            html.Td([html.Span(rank["text"], title=f"{rank['among']} in {rank['year']} ({rank['order']})"),
                     html.Div(better_text(s), className="small text-muted") if s["better"] == "lower" else None]
                    if rank else "", className="text-nowrap", **({"data-label": "Rank"} if rank else {})),
        ], **{"data-indicator": s["indicator"]}))
    return rows


def statistics_table(profile: dict, prefix: str = "/") -> html.Div:
    level = profile["header"]["level"]
    among = "all countries in the data" if level == 0 else \
        f"the {profile['header']['level_label']} regions of {profile['header']['country_name']}"
    return html.Div([
        html.H2("Statistics", className="h5"),
        dbc.Table([
            html.Thead(html.Tr([html.Th("Indicator"), html.Th("Latest value", className="text-end"), html.Th("Year"),
                                html.Th("Source"), html.Th("Trend"), html.Th("Rank")])),
            html.Tbody(_stat_rows(profile, prefix)),
        ], size="sm", hover=True, responsive=True, className="rg-stats bg-white", id="rg-stats"),
        html.P(f"Latest year in the snapshot for each figure. Rank: position by value among {among} with data "
               "in the same year, 1 = highest"
               + "".join(f"; for {s['short'].lower()}, where lower is better, 1 = lowest"
                         for s in profile["statistics"] if s["better"] == "lower")
               + ". Eurostat flags: b break in series, e estimated, p provisional, "
               "u low reliability, d definition differs."
               + (" 'derived from NUTS 2': published for the NUTS 2 regions only and computed here from their "
                  "figures of the same year (hover for how); its flags are those of the figures it is computed from."
                  if any(s.get("derived") for s in profile["statistics"]) else ""),
               className="small text-muted"),
    ], className="rg-section")


def strategies_section(profile: dict) -> html.Div:
    items = []
    with_priorities = {p["strategy_id"] for p in profile["priorities"]}
    for s in profile["strategies"]:
        items.append(html.Li([
            html.Strong(s["title"]), f" ({s['period_label']})",
            html.Div(f"About the period: {s['period_note']}", className="small text-muted") if s["period_note"] else None,
            html.Div([
                html.Span("Own strategy" if s["own"] else "Strategy of a larger territory",
                          className="badge bg-secondary me-2" if s["own"] else "badge bg-light text-dark border me-2"),
                f"{s['territory_name']} ({s['territory']}, {LEVEL_LABELS[s['territory_level']]}) · ",
                safe_link(s["source_url"], "source"),
                *([" ", html.Span(s["provenance"], className="text-muted provenance")] if s.get("provenance") else []),
                *([" · ", safe_link(s["document_url"], "strategy document")] if s["document_url"] else []),
                *([" · ", html.Span("its priority list was not found in public sources", className="text-muted")]
                  if s["strategy_id"] not in with_priorities else []),
            ], className="small"),
        ], className="mb-2"))
    body = html.Ul(items, className="list-unstyled") if items else html.P(
        "No strategy for this territory, or for a larger territory containing it, is in the data.",
        className="text-muted")
    return html.Div([html.H2("Smart Specialisation Strategies", className="h5"), body], className="rg-section")


def priorities_section(profile: dict, prefix: str) -> html.Div:
    """The priorities as closed rows (one static island); a row's detail loads when it is first
    opened, as in the explorer's table (components/table.py)."""
    items = []
    for p in profile["priorities"]:
        kind = "" if p["kind"] == "priority" else f" [{p['kind']}]"
        where = "" if p["own"] else f" · from the strategy of {p['territory']}"
        items.append(html.Details([
            html.Summary([html.Span(p["title"] + kind, className="fw-semibold"),
                          html.Span(f" — {p['strategy_id']}{where}", className="small text-muted"),
                          *([html.Span(f" · {p['provenance']}", className="small text-muted provenance")]
                            if p.get("provenance") else [])]),
            html.Div(className="pt-detail", **{"aria-live": "polite",
                                                "data-detail": detail_url(prefix, p["priority_id"])}),
        ], className="pt-item rg-priority", **{"data-priority": p["priority_id"]}))
    legend = html.P([html.Span("NACE 62", className="badge code-badge code-source me-1"), "from the source · ",
                     html.Span("NACE 62", className="badge code-badge code-contributed me-1"), "contributed (reviewed) · ",
                     html.Span("NACE 62", className="badge code-badge code-auto me-1"),
                     "assigned automatically (keyword map or text similarity; hover a code for the reason)"],
                    className="small text-muted mb-1")
    body = html.Div(items, className="priority-table") if items else html.P("No priorities in the data.",
                                                                              className="text-muted")
    return html.Div([html.H2(f"Priorities ({len(items)})", className="h5"), legend, body], className="rg-section")


def partnerships_section(profile: dict) -> html.Div:
    items = [html.Li([
        html.Strong(m["name"]), html.Span(f" · {m['platform']}" if m["platform"] else "", className="text-muted"),
        html.Div([html.Span(f"Role: {m['role']}", title=f"as in the source: {m['role_as_in_source']}"),
                  html.Span(f" (as in the source: “{m['role_as_in_source']}”)", className="text-muted")
                  if m["role_as_in_source"] and m["role_as_in_source"] != m["role"] else None,
                  f" · {m['membership']} · ", safe_link(m["source_url"], "source"),
                  *([" ", html.Span(m["provenance"], className="text-muted provenance")] if m.get("provenance") else [])],
                 className="small"),
        html.Div(f"inferred: {m['inferred']}", className="small text-warning-emphasis rg-inferred")
        if m.get("inferred") else None,
    ], className="mb-2") for m in profile["partnerships"]]
    body = html.Ul(items, className="list-unstyled mb-0", id="rg-partnerships") if items else html.P(
        "No thematic partnership in the data lists this territory or a territory containing it.",
        className="text-muted")
    return html.Div([html.H2("Thematic partnerships", className="h5"), body], className="rg-section")


def join_section(atlas: Atlas, nid: str, prefix: str) -> html.Div:
    """Partnerships whose theme matches this territory's own priorities and that it is not in."""
    title = html.H2("Partnerships this region could join", className="h5")
    if not (atlas.priorities.nuts_id == nid).any():
        return html.Div([title, html.P("Only territories with a strategy of their own in the data are matched with "
                                       "the partnerships' themes.", className="text-muted")],
                        className="rg-section", id="rg-could-join")
    rows = partnerships_to_join(atlas, nid)
    rule = html.P("Thematic partnerships it is not in (neither it, a region containing it nor one inside it is a "
                  "member) whose theme the explorer's search finds in its own strategy's priorities: those that name "
                  "the theme first, then those close in meaning. Partnerships invite regions to join; this is where "
                  "to start.", className="small text-muted")
    if rows.empty:
        body = html.P("None: no priority of its own strategy matches the theme of a partnership it is not in.",
                      className="text-muted")
    else:
        body = html.Ul([html.Li([
            html.Div([dcc.Link(r.name, href=f"{prefix}partnerships/{quote(r.partnership_id)}", className="fw-semibold"),
                      " ", tier_badge(r.match, int(r.n_exact if r.match == "exact" else r.n_related))]),
            evidence(r),
        ], className="mb-2", **{"data-partnership": r.partnership_id, "data-match": r.match})
            for r in rows.itertuples()], className="list-unstyled mb-0", id="rg-join-list")
    if not search_index(atlas).semantic:
        rule.children += f" Matching by meaning is not available on this server ({semantic_reason()}): " \
                         "only partnerships whose theme it names are listed."
    return html.Div([title, rule, body], className="rg-section", id="rg-could-join")


def classifications_section(profile: dict) -> html.Div:
    cl = profile["classifications"]
    if not cl["has_own_strategy"]:
        return html.Div([html.H2("Industrial ecosystems, NABS and NACE", className="h5"),
                         html.P("No strategy of its own in the data, so no ecosystems or codes are derived for it "
                                "(see the strategies of the larger territories above).", className="text-muted")],
                        className="rg-section")
    grid = html.Div([html.Div([html.Span(e["name"]), html.Strong("Yes" if e["present"] else "No")],
                              className="rg-eco " + ("rg-eco-yes" if e["present"] else "rg-eco-no"),
                              title=("from the source" if e["origin"] == "source" else "assigned automatically")
                              if e["present"] else "")
                     for e in cl["ecosystems"]], className="rg-eco-grid", id="rg-ecosystems")
    nabs = html.Ul([html.Li(f"{n['code']} — {n['name']}" + (" (assigned automatically)" if n["origin"] == "auto" else ""))
                    for n in cl["nabs"]]) if cl["nabs"] else html.P("none", className="text-muted")
    nace = html.Ul([html.Li([html.Strong(f"{s['code']} — {s['name']}"),
                             html.Ul([html.Li(f"{d['code']} — {d['name']}"
                                              + (" (assigned automatically)" if d["origin"] == "auto" else ""))
                                      for d in s["divisions"]])]) for s in cl["nace"]]) \
        if cl["nace"] else html.P("none", className="text-muted")
    return html.Div([
        html.H2("European industrial ecosystems", className="h5"),
        html.P(cl["basis"], className="small text-muted"),
        grid,
        dbc.Row([
            dbc.Col([html.H3("Scientific domains (NABS 2007)", className="h6 mt-3"), nabs], md=6),
            dbc.Col([html.H3("Economic domains (NACE Rev. 2)", className="h6 mt-3"), nace], md=6),
        ]),
    ], className="rg-section")


def similar_section(atlas: Atlas, nid: str, prefix: str) -> html.Div:
    results = similar_regions(atlas, nid)
    if not results:
        return html.Div([html.H2("Similar regions", className="h5"),
                         html.P("Similar regions are computed only for territories with priorities of their own "
                                "in the data.", className="text-muted")], className="rg-section")
    items = []
    for r in results:
        items.append(html.Li([
            html.Div([
                dcc.Link(f"{r['name']} ({r['nuts_id']})", href=f"{prefix}region/{r['nuts_id']}"),
                html.Span(f" score {r['score']:.2f}", className="badge bg-light text-dark ms-2"),
                dcc.Link("Compare", href=f"{prefix}compare?regions={nid},{r['nuts_id']}",
                         className="btn btn-sm btn-outline-primary ms-2 py-0 rg-compare-link"),
            ]),
            reason_lines(r["reasons"]),
        ], className="mb-2"))
    return html.Div([
        html.H2("Similar regions", className="h5"),
        html.P("Score = 0.6 × similarity in meaning of the priorities (each priority paired with the other region's "
               "closest, across languages; multilingual sentence vectors, or word overlap (TF-IDF) where vectors are "
               "missing) + 0.4 × mean overlap (Jaccard) of NACE divisions, NABS chapters and ecosystems; own "
               "strategies only.", className="small text-muted"),
        html.Ol(items, id="rg-similar"),
    ], className="rg-section")


def header_section(profile: dict, prefix: str) -> html.Div:
    h = profile["header"]
    nid = h["nuts_id"]
    parts = [h["level_label"], " · ",
             dcc.Link(f"{h['country_name']} ({h['country']})", href=f"{prefix}region/{h['country']}")
             if h["country"] != nid else f"{h['country_name']} ({h['country']})"]
    if h["parent"]:
        parts += [" · part of ", dcc.Link(f"{h['parent']['name']} ({h['parent']['nuts_id']})",
                                          href=f"{prefix}region/{h['parent']['nuts_id']}")]
    children = []
    if h["children"]:
        children = [html.Div([html.Span("Sub-regions: ", className="text-muted")] + sum(
            ([dcc.Link(f"{c['name']} ({c['nuts_id']})", href=f"{prefix}region/{c['nuts_id']}"), ", "]
             for c in h["children"]), [])[:-1], className="small rg-children")]
    downloads = html.Div([
        html.Span("Download: ", className="text-muted"),
        html.A("PDF", href=f"{prefix}region/{nid}.pdf", id="rg-dl-pdf", className="me-2"),
        html.A("CSV", href=f"{prefix}region/{nid}.csv", id="rg-dl-csv", className="me-2"),
        html.A("JSON", href=f"{prefix}region/{nid}.json", id="rg-dl-json", className="me-2"),
        html.Span(" · ", className="text-muted"),
        dcc.Link("Show on the map", href=f"{prefix}?region={nid}", className="me-2"),
        dcc.Link("Compare with…", href=f"{prefix}compare?regions={nid}"),
    ], className="small mt-2")
    return html.Div([
        html.H1([h["name_latn"], html.Small(f" ({nid})", className="text-muted")], className="h3 mb-0",
                id="rg-title"),
        html.Div(h["name_national"], className="text-muted") if h["name_national"] != h["name_latn"] else None,
        html.Div(parts, className="mt-1"),
        *children,
        downloads,
    ], className="rg-header")


def _contact(c: dict) -> html.Li:
    who = ", ".join(x for x in (c["position"], c["organisation"]) if x)
    return html.Li([
        html.Strong(c["name"]), f" — {who}" if who else "",
        html.Div([f"Strategy {c['strategy_id']}",
                  *([" · ", html.A(c["email"], href=f"mailto:{c['email']}")] if c["email"] else []),
                  " · ", safe_link(c["source_url"], "source"),
                  *([" ", html.Span(c["provenance"], className="text-muted provenance")] if c["provenance"] else [])],
                 className="small"),
    ], className="mb-2", **{"data-strategy": c["strategy_id"]})


def contact_section(profile: dict) -> html.Div:
    """The official contact points of the strategies covering the region (accepted contributions)."""
    title = html.H2("Contact points", className="h5")
    if not profile["contact_points"]:
        return html.Div([title, html.P("No official contact point of these strategies is in the data yet.",
                                       className="text-muted")], className="rg-section", id="rg-contacts")
    return html.Div([title, html.Ul([_contact(c) for c in profile["contact_points"]], className="list-unstyled mb-0")],
                    className="rg-section", id="rg-contacts")


def layout(atlas: Atlas, nuts_id: str, geometry_url, prefix: str = "/", propose: bool = False) -> html.Div:
    try:
        profile = region_profile(atlas, nuts_id)
    except UnknownRegion:
        return not_found(atlas, nuts_id, prefix)
    nid = profile["nuts_id"]
    # Everything but the map is static HTML (components/static.py islands): a profile was 420
    # components for Dash to track.
    return html.Div([
        dbc.Row([
            dbc.Col(island(header_section(profile, prefix)), lg=7),
            dbc.Col(dcc.Graph(id="rg-map", figure=locator_map(atlas.regions.loc[nid], atlas.countries, geometry_url),
                              config={"displaylogo": False, "scrollZoom": False, "displayModeBar": False},
                              className="rg-map"), lg=5),
        ], className="g-3 align-items-start"),
        dbc.Row([
            dbc.Col(island([statistics_table(profile, prefix), strategies_section(profile),
                            priorities_section(profile, prefix)]), lg=8),
            dbc.Col(island([similar_section(atlas, nid, prefix), partnerships_section(profile),
                            join_section(atlas, nid, prefix)]), lg=4),
        ], className="g-3 mt-1"),
        island([classifications_section(profile), contact_section(profile),
                propose_link(prefix, f"region={nid}", "this region's strategies and priorities") if propose else None,
                credit_line(atlas.version)]),
    ], className="region-profile", **{"data-region": nid})


def export_response(atlas: Atlas, raw_id: str, fmt: str) -> Response:
    """The download for /region/<id>.<fmt>; a 404 text page for unknown ids or formats."""
    nid = resolve(atlas, raw_id)
    if nid is None or fmt not in EXPORTS:
        shown = normalise_id(raw_id) or "this id"
        return Response(f"Not found: no region {shown} in the S3 Atlas data, or no '{fmt[:10]}' download.\n",
                        status=404, mimetype="text/plain")
    profile = region_profile(atlas, nid)
    if fmt == "pdf":
        body = profile_pdf(profile, similar_regions(atlas, nid), regions=atlas.outlines(profile["header"]["level"]),
                           countries=atlas.outlines(0))
    else:
        body = {"csv": profile_csv, "json": profile_json}[fmt](profile)
    resp = Response(body, mimetype=EXPORTS[fmt].split(";")[0], content_type=EXPORTS[fmt])
    resp.headers["Content-Disposition"] = f'attachment; filename="s3-atlas-{nid}.{fmt}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def search_target(atlas: Atlas, query: str) -> str:
    """The NUTS id for a search: an id, or a name (accent- and case-insensitive, Latin or national)."""
    q = str(query or "").strip()[:120]
    nid = resolve(atlas, q.split(" ")[0]) or resolve(atlas, q)
    if nid:
        return nid
    key = fold(q)
    r = atlas.regions
    for col in ("name_latn", "name_national"):
        hits = r.nuts_id[r[col].map(fold) == key]
        if len(hits):
            return sorted(hits, key=lambda i: (int(r.at[i, "level"]), i))[0]
    m = re.search(r"\(([A-Za-z0-9]{2,5})\)", q)  # "Name (ID)" as shown in the list
    if m and resolve(atlas, m.group(1)):
        return resolve(atlas, m.group(1))
    return q or "-"


def register_routes(server, atlas: Atlas, prefix: str = "/") -> None:
    """Flask routes for the downloads; also builds the similarity index once at start-up."""
    similarity_index(atlas)

    @server.route(f"{prefix}region/<raw_id>.<fmt>", endpoint="region_export")
    def region_export(raw_id: str, fmt: str):
        return export_response(atlas, raw_id, fmt)

    @server.route(f"{prefix}region-search", endpoint="region_search")
    def region_search():
        target = search_target(atlas, request.args.get("q", ""))
        return redirect(f"{prefix}region/{quote(target, safe='')}", code=302)
