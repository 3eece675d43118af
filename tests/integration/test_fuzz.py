"""Property-based fuzzing of the URL-state parser and of the explorer callback's inputs:
random, unicode, oversize and injection strings, and random valid combinations.
Never an exception, never a 500."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.callback_requests import URL_CALLBACKS, bodies_for_states, callback_body
from dashboard.app import create_app
from dashboard.data.atlas import get_atlas
from dashboard.settings import SETTINGS
from dashboard.state import MODES, SORTS, ViewState, parse_query, to_query

SCALE = int(os.environ.get("FUZZ_SCALE", "1") or 1)  # more cases for a deeper local run
ATLAS = get_atlas(str(SETTINGS.data_dir))
NASTY = st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "' OR 1=1 --", "../../etc/passwd",
                         "%00", "\u202e\u0000", "😀" * 50, "a" * 10000, "{\"__proto__\": 1}", "javascript:alert(1)"])
TEXT = st.one_of(st.text(max_size=300), NASTY)
ANY = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT,
                st.lists(st.one_of(TEXT, st.integers()), max_size=60), st.dictionaries(TEXT, TEXT, max_size=3))


@settings(max_examples=400 * SCALE, deadline=None)
@given(st.one_of(TEXT, st.lists(st.tuples(TEXT, TEXT), max_size=12).map(
    lambda kv: "&".join(f"{k}={v}" for k, v in kv))))
def test_parser_never_raises_and_returns_a_valid_state(query):
    state, notes = parse_query(query, ATLAS)
    assert state.mode in MODES and state.sort.lstrip("-") in SORTS
    assert len(state.q) <= SETTINGS.max_keyword_length
    assert state.region == "" or state.region in ATLAS.regions.index
    assert all(isinstance(n, str) for n in notes)


codes = {
    "nace": st.lists(st.sampled_from(sorted(ATLAS.nace.code)), max_size=4, unique=True).map(tuple),
    "nabs": st.lists(st.sampled_from(sorted(ATLAS.nabs.code)), max_size=3, unique=True).map(tuple),
    "eco": st.lists(st.sampled_from(sorted(ATLAS.ecosystems.code)), max_size=3, unique=True).map(tuple),
}
valid_states = st.builds(
    ViewState,
    mode=st.sampled_from(MODES),
    # a keyword as a person types it: no control, invisible format, private-use, unassigned or
    # invalid (U+FFFD) characters, which the parser removes with a note
    q=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn"),
                                     blacklist_characters="\ufffd"), max_size=30).map(str.strip),
    level=st.one_of(st.none(), st.integers(0, 3)),
    nace=codes["nace"], nabs=codes["nabs"], eco=codes["eco"],
    platform=st.sampled_from([""] + sorted(ATLAS.platforms.platform_id)),
    partnership=st.sampled_from([""] + sorted(ATLAS.partnerships.partnership_id)),
    period=st.sampled_from(["", "current", "older", "unstated"]),
    region=st.sampled_from(["", "ES51", "CZ", "DE1", "FI1D7", "EL303"]),
    year=st.one_of(st.none(), st.integers(2010, 2025)),
    sort=st.sampled_from(SORTS + tuple("-" + s for s in SORTS[1:])),  # relevance has one direction
    page=st.integers(1, 50),
    present=st.booleans(), embed=st.booleans(),
)


@settings(max_examples=300 * SCALE, deadline=None)
@given(valid_states)
def test_valid_states_round_trip_through_the_url(state):
    back, notes = parse_query(to_query(state), ATLAS)
    assert back == state and notes == []


@pytest.fixture(scope="module")
def client_app():
    app = create_app(atlas=ATLAS)
    return app, app.server.test_client()


CONTROL_IDS = ["ex-mode", "ex-q", "ex-level", "ex-nace", "ex-nabs", "ex-eco", "ex-platform", "ex-partnership",
               "ex-period", "ex-indicator", "ex-year", "ex-sort", "ex-page"]


def prop(cid: str) -> str:
    return f"{cid}.{'active_page' if cid == 'ex-page' else 'value'}"


@settings(max_examples=250 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(CONTROL_IDS), ANY, max_size=6), st.sampled_from(CONTROL_IDS), TEXT)
def test_callback_with_garbage_inputs_never_fails(client_app, values, changed, search):
    app, client = client_app
    inputs = {prop(c): v for c, v in values.items()} | {"ex-url.search": search if len(search) < 5000 else "",
                                                        "ex-drawn.data": search, "ex-tabled.data": search}
    # the view callback as a control triggers it, then as the URL does (back/forward), with the same garbage
    bodies = [callback_body(app, "ex-url.search", inputs, [prop(changed)])]
    bodies += [callback_body(app, out, inputs, ["ex-url.search"]) for out in URL_CALLBACKS]
    for body in bodies:
        r = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        assert r.status_code in (200, 204), r.data[:500]


@settings(max_examples=120 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_states, valid_states, st.sampled_from(CONTROL_IDS))
def test_callback_with_valid_combinations_answers(client_app, prev, new, changed):
    app, client = client_app
    for body in bodies_for_states(app, prev, new, changed):
        r = client.post("/_dash-update-component", json=body)
        assert r.status_code in (200, 204), r.data[:500]
        if r.status_code == 200:
            assert "response" in r.get_json()


def test_click_on_the_map_with_a_forged_location(client_app):
    app, client = client_app
    body = callback_body(app, "ex-url.search", {"ex-map.clickData": {"points": [{"location": "<script>alert(1)</script>"}]},
                                                "ex-url.search": ""}, ["ex-map.clickData"])
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code in (200, 204) and (r.status_code == 204 or "<script>" not in r.data.decode())
    if r.status_code == 204:
        return
    assert r.status_code == 200 and "<script>" not in json.dumps(r.get_json()["response"].get("ex-url", {}))
