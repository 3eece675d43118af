"""The write path as people use it, in Chromium, on SQLite and on PostgreSQL: a proposer corrects a
priority from its region's profile; a reviewer signs in, reads the diff, accepts and publishes; the
running server switches to the new snapshot, and the change is found by the explorer's search, in
the profile and in the exports, with its provenance."""
from __future__ import annotations

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
WORD = "zephyrium"  # in no priority of the snapshot: found only once the proposal is published


@pytest.fixture(params=["sqlite", "postgresql"])
def write_server(request):
    var = Path(tempfile.mkdtemp(prefix="s3-atlas-write-"))
    url = (f"sqlite:///{var / 'atlas.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_server").new_database_url())
    env = {"S3_DATABASE_URL": url, "S3_VAR_DIR": str(var), "S3_CONTRIBUTIONS_DIR": str(var / "contributions")}
    subprocess.run([sys.executable, "-m", "dashboard.write.cli", "--database", url, "reviewer", "rev",
                    "--password-stdin"], input=PASSWORD + "\n", text=True, check=True, cwd=ROOT, timeout=60)
    proc, base = start_server(env)
    yield base, var
    proc.terminate()
    proc.wait(timeout=10)


def test_propose_review_publish_and_find_it(write_server, browser):
    base, var = write_server
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    w = Watched(ctx.new_page())
    pg = w.page
    # the proposer, from the region's profile
    pg.goto(base + "/region/CZ031", wait_until="networkidle")
    pg.get_by_role("link", name="Propose a correction or addition").click()
    pg.locator("a[href*='propose?strategy=']").first.click()
    pg.locator("a[href*='priority/change?priority=CZ031-01']").click()
    send_proposal(pg, f"Machines and {WORD} mechatronics for the region's engineering firms.",
                  "https://www.ris3.cz/en/analysis/essential-documents", "South Bohemian Agency")
    assert "waiting for review" in pg.inner_text("main")
    tracking = pg.url
    # the reviewer
    review = ctx.new_page()
    review.goto(base + "/review")
    review.wait_for_url("**/sign-in**")
    review.fill("#name", "rev")
    review.fill("#password", PASSWORD)
    review.get_by_role("button", name="Sign in").click()
    review.wait_for_url("**/review**")
    review.locator("table a[href*='/review/P']").first.click()
    assert WORD in review.inner_text(".cb-after") and "ana@example.org" in review.inner_text("main")
    review.get_by_role("button", name="Accept").click()
    assert "accepted" in review.inner_text(".alert")
    review.goto(base + "/review")
    review.get_by_role("button", name="Publish accepted proposals").click()
    assert "Publishing has started" in review.inner_text("main")
    pointer = var / "snapshots" / "CURRENT"
    for _ in range(240):  # a reviewer reloads the queue until it says so (rebuilding takes up to a minute)
        review.goto(base + "/review?status=published")
        if "Published 1 proposal as snapshot" in review.inner_text("main"):
            break
        review.wait_for_timeout(500)
    version = pointer.read_text().strip()
    assert f"Published 1 proposal as snapshot {version}." in review.inner_text("main")
    assert review.locator("table a[href*='/review/P']").count() == 1  # the proposal, now published
    with urllib.request.urlopen(f"{base}/healthz") as r:
        assert json.loads(r.read())["snapshot"] == version  # the server switched without a restart
    # every page now answers from the new snapshot
    pg.goto(tracking)
    assert "published" in pg.inner_text("main") and version in pg.inner_text("main") and WORD in pg.inner_text("main")
    pg.goto(f"{base}/?q={WORD}&by=priorities", wait_until="networkidle")
    pg.wait_for_function("() => (document.querySelector('#ex-count')?.innerText ?? '').includes('1 ')", timeout=30000)
    row = pg.locator(".pt-item").first
    row.locator("summary").click()
    row.locator(".pt-profile-link").wait_for(timeout=15000)
    detail = row.inner_text()
    assert WORD in detail.lower() and "contributed by South Bohemian Agency" in detail
    pg.goto(base + "/region/CZ031", wait_until="networkidle")
    assert "contributed by South Bohemian Agency" in pg.inner_text("main")
    with urllib.request.urlopen(f"{base}/export/priorities.csv?q={WORD}") as r:
        csv = r.read().decode("utf-8-sig")
    assert WORD in csv and "South Bohemian Agency" in csv and "ana@example.org" not in csv
    assert w.errors == [] and w.external == [], w.trail
    ctx.close()
