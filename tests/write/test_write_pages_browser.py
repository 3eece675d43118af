"""The write path's pages in Chromium, desktop and 390x844: no axe-core violation of any impact, one
h1, every form input labelled, errors tied to their inputs, nothing wider than the screen."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, Watched, start_server

pytestmark = pytest.mark.browser
PASSWORD = "a reviewer's long passphrase"
SIZES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
SOURCE = {"source_url": "https://www.ris3.cz/en/analysis/essential-documents",
          "proposer": {"name": "Ana Test", "organisation": "South Bohemian Agency", "email": "ana@example.org"}}


@pytest.fixture(scope="module")
def site():
    var = Path(tempfile.mkdtemp(prefix="s3-atlas-pages-"))
    url = f"sqlite:///{var / 'atlas.db'}"
    subprocess.run([sys.executable, "-m", "dashboard.write.cli", "--database", url, "reviewer", "rev",
                    "--password-stdin"], input=PASSWORD + "\n", text=True, check=True, cwd=ROOT, timeout=60)
    proc, base = start_server({"S3_DATABASE_URL": url, "S3_VAR_DIR": str(var),
                               "S3_CONTRIBUTIONS_DIR": str(var / "contributions")})
    sent = []
    for fields in ({"description": "Machines, metal structures and mechatronics for engineering firms."},
                   {"title": "Mechanical engineering and mechatronics"}):
        body = {"kind": "priority", "action": "change", "target": {"priority_id": "CZ031-01"}, "fields": fields, **SOURCE}
        req = urllib.request.Request(base + "/api/proposals", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            sent.append(json.loads(r.read()))
    yield base, sent
    proc.terminate()
    proc.wait(timeout=10)


def violations(pg) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(pg)
    return [f"{v['id']} ({v['impact']}): " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
            for v in results.response["violations"]]


def check(pg, where: str) -> None:
    assert violations(pg) == [], where
    assert pg.locator("h1").count() == 1, where
    unlabelled = pg.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
        .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)""")
    assert unlabelled == [], where
    assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), where


@pytest.mark.parametrize("size", SIZES)
def test_the_write_pages_pass_axe_and_fit_the_screen(site, browser, size):
    base, sent = site
    ctx = browser.new_context(viewport=SIZES[size])
    w = Watched(ctx.new_page())
    pg = w.page
    for path in ("/propose?region=CZ031", "/propose?strategy=CZ031-RIS3-2021", "/propose/priority/change?priority=CZ031-01",
                 "/propose/contact?strategy=CZ031-RIS3-2021", "/propose/bulk?strategy=CZ031-RIS3-2021",
                 "/proposals/" + sent[0]["tracking_url"].split("/proposals/")[1], "/sign-in"):
        pg.goto(base + path)
        check(pg, path)
    # a form sent with faults: each message is tied to its input
    pg.goto(base + "/propose/priority/change?priority=CZ031-01")
    pg.fill("#f-proposer_email", "not an address")
    pg.get_by_role("button", name="Send the proposal").click()
    pg.wait_for_selector(".cb-error")
    check(pg, "form with faults")
    described = pg.get_attribute("#f-proposer_email", "aria-describedby") or ""
    assert "e-proposer_email" in described.split() and pg.get_attribute("#f-proposer_email", "aria-invalid") == "true"
    # the reviewer's pages
    pg.goto(base + "/sign-in")
    pg.fill("#name", "rev")
    pg.fill("#password", PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url("**/review**")
    check(pg, "/review")
    for path in (f"/review/{sent[0]['id']}", "/review/audit"):
        pg.goto(base + path)
        check(pg, path)
    # the one form sent with faults answers 400 (Chromium logs the status); nothing else went wrong
    others = [e for e in w.errors if "status of 400" not in e]
    assert others == [] and len(w.errors) - len(others) == 1 and w.external == [], w.trail
    ctx.close()
