"""Nothing the app serves names a content-delivery network or a cloud service: the page works offline.
(The browser tests also fail on any request that leaves the machine.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVED = sorted(p for p in (ROOT / "assets").rglob("*") if p.is_file() and p.suffix in {".js", ".css", ".json"})
REMOTE = re.compile(r"cdn\.|cdnjs|unpkg\.com|jsdelivr|googleapis|cloud\.plotly\.com", re.IGNORECASE)


@pytest.mark.parametrize("path", SERVED, ids=lambda p: str(p.relative_to(ROOT)))
def test_served_files_name_no_cdn(path):
    hits = sorted({m.group(0) for m in REMOTE.finditer(path.read_text(encoding="utf-8", errors="replace"))})
    assert hits == [], f"{path.name} names {hits}"


def test_the_plotly_bundle_defaults_to_the_apps_own_topojson():
    bundle = (ROOT / "assets" / "vendor" / "s3-plotly.min.js").read_text(encoding="utf-8")
    assert 'topojsonURL:{valType:"string",noBlank:!0,dflt:"vendor/plotly/topojson/"' in bundle


def test_pages_load_no_polyfill_and_no_data_table_code(atlas):
    """Scripts the app leaves out of every page (app.py): core-js for old browsers, and the loader of
    Dash's DataTable, which no page uses."""
    import re
    from pathlib import Path

    from dashboard.app import create_app

    page = create_app(atlas=atlas).server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'<script type="text/x-after-paint" data-src="([^"]+)"', page)
    assert scripts and not [s for s in scripts if "polyfill@" in s or "/dash_table/" in s]
    code = "".join(p.read_text() for p in (ROOT / "dashboard").rglob("*.py"))
    assert "DataTable(" not in code
