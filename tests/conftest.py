"""Shared fixtures: the real snapshot, a live server and headless Chromium."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI replays the same generated cases every run (a fixed seed per test); elsewhere each run draws
# new ones (FUZZ_SCALE=10 in the environment draws ten times as many, see test_fuzz.py).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# What the app writes (the contributions database, published snapshots, reviewed source rows) goes
# to a throwaway folder in tests, never into the checkout.
_WRITES = Path(tempfile.mkdtemp(prefix="s3-atlas-tests-"))
os.environ.setdefault("S3_VAR_DIR", str(_WRITES / "var"))
os.environ.setdefault("S3_CONTRIBUTIONS_DIR", str(_WRITES / "contributions"))

from dashboard.data.atlas import get_atlas  # noqa: E402
from dashboard.settings import SETTINGS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401 (the browser tests import them from here)


@pytest.fixture(scope="session")
def atlas():
    return get_atlas(str(SETTINGS.data_dir))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env_extra: dict | None = None) -> tuple[subprocess.Popen, str]:
    """app.py on a free loopback port. Its log goes to a file (a pipe nobody reads would fill up
    and stall the server once enough requests were logged)."""
    port = free_port()
    # what the server writes (database, published snapshots, secret key) goes to a folder of its own
    var_dir = tempfile.mkdtemp(prefix=f"s3-atlas-var-{port}-")
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "S3_VAR_DIR": var_dir, **(env_extra or {})}
    env.pop("S3_DEBUG", None)
    log = tempfile.NamedTemporaryFile(prefix=f"s3-atlas-{port}-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    prefix = (env_extra or {}).get("S3_URL_PREFIX", "/")
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {Path(log.name).read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}{prefix}healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not answer within 60 s")


@pytest.fixture(scope="session")
def live_server():
    proc, base = start_server()
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


PLOTLY_JS = "plotly.min.js"
PLOTLY_BUNDLE = "/vendor/plotly/s3-plotly."  # the app's partial plotly.js (s3-plotly.<hash>.min.js)


def in_plotly(where: str) -> bool:
    return PLOTLY_JS in where or PLOTLY_BUNDLE in where


TEARDOWN = re.compile(r"Cannot read properties of (null|undefined) \(reading '(getStyle|_rangeSliderData|_scrollZoom)'\)")


class Watched:
    """A page that records requests leaving the machine and JavaScript errors.

    One kind of error is set apart instead of failing a test: plotly.js finishing an
    asynchronous draw of a graph that Dash has already removed because the page changed
    (its own code, its own frames only, reading a property of the removed map). It has no
    effect a person can see; every other error is recorded. A page the test opens at an address
    with no page answers 404 with its friendly page: Chromium's console line about that status is
    not an error of the page.
    """

    def __init__(self, page):
        self.page = page
        self.external: list[str] = []
        self.errors: list[str] = []
        self.plotly_teardown: list[str] = []
        self.trail: list[str] = []  # printed when the test fails: what the page logged and what failed
        self.not_found_pages: set[str] = set()  # documents that answered 404 (a "not found" page)
        page.on("request", self._request)
        page.on("pageerror", self._pageerror)
        page.on("console", self._console)
        page.on("requestfailed", lambda r: self.trail.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", self._response)

    def _response(self, resp):
        if resp.status >= 400:
            self.trail.append(f"HTTP {resp.status}: {resp.url}")
        if resp.status == 404 and resp.request.resource_type == "document":
            self.not_found_pages.add(resp.url)

    def _request(self, req):
        url = req.url
        if not url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            self.external.append(url)

    def _pageerror(self, exc):
        frames = [line for line in (exc.stack or "").splitlines()[1:] if line.strip().startswith("at ")]
        if TEARDOWN.search(str(exc)) and frames and all(in_plotly(f) for f in frames):
            self.plotly_teardown.append(str(exc))
        else:
            self.errors.append(str(exc))

    def _console(self, msg):
        self.trail.append(f"console {msg.type}: {msg.text[:300]}")
        if msg.type != "error":
            return
        if msg.text.startswith("Failed to load resource") and (msg.location or {}).get("url") in self.not_found_pages:
            return
        if TEARDOWN.search(msg.text) and in_plotly((msg.location or {}).get("url", "")):
            self.plotly_teardown.append(msg.text)
        else:
            self.errors.append(msg.text)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def page(browser, request):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    w = Watched(pg)
    yield w
    if getattr(request.node, "call_failed", False):
        print(f"page at failure: {pg.url}", *w.trail[-40:], sep="\n  ")
    ctx.close()


BROWSER_DIR = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config, items):
    """Tests under tests/browser/ are browser tests whether or not they carry the marker, so
    `-m "not browser"` and `pytest tests/unit tests/integration` select the same tests."""
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# Maps are plotly geo subplots (equal-area projection, SVG paths): helpers the browser tests share.
GEO_DRAWN = ("(sel) => { const gd = document.querySelector(sel);"
             " return !!(gd && gd._fullLayout && gd._fullLayout.geo && gd._fullLayout.geo._subplot"
             " && Array.from(gd.querySelectorAll('path.choroplethlocation'))"
             ".some(e => (e.getAttribute('d') || '').length > 2)); }")


def wait_for_geo(pg, sel: str, timeout: int = 30000) -> str:
    """Wait until the geo map in ``sel`` (a .js-plotly-plot) has drawn region shapes."""
    pg.wait_for_selector(sel, timeout=timeout)
    pg.wait_for_function(GEO_DRAWN, arg=sel, timeout=timeout)
    return sel


def type_in_dropdown(pg, sel: str, text: str, timeout: int = 15000) -> None:
    """Open the dcc.Dropdown ``sel`` and type ``text`` in its search box, as a person does: after the
    box has opened. Keys pressed before the popover has moved focus to its search box go to the
    closed trigger and are dropped (the dropdown's own behaviour), which under CPU load made
    tests that typed straight after the click see an empty search."""
    pg.click(sel)
    pg.wait_for_function("(sel) => { const a = document.activeElement;"
                         " return a && a.matches('input.dash-dropdown-search') && a.value === ''"
                         " && document.querySelector(sel).getAttribute('aria-expanded') === 'true'; }",
                         arg=sel, timeout=timeout)
    pg.keyboard.type(text)
    pg.wait_for_function("(t) => document.activeElement && document.activeElement.value === t",
                         arg=text, timeout=timeout)


def drawn_regions(pg, sel: str) -> int:
    """Region shapes the geo map has drawn from the geometry files (non-empty SVG paths)."""
    return pg.evaluate("(sel) => Array.from(document.querySelector(sel).querySelectorAll('path.choroplethlocation'))"
                       ".filter(e => (e.getAttribute('d') || '').length > 2).length", sel)


def geo_point(pg, sel: str, lon: float, lat: float) -> tuple[float, float]:
    """Page coordinates of (lon, lat) on the geo map in ``sel``, through the map's own projection."""
    return tuple(pg.evaluate(
        "([sel, lon, lat]) => { const gd = document.querySelector(sel); const r = gd.getBoundingClientRect();"
        " const p = gd._fullLayout.geo._subplot.projection([lon, lat]); return [r.left + p[0], r.top + p[1]]; }",
        [sel, float(lon), float(lat)]))


def send_proposal(pg, description: str, source_url: str, organisation: str) -> None:
    """Fill a proposal form's description, source and proposer (Ana Test) and send it; waits for its
    tracking page."""
    pg.fill("#f-description", description)
    pg.fill("#f-source_url", source_url)
    pg.fill("#f-proposer_name", "Ana Test")
    pg.fill("#f-proposer_organisation", organisation)
    pg.fill("#f-proposer_email", "ana@example.org")
    pg.get_by_role("button", name="Send the proposal").click()
    pg.wait_for_url("**/proposals/**")
