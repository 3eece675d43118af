"""Page chrome shared by every page: navigation bar, footer, embed bar, presentation stepper.

Display modes are classes on the outer #app-shell element (set from the URL): `mode-embed`
hides the navigation and footer, `mode-present` switches to large, high-contrast type,
`no-controls` hides the filters in an embed.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from ..data.catalog import ATTRIBUTION
from ..urlcodec import display_of, without

# dcc.Graph config of the partnership maps: no image export there (the explorer's map has it).
MAP_CONFIG = {"displaylogo": False, "scrollZoom": True, "showSendToCloud": False, "showEditInChartStudio": False,
              "modeBarButtonsToRemove": ["toImage", "sendDataToCloud", "editInChartStudio"]}
LINKS = (("Explorer", "/"), ("Compare", "/compare"), ("Find partners", "/match"), ("Partnerships", "/partnerships"), ("About the data", "/about/data"))


def href(prefix: str, path: str) -> str:
    """An app path under the URL prefix the app is served at ('/compare' -> '/s3/compare')."""
    return prefix + path.lstrip("/")


def navbar(prefix: str, present: str | None = None) -> dbc.Navbar:
    """Brand, page links and the view's tools; below the md breakpoint the links and tools fold
    behind a menu button (toggled by a clientside callback in app.py). ``present``: where the
    "Present" button starts (the first step of the saved story)."""
    return dbc.Navbar(
        dbc.Container([
            dcc.Link(html.Span("S3 Atlas", className="navbar-brand"), href=href(prefix, "/")),
            html.Button(html.Span(className="navbar-toggler-icon"), id="nav-toggle", n_clicks=0, type="button",
                        className="navbar-toggler", **{"aria-label": "Menu", "aria-controls": "nav-collapse"}),
            dbc.Collapse([
                dbc.Nav([dbc.NavItem(dcc.Link(label, href=href(prefix, path), className="nav-link"))
                         for label, path in LINKS], navbar=True, className="me-auto"),
                html.Div([
                    html.Button("Copy link", id="copy-link", type="button", n_clicks=0,
                                title="Copy the link to this view", className="btn btn-sm btn-link copy-link me-2"),
                    html.Span(id="copy-link-status", className="small text-light me-3 copy-status", role="status"),
                    html.A("Present", id="present-link", href=present or href(prefix, "/?present=1"),
                           className="btn btn-sm btn-outline-light",
                           title="Presentation mode: the saved views in large type, high contrast (keys: ← → "
                                 "step, m mode, f filters, Esc exit)"),
                ], className="d-flex align-items-center nav-tools"),
            ], id="nav-collapse", navbar=True, is_open=False),
        ], fluid=True),
        color="dark", dark=True, expand="md", className="mb-2 app-navbar chrome",
    )


def footer(version: str, built: str, prefix: str) -> html.Footer:
    return html.Footer([
        html.Span(ATTRIBUTION), " · ",
        html.Span(f"data snapshot {version} ({built[:10]})"), " · ",
        dcc.Link("sources, coverage and licences", href=href(prefix, "/about/data")),
    ], className="app-footer chrome small text-muted")


def embed_bar(prefix: str) -> html.Nav:
    return html.Nav([
        html.A("Open full view ↗", id="full-view", href=href(prefix, "/"), target="_blank", rel="noopener"),
    ], className="embed-bar embed-only small", **{"aria-label": "Full view"})


def shell_classes(search: str) -> str:
    d = display_of(search or "")
    classes = ["app-shell"]
    if d["embed"]:
        classes.append("mode-embed")
    if d["present"]:
        classes.append("mode-present")
    if not d["controls"]:
        classes.append("no-controls")
    return " ".join(classes)


def present_toggle(pathname: str, search: str, start: str | None = None) -> tuple[str, str]:
    """(href, label) of the navbar's presentation switch: out of presentation mode for the current
    view, or into it at ``start`` (the first step of the saved story, so the arrow keys step on
    from the first press), or, without a story, the current view in presentation mode."""
    if display_of(search)["present"]:
        return pathname + without(search, {"present", "story", "step"}), "Exit presentation"
    if start:
        return start, "Present"
    rest = without(search, {"present"})
    return pathname + (rest + "&" if rest else "?") + "present=1", "Present"


def stepper_bar(prefix: str, step: dict | None, starts: list[tuple[str, str]] | None = None):
    """‹ previous · step i of n: title · next › — links the arrow keys press. In presentation
    mode outside a story, links that start each story."""
    if not step:
        if not starts:
            return None
        return html.Div([html.Span("Saved views: ", className="me-2")] + [
            dcc.Link(f"▶ {title}", href=href(prefix, url), className="btn btn-sm btn-light me-2 story-start")
            for title, url in starts
        ], className="stepper d-flex align-items-center justify-content-center")
    return html.Div([
        dcc.Link("‹ Previous", id="step-prev", href=href(prefix, step["prev"]), className="btn btn-sm btn-light")
        if step["prev"] else html.Span("‹ Previous", className="btn btn-sm btn-light disabled"),
        html.Span([html.Strong(step["title"]), f" · {step['story']} · {step['step']} of {step['steps']}"],
                  className="mx-3", role="status"),
        dcc.Link("Next ›", id="step-next", href=href(prefix, step["next"]), className="btn btn-sm btn-light")
        if step["next"] else html.Span("Next ›", className="btn btn-sm btn-light disabled"),
    ], className="stepper d-flex align-items-center justify-content-center")


def credit_line(version: str) -> html.Div:
    return html.Div([
        html.Span(ATTRIBUTION),
        html.Span(f" · Data snapshot {version}", className="text-muted"),
    ], className="credit-line small", id="credit-line")


def notes_alert(notes: list[str], id_: str) -> dbc.Alert:
    return dbc.Alert([html.Div(n) for n in notes], id=id_, color="warning", is_open=bool(notes),
                     dismissable=True, className="py-2 small url-notes")


def slot(dropdown, className: str = "") -> html.Div:
    """A dcc.Dropdown in a box that holds its height while the dropdown's code loads (dcc loads it
    after the first render, and an empty slot would make everything under it jump)."""
    return html.Div(dropdown, className=f"dd-slot {className}".strip())


def propose_link(prefix: str, query: str, what: str) -> html.P:
    """The way to the write path for the data on this page (shown when contributions are on)."""
    return html.P([html.A("Propose a correction or addition", href=f"{prefix}propose?{query}", className="propose-link"),
                   html.Span(f" — to {what}, with the public page that states it; a reviewer checks it before the "
                             "atlas publishes it.", className="text-muted")], className="small mt-3")
