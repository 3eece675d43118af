"""Thematic partnerships on the real snapshot: mapping of the source lists, counts, overlay, theme matches."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from dash import dcc, html
from plotly.utils import PlotlyJSONEncoder

from dashboard.data.catalog import ATTRIBUTION
from dashboard.data.partnerships import (NO_PLATFORM, could_join, overlay, partnership_counts, partnership_members,
                                         partnerships_table, partnerships_to_join, partnerships_without_members,
                                         resolve_ids, takes_part, theme_priorities)
from dashboard.data.query import keyword_hits, search_index
from dashboard.data.themes import THEME_QUERIES, name_queries, partnership_queries
from dashboard.figures.partnership import overlay_traces
from dashboard.figures.partnership import partnership_map as draw_partnership_map
from dashboard.pages import partnership as page_one
from dashboard.pages import partnerships as page_all

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "geodata" / "snapshot"
SOURCES = ROOT / "geodata" / "sources"
# Written out here on purpose (not imported), so the test checks the module's list.
EU27 = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "EL", "HU", "IE", "IT", "LV", "LT", "LU",
        "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
LEADS = {"lead", "co-lead"}


def geometry_url(level: int) -> str:
    return f"/geometry/nuts{level}.test.geojson"


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def member_rows():
    return read(SNAPSHOT / "partnership_members.csv")


@pytest.fixture(scope="module")
def region_country():
    return {r["nuts_id"]: r["country"] for r in read(SNAPSHOT / "regions.csv")}


# --------------------------------------------------------------------------- every source row mapped or reported

def test_every_member_name_is_covered_by_the_reviewed_name_list(atlas):
    names = {(r["name_as_in_source"], r["country"]): r["nuts_id"] for r in read(SOURCES / "partnership_region_names.csv")}
    by_list = atlas.members[atlas.members.nuts_id_from != "source row"]  # the others carry their own NUTS code
    assert set(atlas.members.nuts_id_from) <= {"name list", "source row"}
    for r in by_list.itertuples():
        country = atlas.regions.at[r.nuts_id, "country"]
        assert (r.name_as_in_source, country) in names, (r.partnership_id, r.name_as_in_source, country)
        assert names[(r.name_as_in_source, country)] == r.nuts_id
    unmapped = atlas.manifest["report"]["partnership_names_not_mapped"]
    for u in unmapped:  # reported: names the reviewed list leaves without a code, or rows without any code
        assert names.get((u["name"], u["country"]), "") == "", u
        assert u["partnership"] in set(atlas.partnerships.name)
        assert u["source_url"].startswith(("http://", "https://"))
    used = {(r.name_as_in_source, atlas.regions.at[r.nuts_id, "country"]) for r in by_list.itertuples()}
    used |= {(u["name"], u["country"]) for u in unmapped if (u["name"], u["country"]) in names}
    assert used <= set(names)


def test_project_additions_are_all_in_the_snapshot_or_reported(atlas):
    names = {(r["name_as_in_source"], r["country"]): r["nuts_id"] for r in read(SOURCES / "partnership_region_names.csv")}
    by_name = dict(zip(atlas.partnerships.name, atlas.partnerships.partnership_id))
    have = {(r.partnership_id, r.nuts_id) for r in atlas.members.itertuples()}
    reported = {(u["partnership"], u["name"], u["country"])
                for u in atlas.manifest["report"]["partnership_names_not_mapped"]}
    for r in read(SOURCES / "s3" / "partnerships.csv"):
        nuts = names[(r["region_name_as_in_source"], r["country"])]
        if nuts:
            assert (by_name[r["partnership"]], nuts) in have, r
        else:
            assert (r["partnership"], r["region_name_as_in_source"], r["country"]) in reported
    # the per-platform files: a row's own NUTS code, else the reviewed name list, else reported
    for path in sorted((SOURCES / "s3" / "partnerships").glob("*.csv")):
        if path.stem.endswith(("_counts", "_without_members")):
            continue
        for r in read(path):
            nuts = r["nuts_id"] or names.get((r["region_name_as_in_source"], r["country"]), "")
            if nuts:
                assert (by_name[r["partnership"]], nuts) in have, (path.name, r)
            else:
                assert (r["partnership"], r["region_name_as_in_source"], r["country"]) in reported, (path.name, r)


def test_member_rows_are_honest(atlas, member_rows):
    assert len(atlas.members) == len(member_rows)
    assert set(atlas.members.partnership_id) <= set(atlas.partnerships.partnership_id)
    assert set(atlas.members.nuts_id) <= set(atlas.regions.index)
    assert set(atlas.members.role) <= {"lead", "co-lead", "partner", "member", "supporting"}
    assert all(u.startswith(("http://", "https://")) for u in atlas.members.source_url)


# --------------------------------------------------------------------------- counts

def test_counts_for_water_smart_territories_from_the_csv(atlas, member_rows, region_country):
    pid = "water-smart-territories"
    rows = [r for r in member_rows if r["partnership_id"] == pid]
    members = {r["nuts_id"] for r in rows}
    countries = {region_country[n] for n in members}
    leads = {r["nuts_id"] for r in rows if r["role"] in LEADS}
    # hand-checked against the source page (ZINNAE, 2019): 3 leads, 17 partners, 12 countries; plus
    # Sjælland (DK02), named by another page in sources/s3/partnerships/industrial_modernisation.csv
    assert leads == {"ES24", "FRB0", "NL12"} and len(members) == 21 and len(countries) == 13

    c = partnership_counts(atlas, partnership_ids=[pid])
    assert c["partnerships"] == 1
    assert c["territories"] == len(members) == c["by_partnership"][pid]
    assert c["countries"] == len(countries)
    assert c["eu_member_states"] == len(countries & EU27)
    assert c["non_eu_countries"] == len(countries - EU27)
    t = partnerships_table(atlas).set_index("partnership_id").loc[pid]
    assert (t.members, t.leads, t.countries) == (len(members), len(leads), len(countries))
    table = partnership_members(atlas, pid)
    assert set(table.nuts_id) == members and len(table) == len(rows)
    assert set(table.nuts_id[table.role.isin(LEADS)]) == leads
    assert list(table.role[: len(leads)]) == ["lead"] * len(leads)  # leads first
    assert set(table.columns) >= {"region", "nuts_id", "level", "country", "role", "source_url", "note"}


def test_total_counts_from_the_csv(atlas, member_rows, region_country):
    partnerships = read(SNAPSHOT / "partnerships.csv")
    members = {r["nuts_id"] for r in member_rows}
    countries = {region_country[n] for n in members}
    c = partnership_counts(atlas)
    assert c["partnerships"] == len(partnerships)
    assert c["territories"] == len(members)
    assert c["countries"] == len(countries)
    assert c["eu_member_states"] == len(countries & EU27)
    assert c["non_eu_countries"] == len(countries - EU27)
    assert c["eu_member_states"] + c["non_eu_countries"] == c["countries"]
    for p in partnerships:
        assert c["by_partnership"][p["partnership_id"]] == len(
            {r["nuts_id"] for r in member_rows if r["partnership_id"] == p["partnership_id"]})
    for platform, v in c["by_platform"].items():
        pids = {p["partnership_id"] for p in partnerships if (p["platform_id"] or NO_PLATFORM) == platform}
        assert v["partnerships"] == len(pids)
        assert v["territories"] == len({r["nuts_id"] for r in member_rows if r["partnership_id"] in pids})
    with_members = {r["partnership_id"] for r in member_rows}
    assert partnerships_without_members(atlas) == [p["partnership_id"] for p in partnerships
                                                   if p["partnership_id"] not in with_members]


def test_table_filters(atlas, region_country, member_rows):
    energy = partnerships_table(atlas, platform="energy")
    assert set(energy.partnership_id) == set(atlas.partnerships.partnership_id[atlas.partnerships.platform_id == "energy"])
    greek = partnerships_table(atlas, country="EL")
    expected = {r["partnership_id"] for r in member_rows if region_country[r["nuts_id"]] == "EL"}
    assert set(greek.partnership_id) == expected and all(greek.members_in_country > 0)
    assert partnerships_table(atlas, platform="energy", country="EL").empty == (not expected & set(energy.partnership_id))


# --------------------------------------------------------------------------- overlay

def partnership_map(atlas, pid_or_platform, geometry_url):
    """The standalone map as the pages draw it: members of the resolved partnerships over the countries."""
    return draw_partnership_map(overlay(atlas, resolve_ids(atlas, pid_or_platform)), atlas.countries, geometry_url)


def _fig_json(traces) -> dict:
    return json.loads(json.dumps([t.to_plotly_json() for t in traces], cls=PlotlyJSONEncoder))


@pytest.mark.parametrize("pid", ["water-smart-territories", "traceability-and-big-data",
                                 "smart-regional-investments-in-textile-innovation", "high-tech-farming",
                                 "bioeconomy", "ingredients-for-a-circular-economy"])
def test_overlay_traces_hold_exactly_the_members_with_their_roles(atlas, member_rows, pid):
    rows = [r for r in member_rows if r["partnership_id"] == pid]
    want = {"lead": {r["nuts_id"] for r in rows if r["role"] in LEADS},
            "partner": {r["nuts_id"] for r in rows if r["role"] == "partner"},
            "member": {r["nuts_id"] for r in rows if r["role"] == "member"},
            "supporting": {r["nuts_id"] for r in rows if r["role"] == "supporting"}}
    traces = overlay_traces(overlay(atlas, [pid]), geometry_url)
    got = {"lead": set(), "partner": set(), "member": set(), "supporting": set()}
    for t in traces:
        if t.type == "choropleth":
            group = t.meta["role_group"]
            ids = list(t.locations)
            assert not got[group] & set(ids)
            got[group] |= set(ids)
            assert isinstance(t.geojson, str) and t.geojson == geometry_url(t.meta["level"])
            assert all(atlas.regions.at[i, "level"] == t.meta["level"] for i in ids)
    assert got == want
    widths = {t.meta["role_group"]: t.marker.line.width for t in traces if t.type == "choropleth"}
    if "lead" in widths and "partner" in widths:
        assert widths["lead"] > widths["partner"]
    points = [t for t in traces if t.type == "scattergeo" and t.meta["role_group"] == "points"][0]
    assert sorted(points.customdata) == sorted({r["nuts_id"] for r in rows})
    assert all(" — " in s and " in " in s for s in points.text)
    lines = [t for t in traces if t.type == "scattergeo" and t.meta["role_group"] == "link"]
    n_leads, n_all = len(want["lead"]), len({r["nuts_id"] for r in rows})
    expected_segments = n_all - n_leads if n_leads else 0  # one line per member, to its nearest lead
    if expected_segments:
        assert list(lines[0].lon).count(None) == expected_segments
    else:
        assert not lines
    for t in traces:
        assert "text" not in (getattr(t, "mode", None) or "")  # no glyphs to fetch
    dumped = json.dumps(_fig_json(traces))
    assert '"coordinates"' not in dumped and "Polygon" not in dumped


def test_overlay_of_everything_and_the_standalone_map(atlas):
    ov = overlay(atlas, list(atlas.partnerships.partnership_id))
    assert {e["nuts_id"] for e in ov["members"]} == set(atlas.members.nuts_id)
    for e in ov["members"]:
        roles = set(atlas.members.role[atlas.members.nuts_id == e["nuts_id"]])
        strongest = min(roles, key=["lead", "co-lead", "partner", "member", "supporting"].index)
        assert e["role"] == strongest
        assert (e["lon"], e["lat"]) == (atlas.regions.at[e["nuts_id"], "lon"], atlas.regions.at[e["nuts_id"], "lat"])
    for s in ov["segments"]:
        pid_members = atlas.members[atlas.members.partnership_id == s["partnership_id"]]
        assert s["from"] in set(pid_members.nuts_id[pid_members.role.isin(LEADS)])
        assert s["to"] in set(pid_members.nuts_id)
    # one line per member that is not a lead, per partnership with a lead
    for pid, mm in atlas.members[atlas.members.nuts_id.isin(atlas.regions.index)].groupby("partnership_id"):
        leads = set(mm.nuts_id[mm.role.isin(LEADS)])
        got = [s["to"] for s in ov["segments"] if s["partnership_id"] == pid]
        assert sorted(got) == (sorted(set(mm.nuts_id) - leads) if leads else [])
    fig = partnership_map(atlas, None, geometry_url)
    assert any(a.text == ATTRIBUTION for a in fig.layout.annotations)
    assert fig.layout.geo.visible is False and fig.layout.geo.projection.type == "azimuthal equal area"  # no base map
    assert all(isinstance(t.geojson, str) for t in fig.data if t.type == "choropleth")
    legend = {t.name for t in fig.data if t.showlegend}
    assert {"Lead / co-lead", "Partner", "Line to nearest lead", "Dot: a member region's centre"} <= legend
    assert '"coordinates"' not in fig.to_json()
    energy = partnership_map(atlas, "energy", geometry_url)
    pts = [t for t in energy.data if t.type == "scattergeo" and t.meta["role_group"] == "points"][0]
    energy_ids = set(atlas.partnerships.partnership_id[atlas.partnerships.platform_id == "energy"])
    assert set(pts.customdata) == set(atlas.members.nuts_id[atlas.members.partnership_id.isin(energy_ids)])
    # links start hidden (legend only) when several partnerships are drawn, shown for one
    def link(fig):
        return [t for t in fig.data if t.type == "scattergeo" and t.meta["role_group"] == "link"][0]
    assert link(fig).visible == "legendonly"
    assert link(partnership_map(atlas, "water-smart-territories", geometry_url)).visible is True


# --------------------------------------------------------------------------- theme priorities

def test_every_partnership_has_reviewed_theme_queries_and_names_give_a_fallback(atlas):
    assert set(THEME_QUERIES) == set(atlas.partnerships.partnership_id)
    for pid in atlas.partnerships.partnership_id:
        assert partnership_queries(atlas, pid) == THEME_QUERIES[pid] and all(q.strip() for q in THEME_QUERIES[pid])
    assert name_queries("Water Smart Territories") == ("water",)
    assert name_queries("Smart Sensors 4 Agri-food") == ("sensors", "agri", "food")
    assert name_queries("3D Printing") == ("3d", "printing")
    assert name_queries("Mining industry, related industries and services") == ("mining",)


def _covered(atlas, territory: str, member: str) -> bool:
    if territory.startswith(member):
        return True
    level = atlas.regions.at[member, "level"]
    return level == 3 and member.startswith(territory) and atlas.regions.at[territory, "level"] in (1, 2)


def _search_of(atlas, queries):
    """What the explorer's search returns for each query: priority -> best tier over the queries."""
    best = {}
    for q in queries:
        for pid, match in zip(*(keyword_hits(atlas, q)[c] for c in ("priority_id", "match"))):
            if best.get(pid) != "exact":
                best[pid] = match
    return best


