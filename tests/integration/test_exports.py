"""Exports parse, match the table on screen, and carry their view, snapshot and credits."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.data.query import matching_priorities, sort_and_page
from dashboard.state import parse_query


@pytest.fixture(scope="module")
def client(atlas):
    return create_app(atlas=atlas).server.test_client()


def test_priorities_csv_matches_the_table_order(client, atlas):
    query = "?q=energy&level=2&sort=-priority"
    r = client.get("/export/priorities.csv" + query)
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    df = pd.read_csv(io.StringIO(r.data.decode("utf-8")), dtype=str, keep_default_na=False)
    state, _ = parse_query(query, atlas)
    expected = matching_priorities(atlas, state.filters())
    first_page, _, _ = sort_and_page(expected, state.sort, 1, 15)
    assert len(df) == len(expected)
    assert list(df.priority_id[:15]) == list(first_page.priority_id)
    assert set(df.view) == {query} and df.snapshot.iloc[0] == atlas.version
    assert "EuroGeographics" in df.credits.iloc[0]
    assert df.priority_source_url.str.match(r"^https?://").all()


def test_priorities_xlsx_has_the_rows_and_an_about_sheet(client, atlas):
    r = client.get("/export/priorities.xlsx?eco=9")
    sheets = pd.read_excel(io.BytesIO(r.data), sheet_name=None, dtype=str)
    state, _ = parse_query("?eco=9", atlas)
    assert len(sheets["priorities"]) == len(matching_priorities(atlas, state.filters()))
    about = dict(zip(sheets["about"].field, sheets["about"].value))
    assert about["view"] == "?eco=9" and about["snapshot"] == atlas.version
    assert all("9 (" in codes for codes in sheets["priorities"].ecosystems)


def test_regions_geojson_keeps_missing_values_as_null(client, atlas):
    r = client.get("/export/regions.geojson?mode=indicator&indicator=gerd_pct_gdp&year=2021&level=2")
    g = json.loads(r.data)
    assert len(g["features"]) == 334
    at11 = next(f for f in g["features"] if f["id"] == "AT11")
    assert at11["properties"]["value"] == 0.84 and at11["properties"]["year"] == 2021
    assert "tgs00042" in at11["properties"]["source"]
    assert any(f["properties"]["value"] is None for f in g["features"])
    assert g["metadata"]["view"].startswith("?mode=indicator") and "EuroGeographics" in g["metadata"]["attribution"]
    assert g["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_bad_export_query_falls_back_to_defaults(client):
    r = client.get("/export/priorities.csv?level=99&nace=<script>")
    assert r.status_code == 200


def test_region_profile_csv_words_partnership_roles_as_their_source_and_marks_inferred_links(client, atlas):
    import csv as _csv
    import io as _io
    m = atlas.members[(atlas.members.partnership_id == "ingredients-for-a-circular-economy")].iloc[0]
    r = client.get(f"/region/{m.nuts_id}.csv")
    assert r.status_code == 200
    rows = [row for row in _csv.reader(_io.StringIO(r.get_data(as_text=True)))
            if row and row[0] == "partnership" and row[1] == "ingredients-for-a-circular-economy"]
    assert len(rows) == 1
    assert rows[0][3] == "supporting"
    assert f"role as in the source: {m.role_as_in_source}" in rows[0][-1]
    assert f"inferred: {m.inferred}" in rows[0][-1] and "I4CE" in m.inferred
