"""The explorer in real headless Chromium against a live server on loopback."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import drawn_regions, geo_point, type_in_dropdown, wait_for_geo

pytestmark = pytest.mark.browser

MAP = "#ex-map .js-plotly-plot"


def wait_for_map(pg):
    wait_for_geo(pg, MAP)


def rendered_features(pg) -> int:
    """Region shapes the map has actually drawn from the geometry files."""
    return drawn_regions(pg, MAP)


def count_text(pg) -> str:
    return pg.inner_text("#ex-count")


def wait_for_rows_of(pg, nuts_id: str, timeout: int = 15000) -> list[str]:
    """The table's rows once they all belong to ``nuts_id`` (the table is redrawn after the selected
    panel, and the count line had text before the change)."""
    pg.wait_for_function("(code) => { const rows = Array.from(document.querySelectorAll('.pt-region')).slice(1);"
                         " return rows.length > 0 && rows.every(r => r.innerText.includes('(' + code)); }",
                         arg=nuts_id, timeout=timeout)
    return pg.locator(".pt-region").all_inner_texts()[1:]  # skip the header


def query_of(pg) -> dict:
    return parse_qs(urlparse(pg.url).query)


def test_page_loads_offline_draws_regions_without_errors(live_server, page):
    pg = page.page
    geometry = []
    pg.on("response", lambda r: geometry.append(r.status) if "/geometry/" in r.url else None)
    pg.goto(live_server + "/", wait_until="networkidle")
    wait_for_map(pg)
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').length > 0")
    assert geometry and all(s == 200 for s in geometry)
    pg.wait_for_timeout(500)
    assert rendered_features(pg) > 30
    assert "EuroGeographics" in pg.inner_text("#credit-line")
    assert re.match(r"\d+ priorities in \d+ strategies match", count_text(pg))
    assert page.external == [], page.external
    assert page.errors == [], page.errors


def test_keyword_narrows_table_and_map_and_goes_into_the_url(live_server, page):
    pg = page.page
    pg.goto(live_server + "/?by=priorities", wait_until="networkidle")  # the priorities, keyword or not
    wait_for_map(pg)
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').length > 0")
    before = int(count_text(pg).split()[0])
    matched_before = pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot').data"
                                 ".flatMap(t => Array.from(t.z)).filter(z => z >= 1).length")
    pg.fill("#ex-q", "health")
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('name it')")
    after = int(re.search(r"(\d+) priorities in", count_text(pg)).group(1))
    assert 0 < after < before
    rows = pg.evaluate("() => Array.from(document.querySelectorAll('.pt-item')).map(e => e.textContent.toLowerCase())")
    # every row says how it matched; rows come closed (their detail loads when opened)
    assert len(rows) == min(after, 15) and all("exact" in r or "related in meaning" in r for r in rows)
    assert "exact" in rows[0]  # relevance order: the keyword's own words first
    pg.wait_for_function("() => location.search.includes('q=health')")
    assert query_of(pg)["q"] == ["health"]
    matched_after = pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot').data"
                                ".flatMap(t => Array.from(t.z)).filter(z => z >= 1).length")
    assert 0 < matched_after < matched_before
    # the expanded row shows the source link of the priority
    pg.locator(".pt-item summary").first.click()
    link = pg.locator(".pt-item[open] a", has_text="source of this priority").first
    assert link.get_attribute("href").startswith("http")
    assert "health" in pg.inner_text(".pt-item[open]").lower()
    assert pg.locator(".pt-item[open] mark").count() >= 1  # the matched words, marked
    assert page.external == [] and page.errors == []


def test_clicking_a_region_selects_it(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + "/?level=2", wait_until="networkidle")
    wait_for_map(pg)
    lon, lat = atlas.regions.loc["ES51", ["lon", "lat"]]
    x, y = geo_point(pg, MAP, lon, lat)  # through the equal-area projection of the geo subplot
    pg.mouse.click(x, y)
    pg.wait_for_function("() => location.search.includes('region=ES51')", timeout=15000)
    pg.wait_for_function("() => (document.querySelector('#ex-selected')?.innerText ?? '').includes('ES51')", timeout=15000)
    assert "Cataluña (ES51)" in pg.inner_text("#ex-selected")
    rows = wait_for_rows_of(pg, "ES51")
    assert rows and all("(ES51" in r for r in rows)
    assert pg.locator("#ex-profile-link").get_attribute("href").endswith("/region/ES51")


def test_an_outermost_region_is_one_click_away_and_clickable(live_server, page, atlas):
    """La Réunion, 9,000 km from Brussels, is off the map of Europe: its button fits the map to it
    (the view goes into the URL), the island can then be clicked like any region, and Europe's
    button brings the map back."""
    pg = page.page
    pg.goto(live_server + "/?q=tourism", wait_until="networkidle")
    wait_for_map(pg)
    pg.get_by_role("group", name="Map view").get_by_role("button", name="La Réunion").click()
    pg.wait_for_function("() => location.search.includes('view=FRY4')", timeout=15000)
    pg.wait_for_function(f"() => Math.abs(document.querySelector('{MAP}')._fullLayout.geo.projection.rotation.lon"
                         " - 55.5) < 1", timeout=15000)
    assert query_of(pg)["q"] == ["tourism"]  # the rest of the view is kept
    pg.wait_for_function("() => document.querySelector('button.map-view[aria-pressed=true]')"
                         "?.getAttribute('data-url-value') === 'FRY4'", timeout=15000)  # the pressed button follows
    lon, lat = atlas.regions.loc["FRY4", ["lon", "lat"]]
    x, y = geo_point(pg, MAP, lon, lat)
    box = pg.locator(MAP).bounding_box()
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    pg.mouse.click(x, y)
    pg.wait_for_function("() => location.search.includes('region=FRY4')", timeout=15000)
    assert query_of(pg)["view"] == ["FRY4"]  # selecting keeps the view
    pg.get_by_role("group", name="Map view").get_by_role("button", name="Europe", exact=True).click()
    pg.wait_for_function("() => !location.search.includes('view=')", timeout=15000)
    pg.wait_for_function(f"() => document.querySelector('{MAP}')._fullLayout.geo.projection.rotation.lon === 10",
                         timeout=15000)
    assert page.errors == [], page.errors


def test_a_copied_url_reopens_the_same_view(live_server, page):
    pg = page.page
    pg.goto(live_server + "/?mode=indicator&indicator=unemployment_rate&year=2022&level=2&q=energy",
            wait_until="networkidle")
    wait_for_map(pg)
    assert pg.input_value("#ex-q") == "energy"
    assert "Unemployment rate" in pg.inner_text("#ex-indicator")
    assert "2022" in pg.inner_text("#ex-year")
    title = pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot')._fullLayout.coloraxis.colorbar.title.text")
    assert "Unemployment" in title and "2022" in title
    assert pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot').data[0].locations.length") == 334


def test_bad_url_parameters_show_a_note_not_an_error(live_server, page):
    pg = page.page
    resp = pg.goto(live_server + "/?level=9&region=<script>alert(1)</script>&nace=ZZ", wait_until="networkidle")
    assert resp.status == 200
    wait_for_map(pg)
    note = pg.inner_text("#ex-notes")
    assert "Territorial level '9'" in note and "Unknown region" in note and "ZZ" in note
    assert page.errors == []


def test_unknown_page_is_friendly(live_server, page):
    pg = page.page
    resp = pg.goto(live_server + "/no/such/page", wait_until="networkidle")
    assert resp.status == 404
    # the live page (Dash has drawn it: the first response's copy is gone), in the app's shell
    pg.wait_for_selector("#page .not-found")
    pg.wait_for_selector("#ssr-page", state="detached")
    assert "Page not found" in pg.inner_text("#page .not-found")
    assert pg.locator("nav a", has_text="Explorer").first.is_visible()
    pg.click("#page .not-found a")  # its link leads on to the explorer
    pg.wait_for_selector("#ex-map")
    assert page.errors == [], page.errors


def test_choosing_a_partnership_draws_its_members_over_the_map(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + "/?mode=indicator&indicator=gerd_pct_gdp", wait_until="networkidle")
    wait_for_map(pg)
    type_in_dropdown(pg, "#ex-partnership", "Water Smart")
    # Enter takes the first option shown, once the list has been narrowed to what was typed (the
    # dropdown narrows it a moment after the keys: a person sees the list before pressing Enter)
    pg.locator("[role=option]").first.filter(has_text="Water Smart").wait_for(timeout=15000)
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => location.search.includes('partnership=water-smart-territories')")
    pg.wait_for_function("() => document.querySelector('#ex-map .js-plotly-plot').data.length > 2")
    legend = pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot')._fullData"
                         ".filter(t => t.showlegend).map(t => t.name)")
    assert "Lead / co-lead" in legend and "Partner" in legend and "Line to nearest lead" in legend
    outlined = pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot').data.slice(1)"
                           ".filter(t => t.type === 'choropleth').flatMap(t => t.locations)")
    members = set(atlas.members.nuts_id[atlas.members.partnership_id == "water-smart-territories"])
    assert set(outlined) == members
    assert page.external == [] and page.errors == []


def test_back_and_forward_step_through_views(live_server, page):
    pg = page.page
    pg.goto(live_server + "/", wait_until="networkidle")
    wait_for_map(pg)
    pg.fill("#ex-q", "energy")
    pg.wait_for_function("() => location.search.includes('q=energy')")
    pg.fill("#ex-q", "health")
    pg.wait_for_function("() => location.search.includes('q=health')")
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('health')")
    pg.go_back()
    pg.wait_for_function("() => location.search.includes('q=energy')")
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('energy')")
    assert pg.input_value("#ex-q") == "energy"
    pg.go_forward()
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('health')")
    assert pg.input_value("#ex-q") == "health"


def test_map_image_export_is_presentation_size(live_server, page):
    pg = page.page
    pg.goto(live_server + "/?mode=indicator&indicator=gerd_pct_gdp", wait_until="networkidle")
    wait_for_map(pg)
    pg.wait_for_timeout(500)
    size = pg.evaluate("""async () => {
        const gd = document.querySelector('#ex-map .js-plotly-plot');
        const opts = gd._context.toImageButtonOptions;
        const url = await Plotly.toImage(gd, opts);
        const img = new Image();
        await new Promise(r => { img.onload = r; img.src = url; });
        return [opts.format, img.naturalWidth, img.naturalHeight, url.length];
    }""")
    assert size[:3] == ["png", 1920, 1080] and size[3] > 50000
    credit = pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot').layout.annotations[0].text")
    assert "EuroGeographics" in credit  # drawn inside the figure, so inside the image


def test_finding_a_region_by_name_selects_it(live_server, page):
    pg = page.page
    pg.goto(live_server + "/", wait_until="networkidle")
    wait_for_map(pg)
    type_in_dropdown(pg, "#ex-region", "(ES51)")
    pg.locator("[role=option]", has_text="(ES51)").first.click()
    pg.wait_for_function("() => location.search.includes('region=ES51')")
    pg.wait_for_function("() => (document.querySelector('#ex-selected')?.innerText ?? '').includes('ES51')")
    rows = wait_for_rows_of(pg, "ES51")
    assert rows and all("(ES51" in r for r in rows)
    # clearing the selection empties the finder too
    pg.click("#ex-clear")
    pg.wait_for_function("() => !location.search.includes('region=')")
    assert page.errors == []


def test_period_filter_keeps_current_strategies_only(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + "/", wait_until="networkidle")
    wait_for_map(pg)
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').length > 0")
    pg.click("#ex-period")
    pg.locator("[role=option]", has_text="Current: running into 2021 or later").first.click()
    pg.wait_for_function("() => location.search.includes('period=current')")
    expected = int((atlas.priorities.period_group == "current").sum())
    pg.wait_for_function(f"() => (document.querySelector('#ex-count')?.innerText ?? '').startsWith('{expected} ')")
    assert "strategy period reaching 2021 or later" in count_text(pg)
    # no row shown belongs to a strategy whose stated period ended by 2020 (the Strategy column shows the
    # period; a period not stated, or open, is dated by its note in the row's detail)
    strategies = pg.locator(".pt-strategy").all_inner_texts()[1:]  # after the header
    assert strategies and not any(re.search(r"\((19|20)\d\d-(19\d\d|20[01]\d|2020)\)$", s) for s in strategies), strategies
    assert any(re.search(r"\(20\d\d-20(2[1-9]|[3-9]\d)\)$", s) for s in strategies)
    assert page.errors == []