def test_theme_priorities_are_the_explorers_search_on_the_members_strategies(atlas):
    p = atlas.priorities.set_index("priority_id")
    row_words = search_index(atlas).row_words
    total = 0
    for pid in atlas.partnerships.partnership_id:
        members = set(atlas.members.nuts_id[atlas.members.partnership_id == pid])
        strategies = {s for s, t in zip(atlas.strategies.strategy_id, atlas.strategies.nuts_id)
                      if any(_covered(atlas, t, m) for m in members)}
        found = _search_of(atlas, THEME_QUERIES[pid])
        expected = {k: v for k, v in found.items() if p.at[k, "strategy_id"] in strategies}
        got = theme_priorities(atlas, pid)
        assert dict(zip(got.priority_id, got.match)) == expected, pid
        tiers = list(got.match)
        assert tiers == sorted(tiers, key=lambda m: m != "exact")  # exact first
        for r in got.itertuples():
            total += 1
            row = atlas.priorities.index[atlas.priorities.priority_id == r.priority_id][0]
            if r.match == "exact":  # the matched words are whole words of the priority's text
                assert r.matched and set(r.matched.split()) <= row_words[row], (pid, r.priority_id)
            assert set(r.members) <= members and all(_covered(atlas, r.nuts_id, m) for m in r.members)
            assert r.source_url == p.at[r.priority_id, "source_url"]
    assert total > 0


