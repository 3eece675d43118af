"""Side-by-side comparison of 2–5 territories (/compare?regions=ES51,BE3). The URL carries the list."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from ..components.finder import region_finder, register_region_finder
from ..components.options import chosen_region_options
from ..components.static import island
from ..components.shell import credit_line, notes_alert, slot
from ..components.table import published_in_note, safe_link
from ..components.themes import reason_lines
from ..data.atlas import Atlas
from ..data.profile import better_text, format_value, source_text
from ..data.similarity import MAX_COMPARE, compare, parse_ids
from ..figures.profile import BEST_TEXT, COMPARE_COLORS, compare_bars, compare_map
from ..urlcodec import carry, encode, pairs, same

PATH = "/compare"


def ids_from_query(atlas: Atlas, query: str) -> tuple[list[str], list[str]]:
    raw = ",".join(v for k, v in pairs(query)[0] if k == "regions")[:400]
    return parse_ids(atlas, raw)


def to_query(ids: list[str]) -> str:
    return encode([("regions", ",".join(ids))])


def _swatch(k: int) -> html.Span:
    return html.Span(className="cmp-swatch", style={"background": COMPARE_COLORS[k % len(COMPARE_COLORS)]})


def _head(cmp: dict, prefix: str, first: str = "") -> html.Thead:
    return html.Thead(html.Tr([html.Th(first)] + [
        html.Th([_swatch(k), dcc.Link(f"{r['name']} ({r['nuts_id']})", href=f"{prefix}region/{r['nuts_id']}"),
                 html.Div(r["level_label"], className="small text-muted fw-normal")])
        for k, r in enumerate(cmp["regions"])]))


def stats_table(cmp: dict, prefix: str) -> html.Div:
    """The statistics, a column per region. Where the catalog gives a direction the better value is
    marked ("lower is better" said under the indicator where that is so); a NUTS 1 region's missing
    labour figures say why and link its NUTS 2 regions. On a narrow screen the regions scroll under
    the indicator column, and a hint and a shadow at the right edge say so while there is more to see
    (assets/app.js marks the overflow)."""
    rows = []
    for s in cmp["statistics"]:
        cells = [html.Td([s["label"], html.Div(better_text(s), className="small text-muted cmp-direction")
                          if s["better"] == "lower" else None])]
        for k, v in enumerate(s["values"]):
            if v["value"] is None:
                cells.append(html.Td([html.Span("no data", className="text-muted"),
                                      html.Div(published_in_note(v, prefix, short=True)) if v.get("why_missing") else None],
                                     className="cmp-missing"))
            else:
                best = k in s["best"]
                cells.append(html.Td([html.Span(format_value(v), className="text-nowrap"),
                                      html.Span(BEST_TEXT[s["better"]], className="badge cmp-best ms-1") if best else None,
                                      html.Div(f"{v['year']} · {source_text(v)}", className="small text-muted")],
                                     className="cmp-best-cell" if best else None))
        rows.append(html.Tr(cells, **{"data-indicator": s["indicator"]}))
    table = dbc.Table([_head(cmp, prefix, "Indicator"), html.Tbody(rows)], size="sm", bordered=False, hover=True,
                      responsive=True, className="bg-white cmp-stats", id="cmp-stats")
    return html.Div([html.P("Scroll sideways for the other regions →", className="scroll-hint small", **{"aria-hidden": "true"}),
                     table], className="scroll-cue")


def priorities_block(cmp: dict, prefix: str) -> dbc.Row:
    cols = []
    for k, r in enumerate(cmp["regions"]):
        ps = cmp["priorities"][r["nuts_id"]]
        items = [html.Li([p["title"] + ("" if p["kind"] == "priority" else f" [{p['kind']}]"), " ",
                          safe_link(p["source_url"], "source", className="small")]) for p in ps]
        cols.append(dbc.Col([
            html.H3([_swatch(k), f"{r['name']} ({r['nuts_id']})"], className="h6"),
            html.Ul(items, className="small") if items else html.P(
                "No strategy of its own in the data (see its profile for strategies of larger territories).",
                className="small text-muted"),
        ], md=12 // max(1, min(len(cmp["regions"]), 4)) if cmp["regions"] else 12))
    return dbc.Row(cols, className="cmp-priorities")


def _label(item: dict, scheme: str) -> str:
    return item["name"] if scheme == "ecosystem" else f"{item['code']} {item['name']}"


def codes_block(cmp: dict, prefix: str) -> html.Div:
    blocks = []
    ids = cmp["ids"]
    names = {r["nuts_id"]: r["name"] for r in cmp["regions"]}
    for grp in cmp["codes"]:
        scheme = grp["scheme"]
        shared_all = [_label(i, scheme) for i in grp["shared_all"]]
        rows = [html.Tr([html.Td(_label(m, scheme))] +
                        [html.Td("●" if m["present"][nid] else "", className="text-center",
                                 title=names[nid] if m["present"][nid] else "") for nid in ids],
                        className="cmp-shared-row" if all(m["present"].values()) else "")
                for m in grp["matrix"]]
        blocks.append(html.Div([
            html.H3(grp["label"], className="h6 mt-3"),
            html.P([html.Strong("Shared by all: "), ", ".join(shared_all) if shared_all else
                    html.Span("none", className="text-muted")], className="small mb-1",
                   **{"data-scheme": scheme, "data-shared": ",".join(i["code"] for i in grp["shared_all"])}),
            html.Details([html.Summary(f"Matrix ({len(rows)} codes)", className="small"),
                          dbc.Table([_head(cmp, prefix, "Code"), html.Tbody(rows)], size="sm", responsive=True,
                                    className="bg-white cmp-matrix")]) if rows else None,
        ]))
    kw = cmp["keywords"] or {"shared_all": [], "shared_some": [], "distinct": {}}
    distinct = [html.Li([html.Strong(f"Only {names[nid]}: "), ", ".join(kw["distinct"][nid][:25])
                         + (" …" if len(kw["distinct"][nid]) > 25 else "") or "—"], className="small")
                for nid in ids]
    blocks.append(html.Div([
        html.H3("Keywords", className="h6 mt-3"),
        html.P([html.Strong("Shared by all: "), ", ".join(kw["shared_all"]) or html.Span("none", className="text-muted")],
               className="small mb-1", id="cmp-keywords-shared"),
        html.P([html.Strong("Shared by some: "), ", ".join(kw["shared_some"])], className="small mb-1")
        if kw["shared_some"] else None,
        html.Ul(distinct, className="mb-0"),
    ]))
    return html.Div(blocks, id="cmp-codes")


def pairs_block(cmp: dict) -> html.Div:
    names = {r["nuts_id"]: r["name"] for r in cmp["regions"]}
    items = []
    for p in cmp["pairs"]:
        j = p["jaccard"]
        items.append(html.Li([
            html.Strong(f"{names[p['a']]} – {names[p['b']]}: {p['score']:.2f}"),
            html.Span(f"  (text {p['text_cosine']:.2f}; overlap NACE {j['nace']:.2f}, NABS {j['nabs']:.2f}, "
                      f"ecosystems {j['ecosystem']:.2f})", className="small text-muted"),
            reason_lines(p["reasons"]) if p["comparable"] else
            html.Div("Not comparable: at least one has no strategy of its own in the data.", className="small"),
        ], className="mb-1"))
    return html.Div([
        html.P("Score = 0.6 × similarity in meaning of the priorities (each priority paired with the other region's "
               "closest, across languages; multilingual sentence vectors, or word overlap where vectors are missing) "
               "+ 0.4 × mean overlap (Jaccard) of NACE divisions, NABS chapters and ecosystems (own strategies only). "
               "Under each pair: its closest priorities by their titles, and the codes both have.",
               className="small text-muted"),
        html.Ul(items, id="cmp-pairs", className="list-unstyled"),
    ])


def body(atlas: Atlas, cmp: dict, geometry_url, prefix: str) -> list:
    map_graph = dcc.Graph(id="cmp-map", figure=compare_map(atlas.regions.loc[cmp["ids"]], atlas.countries, geometry_url),
                          config={"displaylogo": False, "displayModeBar": False}, className="cmp-map")
    if len(cmp["ids"]) < 2:
        return [map_graph, html.P("Add at least two regions with the box above to compare them.",
                                  className="text-muted mt-2", id="cmp-empty")]
    return [
        dbc.Row([
            dbc.Col(island([html.H2("Statistics", className="h5"), stats_table(cmp, prefix)]), lg=7),
            dbc.Col(map_graph, lg=5),
        ], className="g-3"),
        html.H2("Statistics, normalised", className="h5 mt-2"),
        dcc.Graph(id="cmp-bars", figure=compare_bars(cmp), config={"displaylogo": False, "displayModeBar": False}),
        # static HTML (components/static.py): hundreds of table cells Dash need not track
        island([
            html.P("Each bar is the region's latest value as a percentage of the highest value among the compared "
                   "regions, so a longer bar is a larger value, not always a better one: for unemployment lower is "
                   "better, and the better value of each indicator that has a direction is marked 'best' (sizes "
                   "such as GDP, population and area have none). 'no data' stands where a region has no value. "
                   "Years and sources are in the table above and in the hover text.",
                   className="small text-muted", id="cmp-bars-note"),
            html.H2("Similarity", className="h5 mt-3"),
            pairs_block(cmp),
            html.H2("Shared and distinct codes and keywords", className="h5 mt-3"),
            codes_block(cmp, prefix),
            html.H2("Priorities", className="h5 mt-3"),
            priorities_block(cmp, prefix),
        ]),
    ]


def view(atlas: Atlas, query: str, geometry_url, prefix: str = "/") -> dict:
    """Everything the page shows for a query; pure, so tests call it directly."""
    ids, notes = ids_from_query(atlas, query)
    cmp = compare(atlas, ids)
    extra = [n for n in cmp["notes"] if n not in notes and (ids or not n.startswith("Choose"))]
    return {"ids": ids, "notes": notes + extra, "compare": cmp, "body": body(atlas, cmp, geometry_url, prefix)}


def layout(atlas: Atlas, query: str, geometry_url, prefix: str = "/") -> html.Div:
    v = view(atlas, query, geometry_url, prefix)
    return html.Div([
        # every location prop given, so the Location does not report the URL on mount (that would
        # run the URL callbacks again for the comparison just drawn)
        dcc.Location(id="cmp-url", refresh=False, pathname=prefix.rstrip("/") + PATH, search=query or "", hash="",
                     href=""),
        dcc.Store(id="cmp-asked"),  # the finder's last choice and the regions the URL got from it
        html.H1("Compare regions", className="h3 mt-2"),
        notes_alert(v["notes"], "cmp-notes"),
        dbc.Label(f"Regions to compare (2 to {MAX_COMPARE}, any NUTS level)", html_for="cmp-regions",
                  className="fw-bold small mb-0"),
        slot(region_finder(atlas, "cmp-regions", v["ids"], multi=True,
                           placeholder="Add a region by name or code", className="mb-3"), "finder-slot"),
        dcc.Loading(html.Div(v["body"], id="cmp-body"), delay_show=300),
        credit_line(atlas.version),
    ], className="compare-page")


def register_callbacks(app, atlas: Atlas, geometry_url, prefix: str = "/") -> None:
    """Joined through the URL, one job each, none reading a property it writes: the finder → URL
    (and what the finder asked for); URL → statistics, map and notes; URL → the finder, only where it
    disagrees with the URL (back/forward, a story step, a sixth region dropped)."""
    register_region_finder(app, "cmp-regions")

    @app.callback(Output("cmp-url", "search"), Output("cmp-asked", "data"),
                  Output("cmp-notes", "children", allow_duplicate=True),
                  Output("cmp-notes", "is_open", allow_duplicate=True),
                  Input("cmp-regions", "value"), State("url", "search"), prevent_initial_call=True)
    def finder_to_url(values, current):
        """The regions chosen: the URL of their comparison (the display mode and story place of the
        page's URL kept); nothing when the URL already says so."""
        ids, notes = parse_ids(atlas, values or [])
        q = carry(to_query(ids), current) or "?regions="
        return (no_update if same(q, current) else q, {"values": list(values or []), "ids": ids},
                [html.Div(n) for n in notes] if notes else no_update, True if notes else no_update)

    @app.callback(Output("cmp-body", "children"), Output("cmp-notes", "children"), Output("cmp-notes", "is_open"),
                  Input("cmp-url", "search"), prevent_initial_call=True)
    def url_to_body(search):
        v = view(atlas, search or "", geometry_url, prefix)
        return v["body"], [html.Div(n) for n in v["notes"]], bool(v["notes"])

    @app.callback(Output("cmp-regions", "value"), Output("cmp-regions", "options", allow_duplicate=True),
                  Input("cmp-url", "search"), Input("cmp-asked", "data"), prevent_initial_call=True)
    def url_to_finder(search, asked):
        """The finder shows the URL's regions (with their options); left alone when it already does
        (what it last asked for is what the URL holds), so a choice made meanwhile is never overwritten."""
        ids, _notes = ids_from_query(atlas, search or "")
        if asked is not None and ids == asked.get("values"):
            return no_update, no_update
        return ids, chosen_region_options(atlas, ids)
