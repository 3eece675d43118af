"""A friendly page for addresses the app does not know."""
from __future__ import annotations

from dash import dcc, html


def layout(path: str, message: str | None = None) -> html.Div:
    return html.Div([
        html.H1("Page not found", className="h3 mt-4"),
        html.P(message or "There is no page at this address."),
        html.P(dcc.Link("Go to the explorer", href="/")),
    ], className="not-found")
