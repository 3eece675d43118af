"""The explorer: filters, map and priorities table. State lives in the URL."""
from __future__ import annotations

from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import Input, Output, Patch, State, ctx, dcc, html, no_update

from ..cache import cache
from ..components.shell import credit_line, notes_alert
from ..components.table import priority_rows, table_header
from ..data.atlas import Atlas
from ..data.catalog import INDICATORS
from ..data.periods import PERIODS
from ..data.query import indicator_years, matching_priorities, sort_and_page
from ..figures import explorer_map, map_key, map_values
from ..settings import SETTINGS, path_to
from ..state import ViewState, clicked_region, display_query, parse_query, to_query

PATH = "/"
LEVEL_OPTIONS = [{"label": "All levels", "value": "all"}, {"label": "Country (NUTS 0)", "value": "0"},
                 {"label": "NUTS 1", "value": "1"}, {"label": "NUTS 2", "value": "2"},
                 {"label": "NUTS 3", "value": "3"}]
PERIOD_OPTIONS = [{"label": "Any period", "value": "any"},
                  {"label": "Current: running into 2021 or later", "value": "current"},
                  {"label": "Earlier: ended by 2020", "value": "older"},
                  {"label": "Period not stated in the source", "value": "unstated"}]
SORT_OPTIONS = [{"label": "Region", "value": "region"}, {"label": "Priority", "value": "priority"},
                {"label": "Strategy", "value": "strategy"}, {"label": "Region (Z–A)", "value": "-region"},
                {"label": "Priority (Z–A)", "value": "-priority"}, {"label": "Strategy (Z–A)", "value": "-strategy"}]

MAP_CONFIG = {"displaylogo": False, "scrollZoom": True,
              "toImageButtonOptions": {"format": "png", "filename": "s3-atlas-map", "width": 1920, "height": 1080}}
EXPORTS = (("ex-dl-csv", "export/priorities.csv"), ("ex-dl-xlsx", "export/priorities.xlsx"),
           ("ex-dl-geojson", "export/regions.geojson"))

# Control id -> ViewState field; the order is the callback's argument order.
CONTROLS = (("ex-mode", "mode"), ("ex-q", "q"), ("ex-level", "level"), ("ex-nace", "nace"), ("ex-nabs", "nabs"),
            ("ex-eco", "eco"), ("ex-platform", "platform"), ("ex-partnership", "partnership"), ("ex-period", "period"),
            ("ex-indicator", "indicator"), ("ex-year", "year"), ("ex-sort", "sort"), ("ex-page", "active_page"))


def nace_options(atlas: Atlas) -> list[dict]:
    opts = []
    for r in atlas.nace.itertuples():
        if r.level == "section":
            opts.append({"label": f"{r.code} — {r.name}", "value": r.code})
        else:
            opts.append({"label": f"{r.section}.{r.code} — {r.name}", "value": r.code})
    return opts


def region_options(atlas: Atlas) -> list[dict]:
    """Every region by name (Latin and national script) and code, for the region finder."""
    r = atlas.regions.sort_values(["level", "name_latn"])
    return [{"label": f"{n} ({i})" if n == nn else f"{n} / {nn} ({i})", "value": i}
            for i, n, nn in zip(r.nuts_id, r.name_latn, r.name_national)]


def partnership_options(atlas: Atlas) -> list[dict]:
    names = dict(zip(atlas.platforms.platform_id, atlas.platforms.name))
    return [{"label": f"{r.name}" + (f" ({names[r.platform_id]})" if r.platform_id in names else ""),
             "value": r.partnership_id} for r in atlas.partnerships.sort_values("name").itertuples()]


def control_values(state: ViewState) -> list:
    """Values for the controls, in CONTROLS order."""
    return [state.mode, state.q, "all" if state.level is None else str(state.level), list(state.nace),
            list(state.nabs), list(state.eco), state.platform or None, state.partnership or None,
            state.period or "any", state.indicator, "latest" if state.year is None else str(state.year), state.sort, state.page]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _codes(value) -> str:
    items = value if isinstance(value, list) else []
    return ",".join(v for v in items[: SETTINGS.max_selected_codes + 1] if isinstance(v, str) and "," not in v)


