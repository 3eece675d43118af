"""Thematic partnership pages in real headless Chromium against a live server on loopback."""
from __future__ import annotations

import pytest

from conftest import drawn_regions, geo_point, wait_for_geo

from dashboard.data.partnerships import partnership_counts

pytestmark = pytest.mark.browser

PID = "water-smart-territories"


def wait_for_map(pg, container: str):
    sel = wait_for_geo(pg, f"{container} .js-plotly-plot")
    pg.wait_for_timeout(300)
    return sel


def legend_names(pg, sel: str) -> list[str]:
    return pg.evaluate("(sel) => document.querySelector(sel)._fullData"
                       ".filter(t => t.showlegend).map(t => t.name)", sel)


def test_overview_shows_computed_counts_and_the_map(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + "/partnerships", wait_until="networkidle")
    sel = wait_for_map(pg, "#pt-map")
    c = partnership_counts(atlas)
    for key in ("partnerships", "members", "supporting", "countries", "eu_member_states", "non_eu_countries"):
        assert pg.inner_text(f"#pt-counts [data-count={key}] .tp-number").strip() == str(c[key])
    assert {"Lead / co-lead", "Partner", "Line to nearest lead", "Dot: a member region's centre"} <= set(legend_names(pg, sel))
    drawn = drawn_regions(pg, sel)
    assert drawn > 30
    assert "EuroGeographics" in pg.inner_text("#credit-line")
    assert pg.locator(f"#pt-platforms a[href='/partnerships/{PID}']").count() == 1
    assert page.external == [], page.external
    assert page.errors == [], page.errors


def test_platform_filter_goes_into_the_url(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + "/partnerships?platform=energy", wait_until="networkidle")
    wait_for_map(pg, "#pt-map")
    energy = set(atlas.partnerships.partnership_id[atlas.partnerships.platform_id == "energy"])
    shown = set(pg.eval_on_selector_all("#pt-platforms [data-partnership]",
                                        "rows => rows.map(r => r.dataset.partnership)"))
    assert shown == energy
    before = pg.inner_text("#pt-summary")
    pg.click("#pt-country")
    pg.locator(".dash-dropdown-search").fill("(EL)")
    pg.locator("[role=option]", has_text="(EL)").first.click()
    pg.wait_for_function("() => location.search.includes('country=EL')", timeout=15000)
    assert "platform=energy" in pg.url
    greek = set(atlas.members.partnership_id[atlas.members.nuts_id.str.startswith("EL")])
    pg.wait_for_function("(b) => (document.querySelector('#pt-summary')?.innerText ?? '') !== b", arg=before)
    pg.wait_for_timeout(300)
    shown = set(pg.eval_on_selector_all("#pt-platforms [data-partnership]",
                                        "rows => rows.map(r => r.dataset.partnership)"))
    assert shown == energy & greek
    assert page.external == [] and page.errors == []


def test_partnership_page_members_and_legend(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + f"/partnerships/{PID}", wait_until="networkidle")
    sel = wait_for_map(pg, "#pp-map")
    members = atlas.members[atlas.members.partnership_id == PID]
    assert pg.locator("#pp-members tbody tr").count() == len(members)
    leads = set(members.nuts_id[members.role.isin(["lead", "co-lead"])])
    assert set(pg.eval_on_selector_all("#pp-members tbody tr[data-role=lead], #pp-members tbody tr[data-role=co-lead]",
                                       "rows => rows.map(r => r.dataset.nuts)")) == leads
    assert {"Lead / co-lead", "Partner", "Line to nearest lead", "Dot: a member region's centre"} <= set(legend_names(pg, sel))
    lead_locs = pg.evaluate("(sel) => document.querySelector(sel)._fullData"
                            ".filter(t => t.type === 'choropleth' && t.legendgroup === 'lead').flatMap(t => Array.from(t.locations))", sel)
    assert set(lead_locs) == leads
    annotations = pg.evaluate("(sel) => document.querySelector(sel)._fullLayout.annotations.map(a => a.text)", sel)
    assert any("EuroGeographics" in a for a in annotations)
    assert pg.get_attribute("#pp-explorer", "href").endswith(f"/?partnership={PID}")
    assert page.external == [], page.external
    assert page.errors == [], page.errors


