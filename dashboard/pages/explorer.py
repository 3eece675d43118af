"""The explorer page: filters, map and priorities table. The URL is the state.

One callback (``change_view``) answers every change of the view, in one request: a control, a click
on the map, the region finder, the selection cleared, or the URL itself (back/forward, a story step,
a map view button). It writes the new URL, sets the controls that disagree with it and draws the map
(a Patch of values when the map's structure holds), the table, count line and pager, and the panels
(selected region, notes on the link, indicator controls, map view buttons). The export links follow
the URL in the browser. What each shows comes from the pure functions in ``views.explorer``.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from ..cache import cache
from ..components.finder import region_finder, register_region_finder
from ..components.options import (chosen_region_options, ecosystem_options, nabs_options, nace_options,
                                  partnership_options, platform_options)
from ..components.shell import credit_line, notes_alert, slot
from ..components.static import island, to_html
from ..components.table import DETAIL_ROUTE
from ..data.atlas import Atlas
from ..data.catalog import INDICATORS, OUTERMOST_REGIONS
from ..data.export import (MapChoice, priorities_csv, priorities_xlsx, regions_csv, regions_geojson,
                           regions_xlsx)
from ..data.search import semantic_available, semantic_reason
from ..settings import MAX_KEYWORD_LENGTH
from ..state import ViewState, clicked_region, parse_query, to_query
from ..urlcodec import carry, display_query, same
from ..views.explorer import (CONTROL_IDS, CONTROL_PROPS, control_values, explorer_figure, map_key, map_values,
                              next_state, row_detail, table_key, table_view, year_note,
                              year_options)

PATH = "/"
LEVEL_OPTIONS = [{"label": "All levels", "value": "all"}, {"label": "Country (NUTS 0)", "value": "0"},
                 {"label": "NUTS 1", "value": "1"}, {"label": "NUTS 2", "value": "2"},
                 {"label": "NUTS 3", "value": "3"}]
PERIOD_OPTIONS = [{"label": "Any period", "value": "any"},
                  {"label": "Current: running into 2021 or later", "value": "current"},
                  {"label": "Earlier: ended by 2020", "value": "older"},
                  {"label": "Period not stated in the source", "value": "unstated"}]
SORT_OPTIONS = [{"label": "Relevance", "value": "relevance"}, {"label": "Region", "value": "region"}, {"label": "Priority", "value": "priority"},
                {"label": "Strategy", "value": "strategy"}, {"label": "Region (Z–A)", "value": "-region"},
                {"label": "Priority (Z–A)", "value": "-priority"}, {"label": "Strategy (Z–A)", "value": "-strategy"}]

# the level filters strategies, not the map's detail: said next to it, so a grey Europe at NUTS 3 surprises no one
LEVEL_NOTE = ("Filters strategies by the level they were written for; the map shows their territories "
              "(grey: none at that level).")
# Long lists of codes: a taller list than the dropdown's 200 px (three wrapped rows in the side column)
CODE_LIST = {"maxHeight": 420}

# No cloud upload ("share"/"edit in Chart Studio") in an offline, self-hosted tool.
MAP_CONFIG = {"displaylogo": False, "scrollZoom": True, "showSendToCloud": False, "showEditInChartStudio": False,
              "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "select2d", "lasso2d"],
              "toImageButtonOptions": {"format": "png", "filename": "s3-atlas-map", "width": 1920, "height": 1080}}
EXPORTS = (("ex-dl-csv", "export/priorities.csv"), ("ex-dl-xlsx", "export/priorities.xlsx"),
           ("ex-dl-regions-csv", "export/regions.csv"), ("ex-dl-regions-xlsx", "export/regions.xlsx"),
           ("ex-dl-geojson", "export/regions.geojson"))
LISTING_OPTIONS = [{"label": "Regions", "value": "regions"}, {"label": "Priorities", "value": "priorities"}]

def filter_panel(atlas: Atlas, state: ViewState) -> html.Div:
    v = dict(zip(CONTROL_IDS, control_values(state)))
    dd = dict(className="mb-2", persistence=False)
    return html.Div([
        html.H2("Filter by", className="h6 text-uppercase text-muted"),
        dbc.Label("Keywords", html_for="ex-q", className="mb-0 small fw-bold"),
        dbc.Input(id="ex-q", type="search", value=v["ex-q"], placeholder="e.g. health, hydrogen, textile",
                  debounce=0.4, maxLength=MAX_KEYWORD_LENGTH, className="mb-1"),
        html.P("Whole words and their forms (textiles → textile), \"quoted phrases\"; priorities close in meaning, "
               "in any language, are listed after the exact ones as related." if semantic_available() else
               "Whole words and their forms, \"quoted phrases\". Matching by meaning across languages is not "
               "available on this server (" + semantic_reason() + ").", className="small text-muted mb-2",
               id="ex-q-help"),
        dbc.Label("Territorial level", html_for="ex-level", className="mb-0 small fw-bold"),
        slot(dcc.Dropdown(id="ex-level", options=LEVEL_OPTIONS, value=v["ex-level"], clearable=False, **dd)),
        html.P(LEVEL_NOTE, className="small text-muted mb-2 level-note", id="ex-level-note"),
        dbc.Label("Strategy period", html_for="ex-period", className="mb-0 small fw-bold"),
        slot(dcc.Dropdown(id="ex-period", options=PERIOD_OPTIONS, value=v["ex-period"], clearable=False, **dd)),
        dbc.Label("Economic classification (NACE Rev. 2)", html_for="ex-nace", className="mb-0 small fw-bold"),
        # sections first, ranked as the user types (codeOptions in assets/app.js); no "select all"
        # (a filter of every code is no filter, and it passes the number of codes a view takes)
        slot(dcc.Dropdown(id="ex-nace", options=nace_options(atlas), value=v["ex-nace"], multi=True,
                          placeholder="Select sections or divisions", search_order="original",
                          **{**CODE_LIST, **dd}), "code-slot"),
        dbc.Label("Scientific classification (NABS 2007)", html_for="ex-nabs", className="mb-0 small fw-bold"),
        slot(dcc.Dropdown(id="ex-nabs", options=nabs_options(atlas), value=v["ex-nabs"], multi=True,
                          placeholder="Select chapters", **{**CODE_LIST, **dd}), "code-slot"),
        dbc.Label("European industrial ecosystem", html_for="ex-eco", className="mb-0 small fw-bold"),
        slot(dcc.Dropdown(id="ex-eco", options=ecosystem_options(atlas), value=v["ex-eco"], multi=True,
                          placeholder="Select ecosystems", **{**CODE_LIST, **dd}), "code-slot"),
        dbc.Label("Thematic platform", html_for="ex-platform", className="mb-0 small fw-bold"),
        slot(dcc.Dropdown(id="ex-platform", options=platform_options(atlas), value=v["ex-platform"], placeholder="Any platform", **dd)),
        dbc.Label("Thematic partnership", html_for="ex-partnership", className="mb-0 small fw-bold"),
        slot(dcc.Dropdown(id="ex-partnership", options=partnership_options(atlas), value=v["ex-partnership"],
                     placeholder="Any partnership", **dd)),
        html.P("Codes marked as assigned automatically come from a reviewed keyword map and text similarity "
               "(TF-IDF), not from the strategy documents; hover a code to see why it was assigned.",
               className="small text-muted mt-2"),
    ], className="filter-panel")


def map_controls(atlas: Atlas, state: ViewState) -> html.Div:
    v = dict(zip(CONTROL_IDS, control_values(state)))
    hide = {"display": "none"} if state.mode != "indicator" else {}  # as url_to_view will, without a jump
    return dbc.Row([
        dbc.Col(dbc.RadioItems(id="ex-mode", value=v["ex-mode"], inline=True, className="mode-switch",
                               options=[{"label": "Priorities", "value": "priorities"},
                                        {"label": "Indicator", "value": "indicator"}]), width="auto"),
        dbc.Col(slot(dcc.Dropdown(id="ex-indicator", options=[{"label": i.label, "value": i.id} for i in INDICATORS],
                             value=v["ex-indicator"], clearable=False)), md=5, id="ex-indicator-col",
                style=hide),
        dbc.Col(slot(dcc.Dropdown(id="ex-year", options=year_options(atlas, state),
                             value=v["ex-year"], clearable=False)), md=2, id="ex-year-col", style=hide),
    ], className="g-2 align-items-center mb-2 map-controls")


def layout(atlas: Atlas, query: str, prefix: str, geometry_url) -> html.Div:
    """The explorer as the URL asks, drawn on the server: map, table, count and panels come with
    the page (no second round of requests on load); the callbacks take over from the first change."""
    state, notes = parse_query(query, atlas)
    compact = state.embed or state.present  # filters folded away above the map
    panel = filter_panel(atlas, state)
    table = table_view(atlas, state, prefix)
    figure = explorer_figure(atlas, state, geometry_url)
    # the map's legend: HTML over the map's top right corner (plotly's colour bar squeezes its
    # labels together where a class is narrow), under the map on phones
    frame = html.Div([dcc.Loading(dcc.Graph(id="ex-map", figure=figure, config=MAP_CONFIG, className="explorer-map"),
                                  delay_show=300, parent_className="map-loading"),
                      html.Div(id="ex-legend", className="map-legend", role="group",
                               **{"aria-label": "Map legend"})], className="map-frame")
    views = html.Div(views_bar(atlas, state), id="ex-views", className="ex-views")
    # a chosen indicator year without values for some countries names them and their years
    year = html.P(year_note(atlas, state), id="ex-year-note", className="small mb-1 year-note")
    # the answer's count line: above the map on wide screens and phones alike, so it is read
    # without scrolling; in embed and presentation modes under the map, which fills the screen
    count = html.Div(table["count"], id="ex-count", className="fw-bold", role="status", **{"aria-live": "polite"})
    tools = html.Div([
        dbc.RadioItems(id="ex-by", value=state.listing, options=LISTING_OPTIONS, inline=True,
                       className="listing-switch", inputClassName="btn-check", labelClassName="btn btn-sm btn-outline-primary",
                       labelCheckedClassName="active"),
        html.Div([dbc.Label("Sort by", html_for="ex-sort", className="me-2 mb-0 small"),
                  slot(dcc.Dropdown(id="ex-sort", options=SORT_OPTIONS, value=state.sort, clearable=False,
                                    style={"minWidth": "12rem"}))], className="d-flex align-items-center table-tools"),
    ], className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-1 list-tools secondary")
    answer = [
        credit_line(atlas.version),
        html.Div([html.Div(selected_panel(atlas, state, prefix), id="ex-selected"),
                  dbc.Button("Clear selection", id="ex-clear", size="sm", color="link", className="ms-2 p-0",
                             style={} if state.region else {"display": "none"}),
                  slot(region_finder(atlas, "ex-region", state.region or None,
                                       placeholder="Find a region by name…", className="region-finder"),
                          "ms-auto region-slot")],
                 className="selected-region d-flex align-items-center flex-wrap gap-2 my-2"),
    ]
    rest = [
        tools,
        html.Div(html.Div(table["rows"], id="ex-table"), className="priority-table secondary"),
        html.Div([html.Span("Download this view: ", className="text-muted"),
                  html.A("priorities (CSV)", id="ex-dl-csv", href=f"{prefix}export/priorities.csv{to_query(state)}"),
                  " · ",
                  html.A("priorities (Excel)", id="ex-dl-xlsx", href=f"{prefix}export/priorities.xlsx{to_query(state)}"),
                  " · ",
                  html.A("regions ranked (CSV)", id="ex-dl-regions-csv",
                         href=f"{prefix}export/regions.csv{to_query(state)}"),
                  " · ",
                  html.A("regions ranked (Excel)", id="ex-dl-regions-xlsx",
                         href=f"{prefix}export/regions.xlsx{to_query(state)}"),
                  " · ",
                  html.A("regions (GeoJSON)", id="ex-dl-geojson", href=f"{prefix}export/regions.geojson{to_query(state)}"),
                  " · ",
                  html.Span("map image: camera icon on the map (1920×1080, credits included)",
                            className="text-muted")],
                 className="small mt-1 exports secondary"),
        dbc.Pagination(id="ex-page", max_value=table["pages"], active_page=table["page"], fully_expanded=False,
                       first_last=True, previous_next=True, className="mt-2 secondary"),
    ]
    toggle = dbc.Button("Filters", id="ex-filters-toggle", size="sm", color="secondary", outline=True,
                        className="mb-2 filters-toggle", n_clicks=0, title="Show or hide the filters (key: f)")
    # shown where the filters lie over the map (embed and presentation modes)
    close = dbc.Button("Close filters ×", id="ex-filters-close", size="sm", color="secondary", n_clicks=0,
                       className="filters-close")
    if compact:
        # one screen: a bar of controls, the map filling what is left of the screen (the filters lie
        # over it when opened, with their close button), and the view's answer (count line,
        # selected region) under it; the table, when shown, comes after
        bar = html.Div([toggle, map_controls(atlas, state), views], className="stage-bar")
        body = [html.Div([
            bar,
            html.Div([dbc.Collapse([close, panel], id="ex-filters-collapse", is_open=False, className="filters-overlay"),
                      year, frame, *answer, html.Div(count, className="count-row")], className="stage-body"),
        ], className="ex-stage"), *rest]
    else:
        # wide screens show the filters beside the map; narrow ones fold them behind the button,
        # so the map is in the first screen of a phone
        main = [map_controls(atlas, state), html.Div(count, className="count-row count-top"), year, frame, views,
                *answer, *rest]
        body = [dbc.Row([dbc.Col([html.Div(toggle, className="d-lg-none"),
                                  dbc.Collapse([close, panel], id="ex-filters-collapse", is_open=False,
                                               className="mb-2 side-filters")], lg=3, className="side-col"),
                         dbc.Col(main, lg=9)])]
    return html.Div([html.H1("Explore the priorities of Europe's Smart Specialisation Strategies",
                             className="visually-hidden", tabIndex="-1"),
                     # every location prop given, so the Location does not report the URL on mount (that
                     # would run every URL callback again for the view just drawn)
                     dcc.Location(id="ex-url", refresh=False, pathname=prefix, search=query or "", hash="", href=""),
                     dcc.Store(id="ex-drawn", data=to_query(state)),
                     dcc.Store(id="ex-tabled", data=to_query(state)),
                     dcc.Store(id="ex-export-bases", data=[prefix + path for _, path in EXPORTS]),
                     notes_alert(notes, "ex-notes"), *body],
                    className="explorer")


def views_bar(atlas: Atlas, state: ViewState):
    """Buttons that fit the map to Europe or to one outermost region (the URL's ``view``; assets/app.js
    sets it on a click). The current view is marked pressed. In embed and presentation modes they
    fold into a small "Map view" menu (a row of them would take a line of a small screen)."""
    def button(label: str, value: str, title: str):
        return html.Button(label, type="button", title=title, className="btn btn-link btn-sm map-view",
                           **{"data-url-param": "view", "data-url-value": value,
                              "aria-pressed": "true" if state.view == value else "false"})

    regions = [r for r in OUTERMOST_REGIONS if r in atlas.regions.index]
    buttons = [button(atlas.regions.at[r, "name_latn"], r,
                      f"The map fitted to {atlas.regions.at[r, 'name_latn']} ({r})") for r in regions]
    if state.embed or state.present:
        current = atlas.regions.at[state.view, "name_latn"] if state.view else "Europe"
        return island(html.Details([
            html.Summary(["Map: ", html.Strong(current)], className="btn btn-sm btn-outline-secondary"),
            html.Div([button("Europe", "", "The map of Europe"),
                      html.Span("Outermost regions", className="text-muted small px-2"), *buttons],
                     className="map-views-list", role="group", **{"aria-label": "Map view"}),
        ], className="map-views-menu"))
    return island(html.Div([
        html.Span("Map view:", className="text-muted"),
        button("Europe", "", "The map of Europe"),
        html.Span("· outermost regions:", className="text-muted"),
        *buttons,
    ], className="map-views small", role="group", **{"aria-label": "Map view"}))


def display_suffix(state: ViewState) -> str:
    q = display_query({"embed": state.embed, "present": state.present, "controls": state.controls})
    return "?" + q if q else ""


def panels_key(state: ViewState) -> tuple:
    """Two states with the same key show the same panels (``url_to_view``): the selected region, the
    mode, indicator, year and level, the map view and the display modes; not the filters or the table."""
    return (state.region, state.mode, state.indicator, state.year, state.level, state.view, state.embed,
            state.present, state.controls)


def selected_panel(atlas: Atlas, state: ViewState, prefix: str):
    if not state.region:
        return html.Span("Click a region on the map to narrow the table to it.", className="text-muted small select-hint")
    r = atlas.regions.loc[state.region]
    return html.Div([
        html.Span("Selected: ", className="text-muted"),
        html.Strong(f"{r.name_latn} ({r.nuts_id})"),
        html.Span(f" · {r.name_national}" if r.name_national != r.name_latn else ""),
        " · ",
        dcc.Link("Region profile →", href=f"{prefix}region/{r.nuts_id}" + display_suffix(state), id="ex-profile-link"),
    ])


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
    if previous is None or map_key(previous) != map_key(state):
        return explorer_figure(atlas, state, geometry_url)
    if map_values_key(previous) == map_values_key(state):
        return no_update
    return map_patch(atlas, state)


def map_values_key(state: ViewState) -> ViewState:
    """The part of a state the map's values depend on (not the table's sort and page)."""
    return ViewState(**{**state.__dict__, "sort": "region", "page": 1})


def view(atlas: Atlas, state: ViewState, geometry_url, previous: ViewState | None = None) -> dict:
    """The map (figure, Patch or nothing, given the view drawn before) and the table of a state."""
    return {"figure": map_figure(atlas, state, geometry_url, previous), **table_view(atlas, state)}


def register_routes(server, atlas: Atlas, prefix: str) -> None:
    """File exports of a view: the same query string as the explorer's URL."""
    from flask import Response, request

    def state() -> ViewState:
        return parse_query(request.query_string.decode("utf-8", "replace"), atlas)[0]

    def attachment(body, content_type: str, name: str) -> Response:
        # content_type is sent as given (a mimetype= would get a second "; charset=utf-8" for text/*)
        return Response(body, content_type=content_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @server.route(f"{prefix}{DETAIL_ROUTE}/<priority_id>")
    def priority_detail(priority_id: str):
        """A priority row's detail as HTML (explorer and profile; assets/app.js puts it in the row
        when first opened)."""
        detail = row_detail(atlas, state(), priority_id)
        if not detail:
            return Response("No such priority in the data.", status=404, mimetype="text/plain")
        resp = Response(to_html(detail), mimetype="text/html")
        resp.headers["Cache-Control"] = "public, max-age=300"
        return resp

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    tables = {"priorities.csv": (priorities_csv, "text/csv; charset=utf-8"),
              "priorities.xlsx": (priorities_xlsx, xlsx),
              "regions.csv": (regions_csv, "text/csv; charset=utf-8"),
              "regions.xlsx": (regions_xlsx, xlsx)}

    def export_table(name: str):
        """The view's priorities or regions as CSV or Excel (one route per file name in ``tables``)."""
        make, content_type = tables[name]
        s = state()
        return attachment(make(atlas, s.filters(), s.sort, to_query(s)), content_type, f"s3-atlas-{name}")

    for name in tables:
        server.add_url_rule(f"{prefix}export/{name}", f"export_{name.replace('.', '_')}",
                            lambda name=name: export_table(name))

    @server.route(f"{prefix}export/regions.geojson")
    def export_geojson():
        import orjson
        s = state()
        choice = MapChoice(s.mode, s.indicator, s.year, s.map_level)
        return attachment(orjson.dumps(regions_geojson(atlas, s.filters(), choice, to_query(s))),
                          "application/geo+json", "s3-atlas-regions.geojson")


def register_callbacks(app, atlas: Atlas, geometry_url) -> None:
    prefix = app.config.requests_pathname_prefix
    register_region_finder(app, "ex-region")

    @cache.memoize()
    def cached_table(version: str, query: str) -> dict:
        return table_view(atlas, parse_query(query, atlas)[0], prefix)

    def state_of(search) -> ViewState:
        return parse_query(search or "", atlas)[0]

    app.clientside_callback(ClientsideFunction("s3", "legend"), Output("ex-legend", "children"),
                            Input("ex-map", "figure"))

    @app.callback(Output("ex-filters-collapse", "is_open"), Input("ex-filters-toggle", "n_clicks"),
                  Input("ex-filters-close", "n_clicks"), State("ex-filters-collapse", "is_open"),
                  prevent_initial_call=True)
    def toggle_filters(_n, _close, is_open):
        return False if ctx.triggered_id == "ex-filters-close" else not is_open

    app.clientside_callback(ClientsideFunction("s3", "foldFilters"),
                            Output("ex-filters-collapse", "is_open", allow_duplicate=True),
                            Input("ex-q", "n_submit"), prevent_initial_call=True)

    app.clientside_callback(ClientsideFunction("s3", "codeOptions"), Output("ex-nace", "options"),
                            Input("ex-nace", "search_value"), State("ex-nace", "options"), prevent_initial_call=True)

    app.clientside_callback(ClientsideFunction("s3", "exportLinks"), [Output(i, "href") for i, _ in EXPORTS],
                            Input("ex-url", "search"), State("ex-export-bases", "data"), prevent_initial_call=True)

    def changed_query(trigger, values: list, click, picked, current: str) -> str | None:
        """The view's query string after a control changed, a region was clicked on the map or chosen
        in the finder, or the selection was cleared (None when the view stays as it is)."""
        region = None  # a control changed: the selected region stays
        if trigger == "ex-map":
            region = clicked_region(click, atlas.regions.index) or state_of(current).region
        elif trigger == "ex-clear":
            region = ""
        elif trigger == "ex-region":
            region = picked if isinstance(picked, str) and picked in atlas.regions.index else ""
        if region is not None and region == state_of(current).region:
            return None
        q = carry(to_query(next_state(atlas, current, values, region=region, page_changed=trigger == "ex-page")),
                  current)
        return None if same(q, current) else q

    def controls_part(state: ViewState, shown: list) -> list:
        """The controls follow the view where they disagree with it (back/forward, a story step, a value
        the URL's parser corrected); a control that already shows the view's value is left alone, so
        typing is never overwritten. A region the finder is told to show comes with its option (see
        components/finder.py)."""
        wanted = control_values(state) + [state.region or None]
        out = [w if w != s else no_update for w, s in zip(wanted, shown)]
        region_options = no_update if out[-1] is no_update else chosen_region_options(atlas, state.region)
        return out + [region_options, year_options(atlas, state)]

    def map_part(state: ViewState, drawn) -> tuple:
        """The map of the view; ``ex-drawn`` remembers the view drawn, so a change that keeps the
        map's structure sends a Patch of values (or nothing)."""
        previous = state_of(drawn) if isinstance(drawn, str) else None
        return map_figure(atlas, state, geometry_url, previous), to_query(state)

    def table_part(state: ViewState, tabled) -> tuple:
        """The table page, count line and pager of the view (nothing when the table's part of the
        view did not change; the page is corrected when the URL asks for one past the end)."""
        if isinstance(tabled, str) and table_key(state_of(tabled)) == table_key(state):
            return no_update, no_update, no_update, no_update, no_update
        t = cached_table(atlas.version, to_query(ViewState(**{**state.__dict__, "embed": False, "present": False,
                                                                "controls": True})))
        return (t["rows"], t["count"], t["pages"], t["page"] if t["page"] != state.page else no_update,
                to_query(state))

    def panels_part(state: ViewState, notes: list[str], drawn) -> tuple:
        """The selected region's line, the indicator controls (indicator mode only), the map view
        buttons, notes on parameters of the link that were dropped, and the countries without
        values in the indicator's chosen year (nothing when none of them changed, as for a new keyword)."""
        if isinstance(drawn, str):
            before, before_notes = parse_query(drawn, atlas)
            if not notes and not before_notes and panels_key(before) == panels_key(state):
                return (no_update,) * 8
        hide = {"display": "none"} if state.mode != "indicator" else {}
        return (selected_panel(atlas, state, prefix), {} if state.region else {"display": "none"}, hide, hide,
                [html.Div(n) for n in notes], bool(notes), views_bar(atlas, state), year_note(atlas, state))

    # One request per change, and the view's answer computed once in the worker that answers it: a
    # control, a click on the map, the region finder or the URL itself (back/forward, a story step, a
    # map view button) changes the view; this callback writes the new URL (a step in the browser's
    # history), sets the controls that disagree with it and draws the map, table, count line and
    # panels. Runs on changes only: the page comes drawn for its URL (see layout).
    controls = [(c, p) for c, p in zip(CONTROL_IDS, CONTROL_PROPS)] + [("ex-region", "value")]
    view_outputs = [("ex-map", "figure"), ("ex-drawn", "data"), ("ex-table", "children"), ("ex-count", "children"),
                    ("ex-page", "max_value"), ("ex-tabled", "data"), ("ex-selected", "children"),
                    ("ex-clear", "style"), ("ex-indicator-col", "style"), ("ex-year-col", "style"),
                    ("ex-notes", "children"), ("ex-notes", "is_open"), ("ex-views", "children"),
                    ("ex-year-note", "children")]

    @app.callback([Output("ex-url", "search")] + [Output(c, p) for c, p in controls]
                  + [Output("ex-region", "options", allow_duplicate=True), Output("ex-year", "options")]
                  + [Output(c, p) for c, p in view_outputs],
                  [Input(c, p) for c, p in controls] + [Input("ex-map", "clickData"), Input("ex-clear", "n_clicks"),
                                                        Input("ex-url", "search")],
                  State("ex-drawn", "data"), State("ex-tabled", "data"),
                  prevent_initial_call=True)
    def change_view(*args):
        """The new view: its URL, the controls that disagree with it, and everything it draws."""
        *shown, click, _clear, search, drawn, tabled = args
        values, picked = shown[:-1], shown[-1]
        if "ex-url.search" in ctx.triggered_prop_ids:  # the URL changed outside: draw what it says
            new_url, query = no_update, search or ""
        else:
            query = changed_query(ctx.triggered_id, values, click, picked, search)
            if query is None:
                raise PreventUpdate
            new_url = query
        state, notes = parse_query(query, atlas)
        figure, drawn_now = map_part(state, drawn)
        rows, count, pages, page_fix, tabled_now = table_part(state, tabled)
        out = controls_part(state, shown)
        if page_fix is not no_update:  # a page past the end: the pager shows the last one
            out[CONTROL_IDS.index("ex-page")] = page_fix
        return (new_url, *out, figure, drawn_now, rows, count, pages, tabled_now,
                *panels_part(state, notes, drawn))
