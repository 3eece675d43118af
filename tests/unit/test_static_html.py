"""The page as plain HTML in the first response (components/static.py)."""
from __future__ import annotations

import re

import dash_bootstrap_components as dbc
import pytest
from dash import dcc, html

from dashboard.app import create_app
from dashboard.components.static import first_heading, to_html


def test_components_become_escaped_html_without_ids():
    tree = html.Div([html.Span("<b>x</b> & y", id="a", className="c", title='say "hi"'),
                     dcc.Store(id="s", data=[1]), dcc.Link("Go", href="/region/ES51", className="nav-link"),
                     dbc.Row(dbc.Col("cell", md=5, width="auto", className="k")),
                     dbc.Button("Filters", color="secondary", outline=True, size="sm"),
                     html.Label("Name", htmlFor="a", **{"aria-describedby": "a", "aria-label": "name"})],
                    id="d", style={"minWidth": 12, "zIndex": 3})
    out = to_html(tree)
    assert out == ('<div style="min-width:12px;z-index:3"><span class="c" title="say &quot;hi&quot;">'
                   '&lt;b&gt;x&lt;/b&gt; &amp; y</span><a class="nav-link" data-dash-link="1" href="/region/ES51">Go</a>'
                   '<div class="row"><div class="col-auto col-md-5 k">cell</div></div>'
                   '<button class="btn btn-outline-secondary btn-sm">Filters</button>'
                   '<label aria-label="name">Name</label></div>')
    assert first_heading(html.Div([html.P("a"), html.H1(["Cataluña ", html.Small("(ES51)")])])) == "Cataluña (ES51)"


def test_an_island_keeps_its_ids_and_refuses_live_components():
    from dashboard.components.static import island
    part = island(html.Div([html.H1("Title", id="t", tabIndex="-1"), html.Label("x", htmlFor="t")], id="w"), "k")
    assert part.to_plotly_json() == {"props": {"html": '<div id="w"><h1 id="t" tabindex="-1">Title</h1>'
                                                        '<label for="t">x</label></div>',
                                               "className": "static-html k"},
                                     "type": "StaticHtml", "namespace": "s3_static"}
    # the first-paint copy of a page holding the island: its content, no ids
    assert to_html(html.Main(part)) == '<main><div class="static-html k"><div><h1 tabindex="-1">Title</h1>' \
                                       '<label>x</label></div></div></main>'
    assert first_heading(html.Div(part)) == "Title"
    for live in (dcc.Graph(id="g"), dcc.Dropdown(id="d"), html.Button("b", id={"type": "row", "index": 1}),
                 html.Details("d", n_clicks=0)):
        with pytest.raises(ValueError):
            island(html.Div([html.P("ok"), live]))


@pytest.fixture(scope="module")
def client(atlas):
    return create_app(atlas=atlas).server.test_client()


def _copy(page: str) -> str:
    m = re.search(r'<div id="ssr-page" class="ssr-page" inert aria-hidden="true">(.*)</div>\s*<div id="react-entry-point"',
                  page, re.S)
    assert m, "no static copy in the page"
    return m.group(1)


@pytest.mark.parametrize("path,title,text", [
    ("/?q=hydrogen", "Explore the priorities of Europe", "priorities in"),
    ("/region/ES51", "Cataluña (ES51)", "GDP per inhabitant"),
    ("/compare?regions=ES51,BE3", "Compare regions", "(BE3)"),
    ("/partnerships", "Thematic Smart Specialisation partnerships", "Traceability and Big Data"),
    ("/region/NOPE", "Region not found", "no NUTS territory"),
])
def test_each_page_comes_with_its_static_copy_and_title(client, path, title, text):
    page = client.get(path).get_data(as_text=True)
    copy = _copy(page)
    assert text in copy and " id=" not in copy and "<script" not in copy
    assert re.search(r"<title>(.*?)</title>", page).group(1).replace("&#x27;", "'").startswith(title)


def test_markup_in_a_url_stays_text_in_the_copy(client):
    copy = _copy(client.get("/?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True))
    assert "<script>" not in copy and "&lt;script&gt;" in copy
