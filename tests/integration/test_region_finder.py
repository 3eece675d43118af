"""The region finders send only the chosen regions' options; the full list is one cached file."""
from __future__ import annotations

import json

import pytest

from dashboard.app import create_app
from dashboard.components.finder import REGION_LIST_STORE


@pytest.fixture(scope="module")
def app(atlas):
    return create_app(atlas=atlas)


def _page(client, path: str, search: str = "") -> dict:
    body = {"output": "page.children", "outputs": {"id": "page", "property": "children"},
            "inputs": [{"id": "url", "property": "pathname", "value": path}],
            "state": [{"id": "url", "property": "search", "value": search}], "changedPropIds": []}
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    return r.get_json()


def _component(tree, id_):
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == id_:
            return tree["props"]
        tree = list(tree.values())
    if isinstance(tree, list):
        for t in tree:
            found = _component(t, id_)
            if found:
                return found
    return None


@pytest.mark.parametrize("path,search,finder,chosen", [
    ("/", "?region=ES51", "ex-region", ["ES51"]),
    ("/", "", "ex-region", []),
    ("/compare", "?regions=ES51,BE3", "cmp-regions", ["ES51", "BE3"]),
    ("/match", "?region=DEA", "match-region", ["DEA"]),
])
def test_a_finder_is_sent_with_its_chosen_options_only(app, path, search, finder, chosen):
    props = _component(_page(app.server.test_client(), path, search), finder)
    assert [o["value"] for o in props["options"]] == chosen
    assert (props["value"] or []) in (chosen, chosen[0] if chosen else None) or props["value"] == chosen


def test_the_full_list_is_one_cached_file_with_accentless_search_text(app, atlas):
    client = app.server.test_client()
    url = _component(client.get("/_dash-layout").get_json(), REGION_LIST_STORE)["data"]
    assert atlas.version in url
    r = client.get(url, headers={"Accept-Encoding": "br"})
    assert r.status_code == 200 and "immutable" in r.headers["Cache-Control"]
    options = json.loads(r.get_data() if r.headers.get("Content-Encoding") != "br" else
                         __import__("brotli").decompress(r.get_data()))
    assert {o["value"] for o in options} == set(atlas.regions.index)
    es51 = next(o for o in options if o["value"] == "ES51")
    assert "Cataluña" in es51["label"] and "cataluna" in es51["search"]
    assert client.get(url.replace(atlas.version, "other")).mimetype != "application/json"  # the app's page