def state_from_controls(atlas: Atlas, values: list, region: str) -> tuple[ViewState, list[str]]:
    """The state from control values, passed through the URL parser (one validation path).
    Values of the wrong type (a forged request) count as empty."""
    mode, q, level, nace, nabs, eco, platform, partnership, period, indicator, year, sort, page = values
    query = {
        "mode": _text(mode), "q": _text(q)[: SETTINGS.max_keyword_length + 1], "level": _text(level),
        "nace": _codes(nace), "nabs": _codes(nabs), "eco": _codes(eco), "platform": _text(platform),
        "partnership": _text(partnership), "period": _text(period), "indicator": _text(indicator), "year": _text(year),
        "region": _text(region), "sort": _text(sort),
        "page": str(page) if isinstance(page, int) and not isinstance(page, bool) else "1",
    }
    return parse_query({k: v for k, v in query.items() if v}, atlas)


def year_options(atlas: Atlas, state: ViewState) -> list[dict]:
    years = indicator_years(atlas, state.indicator, state.map_level)
    if state.year is not None and state.year not in years:
        years = sorted(years + [state.year], reverse=True)  # keep the chosen year; the map shows it as no data
    return [{"label": "Latest year", "value": "latest"}] + [{"label": str(y), "value": str(y)} for y in years]


def filter_panel(atlas: Atlas, state: ViewState) -> html.Div:
    v = dict(zip((c[0] for c in CONTROLS), control_values(state)))
    dd = dict(className="mb-2", persistence=False)
    return html.Div([
        html.H2("Filter by", className="h6 text-uppercase text-muted"),
        dbc.Label("Keywords", html_for="ex-q", className="mb-0 small fw-bold"),
        dbc.Input(id="ex-q", type="search", value=v["ex-q"], placeholder="e.g. health, hydrogen, textile",
                  debounce=0.4, maxLength=SETTINGS.max_keyword_length, className="mb-2"),
        dbc.Label("Territorial level", html_for="ex-level", className="mb-0 small fw-bold"),
        dcc.Dropdown(id="ex-level", options=LEVEL_OPTIONS, value=v["ex-level"], clearable=False, **dd),
        dbc.Label("Strategy period", html_for="ex-period", className="mb-0 small fw-bold"),
        dcc.Dropdown(id="ex-period", options=PERIOD_OPTIONS, value=v["ex-period"], clearable=False, **dd),
        dbc.Label("Economic classification (NACE Rev. 2)", html_for="ex-nace", className="mb-0 small fw-bold"),
        dcc.Dropdown(id="ex-nace", options=nace_options(atlas), value=v["ex-nace"], multi=True,
                     placeholder="Select sections or divisions", **dd),
        dbc.Label("Scientific classification (NABS 2007)", html_for="ex-nabs", className="mb-0 small fw-bold"),
        dcc.Dropdown(id="ex-nabs", options=[{"label": f"{r.code} — {r.name}", "value": r.code}
                                            for r in atlas.nabs.itertuples()],
                     value=v["ex-nabs"], multi=True, placeholder="Select chapters", **dd),
        dbc.Label("European industrial ecosystem", html_for="ex-eco", className="mb-0 small fw-bold"),
        dcc.Dropdown(id="ex-eco", options=[{"label": r.name, "value": r.code} for r in atlas.ecosystems.itertuples()],
                     value=v["ex-eco"], multi=True, placeholder="Select ecosystems", **dd),
        dbc.Label("Thematic platform", html_for="ex-platform", className="mb-0 small fw-bold"),
        dcc.Dropdown(id="ex-platform", options=[{"label": r.name, "value": r.platform_id}
                                                for r in atlas.platforms.itertuples()],
                     value=v["ex-platform"], placeholder="Any platform", **dd),
        dbc.Label("Thematic partnership", html_for="ex-partnership", className="mb-0 small fw-bold"),
        dcc.Dropdown(id="ex-partnership", options=partnership_options(atlas), value=v["ex-partnership"],
                     placeholder="Any partnership", **dd),
        html.P("Codes marked as assigned automatically come from a reviewed keyword map and text similarity "
               "(TF-IDF), not from the strategy documents; hover a code to see why it was assigned.",
               className="small text-muted mt-2"),
    ], className="filter-panel")