def test_water_members_priorities_are_those_the_explorer_finds_for_water(atlas):
    pid = "water-smart-territories"
    members = set(atlas.members.nuts_id[atlas.members.partnership_id == pid])
    strategies = {s for s, t in zip(atlas.strategies.strategy_id, atlas.strategies.nuts_id)
                  if any(_covered(atlas, t, m) for m in members)}
    hits = keyword_hits(atlas, "water")
    exact = set(hits.priority_id[hits.match == "exact"])
    expected = {x for x in exact if atlas.priorities.strategy_id[atlas.priorities.priority_id == x].iloc[0] in strategies}
    got = theme_priorities(atlas, pid)
    assert set(got.priority_id[got.match == "exact"]) == expected and len(expected) >= 5
    assert "FRF-S3-GE-P6" in expected  # Grand Est's priority "Water"


def test_could_join_hydrogen_lists_non_members_naming_it_never_members(atlas):
    pid = "european-hydrogen-valleys-s3-partnership"
    cj = could_join(atlas, pid)
    # Mecklenburg-Vorpommern (DE8) is not a member and its strategy names hydrogen in a priority's title
    assert not takes_part(atlas, pid, "DE8")
    de8 = cj[cj.nuts_id == "DE8"].iloc[0]
    assert de8.match == "exact" and "hydrogen" in de8.title.lower() and "hydrogen" in de8.matched.split()
    assert de8.strategy_id in set(atlas.strategies.strategy_id[atlas.strategies.nuts_id == "DE8"])
    lead = partnership_members(atlas, pid)
    assert de8.compare_with == lead.nuts_id.iloc[0] and lead.role.iloc[0] in LEADS


