"""Everything from data or the URL is rendered as text: a fixture snapshot whose priority and
region name hold markup shows it literally and runs no script."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from conftest import start_server
from dashboard.settings import SETTINGS

SCRIPT = "<script>window.__xss = 1</script>"
IMG = '<img src=x onerror="window.__xss = 2">'


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("snapshot")
    shutil.copytree(SETTINGS.data_dir, data, dirs_exist_ok=True)
    p = pd.read_csv(data / "priorities.csv", dtype=str, keep_default_na=False)
    row = p[p.priority_id == p.priority_id.iloc[0]].copy()
    row["priority_id"] = "XSS-1"
    row["title"] = f"Zyxwv {IMG}"
    row["description"] = f"Described as {SCRIPT}"
    row["keywords"] = "zyxwv;" + IMG
    row["source_url"] = "javascript:window.__xss=3"
    pd.concat([p, row]).to_csv(data / "priorities.csv", index=False)
    r = pd.read_csv(data / "regions.csv", dtype=str, keep_default_na=False)
    r.loc[r.nuts_id == "MT", "name_latn"] = f"Malta {IMG}"
    r.to_csv(data / "regions.csv", index=False)
    proc, base = start_server({"S3_DATA_DIR": str(data)})
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.browser
def test_markup_in_data_is_shown_as_text(hostile_server, page):
    pg = page.page
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(hostile_server + "/?q=zyxwv&by=priorities", wait_until="networkidle")
    pg.wait_for_function("() => document.querySelector('#ex-count') && "
                         "(document.querySelector('#ex-count')?.innerText ?? '').includes('· 1 priority')", timeout=30000)
    pg.locator(".pt-item summary").first.click()
    pg.locator(".pt-item[open] .pt-profile-link").wait_for()  # the detail is loaded when the row opens
    text = pg.inner_text(".pt-item")
    assert IMG in text and SCRIPT in text  # literally, as text
    assert pg.locator(".pt-item img").count() == 0 and pg.locator(".pt-item script").count() == 0
    # a non-http(s) source URL is not made into a link
    assert pg.locator(".pt-item a", has_text="source of this priority").count() == 0
    pg.goto(hostile_server + "/region/MT", wait_until="networkidle")
    pg.wait_for_timeout(1500)
    assert IMG in pg.inner_text("#page")
    assert pg.evaluate("() => window.__xss === undefined")
    assert dialogs == []


def test_markup_in_the_url_is_not_reflected(hostile_server):
    import urllib.request
    with urllib.request.urlopen(hostile_server + "/?q=%3Cscript%3Ealert(1)%3C/script%3E&region=%3Cimg%3E") as r:
        html = r.read().decode()
    assert "<script>alert(1)" not in html and "<img>" not in html
