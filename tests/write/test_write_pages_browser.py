"""The write path's pages in Chromium, at desktop (1400x900) and phone (390x844) size: axe-core finds
no violation of any impact on any of them (proposing, the form with its faults, tracking, signing in,
the queue, a proposal with its diff and a related proposal, the audit log, a bulk upload's preview);
each has one h1, its landmarks and a working skip link; every input has a label; a form's faults are
tied to their inputs and the list of them gets the focus; nothing scrolls sideways on a phone;
a reviewer signs in over http://127.0.0.1 with the default (Secure) session cookie."""
from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, Watched, send_proposal, start_server

pytestmark = pytest.mark.browser
PASSWORD = "a reviewer's long passphrase"
VIEWPORTS = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
PROPOSER = {"name": "Ana Test", "organisation": "South Bohemian Regional Development Agency", "email": "ana@example.org"}
_sent = itertools.count(1)


def _post(base: str, body: dict) -> dict:
    req = urllib.request.Request(base + "/api/proposals", json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def site():
    """A server on its own SQLite database with a reviewer (made by the command line, as documented)
    and three proposals: two on the same priority (so each shows the other beside it) and a removal."""
    var = Path(tempfile.mkdtemp(prefix="s3-atlas-pages-"))
    url = f"sqlite:///{var / 'atlas.db'}"
    subprocess.run([sys.executable, "-m", "dashboard.write.cli", "--database", url, "reviewer", "rev", "--password-stdin"],
                   input=PASSWORD + "\n", text=True, check=True, cwd=ROOT, timeout=60)
    proc, base = start_server({"S3_DATABASE_URL": url, "S3_VAR_DIR": str(var), "S3_CONTRIBUTIONS_DIR": str(var / "c"),
                               "S3_PROPOSAL_RATE": "1000 per minute", "S3_SIGN_IN_RATE": "100 per minute"})
    try:
        first = _post(base, {
            "kind": "priority", "action": "change", "target": {"priority_id": "CZ031-01"},
            "fields": {"description": "Machines, metal structures and mechatronics for the region's engineering firms.",
                       "keywords": ["mechatronics", "strojírenství"]},
            "source_url": "https://www.ris3.cz/en/analysis/essential-documents/a-long-address-of-the-regional-annex-2024.pdf",
            "proposer": PROPOSER, "note": "From the 2025 regional card."})
        _post(base, {"kind": "priority", "action": "change", "target": {"priority_id": "CZ031-01"},
                     "fields": {"title": "Advanced engineering and mechatronics"},
                     "source_url": "https://www.kraj-jihocesky.cz/ris3", "proposer": {**PROPOSER, "organisation": "Regional Office"}})
        removal = _post(base, {"kind": "priority", "action": "remove", "target": {"priority_id": "CZ031-02"}, "fields": {},
                               "source_url": "https://www.example.org/card.pdf", "proposer": PROPOSER,
                               "note": "Not in the 2024 card."})
        with urllib.request.urlopen(base + "/propose?region=CZ031", timeout=30) as r:
            page = r.read().decode()
        strategy = page.split("propose?strategy=", 1)[1].split('"', 1)[0]
        yield {"base": base, "var": var, "first": first["id"], "removal": removal["id"], "strategy": strategy}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def sign_in(pg, base: str) -> None:
    pg.goto(base + "/sign-in")
    pg.fill("#name", "rev")
    pg.fill("#password", PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url("**/review")


def send_with_faults(pg, site) -> None:
    pg.goto(site["base"] + "/propose/priority/change?priority=CZ031-01")
    pg.fill("#f-description", "Machines and mechatronics.")
    pg.fill("#f-proposer_email", "not an address")
    pg.get_by_role("button", name="Send the proposal").click()
    pg.wait_for_selector("#errors")


def send_one(pg, site) -> None:
    send_with_faults(pg, site)
    send_proposal(pg, f"Machines and mechatronics, proposal {next(_sent)}.", "https://www.example.org/card.pdf",
                  "Agency of Tests")


def preview_bulk(pg, site) -> None:
    """Upload the strategy's template with one priority changed and one added: the preview, nothing sent."""
    base, sid = site["base"], site["strategy"]
    pg.goto(f"{base}/propose/bulk?strategy={sid}")
    with urllib.request.urlopen(f"{base}/propose/template/{sid}.csv", timeout=30) as r:
        rows = list(csv.DictReader(io.StringIO(r.read().decode("utf-8-sig"))))
    rows[0]["description"] = f"Machinery, metal structures and mechatronics (upload {next(_sent)})."
    rows.append({k: "" for k in rows[0]} | {"title": "Space industry", "keywords": "satellites;ground stations"})
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    pg.set_input_files("#f-template", files=[{"name": "filled.csv", "mimeType": "text/csv",
                                              "buffer": buf.getvalue().encode("utf-8")}])
    # every field filled: an upload is still only previewed, never sent unseen
    pg.fill("#f-source_url", "https://www.example.org/card.pdf")
    pg.fill("#f-proposer_name", "Ana Test")
    pg.fill("#f-proposer_organisation", "Agency of Tests")
    pg.fill("#f-proposer_email", "ana@example.org")
    pg.get_by_role("button", name="Upload and preview").click()
    pg.get_by_role("heading", name="Preview: what the file changes").wait_for()


PAGES = {
    "choose-region": (False, lambda pg, s: pg.goto(s["base"] + "/propose?region=CZ031")),
    "choose-strategy": (False, lambda pg, s: pg.goto(f"{s['base']}/propose?strategy={s['strategy']}")),
    "priority-form": (False, lambda pg, s: pg.goto(s["base"] + "/propose/priority/change?priority=CZ031-01")),
    "priority-faults": (False, send_with_faults),
    "tracking": (False, send_one),
    "sign-in": (False, lambda pg, s: pg.goto(s["base"] + "/sign-in")),
    "bulk-preview": (False, preview_bulk),
    "queue": (True, lambda pg, s: pg.goto(s["base"] + "/review")),
    "detail": (True, lambda pg, s: pg.goto(f"{s['base']}/review/{s['first']}")),
    "audit": (True, lambda pg, s: pg.goto(s["base"] + "/review/audit")),
}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request, browser):
    ctx = browser.new_context(viewport=VIEWPORTS[request.param])
    w = Watched(ctx.new_page())
    yield request.param, w
    ctx.close()


def axe_violations(pg) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(pg)
    return [f"{v['id']} ({v['impact']}): " + "; ".join(n["html"][:160] for n in v["nodes"][:3])
            for v in results.response["violations"]]


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_is_clean_for_axe_and_keeps_its_structure(site, viewport, name):
    size, w = viewport
    pg = w.page
    needs_reviewer, open_page = PAGES[name]
    if needs_reviewer:
        sign_in(pg, site["base"])
    open_page(pg, site)
    assert axe_violations(pg) == [], f"{name} at {size}"
    assert pg.locator("h1").count() == 1
    assert pg.locator("header.cb-bar").count() == 1 and pg.locator("main#page").count() == 1
    assert pg.locator("footer").count() == 1 and pg.locator("nav[aria-label]").count() >= 1
    # every input a person fills has a label of its own
    unlabelled = pg.evaluate("() => Array.from(document.querySelectorAll('input:not([type=hidden]), textarea, select'))"
                             ".filter(e => !e.labels || e.labels.length === 0).map(e => e.outerHTML.slice(0, 120))")
    assert unlabelled == []
    # nothing wider than the screen (tables stack or wrap on a phone)
    assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways at {size}"
    # the form with faults answers 400 on purpose (Chromium logs that status); nothing else may fail
    errors = [e for e in w.errors if not (name in ("priority-faults", "tracking") and "status of 400" in e)]
    assert errors == [] and w.external == [], w.trail


def test_faults_are_tied_to_their_inputs_and_their_list_gets_the_focus(site, viewport):
    _, w = viewport
    pg = w.page
    send_with_faults(pg, site)
    assert pg.evaluate("() => document.activeElement.id") == "errors"  # read out first, at once
    assert pg.get_attribute("#errors", "role") == "alert"
    invalid = pg.locator("[aria-invalid=true]")
    assert invalid.count() == 4  # source, name, organisation, e-mail
    for i in range(invalid.count()):
        el = invalid.nth(i)
        ids = (el.get_attribute("aria-describedby") or "").split()
        messages = [pg.locator(f"#{x}") for x in ids if x.startswith("e-")]
        assert len(messages) == 1 and messages[0].get_attribute("class") == "cb-error"
        assert messages[0].inner_text().strip()
    # each entry of the list leads to its input
    pg.get_by_role("link", name="Your e-mail address: must be an e-mail address", exact=False).click()
    assert pg.evaluate("() => document.activeElement.id") == "f-proposer_email"
    # what was typed is kept
    assert pg.input_value("#f-description") == "Machines and mechatronics."


def test_the_skip_link_moves_to_the_page_content(site, viewport):
    _, w = viewport
    pg = w.page
    pg.goto(site["base"] + "/propose?region=CZ031")
    pg.keyboard.press("Tab")
    skip = pg.locator(".skip-link")
    assert pg.evaluate("() => document.activeElement.className") == "skip-link"
    assert skip.is_visible() and skip.bounding_box()["x"] >= 0
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => document.activeElement && document.activeElement.id === 'page'")
    assert pg.url.endswith("#page")


def test_bulk_help_links_download_the_templates(site, viewport):
    _, w = viewport
    pg = w.page
    pg.goto(f"{site['base']}/propose/bulk?strategy={site['strategy']}")
    for name, ext, mimetype in (("Download the template as CSV", "csv", "text/csv"),
                                ("Download the template as Excel", "xlsx", "spreadsheetml")):
        link = pg.get_by_role("link", name=name, exact=True)
        assert link.get_attribute("href").endswith(f"/propose/template/{site['strategy']}.{ext}")
        with pg.expect_download() as dl:
            link.click()
        assert dl.value.suggested_filename == f"{site['strategy']}-priorities.{ext}"
        resp = pg.request.get(site["base"] + link.get_attribute("href"))
        assert resp.status == 200 and mimetype in resp.headers["content-type"]


def test_a_reviewer_signs_in_over_loopback_with_the_secure_cookie_and_reads_actions_once(site, browser):
    ctx = browser.new_context(viewport=VIEWPORTS["desktop"])
    pg = ctx.new_page()
    sign_in(pg, site["base"])
    cookie = [c for c in ctx.cookies() if c["name"] == "s3_session"]
    assert cookie and cookie[0]["secure"] and cookie[0]["httpOnly"] and cookie[0]["sameSite"] == "Strict"
    pg.goto(f"{site['base']}/review/{site['removal']}")
    if pg.locator("#reason").count():  # open: reject it with a reason
        pg.fill("#reason", "The 2024 card still lists it.")
        pg.get_by_role("button", name="Reject").click()
        pg.wait_for_url(f"**/review/{site['removal']}")
        assert pg.locator(".cb-flash").inner_text() == f"Proposal {site['removal']} rejected."
        assert "message=" not in pg.url
        pg.reload()
        assert pg.locator(".cb-flash").count() == 0  # said once
    assert "rejected" in pg.inner_text(".cb-facts")
    ctx.close()
