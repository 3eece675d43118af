"""coverage_table against figures computed independently from the snapshot CSV files.

The independent computation uses only the files and the prefix structure of NUTS
codes (a region's descendants are the codes that start with it), not the atlas.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

from dashboard.data.coverage import EU27, coverage_table
from dashboard.settings import SETTINGS

DATA = Path(SETTINGS.data_dir)
S3_SOURCES = Path(__file__).resolve().parents[2] / "geodata" / "sources" / "s3"


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def files():
    regions = _csv("regions")
    strategies = _csv("strategies")
    priorities = _csv("priorities")
    level = dict(zip(regions.nuts_id, regions.level.astype(int)))
    strategies["country"] = strategies.nuts_id.str[:2]
    strategies["level"] = strategies.nuts_id.map(level)
    priorities["country"] = priorities.strategy_id.map(dict(zip(strategies.strategy_id, strategies.country)))
    return regions, strategies, priorities


@pytest.fixture(scope="module")
def table(atlas):
    return coverage_table(atlas).set_index("country")


def expected_missing(regions: pd.DataFrame, strategy_ids: set[str], country: str) -> set[str]:
    n_children = regions[regions.parent != ""].groupby("parent").size().to_dict()

    def same_territory_ancestors(r: str) -> set[str]:
        out = set()
        while len(r) > 2 and n_children.get(r[:-1], 0) == 1:
            r = r[:-1]
            out.add(r)
        return out

    missing = set()
    for r in regions[(regions.nuts_id.str[:2] == country) & regions.level.isin(["1", "2"])].nuts_id:
        covered = any(s.startswith(r) or (r.startswith(s) and len(s) > 2) for s in strategy_ids)
        covered = covered or bool(same_territory_ancestors(r) & strategy_ids)
        if not covered:
            missing.add(r)
    return missing


def test_one_row_per_country(files, table):
    regions, _, _ = files
    assert sorted(table.index) == sorted(regions[regions.level == "0"].nuts_id)
    assert set(table.index[table.eu_member]) == EU27


def test_totals_match_the_files(files, table):
    _, strategies, priorities = files
    assert table.strategies.sum() == len(strategies)
    assert table.priorities.sum() == len(priorities)
    assert table.national_strategies.sum() == (strategies.level == 0).sum()


def test_counts_per_country(files, table):
    _, strategies, priorities = files
    for country, grp in strategies.groupby("country"):
        row = table.loc[country]
        assert row.national_strategies == (grp.level == 0).sum(), country
        assert row.regional_strategies == (grp.level > 0).sum(), country
        assert row.priorities == (priorities.country == country).sum(), country
        assert set(row.periods) == set(grp.period) - {""}, country


def test_missing_regions_match_prefix_computation(files, table):
    regions, strategies, _ = files
    ids = set(strategies.nuts_id)
    for country in table.index:
        row = table.loc[country]
        assert set(row.missing_nuts12) == expected_missing(regions, ids, country), country
        assert row.missing_count == len(row.missing_nuts12)
        assert row.regions_nuts12 == (regions.nuts_id.str[:2].eq(country) & regions.level.isin(["1", "2"])).sum()


def test_source_domains_and_dates(files, table):
    _, strategies, priorities = files
    for country, grp in strategies.groupby("country"):
        urls = list(grp.source_url) + list(priorities[priorities.country == country].source_url)
        hosts = {h[4:] if h.startswith("www.") else h for h in (urlsplit(u).hostname or "" for u in urls)} - {""}
        assert set(table.loc[country].source_domains) == hosts, country
        assert set(table.loc[country].gathered_on) == set(grp.gathered_on) - {""}, country


def test_a_single_region_country_with_a_national_strategy_has_nothing_missing(files, table):
    regions, strategies, _ = files
    national = set(strategies.nuts_id[strategies.level == 0])
    n12 = regions[regions.level.isin(["1", "2"])].groupby(regions.nuts_id.str[:2]).size()
    single = [c for c in national if n12.get(c, 0) == 2]  # one NUTS 1 and one NUTS 2 unit
    assert single, "the snapshot has no such country to check"
    for c in single:
        assert table.loc[c].missing_nuts12 == ()


def test_module_is_free_of_dash():
    src = Path(coverage_table.__code__.co_filename).read_text(encoding="utf-8")
    assert "import dash" not in src and "from dash" not in src


def _text(component) -> str:
    """All text of a Dash component tree."""
    if isinstance(component, (str, int, float)):
        return str(component)
    from dashboard.components.static import StaticHtml
    children = component.tree if isinstance(component, StaticHtml) else getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, (list, tuple)):
        children = [children]
    return " ".join(_text(c) for c in children if c is not None)


def test_about_page_lists_what_was_looked_for_and_not_found(atlas):
    from dashboard.pages.about_data import layout

    nf, nm = _csv("s3_not_found"), _csv("partnerships_without_members")
    assert len(nf) and len(nm)  # the snapshot records both
    text = _text(layout(atlas))
    assert f"Strategies or priority lists ({len(nf)})" in text
    for r in nf.itertuples():
        assert f"{r.nuts_id} {atlas.region_name(r.nuts_id)}" in text and r.what_was_tried in text
    # findings carry their sources as links
    for urls in nf.source_urls[nf.source_urls != ""]:
        for u in urls.split(";"):
            assert f"{urlsplit(u.strip()).hostname.removeprefix('www.')}" in text
    assert f"members not found ({len(nm)})" in text
    for r in nm.itertuples():
        assert r.partnership in text
    empty = set(_csv("strategies").strategy_id) - set(_csv("priorities").strategy_id)
    assert f"{len(empty)} strategies are confirmed by a source but their priority list was not found" in text
    assert all(s in text for s in empty)
    # a partnership listed as without members never also has members in the data
    assert not set(nm.partnership) & set(_csv("partnerships").name)


def test_not_found_lists_are_validated(tmp_path):
    from dashboard.build.build import load_not_found
    from dashboard.data.schema import DataError

    (tmp_path / "not_found.csv").write_text(
        "nuts_id,region_name,sought,what_was_tried\nFRG,Pays de la Loire,strategy,3 searches\n"
        "XX99,Nowhere,strategy,1 search\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_not_found(tmp_path, {"FRG"})
    assert "not_found.csv" in str(err.value) and "XX99" in str(err.value)
    (tmp_path / "not_found.csv").write_text(
        "nuts_id,region_name,sought,what_was_tried,source_urls\n"
        "FRG,Pays de la Loire,strategy,3 searches,https://example.org/a; javascript:alert(1)\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_not_found(tmp_path, {"FRG"})
    assert "javascript:alert(1)" in str(err.value) and "source_urls" in str(err.value)
    (tmp_path / "not_found.csv").write_text(
        "nuts_id,region_name,sought,what_was_tried\nFRG,Pays de la Loire,strategy,3 searches\n", encoding="utf-8")
    nf, _ = load_not_found(tmp_path, {"FRG"})
    assert list(nf.source_urls) == [""]  # the column is optional
    (tmp_path / "partnerships_without_members.csv").write_text(
        "partnership,platform,source_url,what_was_tried\nPhotonics,,https://example.org/p,\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_not_found(tmp_path, {"FRG"})
    assert "what_was_tried" in str(err.value)
    nf, nm = load_not_found(tmp_path / "absent", {"FRG"})
    assert nf.empty and nm.empty


def test_superseded_strategies_are_kept_marked_and_listed(atlas):
    from dashboard.data.coverage import superseded_strategies
    from dashboard.pages.about_data import layout

    strategies = _csv("strategies")
    sup = pd.read_csv(S3_SOURCES / "updates" / "superseded.csv", dtype=str,
                      keep_default_na=False)
    marked = strategies[strategies.superseded_by != ""]
    assert dict(zip(marked.strategy_id, marked.superseded_by)) == dict(zip(sup.old_strategy_id, sup.new_strategy_id))
    assert set(marked.superseded_by) <= set(strategies.strategy_id)  # the new ones are in the data too
    table = superseded_strategies(atlas)
    assert len(table) == len(sup) and set(table.source_url) == set(sup.source_url)
    text = _text(layout(atlas))
    assert f"Superseded strategies ({len(sup)})" in text
    for r in sup.itertuples():
        assert r.old_strategy_id in text and r.new_strategy_id in text
        assert urlsplit(r.source_url).hostname.removeprefix("www.") in text


def test_description_gaps_are_in_the_not_found_list(atlas):
    from dashboard.pages.about_data import layout

    nf, strategies = _csv("s3_not_found"), _csv("strategies")
    gaps = nf[nf.sought == "descriptions of the priorities"]
    files = sorted((S3_SOURCES / "descriptions").glob("*_not_found.csv"))
    expected = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    assert sorted(gaps.strategy_id) == sorted(expected.strategy_id)
    territory = dict(zip(strategies.strategy_id, strategies.nuts_id))
    assert all(territory[s] == n for s, n in zip(gaps.strategy_id, gaps.nuts_id))
    text = _text(layout(atlas))
    assert all(f"descriptions of the priorities ({s})" in text for s in gaps.strategy_id)


def test_gathered_descriptions_keep_their_source(atlas):
    p = _csv("priorities")
    sourced = p[p.description_source_url != ""]
    assert len(sourced) and (sourced.description != "").all()
    assert sourced.description_source_url.str.match(r"^https?://").all()
    assert (p.description_note[p.description_source_url == ""] == "").all()


def test_member_list_completeness_against_stated_counts(atlas):
    from dashboard.data.coverage import member_list_completeness
    from dashboard.pages.about_data import layout

    counts, members = _csv("partnership_stated_counts"), _csv("partnership_members")
    table = member_list_completeness(atlas).set_index("partnership")
    assert set(table.index) == set(counts.partnership)
    unmapped = atlas.manifest["report"]["partnership_names_not_mapped"]
    for name, grp in counts.groupby("partnership"):
        row = table.loc[name]
        pid = row.partnership_id
        territories = members.nuts_id[members.partnership_id == pid].nunique()
        names = len({(u["name"], u["country"]) for u in unmapped if u["partnership"] == name})
        assert (row.territories, row.names_without_code, row.held) == (territories, names, territories + names), name
        assert row.largest_stated == grp.stated_members.astype(int).max()
        assert sorted(u for _, _, u in row.stated) == sorted(grp.source_url)
    # one territory is one member of a partnership once
    assert not members.duplicated(["partnership_id", "nuts_id"]).any()
    text = _text(layout(atlas))
    assert f"Partnership member lists against the counts their sources give ({len(table)})" in text
    for name in table.index:
        assert name in text
