"""URL state round trip, and the pure figure and view builders on real data."""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures.explorer import classify_values, nice_breaks
from dashboard.pages.explorer import view
from dashboard.views.explorer import control_values, explorer_figure, state_from_controls
from dashboard.state import DEFAULT, ViewState, parse_query, to_query


def geometry_url(level: int) -> str:
    return f"/geometry/nuts{level}.test.geojson"


def test_round_trip(atlas):
    s = ViewState(mode="indicator", q="health", level=2, nace=("C", "26"), nabs=("7",), eco=("9",),
                  platform="industrial-modernisation", partnership="water-smart-territories",
                  indicator="gerd_pct_gdp", year=2021, region="ES51", view="FRY4", sort="-priority", page=3)
    q = to_query(s)
    back, notes = parse_query(q, atlas)
    assert back == s and notes == []
    assert to_query(DEFAULT) == ""


def test_bad_parameters_are_dropped_with_a_note(atlas):
    state, notes = parse_query("?mode=banana&level=7&nace=C,ZZ&region=XX99&year=abc&foo=1&q=ok", atlas)
    assert state.mode == "priorities" and state.level is None and state.nace == ("C",)
    assert state.region == "" and state.year is None and state.q == "ok"
    assert len(notes) == 6
    assert any("ZZ" in n for n in notes) and any("foo" in n for n in notes)


def test_oversize_input_is_cut_or_refused(atlas):
    state, notes = parse_query("?q=" + "a" * 500, atlas)
    assert len(state.q) == 200 and notes
    state, notes = parse_query("?q=" + "a" * 5000, atlas)
    assert state == DEFAULT and "longer than" in notes[0]


def test_controls_round_trip_through_the_parser(atlas):
    s = ViewState(mode="indicator", q="energy", level=1, eco=("8",), year=2022, sort="strategy", page=2)
    assert state_from_controls(atlas, control_values(s), "") == (s, [])


def test_map_references_geometry_by_url_and_keeps_missing_regions(atlas):
    fig = explorer_figure(atlas, ViewState(mode="indicator", indicator="gerd_pct_gdp", year=2021), geometry_url)
    assert isinstance(fig, go.Figure)
    tr = fig.data[0]
    assert tr.geojson == "/geometry/nuts2.test.geojson"  # a URL, never the coordinates
    assert len(tr.locations) == 334  # no region dropped
    z = list(tr.z)
    assert 0 in z  # missing values are class 0, drawn grey
    assert "no data" in tr.text
    assert fig.layout.coloraxis.colorbar.ticktext[0] == "No data"
    assert "EU-27 value not in the snapshot" in fig.layout.coloraxis.colorbar.title.text
    assert "EuroGeographics" in fig.layout.annotations[0].text


def test_priorities_map_counts_follow_the_keyword(atlas):
    fig = explorer_figure(atlas, ViewState(q="textil"), geometry_url)
    counts = {}
    for tr in fig.data:
        for loc, z in zip(tr.locations, tr.z):
            counts[loc] = z
    hits = {loc for loc, z in counts.items() if z >= 1}  # z is the number of matching priorities
    pri = atlas.priorities
    text = pri.title + " " + pri.title_original + " " + pri.description + " " + pri.keywords
    textile = pri[text.str.contains("textil", case=False)]  # the keyword searches all four fields
    assert hits == set(textile.nuts_id)


def test_view_counts_and_paging(atlas):
    v = view(atlas, ViewState(q="health", by="priorities"), geometry_url)
    n = len(atlas.priorities[atlas.priorities.title.str.contains("health", case=False)
                             | atlas.priorities.keywords.str.contains("health", case=False)
                             | atlas.priorities.description.str.contains("health", case=False)])
    # "health" is a whole word wherever it occurs, so the exact group is every row that contains it;
    # rows close in meaning come on top of them, counted apart
    count = v["count_text"].split(" · ", 1)[1]  # after the regions that name it
    exact = int(count.split("(")[1].split(" with the keyword")[0])
    assert exact == n
    assert count.startswith(f"{n + int(count.split(', ')[1].split(' related')[0])} priorit")
    assert len(v["rows"].tree) == 1 + min(n, 15)  # the header and the rows of one static island


def test_selected_region_narrows_the_table_to_it_and_its_subregions(atlas):
    v = view(atlas, ViewState(region="CZ"), geometry_url)
    cz = atlas.priorities[atlas.priorities.country == "CZ"]
    assert v["count"].startswith(f"{len(cz)} priorities in {cz.strategy_id.nunique()} strategies")


