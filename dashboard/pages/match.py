"""The partner finder (/match): paste your own priorities (or upload the template), see the
closest priorities across Europe per line and the regions that match most of them; one click
compares them. Short inputs travel in the URL (a shareable view); nothing is stored or logged.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from ..components.finder import region_finder, register_region_finder
from ..components.shell import credit_line, notes_alert
from ..data.atlas import Atlas
from ..data.partners import (MAX_FILE_BYTES, MAX_LINES, PER_LINE, URL_BYTES, InputError, Matches, find_partners,
                             read_lines, read_upload, template_frame)
from ..data.query import search_index
from ..data.search import semantic_available, semantic_reason, similar_to_texts
from ..urlcodec import carry, encode, first, short

PATH = "/match"
COMPARE_TOP = 4
SHOWN_REGIONS = 15


def matches(atlas: Atlas, text: str, own: str = "") -> Matches:
    """The finder's answer for pasted text (raises InputError with a message for the user)."""
    lines = read_lines(text)
    return find_partners(atlas, lines, similar_to_texts(search_index(atlas), lines, k=20), own)


def share_query(text: str, own: str) -> str | None:
    """'?lines=...&region=...' when the input is short enough to share by link, else None."""
    if len(text.encode("utf-8")) > URL_BYTES:
        return None
    return encode([("lines", text.strip()), ("region", own)])


def _score(match: str, score: float) -> str:
    return "exact words" if match == "exact" else f"related in meaning · {score:.2f}"


def results(atlas: Atlas, m: Matches, own: str, prefix: str) -> list:
    """Regions ranked, then each line with its closest priorities."""
    top = list(m.regions.nuts_id[:COMPARE_TOP])
    compare_ids = ([own] if own else []) + top
    ranked = [html.Li([
        html.A(f"{r.name} ({r.nuts_id})", href=f"{prefix}region/{r.nuts_id}"),
        f" — {r.lines_matched} of {len(m.lines)} line{'s' if len(m.lines) != 1 else ''}",
        html.Ul([html.Li(f"line {line}: {title} ({_score(match, score)})", className="small")
                 for line, title, match, score in r.reasons[:4]], className="mb-1"),
    ]) for r in m.regions.head(SHOWN_REGIONS).itertuples()]
    per_line = []
    for i, (line, table) in enumerate(zip(m.lines, m.per_line), start=1):
        rows = [html.Tr([html.Td(f"{r.region} ({r.nuts_id})"), html.Td(r.priority), html.Td(r.strategy, className="small"),
                         html.Td(_score(r.match, r.score), className="small text-nowrap")]) for r in table.itertuples()]
        per_line.append(html.Div([
            html.H3(f"{i}. {line}", className="h6 mt-3"),
            dbc.Table([html.Thead(html.Tr([html.Th("Region"), html.Th("Priority"), html.Th("Strategy"),
                                           html.Th("Match")])), html.Tbody(rows)], size="sm", responsive=True,
                      className="match-table") if rows else html.P("No priority found for this line.",
                                                                   className="text-muted small"),
        ]))
    return [
        html.H2("Regions that match most of your priorities", className="h5 mt-3"),
        html.P("Ranked by how many of your lines one of their priorities is among the closest to, then by how "
               "close (its rank among the regions found for each line). Exact: contains the line's words or their "
               "stems; related: close in meaning (cosine similarity, multilingual sentence vectors).",
               className="small text-muted"),
        html.Ol(ranked, id="match-regions") if ranked else html.P("No region found.", id="match-regions"),
        html.P(dcc.Link(f"Compare {'your region with ' if own else ''}the top {len(top)} regions →",
                        href=f"{prefix}compare?regions={','.join(compare_ids)}", id="match-compare",
                        className="btn btn-primary btn-sm"), className="mt-2") if len(compare_ids) >= 2 else None,
        html.H2(f"Closest priorities per line (top {PER_LINE})", className="h5 mt-4"),
        *per_line,
    ]


def answer(atlas: Atlas, text: str, own: str, prefix: str) -> tuple[list, list[str]]:
    """(result components, notes) for the input; bad input gives a note and no results."""
    if not (text or "").strip():
        return [], []
    try:
        m = matches(atlas, text, own)
    except InputError as exc:
        return [], [str(exc)]
    notes = [] if share_query(text, own) is not None else [
        "This input is longer than 2 KB, so this view cannot be shared by link (short inputs are put in the "
        "address bar). Nothing you paste is stored on the server."]
    return results(atlas, m, own, prefix), notes


