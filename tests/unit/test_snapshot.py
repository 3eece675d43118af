"""The committed snapshot, read through the atlas: real values from the kit."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

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
    # the 163 Czech rows of the kit, less the parsed rows a review showed are not priorities
    dropped = set(pd.read_csv(ROOT / "geodata" / "sources" / "s3" / "updates" / "not_priorities.csv").priority_id)
    assert p.priority_id.str.startswith("CZ0").sum() == 163 - len(dropped) and len(dropped) == 28
    assert not p.priority_id.isin(dropped).any() and not atlas.codes.priority_id.isin(dropped).any()
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


# ---------------------------------------------------------------- NUTS 1 statistics derived from NUTS 2
def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(SETTINGS.data_dir / f"{name}.csv", dtype=str, keep_default_na=False)


def _gerd_and_gdp():
    """(GERD, GDP) as {(nuts_id, year): value}, the NUTS 2 regions of each NUTS 1 region, read from the CSV."""
    ind = _csv("indicators")
    regions = _csv("regions")
    level = dict(zip(regions.nuts_id, regions.level))
    kids: dict[str, list[str]] = {}
    for nid, parent in zip(regions.nuts_id, regions.parent):
        if level[nid] == "2":
            kids.setdefault(parent, []).append(nid)

    def series(indicator):
        s = ind[ind.indicator == indicator]
        return {(n, int(y)): float(v) for n, y, v in zip(s.nuts_id, s.year, s.value)}, s

    gerd, gerd_rows = series("gerd_pct_gdp")
    gdp, _ = series("gdp_mio_eur")
    return gerd, gdp, gerd_rows, kids


def test_gerd_of_baden_wuerttemberg_is_derived_from_its_nuts2_regions_weighted_by_gdp(atlas):
    gerd, gdp, rows, kids = _gerd_and_gdp()
    sources = _csv("indicator_sources").set_index("source_id")
    assert sorted(kids["DE1"]) == ["DE11", "DE12", "DE13", "DE14"]
    de1 = rows[rows.nuts_id == "DE1"]
    assert len(de1) >= 5
    for r in de1.itertuples():
        y = int(r.year)
        want = (sum(gerd[(c, y)] * gdp[(c, y)] for c in kids["DE1"]) / sum(gdp[(c, y)] for c in kids["DE1"]))
        assert float(r.value) == pytest.approx(want, abs=5e-5), y
        assert sources.at[r.source_id, "source_dataset"].endswith("(derived from NUTS 2)")
        assert "rd_e_gerdreg" in sources.at[r.source_id, "source_dataset"]
        assert "weighted" in sources.at[r.source_id, "derived"]
    # 2023: GERD 7.83, 5.90, 2.44, 3.93 % of GDP (DE11-DE14), GDP 261,692, 153,121, 107,129, 100,128 M EUR
    assert float(de1.set_index("year").value["2023"]) == pytest.approx(5.80, abs=0.01)
    # the map (NUTS 1 level) shows it with the label
    v = indicator_values(atlas, "gerd_pct_gdp", 2023, 1).set_index("nuts_id").loc["DE1"]
    assert v.value == pytest.approx(float(de1.set_index("year").value["2023"]))
    assert "derived from NUTS 2" in atlas.sources.at[v.source_id, "source_dataset"]


def test_a_nuts1_region_gets_a_derived_gerd_only_in_years_where_all_its_nuts2_regions_have_gerd_and_gdp():
    gerd, gdp, rows, kids = _gerd_and_gdp()
    have = set(zip(rows.nuts_id, rows.year.astype(int)))
    # Bayern (DE2) 2013: DE22 and DE23 have no GERD that year, so Bayern has none
    assert ("DE21", 2013) in gerd and ("DE22", 2013) not in gerd
    assert ("DE2", 2013) not in have and ("DE2", 2015) in have
    checked = 0
    for parent, cs in kids.items():
        if len(cs) < 2 or parent[:2] not in {"DE", "BE", "AT", "FR", "ES", "NL", "IT", "PL"}:
            continue
        for y in {y for (n, y) in gerd if n in cs}:
            complete = all((c, y) in gerd and (c, y) in gdp for c in cs)
            assert ((parent, y) in have) == complete, (parent, y)
            checked += 1
    assert checked > 200


def test_a_nuts1_region_with_one_nuts2_region_takes_its_rates():
    ind = _csv("indicators")
    sources = _csv("indicator_sources").set_index("source_id")
    for indicator in ("unemployment_rate", "employment_rate", "tertiary_attainment", "gerd_pct_gdp"):
        s = ind[ind.indicator == indicator]
        berlin = dict(zip(s.year[s.nuts_id == "DE3"], s.value[s.nuts_id == "DE3"]))
        assert berlin and berlin == dict(zip(s.year[s.nuts_id == "DE30"], s.value[s.nuts_id == "DE30"]))
        sid = s.source_id[s.nuts_id == "DE3"].iloc[0]
        assert sources.at[sid, "source_dataset"].endswith("(derived from NUTS 2)")
        assert "same territory" in sources.at[sid, "derived"]
        # several NUTS 2 regions and no weights in the snapshot: nothing derived
        if indicator != "gerd_pct_gdp":
            assert not (s.nuts_id == "DE1").any() and not (s.nuts_id == "BE2").any()
    # every (region, indicator, year) once: a derived value never sits beside a published one
    assert not ind.duplicated(["nuts_id", "indicator", "year"]).any()


def test_national_names_are_written_in_one_script(atlas):
    """GISCO writes 'Aττική' with a Latin A and 'Сpбија' with a Latin p; the atlas (and the build)
    write each word in one script, so a search or a PDF gets the real word."""
    import re
    import unicodedata

    from dashboard.data.names import one_script

    assert atlas.regions.at["EL30", "name_national"] == "Αττική"
    assert atlas.regions.at["EL51", "name_national"].startswith("Ανατολική Μακεδονία")
    assert atlas.regions.at["RS", "name_national"] == "Srbija/Србија"
    for name in atlas.regions.name_national:
        for word in re.findall(r"\w+", name):
            scripts = {unicodedata.name(c).split()[0] for c in word if c.isalpha()}
            assert len(scripts) <= 1, (name, scripts)
    # words in one script, Latin ones included, are left as they are
    assert one_script("Cataluña/Catalunya") == "Cataluña/Catalunya"
    assert one_script("Yugozapaden") == "Yugozapaden" and one_script("Югозападен") == "Югозападен"