def test_class_breaks():
    b = nice_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)
    assert b == sorted(b) and len(b) == 4
    assert list(classify_values([float("nan"), 0.5, 100], b)) == [0, 1, 5]


def test_same_map_structure_sends_values_only(atlas):
    from dash import Patch

    from dashboard.views.explorer import map_values

    for a, b in [(ViewState(), ViewState(q="energy", eco=("8",))),
                 (ViewState(mode="indicator", indicator="gerd_pct_gdp", year=2019),
                  ViewState(mode="indicator", indicator="unemployment_rate", year=2022))]:
        fig_a = explorer_figure(atlas, a, geometry_url)
        fig_b = explorer_figure(atlas, b, geometry_url)
        values_b = map_values(atlas, b)
        # the structure (regions per trace) is the same, so values alone turn a into b
        assert [list(t.locations) for t in fig_a.data] == [list(t.locations) for t in fig_b.data]
        assert [list(t.z) for t in fig_b.data] == [t["z"] for t in values_b["traces"]]
        patch = view(atlas, b, geometry_url, previous=a)["figure"]
        assert isinstance(patch, Patch)
        ops = patch.to_plotly_json()["operations"]
        assert all(o["location"][-1] in ("z", "text", "hovertemplate", "coloraxis") for o in ops)
        assert not any(o["location"][-1] in ("geojson", "locations", "customdata") for o in ops)
    # a new level changes the structure: a full figure
    full = view(atlas, ViewState(level=2), geometry_url, previous=ViewState())["figure"]
    assert isinstance(full, go.Figure)


def test_partnership_overlay_sits_on_top_of_the_choropleth(atlas):
    state = ViewState(mode="indicator", indicator="gerd_pct_gdp", partnership="water-smart-territories")
    fig = explorer_figure(atlas, state, geometry_url)
    assert fig.data[0].type == "choropleth" and len(fig.data[0].locations) == 334  # GERD underneath
    members = atlas.members[atlas.members.partnership_id == "water-smart-territories"]
    outlined = {loc for t in fig.data[1:] if t.type == "choropleth" for loc in t.locations}
    assert outlined == set(members.nuts_id)
    leads = {loc for t in fig.data[1:] if t.type == "choropleth" and t.name == "Lead / co-lead" for loc in t.locations}
    assert leads == set(members.nuts_id[members.role.isin(["lead", "co-lead"])])
    assert all(isinstance(t.geojson, str) for t in fig.data if t.type == "choropleth")
    assert fig.layout.showlegend
    # choosing another partnership changes the structure: a full figure, not a Patch
    other = ViewState(mode="indicator", indicator="gerd_pct_gdp", partnership="social-economy")
    assert isinstance(view(atlas, other, geometry_url, previous=state)["figure"], go.Figure)


def test_unicode_digits_are_not_numbers(atlas):
    state, notes = parse_query("?year=²&page=٣", atlas)
    assert state.year is None and state.page == 1 and len(notes) == 2


def test_period_filter_partitions_the_priorities(atlas):
    from dashboard.data.periods import period_group
    from dashboard.data.query import Filters, matching_priorities

    total = len(matching_priorities(atlas, Filters()))
    parts = {k: matching_priorities(atlas, Filters(period=k)) for k in ("current", "older", "unstated")}
    assert sum(len(v) for v in parts.values()) == total and all(len(v) for v in parts.values())
    periods = atlas.strategies.period
    assert all(period_group(periods[s]) == "current" for s in parts["current"].strategy_id)
    assert period_group("2014-2020 (revised 2018)") == "older"
    assert period_group("2021-2027") == period_group("to 2030") == "current"
    assert period_group("not stated on page") == "unstated"
    state, notes = parse_query("period=last-year", atlas)
    assert state.period == "" and notes == ["Period 'last-year' is not one of current, older, unstated."]
    assert to_query(parse_query("period=older&q=wood", atlas)[0]) == "?q=wood&period=older"


