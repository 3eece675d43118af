"""Reviewed contributions: reading them (a fault names file, row and column) and applying them to the
real snapshot's tables (add, change, remove of each kind; ids; codes; provenance; idempotence)."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from dashboard.build.contributions import (COLUMNS, PROVENANCE, apply_contributions, contributed_wins,
                                           load_contributions)
from dashboard.build.publish import read_tables
from dashboard.data.schema import DataError
from dashboard.settings import SETTINGS

PROV = {"source_url": "https://www.example.org/s3/page", "contributed_by": "Wallonia Region", "reviewed_by": "ana",
        "reviewed_on": "2026-12-01"}


def write(folder, kind: str, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{kind}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=PROVENANCE + COLUMNS[kind])
        w.writeheader()
        for r in rows:
            w.writerow({**PROV, **r})


@pytest.fixture(scope="module")
def tables():
    return read_tables(SETTINGS.data_dir)


def applied(tables, tmp_path, **kinds):
    for kind, rows in kinds.items():
        write(tmp_path / "c", kind, rows)
    return apply_contributions(tables, load_contributions(tmp_path / "c"))


# --------------------------------------------------------------------------- reading

def test_no_folder_or_no_files_means_no_contributions(tmp_path):
    assert len(load_contributions(tmp_path / "absent")) == 0
    (tmp_path / "empty").mkdir()
    assert len(load_contributions(tmp_path / "empty")) == 0 and load_contributions(tmp_path / "empty").proposals == []


@pytest.mark.parametrize("kind, row, column, words", [
    ("priorities", {"proposal_id": "", "action": "add", "strategy_id": "BE3-S3-2021", "title": "x"}, "proposal_id", "empty"),
    ("priorities", {"proposal_id": "P1", "action": "rename", "strategy_id": "BE3-S3-2021", "title": "x"}, "action", "rename"),
    ("priorities", {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "title": "x",
                    "source_url": "javascript:alert(1)"}, "source_url", "not an http(s) URL"),
    ("priorities", {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "title": "x",
                    "reviewed_on": "2026-02-30"}, "reviewed_on", "not a date"),
    ("priorities", {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "title": ""}, "title", "empty"),
    ("priorities", {"proposal_id": "P1", "action": "change", "priority_id": "BE3-S3-2021-P1"}, "priority_id",
     "no field to change"),
    ("priorities", {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "title": "x", "nace": "C;2x"},
     "nace", "not a NACE code"),
    ("strategies", {"proposal_id": "P1", "action": "add", "nuts_id": "BE3", "title": "S3",
                    "document_url": "ftp://x"}, "document_url", "not an http(s) URL"),
    ("memberships", {"proposal_id": "P1", "action": "add", "partnership_id": "bioeconomy", "nuts_id": "BE3"}, "role",
     "empty"),
    ("contacts", {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "name": "A",
                  "email": "not-an-address"}, "email", "not an e-mail"),
    ("contacts", {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "name": "A\x07"}, "name",
     "control characters"),
])
def test_a_fault_names_the_file_row_and_column(tmp_path, kind, row, column, words):
    good = {"proposal_id": "P0", "action": "remove", **({"priority_id": "BE3-S3-2021-P1"} if kind == "priorities" else
                                                       {"strategy_id": "BE3-S3-2021"} if kind in ("strategies", "contacts")
                                                       else {"partnership_id": "bioeconomy", "nuts_id": "BE3"})}
    write(tmp_path, kind, [good, row])
    with pytest.raises(DataError) as e:
        load_contributions(tmp_path)
    assert (e.value.file, e.value.row, e.value.column) == (f"{kind}.csv", 3, column)
    assert words in str(e.value) and f"{kind}.csv, row 3, column '{column}'" in str(e.value)


def test_a_row_naming_what_the_snapshot_lacks_is_a_fault_with_its_place(tables, tmp_path):
    cases = [("priorities", {"proposal_id": "P1", "action": "change", "priority_id": "NOPE-1", "title": "x"}, "priority_id"),
             ("priorities", {"proposal_id": "P1", "action": "add", "strategy_id": "NOPE", "title": "x"}, "strategy_id"),
             ("priorities", {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "title": "x",
                             "nabs": "99"}, "nabs"),
             ("priorities", {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "title": "x",
                             "nace": "A.21"}, "nace"),
             ("memberships", {"proposal_id": "P1", "action": "add", "partnership_id": "no-such", "nuts_id": "BE3",
                              "role": "partner"}, "partnership_id"),
             ("strategies", {"proposal_id": "P1", "action": "add", "nuts_id": "XX9", "title": "S3"}, "nuts_id")]
    for n, (kind, row, column) in enumerate(cases):
        folder = tmp_path / str(n)
        write(folder, kind, [row])
        with pytest.raises(DataError) as e:
            apply_contributions(tables, load_contributions(folder))
        assert (e.value.file, e.value.row, e.value.column) == (f"{kind}.csv", 2, column), kind


# --------------------------------------------------------------------------- applying

def test_an_added_priority_gets_its_id_codes_as_contributed_and_provenance(tables, tmp_path):
    t = applied(tables, tmp_path, priorities=[
        {"proposal_id": "P7", "action": "add", "strategy_id": "BE3-S3-2021", "title": "Hydrogen valleys",
         "keywords": "hydrogen; electrolysis", "nace": "C.20;35;35", "ecosystems": "8"},
        {"proposal_id": "P7", "action": "add", "strategy_id": "BE3-S3-2021", "title": "Blue biotech"},
        {"proposal_id": "P7", "action": "add", "strategy_id": "BE3-S3-2021", "priority_id": "BE3-S3-2021-X", "title": "Own id"}])
    p = t["priorities"].set_index("priority_id")
    assert {"BE3-S3-2021-CP7-1", "BE3-S3-2021-CP7-2", "BE3-S3-2021-X"} <= set(p.index)
    new = p.loc["BE3-S3-2021-CP7-1"]
    assert (new.title, new.keywords, new.kind, new.source_url) == ("Hydrogen valleys", "hydrogen;electrolysis", "priority",
                                                                    PROV["source_url"])
    assert (new.contributed_by, new.reviewed_on, new.proposal_id) == ("Wallonia Region", "2026-12-01", "P7")
    codes = t["priority_codes"][t["priority_codes"].priority_id == "BE3-S3-2021-CP7-1"]
    assert sorted(zip(codes.scheme, codes.code, codes.origin)) == [
        ("ecosystem", "8", "contributed"), ("nace", "20", "contributed"), ("nace", "35", "contributed")]
    assert len(t["priorities"]) == len(tables["priorities"]) + 3
    # the other rows keep the provenance they had (empty, or an earlier reviewed contribution's)
    others = p.drop(index=["BE3-S3-2021-CP7-1", "BE3-S3-2021-CP7-2", "BE3-S3-2021-X"])
    base = tables["priorities"].set_index("priority_id")
    before = (base["contributed_by"] if "contributed_by" in base else pd.Series("", index=base.index))
    assert (others.contributed_by == before.reindex(others.index).fillna("")).all()
    assert (others.loc[others.index.str.startswith("BE3")].contributed_by == "").all()


def test_a_change_replaces_only_the_fields_it_gives_and_its_codes_replace_that_scheme(tables, tmp_path):
    pid = "BE3-S3-2021-P2"
    before = tables["priorities"].set_index("priority_id").loc[pid]
    t = applied(tables, tmp_path, priorities=[{"proposal_id": "P8", "action": "change", "priority_id": pid,
                                               "description": "Health innovation, from the region's page.", "nabs": "7"}])
    after = t["priorities"].set_index("priority_id").loc[pid]
    assert after.description == "Health innovation, from the region's page."
    assert (after.title, after.keywords, after.title_original) == (before.title, before.keywords, before.title_original)
    assert after.description_source_url == after.source_url == PROV["source_url"] and after.proposal_id == "P8"
    c = t["priority_codes"][t["priority_codes"].priority_id == pid]
    old = tables["priority_codes"][tables["priority_codes"].priority_id == pid]
    assert list(c[c.scheme == "nabs"].origin) == ["contributed"] and list(c[c.scheme == "nabs"].code) == ["7"]
    # the other schemes keep their codes (the publish step recomputes automatic ones)
    assert sorted(c[c.scheme != "nabs"].code) == sorted(old[old.scheme != "nabs"].code)
    assert len(t["priorities"]) == len(tables["priorities"])


def test_removing_a_priority_drops_it_and_its_codes(tables, tmp_path):
    pid = "BE3-S3-2021-P1"
    assert (tables["priority_codes"].priority_id == pid).any()
    t = applied(tables, tmp_path, priorities=[{"proposal_id": "P9", "action": "remove", "priority_id": pid}])
    assert pid not in set(t["priorities"].priority_id) and pid not in set(t["priority_codes"].priority_id)
    assert len(t["priorities"]) == len(tables["priorities"]) - 1


def test_strategies_added_changed_and_removed(tables, tmp_path):
    gone = "BE2-S3-2021"
    its_priorities = set(tables["priorities"].priority_id[tables["priorities"].strategy_id == gone])
    assert its_priorities
    t = applied(tables, tmp_path, strategies=[
        {"proposal_id": "P1", "action": "add", "nuts_id": "BE1", "title": "Brussels RIS3", "period": "2021-2027"},
        {"proposal_id": "P2", "action": "change", "strategy_id": "BE3-S3-2021",
         "document_url": "https://www.example.org/s3.pdf"},
        {"proposal_id": "P3", "action": "remove", "strategy_id": gone}])
    s = t["strategies"].set_index("strategy_id")
    assert s.loc["BE1-S3-CP1", ["nuts_id", "title", "period", "contributed_by"]].tolist() == [
        "BE1", "Brussels RIS3", "2021-2027", "Wallonia Region"]
    assert s.loc["BE1-S3-CP1", "territory_name"] == tables["regions"].set_index("nuts_id").name_latn["BE1"]
    was = tables["strategies"].set_index("strategy_id").loc["BE3-S3-2021"]
    assert s.loc["BE3-S3-2021", "document_url"] == "https://www.example.org/s3.pdf"
    assert s.loc["BE3-S3-2021", "title"] == was.title and s.loc["BE3-S3-2021", "source_url"] == PROV["source_url"]
    assert gone not in s.index and not its_priorities & set(t["priorities"].priority_id)
    assert not its_priorities & set(t["priority_codes"].priority_id)


def test_memberships_added_with_the_sources_wording_changed_and_removed(tables, tmp_path):
    m0 = tables["partnership_members"]
    old = m0.iloc[0]
    t = applied(tables, tmp_path, memberships=[
        {"proposal_id": "P1", "action": "add", "partnership_id": "bioeconomy", "nuts_id": "FI1D",
         "role": "supporting region"},
        {"proposal_id": "P2", "action": "change", "partnership_id": old.partnership_id, "nuts_id": old.nuts_id,
         "role": "co-lead"},
        {"proposal_id": "P3", "action": "remove", "partnership_id": m0.iloc[1].partnership_id,
         "nuts_id": m0.iloc[1].nuts_id}])
    m = t["partnership_members"].set_index(["partnership_id", "nuts_id"])
    new = m.loc[("bioeconomy", "FI1D")]
    assert new.role_as_in_source == "supporting region" and new.contributed_by == "Wallonia Region"
    assert new.source_url == PROV["source_url"] and new.proposal_id == "P1"
    assert m.loc[(old.partnership_id, old.nuts_id)].role == "co-lead"
    assert (m0.iloc[1].partnership_id, m0.iloc[1].nuts_id) not in m.index
    assert len(m) == len(m0) + (0 if ("bioeconomy", "FI1D") in set(zip(m0.partnership_id, m0.nuts_id)) else 1) - 1


def test_contact_points_added_changed_and_removed(tables, tmp_path):
    t = applied(tables, tmp_path, contacts=[
        {"proposal_id": "P1", "action": "add", "strategy_id": "BE3-S3-2021", "name": "Marie Dupont",
         "position": "S3 coordinator", "organisation": "SPW", "email": "s3@example.org"},
        {"proposal_id": "P2", "action": "add", "strategy_id": "BE2-S3-2021", "name": "Jan Peeters"},
        {"proposal_id": "P3", "action": "change", "strategy_id": "BE3-S3-2021", "position": "Head of unit",
         "reviewed_on": "2026-12-02"},
        {"proposal_id": "P4", "action": "remove", "strategy_id": "BE2-S3-2021", "name": "jan peeters",
         "reviewed_on": "2026-12-03"}])
    c = t["contacts"]
    assert list(c.columns) == ["strategy_id", "name", "position", "organisation", "email", "source_url",
                               "contributed_by", "reviewed_on", "proposal_id"]
    assert c.values.tolist() == [["BE3-S3-2021", "Marie Dupont", "Head of unit", "SPW", "s3@example.org",
                                  PROV["source_url"], "Wallonia Region", "2026-12-02", "P3"]]


def test_later_reviewed_rows_win_whatever_their_place_in_the_file(tables, tmp_path):
    pid = "BE3-S3-2021-P2"
    t = applied(tables, tmp_path, priorities=[
        {"proposal_id": "P2", "action": "change", "priority_id": pid, "title": "Later", "reviewed_on": "2026-12-05"},
        {"proposal_id": "P1", "action": "change", "priority_id": pid, "title": "Earlier", "reviewed_on": "2026-12-01"},
        {"proposal_id": "P3", "action": "change", "priority_id": pid, "title": "Same day, later row",
         "reviewed_on": "2026-12-05"}])
    assert t["priorities"].set_index("priority_id").title[pid] == "Same day, later row"


def test_applying_twice_is_applying_once(tables, tmp_path):
    t1 = applied(tables, tmp_path,
                 priorities=[{"proposal_id": "P7", "action": "add", "strategy_id": "BE3-S3-2021", "title": "H2", "nace": "35"},
                             {"proposal_id": "P8", "action": "change", "priority_id": "BE3-S3-2021-CP7-1", "title": "H2 valleys",
                              "reviewed_on": "2026-12-02"},
                             {"proposal_id": "P9", "action": "change", "priority_id": "BE3-S3-2021-P1", "title": "x"},
                             {"proposal_id": "P10", "action": "remove", "priority_id": "BE3-S3-2021-P1",
                              "reviewed_on": "2026-12-03"}],
                 strategies=[{"proposal_id": "P1", "action": "add", "nuts_id": "BE1", "title": "Brussels RIS3"}],
                 memberships=[{"proposal_id": "P2", "action": "add", "partnership_id": "bioeconomy", "nuts_id": "FI1D",
                               "role": "partner"}],
                 contacts=[{"proposal_id": "P3", "action": "add", "strategy_id": "BE3-S3-2021", "name": "A"},
                           {"proposal_id": "P4", "action": "change", "strategy_id": "BE3-S3-2021", "name": "B",
                            "reviewed_on": "2026-12-02"}])
    t2 = apply_contributions(t1, load_contributions(tmp_path / "c"))
    for name in ("strategies", "priorities", "priority_codes", "partnership_members", "contacts"):
        pd.testing.assert_frame_equal(t1[name], t2[name], obj=name)
    assert t1["contacts"].name.tolist() == ["B"]
    # the given tables are not changed
    given = tables["priorities"].set_index("priority_id")
    assert "BE3-S3-2021-P1" in given.index and given.at["BE3-S3-2021-P1", "title"] != "x"
    assert "BE3-S3-2021-CP7-1" not in given.index


def test_contributed_codes_keep_their_scheme_free_of_automatic_ones():
    codes = pd.DataFrame([["P1", "nace", "20", "contributed", ""], ["P1", "nace", "21", "auto", ""],
                          ["P1", "nabs", "7", "auto", ""], ["P2", "nace", "21", "auto", ""]],
                         columns=["priority_id", "scheme", "code", "origin", "rule"])
    kept = contributed_wins(codes)
    assert list(zip(kept.priority_id, kept.scheme, kept.code)) == [("P1", "nace", "20"), ("P1", "nabs", "7"),
                                                                    ("P2", "nace", "21")]
