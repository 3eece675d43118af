"""Bad data files fail the build with file, row and column named; the snapshot stays."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.data import build as b
from dashboard.data.schema import DataError

HEADER = "nuts_id,indicator,year,value,unit,source_dataset,flag,nuts_level,vintage,source_repo\n"

SQUARE = [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]
BOWTIE = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]


def feature(nid: str, level: int, coords) -> dict:
    return {"type": "Feature", "id": nid,
            "properties": {"NUTS_ID": nid, "LEVL_CODE": level, "CNTR_CODE": nid[:2], "NAME_LATN": nid,
                           "NUTS_NAME": nid + " ", "MOUNT_TYPE": 0, "URBN_TYPE": 0, "COAST_TYPE": 0},
            "geometry": {"type": "Polygon", "coordinates": coords}}


def write_nuts(kit: Path, features) -> Path:
    path = kit / b.NUTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_regions_load_with_parents_and_stripped_names(tmp_path):
    write_nuts(tmp_path, [feature("XA", 0, SQUARE), feature("XA1", 1, SQUARE)])
    regions = b.load_regions(tmp_path)
    assert list(regions.parent) == ["", "XA"]
    assert regions.name_national.iloc[0] == "XA"


def test_invalid_geometry_names_file_row_and_column(tmp_path):
    write_nuts(tmp_path, [feature("XA", 0, SQUARE), feature("XA1", 1, BOWTIE)])
    with pytest.raises(DataError) as e:
        b.load_regions(tmp_path)
    msg = str(e.value)
    assert "NUTS_RG_20M_2021_4326.geojson" in msg and "row 2" in msg and "'geometry'" in msg and "XA1" in msg


def test_duplicate_region_id(tmp_path):
    write_nuts(tmp_path, [feature("XA", 0, SQUARE), feature("XA", 0, SQUARE)])
    with pytest.raises(DataError, match=r"row 3, column 'NUTS_ID': duplicate id 'XA'"):
        b.load_regions(tmp_path)


def test_truncated_geojson(tmp_path):
    path = write_nuts(tmp_path, [feature("XA", 0, SQUARE)])
    path.write_text(path.read_text()[:60])
    with pytest.raises(DataError, match="cannot be read"):
        b.load_regions(tmp_path)


@pytest.mark.parametrize("content, message", [
    (HEADER + "AT11,unemployment_rate,2020,4.1,PC,tgs,,2,v,r\nAT12,unemployment_rate,2020,n/a,PC,tgs,,2,v,r\n",
     r"x.csv, row 3, column 'value': value 'n/a' is not a number"),
    ("nuts_id,indicator,year,unit,source_dataset,flag\nAT11,u,2020,PC,tgs,\n",
     r"x.csv, row 1, column 'value': missing required column"),
    (HEADER + "at-11,u,2020,4.1,PC,tgs,,2,v,r\n", r"row 2, column 'nuts_id': 'at-11' is not a NUTS code"),
], ids=["non-numeric value", "missing column", "malformed NUTS code"])
def test_bad_statistics_file(tmp_path, content, message):
    f = tmp_path / "x.csv"
    f.write_text(content)
    with pytest.raises(DataError, match=message):
        b.read_indicator_file(f)


def s3_kit(tmp_path: Path, strategy_nuts: str = "XA1", dup: bool = False) -> Path:
    d = tmp_path / "s3" / "priorities"
    d.mkdir(parents=True)
    (d / "strategies.csv").write_text(
        "strategy_id,nuts_id,region_name,strategy_title,period,document_url,source_url\n"
        f"S1,{strategy_nuts},Somewhere,Strategy one,2021-2027,,https://example.org/s1\n")
    rows = "P1,S1,XA1,Health,,,health,https://example.org/p1,\n"
    (d / "priorities.csv").write_text(
        "priority_id,strategy_id,nuts_id,title,title_original,description,keywords,source_url,source_note\n"
        + rows + (rows if dup else ""))
    (tmp_path / "s3" / "cz_nris3_regional_domains.csv").write_text(
        "priority_id,nuts3,nuts2,region_name_cs,domain_name_cs,description_cs,cz_nace_divisions,n_nace,kind\n"
        "C1,XA1,XA,Kraj,Strojírenství,,28;34,1,domain\n")
    return tmp_path


def test_unknown_nuts_id_in_strategies(tmp_path):
    kit = s3_kit(tmp_path, strategy_nuts="ZZ9")
    with pytest.raises(DataError, match=r"strategies.csv, row 2, column 'nuts_id': unknown NUTS id 'ZZ9'"):
        b.load_s3(kit, {"XA", "XA1"}, {"28"}, {})


def test_duplicate_priority_id(tmp_path):
    kit = s3_kit(tmp_path, dup=True)
    with pytest.raises(DataError, match=r"priorities.csv, row 3, column 'priority_id': duplicate id 'P1'"):
        b.load_s3(kit, {"XA", "XA1"}, {"28"}, {})


def test_czech_codes_outside_nace_are_reported_not_guessed(tmp_path):
    kit = s3_kit(tmp_path)
    report: dict = {}
    strategies, priorities, codes = b.load_s3(kit, {"XA", "XA1"}, {"28"}, report)
    assert list(codes.code) == ["28"] and set(codes.origin) == {"source"}
    assert "'34'" in report["czech_domains"]["codes_not_in_nace_rev2_dropped"][0]
    assert "XA1-RIS3-2021" in set(strategies.strategy_id)


def test_failed_build_leaves_previous_snapshot(tmp_path):
    out = tmp_path / "snapshot"
    out.mkdir()
    (out / "manifest.json").write_text('{"version": "previous"}')
    write_nuts(tmp_path, [feature("XA", 0, BOWTIE)])
    with pytest.raises(DataError):
        b.build(tmp_path, out)
    assert json.loads((out / "manifest.json").read_text())["version"] == "previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".snapshot-")] == []
