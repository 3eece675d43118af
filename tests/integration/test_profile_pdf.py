"""The region profile PDF, downloaded through its route and read back with poppler's pdftotext
(as a person's PDF reader would show it): names in their own script, whole table cells, codes with
names, the web profile's sections, a page number and the credit line on every page, and a map."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from dashboard.app import create_app
from dashboard.data.profile import region_profile
from dashboard.data.similarity import similar_regions

CREDIT = "© EuroGeographics for the administrative boundaries"


@pytest.fixture(scope="module")
def pdftotext():
    path = shutil.which("pdftotext")
    if path is None:
        pytest.fail("pdftotext is not installed: install poppler-utils (apt-get install -y poppler-utils); "
                    "the profile PDF is checked with it")
    return path


@pytest.fixture(scope="module")
def client(atlas):
    return create_app(atlas=atlas).server.test_client()


@pytest.fixture(scope="module")
def pdfs(client):
    out = {}
    for nid in ("EL30", "BG31", "ES51"):
        r = client.get(f"/region/{nid}.pdf")
        assert r.status_code == 200 and r.mimetype == "application/pdf", nid
        assert r.headers["Content-Disposition"] == f'attachment; filename="s3-atlas-{nid}.pdf"'
        out[nid] = r.data
    return out


def text_of(pdftotext, data: bytes, page: int | None = None) -> str:
    args = [pdftotext, "-enc", "UTF-8"] + (["-f", str(page), "-l", str(page)] if page else []) + ["-", "-"]
    done = subprocess.run(args, input=data, capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Whitespace (line breaks inside a wrapped cell or paragraph) as single spaces."""
    return " ".join(text.split())


@pytest.mark.parametrize("nid, names", [("EL30", ["Attiki", "Αττική"]), ("BG31", ["Severozapaden", "Северозападен"]),
                                        ("ES51", ["Cataluña"])])
def test_names_print_in_their_own_script(pdfs, pdftotext, atlas, nid, names):
    h = region_profile(atlas, nid)["header"]
    assert {h["name_latn"], h["name_national"]} == set(names)  # the data, not a guess
    text = text_of(pdftotext, pdfs[nid])
    for name in names:
        assert name in text
    assert f"{h['name_latn']} ({nid})" in text


@pytest.mark.parametrize("nid", ["EL30", "BG31", "ES51"])
def test_every_page_has_its_number_and_the_credit_line(pdfs, pdftotext, atlas, nid):
    pages = len(PdfReader(io.BytesIO(pdfs[nid])).pages)
    assert pages >= 2
    for n in range(1, pages + 1):
        page = flat(text_of(pdftotext, pdfs[nid], n))
        assert f"page {n} of {pages}" in page
        assert CREDIT in page and f"Data snapshot {atlas.version}" in page


@pytest.mark.parametrize("nid", ["EL30", "BG31", "ES51"])
def test_table_cells_are_whole(pdfs, pdftotext, atlas, nid):
    """Every indicator's name, value and dataset code are printed whole (wrapped, never cut)."""
    text = flat(text_of(pdftotext, pdfs[nid]))
    assert "GDP per inhabitant at current prices (EUR)" in text
    for s in region_profile(atlas, nid)["statistics"]:
        assert s["label"] in text
        if s["value"] is not None:
            assert f"{format(s['value'], s['fmt'])} {s['unit']}" in text and str(s["year"]) in text
        for word in s["source_dataset"].split():
            assert word in text
    assert "Eurostat: Unemployment rate by NUTS 2 regions" in text  # the dataset in plain words
    assert "tgs00010 (= lfst_r_lfu3rt subset)" in text


def test_codes_come_with_their_names_and_the_lists_are_there(pdfs, pdftotext, atlas):
    p = region_profile(atlas, "ES51")
    text = flat(text_of(pdftotext, pdfs["ES51"]))
    cl = p["classifications"]
    assert cl["nace"] and cl["nabs"]
    for sec in cl["nace"]:
        assert f"{sec['code']} {sec['name']}" in text
        for d in sec["divisions"]:
            assert f"{sec['code']}.{d['code']} {d['name']}" in text
    for n in cl["nabs"]:
        assert f"{n['code']} {n['name']}" in text
    # a priority's codes: NACE with section and name, ecosystems by name
    first = next(x for x in p["priorities"] if any(c["scheme"] == "nace" for c in x["codes"]))
    nace = next(c for c in first["codes"] if c["scheme"] == "nace")
    assert f"{nace['section']}.{nace['code']} {nace['name']}" in text
    assert "ECOSYSTEM" not in text
    for e in cl["ecosystems"]:
        assert e["name"] in text


def test_sections_of_the_web_profile(pdfs, pdftotext, atlas):
    for nid in ("EL30", "ES51"):
        p = region_profile(atlas, nid)
        text = flat(text_of(pdftotext, pdfs[nid]))
        for heading in ("Statistics", "Smart Specialisation Strategies", f"Priorities ({len(p['priorities'])})",
                        "Similar regions", "Thematic partnerships", "European industrial ecosystems",
                        "Scientific domains (NABS 2007)", "Economic domains (NACE Rev. 2)", "Contact points",
                        "Sources"):
            assert heading in text, (nid, heading)
        assert "No contact points for this territory are in the data." in text  # the snapshot has none
        for s in p["strategies"]:
            assert flat(s["title"]) in text
        similar = similar_regions(atlas, nid)
        assert similar and all(f"{r['name']} ({r['nuts_id']}) · score {r['score']:.2f}" in text for r in similar)
        for m in p["partnerships"]:
            assert m["name"] in text and f"Role: {m['role']}" in text
        # sources with their addresses (a long address may be broken across lines, so without spaces)
        joined = "".join(text.split())
        assert all(s["source_url"] in joined for s in p["strategies"])
    # priority titles in their original wording beside the English ones (Bulgarian, Catalan)
    for nid in ("BG31", "ES51"):
        text = flat(text_of(pdftotext, pdfs[nid]))
        both = [x for x in region_profile(atlas, nid)["priorities"]
                if x["title_original"] and x["title_original"] != x["title"]]
        assert both and all(f"{x['title']} {flat(x['title_original'])}" in text for x in both)


def test_missing_stays_missing(pdfs, pdftotext, atlas, client):
    r = client.get("/region/DE1.pdf")
    text = flat(text_of(pdftotext, r.data))
    stats = {s["indicator"]: s for s in region_profile(atlas, "DE1")["statistics"]}
    assert stats["unemployment_rate"]["value"] is None
    assert "no data" in text and "labour force" in text and "derived from NUTS 2" in text


@pytest.mark.parametrize("nid", ["EL30", "BG31", "ES51", "ES70", "FRY4", "DE"])
def test_the_first_page_holds_the_locator_map(client, pdftotext, nid):
    r = client.get(f"/region/{nid}.pdf")
    assert r.status_code == 200
    images = PdfReader(io.BytesIO(r.data)).pages[0].images
    assert len(images) == 1 and images[0].image.size == (760, 600)
    # the map is drawn around the region: its red fill is in the picture
    rgb = images[0].image.convert("RGB")
    assert (215, 48, 31) in {c for _, c in rgb.getcolors(maxcolors=1 << 20)}
    assert CREDIT in text_of(pdftotext, r.data, 1)
