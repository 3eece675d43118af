"""Embed, presentation and sub-path serving, in a real browser; security headers."""
from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import free_port, start_server, wait_for_geo
from dashboard.app import create_app
from dashboard.settings import load_settings

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def host_page(tmp: Path, app_url: str) -> Path:
    (tmp / "index.html").write_text(
        f'<!doctype html><html><body><h1>Host</h1><iframe id="atlas" src="{app_url}" width="1100" height="700">'
        '</iframe></body></html>')
    return tmp


def serve_dir(directory: Path) -> tuple[ThreadingHTTPServer, int]:
    port = free_port()
    srv = ThreadingHTTPServer(("127.0.0.1", port), partial(SimpleHTTPRequestHandler, directory=str(directory)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, port


# the explorer map's legend items (or any elements of ``sel``) whose boxes intersect, as pairs of texts
OVERLAPS = """(sel) => { const boxes = Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent !== null)
    .map(e => [e.innerText.trim(), e.getBoundingClientRect()]);
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, ra] = boxes[i], [b, rb] = boxes[j];
    if (ra.left < rb.right - 0.5 && rb.left < ra.right - 0.5 && ra.top < rb.bottom - 0.5 && rb.top < ra.bottom - 0.5)
      out.push([a, b]);
  }
  return [boxes.length, out]; }"""
LEGEND_ITEMS = "#ex-legend .legend-item, #ex-legend .legend-title"


def legend_items_apart(where) -> int:
    """The number of legend lines shown (title and classes), after checking that none overlaps another."""
    where.locator("#ex-legend .legend-item").first.wait_for(state="visible", timeout=30000)
    count, overlaps = where.evaluate(OVERLAPS, LEGEND_ITEMS)
    assert overlaps == [], overlaps
    return count


def inside(box: dict, frame: dict) -> bool:
    """``box`` lies inside ``frame`` (both page boxes), to the pixel."""
    return (box["x"] >= frame["x"] - 1 and box["y"] >= frame["y"] - 1 and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
            and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1)


def screen(pg) -> dict:
    v = pg.viewport_size
    return {"x": 0, "y": 0, "width": v["width"], "height": v["height"]}


@pytest.fixture(scope="module")
def embeddable(tmp_path_factory):
    """The app on 127.0.0.1 allowing frames only from one 'localhost' origin; two host pages."""
    allowed_dir = tmp_path_factory.mktemp("allowed")
    other_dir = tmp_path_factory.mktemp("other")
    allowed, allowed_port = serve_dir(allowed_dir)
    other, other_port = serve_dir(other_dir)
    proc, base = start_server({"S3_FRAME_ANCESTORS": f"http://localhost:{allowed_port}"})
    src = base + "/?embed=1&q=health&level=2"
    host_page(allowed_dir, src)
    host_page(other_dir, src)
    yield {"app": base, "allowed": f"http://localhost:{allowed_port}/", "other": f"http://localhost:{other_port}/"}
    proc.terminate()
    proc.wait(timeout=10)
    allowed.shutdown()
    other.shutdown()


@pytest.mark.browser
def test_embedded_in_an_allowed_origin_renders_without_chrome(embeddable, page):
    pg = page.page
    pg.goto(embeddable["allowed"], wait_until="networkidle")
    frame = pg.frame_locator("#atlas")
    frame.locator("#ex-map .js-plotly-plot").wait_for(timeout=30000)
    frame.locator("#ex-count").filter(has_text="match").wait_for(timeout=30000)
    assert frame.locator(".app-navbar").is_hidden()
    assert frame.locator(".app-footer").is_hidden()
    assert "EuroGeographics" in frame.locator("#credit-line").inner_text()
    full = frame.locator("#full-view")
    assert full.is_visible()
    href = full.get_attribute("href")
    q = parse_qs(urlparse(href).query)
    assert "embed" not in q and q.get("q") == ["health"]
    assert page.external == []


@pytest.mark.browser
def test_embedding_from_another_origin_is_refused(embeddable, browser):
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.goto(embeddable["other"], wait_until="networkidle")
    pg.wait_for_timeout(1500)
    frame = next(f for f in pg.frames if f != pg.main_frame)
    # Chromium blocks the document: the frame never gets the app's page
    assert frame.locator("#app-shell").count() == 0
    ctx.close()


@pytest.fixture(scope="module")
def default_embed(live_server, tmp_path_factory):
    """A page of another origin (localhost, the app being on 127.0.0.1) that frames the app, which
    runs with the default settings, in an 800x600 iframe."""
    host = tmp_path_factory.mktemp("host")
    (host / "index.html").write_text(
        '<!doctype html><html><head><link rel="icon" href="data:,"></head><body style="margin:0">'
        '<h1 style="font-size:16px;margin:4px">Host</h1>'
        f'<iframe id="atlas" src="{live_server}/?embed=1&q=health" width="800" height="600" style="border:0"'
        ' title="S3 Atlas"></iframe></body></html>')
    srv, port = serve_dir(host)
    yield f"http://localhost:{port}/"
    srv.shutdown()


@pytest.mark.browser
def test_embedded_with_default_settings_in_an_800x600_frame_of_another_site(default_embed, page):
    """Any site may frame the public pages by default; in an 800x600 frame the map, its legend (no
    label over another) and the count line are in the frame without scrolling, the map views are
    one small menu, and the filters open over the map with their close button at hand."""
    pg = page.page
    pg.set_viewport_size({"width": 1000, "height": 800})
    pg.goto(default_embed, wait_until="networkidle")
    frame_el = pg.locator("#atlas")
    box = frame_el.bounding_box()
    frame = pg.frame_locator("#atlas")
    inner = next(f for f in pg.frames if f != pg.main_frame)
    inner.wait_for_function("() => document.querySelector('#ex-count') && "
                            "(document.querySelector('#ex-count')?.innerText ?? '').includes('health')", timeout=30000)
    wait_for_geo(inner, "#ex-map .js-plotly-plot")
    assert frame.locator(".app-navbar").is_hidden()
    for sel in ("#ex-map", "#ex-legend", "#ex-count", "#credit-line", "#ex-filters-toggle"):
        assert inside(frame.locator(sel).bounding_box(), box), sel
    assert frame.locator("#ex-map").bounding_box()["height"] >= 300  # the map takes most of the frame
    assert inner.evaluate("() => document.scrollingElement.scrollTop") == 0
    classes = inner.evaluate("() => document.querySelector('#ex-map .js-plotly-plot').layout.coloraxis.colorbar"
                             ".ticktext.length")
    assert classes >= 5 and legend_items_apart(inner) == 1 + classes  # the title and every class of the map
    # the outermost regions' map views: one small menu in the bar of controls, not a row of links
    menu = frame.locator(".map-views-menu summary")
    assert menu.is_visible() and menu.bounding_box()["height"] < 45 and inside(menu.bounding_box(), box)
    assert frame.locator(".map-view").first.is_hidden()
    menu.click()
    frame.get_by_role("group", name="Map view").get_by_role("button", name="La Réunion").click()
    inner.wait_for_function("() => location.search.includes('view=FRY4')", timeout=15000)
    inner.wait_for_function("() => Math.abs(document.querySelector('#ex-map .js-plotly-plot')._fullLayout.geo"
                            ".projection.rotation.lon - 55.5) < 1", timeout=15000)
    # the filters lie over the map (which stays where it was) and close from where they are
    before = frame.locator("#ex-map").bounding_box()
    frame.locator("#ex-filters-toggle").click()
    frame.locator("#ex-q").wait_for(state="visible")
    close = frame.locator("#ex-filters-close")
    assert close.is_visible() and inside(close.bounding_box(), box)
    assert inside(frame.locator("#ex-q").bounding_box(), box)
    after = frame.locator("#ex-map").bounding_box()
    assert (after["y"], after["height"]) == (before["y"], before["height"])
    close.click()
    frame.locator("#ex-q").wait_for(state="hidden")
    assert page.errors == [] and page.external == []


@pytest.mark.browser
def test_each_story_step_fits_a_1280x720_screen(live_server, page):
    """Every step of the tour at 1280x720 in presentation mode: the map, its legend (no label over
    another) and the step's answer (count line; the selected region's line where a region is
    chosen) without scrolling; a step about a region zooms to it; type is 20 px."""
    from dashboard.stories import step_url, stories_from
    from dashboard.settings import SETTINGS

    pg = page.page
    pg.set_viewport_size({"width": 1280, "height": 720})
    story = stories_from(str(SETTINGS.stories_file))["tour"]
    explorer_steps = 0
    for n, view in enumerate(story.views, start=1):
        pg.goto(live_server + step_url(story, n), wait_until="networkidle")
        pg.wait_for_selector(".mode-present #page h1", state="attached", timeout=30000)
        assert pg.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "20px"
        assert pg.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.stepper strong')).fontSize)") >= 20
        if view.path != "/":
            continue
        explorer_steps += 1
        wait_for_geo(pg, "#ex-map .js-plotly-plot")
        legend_items_apart(pg)
        wanted = ["#ex-map", "#ex-legend", "#ex-count"] + (["#ex-selected"] if dict(view.query).get("region") else [])
        for sel in wanted:
            assert inside(pg.locator(sel).bounding_box(), screen(pg)), (n, sel)
        assert pg.evaluate("() => document.scrollingElement.scrollTop") == 0
        assert pg.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#ex-count')).fontSize)") >= 20
        region = dict(view.query).get("region")
        if region:
            assert region in pg.inner_text("#ex-selected")
            lat = pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot')._fullLayout.geo.lataxis.range")
            assert lat[1] - lat[0] < 8, lat  # zoomed to the region, not Europe's 40 degrees
    assert explorer_steps >= 5
    assert page.errors == [] and page.external == []


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1400, 900), (390, 844)])
def test_explorer_legend_labels_never_overlap(live_server, browser, size):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    pg = ctx.new_page()
    for path in ("/?q=health", "/?mode=indicator&indicator=gerd_pct_gdp"):
        pg.goto(live_server + path, wait_until="networkidle")
        wait_for_geo(pg, "#ex-map .js-plotly-plot")
        assert legend_items_apart(pg) >= 6
        assert pg.locator("#ex-map .colorbar").first.is_hidden()  # plotly's bar stays for the exported image only
    ctx.close()


