"""Search and the partner finder, as a person uses them."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MAP_DRAWN = ("() => { const g = document.querySelector('#ex-map .js-plotly-plot');"
             " return g && g.data && g.data.length > 1; }")


def test_a_theme_shows_exact_and_related_groups_in_table_and_map(live_server, page):
    pg = page.page
    pg.goto(live_server + "/?by=priorities", wait_until="networkidle")
    pg.wait_for_function(MAP_DRAWN, timeout=30000)
    pg.fill("#ex-q", "textile")
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => location.search.includes('q=textile')", timeout=15000)
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('related in meaning')",
                         timeout=15000)
    count = pg.inner_text("#ex-count")
    assert "with the keyword's words" in count
    # relevance order: every exact row before the first related one; exact words highlighted
    badges = pg.eval_on_selector_all(".pt-priority .match-badge", "els => els.map(e => e.className)")
    kinds = ["exact" if "match-exact" in b else "related" for b in badges]
    assert kinds and kinds == sorted(kinds) and "related" in kinds
    exact_rows = pg.locator(".pt-item:has(.match-exact)")
    for i in range(exact_rows.count()):  # open each exact row: its detail loads when opened
        exact_rows.nth(i).locator("summary").click()
        exact_rows.nth(i).locator(".pt-profile-link").wait_for(timeout=15000)
    marked = pg.eval_on_selector_all(".pt-item", "els => els.filter(e => e.querySelector('.match-exact'))"
                                                 ".map(e => e.querySelectorAll('mark').length)")
    assert len(marked) == kinds.count("exact") and all(n >= 1 for n in marked)  # the matched words, marked
    related_text = pg.locator(".match-related").first.inner_text()
    assert related_text in ("close in meaning", "somewhat close in meaning")  # the strength in words
    # the map names the related-only class in its legend and draws regions in it
    pg.wait_for_function(
        "() => { const g = document.querySelector('#ex-map .js-plotly-plot');"
        " return g.data.some(t => (t.z || []).some(z => z === 0.4)); }", timeout=15000)
    legend = pg.evaluate("() => document.querySelector('#ex-map .js-plotly-plot').layout.coloraxis.colorbar.ticktext")
    assert "Close in meaning only" in legend
    assert page.errors == [] and page.external == []


def test_partner_finder_from_pasted_lines_to_the_comparison(live_server, page):
    pg = page.page
    pg.goto(live_server + "/match", wait_until="networkidle")
    pg.fill("#match-text", "Textiles and fashion\nSustainable tourism\nzdrowie publiczne")
    pg.click("#match-go")
    pg.wait_for_selector("#match-regions li", timeout=30000)
    assert pg.locator("#match-regions > li").count() >= 3
    pg.wait_for_function("() => location.search.includes('lines=')", timeout=15000)  # short input: shareable
    pg.click("#match-compare")
    pg.wait_for_function("() => location.pathname.endsWith('/compare')", timeout=15000)
    pg.wait_for_selector("#cmp-stats", timeout=30000)
    assert pg.locator("#cmp-stats thead th").count() >= 3
    assert page.errors == [] and page.external == []