def test_could_join_never_lists_a_member_and_is_ranked(atlas):
    for pid in atlas.partnerships.partnership_id:
        members = set(atlas.members.nuts_id[atlas.members.partnership_id == pid])
        cj = could_join(atlas, pid)
        assert not set(cj.nuts_id) & members
        assert not any(n.startswith(m) or m.startswith(n) for n in cj.nuts_id for m in members), pid
        assert cj.nuts_id.is_unique and list(cj["rank"]) == list(range(1, len(cj) + 1))
        keys = [(m != "exact", -(e if m == "exact" else r), -s) for m, e, r, s in
                zip(cj.match, cj.n_exact, cj.n_related, cj.score)]
        assert keys == sorted(keys), pid
        # every candidate's evidence is a priority of its own strategy that the theme's search finds
        found = _search_of(atlas, THEME_QUERIES[pid])
        for r in cj.itertuples():
            assert atlas.priorities.nuts_id[atlas.priorities.priority_id == r.priority_id].iloc[0] == r.nuts_id
            assert found[r.priority_id] == r.match


def test_partnerships_to_join_mirror_could_join(atlas):
    lists = {pid: set(could_join(atlas, pid).nuts_id) for pid in atlas.partnerships.partnership_id}
    for nid in ("DE8", "ES51", "FI1C3", "CZ064", "AT12"):
        got = partnerships_to_join(atlas, nid)
        assert set(got.partnership_id) == {pid for pid, regions in lists.items() if nid in regions}, nid
        assert not any(takes_part(atlas, pid, nid) for pid in got.partnership_id)
    de8 = partnerships_to_join(atlas, "DE8")
    hydrogen = de8[de8.partnership_id == "european-hydrogen-valleys-s3-partnership"].iloc[0]
    assert hydrogen.match == "exact" and "hydrogen" in hydrogen.matched.split()
    # a member is not offered its own partnership
    assert "european-hydrogen-valleys-s3-partnership" not in set(partnerships_to_join(atlas, "ES24").partnership_id)
    assert partnerships_to_join(atlas, "XX99").empty