@pytest.mark.browser
def test_presentation_steps_through_saved_views_with_the_keyboard(live_server, page):
    pg = page.page
    pg.set_viewport_size({"width": 1280, "height": 720})
    pg.goto(live_server + "/?q=energy", wait_until="networkidle")
    pg.locator("#present-link").click()  # "Present" starts the saved story at its first step
    pg.wait_for_function("() => location.search.includes('story=tour') && location.search.includes('step=1')")
    pg.wait_for_selector(".mode-present #ex-map .js-plotly-plot")
    assert pg.locator(".priority-table").is_hidden()  # secondary panels hidden
    pg.wait_for_selector("#step-next")
    pg.keyboard.press("ArrowRight")  # the first press steps on
    pg.wait_for_function("() => location.search.includes('step=2')")
    assert parse_qs(urlparse(pg.url).query)["q"] == ["health"]
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('health')")
    # the controls follow the step's view without writing the URL again: the story's place stays in
    # the address bar (it had been dropped a moment after each step)
    pg.wait_for_timeout(1500)
    assert {"story", "step"} <= set(parse_qs(urlparse(pg.url).query)), pg.url
    pg.wait_for_selector("#ex-mode input")
    pg.keyboard.press("m")  # switch the map mode without the mouse
    pg.wait_for_function("() => location.search.includes('mode=indicator')")
    pg.wait_for_timeout(800)
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "present-1280x720.png"))
    # in the keyword box, letters type (no shortcut) and Esc still leaves presentation mode
    pg.keyboard.press("f")
    pg.wait_for_function("() => document.activeElement && document.activeElement.id === 'ex-q'")
    pg.keyboard.press("End")
    pg.keyboard.type(" mf")
    assert pg.input_value("#ex-q") == "health mf"
    assert "mode=indicator" in pg.url  # "m" typed, the map mode did not switch back
    pg.keyboard.press("Escape")
    pg.wait_for_function("() => !location.search.includes('present=1')")
    assert page.errors == [] and page.external == []


