"""Region profile and comparison pages in real headless Chromium against a live server."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from conftest import geo_point, type_in_dropdown, wait_for_geo

pytestmark = pytest.mark.browser


def wait_for_plot(pg, selector: str):
    wait_for_geo(pg, f"{selector} .js-plotly-plot")


def test_explorer_to_profile_to_compare(live_server, page, atlas):
    pg = page.page
    geometry = []
    pg.on("response", lambda r: geometry.append(r.status) if "/geometry/" in r.url else None)
    pg.goto(live_server + "/?level=2", wait_until="networkidle")
    wait_for_plot(pg, "#ex-map")
    # click Catalonia on the map
    lon, lat = atlas.regions.loc["ES51", ["lon", "lat"]]
    x, y = geo_point(pg, "#ex-map .js-plotly-plot", lon, lat)
    pg.mouse.click(x, y)
    pg.wait_for_selector("#ex-profile-link", timeout=30000)
    # let the map finish drawing the selection before leaving the page
    pg.wait_for_function("() => document.querySelector('#ex-map .js-plotly-plot').data.some(t => t.name === 'selected')")
    wait_for_plot(pg, "#ex-map")
    pg.click("#ex-profile-link")
    pg.wait_for_selector("#rg-title", timeout=30000)
    assert urlparse(pg.url).path == "/region/ES51"
    name = atlas.regions.at["ES51", "name_latn"]
    assert name in pg.inner_text("#rg-title") and "ES51" in pg.inner_text("#rg-title")
    # every figure shown has a year and a source, or says "no data"
    for row in pg.locator("#rg-stats tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        assert cells[1] == "no data" or (cells[2].isdigit() and "Eurostat" in cells[3]), cells
    wait_for_plot(pg, "#rg-map")
    assert geometry and all(s == 200 for s in geometry)
    assert pg.locator("#rg-dl-pdf").get_attribute("href").endswith("/region/ES51.pdf")
    # follow the first "Compare" link of the similar regions
    link = pg.locator("#rg-similar .rg-compare-link").first
    other = parse_qs(urlparse(link.get_attribute("href")).query)["regions"][0].split(",")[1]
    link.click()
    pg.wait_for_selector("#cmp-stats", timeout=30000)
    assert parse_qs(urlparse(pg.url).query)["regions"] == [f"ES51,{other}"]
    head = pg.inner_text("#cmp-stats thead")
    assert "(ES51)" in head and f"({other})" in head
    assert pg.locator("#cmp-pairs > li").count() == 1
    wait_for_plot(pg, "#cmp-map")
    assert page.external == [], page.external
    assert page.errors == [], page.errors


def test_compare_dropdown_keeps_the_list_in_the_url(live_server, page):
    pg = page.page
    pg.goto(live_server + "/compare?regions=ES51,BE3,NOPE&embed=1", wait_until="networkidle")
    pg.wait_for_selector("#cmp-stats", timeout=30000)
    assert "NOPE" in pg.inner_text("#cmp-notes")
    type_in_dropdown(pg, "#cmp-regions", "(ITH5)")
    # the search box says what it searches; no "select all" (it would add every hit)
    assert pg.get_attribute("input.dash-dropdown-search", "placeholder") == "Region name or NUTS code"
    assert not pg.locator(".dash-dropdown-actions").is_visible()
    # the list loads on the first key; the option is clicked (Enter takes the first option shown)
    pg.locator("[role=option]", has_text="(ITH5)").first.click(timeout=15000)
    pg.wait_for_function("() => location.search.includes('ITH5')", timeout=15000)
    assert parse_qs(urlparse(pg.url).query) == {"regions": ["ES51,BE3,ITH5"], "embed": ["1"]}  # embed kept
    pg.wait_for_function("() => document.querySelector('#cmp-stats thead').innerText.includes('(ITH5)')",
                         timeout=15000)
    assert pg.locator("#cmp-pairs > li").count() == 3
    assert page.external == [], page.external
    assert page.errors == [], page.errors


def test_unknown_region_is_a_friendly_page_with_search(live_server, page, atlas):
    pg = page.page
    resp = pg.goto(live_server + "/region/ZZ9%3Cb%3E", wait_until="networkidle")
    assert resp.status == 404  # the friendly page, with the status of an address that has no page
    pg.wait_for_selector(".not-found", timeout=30000)
    assert "Region not found" in pg.inner_text(".not-found")
    pg.fill("#rg-search", atlas.regions.at["CZ010", "name_latn"])
    pg.press("#rg-search", "Enter")
    pg.wait_for_selector("#rg-title", timeout=30000)
    assert urlparse(pg.url).path == "/region/CZ010"
    assert page.external == [], page.external
    assert page.errors == [], page.errors


def test_a_profiles_priority_opens_to_its_detail(live_server, page):
    pg = page.page
    pg.goto(live_server + "/region/ES51", wait_until="networkidle")
    row = pg.locator(".rg-priority").first
    assert row.locator(".pt-detail").inner_text() == ""  # rows come closed, without their detail
    row.locator("summary").click()
    link = row.locator("a", has_text="source of this priority")
    link.wait_for(timeout=15000)
    assert link.get_attribute("href").startswith("http")
    assert "Keywords:" in row.inner_text()
    assert page.errors == [] and page.external == []


def test_compare_on_a_phone_says_the_table_scrolls_and_why_nuts1_rates_are_missing(live_server, browser, atlas):
    """390×844: the indicator column stays; the regions either all fit or a hint and a shadow at the
    right edge say the table scrolls, until it is scrolled to the end. Baden-Württemberg (NUTS 1)
    has no unemployment rate: the cell says it is published for NUTS 2 and links those regions."""
    from conftest import Watched

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    w = Watched(ctx.new_page())
    pg = w.page
    try:
        pg.goto(live_server + "/compare?regions=ES51,DE1,BE3", wait_until="networkidle")
        pg.wait_for_selector("#cmp-stats", timeout=30000)
        box = pg.locator(".scroll-cue")
        scroller = "#cmp-stats"  # dbc's responsive wrapper is the table's parent
        sizes = pg.evaluate("(s) => { const b = document.querySelector(s).parentElement;"
                            " return [b.scrollWidth, b.clientWidth]; }", scroller)
        hint = pg.locator(".scroll-cue .scroll-hint")
        if sizes[0] > sizes[1] + 1:  # a column is cut: the cue must say so
            pg.wait_for_function("() => document.querySelector('.scroll-cue').hasAttribute('data-overflow')")
            assert hint.is_visible() and "Scroll sideways" in hint.inner_text()
            shadow = pg.evaluate("() => getComputedStyle(document.querySelector('.scroll-cue'), '::after').opacity")
            assert shadow == "1"
            # the first column stays in place while the regions scroll under it
            x0 = pg.locator("#cmp-stats tbody tr td").first.bounding_box()["x"]
            pg.evaluate("(s) => { const b = document.querySelector(s).parentElement; b.scrollLeft = b.scrollWidth; }",
                        scroller)
            pg.wait_for_function("() => document.querySelector('.scroll-cue').hasAttribute('data-at-end')")
            assert pg.locator("#cmp-stats tbody tr td").first.bounding_box()["x"] == x0
            assert not hint.is_visible()
        else:  # nothing cut: no cue
            assert not hint.is_visible() and not box.get_attribute("data-overflow")
        cell = pg.locator("#cmp-stats tr[data-indicator=unemployment_rate] td").nth(2)
        assert "Published for NUTS 2 regions only" in cell.inner_text()
        kids = sorted(atlas.children["DE1"])
        assert cell.locator("a").all_inner_texts() == kids
        assert cell.locator("a").first.get_attribute("href") == f"/region/{kids[0]}"
        assert "lower is better" in pg.inner_text("#cmp-stats tr[data-indicator=unemployment_rate] td >> nth=0")
        assert w.external == [] and w.errors == [], (w.external, w.errors)
    finally:
        ctx.close()
