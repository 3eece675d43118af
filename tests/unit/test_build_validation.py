"""Bad data files fail the build with file, row and column named; the snapshot stays."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.build import build as b
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


# --------------------------------------------------------------------------- gathered descriptions, partnerships, updates

DESCRIPTION_HEADER = "priority_id,description,keywords,source_url,source_note,gathered_on\n"


def some_priorities():
    import pandas as pd
    return pd.DataFrame({"priority_id": ["P1", "P2"], "strategy_id": ["S1", "S1"], "title": ["Health", "Energy"],
                         "description": ["", "Existing text."], "keywords": ["health;Care", "energy"]})


def test_description_for_an_unknown_priority_names_file_row_and_column(tmp_path):
    (tmp_path / "west.csv").write_text(DESCRIPTION_HEADER + "P1,Text.,a,https://example.org/a,note,2026-11-30\n"
                                       "P9,Text.,b,https://example.org/b,note,2026-11-30\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"west.csv, row 3, column 'priority_id': unknown priority id 'P9'"):
        b.apply_descriptions(some_priorities(), tmp_path, {})


def test_descriptions_fill_empty_ones_only_and_add_keywords(tmp_path):
    (tmp_path / "west.csv").write_text(
        DESCRIPTION_HEADER + "P1,New text.,care;prevention;health,https://example.org/a,Region page,2026-11-30\n"
        "P2,Would overwrite.,grids,https://example.org/b,,2026-11-30\n", encoding="utf-8")
    (tmp_path / "west_not_found.csv").write_text("strategy_id,what_was_tried\nS1,2 searches\n", encoding="utf-8")
    report: dict = {}
    p = b.apply_descriptions(some_priorities(), tmp_path, report).set_index("priority_id")
    assert p.at["P1", "description"] == "New text." and p.at["P1", "description_source_url"] == "https://example.org/a"
    assert p.at["P1", "description_note"] == "Region page"
    assert p.at["P1", "keywords"] == "health;Care;prevention"  # merged, repeats dropped, order kept
    assert p.at["P2", "description"] == "Existing text." and p.at["P2", "description_source_url"] == ""
    assert p.at["P2", "keywords"] == "energy;grids"
    assert report["descriptions_gathered"]["not_applied_priority_already_described"] == ["P2"]


def test_a_priority_described_in_two_files_fails(tmp_path):
    row = "P1,Text.,,https://example.org/a,,2026-11-30\n"
    (tmp_path / "a.csv").write_text(DESCRIPTION_HEADER + row, encoding="utf-8")
    (tmp_path / "b.csv").write_text(DESCRIPTION_HEADER + row, encoding="utf-8")
    with pytest.raises(DataError, match=r"b.csv, row 2, column 'priority_id': .*already described in a.csv row 2"):
        b.apply_descriptions(some_priorities(), tmp_path, {})


def test_description_gaps_become_not_found_rows(tmp_path):
    import pandas as pd
    (tmp_path / "west_not_found.csv").write_text("strategy_id,what_was_tried\nS1,2 searches\n", encoding="utf-8")
    strategies = pd.DataFrame({"strategy_id": ["S1"], "nuts_id": ["XA1"], "territory_name": ["Somewhere"]})
    gaps = b.load_description_gaps(tmp_path, strategies)
    assert gaps.to_dict("records") == [{"nuts_id": "XA1", "region_name": "Somewhere", "sought": b.DESCRIPTIONS_SOUGHT,
                                        "what_was_tried": "2 searches", "source_urls": "", "strategy_id": "S1"}]
    (tmp_path / "west_not_found.csv").write_text("strategy_id,what_was_tried\nS7,2 searches\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"west_not_found.csv, row 2, column 'strategy_id': unknown strategy id 'S7'"):
        b.load_description_gaps(tmp_path, strategies)


PARTNERSHIP_HEADER = "partnership,platform,role,region_name_as_in_source,country,source_url,source_date_hint,note\n"


def partnership_sources(tmp_path: Path, rows: str) -> tuple[Path, Path]:
    kit, src = tmp_path / "kit", tmp_path / "sources"
    (kit / "s3").mkdir(parents=True)
    (src / "s3" / "partnerships").mkdir(parents=True)
    (kit / "s3" / "s3_partnerships_partial_from_pages.csv").write_text(
        PARTNERSHIP_HEADER + "Water,Industrial Modernisation,partner,Somewhere,XA,https://example.org/k,,\n",
        encoding="utf-8")
    (src / "partnership_region_names.csv").write_text(
        "name_as_in_source,country,nuts_id,note\nSomewhere,XA,XA1,\nElsewhere,XA,XA2,\n", encoding="utf-8")
    (src / "s3" / "partnerships" / "more.csv").write_text(
        PARTNERSHIP_HEADER.replace(",source_url", ",nuts_id,source_url") + rows, encoding="utf-8")
    (src / "s3" / "partnerships" / "more_counts.csv").write_text(
        "partnership,stated_members,stated_what,source_url\nWater,5,5 regions,https://example.org/c\n",
        encoding="utf-8")
    return kit, src


def platforms():
    import pandas as pd
    return pd.DataFrame({"platform_id": ["industry"], "name": ["Industrial Modernisation"], "source_url": [""]})


def test_unknown_nuts_id_in_a_partnerships_file_names_file_row_and_column(tmp_path):
    kit, src = partnership_sources(tmp_path, "Water,Industrial Modernisation,lead,Faraway,XA,ZZ9,https://example.org/n,,\n")
    with pytest.raises(DataError, match=r"more.csv, row 2, column 'nuts_id': unknown NUTS id 'ZZ9'"):
        b.load_partnerships(kit, {"XA", "XA1", "XA2"}, platforms(), {}, sources=src)


def test_partnerships_files_merge_one_row_per_territory_with_the_strongest_role(tmp_path):
    kit, src = partnership_sources(tmp_path, (
        "Water,Industrial Modernisation,coordinating region (lead),Somewhere (XA),XA,XA1,https://example.org/n,,\n"
        "Water,Industrial Modernisation,lead,Somewhere,XA,XA1,https://example.org/n,,\n"
        "Water,Industrial Modernisation,participant,Elsewhere,XA,,https://example.org/n,,\n"
        "Water,Industrial Modernisation,member,A cluster,XA,,https://example.org/n,,\n"
        "Water,Industrial Modernisation,member,A cluster,XA,,https://example.org/m,,\n"))
    report: dict = {}
    parts, members = b.load_partnerships(kit, {"XA", "XA1", "XA2"}, platforms(), report, sources=src)
    assert list(parts.name) == ["Water"]
    assert sorted(zip(members.nuts_id, members.role)) == [("XA1", "lead"), ("XA2", "member")]
    assert members.set_index("nuts_id").at["XA1", "source_url"] == "https://example.org/n"
    assert members.set_index("nuts_id").at["XA2", "nuts_id_from"] == "name list"  # empty code: name looked up
    # a name without a code and not in the name list is a member without a NUTS code, reported once
    assert [(u["name"], u["partnership"]) for u in report["partnership_names_not_mapped"]] == [("A cluster", "Water")]
    counts = b.load_stated_counts(src / "s3" / "partnerships", parts, parts.iloc[0:0].rename(columns={"name": "partnership"}))
    assert counts.to_dict("records") == [{"partnership_id": "water", "partnership": "Water", "stated_members": 5,
                                          "stated_what": "5 regions", "source_url": "https://example.org/c"}]


def test_stated_count_for_an_unknown_partnership_fails(tmp_path):
    import pandas as pd
    (tmp_path / "x_counts.csv").write_text(
        "partnership,stated_members,stated_what,source_url\nWatr,5,5 regions,https://example.org/c\n", encoding="utf-8")
    parts = pd.DataFrame({"partnership_id": ["water"], "name": ["Water"]})
    with pytest.raises(DataError, match=r"x_counts.csv, row 2, column 'partnership': unknown partnership 'Watr'"):
        b.load_stated_counts(tmp_path, parts, pd.DataFrame(columns=["partnership"]))


def test_superseded_row_naming_an_unknown_strategy_fails(tmp_path):
    import pandas as pd
    strategies = pd.DataFrame({"strategy_id": ["S1", "S2"]})
    path = tmp_path / "superseded.csv"
    path.write_text("old_strategy_id,new_strategy_id,source_url\nS1,S2,https://example.org/s\n"
                    "S1-OLD,S2,https://example.org/s\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"superseded.csv, row 3, column 'old_strategy_id': unknown strategy id 'S1-OLD'"):
        b.apply_superseded(strategies, path)
    path.write_text("old_strategy_id,new_strategy_id,source_url\nS1,S3,https://example.org/s\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"superseded.csv, row 2, column 'new_strategy_id': unknown strategy id 'S3'"):
        b.apply_superseded(strategies, path)
    path.write_text("old_strategy_id,new_strategy_id,source_url\nS1,S2,https://example.org/s\n", encoding="utf-8")
    s = b.apply_superseded(strategies, path)
    assert list(s.superseded_by) == ["S2", ""] and list(s.superseded_source_url) == ["https://example.org/s", ""]


def test_updates_are_appended_after_the_projects_additions(tmp_path):
    kit = s3_kit(tmp_path)
    extra = tmp_path / "extra"
    (extra / "updates").mkdir(parents=True)
    (extra / "updates" / "strategies.csv").write_text(
        "strategy_id,nuts_id,region_name,strategy_title,period,document_url,source_url,gathered_on\n"
        "S2,XA1,Somewhere,Strategy two,2021-2027,,https://example.org/s2,2026-11-30\n", encoding="utf-8")
    (extra / "updates" / "priorities.csv").write_text(
        "priority_id,strategy_id,nuts_id,title,title_original,description,keywords,source_url,source_note\n"
        "P2,S2,XA1,Energy,,,,https://example.org/p2,\n", encoding="utf-8")
    strategies, priorities, _ = b.load_s3(kit, {"XA", "XA1"}, {"28"}, {}, extra=extra)
    assert "S2" in set(strategies.strategy_id) and "P2" in set(priorities.priority_id)
    (extra / "updates" / "strategies.csv").write_text(
        "strategy_id,nuts_id,region_name,strategy_title,period,document_url,source_url,gathered_on\n"
        "S1,XA1,Somewhere,Strategy one again,2021-2027,,https://example.org/s1,2026-11-30\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"strategies.csv, row 2, column 'strategy_id': id 'S1' is already in the kit"):
        b.load_s3(kit, {"XA", "XA1"}, {"28"}, {}, extra=extra)


def test_later_steps_files_are_carried_over_to_the_new_snapshot(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "priority_vectors.npy").write_bytes(b"\x93NUMPY")
    (old / "priority_vectors_ids.txt").write_text("P1\n")
    (old / "strategies.csv").write_text("stale\n")
    assert b.carry_over(old, new) == ["priority_vectors.npy", "priority_vectors_ids.txt"]
    assert (new / "priority_vectors.npy").read_bytes() == b"\x93NUMPY" and not (new / "strategies.csv").exists()
    assert b.carry_over(tmp_path / "absent", new) == []


# ---------------------------------------------------------------- NUTS 1 from NUTS 2
def _derive(rows, regions=None):
    """derive_nuts1 on a small frame: XA1 with two NUTS 2 regions, XA2 with one."""
    import pandas as pd

    regions = regions or [("XA", 0, ""), ("XA1", 1, "XA"), ("XA11", 2, "XA1"), ("XA12", 2, "XA1"),
                          ("XA2", 1, "XA"), ("XA20", 2, "XA2")]
    reg = pd.DataFrame(regions, columns=["nuts_id", "level", "parent"])
    values = pd.DataFrame(rows, columns=["nuts_id", "indicator", "year", "value", "flag", "source_id"])
    sources = pd.DataFrame([{"source_id": s, "indicator": "", "source_dataset": f"ds{s}", "unit": "u", "vintage": "",
                             "retrieved_via": "", "file": ""} for s in ("S1", "S3")])
    report = {}
    v, src = b.derive_nuts1(values, sources, reg, report)
    return v.set_index(["nuts_id", "indicator", "year"]), src.set_index("source_id"), report


def test_derived_gerd_is_the_gdp_weighted_mean_of_all_nuts2_regions_of_the_year():
    g, y = "gerd_pct_gdp", "gdp_mio_eur"
    v, src, report = _derive([
        ("XA11", g, 2020, 2.0, "", "S1"), ("XA12", g, 2020, 4.0, "e", "S1"),
        ("XA11", y, 2020, 300.0, "p", "S3"), ("XA12", y, 2020, 100.0, "", "S3"),
        # 2021: XA12 has GERD but no GDP -> no value for XA1
        ("XA11", g, 2021, 2.0, "", "S1"), ("XA12", g, 2021, 4.0, "", "S1"), ("XA11", y, 2021, 300.0, "", "S3"),
        # 2022: XA12 has no GERD -> none
        ("XA11", g, 2022, 2.0, "", "S1"), ("XA11", y, 2022, 300.0, "", "S3"), ("XA12", y, 2022, 100.0, "", "S3"),
        # XA2 has one NUTS 2 region, the same territory: its value, with or without GDP
        ("XA20", g, 2021, 1.5, "b", "S1"),
        ("XA20", "unemployment_rate", 2021, 6.0, "", "S1"), ("XA11", "unemployment_rate", 2021, 5.0, "", "S1"),
        ("XA12", "unemployment_rate", 2021, 7.0, "", "S1"),
    ])
    row = v.loc[("XA1", g, 2020)]
    assert row.value == pytest.approx((2.0 * 300 + 4.0 * 100) / 400) and row.flag == "ep"
    assert src.at[row.source_id, "source_dataset"] == "dsS1 (derived from NUTS 2)"
    assert "weighted" in src.at[row.source_id, "derived"]
    assert list(src.index) == ["S1", "S3", "S4", "S5"]  # after the last published id
    assert ("XA1", g, 2021) not in v.index and ("XA1", g, 2022) not in v.index
    same = v.loc[("XA2", g, 2021)]
    assert (same.value, same.flag) == (1.5, "b") and "same territory" in src.at[same.source_id, "derived"]
    assert v.loc[("XA2", "unemployment_rate", 2021)].value == 6.0
    assert ("XA1", "unemployment_rate", 2021) not in v.index  # no labour force in the data: not derived
    assert src.at["S1", "derived"] == "" and src.at["S1", "source_dataset"] == "dsS1"
    assert report["statistics_derived_nuts1_from_nuts2"][g]["region_years_incomplete"] == 2


def test_a_published_nuts1_value_is_never_replaced_by_a_derived_one():
    g, y = "gerd_pct_gdp", "gdp_mio_eur"
    v, src, _ = _derive([("XA1", g, 2020, 9.9, "", "S1"),
                         ("XA11", g, 2020, 2.0, "", "S1"), ("XA12", g, 2020, 4.0, "", "S1"),
                         ("XA11", y, 2020, 300.0, "", "S3"), ("XA12", y, 2020, 100.0, "", "S3")])
    assert v.loc[("XA1", g, 2020)].value == 9.9 and v.loc[("XA1", g, 2020)].source_id == "S1"
    assert not v.index.duplicated().any() and list(src.index) == ["S1", "S3"]


def test_rows_reviewed_as_not_priorities_are_dropped_with_their_codes_and_reported(tmp_path):
    import pandas as pd
    p = pd.DataFrame({"priority_id": ["A-1", "A-E1"], "title": ["Engineering", "v roli výkonné jednotky."]})
    codes = pd.DataFrame({"priority_id": ["A-1", "A-E1"], "scheme": ["nace", "nace"], "code": ["28", "72"]})
    path = tmp_path / "not_priorities.csv"
    path.write_text("priority_id,text_as_parsed,reason,checked_on\n"
                    "A-E1,v roli výkonné jednotky.,end of a sentence,2026-11-30\n", encoding="utf-8")
    report: dict = {}
    kept, kept_codes = b.drop_not_priorities(p, codes, path, report)
    assert list(kept.priority_id) == ["A-1"] and list(kept_codes.priority_id) == ["A-1"]
    assert report["rows_dropped_not_priorities"] == ["A-E1: end of a sentence"]
    # a parse that changed since the review is not dropped blindly
    path.write_text("priority_id,text_as_parsed,reason,checked_on\nA-E1,other text,end,2026-11-30\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"not_priorities.csv, row 2, column 'text_as_parsed'"):
        b.drop_not_priorities(p, codes, path, {})


def test_a_czech_card_version_must_state_the_kits_number_of_domains(tmp_path):
    kit = s3_kit(tmp_path)
    extra = tmp_path / "sources"
    extra.mkdir()
    cards = extra / "cz_cards.csv"
    head = "nuts_id,card_version,period,stated_domains,evidence_url,note\n"
    cards.write_text(head + "XA1,June 2024 update,2021-2027 (card as updated in June 2024),2,https://example.org/u,"
                            "The update names two domains.\n")
    with pytest.raises(DataError, match=r"cz_cards.csv, row 2, column 'stated_domains'.*states 2 domains.*has 1"):
        b.load_s3(kit, {"XA", "XA1"}, {"28"}, {}, extra=extra)
    cards.write_text(head + "XA1,June 2024 update,2021-2027 (card as updated in June 2024),1,https://example.org/u,"
                            "The update names one domain.\n")
    report: dict = {}
    strategies, _, _ = b.load_s3(kit, {"XA", "XA1"}, {"28"}, report, extra=extra)
    s = strategies.set_index("strategy_id").loc["XA1-RIS3-2021"]
    assert s.period == "2021-2027 (card as updated in June 2024)" and s.title.endswith(", June 2024 update")
    assert "Card version: June 2024 update" in s.source_note and "https://example.org/u" in s.source_note
    assert report["czech_card_versions"] == {"XA1": "June 2024 update"}


def test_zlin_strategy_says_its_domains_come_from_the_june_2024_card():
    import csv
    snap = Path(__file__).resolve().parents[2] / "geodata" / "snapshot"
    with open(snap / "strategies.csv", encoding="utf-8", newline="") as f:
        zlin = next(r for r in csv.DictReader(f) if r["strategy_id"] == "CZ072-RIS3-2021")
    assert zlin["period"] == "2021-2027 (card as updated in June 2024)"
    assert "June 2024" in zlin["title"] and "ticzlin.cz" in zlin["source_note"]
    with open(snap / "priorities.csv", encoding="utf-8", newline="") as f:
        domains = [r for r in csv.DictReader(f) if r["strategy_id"] == "CZ072-RIS3-2021" and r["kind"] == "domain"]
    assert len(domains) == 9  # six sectoral and three cross-cutting, as the June 2024 update states
