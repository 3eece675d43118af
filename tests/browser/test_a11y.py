"""Accessibility, phone layout, keyboard use and what the front end loads, in real headless Chromium.

axe-core (bundled by axe-playwright-python, injected with page.evaluate: the app's CSP blocks added
script tags) runs on every page and display mode and fails on critical or serious violations.
Screenshots of each page, desktop and 390x844, go to tests/artifacts/ (look at them).
"""
from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from conftest import Watched, wait_for_geo

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PAGES = ["/", "/region/ES51", "/compare?regions=ES51,BE3", "/partnerships", "/partnerships/water-smart-territories",
         "/about/data", "/match?lines=Textiles%20and%20fashion%0ASustainable%20tourism"]
MODES = ["/?present=1", "/?embed=1", "/?embed=1&controls=0", "/?view=FRY4&q=tourism", "/region/ES51?present=1",
         "/compare?regions=ES51,BE3&embed=1", "/partnerships?present=1", "/no/such/page"]
PHONE = {"width": 390, "height": 844}


def settle(pg):
    """The page's own content is in (its h1), and any map on it has drawn."""
    pg.wait_for_selector("#page h1", state="attached", timeout=30000)
    for sel in ("#ex-map .js-plotly-plot", "#rg-map .js-plotly-plot", "#pt-map .js-plotly-plot",
                "#pp-map .js-plotly-plot", "#cmp-map .js-plotly-plot"):
        if pg.locator(sel).count():
            wait_for_geo(pg, sel)
    pg.wait_for_timeout(300)


def serious_violations(pg) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(pg)
    return [f"{v['id']} ({v['impact']}): " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
            for v in results.response["violations"] if v["impact"] in ("critical", "serious")]


@pytest.mark.parametrize("path", PAGES + MODES)
def test_no_critical_or_serious_axe_violations(live_server, page, path):
    pg = page.page
    pg.goto(live_server + path, wait_until="networkidle")
    settle(pg)
    assert serious_violations(pg) == []
    assert pg.evaluate("() => document.documentElement.lang") == "en"
    assert page.errors == [] and page.external == []


def test_every_page_has_its_own_title_and_one_h1(live_server, page):
    pg = page.page
    titles = set()
    for path in PAGES:
        pg.goto(live_server + path, wait_until="networkidle")
        settle(pg)
        assert pg.locator("#page h1").count() == 1, path
        pg.wait_for_function("() => document.title.endsWith('· S3 Atlas')")
        titles.add(pg.title())
        assert pg.locator("footer, [role=contentinfo]").count() == 1, path
    assert len(titles) == len(PAGES), titles


def test_front_end_loads_the_partial_plotly_bundle_and_nothing_from_outside(live_server, page):
    pg = page.page
    scripts = []
    pg.on("request", lambda r: scripts.append(r.url) if r.resource_type in ("script", "fetch", "xhr") else None)
    pg.goto(live_server + "/", wait_until="networkidle")
    wait_for_geo(pg, "#ex-map .js-plotly-plot")
    assert not [u for u in scripts if "package_data/plotly" in u or u.endswith("/plotly.min.js")]
    assert [u for u in scripts if "/vendor/plotly/s3-plotly." in u]
    assert [u for u in scripts if u.endswith("/vendor/plotly/topojson/world_110m.json")]  # not plotly's CDN
    # equal-area projection; no cloud upload in the mode bar
    assert pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot')._fullLayout.geo.projection.type") \
        == "azimuthal equal area"
    pg.hover("#ex-map .js-plotly-plot")
    titles = pg.eval_on_selector_all("#ex-map .modebar-btn", "els => els.map(e => e.getAttribute('data-title'))")
    assert titles and not [t for t in titles if "Cloud" in (t or "") or "Chart Studio" in (t or "")]
    assert any("Download" in (t or "") for t in titles)
    assert page.external == [] and page.errors == []


def test_robots_txt_is_text(live_server):
    with urllib.request.urlopen(live_server + "/robots.txt") as r:
        assert r.headers.get_content_type() == "text/plain"
        assert r.read().decode().startswith("User-agent: *")


# --------------------------------------------------------------------------- keyboard

def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(live_server, page):
    pg = page.page
    pg.goto(live_server + "/region/ES51", wait_until="networkidle")
    settle(pg)
    pg.keyboard.press("Tab")
    assert pg.evaluate("() => document.activeElement.className") == "skip-link"
    assert pg.locator(".skip-link").is_visible()
    pg.keyboard.press("Enter")
    assert pg.evaluate("() => document.activeElement.closest('#page') !== null")
    assert "#" not in pg.url  # the view's URL stays clean


