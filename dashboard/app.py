"""Create the Dash app: routes, static assets served from the app itself, pages."""
from __future__ import annotations

import functools
import json
import logging
from html import escape
import re
from pathlib import Path
from urllib.parse import unquote

import dash
from dash import ClientsideFunction, Input, Output, State, dcc, html
from flask import Response, abort, has_request_context, request, send_from_directory

from . import security
from .cache import init_cache
from .components.finder import region_list_path, region_list_store
from .components.options import region_options
from .components.static import first_heading, to_html
from .components.shell import embed_bar, footer, href, navbar, present_toggle, shell_classes, stepper_bar
from .data.atlas import Atlas, get_atlas, load_atlas
from .data.query import query_terms, search_index
from .data.search import load_model
from .data.published import published_folder
from .live import LiveAtlas
from .pages import about_data, compare, explorer, match, not_found, partnership, partnerships, region
from .settings import FAVICON, ROOT, SETTINGS, Settings
from .state import clicked_region
from .urlcodec import display_of, without
from .stories import step_url, stepper, stories_from

log = logging.getLogger(__name__)
GEOMETRY_NAME = re.compile(r"^nuts([0-3])\.([0-9a-f]{10})\.geojson$")
YEAR = 365 * 24 * 3600

# The page shell: English, a description for search engines, a skip link to the page's content
# (before the React root, so it is the first thing a keyboard reaches), and Dash's scripts in a
# plain <div> (a second <footer> would be a second contentinfo landmark next to the app's own).
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <meta name="s3-plotly" content="{PLOTLY_URL}">
        <meta name="description" content="S3 Atlas: Europe's Smart Specialisation Strategies, their priorities, regional statistics and thematic partnerships on equal-area maps of NUTS regions.">
        <title>{%title%}</title>
        <link rel="icon" href="{FAVICON}">
        {%css%}
    </head>
    <body>
        <a class="skip-link" href="#page">Skip to content</a>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
            <script>{AFTER_PAINT}</script>
        </div>
    </body>
</html>"""
POLYFILL_SCRIPT = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>\s*')
# Dash puts the loader of its DataTable in every page; no page of the app has a DataTable.
DATA_TABLE_SCRIPT = re.compile(r'<script src="[^"]*/dash_table/bundle[^"]*"></script>\s*')
# Dash's scripts wait until the page's copy (components/static.py) is on the screen: their tags come
# inert (type AFTER_PAINT_TYPE) and this script makes them live, in their order, once the browser
# reports its first contentful paint (after one frame where it cannot; at once in a hidden tab).
# With ordinary tags a browser that had the scripts at hand ran all of them (about a second of a
# phone's processor) before it painted anything; and a copy removed by Dash's first render before
# the browser had shown it was never counted as painted, so the page's largest paint became the
# live page's, seconds later.
AFTER_PAINT_TYPE = "text/x-after-paint"
AFTER_PAINT = (
    "(function () {"
    " var started = false;"
    " function run() {"
    "  if (started) return; started = true;"
    "  var tags = document.querySelectorAll('script[type=\"" + AFTER_PAINT_TYPE + "\"]'), last = null, inline = [];"
    "  tags.forEach(function (tag) {"
    "   if (!tag.getAttribute('data-src')) { inline.push(tag.textContent); return; }"
    "   var s = document.createElement('script'); s.src = tag.getAttribute('data-src'); s.async = false;"
    "   tag.parentNode.insertBefore(s, tag); last = s;"
    "  });"
    "  function start() { inline.forEach(function (code) {"
    "   var s = document.createElement('script'); s.textContent = code; document.body.appendChild(s); }); }"
    "  if (last) last.addEventListener('load', start); else start();"
    " }"
    " function painted() { return performance.getEntriesByName('first-contentful-paint').length > 0; }"
    " var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];"
    " if (document.visibilityState === 'hidden' || (types.indexOf('paint') >= 0 && painted())) { run(); return; }"
    " document.addEventListener('visibilitychange', run);"
    " if (types.indexOf('paint') >= 0) {"
    "  new PerformanceObserver(function (list, obs) { if (painted()) { obs.disconnect(); run(); } })"
    ".observe({type: 'paint', buffered: true});"
    "  setTimeout(run, 3000);"  # never a page without its scripts, whatever the browser reports
    " } else { requestAnimationFrame(function () { setTimeout(run, 0); }); }"
    "})();")
SCRIPT_TAG = re.compile(r'<script src="([^"]*)"></script>')
RENDERER_TAG = re.compile(r'<script id="_dash-renderer" type="application/javascript">')
# exports are files of a view, not pages; the write path's pages are nobody's search result
ROBOTS = "User-agent: *\nAllow: /\nDisallow: /export/\n"


def warm_up(server) -> float:
    """Answer each page of ``server.config["S3_WARM_PATHS"]`` once in this process (seconds taken).

    The first request of a page in a process builds its layout and its first-paint copy (kept for
    the next requests), and the first request of all sets Dash up: on a busy 2-core machine that
    was 0.5-3 s added to a visitor's first response from each new worker. gunicorn.conf.py calls
    this in each worker after the fork (the sentence model may only be queried after it).
    """
    import time

    start = time.perf_counter()
    client = server.test_client()
    for path in server.config.get("S3_WARM_PATHS", ()):
        resp = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        if resp.status_code != 200:
            log.warning("warming %s answered %s", path, resp.status_code)
    return time.perf_counter() - start


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows one inline script."""
    import base64
    import hashlib

    return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode('utf-8')).digest()).decode()}'"


