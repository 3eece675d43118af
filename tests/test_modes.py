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

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


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
def test_served_under_a_sub_path(page):
    proc, base = start_server({"S3_URL_PREFIX": "/s3/"})
    try:
        pg = page.page
        geometry = []
        pg.on("response", lambda r: geometry.append(r.url) if "/geometry/" in r.url else None)
        pg.goto(base + "/s3/?q=energy", wait_until="networkidle")
        pg.wait_for_function("() => document.querySelector('#ex-count') && "
                             "document.querySelector('#ex-count').innerText.includes('energy')", timeout=30000)
        assert geometry and all("/s3/geometry/" in u for u in geometry)
        href = pg.locator("#ex-dl-csv").get_attribute("href")
        assert href.startswith("/s3/export/priorities.csv?") and "q=energy" in href
        assert page.errors == [] and page.external == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_security_headers_and_frame_ancestors(atlas):
    client = create_app(atlas=atlas).server.test_client()
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "X-Frame-Options" not in r.headers
    settings = load_settings({"S3_FRAME_ANCESTORS": "https://example.org, 'self' javascript:alert(1)"})
    r = create_app(settings, atlas=atlas).server.test_client().get("/healthz")
    assert r.headers["Content-Security-Policy"].endswith("frame-ancestors https://example.org 'self'")


def test_oversize_request_body_gets_a_clear_message(atlas):
    client = create_app(atlas=atlas).server.test_client()
    r = client.post("/_dash-update-component", data=b"x" * (300 * 1024), content_type="application/json")
    assert r.status_code == 413 and b"Request too large" in r.data