# --------------------------------------------------------------------------- pages (rendered as component trees)

def walk(component):
    """The component tree, static islands included (the trees their HTML is written from)."""
    from dashboard.components.static import StaticHtml
    yield component
    children = component.tree if isinstance(component, StaticHtml) else getattr(component, "children", None)
    if children is None:
        return
    for c in children if isinstance(children, (list, tuple)) else [children]:
        if c is not None and not isinstance(c, (str, int, float)):
            yield from walk(c)


def text_of(component) -> str:
    out = []
    for c in walk(component):
        ch = getattr(c, "children", None)
        for x in ch if isinstance(ch, (list, tuple)) else [ch]:
            if isinstance(x, (str, int, float)):
                out.append(str(x))
    return " ".join(out)


def find(component, id_):
    return next(c for c in walk(component) if getattr(c, "id", None) == id_)


def test_overview_page_shows_computed_counts_and_links(atlas):
    lay = page_all.layout(atlas, "", geometry_url)
    c = partnership_counts(atlas)
    counts = find(lay, "pt-counts")
    values = {getattr(card, "data-count"): card.children[0].children for card in counts.children}
    assert values == {k: str(c[k]) for k, _ in page_all.HEADLINE}
    links = {c.href for c in walk(lay) if isinstance(c, dcc.Link)}
    for pid in atlas.partnerships.partnership_id:
        assert f"/partnerships/{pid}" in links and f"/?partnership={pid}" in links
    assert any(isinstance(c, dcc.Location) and c.id == "pt-url" and c.refresh is False for c in walk(lay))
    assert isinstance(find(lay, "pt-map"), dcc.Graph)
    for u in atlas.manifest["report"]["partnership_names_not_mapped"]:
        assert u["name"] in text_of(find(lay, "pt-unmapped"))
    assert not any("dangerously_allow_html" in (getattr(c, "_prop_names", []) or []) and
                   getattr(c, "dangerously_allow_html", False) for c in walk(lay))