def page_registry(atlas: Atlas, geometry_url, prefix: str, propose: bool = False) -> list[tuple[str, bool, object]]:
    """(path, takes a sub-path, render(rest, search)) for every page; the first match wins. ``propose``:
    pages link to the write path (contributions are on)."""
    return [
        (explorer.PATH, False, lambda rest, search: explorer.layout(atlas, search, prefix, geometry_url)),
        (about_data.PATH, False, lambda rest, search: about_data.layout(atlas)),
        (partnerships.PATH, False, lambda rest, search: partnerships.layout(atlas, search, geometry_url, prefix=prefix)),
        (partnership.PATH_PREFIX, True, lambda rest, search: partnership.layout(atlas, rest, geometry_url, prefix=prefix, propose=propose)),
        (compare.PATH, False, lambda rest, search: compare.layout(atlas, search, geometry_url, prefix=prefix)),
        (region.PATH_PREFIX, True, lambda rest, search: region.layout(atlas, rest, geometry_url, prefix=prefix, propose=propose)),
        (match.PATH, False, lambda rest, search: match.layout(atlas, search, prefix=prefix)),
    ]


def render_page(registry, path: str, search: str):
    """The layout of the page a path names, or the not-found page."""
    for page_path, takes_rest, render in registry:
        if path == page_path or (takes_rest and (path.startswith(page_path) or path == page_path.rstrip("/"))):
            return render(unquote(path[len(page_path):]) if takes_rest else "", search or "")
    return not_found.layout(path)


VENDOR_DIR = ROOT / "assets" / "vendor"


def hashed_name(name: str) -> str:
    """A vendored file under a name that changes with its content (cached for a year)."""
    import hashlib

    digest = hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest()[:10]
    stem, ext = name.split(".", 1)
    return f"{stem}.{digest}.{ext}"


def plotly_bundle_name() -> str:
    """The partial plotly.js (tools/plotly-bundle) under its content-hashed name."""
    return hashed_name("s3-plotly.min.js")


