"""The committed snapshot, read through the atlas: real values from the kit."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dashboard.data.query import Filters, eu_value, indicator_values, matching_priorities
from dashboard.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_row_counts_match_the_files(atlas):
    manifest = json.loads((SETTINGS.data_dir / "manifest.json").read_text())
    for name, rows in manifest["rows"].items():
        assert len(pd.read_csv(SETTINGS.data_dir / f"{name}.csv", dtype=str)) == rows, name


def test_nuts_levels_have_the_gisco_counts(atlas):
    counts = atlas.regions.level.value_counts().to_dict()
    assert counts == {0: 37, 1: 125, 2: 334, 3: 1514}


def test_names_in_latin_and_national_script_and_parents(atlas):
    el = atlas.regions.loc["EL303"]
    assert el.name_latn == "Kentrikos Tomeas Athinon" and el.name_national == "Κεντρικός Τομέας Αθηνών"
    assert atlas.regions.at["ES511", "parent"] == "ES51"
    assert atlas.ancestors("ES511") == ["ES51", "ES5", "ES"]
    assert atlas.regions.at["NO0B", "name_latn"] == atlas.regions.at["NO0B", "name_latn"].strip()


def test_population_of_catalonia_with_year_and_source(atlas):
    vals = indicator_values(atlas, "population", 2025, 2).set_index("nuts_id")
    row = vals.loc["ES51"]
    assert row.value == 8124126 and row.year == 2025
    assert "demo_r_d2jan" in atlas.sources.at[row.source_id, "source_dataset"]
    # NUTS 3 comes from demo_r_pjangrp3 (to 2022)
    v3 = indicator_values(atlas, "population", None, 3).set_index("nuts_id").loc["ES511"]
    assert (v3.value, v3.year) == (5641569, 2022)


def test_missing_values_stay_as_missing(atlas):
    vals = indicator_values(atlas, "gerd_pct_gdp", 2021, 2)
    assert len(vals) == 334  # every NUTS 2 region is there, with or without a value
    assert vals.set_index("nuts_id").value.isna().any()
    assert vals.set_index("nuts_id").at["AT11", "value"] == 0.84


def test_eu_value_for_the_legend(atlas):
    assert eu_value(atlas, "gdp_pps_pct_eu27", 2023) == (100.0, 2023)
    assert eu_value(atlas, "unemployment_rate", None) is None  # not in the kit: shown as missing


def test_every_priority_and_strategy_carries_a_source_url(atlas):
    assert atlas.priorities.source_url.str.match(r"^https?://").all()
    assert atlas.strategies.source_url.str.match(r"^https?://").all()
    assert atlas.members.source_url.str.match(r"^https?://").all()


def test_all_kit_priorities_and_czech_domains_are_loaded(atlas):
    p = atlas.priorities
    kit_strategies = atlas.strategies[(atlas.strategies.gathered_on == "")
                                      & ~atlas.strategies.strategy_id.str.endswith("-RIS3-2021")]
    assert len(kit_strategies) == 49
    # the kit's 277 priorities; the project's own rows may add to a kit strategy (completing its list)
    own = set(pd.read_csv(ROOT / "geodata" / "sources" / "s3" / "priorities.csv", dtype=str).priority_id)
    in_kit = p.strategy_id.isin(set(kit_strategies.strategy_id))
    assert (in_kit & ~p.priority_id.isin(own)).sum() == 277
    assert p.priority_id.str.startswith("CZ0").sum() == 163
    assert atlas.strategies.strategy_id.str.endswith("-RIS3-2021").sum() == 14
    # Czech NACE codes come from the source, others are marked as automatic
    cz = atlas.codes[atlas.codes.priority_id == "CZ031-01"]
    assert set(cz[cz.scheme == "nace"].origin) == {"source"}
    assert {"28", "25", "29"} <= set(cz[cz.scheme == "nace"].code)


def test_keyword_query_finds_the_strategies_that_mention_it(atlas):
    m = matching_priorities(atlas, Filters(keyword="hydrogen"))
    expected = atlas.priorities[atlas.priorities.title.str.contains("hydrogen", case=False)
                                | atlas.priorities.keywords.str.contains("hydrogen", case=False)
                                | atlas.priorities.description.str.contains("hydrogen", case=False)]
    assert set(m.priority_id) == set(expected.priority_id)
    # accent-insensitive: the Czech domain names match without diacritics
    assert len(matching_priorities(atlas, Filters(keyword="strojirenstvi"))) > 0


def test_partnership_members_are_nuts_coded(atlas):
    ws = atlas.members[atlas.members.partnership_id == "water-smart-territories"]
    assert len(ws) >= 15
    assert set(ws.nuts_id) <= set(atlas.regions.index)
    assert "lead" in set(atlas.members.role)
