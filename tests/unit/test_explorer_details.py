"""Explorer details on the real snapshot: the NACE options' order, why a table is empty, the
countries an indicator year lacks, hover names, and source notes in plain words."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard.components.options import nace_options
from dashboard.data.query import Filters, empty_reason, matching_priorities, year_gaps
from dashboard.data.wording import PERIOD_NOT_STATED, plain, split_period
from dashboard.figures.base import GeometryUrl  # noqa: F401  (the figure below draws over URLs)
from dashboard.figures.explorer import national_lines
from dashboard.settings import SETTINGS
from dashboard.state import parse_query
from dashboard.views.explorer import explorer_figure, filter_summary, table_view, year_note, year_ranges

HYDROGEN = "european-hydrogen-valleys-s3-partnership"


def test_nace_options_list_the_sections_first_then_the_divisions(atlas):
    opts = nace_options(atlas)
    kinds = ["section" if "." not in o["label"].split(" — ")[0] else "division" for o in opts]
    n_sections = int((atlas.nace.level == "section").sum())
    assert kinds == ["section"] * n_sections + ["division"] * (len(opts) - n_sections)
    assert opts[0]["label"] == "A — Agriculture, forestry and fishing (section)"
    c = next(o for o in opts if o["value"] == "C")
    assert c["label"] == "C — Manufacturing (section)" and c["search"] == "c manufacturing"
    food = next(o for o in opts if o["value"] == "10")  # values stay the codes the URL carries
    assert food["label"] == "C.10 — Manufacture of food products" and food["search"].startswith("c.10 ")
    divisions = [o["value"] for o in opts[n_sections:]]
    assert divisions == sorted(divisions) and len(set(o["value"] for o in opts)) == len(opts)


def test_an_empty_table_with_a_partnership_says_which_filter_leaves_nothing(atlas):
    state, _ = parse_query(f"?q=textile&partnership={HYDROGEN}", atlas)
    members = atlas.members.nuts_id[atlas.members.partnership_id == HYDROGEN].nunique()
    in_partnership = len(matching_priorities(atlas, Filters(partnership=HYDROGEN)))
    assert (members, in_partnership) == (8, 26)
    assert matching_priorities(atlas, state.filters()).empty
    count = table_view(atlas, state)["count"]
    assert count.startswith("No priority matches all the filters: the European Hydrogen Valleys S3 Partnership’s "
                            "8 member regions have 26 priorities in the data; with keywords “textile” none is left.")
    assert "Partnership partnership" not in count and "0 priorities" not in count


def test_the_reason_names_every_filter_that_alone_leaves_nothing_or_the_ones_together(atlas):
    why = empty_reason(atlas, Filters(keyword="textile", level=3, partnership=HYDROGEN))
    assert why["alone"] == ["keyword", "level"] and why["scope_priorities"] == 26
    assert empty_reason(atlas, Filters(partnership=HYDROGEN)) is None
    # health alone and NUTS 3 alone leave some of the partnership's priorities, the two together none
    cyber = "cybersecurity-smart-regions"
    assert len(matching_priorities(atlas, Filters(keyword="health", partnership=cyber))) > 0
    assert len(matching_priorities(atlas, Filters(level=3, partnership=cyber))) > 0
    why = empty_reason(atlas, Filters(keyword="health", level=3, partnership=cyber))
    assert why["alone"] == [] and why["together"] == ["keyword", "level"]
    count = table_view(atlas, parse_query(f"?q=health&level=3&partnership={cyber}", atlas)[0])["count"]
    assert "each filter alone leaves some, but with keywords “health” and NUTS 3 together none is left." in count
    count = table_view(atlas, parse_query("?q=textile&level=3&region=DE2", atlas)[0])["count"]
    assert count.startswith("No priority matches all the filters: Bayern (DE2) and its sub-regions have ")


def test_filter_summary_names_a_partnership_once(atlas):
    s = filter_summary(atlas, parse_query(f"?partnership={HYDROGEN}", atlas)[0])
    assert s == "European Hydrogen Valleys S3 Partnership"
    assert filter_summary(atlas, parse_query("?partnership=water-smart-territories", atlas)[0]) == \
        "Water Smart Territories partnership"


def _years_with_data(indicator: str, ids) -> set[int]:
    """Straight from the snapshot's file, not through the atlas."""
    df = pd.read_csv(SETTINGS.data_dir / "indicators.csv", dtype={"nuts_id": str})
    df = df[(df.indicator == indicator) & df.nuts_id.isin(set(ids)) & df.value.notna()]
    return set(df.year.astype(int))