def test_copy_link_is_reachable_and_works_by_keyboard(live_server, browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    pg = ctx.new_page()
    try:
        pg.goto(live_server + "/?q=health", wait_until="networkidle")
        settle(pg)
        for _ in range(20):
            pg.keyboard.press("Tab")
            if pg.evaluate("() => document.activeElement.id") == "copy-link":
                break
        else:
            pytest.fail("Copy link not reached with the Tab key")
        pg.keyboard.press("Enter")
        pg.wait_for_function("() => (document.querySelector('#copy-link-status')?.innerText ?? '').includes('copied')")
        assert "q=health" in pg.evaluate("() => navigator.clipboard.readText()")
    finally:
        ctx.close()


def test_focus_goes_to_the_new_pages_heading_after_navigation(live_server, page):
    pg = page.page
    pg.goto(live_server + "/", wait_until="networkidle")
    settle(pg)
    pg.click(".app-navbar a.nav-link[href='/compare']")
    pg.wait_for_function("() => location.pathname === '/compare'")
    pg.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'H1'", timeout=15000)
    assert "Compare regions" in pg.evaluate("() => document.activeElement.textContent")
    pg.wait_for_function("() => document.title.startsWith('Compare regions')")


def test_a_regions_profile_is_reachable_from_its_table_row(live_server, page):
    pg = page.page
    pg.goto(live_server + "/?q=hydrogen&by=priorities", wait_until="networkidle")
    pg.wait_for_selector(".pt-item summary")
    summary = pg.locator(".pt-item summary").first
    summary.focus()
    pg.keyboard.press("Enter")  # open the row with the keyboard
    link = pg.locator(".pt-item[open] .pt-profile-link").first
    nuts = link.get_attribute("href").rsplit("/", 1)[-1]
    link.focus()
    pg.keyboard.press("Enter")
    pg.wait_for_function(f"() => location.pathname === '/region/{nuts}'")
    pg.wait_for_selector("#rg-title")
    assert nuts in pg.inner_text("#rg-title")


# --------------------------------------------------------------------------- phone

@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    pg = ctx.new_page()
    w = Watched(pg)
    yield w
    ctx.close()


@pytest.mark.parametrize("path", ["/", "/region/ES51", "/compare?regions=ES51,BE3", "/partnerships",
                                  "/partnerships/water-smart-territories", "/about/data"])
def test_phone_pages_do_not_scroll_sideways(live_server, phone, path):
    pg = phone.page
    pg.goto(live_server + path, wait_until="networkidle")
    settle(pg)
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert pg.locator(".app-navbar").bounding_box()["height"] < 80  # the navbar is folded
    assert pg.locator(".app-navbar .nav-link").first.is_hidden()
    assert phone.errors == [] and phone.external == []


def test_phone_explorer_shows_the_map_first_and_folds_the_filters(live_server, phone):
    pg = phone.page
    pg.goto(live_server + "/", wait_until="networkidle")
    wait_for_geo(pg, "#ex-map .js-plotly-plot")
    box = pg.locator("#ex-map").bounding_box()
    assert box["y"] < 250 and box["y"] + box["height"] <= PHONE["height"]  # the map is in the first screen
    assert box["width"] >= PHONE["width"] - 40
    assert pg.locator("#ex-q").is_hidden()  # the filters are behind their button
    # the legend sits under the map (not over it), its classes readable
    assert pg.locator("#ex-map .colorbar").first.is_hidden()
    legend = pg.locator("#ex-legend")
    assert legend.is_visible() and legend.bounding_box()["y"] >= box["y"] + box["height"] - 1
    assert "No strategy in the data" in legend.inner_text()
    # the navbar's menu button opens the links
    pg.click("#nav-toggle")
    pg.locator(".app-navbar .nav-link").first.wait_for(state="visible")
    pg.click("#nav-toggle")
    pg.click("#ex-filters-toggle")
    pg.locator("#ex-q").wait_for(state="visible")
    # tap targets of the controls are at least 24 px
    small = pg.evaluate("""() => Array.from(document.querySelectorAll('#page button, #page .page-link, #nav-toggle'))
        .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect())
        .filter(r => r.width < 24 || r.height < 24).length""")
    assert small == 0
    assert phone.errors == []


def test_screenshots_desktop_and_phone(live_server, browser):
    """Screenshots of each page for a person to look at (tests/artifacts/); asserts only that they exist."""
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport, mobile in (("desktop", {"width": 1400, "height": 1000}, False), ("phone", PHONE, True)):
        ctx = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile)
        pg = ctx.new_page()
        for path in ["/", "/region/ES51", "/compare?regions=ES51,BE3", "/partnerships"]:
            pg.goto(live_server + path, wait_until="networkidle")
            settle(pg)
            slug = path.strip("/").split("?")[0].replace("/", "-") or "explorer"
            out = ARTIFACTS / f"{name}-{slug}.png"
            pg.screenshot(path=str(out))
            assert out.stat().st_size > 10000
        ctx.close()