def test_partnership_page_counts_supporting_regions_apart_and_marks_inferred_links(live_server, page, atlas):
    """Bioeconomy: regions its sources name as supporting (or co-signing) the Vanguard memorandum are
    counted apart and worded as in their source; rows that are inferences say so, with the reason."""
    from dashboard.data.partnerships import partnership_members
    pid = "bioeconomy"
    pg = page.page
    pg.goto(live_server + f"/partnerships/{pid}", wait_until="networkidle")
    sel = wait_for_map(pg, "#pp-map")
    c = partnership_counts(atlas, partnership_ids=[pid])
    assert c["supporting"] > 0 and c["inferred_rows"] > 0
    counts = pg.inner_text("#pp-counts")
    assert f"{c['members']} member regions, {c['supporting']} supporting" in counts
    assert f"{c['inferred_rows']} inferred links" in counts
    members = partnership_members(atlas, pid).set_index("nuts_id")
    supporting = members[members.role == "supporting"]
    shown = pg.eval_on_selector_all("#pp-members tbody tr[data-role=supporting]",
                                    "rows => rows.map(r => [r.dataset.nuts, r.innerText])")
    assert {n for n, _ in shown} == set(supporting.index)
    for nuts, text in shown:
        assert "Supporting" in text and supporting.at[nuts, "role_as_in_source"] in text
    inferred = pg.eval_on_selector_all("#pp-members tbody tr[data-inferred=yes]",
                                       "rows => rows.map(r => [r.dataset.nuts, r.querySelector('.pp-inferred').innerText])")
    assert {n for n, _ in inferred} == set(members.index[members.inferred != ""])
    for nuts, text in inferred:
        assert text == f"inferred: {members.at[nuts, 'inferred']}"
    assert "Supporting (not named a member)" in legend_names(pg, sel)
    hover = pg.evaluate("([sel, nuts]) => { const t = document.querySelector(sel)._fullData"
                        ".find(t => t.meta && t.meta.role_group === 'points');"
                        " return t.text[Array.from(t.customdata).indexOf(nuts)]; }", [sel, supporting.index[0]])
    assert "as in the source:" in hover and "inferred:" in hover
    assert page.external == [], page.external
    assert page.errors == [], page.errors


def test_unknown_partnership_is_friendly(live_server, page):
    pg = page.page
    resp = pg.goto(live_server + "/partnerships/no-such-thing", wait_until="networkidle")
    assert resp.status == 404
    pg.wait_for_selector(".not-found")
    assert "Partnership not found" in pg.inner_text(".not-found")
    assert pg.get_attribute("#pp-back", "href").endswith("/partnerships")
    assert page.errors == []