def test_a_table_row_comes_closed_and_its_detail_marks_the_keyword(atlas):
    from dashboard.components.static import StaticHtml
    from dashboard.state import parse_query
    from dashboard.views.explorer import row_detail, table_view
    state = parse_query("?q=hydrogen&by=priorities", atlas)[0]
    rows = table_view(atlas, state, "/s3/")["rows"]
    assert isinstance(rows, StaticHtml)  # one static island, its detail boxes empty
    first = rows.tree[1]  # after the header
    box = first.children[1]
    pid = getattr(first, "data-priority")
    assert box.children is None and getattr(box, "data-detail") == f"/s3/priority-detail/{pid}?q=hydrogen"
    detail = str(row_detail(atlas, state, pid))
    assert "Mark(" in detail and "source of this priority" in detail and "Profile of" in detail
    assert "Mark(" not in str(row_detail(atlas, parse_query("", atlas)[0], pid))
    assert row_detail(atlas, state, "no-such-priority") == []


def test_a_map_view_fits_an_outermost_region_and_stays_through_filter_changes(atlas):
    import math

    from dashboard.data.catalog import OUTERMOST_REGIONS
    from dashboard.views.explorer import map_key, next_state

    state, notes = parse_query("?q=tourism&view=fry4", atlas)  # codes in any case, as for regions
    assert state.view == "FRY4" and notes == []
    for bad in ("ZZ99", "<b>", "x" * 300):  # not a region, markup, oversize: dropped with a note
        dropped, notes = parse_query({"view": bad}, atlas)
        assert dropped.view == "" and len(notes) == 1 and "not a region code" in notes[0] and len(notes[0]) < 200
    assert all(r in atlas.regions.index for r in OUTERMOST_REGIONS)
    # any region can be the view (a presentation's step about a region zooms to it)
    es51 = explorer_figure(atlas, parse_query("?region=ES51&view=es51", atlas)[0], geometry_url).layout.geo
    lon_min, lat_min, lon_max, lat_max = atlas.bounds(2)["ES51"]
    assert es51.lonaxis.range[0] < lon_min and lon_max < es51.lonaxis.range[1]
    assert es51.lataxis.range[0] < lat_min and lat_max < es51.lataxis.range[1]
    assert es51.lataxis.range[1] - es51.lataxis.range[0] < 8  # Catalonia, not Europe (37 degrees high)

    geo = explorer_figure(atlas, state, geometry_url).layout.geo
    europe = explorer_figure(atlas, ViewState(q="tourism"), geometry_url)
    lon_min, lat_min, lon_max, lat_max = atlas.bounds(2)["FRY4"]
    # the projection is centred on the island, whose whole outline is inside the box that fills the frame
    assert geo.projection.rotation.lon == geo.center.lon and lon_min < geo.center.lon < lon_max
    assert geo.projection.rotation.lat == geo.center.lat and lat_min < geo.center.lat < lat_max
    assert geo.lonaxis.range[0] < lon_min and lon_max < geo.lonaxis.range[1]
    assert geo.lataxis.range[0] < lat_min and lat_max < geo.lataxis.range[1]
    # ... with the width/height of the explorer's map frame (1.25), in kilometres on the ground
    half_lat = (geo.lataxis.range[1] - geo.lataxis.range[0]) / 2
    half_lon = (geo.lonaxis.range[1] - geo.lonaxis.range[0]) / 2 * math.cos(math.radians(geo.center.lat))
    assert abs(half_lon / half_lat - 1.25) < 1e-3
    assert europe.layout.geo.projection.rotation.lon == 10
    # a new view is a new map (the user's drag and zoom are forgotten), a filter change is not
    assert map_key(state) != map_key(ViewState(q="tourism"))
    assert explorer_figure(atlas, state, geometry_url).layout.uirevision != europe.layout.uirevision
    moved = next_state(atlas, to_query(state), control_values(ViewState(q="energy", level=2)))
    assert moved.view == "FRY4" and moved.q == "energy"


def test_a_rewritten_url_keeps_the_story_place_and_is_not_written_again_when_only_reordered():
    from dashboard.urlcodec import carry, same

    current = "?present=1&story=tour&step=2&q=health"
    assert carry("?q=health&present=1", current) == "?q=health&present=1&story=tour&step=2"
    assert same(carry("?q=health&present=1", current), current)  # nothing to write
    assert not same(carry("?q=energy&present=1", current), current)
    assert carry("?q=energy", "?regions=ES51&q=health") == "?q=energy"  # only the story's keys
    assert carry("", None) == "" and same("", None)
    # the display mode too (compare, partnerships and the partner finder write their URL from their
    # own state), never twice, with the commas of a list readable
    assert carry("?regions=ES51,BE3,ITH5", "?regions=ES51,BE3&embed=1") == "?regions=ES51,BE3,ITH5&embed=1"
    assert carry("?q=x&present=1", "?present=1") == "?q=x&present=1"
