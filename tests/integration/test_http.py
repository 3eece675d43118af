"""HTTP answers: status codes of pages, the Content-Type of every download, notes on a keyword
that had characters removed."""
from __future__ import annotations

import pytest

from dashboard.app import create_app
from dashboard.settings import load_settings
from dashboard.state import parse_query


@pytest.fixture(scope="module")
def client(atlas):
    return create_app(atlas=atlas).server.test_client()


@pytest.mark.parametrize("path, heading", [
    ("/nope", "Page not found"),
    ("/no/such/page", "Page not found"),
    ("/region/XX99", "Region not found"),
    ("/region/%3Cb%3E", "Region not found"),
    ("/partnerships/no-such-partnership", "Partnership not found"),
])
def test_an_address_with_no_page_answers_404_with_the_friendly_page(client, path, heading):
    r = client.get(path)
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    # the same page as before, in the app's shell: its heading, the navigation and Dash's scripts
    assert heading in body and "not-found" in body
    assert 'class="skip-link"' in body and "Explorer" in body and "_dash-config" in body


@pytest.mark.parametrize("path", ["/", "/?q=health&level=2", "/region/ES51", "/region/es51", "/compare?regions=ES51,XX99",
                                  "/compare", "/partnerships", "/about/data", "/match"])
def test_pages_answer_200(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "not-found" not in r.get_data(as_text=True)


def test_a_real_partnership_page_answers_200(client, atlas):
    pid = atlas.partnerships.partnership_id.iloc[0]
    assert client.get(f"/partnerships/{pid}").status_code == 200


def test_callbacks_and_assets_keep_their_own_status(client):
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-dependencies").status_code == 200
    assert client.get("/assets/app.js").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/assets/no-such-file.js").status_code == 404


def test_404_under_a_url_prefix(atlas):
    client = create_app(load_settings({"S3_URL_PREFIX": "/s3/"}), atlas=atlas).server.test_client()
    assert client.get("/s3/").status_code == 200
    assert client.get("/s3/region/ES51").status_code == 200
    r = client.get("/s3/region/XX99")
    assert r.status_code == 404 and "Region not found" in r.get_data(as_text=True)
    assert client.get("/s3/nope").status_code == 404


@pytest.mark.parametrize("path, content_type", [
    ("/export/priorities.csv?q=energy", "text/csv; charset=utf-8"),
    ("/export/priorities.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("/export/regions.geojson", "application/geo+json"),
    ("/region/ES51.csv", "text/csv; charset=utf-8"),
    ("/region/ES51.json", "application/json; charset=utf-8"),
    ("/region/ES51.pdf", "application/pdf"),
    ("/match/template.csv", "text/csv; charset=utf-8"),
    ("/match/template.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("/robots.txt", "text/plain; charset=utf-8"),
])
def test_every_download_names_its_type_and_charset_once(client, path, content_type):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == content_type


def test_a_keyword_with_control_or_invalid_characters_says_what_was_removed(atlas):
    state, notes = parse_query("?q=%00%ff", atlas)  # a NUL and a byte that is not UTF-8: nothing left
    assert state.q == ""
    assert notes == ["Control or invalid characters were removed from the keyword: U+0000, U+FFFD."]
    state, notes = parse_query("?q=heal%00th%E2%80%AE&level=2", atlas)  # NUL and a right-to-left override
    assert state.q == "health" and state.level == 2
    assert notes == ["Control or invalid characters were removed from the keyword: U+0000, U+202E."]
    # line breaks and tabs separate words: they become spaces, nothing to report
    state, notes = parse_query("?q=smart%0Agrids%09now", atlas)
    assert state.q == "smart grids now" and notes == []
    state, notes = parse_query("?q=" + "a%01" * 300, atlas)
    assert state.q == "a" * 200
    assert notes == ["Control or invalid characters were removed from the keyword: U+0001. "
                     "The keyword was cut to 200 characters."]


def test_the_explorer_shows_the_note_on_removed_characters(client):
    body = client.get("/?q=health%00").get_data(as_text=True)
    assert "Control or invalid characters were removed from the keyword: U+0000." in body