def test_overview_filters_and_bad_query(atlas):
    lay = page_all.layout(atlas, "?platform=energy", geometry_url)
    shown = {getattr(t, "data-partnership") for t in walk(find(lay, "pt-platforms")) if hasattr(t, "data-partnership")}
    assert shown == set(atlas.partnerships.partnership_id[atlas.partnerships.platform_id == "energy"])
    assert page_all.parse_query(atlas, "?platform=energy&country=el") == ("energy", "EL", [])
    platform, country, notes = page_all.parse_query(atlas, "?platform=<script>&country=ZZ")
    assert (platform, country) == ("", "") and len(notes) == 2
    assert page_all.to_query("energy", "EL") == "?platform=energy&country=EL" and page_all.to_query("", "") == ""


def test_partnership_page_members_sources_and_not_found(atlas):
    pid = "water-smart-territories"
    lay = page_one.layout(atlas, pid, geometry_url)
    table = find(lay, "pp-members")
    rows = table.children[1].children
    members = atlas.members[atlas.members.partnership_id == pid]
    assert len(rows) == len(members)
    for row in rows:
        assert any(isinstance(c, html.A) and c.href.startswith("http") for c in walk(row))  # every row has its source
        role = getattr(row, "data-role")
        assert role == members.role[members.nuts_id == getattr(row, "data-nuts")].iloc[0]
    assert find(lay, "pp-explorer").href == f"/?partnership={pid}"
    themes = find(lay, "pp-themes")
    assert "water" in text_of(themes)
    assert any(getattr(c, "href", None) == "/?q=water" for c in walk(themes))  # the theme opens the explorer
    join = find(lay, "pp-could-join")
    lead = partnership_members(atlas, pid).nuts_id.iloc[0]
    hrefs = [c.href for c in walk(join) if isinstance(c, dcc.Link) and "compare" in c.href]
    cj = could_join(atlas, pid)
    assert hrefs and hrefs[0] == f"/compare?regions={lead},{cj.nuts_id.iloc[0]}"
    assert len(hrefs) == len(cj)  # the first ten, the rest under "show all"
    missing = page_one.layout(atlas, "<no-such>", geometry_url)
    assert "not-found" in missing.className and find(missing, "pp-back").href == "/partnerships"


def test_each_member_is_joined_to_its_nearest_lead_only(atlas):
    """Water Smart Territories (21 members, 3 leads / co-leads in the snapshot): one line per other
    member, to the lead nearest to it (haversine on the regions' points, computed here), not the 57
    lines of every member to every lead."""
    import math

    pid = "water-smart-territories"
    mm = atlas.members[atlas.members.partnership_id == pid]
    leads = sorted(set(mm.nuts_id[mm.role.isin(LEADS)]))
    others = set(mm.nuts_id) - set(leads)
    assert len(leads) >= 2 and len(others) > 10

    def km(a, b):
        (lo1, la1), (lo2, la2) = (map(math.radians, atlas.regions.loc[x, ["lon", "lat"]]) for x in (a, b))
        h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        return 2 * 6371.0 * math.asin(math.sqrt(h))

    ov = overlay(atlas, [pid])
    got = {s["to"]: s["from"] for s in ov["segments"]}
    assert len(ov["segments"]) == len(others) == len(got)
    assert got == {b: min(leads, key=lambda a: km(a, b)) for b in others}
    assert len(set(got.values())) >= 2  # more than one lead gets members


# --------------------------------------------------------------------------- roles as the source words them, inferred links

