"""The page's plain-HTML copy: shown before Dash draws, gone after, never a second set of ids."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/?q=hydrogen", "/region/ES51", "/compare?regions=ES51,BE3"])
def test_the_copy_goes_once_the_page_is_drawn_and_ids_stay_unique(live_server, page, path):
    pg = page.page
    pg.goto(live_server + path, wait_until="networkidle")
    pg.wait_for_function("() => !document.getElementById('ssr-page')", timeout=30000)
    dupes = pg.evaluate("() => { const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);"
                        " return ids.filter((id, i) => ids.indexOf(id) !== i); }")
    assert dupes == []
    assert pg.evaluate("() => document.querySelector('#page h1') !== null")
    assert page.errors == [] and page.external == []


def test_without_javascript_the_page_still_shows_its_content(live_server, browser):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    pg.goto(live_server + "/region/ES51")
    text = pg.inner_text("body")
    assert "Cataluña (ES51)" in text and "GDP per inhabitant" in text
    assert pg.title().startswith("Cataluña (ES51)")
    ctx.close()


def test_a_link_in_a_static_part_changes_page_without_reloading(live_server, page):
    pg = page.page
    pg.goto(live_server + "/region/ES51", wait_until="networkidle")
    pg.evaluate("() => { window.__samePage = true; }")
    link = pg.locator(".static-html a[data-dash-link][href^='/region/']").first
    target = link.get_attribute("href")
    link.click()
    pg.wait_for_function(f"() => location.pathname === '{target}'")
    pg.wait_for_function(f"() => document.querySelector('#rg-title') && "
                         f"(document.querySelector('#rg-title')?.innerText ?? '').includes('{target.rsplit('/', 1)[-1]}')",
                         timeout=15000)
    assert pg.evaluate("() => window.__samePage === true")  # no reload
    assert page.errors == []


def test_the_copy_is_painted_before_any_of_dashs_scripts_is_requested(live_server, page):
    """Dash's scripts are requested only once the browser has painted the page's copy; held back,
    the copy stays readable on the screen; let through, they draw the live page in its place."""
    pg = page.page
    held, released = [], []
    pg.route("**/_dash-component-suites/**", lambda route: route.continue_() if released else held.append(route))
    pg.goto(live_server + "/partnerships", wait_until="commit")
    pg.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
    pg.wait_for_function("() => document.querySelectorAll('script[src*=\"_dash-component-suites\"]').length > 0")
    assert pg.locator("#ssr-page h1").inner_text() == "Thematic Smart Specialisation partnerships"
    assert pg.locator("#ssr-page").is_visible() and pg.evaluate("() => typeof window.DashRenderer") == "undefined"
    released.append(True)
    for route in held:
        route.continue_()
    pg.wait_for_function("() => !document.getElementById('ssr-page') && document.querySelector('#page h1')",
                         timeout=30000)
    assert pg.inner_text("#page h1") == "Thematic Smart Specialisation partnerships"
    order = pg.evaluate("""() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0].startTime;
        return performance.getEntriesByType('resource').filter(r => r.name.includes('/_dash-component-suites/'))
            .map(r => r.startTime >= fcp); }""")
    assert order and False not in order  # no script of Dash's was requested before the first paint
    assert page.errors == [] and page.external == []
