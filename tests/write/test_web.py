"""The write path's pages and API, in-process, on SQLite and on PostgreSQL: proposing by form and by
JSON, the tracking page, signing in, the queue, acting on proposals, bulk uploads, and what hostile
input meets (CSRF, rate limits, sizes, types, stored scripts)."""
from __future__ import annotations

import html
import io
import json
import re

import pytest

from dashboard.app import create_app
from dashboard.settings import load_settings
from dashboard.write.db import engine_for
from dashboard.write.store import Store

PASSWORD = "correct horse battery staple"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url_module(request, tmp_path_factory):
    """One database per module and kind (the app in these tests is built once per database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'atlas.db'}"
    return request.getfixturevalue("pg_server").new_database_url()


@pytest.fixture(scope="module")
def site(atlas, database_url_module, tmp_path_factory):
    """(test client factory, store) of an app on the given database, its own data folder."""
    var = tmp_path_factory.mktemp("var")
    settings = load_settings({"S3_DATABASE_URL": database_url_module, "S3_VAR_DIR": str(var),
                              "S3_CONTRIBUTIONS_DIR": str(var / "contributions"), "S3_SECURE_COOKIES": "0",
                              "S3_PROPOSAL_RATE": "30 per minute", "S3_SIGN_IN_RATE": "5 per minute",
                              "S3_CACHE": "0"})
    app = create_app(settings, atlas=atlas)
    store = Store(engine_for(database_url_module))
    store.add_reviewer("rev", PASSWORD)
    return app.server, store


def client_at(server, address: str):
    """A test client whose requests come from ``address`` (rate limits count per address)."""
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "the form has no CSRF token"
    return m.group(1)


def proposer(**extra) -> dict:
    return {"proposer_name": "Ana Test", "proposer_organisation": "Agency of Tests",
            "proposer_email": "ana@example.org", "source_url": "https://www.example.org/ris3.pdf", **extra}


def sign_in(client, name="rev", password=PASSWORD):
    page = client.get("/sign-in").get_data(as_text=True)
    return client.post("/sign-in", data={"name": name, "password": password, "csrf_token": csrf_of(page),
                                         "next": "/review"})


def api_proposal(**over) -> dict:
    body = {"kind": "priority", "action": "change", "target": {"priority_id": "CZ031-01"},
            "fields": {"description": "Machines and mechatronics for the region's engineering firms."},
            "source_url": "https://www.example.org/card.pdf",
            "proposer": {"name": "Ana Test", "organisation": "Agency of Tests", "email": "ana@example.org"}}
    body.update(over)
    return body


def test_a_region_profile_leads_to_what_can_be_proposed(site):
    server, _ = site
    client = server.test_client()
    page = client.get("/propose?region=CZ031").get_data(as_text=True)
    assert "Propose a correction or addition" in page
    m = re.search(r'href="(/propose\?strategy=[^"]+)"', page)
    assert m, "the region's strategies are listed"
    strat = client.get(m.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Add a priority" in strat and "Upload all its priorities" in strat and "contact point" in strat


def test_a_form_proposal_is_stored_and_tracked_and_its_contact_details_stay_private(site):
    server, store = site
    client = server.test_client()
    form = client.get("/propose/priority/change?priority=CZ031-02")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    resp = client.post("/propose/priority/change?priority=CZ031-02",
                       data={**proposer(), "description": "Electrical equipment, electronics and IT services.",
                             "csrf_token": csrf_of(html)})
    assert resp.status_code == 303
    track = resp.headers["Location"]
    assert "/proposals/" in track
    page = client.get(track).get_data(as_text=True)
    assert "waiting for review" in page and "Electrical equipment, electronics and IT services." in page
    assert "ana@example.org" not in page and "Ana Test" not in page  # contact details: reviewers only
    token = track.split("/proposals/")[1].split("?")[0]
    assert store.by_token(token).proposer_email == "ana@example.org"


def test_a_form_without_its_token_or_with_a_forged_one_is_refused(site):
    server, _ = site
    client = server.test_client()
    data = {**proposer(), "description": "x"}
    assert client.post("/propose/priority/change?priority=CZ031-02", data=data).status_code == 400
    assert client.post("/propose/priority/change?priority=CZ031-02",
                       data={**data, "csrf_token": "forged"}).status_code == 400


def test_a_form_with_faults_names_them_and_keeps_what_was_typed(site):
    server, _ = site
    client = server.test_client()
    html = client.get("/propose/priority/add?strategy=" + _strategy_of(site, "CZ031-01")).get_data(as_text=True)
    resp = client.post("/propose/priority/add?strategy=" + _strategy_of(site, "CZ031-01"),
                       data={"title": "Space technologies", "description": "Satellite parts and ground stations.",
                             "proposer_name": "Ana", "proposer_email": "not an address", "csrf_token": csrf_of(html)})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Satellite parts and ground stations." in page and 'value="Space technologies"' in page
    assert page.count('class="cb-error"') >= 3  # source, organisation, e-mail


def _strategy_of(site, priority_id: str) -> str:
    server, _ = site
    from dashboard.data.atlas import get_atlas
    from dashboard.settings import SETTINGS

    a = get_atlas(str(SETTINGS.data_dir))
    return a.priorities.loc[a.priorities.priority_id == priority_id, "strategy_id"].iloc[0]


def test_the_api_answers_201_with_a_private_link_and_recognises_a_resubmission(site):
    server, _ = site
    client = server.test_client()
    body = api_proposal(note="first")
    r = client.post("/api/proposals", json=body)
    assert r.status_code == 201, r.get_data(as_text=True)
    out = r.get_json()
    assert re.fullmatch(r"P[A-Z2-7]{6,}", out["id"]) and "/proposals/" in out["tracking_url"]
    status = client.get(out["status_url"].split("localhost")[-1]).get_json()
    assert status["status"] == "pending" and status["id"] == out["id"]
    again = client.post("/api/proposals", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == out["id"] and again.get_json()["created"] is False
    assert "tracking_url" not in again.get_json()  # the link is given once; the token is stored hashed


@pytest.mark.parametrize("body,field", [
    ({"source_url": "javascript:alert(1)"}, "source_url"),
    ({"target": {"priority_id": "XX99-NOPE"}}, "target.priority_id"),
    ({"proposer": {"name": "A", "organisation": "B", "email": "nope"}}, "proposer.email"),
    ({"kind": "planet"}, "kind"),
    ({"fields": {"title": "a" * 5000}}, "fields.title"),
])
def test_the_api_names_each_field_at_fault(site, body, field):
    server, _ = site
    r = server.test_client().post("/api/proposals", json=api_proposal(**body))
    assert r.status_code == 400
    assert field in r.get_json()["errors"]


def test_the_api_refuses_what_is_not_a_json_proposal_with_a_message(site):
    server, _ = site
    client = server.test_client()
    assert client.post("/api/proposals", data="kind=priority").status_code == 415
    r = client.post("/api/proposals", data="{not json", content_type="application/json")
    assert r.status_code == 400 and "JSON" in r.get_json()["error"]
    assert client.post("/api/proposals", json=[1, 2]).status_code == 400
    big = client.post("/api/proposals", data=json.dumps(api_proposal(note="x" * 200_000)),
                      content_type="application/json")
    assert big.status_code == 413 and "too large" in big.get_json()["error"]


def test_review_pages_are_for_reviewers_only_and_never_framed_or_cached(site):
    server, _ = site
    client = server.test_client()
    for path in ("/review", "/review/audit", "/review/PAAAAAAAA"):
        r = client.get(path)
        assert r.status_code == 303 and "/sign-in" in r.headers["Location"]
    for path in ("/sign-in", "/propose?region=ES51", "/proposals/unknown"):
        r = client.get(path)
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Cache-Control"] == "no-store"
    assert client.post("/review/publish").status_code in (303, 400)  # signed out: never published
    robots = client.get("/robots.txt").get_data(as_text=True)
    for path in ("/review", "/sign-in", "/propose", "/proposals"):
        assert f"Disallow: {path}" in robots


def test_signing_in_fails_on_a_wrong_password_and_is_rate_limited(site):
    server, _ = site
    client = server.test_client()
    codes = [sign_in(client, password="wrong password!!").status_code for _ in range(7)]
    assert codes[0] == 401 and 429 in codes


def test_a_reviewer_sees_the_diff_and_accepts_or_rejects_with_a_reason_the_proposer_reads(site):
    server, store = site
    client = client_at(server, "10.0.0.2")
    sent = client.post("/api/proposals", json=api_proposal(
        target={"priority_id": "CZ031-03"}, fields={"description": "Green technologies and food."})).get_json()
    assert sign_in(client).status_code == 303
    resp = client.get("/review")
    queue = resp.get_data(as_text=True)
    assert resp.status_code == 200 and sent["id"] in queue
    assert 'aria-current="page">Waiting' in queue  # the status shown is marked
    detail = client.get(f"/review/{sent['id']}").get_data(as_text=True)
    assert "ana@example.org" in detail and "Green technologies and food." in detail and "cb-before" in detail
    token = csrf_of(detail)
    r = client.post(f"/review/{sent['id']}/act", data={"action": "reject", "reason": "", "csrf_token": token})
    assert r.status_code == 400  # a rejection needs a reason
    r = client.post(f"/review/{sent['id']}/act", data={"action": "reject", "reason": "The card says otherwise.",
                                                      "csrf_token": token})
    assert r.status_code == 303
    assert r.headers["Location"].endswith(f"/review/{sent['id']}")  # the message is in the session, not the link
    shown = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"Proposal {sent['id']} rejected." in shown
    assert f"Proposal {sent['id']} rejected." not in client.get(r.headers["Location"]).get_data(as_text=True)  # once
    track = client.get(sent["tracking_url"].split("localhost")[-1]).get_data(as_text=True)
    assert "rejected" in track and "The card says otherwise." in track
    assert [e.action for e in store.audit(sent["id"])][-1] == "reject"


def test_a_link_cannot_put_words_on_a_reviewers_page(site):
    server, _ = site
    client = client_at(server, "10.0.0.7")
    sent = client.post("/api/proposals", json=api_proposal(
        target={"priority_id": "CZ031-05"}, fields={"description": "Energy for the region."})).get_json()
    sign_in(client)
    words = "Your+password+has+expired:+send+it+to+evil@example.org"
    for path in (f"/review?message={words}", f"/review/{sent['id']}?message={words}"):
        page = client.get(path).get_data(as_text=True)
        assert "evil@example.org" not in page and "password has expired" not in page


def test_stored_scripts_are_shown_as_text_everywhere(site):
    server, _ = site
    client = client_at(server, "10.0.0.3")
    body = api_proposal(target={"priority_id": "CZ031-04"},
                        fields={"title": XSS, "description": XSS, "keywords": [XSS]}, note=XSS,
                        proposer={"name": XSS, "organisation": XSS, "email": "x@example.org"})
    sent = client.post("/api/proposals", json=body)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    sent = sent.get_json()
    sign_in(client)
    pages = [client.get(sent["tracking_url"].split("localhost")[-1]), client.get("/review"),
             client.get(f"/review/{sent['id']}"), client.get("/review/audit")]
    for r in pages:
        body = r.get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert" in pages[2].get_data(as_text=True)


def test_a_bulk_upload_is_previewed_against_the_snapshot_then_sent(site):
    server, store = site
    client = client_at(server, "10.0.0.4")
    sid = _strategy_of(site, "CZ031-01")
    tpl = client.get(f"/propose/template/{sid}.csv")
    assert tpl.status_code == 200 and tpl.headers["Content-Type"].startswith("text/csv")
    import pandas as pd

    df = pd.read_csv(io.BytesIO(tpl.data), dtype=str, keep_default_na=False)
    assert "CZ031-01" in set(df.priority_id)
    df.loc[df.priority_id == "CZ031-01", "description"] = "Machinery, metal structures and mechatronics."
    df = pd.concat([df, pd.DataFrame([{"priority_id": "", "title": "Space industry"}])], ignore_index=True)
    page = client.get(f"/propose/bulk?strategy={sid}").get_data(as_text=True)
    up = client.post(f"/propose/bulk?strategy={sid}", content_type="multipart/form-data",
                     data={**proposer(), "csrf_token": csrf_of(page),
                           "template": (io.BytesIO(df.to_csv(index=False).encode()), "cz031.csv")})
    page = up.get_data(as_text=True)
    assert up.status_code == 200, page
    assert "1 added, 1 changed, 0 removed" in page and "Machinery, metal structures and mechatronics." in page
    rows = re.search(r'name="rows" value="([^"]*)"', page).group(1)
    sent = client.post(f"/propose/bulk?strategy={sid}", data={**proposer(), "csrf_token": csrf_of(page),
                                                             "rows": html.unescape(rows), "submit": "send"})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    token = sent.headers["Location"].split("/proposals/")[1].split("?")[0]
    assert store.by_token(token).kind == "bulk"


@pytest.mark.parametrize("name,data,message", [
    ("x.csv", b"\x00\x01\x02binary", "binary"),
    ("x.csv", "a,b\n1,2\n".encode(), "template's columns"),
    ("x.xlsx", b"PK\x03\x04 not really a workbook", "Excel workbook"),
    ("x.exe", b"MZ", ".csv or .xlsx"),
    ("x.csv", "priority_id;title\n".encode("utf-16"), "binary"),
])
def test_a_bad_upload_gets_a_clear_message(site, name, data, message):
    server, _ = site
    client = client_at(server, "10.0.0.5")
    sid = _strategy_of(site, "CZ031-01")
    page = client.get(f"/propose/bulk?strategy={sid}").get_data(as_text=True)
    r = client.post(f"/propose/bulk?strategy={sid}", content_type="multipart/form-data",
                    data={**proposer(), "csrf_token": csrf_of(page), "template": (io.BytesIO(data), name)})
    assert r.status_code == 400 and message in html.unescape(r.get_data(as_text=True))


def test_an_upload_over_the_limit_is_refused(site):
    server, _ = site
    client = client_at(server, "10.0.0.6")
    sid = _strategy_of(site, "CZ031-01")
    page = client.get(f"/propose/bulk?strategy={sid}").get_data(as_text=True)
    r = client.post(f"/propose/bulk?strategy={sid}", content_type="multipart/form-data",
                    data={"csrf_token": csrf_of(page), "template": (io.BytesIO(b"a" * (3 * 1024 * 1024)), "big.csv")})
    assert r.status_code == 413 and "too large" in r.get_data(as_text=True)


def test_proposals_from_one_address_are_rate_limited(atlas, database_url_module, tmp_path):
    settings = load_settings({"S3_DATABASE_URL": database_url_module, "S3_VAR_DIR": str(tmp_path),
                              "S3_PROPOSAL_RATE": "3 per minute", "S3_CACHE": "0"})
    client = client_at(create_app(settings, atlas=atlas).server, "10.9.9.9")
    codes = [client.post("/api/proposals", json=api_proposal(fields={"description": f"Rate test {i}."})).status_code
             for i in range(5)]
    assert codes[:3] == [201, 201, 201] and codes[3:] == [429, 429]


def test_contributions_off_means_a_read_only_atlas(atlas, tmp_path):
    settings = load_settings({"S3_CONTRIBUTIONS": "0", "S3_VAR_DIR": str(tmp_path), "S3_CACHE": "0"})
    client = create_app(settings, atlas=atlas).server.test_client()
    assert client.post("/api/proposals", json=api_proposal()).status_code in (404, 405)
    assert client.get("/sign-in").status_code in (200, 404)  # the Dash page shell answers, with no form
    assert 'name="csrf_token"' not in client.get("/sign-in").get_data(as_text=True)
    assert not (tmp_path / "atlas.db").exists()


@pytest.mark.parametrize("rows", ['{"a": 1}', "[1, 2]", '"text"', "[[]]", "not json"])
def test_damaged_preview_rows_get_a_message(site, rows):
    server, _ = site
    client = client_at(server, "10.0.0.7")
    sid = _strategy_of(site, "CZ031-01")
    page = client.get(f"/propose/bulk?strategy={sid}").get_data(as_text=True)
    r = client.post(f"/propose/bulk?strategy={sid}", data={**proposer(), "csrf_token": csrf_of(page), "rows": rows,
                                                          "submit": "send"})
    assert r.status_code == 400 and "damaged on the way" in r.get_data(as_text=True)


def test_any_address_under_the_api_answers_json(site):
    server, _ = site
    client = server.test_client()
    for path in ("/api/proposals/a/b", "/api/nothing", "/api/proposals/x%0Ay"):
        r = client.get(path)
        assert r.status_code == 404 and r.is_json and r.get_json()["error"]
