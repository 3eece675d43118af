"""The refresh from Eurostat and GISCO, replayed from recorded fixtures (no network).

tests/fixtures/refresh/ holds one tiny response per dataset in the shape the statistics API
returns (JSON-stat 2.0: sparse "value" and "status" keyed by the row-major position over "id"
and "size", categories under dimension.*.category.index, Eurostat's "extension"), a tiny GISCO
NUTS GeoJSON, and a tiny kit (classifications and S3 files) the build needs besides. The
numbers are made up for the test; only their shape is Eurostat's.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest

from dashboard.build import build as b
from dashboard.build import refresh as r
from dashboard.data.schema import DataError

ROOT = Path(__file__).resolve().parents[2]
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "refresh"


class FakeResponse:
    def __init__(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.status_code, self.content, self.headers = status, body, headers or {}

    def iter_content(self, chunk_size: int):
        for i in range(0, len(self.content), chunk_size):
            yield self.content[i:i + chunk_size]


class FakeSession:
    """Answers Eurostat and GISCO URLs from the fixtures; ``override(dataset)`` may replace an
    answer. Honours If-None-Match with 304, as a server with ETags does."""

    def __init__(self, override=None):
        self.calls: list[tuple[str, int]] = []
        self.override = override or (lambda name, body: None)

    def get(self, url, headers=None, timeout=None, stream=False):
        assert timeout, "every request must have a timeout"
        parts = urlsplit(url)
        if parts.netloc == "ec.europa.eu":
            assert parts.path.startswith("/eurostat/api/dissemination/statistics/1.0/data/")
            params = dict(parse_qsl(parts.query))
            assert params["format"] == "JSON" and params["lang"] == "EN"
            name = parts.path.rsplit("/", 1)[1]
            path = FIX / f"{name}.json"
        else:
            assert url == "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/NUTS_RG_20M_2021_4326.geojson"
            name, path = "gisco", FIX / "NUTS_RG_20M_2021_4326.geojson"
        body = path.read_bytes()
        etag = f'"{hash(body) & 0xffffffff:x}"'
        resp = self.override(name, body) or FakeResponse(200, body, {"ETag": etag, "Content-Length": str(len(body))})
        asked = (headers or {}).get("If-None-Match")
        if resp.status_code == 200 and asked and asked == resp.headers.get("ETag"):
            resp = FakeResponse(304, b"", {"ETag": etag})
        self.calls.append((name, resp.status_code))
        return resp


@pytest.fixture
def sources(tmp_path, monkeypatch) -> Path:
    """The project's classification rules and platforms, and a partnership name list that fits
    the fixture regions (the real one names regions the fixture map does not have)."""
    src = tmp_path / "sources"
    src.mkdir()
    for f in ("platforms.csv", "classification_rules.csv", "nace_ecosystem_map.csv"):
        shutil.copy(b.SOURCES / f, src / f)
    (src / "partnership_region_names.csv").write_text("name_as_in_source,country,nuts_id,note\nBurgenland,AT,AT11,\n")
    monkeypatch.setattr(b, "SOURCES", src)
    return src


def run(tmp_path, session, **kw) -> dict:
    kw.setdefault("cache", tmp_path / "cache")
    return r.refresh(FIX / "kit", tmp_path / "snapshot", session=session, progress=False,
                     sleep=lambda s: None, **kw)


def old_snapshot(tmp_path) -> Path:
    out = tmp_path / "snapshot"
    out.mkdir()
    (out / "manifest.json").write_text('{"version": "previous"}')
    return out


def assert_untouched(tmp_path, out: Path) -> None:
    assert json.loads((out / "manifest.json").read_text()) == {"version": "previous"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".snapshot-")] == []


def fixture_cells(dataset: str, unit: str | None = None) -> dict[tuple[str, int], tuple[float, str]]:
    """(geo, year) -> (value, flag), decoded straight from a fixture: every dimension but unit,
    geo and time has one category there."""
    doc = json.loads((FIX / f"{dataset}.json").read_text())
    cats = {d: list(doc["dimension"][d]["category"]["index"]) for d in doc["id"]}
    out = {}
    for key, v in doc["value"].items():
        pos, coord = int(key), {}
        for d, n in reversed(list(zip(doc["id"], doc["size"]))):
            pos, i = divmod(pos, n)
            coord[d] = cats[d][i]
        if unit is None or coord["unit"] == unit:
            out[(coord["geo"], int(coord["time"]))] = (v, doc["status"].get(key, ""))
    return out


# ---------------------------------------------------------------------------------------- the whole path

def test_refresh_builds_a_snapshot_whose_values_are_the_fixtures(tmp_path, sources):
    t0 = time.perf_counter()
    session = FakeSession()
    m = run(tmp_path, session)
    seconds = time.perf_counter() - t0
    print(f"\nfixture-based refresh: {seconds:.2f} s")
    assert seconds < 60

    out = tmp_path / "snapshot"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["nuts_version"] == "2021" and manifest["regions_by_level"] == {"0": 1, "1": 1, "2": 2, "3": 3}
    assert len(session.calls) == 10 and {s for _, s in session.calls} == {200}
    assert {d["how"] for d in m["downloads"]} == {"downloaded"}

    ind = pd.read_csv(out / "indicators.csv", keep_default_na=False)
    src = pd.read_csv(out / "indicator_sources.csv", keep_default_na=False).set_index("source_id")
    checks = {
        "unemployment_rate": ("lfst_r_lfu3rt", None),
        "employment_rate": ("lfst_r_lfe2emprt", None),
        "gerd_pct_gdp": ("rd_e_gerdreg", None),
        "tertiary_attainment": ("edat_lfse_04", None),
        "gdp_mio_eur": ("nama_10r_2gdp", "MIO_EUR"),
        "gdp_eur_hab": ("nama_10r_2gdp", "EUR_HAB"),
        "gdp_pps_pct_eu27": ("nama_10r_2gdp", "PPS_HAB_EU27_2020"),
    }
    for indicator, (dataset, unit) in checks.items():
        got = ind[(ind.indicator == indicator) & (ind.source_id.map(src.source_dataset) == dataset)]
        want = fixture_cells(dataset, unit)
        assert len(got) == len(want), indicator
        for row in got.itertuples():
            assert (row.value, row.flag) == want[(row.nuts_id, row.year)], (indicator, row.nuts_id, row.year)
    # NUTS 3 GDP comes from nama_10r_3gdp, after nama_10r_2gdp in precedence
    nuts3 = ind[(ind.indicator == "gdp_mio_eur") & (ind.nuts_id == "AT111")].set_index("year").value
    cells = fixture_cells("nama_10r_3gdp", "MIO_EUR")
    assert dict(nuts3) == {y: cells[("AT111", y)][0] for y in (2021, 2022)}
    # population: NUTS 0-2 from demo_r_d2jan, NUTS 3 from demo_r_pjanaggr3
    pop = ind[ind.indicator == "population"].set_index(["nuts_id", "year"]).value
    assert pop[("AT12", 2023)] == fixture_cells("demo_r_d2jan")[("AT12", 2023)][0]
    assert pop[("AT112", 2022)] == fixture_cells("demo_r_pjanaggr3")[("AT112", 2022)][0]
    # derived: share of national GDP
    share = ind[ind.indicator == "gdp_share_national"].set_index(["nuts_id", "year"]).value
    gdp = fixture_cells("nama_10r_2gdp", "MIO_EUR")
    assert share[("AT11", 2022)] == round(100 * gdp[("AT11", 2022)][0] / gdp[("AT", 2022)][0], 2)
    # the EU aggregate stays for legends; NL35 (a NUTS 2024 code, not one-to-one) is left out, with a note
    assert "EU27_2020" in set(ind.nuts_id) and "NL35" not in set(ind.nuts_id)
    assert any(h["code"] == "NL35" and "left missing" in h["note"] for h in m["harmonised"])
    # summary against the previous (absent) snapshot: everything added
    summary = {s["indicator"]: s for s in m["summary"]}
    assert summary["unemployment_rate"]["added"] == 15 and summary["unemployment_rate"]["newest_year_now"] == 2023
    assert summary["gerd_pct_gdp"]["changed"] == 0


def test_second_refresh_changes_nothing_and_reports_changes(tmp_path, sources):
    run(tmp_path, FakeSession())
    bumped = json.loads((FIX / "lfst_r_lfu3rt.json").read_text())
    bumped["value"]["0"] += 1

    def override(name, body):
        if name == "lfst_r_lfu3rt":
            return FakeResponse(200, json.dumps(bumped).encode(), {"ETag": '"new"'})
    m = run(tmp_path, FakeSession(override), max_age_hours=0)
    summary = {s["indicator"]: s for s in m["summary"]}
    assert summary["unemployment_rate"]["changed"] == 1
    assert all(s["added"] == 0 and s["removed"] == 0 for s in m["summary"])
    assert sum(s["changed"] for s in m["summary"]) == 1


# ---------------------------------------------------------------------------------------- the cache

def test_second_run_downloads_nothing(tmp_path, sources):
    run(tmp_path, FakeSession())
    again = FakeSession()
    m = run(tmp_path, again)
    assert again.calls == []  # fresh cache entries are reused without asking
    assert {d["how"] for d in m["downloads"]} == {"cache (fresh)"}
    stale = FakeSession()
    m = run(tmp_path, stale, max_age_hours=0)  # older entries are revalidated: 304, no body
    assert len(stale.calls) == 10 and {s for _, s in stale.calls} == {304}
    assert {d["how"] for d in m["downloads"]} == {"cache (not modified)"}


# ---------------------------------------------------------------------------------------- failures

@pytest.mark.parametrize("how", ["cut JSON", "short of Content-Length"])
def test_truncated_download_fails_clearly_and_keeps_the_snapshot(tmp_path, sources, how):
    out = old_snapshot(tmp_path)

    def override(name, body):
        if name == "rd_e_gerdreg":
            headers = {"Content-Length": str(len(body))} if how == "short of Content-Length" else {}
            return FakeResponse(200, body[: len(body) // 2], headers)
    with pytest.raises(r.RefreshError) as e:
        run(tmp_path, FakeSession(override))
    msg = str(e.value)
    assert "rd_e_gerdreg" in msg
    assert ("truncated" in msg) if how == "cut JSON" else ("3 attempt" in msg and "bytes" in msg)
    assert_untouched(tmp_path, out)


def test_truncated_geojson_fails_clearly(tmp_path, sources):
    out = old_snapshot(tmp_path)
    session = FakeSession(lambda name, body: FakeResponse(200, body[:200]) if name == "gisco" else None)
    with pytest.raises(r.RefreshError, match="GISCO NUTS 2021: not valid GeoJSON.*truncated"):
        run(tmp_path, session)
    assert_untouched(tmp_path, out)


def test_http_error_is_retried_then_fails_clearly(tmp_path, sources):
    out = old_snapshot(tmp_path)
    slept = []
    session = FakeSession(lambda name, body: FakeResponse(503, b"busy") if name == "lfst_r_lfe2emprt" else None)
    with pytest.raises(r.RefreshError) as e:
        r.refresh(FIX / "kit", out, tmp_path / "cache", session=session, progress=False, sleep=slept.append)
    assert "lfst_r_lfe2emprt: download failed after 3 attempt(s): HTTP 503" in str(e.value)
    assert [c for c in session.calls if c[0] == "lfst_r_lfe2emprt"] == [("lfst_r_lfe2emprt", 503)] * 3
    assert slept == [2.0, 4.0]
    assert_untouched(tmp_path, out)


def test_client_error_is_not_retried_and_says_what_eurostat_said(tmp_path, sources):
    body = json.dumps({"error": [{"status": 404, "id": 100, "label": "No results found"}]}).encode()
    session = FakeSession(lambda name, b_: FakeResponse(404, body) if name == "edat_lfse_04" else None)
    with pytest.raises(r.RefreshError, match=r"edat_lfse_04: download failed after 1 attempt\(s\): "
                                             r"HTTP 404 \(No results found\)"):
        run(tmp_path, session)


def test_changed_schema_missing_dimension(tmp_path, sources):
    out = old_snapshot(tmp_path)
    doc = json.loads((FIX / "demo_r_d2jan.json").read_text())
    i = doc["id"].index("sex")
    del doc["id"][i], doc["size"][i], doc["dimension"]["sex"]
    session = FakeSession(lambda name, body: FakeResponse(200, json.dumps(doc).encode())
                          if name == "demo_r_d2jan" else None)
    with pytest.raises(r.RefreshError, match="demo_r_d2jan: dimension 'sex' is missing from the response"):
        run(tmp_path, session)
    assert_untouched(tmp_path, out)


def test_changed_schema_unexpected_categories(tmp_path, sources):
    doc = json.loads((FIX / "lfst_r_lfu3rt.json").read_text())
    doc["dimension"]["sex"]["category"]["index"] = {"T": 0, "F": 1}
    doc["size"][doc["id"].index("sex")] = 2
    session = FakeSession(lambda name, body: FakeResponse(200, json.dumps(doc).encode())
                          if name == "lfst_r_lfu3rt" else None)
    with pytest.raises(r.RefreshError, match="lfst_r_lfu3rt: dimension 'sex' has unexpected categories"):
        run(tmp_path, session)


def test_build_failure_keeps_the_snapshot(tmp_path, sources):
    """A download that parses but that the build refuses (an orphan region) still changes nothing."""
    out = old_snapshot(tmp_path)
    geo = json.loads((FIX / "NUTS_RG_20M_2021_4326.geojson").read_text())
    geo["features"] = [f for f in geo["features"] if f["id"] != "AT1"]
    session = FakeSession(lambda name, body: FakeResponse(200, json.dumps(geo).encode()) if name == "gisco" else None)
    with pytest.raises(DataError, match="has no parent region"):
        run(tmp_path, session)
    assert_untouched(tmp_path, out)


def test_cli_reports_failure_and_exit_code(tmp_path, sources, monkeypatch, capsys):
    out = old_snapshot(tmp_path)
    monkeypatch.setattr(r.requests, "Session",
                        lambda: FakeSession(lambda name, body: FakeResponse(500) if name == "gisco" else None))
    monkeypatch.setattr(r.time, "sleep", lambda s: None)
    code = r.main(["--kit", str(FIX / "kit"), "--out", str(out), "--cache", str(tmp_path / "cache")])
    assert code == 1
    err = capsys.readouterr().err
    assert "refresh failed, snapshot left unchanged" in err and "NUTS 2021 20M" in err and "HTTP 500" in err
    assert_untouched(tmp_path, out)


# ---------------------------------------------------------------------------------------- the parser

def test_jsonstat_positions_are_row_major():
    q = r.Query("x", (("unit", "A"), ("unit", "B")))
    doc = {"version": "2.0", "class": "dataset", "id": ["unit", "geo", "time"], "size": [2, 2, 2],
           "dimension": {"unit": {"category": {"index": {"A": 0, "B": 1}}},
                         "geo": {"category": {"index": {"XA": 0, "XB": 1}}},
                         "time": {"category": {"index": ["2020", "2021"]}}},  # JSON-stat allows an array
           "value": {"1": 1.5, "6": 7.0}, "status": {"6": "p"}}
    df, _ = r.parse_jsonstat(json.dumps(doc).encode(), q)
    assert df.to_dict("records") == [
        {"geo": "XA", "year": 2021, "unit": "A", "value": 1.5, "flag": ""},
        {"geo": "XB", "year": 2020, "unit": "B", "value": 7.0, "flag": "p"},
    ]


def test_query_urls_have_the_api_form():
    url = r.QUERIES["gdp2"].url
    assert url.startswith("https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/nama_10r_2gdp?")
    assert "format=JSON&lang=EN&unit=MIO_EUR&unit=EUR_HAB" in url and "sinceTimePeriod=2010" in url
    assert set(r.QUERIES) and {q.dataset for q in r.QUERIES.values()} >= {
        "nama_10r_2gdp", "nama_10r_3gdp", "demo_r_d2jan", "lfst_r_lfu3rt", "rd_e_gerdreg", "demo_r_d3area",
        "lfst_r_lfe2emprt", "edat_lfse_04"}


def test_refresh_keeps_published_nuts1_gerd_and_derives_none_without_every_nuts2_value(tmp_path, sources):
    """The fixture publishes AT1's GERD for 2021 and 2023 (kept, never replaced by a derived value); in 2022
    neither AT1 nor its NUTS 2 regions AT11 and AT12 have one, so none is derived."""
    run(tmp_path, FakeSession())
    out = tmp_path / "snapshot"
    ind = pd.read_csv(out / "indicators.csv", keep_default_na=False)
    src = pd.read_csv(out / "indicator_sources.csv", keep_default_na=False).set_index("source_id")
    gerd = fixture_cells("rd_e_gerdreg")
    assert ("AT11", 2022) not in gerd and ("AT12", 2022) not in gerd and ("AT1", 2022) not in gerd
    at1 = ind[(ind.indicator == "gerd_pct_gdp") & (ind.nuts_id == "AT1")].set_index("year")
    assert sorted(at1.index) == [2021, 2023]
    for y in (2021, 2023):
        assert (at1.value[y], src.at[at1.source_id[y], "source_dataset"]) == (gerd[("AT1", y)][0], "rd_e_gerdreg")
    assert "derived" in src and not src.source_dataset.str.contains("derived from NUTS 2").any()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["report"]["statistics_derived_nuts1_from_nuts2"]["gerd_pct_gdp"]["values"] == 0
