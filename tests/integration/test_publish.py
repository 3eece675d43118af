"""Publishing: a copy of the real snapshot plus a small folder of reviewed contributions -> a new snapshot
folder the app reads, where the contributions are found by the search, shown with their provenance
on the profile, the priority detail, the partnership page and /about/data, and exported."""
from __future__ import annotations

import csv
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.build.contributions import COLUMNS, PROVENANCE
from dashboard.build.publish import publish_snapshot
from dashboard.data.atlas import load_atlas
from dashboard.data.export import priorities_frame
from dashboard.data.profile import profile_csv, region_profile
from dashboard.data.query import Filters, keyword_hits, search_index
from dashboard.data.search import search
from dashboard.data.vectors import load_vectors, passage_digests
from dashboard.settings import SETTINGS

NEW_ID = "BE3-S3-2021-C41-1"
PROVENANCE_TEXT = "contributed by Wallonia Region, reviewed 2026-12-01"
CONTACT_TEXT = "contributed by Service public de Wallonie, reviewed 2026-12-02"
MEMBER_TEXT = "contributed by Région Bretagne, reviewed 2026-12-02"


def _write(folder, kind, rows):
    with open(folder / f"{kind}.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=PROVENANCE + COLUMNS[kind])
        w.writeheader()
        w.writerows(rows)


def prov(pid, by="Wallonia Region", on="2026-12-01", url="https://www.wallonie.be/s3"):
    return {"proposal_id": pid, "source_url": url, "contributed_by": by, "reviewed_by": "ana", "reviewed_on": on}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    base = root / "base"
    shutil.copytree(SETTINGS.data_dir, base)
    contributions = root / "contributions"
    contributions.mkdir()
    _write(contributions, "priorities", [
        {**prov("41"), "action": "add", "strategy_id": "BE3-S3-2021", "title": "Quasicrystal photonics foundries",
         "description": "Pilot lines that manufacture photonic chips and optical sensors from quasicrystal materials.",
         "keywords": "photonics;optical sensors", "nace": "C.26"},
        {**prov("42"), "action": "change", "priority_id": "BE3-S3-2021-P2",
         "description": "Prevention, diagnosis and treatment: biotherapy, vaccines and medical technologies."},
    ])
    _write(contributions, "contacts", [
        {**prov("43", by="Service public de Wallonie", on="2026-12-02"), "action": "add", "strategy_id": "BE3-S3-2021",
         "name": "Marie Dupont", "position": "S3 coordinator", "organisation": "Service public de Wallonie",
         "email": "s3@wallonie.example.org"}])
    _write(contributions, "memberships", [
        {**prov("44", by="Région Bretagne", on="2026-12-02"), "action": "add",
         "partnership_id": "cybersecurity-smart-regions", "nuts_id": "FI1B", "role": "supporting region"}])
    out = root / "snapshots"
    path = publish_snapshot(base, contributions, out)
    return {"base": base, "contributions": contributions, "out": out, "path": path, "atlas": load_atlas(path)}


def test_a_new_folder_with_a_new_version_and_a_report_of_what_was_applied(published):
    path, base = published["path"], published["base"]
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    base_version = json.loads((base / "manifest.json").read_text(encoding="utf-8"))["version"]
    assert path.parent == published["out"] and path.name == manifest["version"] != base_version
    assert [p.name for p in published["out"].iterdir()] == [path.name]  # no temporary folder left
    report = manifest["report"]["publish"]
    assert report["published_from"] == base_version
    assert report["contributions"]["proposals"] == ["41", "42", "43", "44"]
    assert report["contributions"]["priorities_classified_and_embedded"] == [NEW_ID, "BE3-S3-2021-P2"]
    assert manifest["rows"]["priorities"] == published["atlas"].priorities.shape[0]
    assert (path / "geometry" / "nuts2.geojson").read_bytes() == (base / "geometry" / "nuts2.geojson").read_bytes()
    # the base is left as it was
    assert NEW_ID not in (base / "priorities.csv").read_text(encoding="utf-8")


def test_the_added_priority_is_found_by_a_word_of_its_title_and_has_codes(published):
    atlas = published["atlas"]
    hits = keyword_hits(atlas, "quasicrystal")
    assert NEW_ID in set(hits.priority_id[hits.match == "exact"])
    codes = {(s, c, o) for s, c, o, _r in atlas.codes_by_priority[NEW_ID]}
    assert ("nace", "26", "contributed") in codes
    assert any(o == "auto" for _s, _c, o in codes)  # the classifier ran for it (NABS / ecosystem from its words)
    # codes of priorities no contribution touched are those of the base
    base = load_atlas(published["base"])
    untouched = "BE3-S3-2021-P3"
    assert atlas.codes_by_priority[untouched] == base.codes_by_priority[untouched]


def test_its_search_vector_is_there_so_it_can_be_related(published):
    atlas = published["atlas"]
    vectors, note = load_vectors(atlas.data_dir, atlas.priorities.priority_id, passage_digests(atlas.priorities))
    assert vectors is not None and note == ""  # every priority has a vector for its current text
    row = int(np.flatnonzero(atlas.priorities.priority_id.to_numpy() == NEW_ID)[0])
    changed = int(np.flatnonzero(atlas.priorities.priority_id.to_numpy() == "BE3-S3-2021-P2")[0])
    assert np.linalg.norm(vectors[row]) > 0.99 and np.linalg.norm(vectors[changed]) > 0.99
    index = search_index(atlas)
    if index.semantic:  # the model loads on this machine: the priority is related to a query in other words
        # French; no word of it in the priority: the search alone relates it through its vector
        hits = search(index, "photonique quasicristalline")
        assert NEW_ID in set(hits.priority_id[hits.match == "related"])
    # the explorer also searches the query's English cognates ("photonics quasicrystalline"): found either way
    assert NEW_ID in set(keyword_hits(atlas, "photonique quasicristalline").priority_id)


def test_contacts_and_provenance_in_the_profile_data_and_its_downloads(published):
    profile = region_profile(published["atlas"], "BE3")
    assert profile["contact_points"] == [{
        "strategy_id": "BE3-S3-2021", "name": "Marie Dupont", "position": "S3 coordinator",
        "organisation": "Service public de Wallonie", "email": "s3@wallonie.example.org",
        "source_url": "https://www.wallonie.be/s3", "provenance": CONTACT_TEXT}]
    new = next(p for p in profile["priorities"] if p["priority_id"] == NEW_ID)
    assert new["provenance"] == PROVENANCE_TEXT and new["source_url"] == "https://www.wallonie.be/s3"
    text = profile_csv(profile)
    assert "Marie Dupont" in text and CONTACT_TEXT in text and PROVENANCE_TEXT in text
    fi = region_profile(published["atlas"], "FI1B")
    assert any(m["provenance"] == MEMBER_TEXT and m["partnership_id"] == "cybersecurity-smart-regions"
               for m in fi["partnerships"])


def test_the_export_carries_the_provenance_columns(published):
    df = priorities_frame(published["atlas"], Filters(keyword="quasicrystal"), "relevance")
    row = df[df.priority_id == NEW_ID].iloc[0]
    assert (row.contributed_by, row.reviewed_on, row.proposal_id) == ("Wallonia Region", "2026-12-01", "41")
    assert "26 (contributed)" in row.nace
    other = priorities_frame(published["atlas"], Filters(region="BE2"), "relevance")
    assert len(other) and (other.contributed_by == "").all()


def test_publishing_again_gives_the_same_version_and_folder(published):
    again = publish_snapshot(published["base"], published["contributions"], published["out"], vectors=False)
    assert again == published["path"]
    # publishing the published snapshot with the same rows changes nothing either
    assert publish_snapshot(published["path"], published["contributions"], published["out"], vectors=False) == again
    assert len(list(published["out"].iterdir())) == 1


def test_the_pages_say_contributed_by_and_reviewed(published):
    client = create_app(atlas=published["atlas"]).server.test_client()
    page = client.get("/region/BE3").get_data(as_text=True)
    assert "Contact points" in page and "Marie Dupont" in page and "mailto:s3@wallonie.example.org" in page
    assert CONTACT_TEXT in page
    detail = client.get(f"/priority-detail/{NEW_ID}")
    assert detail.status_code == 200 and PROVENANCE_TEXT in detail.get_data(as_text=True)
    assert "contributed by" not in client.get("/priority-detail/BE3-S3-2021-P3").get_data(as_text=True)
    member = client.get("/partnerships/cybersecurity-smart-regions").get_data(as_text=True)
    assert MEMBER_TEXT.replace("é", "&#233;") in member or MEMBER_TEXT in member
    about = client.get("/about/data").get_data(as_text=True)
    # this test's four contributions beside those the committed snapshot already holds
    assert "Contributions" in about and "Service public de Wallonie" in about and "Région Bretagne" in about


def test_a_snapshot_without_contributions_still_loads_and_says_so(tmp_path):
    # a snapshot written before contributions existed: no provenance columns, no contacts.csv
    old = tmp_path / "snapshot"
    shutil.copytree(SETTINGS.data_dir, old)
    (old / "contacts.csv").unlink(missing_ok=True)
    for name in ("priorities", "strategies", "partnership_members"):
        df = pd.read_csv(old / f"{name}.csv", dtype=str, keep_default_na=False)
        df.drop(columns=[c for c in ("contributed_by", "reviewed_on", "proposal_id") if c in df]).to_csv(
            old / f"{name}.csv", index=False, lineterminator="\n")
    atlas = load_atlas(old)
    assert atlas.contacts is not None and "contributed_by" in atlas.priorities and "proposal_id" in atlas.members
    assert region_profile(atlas, "BE3")["contact_points"] == []
    client = create_app(atlas=atlas).server.test_client()
    assert "No contributed rows in this snapshot yet." in client.get("/about/data").get_data(as_text=True)
