"""Explorer details people trip over, in real headless Chromium: the NACE filter's typing and list,
the empty table's reason, the level note, the indicator year note and the Strategy column."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from conftest import type_in_dropdown

pytestmark = pytest.mark.browser

FIRST_OPTION = "() => { const o = document.querySelector('.dash-dropdown-content .dash-dropdown-option');" \
               " return o ? o.innerText.trim() : ''; }"


def open_explorer(pg, url: str):
    pg.goto(url, wait_until="networkidle")
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').length > 0")


def first_option_is(pg, text: str):
    pg.wait_for_function(f"() => ({FIRST_OPTION})().startsWith({text!r})", timeout=15000)


def test_typing_c_and_enter_in_the_nace_filter_picks_section_c(live_server, page):
    pg = page.page
    open_explorer(pg, live_server + "/")
    type_in_dropdown(pg, "#ex-nace", "C")
    # a person sees the list answer what was typed before pressing Enter
    first_option_is(pg, "C — Manufacturing (section)")
    shown = pg.locator(".dash-dropdown-content .dash-dropdown-option").all_inner_texts()
    assert shown[1].startswith("C.10 — ")  # then the divisions of section C
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => location.search.includes('nace=')")
    assert parse_qs(urlparse(pg.url).query)["nace"] == ["C"]
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('NACE C')")
    assert page.errors == [] and page.external == []


def test_typing_manufacturing_lists_section_c_first(live_server, page):
    pg = page.page
    open_explorer(pg, live_server + "/")
    type_in_dropdown(pg, "#ex-nace", "Manufacturing")
    first_option_is(pg, "C — Manufacturing (section)")
    shown = pg.locator(".dash-dropdown-content .dash-dropdown-option").all_inner_texts()
    assert shown[1].startswith("C.32 — Other manufacturing")


def test_the_nace_list_is_tall_has_sections_first_and_no_select_all(live_server, page):
    pg = page.page
    open_explorer(pg, live_server + "/")
    pg.click("#ex-nace")
    pg.wait_for_selector(".dash-dropdown-content .dash-dropdown-option")
    assert not pg.locator(".dash-dropdown-content .dash-dropdown-actions").is_visible()
    assert "Select all" not in pg.inner_text(".dash-dropdown-content")
    visible = pg.evaluate("() => { const c = document.querySelector('.dash-dropdown-content').getBoundingClientRect();"
                          " return Array.from(document.querySelectorAll('.dash-dropdown-content .dash-dropdown-option'))"
                          ".filter(o => { const r = o.getBoundingClientRect(); return r.top >= c.top && r.bottom <= c.bottom; })"
                          ".map(o => o.innerText.trim()); }")
    assert len(visible) >= 6, visible  # three rows showed before
    assert visible[0].startswith("A — Agriculture") and all("(section)" in v for v in visible)


def test_a_partnership_with_a_keyword_that_empties_the_table_says_why(live_server, page):
    pg = page.page
    open_explorer(pg, live_server + "/?q=textile")
    type_in_dropdown(pg, "#ex-partnership", "Hydrogen Valleys")
    first_option_is(pg, "European Hydrogen Valleys S3 Partnership")
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').startsWith('No priority matches')")
    count = pg.inner_text("#ex-count")
    assert ("the European Hydrogen Valleys S3 Partnership’s 8 member regions have 26 priorities in the data; "
            "with keywords “textile” none is left.") in count
    assert "Partnership partnership" not in count
    assert page.errors == []


def test_the_level_filter_says_what_it_filters(live_server, page):
    pg = page.page
    open_explorer(pg, live_server + "/?level=3")
    note = pg.locator("#ex-level-note")
    assert note.is_visible()
    assert "Filters strategies by the level they were written for" in note.inner_text()


def test_an_indicator_year_names_the_countries_without_values(live_server, page):
    pg = page.page
    open_explorer(pg, live_server + "/?mode=indicator&indicator=gdp_pps_pct_eu27&year=2023")
    note = pg.inner_text("#ex-year-note")
    assert "Nederland (NL, 2 of 12 regions) 2010–2022" in note and "Schweiz/Suisse/Svizzera (CH) 2014–2019" in note
    type_in_dropdown(pg, "#ex-year", "2021")
    first_option_is(pg, "2021")
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => location.search.includes('year=2021')")
    pg.wait_for_function("() => (document.querySelector('#ex-year-note')?.innerText ?? '').includes('No 2021 values')")
    assert pg.inner_text("#ex-year-note") == ("No 2021 values here (grey on the map); years with data: "
                                              "Schweiz/Suisse/Svizzera (CH) 2014–2019.")
    pg.click("#ex-year")
    pg.locator(".dash-dropdown-content .dash-dropdown-option", has_text="Latest year").click()
    pg.wait_for_function("() => !location.search.includes('year=')")
    pg.wait_for_function("() => (document.querySelector('#ex-year-note')?.innerText ?? '') === ''")


def test_the_strategy_column_shows_the_period_and_the_detail_the_note(live_server, page):
    pg = page.page
    open_explorer(pg, live_server + "/?region=ITF3")
    strategies = pg.locator(".pt-item .pt-strategy").all_inner_texts()
    assert strategies and all(s.endswith("(2014-2020)") for s in strategies), strategies
    assert not any("not stated on the page" in s for s in strategies)
    pg.locator(".pt-item summary").first.click()
    pg.wait_for_selector(".pt-item[open] .pt-period-note")
    assert pg.inner_text(".pt-item[open] .pt-period-note").startswith(
        "About the period: period not stated on the page; a 2021-2027 update was approved in late 2022")