@pytest.mark.browser
def test_a_presentation_without_a_story_starts_it_with_the_next_key(live_server, page):
    pg = page.page
    pg.goto(live_server + "/?present=1&q=energy", wait_until="networkidle")
    pg.wait_for_selector(".stepper .story-start")
    pg.keyboard.press("ArrowRight")
    pg.wait_for_function("() => location.search.includes('story=tour') && location.search.includes('step=1')")
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("prefix", ["/", "/s3/", "/maps/s3-atlas/"])
def test_served_under_a_sub_path(page, atlas, prefix):
    """The app built in this process with a URL prefix: every asset, callback, geometry and link follows it."""
    from werkzeug.serving import make_server

    app = create_app(load_settings({"S3_URL_PREFIX": prefix}), atlas=atlas)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        pg = page.page
        geometry, requests = [], []
        pg.on("response", lambda r: geometry.append(r.url) if "/geometry/" in r.url else None)
        pg.on("request", lambda r: requests.append(r.url))
        pg.goto(base + prefix + "?q=energy", wait_until="networkidle")
        pg.wait_for_function("() => document.querySelector('#ex-count') && "
                             "(document.querySelector('#ex-count')?.innerText ?? '').includes('energy')", timeout=30000)
        pg.wait_for_function("() => { const g = document.querySelector('#ex-map .js-plotly-plot');"
                             " return g && g.data && g.data.length > 0; }", timeout=30000)
        pg.wait_for_timeout(300)
        assert geometry and all(f"{prefix}geometry/" in u for u in geometry)
        assert all(u.startswith(base + prefix) for u in requests if u.startswith(base))
        href = pg.locator("#ex-dl-csv").get_attribute("href")
        assert href.startswith(f"{prefix}export/priorities.csv?") and "q=energy" in href
        links = pg.eval_on_selector_all(".app-navbar a", "els => els.map(e => e.getAttribute('href'))")
        assert links and all(h.startswith(prefix) for h in links)
        assert page.errors == [] and page.external == []
    finally:
        server.shutdown()