def map_controls(atlas: Atlas, state: ViewState) -> html.Div:
    v = dict(zip((c[0] for c in CONTROLS), control_values(state)))
    return dbc.Row([
        dbc.Col(dbc.RadioItems(id="ex-mode", value=v["ex-mode"], inline=True, className="mode-switch",
                               options=[{"label": "Priorities", "value": "priorities"},
                                        {"label": "Indicator", "value": "indicator"}]), width="auto"),
        dbc.Col(dcc.Dropdown(id="ex-indicator", options=[{"label": i.label, "value": i.id} for i in INDICATORS],
                             value=v["ex-indicator"], clearable=False), md=5, id="ex-indicator-col"),
        dbc.Col(dcc.Dropdown(id="ex-year", options=year_options(atlas, state),
                             value=v["ex-year"], clearable=False), md=2, id="ex-year-col"),
    ], className="g-2 align-items-center mb-2 map-controls")


def layout(atlas: Atlas, query: str = "") -> html.Div:
    state, notes = parse_query(query, atlas)
    compact = state.embed or state.present  # filters folded away above the map
    panel = filter_panel(atlas, state)
    main = [
        map_controls(atlas, state),
        dcc.Loading(dcc.Graph(id="ex-map", config=MAP_CONFIG, className="explorer-map"), delay_show=300),
        credit_line(atlas.version),
        html.Div([html.Div(id="ex-selected"),
                  dbc.Button("Clear selection", id="ex-clear", size="sm", color="link", className="ms-2 p-0"),
                  dcc.Dropdown(id="ex-region", options=region_options(atlas), value=state.region or None,
                               placeholder="Find a region by name…", className="ms-auto region-finder",
                               style={"minWidth": "18rem"})],
                 className="selected-region d-flex align-items-center flex-wrap gap-2 my-2"),
        html.Div([
            html.Div(id="ex-count", className="fw-bold", role="status", **{"aria-live": "polite"}),
            html.Div([dbc.Label("Sort by", html_for="ex-sort", className="me-2 mb-0 small"),
                      dcc.Dropdown(id="ex-sort", options=SORT_OPTIONS, value=state.sort, clearable=False,
                                   style={"minWidth": "12rem"})], className="d-flex align-items-center table-tools"),
        ], className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-1"),
        html.Div([table_header(), html.Div(id="ex-table")], className="priority-table secondary", role="table"),
        html.Div([html.Span("Download this view: ", className="text-muted"),
                  html.A("priorities (CSV)", id="ex-dl-csv", href="export/priorities.csv"), " · ",
                  html.A("priorities (Excel)", id="ex-dl-xlsx", href="export/priorities.xlsx"), " · ",
                  html.A("regions (GeoJSON)", id="ex-dl-geojson", href="export/regions.geojson"), " · ",
                  html.Span("map image: camera icon on the map (1920×1080, credits included)",
                            className="text-muted")],
                 className="small mt-1 exports secondary"),
        dbc.Pagination(id="ex-page", max_value=1, active_page=state.page, fully_expanded=False,
                       first_last=True, previous_next=True, className="mt-2 secondary"),
    ]
    if compact:
        body = [
            dbc.Button("Filters", id="ex-filters-toggle", size="sm", color="secondary", outline=True,
                       className="mb-2 filters-toggle", n_clicks=0, title="Show or hide the filters (key: f)"),
            dbc.Collapse(panel, id="ex-filters-collapse", is_open=False, className="mb-2"),
            *main,
        ]
    else:
        body = [dbc.Row([dbc.Col(panel, lg=3, className="side-col"), dbc.Col(main, lg=9)])]
    return html.Div([dcc.Location(id="ex-url", refresh=False), notes_alert(notes, "ex-notes"), *body],
                    className="explorer")


def filter_summary(atlas: Atlas, state: ViewState) -> str:
    """The active filters in words, for the count line (and the audience of a presentation)."""
    names = atlas.code_names
    parts = []
    if state.q:
        parts.append(f"keywords “{state.q}”")
    if state.level is not None:
        parts.append("country level" if state.level == 0 else f"NUTS {state.level}")
    if state.period:
        parts.append(f"strategy period {PERIODS[state.period]}")
    for label, scheme, codes in (("NACE", "nace", state.nace), ("NABS", "nabs", state.nabs),
                                 ("ecosystem", "ecosystem", state.eco)):
        if codes:
            parts.append(f"{label} " + ", ".join(names[scheme].get(c, c) if scheme == "ecosystem" else c for c in codes))
    if state.platform:
        parts.append(dict(zip(atlas.platforms.platform_id, atlas.platforms.name)).get(state.platform, state.platform)
                     + " platform")
    if state.partnership:
        parts.append(dict(zip(atlas.partnerships.partnership_id, atlas.partnerships.name)).get(
            state.partnership, state.partnership) + " partnership")
    if state.region:
        parts.append(f"in {atlas.region_name(state.region)} ({state.region})")
    return " · ".join(parts)


def map_patch(atlas: Atlas, state: ViewState) -> Patch:
    """Only the values of the map. Geometry, region ids and names stay in the browser."""
    values = map_values(atlas, state)
    patch = Patch()
    for i, t in enumerate(values["traces"]):
        if t.get("static"):
            continue
        patch["data"][i]["z"] = t["z"]
        if "text" in t:
            patch["data"][i]["text"] = t["text"]
            patch["data"][i]["hovertemplate"] = t["hovertemplate"]
    if not values.get("static_axis"):
        patch["layout"]["coloraxis"] = values["coloraxis"]
    return patch


def map_figure(atlas: Atlas, state: ViewState, geometry_url, previous: ViewState | None):
    """The full figure, a Patch of values, or nothing when only the table changed."""
    if previous is None or map_key(atlas, previous) != map_key(atlas, state):
        return explorer_map(atlas, state, geometry_url)
    if replace(previous, sort=state.sort, page=state.page) == state:
        return no_update
    return map_patch(atlas, state)


def table_view(atlas: Atlas, state: ViewState) -> dict:
    matches = matching_priorities(atlas, state.filters())
    rows, page, pages = sort_and_page(matches, state.sort, state.page, SETTINGS.table_page_size)
    n_strat = matches.strategy_id.nunique()
    count = (f"{len(matches)} priorit{'y' if len(matches) == 1 else 'ies'} in {n_strat} "
             f"strateg{'y' if n_strat == 1 else 'ies'} match")
    summary = filter_summary(atlas, state)
    if summary:
        count += f" — {summary}"
    return {"rows": priority_rows(atlas, rows), "count": count, "page": page, "pages": pages}


def view(atlas: Atlas, state: ViewState, geometry_url, previous: ViewState | None = None,
         table=None) -> dict:
    """Everything the explorer shows for a state; pure, so tests call it directly. Given the
    previous state, parts that did not change are `no_update` and a map with the same structure
    is a Patch of values only."""
    same_table = previous is not None and (previous.filters(), previous.sort, previous.page) == (
        state.filters(), state.sort, state.page)
    table = ({"rows": no_update, "count": no_update, "page": state.page, "pages": no_update} if same_table
             else (table or table_view)(atlas, state))
    return {"figure": map_figure(atlas, state, geometry_url, previous), **table,
            "year_options": year_options(atlas, state)}


def display_suffix(state: ViewState) -> str:
    q = display_query({"embed": state.embed, "present": state.present, "controls": state.controls})
    return "?" + q if q else ""


def selected_panel(atlas: Atlas, state: ViewState):
    if not state.region:
        return html.Span("Click a region on the map to narrow the table to it.", className="text-muted small")
    r = atlas.regions.loc[state.region]
    return html.Div([
        html.Span("Selected: ", className="text-muted"),
        html.Strong(f"{r.name_latn} ({r.nuts_id})"),
        html.Span(f" · {r.name_national}" if r.name_national != r.name_latn else ""),
        " · ",
        dcc.Link("Region profile →", href=path_to(f"/region/{r.nuts_id}") + display_suffix(state), id="ex-profile-link"),
    ])


def register_routes(server, atlas: Atlas, prefix: str) -> None:
    """File exports of a view: the same query string as the explorer's URL."""
    from flask import Response, request

    from ..data.export import priorities_csv, priorities_xlsx, regions_geojson

    def state():
        return parse_query(request.query_string.decode("utf-8", "replace"), atlas)[0]

    def attachment(body, mimetype: str, name: str) -> Response:
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @server.route(f"{prefix}export/priorities.csv")
    def export_csv():
        return attachment(priorities_csv(atlas, state()), "text/csv; charset=utf-8", "s3-atlas-priorities.csv")

    @server.route(f"{prefix}export/priorities.xlsx")
    def export_xlsx():
        return attachment(priorities_xlsx(atlas, state()),
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          "s3-atlas-priorities.xlsx")

    @server.route(f"{prefix}export/regions.geojson")
    def export_geojson():
        import orjson
        return attachment(orjson.dumps(regions_geojson(atlas, state())), "application/geo+json",
                          "s3-atlas-regions.geojson")


def register_callbacks(app, atlas: Atlas, geometry_url) -> None:
    prefix = app.config.requests_pathname_prefix

    @cache.memoize()
    def cached_table(version: str, query: str) -> dict:
        return table_view(atlas, parse_query(query, atlas)[0])

    def table(atlas_: Atlas, state: ViewState) -> dict:
        return cached_table(atlas_.version, to_query(replace(state, embed=False, present=False, controls=True)))

    @app.callback(Output("ex-filters-collapse", "is_open"), Input("ex-filters-toggle", "n_clicks"),
                  State("ex-filters-collapse", "is_open"), prevent_initial_call=True)
    def toggle_filters(_n, is_open):
        return not is_open

    @app.callback([Output(i, "href") for i, _ in EXPORTS], Input("ex-url", "search"))
    def export_links(search):
        return [f"{prefix}{path}{search or ''}" for _, path in EXPORTS]

    control_ids = [c[0] for c in CONTROLS]
    props = ["value"] * (len(CONTROLS) - 1) + ["active_page"]

    @app.callback(
        [Output(cid, prop) for cid, prop in zip(control_ids, props)]
        + [Output("ex-url", "search"), Output("ex-map", "figure"), Output("ex-table", "children"),
           Output("ex-count", "children"), Output("ex-page", "max_value"), Output("ex-year", "options"),
           Output("ex-selected", "children"), Output("ex-clear", "style"), Output("ex-indicator-col", "style"), Output("ex-year-col", "style"),
           Output("ex-notes", "children"), Output("ex-notes", "is_open"), Output("ex-region", "value")],
        [Input("ex-url", "search")] + [Input(cid, prop) for cid, prop in zip(control_ids, props)]
        + [Input("ex-map", "clickData"), Input("ex-clear", "n_clicks"), Input("ex-region", "value")],
        [State("ex-url", "search")],
        prevent_initial_call=False,
    )
    def update(search, *args):
        values = list(args[: len(CONTROLS)])
        click, _clear_clicks, picked, current_search = args[len(CONTROLS):]
        trig = ctx.triggered_id
        notes: list[str] = []
        prev = None
        if trig in (None, "ex-url"):
            state, notes = parse_query(search or "", atlas)
            out_controls = control_values(state)
            out_search = no_update
        else:
            prev, _ = parse_query(current_search or "", atlas)
            region = prev.region
            if trig == "ex-map":
                region = clicked_region(click, atlas.regions.index) or region
            elif trig == "ex-clear":
                region = ""
            elif trig == "ex-region":  # chosen by name in the region finder
                region = picked if isinstance(picked, str) and picked in atlas.regions.index else ""
            state, notes = state_from_controls(atlas, values, region)
            state = replace(state, embed=prev.embed, present=prev.present, controls=prev.controls)
            if trig != "ex-page":
                state = replace(state, page=1)  # a new filter or selection starts at the first page
            out_controls = [no_update] * len(CONTROLS)
            q = to_query(state)
            out_search = q if q != (current_search or "") else no_update
        v = view(atlas, state, geometry_url, previous=prev, table=table)
        if v["page"] != state.page:
            out_controls[-1] = v["page"]
        else:
            out_controls[-1] = state.page if trig in (None, "ex-url") else no_update
        hide = {"display": "none"} if state.mode != "indicator" else {}
        return (out_controls + [out_search, v["figure"], v["rows"], v["count"], v["pages"], v["year_options"],
                                selected_panel(atlas, state), {} if state.region else {"display": "none"},
                                hide, hide, [html.Div(n) for n in notes],
                                bool(notes), no_update if trig == "ex-region" else (state.region or None)])