def test_an_indicator_year_without_values_for_some_countries_names_them_and_their_years(atlas):
    gaps = {g["country"]: g for g in year_gaps(atlas, "gdp_pps_pct_eu27", 2023, 2)}
    assert set(gaps) == {"AL", "CH", "NL", "NO", "PT"}
    ch = atlas.regions.nuts_id[(atlas.regions.level == 2) & (atlas.regions.country == "CH")]
    assert set(gaps["CH"]["years"]) == _years_with_data("gdp_pps_pct_eu27", ch) == set(range(2014, 2020))
    assert (gaps["NL"]["missing"], gaps["NL"]["regions"]) == (2, 12)
    note = year_note(atlas, parse_query("?mode=indicator&indicator=gdp_pps_pct_eu27&year=2023", atlas)[0])
    assert note.startswith("No 2023 values here (grey on the map); years with data: Shqipëria (AL) 2010–2021 · "
                           "Schweiz/Suisse/Svizzera (CH) 2014–2019 · Nederland (NL, 2 of 12 regions) 2010–2022")
    # the latest year per region, or a year every country has: no note
    assert year_note(atlas, parse_query("?mode=indicator&indicator=gdp_pps_pct_eu27", atlas)[0]) == ""
    assert year_note(atlas, parse_query("?mode=indicator&indicator=gdp_pps_pct_eu27&year=2015", atlas)[0]) == ""
    none = year_note(atlas, parse_query("?mode=indicator&indicator=gdp_pps_pct_eu27&year=2024", atlas)[0])
    assert none == "No region has 2024 values at this level (the map is grey); years with data: 2010–2023."


def test_year_ranges():
    assert year_ranges([2022, 2021, 2020, 2018]) == "2018, 2020–2022"
    assert year_ranges([2013, 2015, 2017]) == "2013, 2015, 2017"
    assert year_ranges([]) == ""


def test_hover_shows_a_national_name_only_where_it_differs(atlas):
    assert national_lines(["Kassel", "España", "Elláda"], ["Kassel", "España", "Ελλάδα"]) == ["", "", "Ελλάδα<br>"]
    fig = explorer_figure(atlas, parse_query("?mode=indicator&indicator=population&level=3", atlas)[0],
                          lambda level: f"/geo/{level}.json")
    trace = fig.data[0]
    names = dict(zip(trace.locations, (tuple(c) for c in trace.customdata)))
    assert names["DE731"] == ("Kassel, Kreisfreie Stadt", "")
    greek = atlas.regions.loc["EL303"]
    assert names["EL303"] == (greek.name_latn, f"{greek.name_national}<br>")
    assert "%{customdata[1]}<br>" not in trace.hovertemplate
    countries = explorer_figure(atlas, parse_query("", atlas)[0], lambda level: f"/geo/{level}.json")
    spain = {loc: tuple(c) for t in countries.data for loc, c in zip(t.locations, t.customdata)}["ES"]
    assert spain == ("España", "")


JARGON = ("repo's", "panel_master", "stored excerpt", "S3P;", "unclear in sources", "PARTIAL", "not captured",
          "region-page-test", "not stated on the ERRIN page")


def test_source_notes_the_app_shows_are_in_plain_words(atlas):
    shown = (list(atlas.strategies.period_label) + list(atlas.priorities.source_note)
             + list(atlas.sources.source_dataset)
             + list(atlas.partnerships.platform_as_in_source) + list(atlas.members.note))
    assert [t for t in shown if any(j in t for j in JARGON)] == []
    # the rest of a period's note shows in the row's detail (its plain words may name the page read)
    notes = [t for t in atlas.strategies.period_note if any(j in t for j in JARGON[:-1])]
    assert notes == []
    assert atlas.sources.at["S12", "source_dataset"] == "demo_r_d2jan"
    campania = atlas.strategies.loc["ITF3-S3-2014"]
    assert campania.period_label == "2014-2020"
    assert campania.period_note.startswith("period not stated on the page; a 2021-2027 update was approved")


@pytest.mark.parametrize("raw, short, note", [
    ("2021-2027", "2021-2027", ""),
    ("not stated on page", "", ""),
    ("not stated (current per 2024 news)", "", "current per 2024 news"),
    ("2014-2020 (Eye@RIS3 encoding; PARTIAL: only first 2 priorities visible in stored excerpt)", "2014-2020",
     "Eye@RIS3 listing; incomplete: only first 2 priorities visible in the copy of the page that was read"),
    ("current (post-2020; period not stated) – PARTIAL: only 3 of 6 areas found", "current",
     "post-2020; period not stated; incomplete: only 3 of 6 areas found"),
    ("2017- (adopted April 2017; no end year stated)", "2017-", "adopted April 2017; no end year stated"),
    ("to 2030 (RIS 2030)", "to 2030", "RIS 2030"),
])
def test_split_period(raw, short, note):
    assert split_period(raw) == (short, note)


def test_plain_rewrites_the_gathering_words():
    assert plain("demo_r_d2jan (extracted in repo's panel_master.csv)") == "demo_r_d2jan"
    assert plain("PARTIAL: ministry press release; stored text cut after the 5th of 7 fields") == \
        "Incomplete: ministry press release; the page text that was read stops after the 5th of 7 fields"
    assert plain("unclear in sources (S3P; platform not stated in excerpts)").startswith("not stated in the sources")
    assert PERIOD_NOT_STATED == "period not stated in the source"