def test_clicking_a_member_opens_its_profile(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + f"/partnerships/{PID}", wait_until="networkidle")
    sel = wait_for_map(pg, "#pp-map")
    lead = atlas.members[(atlas.members.partnership_id == PID) & (atlas.members.role == "lead")].nuts_id.iloc[0]
    lon, lat = atlas.regions.loc[lead, ["lon", "lat"]]
    x, y = geo_point(pg, sel, lon, lat)
    pg.mouse.click(x, y)
    pg.wait_for_function(f"() => location.pathname.endsWith('/region/{lead}')", timeout=15000)
    # the region's profile, not the partnership page still on screen (it names its members too)
    pg.wait_for_function("(code) => { const t = document.querySelector('#rg-title');"
                         " return t && t.innerText.includes(code); }", arg=lead, timeout=15000)


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1400, "height": 900}])
def test_partnership_map_fills_its_box(live_server, browser, viewport):
    """The map's drawing area has the frame's ratio (figures/partnership.py MAP_RATIO), on a phone
    too: no large empty box around a small map; the legend sits below it and the key explains it."""
    from conftest import Watched

    from dashboard.figures.partnership import MAP_RATIO

    ctx = browser.new_context(viewport=viewport)
    w = Watched(ctx.new_page())
    pg = w.page
    try:
        pg.goto(live_server + f"/partnerships/{PID}", wait_until="networkidle")
        sel = wait_for_map(pg, "#pp-map")
        width, height = pg.evaluate("(s) => { const z = document.querySelector(s)._fullLayout._size;"
                                    " return [z.w, z.h]; }", sel)
        box = pg.locator("#pp-map").bounding_box()
        assert abs(width / height - MAP_RATIO) < 0.05 * MAP_RATIO, (width, height)
        assert width >= 0.95 * box["width"] and height >= 0.6 * box["height"]
        assert "nearest" in pg.inner_text("#pp-key") and "centre" in pg.inner_text("#pp-key")
        assert w.external == [] and w.errors == [], (w.external, w.errors)
    finally:
        ctx.close()


HYDROGEN = "european-hydrogen-valleys-s3-partnership"


def test_partnership_page_lists_regions_that_could_join_and_compares_them_with_the_lead(live_server, page, atlas):
    from urllib.parse import parse_qs, urlparse

    from dashboard.data.partnerships import could_join, partnership_members

    pg = page.page
    pg.goto(live_server + f"/partnerships/{HYDROGEN}", wait_until="networkidle")
    pg.wait_for_selector("#pp-could-join #pp-join-list li", timeout=30000)
    cj = could_join(atlas, HYDROGEN)
    shown = pg.eval_on_selector_all("#pp-join-list > li", "els => els.map(e => e.dataset.nuts)")
    assert shown == list(cj.nuts_id[:10])
    members = set(atlas.members.nuts_id[atlas.members.partnership_id == HYDROGEN])
    assert not members & set(shown)
    item = pg.locator("#pp-join-list > li[data-nuts=DE8]")
    text = item.inner_text()
    assert "Mecklenburg-Vorpommern" in text and "names it" in text
    assert item.locator("mark", has_text="hydrogen").count() >= 1  # the matched word is marked
    lead = partnership_members(atlas, HYDROGEN).nuts_id.iloc[0]
    item.locator(".pp-compare-link").click()
    pg.wait_for_selector("#cmp-stats", timeout=30000)
    assert parse_qs(urlparse(pg.url).query)["regions"] == [f"{lead},DE8"]
    head = pg.inner_text("#cmp-stats thead")
    assert f"({lead})" in head and "(DE8)" in head
    assert page.external == [], page.external
    assert page.errors == [], page.errors


def test_region_profile_lists_partnerships_it_could_join(live_server, page, atlas):
    pg = page.page
    pg.goto(live_server + "/region/DE8", wait_until="networkidle")
    pg.wait_for_selector("#rg-could-join #rg-join-list li", timeout=30000)
    item = pg.locator(f"#rg-join-list > li[data-partnership={HYDROGEN}]")
    assert item.count() == 1 and "names it" in item.inner_text()
    assert "Renewable energies" in item.inner_text() and "hydrogen" in item.inner_text().casefold()
    joined = set(atlas.members.partnership_id[atlas.members.nuts_id.str.startswith("DE8")])
    listed = set(pg.eval_on_selector_all("#rg-join-list > li", "els => els.map(e => e.dataset.partnership)"))
    assert listed and not listed & joined
    item.locator(f"a[href='/partnerships/{HYDROGEN}']").click()
    pg.wait_for_selector("#pp-title", timeout=30000)
    assert "Hydrogen" in pg.inner_text("#pp-title")
    assert page.external == [], page.external
    assert page.errors == [], page.errors
