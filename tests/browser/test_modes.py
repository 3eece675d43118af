"""Embed, presentation and sub-path serving, in a real browser; security headers."""
from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import free_port, start_server
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


@pytest.mark.browser
def test_presentation_steps_through_saved_views_with_the_keyboard(live_server, page):
    pg = page.page
    pg.set_viewport_size({"width": 1280, "height": 720})
    pg.goto(live_server + "/?present=1", wait_until="networkidle")
    pg.wait_for_selector(".mode-present #ex-map .js-plotly-plot")
    assert pg.locator(".priority-table").is_hidden()  # secondary panels hidden
    assert pg.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#app-shell')).fontSize)") >= 20
    pg.locator(".stepper a", has_text="tour").click()  # start the saved views
    pg.wait_for_function("() => location.search.includes('story=tour') && location.search.includes('step=1')")
    pg.wait_for_selector("#step-next")
    pg.keyboard.press("ArrowRight")
    pg.wait_for_function("() => location.search.includes('step=2')")
    assert parse_qs(urlparse(pg.url).query)["q"] == ["health"]
    pg.wait_for_function("() => document.querySelector('#ex-count').innerText.includes('health')")
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
    pg.keyboard.press("Escape")
    pg.wait_for_function("() => !location.search.includes('present=1')")
    assert page.errors == [] and page.external == []


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
                             "document.querySelector('#ex-count').innerText.includes('energy')", timeout=30000)
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
