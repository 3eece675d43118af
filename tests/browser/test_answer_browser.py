"""'Which regions bet on X?': the count line in the first screen, the regions ranked with their
evidence, the filters folding away on a phone, the map's tiers and the regions download."""
from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import Watched

pytestmark = pytest.mark.browser

MAP_DRAWN = ("() => { const g = document.querySelector('#ex-map .js-plotly-plot');"
             " return g && g.data && g.data.length > 1; }")
NAMED = "() => document.querySelector('#ex-count') && (document.querySelector('#ex-count')?.innerText ?? '').includes('name it')"


def in_viewport(pg, sel: str) -> bool:
    box = pg.locator(sel).bounding_box()
    size = pg.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["width"] > 0


@pytest.fixture
def sized(browser):
    """A page at a given screen size (Watched: errors and requests outside the app recorded)."""
    contexts = []

    def open_at(width: int, height: int) -> Watched:
        ctx = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(ctx)
        return Watched(ctx.new_page())

    yield open_at
    for ctx in contexts:
        ctx.close()


def test_hydrogen_answered_by_region_in_the_first_screen_of_a_desktop(live_server, sized, atlas):
    w = sized(1400, 900)
    pg = w.page
    pg.goto(live_server + "/", wait_until="networkidle")
    pg.wait_for_function(MAP_DRAWN, timeout=30000)
    pg.fill("#ex-q", "hydrogen")
    pg.keyboard.press("Enter")
    pg.wait_for_function(NAMED, timeout=30000)
    count = pg.inner_text("#ex-count")
    assert count.split(",")[0].endswith("regions name it") and "priorities in" in count
    assert in_viewport(pg, "#ex-count")  # read without scrolling
    assert pg.evaluate("() => window.scrollY") == 0
    # the table lists the regions, ranked, each with its tier and its best evidence, the word marked
    pg.wait_for_selector("#ex-table .rg-item", timeout=15000)
    first = pg.locator("#ex-table .rg-item").first
    assert "names it" in first.locator(".tier-badge").inner_text()
    nuts = first.get_attribute("data-region")
    assert nuts in atlas.regions.index
    assert first.locator("a.rg-link").get_attribute("href").endswith(f"/region/{nuts}")
    marks = [m.lower() for m in first.locator(".pt-priority mark").all_inner_texts()]
    assert marks and all(m.startswith("hydrogen") for m in marks)
    assert first.locator(".pt-strategy").inner_text().strip()
    n = int(count.split()[0])
    assert pg.locator("#ex-table .rg-item").count() == n
    assert pg.locator("#ex-table .rg-item[data-tier=exact]").count() == n
    # the map's legend names the tiers, with no band of counts the answer does not have
    pg.wait_for_function("() => (document.querySelector('#ex-legend')?.innerText ?? '').includes('Names it')", timeout=15000)
    legend = pg.inner_text("#ex-legend")
    for tier in ("Names it", "Close in meaning only", "No match", "No strategy in the data"):
        assert tier in legend
    assert "or more" not in legend and "7–10" not in legend
    # the priorities are one click away, and the switch goes into the URL
    pg.locator("label", has_text="Priorities").last.click()
    pg.wait_for_function("() => location.search.includes('by=priorities')", timeout=15000)
    pg.wait_for_selector("#ex-table .pt-item", timeout=15000)
    assert pg.locator("#ex-table .pt-item").count() == 6
    pg.locator("label", has_text="Regions").last.click()
    pg.wait_for_function("() => !location.search.includes('by=')", timeout=15000)
    pg.wait_for_selector("#ex-table .rg-item", timeout=15000)
    assert w.errors == [] and w.external == []


def test_on_a_phone_a_search_folds_the_filters_and_shows_the_count_line(live_server, sized):
    w = sized(390, 844)
    pg = w.page
    pg.goto(live_server + "/", wait_until="networkidle")
    pg.wait_for_function(MAP_DRAWN, timeout=30000)
    pg.click("#ex-filters-toggle")
    pg.locator("#ex-q").wait_for(state="visible", timeout=15000)
    pg.fill("#ex-q", "hydrogen")
    assert pg.locator("#ex-q").is_visible()  # typing does not fold the filters
    pg.keyboard.press("Enter")  # the phone keyboard's search key
    pg.locator("#ex-q").wait_for(state="hidden", timeout=15000)
    pg.wait_for_function(NAMED, timeout=30000)
    pg.wait_for_function("() => !document.querySelector('#ex-filters-collapse').classList.contains('collapsing')")
    assert in_viewport(pg, "#ex-count")
    assert "regions name it" in pg.inner_text("#ex-count")
    assert w.errors == [] and w.external == []


def test_the_regions_download_has_the_tiers(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + "/?q=circular%20economy", wait_until="networkidle")
    link = pg.locator("#ex-dl-regions-csv")
    assert "q=circular" in link.get_attribute("href")
    with pg.expect_download() as info:
        link.click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    tiers = [r["tier"] for r in rows]
    assert tiers[0] == "names it" and "close in meaning" in tiers and tiers[-1] == "no match"
    assert tiers == sorted(tiers, key=["names it", "close in meaning", "no match"].index)  # ranked
    named = [r for r in rows if r["tier"] == "names it"]
    assert all("circular" in r["evidence_matched_words"] for r in named)
    assert all(r["evidence_priority_source_url"].startswith("http") for r in named)
    assert {r["snapshot"] for r in rows} == {atlas.version}
    # the Excel workbook sits beside it
    assert pg.locator("#ex-dl-regions-xlsx").get_attribute("href").startswith("/export/regions.xlsx?")
    assert page.errors == []


def test_a_keyword_change_is_one_request_and_back_restores_the_view(live_server, sized):
    """One callback writes the URL and draws the view (the answer computed once); the icon is in the
    page, so nothing else reaches the server. Back draws the view before, controls included, in one
    request of the explorer's."""
    w = sized(1400, 900)
    pg = w.page
    pg.goto(live_server + "/", wait_until="networkidle")
    pg.wait_for_function(MAP_DRAWN, timeout=30000)
    pg.fill("#ex-q", "textile")  # a first change: what loads once (lazy scripts) is not counted
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('name')", timeout=30000)
    pg.wait_for_load_state("networkidle")
    sent, bodies = [], []
    pg.on("request", lambda r: (sent.append(r.url), bodies.append(r.post_data)) if r.url.startswith(live_server) else None)
    pg.fill("#ex-q", "hydrogen")
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => location.search === '?q=hydrogen'", timeout=30000)
    pg.wait_for_function(NAMED, timeout=30000)
    pg.wait_for_load_state("networkidle")
    assert [u[len(live_server):].split("?")[0] for u in sent] == ["/_dash-update-component"]
    hydrogen = pg.inner_text("#ex-count")
    assert hydrogen.startswith("6 regions name it")
    sent.clear()
    bodies.clear()
    pg.go_back()
    pg.wait_for_function("() => location.search === '?q=textile'", timeout=30000)
    pg.wait_for_function("() => document.querySelector('#ex-q').value === 'textile'", timeout=30000)
    pg.wait_for_function("t => !(document.querySelector('#ex-count')?.innerText ?? '').startsWith(t)",
                         arg=hydrogen[:20], timeout=30000)
    pg.wait_for_load_state("networkidle")
    # one request draws the explorer's view (the page shell's own callback follows the URL too)
    assert sum("ex-map.figure" in json.loads(b)["output"] for b in bodies if b) == 1
    assert "textile" in pg.inner_text("#ex-table").lower()
    assert w.errors == [] and w.external == []
