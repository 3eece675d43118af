"""A friendly page for addresses the app does not know."""
from __future__ import annotations

from dash import dcc, html


# Every page's "not found" variant (an unknown address, region or partnership) carries this class:
# the app answers such an address with HTTP 404 and this friendly page (dashboard/app.py).
CLASS = "not-found"


def is_not_found(page) -> bool:
    """Whether a page's layout is a "not found" page."""
    return CLASS in str(getattr(page, "className", "") or "").split()


def layout(path: str, message: str | None = None) -> html.Div:
    return html.Div([
        html.H1("Page not found", className="h3 mt-4"),
        html.P(message or "There is no page at this address."),
        html.P(dcc.Link("Go to the explorer", href="/")),
    ], className=CLASS)