def _source_rows() -> list[dict]:
    """Every member row of the project's source files (the kit's list is not in the repository), with
    its file."""
    out = []
    paths = [SOURCES / "s3" / "partnerships.csv"] + sorted(
        f for f in (SOURCES / "s3" / "partnerships").glob("*.csv") if not f.stem.endswith(("_counts", "_without_members")))
    for path in paths:
        out += [{**r, "file": path.name} for r in read(path)]
    return out


def test_roles_are_normalised_without_overstating_the_source():
    from dashboard.build.inputs.partnerships import normalise_role
    assert normalise_role("supporting region (backed the Vanguard MoU with the Bio-based Industries Consortium)") == "supporting"
    assert normalise_role("represented region (role not stated)") == "supporting"
    assert normalise_role("co-signatory with Lombardy of the Vanguard regions' MoU") == "supporting"
    assert normalise_role("associated member") == "supporting"
    assert normalise_role("member (role not stated)") == "member"
    assert normalise_role("partner region (via Regions 4Food)") == "partner"
    assert normalise_role("région chef de file (lead)") == "lead"
    assert normalise_role("projectleider (co-lead)") == "co-lead"
    assert normalise_role("co-leader (Vanguard/ESTHER pilot)") == "co-lead"


def test_supporting_rows_are_counted_apart_and_worded_as_in_their_source(atlas, member_rows):
    # every project source row whose source calls the region supporting / represented / co-signing
    supporting = [r for r in _source_rows() if r["role"].lower().startswith(("supporting region", "represented region",
                                                                             "co-signatory"))]
    assert len(supporting) >= 20
    by_name = dict(zip(atlas.partnerships.name, atlas.partnerships.partnership_id))
    shown = {(r["partnership_id"], r["name_as_in_source"]): r for r in member_rows}
    for r in supporting:
        row = shown.get((by_name[r["partnership"]], r["region_name_as_in_source"]))
        if row is None:  # merged into a stronger row of the same territory, or without a NUTS code
            continue
        assert row["role"] == "supporting" and row["role_as_in_source"] == r["role"], row
    # Ingredients for a Circular Economy: its source lists only represented regions
    pid = "ingredients-for-a-circular-economy"
    rows = [r for r in member_rows if r["partnership_id"] == pid]
    assert rows and {r["role"] for r in rows} == {"supporting"}
    assert {r["role_as_in_source"] for r in rows} == {"represented region (role not stated)"}
    c = partnership_counts(atlas, partnership_ids=[pid])
    assert (c["members"], c["supporting"], c["territories"]) == (0, len(rows), len(rows))
    # Bioeconomy: members and supporting regions apart, adding up to its territories
    pid = "bioeconomy"
    rows = [r for r in member_rows if r["partnership_id"] == pid]
    n_supporting = len({r["nuts_id"] for r in rows if r["role"] == "supporting"})
    n_members = len({r["nuts_id"] for r in rows if r["role"] != "supporting"})
    assert n_supporting >= 5 and n_members >= 5
    c = partnership_counts(atlas, partnership_ids=[pid])
    assert (c["members"], c["supporting"]) == (n_members, n_supporting)
    t = partnerships_table(atlas).set_index("partnership_id").loc[pid]
    assert (t.members, t.supporting) == (n_members, n_supporting)
    table = partnership_members(atlas, pid)
    assert list(table.role[-n_supporting:]) == ["supporting"] * n_supporting  # supporting regions last
    # the whole snapshot: a territory is supporting only when none of its rows names it more
    every = partnership_counts(atlas)
    only = {n for n in {r["nuts_id"] for r in member_rows}
            if all(r["role"] == "supporting" for r in member_rows if r["nuts_id"] == n)}
    assert every["supporting"] == len(only) and every["members"] + every["supporting"] == every["territories"]


