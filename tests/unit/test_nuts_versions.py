"""NUTS 2021 <-> 2024: the correspondence table, the mapping of statistics, the build's choice of boundaries."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard.build import build as b
from dashboard.build.nuts_versions import CHANGES_FILE, harmonise, load_changes
from dashboard.data.schema import DataError
from dashboard.settings import SETTINGS, load_settings


@pytest.fixture(scope="module")
def changes() -> pd.DataFrame:
    return load_changes()


def pair(changes, c21, c24):
    row = changes[(changes.code_2021 == c21) & (changes.code_2024 == c24)]
    assert len(row) == 1, (c21, c24)
    return row.iloc[0]


def test_table_records_the_known_changes(changes):
    # Portugal: NUTS 3 regions that only moved to a recoded parent carry over one to one ...
    assert pair(changes, "PT16D", "PT191").one_to_one == "yes"
    assert pair(changes, "PT185", "PT1D3").one_to_one == "yes"
    # ... the NUTS 2 regions do not: Centro lost Oeste and Medio Tejo, Lisbon was split
    assert pair(changes, "PT16", "PT19").one_to_one == "no"
    assert {pair(changes, "PT17", c).relation for c in ("PT1A", "PT1B")} == {"split"}
    # Netherlands: Utrecht and Zuid-Holland exchanged territory (NL35, NL36), Groot-Rijnmond only moved
    assert pair(changes, "NL31", "NL35").one_to_one == "no"
    assert pair(changes, "NL33", "NL36").one_to_one == "no"
    assert pair(changes, "NL33C", "NL366").one_to_one == "yes"
    assert set(changes.source_url) == {"https://ec.europa.eu/eurostat/web/nuts/history"}


def test_table_codes_fit_the_committed_nuts2021_snapshot(changes):
    regions = set(pd.read_csv(SETTINGS.data_dir / "regions.csv", usecols=["nuts_id"]).nuts_id)
    assert set(changes.code_2021) <= regions
    assert not set(changes.code_2024) & regions
    yes = changes[changes.one_to_one == "yes"]
    assert yes.code_2021.is_unique and yes.code_2024.is_unique
    assert (yes.name_2021 == yes.name_2024).all()


def test_harmonise_to_2021_maps_one_to_one_and_leaves_the_rest_missing(changes):
    stats = pd.DataFrame({
        "nuts_id": ["PT191", "PT19", "NL35", "AT11", "PT1A0"],
        "indicator": "population", "year": 2024, "value": [1.0, 2.0, 3.0, 4.0, 5.0],
    })
    out, notes = harmonise(stats, "2021", changes)
    assert out.to_dict("records") == [
        {"nuts_id": "PT16D", "indicator": "population", "year": 2024, "value": 1.0},
        {"nuts_id": "AT11", "indicator": "population", "year": 2024, "value": 4.0},
    ]
    by = notes.set_index("code")
    assert by.mapped_to["PT191"] == "PT16D"
    assert by.mapped_to["NL35"] == "" and "overlaps NL31, NL33" in by.note["NL35"] and "left missing" in by.note["NL35"]
    assert "overlaps PT170" in by.note["PT1A0"]
    assert len(stats) == 5  # the input is not modified


def test_harmonise_to_2024_and_native_values_win(changes):
    stats = pd.DataFrame({
        "nuts_id": ["PT16D", "PT191", "PT16D", "PT17"],
        "indicator": "gdp", "year": [2022, 2022, 2021, 2021], "value": [1.0, 9.0, 2.0, 3.0],
    })
    out, notes = harmonise(stats, "2024", changes)
    assert sorted(map(tuple, out[["nuts_id", "year", "value"]].values.tolist())) == [("PT191", 2021, 2.0),
                                                                                    ("PT191", 2022, 9.0)]
    assert "native value kept" in " ".join(notes.note)
    with pytest.raises(ValueError, match="unknown NUTS version"):
        harmonise(stats, "2016", changes)


def test_table_with_a_one_to_one_code_in_two_pairs_is_refused(tmp_path):
    text = CHANGES_FILE.read_text().splitlines()
    row = next(line for line in text if line.startswith("3,PT16D,"))
    bad = tmp_path / "changes.csv"
    bad.write_text("\n".join([*text, row.replace("PT191", "PT192")]) + "\n")
    with pytest.raises(DataError, match="PT16D is marked one-to-one but appears in more than one pair"):
        load_changes(bad)


# ---------------------------------------------------------------------------------------- build and settings

def test_build_reads_the_boundaries_of_the_chosen_version(tmp_path):
    assert b.NUTS_FILE == b.nuts_file() == "nuts/2021/NUTS_RG_20M_2021_4326.geojson"
    path = tmp_path / b.nuts_file("2024")
    path.parent.mkdir(parents=True)
    square = [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]
    feats = [{"type": "Feature", "id": nid, "properties": {"NUTS_ID": nid, "LEVL_CODE": lvl, "CNTR_CODE": "PT",
              "NAME_LATN": nid, "NUTS_NAME": nid}, "geometry": {"type": "Polygon", "coordinates": square}}
             for nid, lvl in (("PT", 0), ("PT1", 1), ("PT19", 2))]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    assert list(b.load_regions(tmp_path, "2024").nuts_id) == ["PT", "PT1", "PT19"]
    with pytest.raises(DataError, match="NUTS_RG_20M_2021_4326.geojson: file is missing"):
        b.load_regions(tmp_path)  # the default stays NUTS 2021
    with pytest.raises(DataError, match="unknown NUTS version '2016'"):
        b.load_regions(tmp_path, "2016")


def test_nuts_version_setting():
    assert load_settings({}).nuts_version == "2021"
    assert load_settings({"S3_NUTS_VERSION": "2024"}).nuts_version == "2024"
    assert load_settings({"S3_NUTS_VERSION": "1999"}).nuts_version == "2021"


def test_committed_snapshot_stays_nuts_2021():
    assert json.loads((SETTINGS.data_dir / "manifest.json").read_text())["nuts_version"] == "2021"


def test_strategy_territories_are_drawn_on_the_same_region_in_nuts_2024():
    from dashboard.build.nuts_versions import display_codes, load_changes

    changes = load_changes()
    codes_2024 = set(changes.code_2024)
    shown = display_codes(changes, codes_2024)
    assert shown["FI197"] == "FI19B"  # Pirkanmaa, recoded with a slightly redrawn boundary
    assert shown["PT16"] == "PT19"  # Centro keeps its name and most of its territory
    assert shown["NL33C"] == "NL366"  # one-to-one recoding
    assert "PT17" not in shown  # Lisbon was split: no single region to draw it on
    assert all(v in codes_2024 for v in shown.values())