def layout(atlas: Atlas, query: str, prefix: str = "/") -> html.Div:
    text = first(query, "lines")
    own = first(query, "region").upper()
    notes = []
    if own and own not in atlas.regions.index:
        notes.append(f"Unknown region '{short(own)}' ignored.")
        own = ""
    body, more = answer(atlas, text, own, prefix)
    semantic = [] if semantic_available() else [html.P(
        "Matching by meaning across languages is not available on this server (" + semantic_reason()
        + "): lines are matched by their words only.", className="alert alert-secondary small", id="match-lexical")]
    return html.Div([
        dcc.Location(id="match-url", refresh=False),
        html.H1("Find partners by priorities", className="h3 mt-2", tabIndex="-1"),
        html.P(f"Paste your region's priorities, one per line, in any EU language (at most {MAX_LINES} lines, 20 KB), "
               "or upload the template. Each line is matched against every priority in the atlas, by its words and "
               "by meaning. Nothing you paste is stored on the server or logged.", className="small text-muted"),
        *semantic,
        notes_alert(notes + more, "match-notes"),
        dbc.Row([
            dbc.Col([
                dbc.Label("Your priorities (one per line)", html_for="match-text", className="fw-bold small mb-0"),
                dbc.Textarea(id="match-text", value=text, rows=7, maxLength=20 * 1024,
                             placeholder="e.g.\nHydrogen production and fuel cells\nSmart grids\nTurismo sostenibile"),
            ], lg=7),
            dbc.Col([
                dbc.Label("Your region (left out of the results, first in the comparison)", html_for="match-region",
                          className="fw-bold small mb-0"),
                region_finder(atlas, "match-region", own or None,
                             placeholder="Optional", className="mb-2"),
                dcc.Upload(html.Span(["Upload the template (CSV or Excel, up to ", f"{MAX_FILE_BYTES // 1024} KB)"]),
                           id="match-upload", max_size=MAX_FILE_BYTES, accept=".csv,.xlsx,.txt",
                           className="match-upload btn btn-outline-secondary btn-sm mb-1"),
                html.Div([html.A("template (CSV)", href=f"{prefix}match/template.csv"), " · ",
                          html.A("template (Excel)", href=f"{prefix}match/template.xlsx")], className="small mb-2"),
                dbc.Button("Find partners", id="match-go", color="primary", n_clicks=0),
            ], lg=5),
        ], className="g-3"),
        dcc.Loading(html.Div(body, id="match-results"), delay_show=300),
        credit_line(atlas.version),
    ], className="match-page")


def register_routes(server, prefix: str = "/") -> None:
    """The upload template, as CSV and as Excel."""
    from flask import Response

    @server.route(f"{prefix}match/template.csv")
    def match_template_csv():
        return Response(template_frame().to_csv(index=False), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="s3-atlas-priorities-template.csv"'})

    @server.route(f"{prefix}match/template.xlsx")
    def match_template_xlsx():
        import io

        buf = io.BytesIO()
        template_frame().to_excel(buf, index=False)
        return Response(buf.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="s3-atlas-priorities-template.xlsx"'})


def register_callbacks(app, atlas: Atlas, prefix: str = "/") -> None:
    register_region_finder(app, "match-region")

    @app.callback(Output("match-text", "value"), Output("match-notes", "children", allow_duplicate=True),
                  Output("match-notes", "is_open", allow_duplicate=True),
                  Input("match-upload", "contents"), State("match-upload", "filename"), prevent_initial_call=True)
    def upload(contents, filename):
        """An uploaded template fills the text box (the file itself is not kept)."""
        try:
            return read_upload(contents, filename), [], False
        except InputError as exc:
            return no_update, [html.Div(str(exc))], True

    @app.callback(Output("match-results", "children"), Output("match-url", "search"),
                  Output("match-notes", "children"), Output("match-notes", "is_open"),
                  Input("match-go", "n_clicks"), State("match-text", "value"), State("match-region", "value"),
                  State("match-url", "search"), prevent_initial_call=True)
    def find(_n, text, own, current):
        """The answer for the text; the URL carries short inputs so the view can be shared."""
        text = text if isinstance(text, str) else ""
        own = own if isinstance(own, str) and own in atlas.regions.index else ""
        body, notes = answer(atlas, text, own, prefix)
        if not text.strip():
            notes = ["Paste at least one priority (one per line)."]
        q = share_query(text, own)
        return body, carry(q if q is not None and body else "", current), [html.Div(n) for n in notes], bool(notes)