def test_partnership_page_shows_supporting_roles_in_the_source_words_and_inferred_links(atlas):
    pid = "bioeconomy"
    lay = page_one.layout(atlas, pid, geometry_url)
    rows = find(lay, "pp-members").children[1].children
    members = partnership_members(atlas, pid).set_index("nuts_id")
    seen_supporting = seen_inferred = 0
    for row in rows:
        m = members.loc[getattr(row, "data-nuts")]
        text = text_of(row)
        if m.role == "supporting":
            seen_supporting += 1
            assert "Supporting" in text and f"as in the source: “{m.role_as_in_source}”" in text
        assert (getattr(row, "data-inferred") == "yes") == bool(m.inferred)
        if m.inferred:
            seen_inferred += 1
            assert f"inferred: {m.inferred}" in text
    assert seen_supporting >= 5 and seen_inferred >= 5
    c = partnership_counts(atlas, partnership_ids=[pid])
    counts = text_of(find(lay, "pp-counts"))
    assert f"{c['members']} member regions, {c['supporting']} supporting" in counts
    assert f"{c['inferred_rows']} inferred links" in counts
    # the map: the supporting group in the legend, the hover in the source's words with the inference
    traces = overlay_traces(overlay(atlas, [pid]), geometry_url)
    assert "Supporting (not named a member)" in [t.name for t in traces if t.showlegend]
    points = [t for t in traces if t.type == "scattergeo" and t.meta["role_group"] == "points"][0]
    hover = dict(zip(points.customdata, points.text))
    sup = members[members.role == "supporting"].iloc[0]
    assert "as in the source:" in hover[sup.name] and "inferred:" in hover[sup.name]
    assert "supporting region" in hover[sup.name].replace("<br>  ", " ")


def test_inferred_links_carry_their_reason_into_the_snapshot(atlas, member_rows):
    from dashboard.build.inputs.partnerships import kit_inferred
    src = _source_rows()
    reasons = {}
    for r in src:
        reasons.setdefault((r["partnership"], r["region_name_as_in_source"], r["source_url"]), set()).add(r["inferred"])
    kit_marks = read(SOURCES / "s3" / "partnerships_kit_inferred.csv")
    for r in kit_marks:
        reasons[(r["partnership"], r["region_name_as_in_source"], r["source_url"])] = {r["inferred"]}
    names = dict(zip(atlas.partnerships.partnership_id, atlas.partnerships.name))
    for row in member_rows:
        key = (names[row["partnership_id"]], row["name_as_in_source"], row["source_url"])
        if key in reasons:  # a row of the project's files or marked in the kit's list
            assert row["inferred"] in reasons[key], row
    # the links the issue names: Vanguard Initiative pilots of 2015 and I4CE
    inferred = [r for r in member_rows if r["inferred"]]
    assert any("Vanguard Initiative pilot (2015)" in r["inferred"] for r in inferred)
    i4ce = [r for r in member_rows if r["partnership_id"] == "ingredients-for-a-circular-economy"]
    assert i4ce and all("I4CE" in r["inferred"] for r in i4ce)


def test_a_mark_on_the_kits_list_must_name_one_of_its_rows(tmp_path):
    import pandas as pd
    from dashboard.build.inputs.partnerships import KIT_INFERRED_COLS, kit_inferred
    from dashboard.data.schema import DataError
    kit = pd.DataFrame([{"partnership": "P", "region_name_as_in_source": "R", "country": "XX",
                         "source_url": "https://example.org/p", "role": "partner"}])
    marks = tmp_path / "marks.csv"
    marks.write_text(",".join(KIT_INFERRED_COLS) + "\nP,R,XX,https://example.org/p,pilot taken as the partnership\n")
    assert kit_inferred(kit, marks).inferred.tolist() == ["pilot taken as the partnership"]
    marks.write_text(",".join(KIT_INFERRED_COLS) + "\nP,Other,XX,https://example.org/p,pilot taken as the partnership\n")
    with pytest.raises(DataError, match="names no single row"):
        kit_inferred(kit, marks)


def test_a_stated_row_wins_over_an_inferred_one():
    import pandas as pd
    from dashboard.build.inputs.partnerships import strongest_role
    rows = pd.DataFrame([
        {"partnership_id": "p", "nuts_id": "AA1", "role": "lead", "inferred": "pilot taken as the partnership"},
        {"partnership_id": "p", "nuts_id": "AA1", "role": "partner", "inferred": ""},
        {"partnership_id": "p", "nuts_id": "AA2", "role": "supporting", "inferred": ""},
        {"partnership_id": "p", "nuts_id": "AA2", "role": "member", "inferred": ""},
    ])
    kept = strongest_role(rows).set_index("nuts_id")
    assert kept.at["AA1", "role"] == "partner" and kept.at["AA1", "inferred"] == ""
    assert kept.at["AA2", "role"] == "member"