def send_packed(path: Path, mimetype: str, max_age: int):
    """A static file, its pre-compressed .br / .gz copy when the browser takes it."""
    accepted = request.headers.get("Accept-Encoding", "")
    for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
        packed = path.with_name(path.name + suffix)
        if encoding in accepted and packed.exists():
            resp = send_from_directory(path.parent, packed.name, mimetype=mimetype)
            resp.headers["Content-Encoding"] = encoding
            break
    else:
        resp = send_from_directory(path.parent, path.name, mimetype=mimetype)
    resp.headers["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if max_age == YEAR else "")
    resp.headers["Vary"] = "Accept-Encoding"
    return resp


def serve_static(server, atlas: Atlas, prefix: str, settings: Settings) -> None:
    """Vendored Bootstrap, the geometry files (pre-compressed, immutable) and the health check."""

    css = hashed_name("s3-bootstrap.min.css")

    @server.route(f"{prefix}vendor/{css}")
    def vendor_bootstrap():
        # Bootstrap 5 (from the Bootstrap-Flask package: no CDN) cut to the classes the app uses (tools/css)
        return send_packed(VENDOR_DIR / "s3-bootstrap.min.css", "text/css", YEAR)

    @server.route(f"{prefix}geometry/<name>")
    def geometry(name: str):
        m = GEOMETRY_NAME.match(name)
        if not m or atlas.geometry_files[int(m.group(1))][1] != m.group(2):
            abort(404)
        path = atlas.geometry_files[int(m.group(1))][0]
        accepted = request.headers.get("Accept-Encoding", "")
        for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
            packed = path.with_name(path.name + suffix)
            if encoding in accepted and packed.exists():  # pre-compressed by the build
                resp = send_from_directory(path.parent, packed.name, mimetype="application/geo+json")
                resp.headers["Content-Encoding"] = encoding
                break
        else:
            resp = send_from_directory(path.parent, path.name, mimetype="application/geo+json")
        resp.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        resp.headers["Vary"] = "Accept-Encoding"
        return resp

    bundle = plotly_bundle_name()

    @server.route(f"{prefix}vendor/plotly/<path:name>")
    def vendor_plotly(name: str):
        # the partial plotly.js (tools/plotly-bundle) and the base-map topojson its geo maps load
        if name == bundle:
            return send_packed(VENDOR_DIR / "s3-plotly.min.js", "application/javascript", YEAR)
        if name == "topojson/world_110m.json":
            return send_packed(VENDOR_DIR / "topojson" / "world_110m.json", "application/json", 7 * 24 * 3600)
        abort(404)

    regions_json = json.dumps(region_options(atlas), ensure_ascii=False, separators=(",", ":"))

    @server.route(f"{prefix}{region_list_path(atlas)}")
    def region_list():
        # the region finders' full list (components/finder.py), fetched on the first keystroke
        resp = Response(regions_json, mimetype="application/json")
        resp.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return resp

    hidden = "".join(f"Disallow: {prefix}{p.strip('/')}\n" for p in settings.non_public_paths)

    @server.route(f"{prefix}robots.txt")
    def robots():
        return Response(ROBOTS.replace("/export/", f"{prefix}export/") + hidden, mimetype="text/plain")

    @server.route(f"{prefix}healthz")
    def healthz():
        return {"status": "ok", "snapshot": atlas.version, "built_at": atlas.manifest.get("built_at")}


def warm_atlas(atlas: Atlas) -> None:
    """What a snapshot's first keyword would otherwise wait for: its search index and term tables."""
    search_index(atlas)
    query_terms(atlas)


def create_app(settings: Settings = SETTINGS, atlas: Atlas | None = None) -> dash.Dash:
    """The app on ``atlas``, else on the snapshot last published into ``settings.var_dir`` (when
    contributions are on), else on ``settings.data_dir``; it switches to each snapshot published
    later while it runs (dashboard/live.py)."""
    if atlas is None:
        published = published_folder(settings.var_dir) if settings.contributions else None
        atlas = load_atlas(published) if published else get_atlas(str(settings.data_dir))
    atlas = LiveAtlas(atlas, settings.var_dir if settings.contributions else None, warm=warm_atlas)
    app = dash.Dash(
        __name__,
        title="S3 Atlas — Smart Specialisation Strategies of Europe",
        assets_folder=str(ROOT / "assets"),
        # The partial plotly.js is not put into every page: dcc.Graph loads it when a page has a
        # graph (assets/app.js points Dash's plotly URL at it, never at the full plotly.min.js).
        # (nor Bootstrap, which comes first, under a content-hashed name)
        assets_ignore=r"^(s3-plotly\.min\.js|s3-bootstrap\.min\.css)$",
        external_stylesheets=[],
        serve_locally=True,
        suppress_callback_exceptions=True,
        url_base_pathname=settings.url_prefix,
        update_title=None,
        compress=True,  # flask-compress: brotli first (smaller and faster than gzip on our payloads, see make bench)
    )
    prefix = settings.url_prefix
    app.index_string = (INDEX.replace("{PLOTLY_URL}", f"{prefix}vendor/plotly/{plotly_bundle_name()}")
                        .replace("{AFTER_PAINT}", AFTER_PAINT).replace("{FAVICON}", FAVICON))

    app.config.external_stylesheets = [f"{prefix}vendor/{hashed_name('s3-bootstrap.min.css')}"]
    server = app.server
    server.config["COMPRESS_ALGORITHM"] = ["br", "gzip"]
    server.config["COMPRESS_MIMETYPES"] = ["text/html", "text/css", "text/csv", "application/javascript",
                                           "application/json", "application/geo+json"]

    serve_static(server, atlas, prefix, settings)

    def geometry_url(level: int) -> str:
        return f"{prefix}{atlas.geometry_url(level)}"

    stories = stories_from(str(settings.stories_file))
    first_story = next(iter(stories.values()), None)
    present_start = href(prefix, step_url(first_story, 1)) if first_story else None

    def shell(page=None, classes: str = "app-shell") -> html.Div:
        return html.Div([
            dcc.Location(id="url", refresh="callback-nav"),
            navbar(prefix, present_start),
            embed_bar(prefix),
            html.Nav(id="stepper", **{"aria-label": "Saved views"}),
            html.Main(page, id="page", className="container-fluid app-main", tabIndex="-1"),
            region_list_store(atlas, prefix),
            footer(atlas.version, atlas.manifest.get("built_at", ""), prefix),
        ], id="app-shell", className=classes)

    app.layout = shell  # drawn per visit: the footer names the snapshot being served
    registry = page_registry(atlas, geometry_url, prefix, settings.contributions)

    @functools.lru_cache(maxsize=32)
    def recent_layout(version: str, path: str, search: str):
        return render_page(registry, path, search)

    def recent_page(path: str, search: str):
        return recent_layout(atlas.version, path, search)

    def page_of(path: str, search: str):
        """A page's layout. The first response draws it as HTML and the route callback right after
        sends it again: the last pages drawn are kept (not the partner finder's, whose URL may hold
        pasted text, which is never stored)."""
        if path.startswith(match.PATH):
            return render_page(registry, path, search)
        return recent_page(path, search or "")

    def interpolate_index(**parts):
        # Dash puts @babel/polyfill (core-js for old browsers, 99 KB) before React in every page;
        # the browsers Dash 4 supports need none of it but the global regeneratorRuntime its
        # component loaders call, which assets/vendor/regenerator-runtime.min.js provides (7 KB).
        parts["scripts"] = DATA_TABLE_SCRIPT.sub("", POLYFILL_SCRIPT.sub("", parts["scripts"]))
        # run after the first paint (AFTER_PAINT)
        parts["scripts"] = SCRIPT_TAG.sub(rf'<script type="{AFTER_PAINT_TYPE}" data-src="\1"></script>', parts["scripts"])
        parts["renderer"] = RENDERER_TAG.sub(f'<script id="_dash-renderer" type="{AFTER_PAINT_TYPE}">', parts["renderer"])
        # The page as plain HTML in the first response, painted until Dash has drawn it
        # (components/static.py), and its title.
        copy = first_page()
        if copy is not None:
            heading, body = copy
            parts["title"] = escape(f"{heading} · S3 Atlas" if heading else parts.get("title", "S3 Atlas"))
            parts["app_entry"] = (f'<div class="ssr-stack"><div id="ssr-page" class="ssr-page" inert aria-hidden="true">'
                                  f'{body}</div>{parts["app_entry"]}</div>')
        return dash.Dash.interpolate_index(app, **parts)

    def page_copy(path: str, search: str) -> tuple[str, str]:
        """(h1 text, the page in its shell as plain HTML)."""
        page = page_of(path, search)
        return first_heading(page), to_html(shell(page, shell_classes(search)))

    recent_copies = functools.lru_cache(maxsize=32)(lambda version, path, search: page_copy(path, search))

    def recent_copy(path: str, search: str):  # as recent_page, for the same reason
        return recent_copies(atlas.version, path, search)

    def first_page():
        """(h1 text, HTML) of the requested URL's page, or None when it cannot be drawn here."""
        if not has_request_context():
            return None
        search = "?" + request.query_string.decode("utf-8", "replace") if request.query_string else ""
        path = "/" + (app.strip_relative_path(request.path) or "").strip("/")
        try:
            return page_copy(path, search) if path.startswith(match.PATH) else recent_copy(path, search)
        except Exception:  # the live page still draws; nothing of the URL in the log (it may hold pasted text)
            log.exception("static first paint failed for a %s page", path.split("/")[1] or "home")
            return None

    app.interpolate_index = interpolate_index

    index_endpoints = {prefix, f"{prefix}<path:path>"}  # Dash's page index and its catch-all (same view)

    @server.after_request
    def not_found_status(resp):
        """An address with no page (an unknown path, region or partnership) gets its friendly
        "not found" page, as every page does, with the status 404 instead of 200."""
        if request.endpoint in index_endpoints and resp.status_code == 200:
            search = "?" + request.query_string.decode("utf-8", "replace") if request.query_string else ""
            path = "/" + (app.strip_relative_path(request.path) or "").strip("/")
            try:
                missing = not_found.is_not_found(page_of(path, search))
            except Exception:  # the page itself will say what went wrong; the status stays
                missing = False
            if missing:
                resp.status_code = 404
        return resp

    @app.callback(Output("page", "children"), Input("url", "pathname"), State("url", "search"))
    def route(pathname, search):
        return page_of("/" + (app.strip_relative_path(pathname or "/") or "").strip("/"), search)

    @app.callback(Output("app-shell", "className"), Output("full-view", "href"), Output("present-link", "href"),
                  Output("present-link", "children"), Output("stepper", "children"),
                  Input("url", "pathname"), Input("url", "search"))
    def chrome(pathname, search):
        """Display mode classes, the embed's full-view link, the presentation switch and stepper."""
        search = search or ""
        pathname = pathname or prefix
        present_href, present_label = present_toggle(pathname, search, present_start)
        starts = ([(st.title, step_url(st, 1)) for st in stories.values()]
                  if display_of(search)["present"] else None)
        return (shell_classes(search), pathname + without(search, {"embed", "controls"}), present_href,
                present_label, stepper_bar(prefix, stepper(stories, search), starts))

    def open_profile(click):
        """A click on a region (or a partnership member point) of a page's map opens its profile."""
        rid = clicked_region(click, atlas.regions.index)
        return f"{prefix}region/{rid}" if rid else dash.no_update

    for graph in ("pt-map", "pp-map", "cmp-map"):
        app.callback(Output("url", "pathname", allow_duplicate=True), Input(graph, "clickData"),
                     prevent_initial_call=True)(open_profile)

    # "Copy link" is a real button (keyboard-reachable); the status line tells screen readers.
    app.clientside_callback(ClientsideFunction("s3", "copyUrl"), Output("copy-link-status", "children"),
                            Input("copy-link", "n_clicks"), prevent_initial_call=True)
    # The navbar's menu button on narrow screens; a page change folds the menu again.
    app.clientside_callback(ClientsideFunction("s3", "toggleNav"), Output("nav-collapse", "is_open"),
                            Input("nav-toggle", "n_clicks"), Input("url", "pathname"), State("nav-collapse", "is_open"),
                            prevent_initial_call=True)

    # The search index, the query term tables (other languages) and the sentence model are loaded
    # once here, before a server forks its workers (the model is loaded, not run: see
    # data.search.load_model); a first keyword no longer pays for reading the term tables.
    warm_atlas(atlas)
    load_model()
    server.before_request(atlas.poll)  # a newly published snapshot is picked up (dashboard/live.py)
    explorer.register_callbacks(app, atlas, geometry_url)
    explorer.register_routes(server, atlas, prefix)
    compare.register_callbacks(app, atlas, geometry_url, prefix=prefix)
    partnerships.register_callbacks(app, atlas, geometry_url, prefix=prefix)
    region.register_routes(server, atlas, prefix)
    match.register_callbacks(app, atlas, prefix=prefix)
    match.register_routes(server, prefix)
    init_cache(server, settings)
    if settings.contributions:  # the write path (S3_CONTRIBUTIONS=0: a read-only atlas)
        from .contribute import install as install_contributions

        install_contributions(server, settings, atlas, f"{prefix}vendor/{hashed_name('s3-bootstrap.min.css')}")
    security.install(server, settings, app.csp_hashes() + [csp_hash(AFTER_PAINT)])
    # warm_up's pages: those without parameters, and one region's profile and comparison for the
    # code they share with every other region's (the first NUTS 2 regions of the snapshot, no favourite)
    first = [str(r) for r in atlas.regions.index[atlas.regions.level == 2][:2]]
    server.config["S3_WARM_PATHS"] = [
        f"{prefix}{p.lstrip('/')}" for p in (explorer.PATH, partnerships.PATH, compare.PATH, match.PATH, about_data.PATH,
                                             f"{region.PATH_PREFIX}{first[0]}", f"{compare.PATH}?regions={','.join(first)}")]
    return app
