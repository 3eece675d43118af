"""Text a proposer sent stays text once published: markup in a contributed priority, strategy, contact
point and membership is shown escaped on every page that shows it and kept as plain text in the
exports (the proposal pages are checked in tests/write/test_web.py)."""
from __future__ import annotations

import csv
import io

import pytest

from dashboard.app import create_app
from dashboard.build.contributions import COLUMNS, PROVENANCE
from dashboard.build.publish import publish_snapshot
from dashboard.data.atlas import load_atlas
from dashboard.settings import SETTINGS, load_settings

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"


def _write(folder, kind, rows):
    with open(folder / f"{kind}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=PROVENANCE + COLUMNS[kind])
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("markup")
    contributions = root / "contributions"
    contributions.mkdir()
    prov = {"source_url": "https://www.example.org/s3", "contributed_by": f"Agency {IMG}", "reviewed_by": "ana",
            "reviewed_on": "2026-12-07"}
    _write(contributions, "priorities", [
        {**prov, "proposal_id": "PXSS00001", "action": "add", "strategy_id": "BE3-S3-2021",
         "title": f"Photonics {SCRIPT}", "title_original": IMG, "description": f"Optical chips {SCRIPT} {IMG}",
         "keywords": f"photonics;{SCRIPT}"},
        {**prov, "proposal_id": "PXSS00002", "action": "change", "priority_id": "BE3-S3-2021-P2",
         "description": f"Vaccines {IMG}"}])
    _write(contributions, "contacts", [
        {**prov, "proposal_id": "PXSS00003", "action": "add", "strategy_id": "BE3-S3-2021", "name": f"Marie {SCRIPT}",
         "position": IMG, "organisation": "Service public", "email": "s3@example.org"}])
    _write(contributions, "memberships", [
        {**prov, "proposal_id": "PXSS00004", "action": "add", "partnership_id": "cybersecurity-smart-regions",
         "nuts_id": "BE35", "role": f"supporting {SCRIPT}"}])
    folder = publish_snapshot(SETTINGS.data_dir, contributions, root / "out", vectors=False)
    settings = load_settings({"S3_VAR_DIR": str(root / "var"), "S3_CACHE": "0"})
    return create_app(settings, atlas=load_atlas(folder)).server.test_client()


@pytest.mark.parametrize("path", ["/region/BE3", "/priority-detail/BE3-S3-2021-CPXSS00001-1",
                                  "/priority-detail/BE3-S3-2021-P2", "/partnership/cybersecurity-smart-regions",
                                  "/about/data", "/?q=photonics&by=priorities"])
def test_published_markup_is_shown_as_text(client, path):
    r = client.get(path)
    assert r.status_code in (200, 404)
    body = r.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body


def test_the_published_markup_is_on_the_pages_as_text(client):
    body = client.get("/region/BE3").get_data(as_text=True)
    assert "&lt;script&gt;" in body or "\\u003cscript\\u003e" in body  # escaped in the HTML or in Dash's JSON


def test_exports_keep_it_as_plain_text(client):
    body = client.get("/export/priorities.csv?q=photonics").get_data(as_text=True).lstrip("\ufeff")
    rows = [r for r in csv.DictReader(io.StringIO(body)) if r.get("priority", "").startswith("Photonics <")]
    assert len(rows) == 1  # a CSV is data: the words as sent, for a spreadsheet to show as text
    assert rows[0]["priority"] == f"Photonics {SCRIPT}" and rows[0]["description"] == f"Optical chips {SCRIPT} {IMG}"
