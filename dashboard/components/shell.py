"""Page chrome shared by every page: navigation bar, credit line, notes."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from ..data.catalog import ATTRIBUTION


def navbar(active: str = "") -> dbc.Navbar:
    links = [("Explorer", "/"), ("Compare", "/compare")]
    return dbc.Navbar(
        dbc.Container([
            dcc.Link(html.Span("S3 Atlas", className="navbar-brand"), href="/"),
            dbc.Nav([dbc.NavItem(dcc.Link(label, href=href, className="nav-link" + (" active" if active == href else "")))
                     for label, href in links], navbar=True),
        ], fluid=True),
        color="dark", dark=True, className="mb-2 app-navbar",
    )


def credit_line(version: str) -> html.Div:
    return html.Div([
        html.Span(ATTRIBUTION),
        html.Span(f" · Data snapshot {version}", className="text-muted"),
    ], className="credit-line small", id="credit-line")


def notes_alert(notes: list[str], id_: str) -> dbc.Alert:
    return dbc.Alert([html.Div(n) for n in notes], id=id_, color="warning", is_open=bool(notes),
                     dismissable=True, className="py-2 small url-notes")
