"""One answer per view: a keyword change's callbacks search once, the memo changes no result, query
vectors are shared by forked processes, and the favicon may be cached."""
from __future__ import annotations

import json
import os
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.callback_requests import bodies_for_states, url_bodies
from dashboard.data import answer, query, search
from dashboard.data.answer import clear_answers, compute_answer, view_answer
from dashboard.data.query import Filters
from dashboard.settings import FAVICON, SETTINGS
from dashboard.state import ViewState
from dashboard.views.explorer import map_values, table_view


@pytest.fixture(scope="module")
def app(atlas):
    return create_app(replace(SETTINGS, cache=False), atlas=atlas)


def fresh():
    """No search result or answer kept from earlier tests of this process."""
    query._search.cache_clear()
    clear_answers()


def test_a_keyword_change_searches_once_for_map_table_and_count(app, atlas, monkeypatch):
    fresh()
    calls = []
    real = search.search

    def counted(index, q, *args, **kwargs):
        calls.append(q)
        return real(index, q, *args, **kwargs)

    monkeypatch.setattr(search, "search", counted)
    answered = []
    real_answer = answer.compute_answer
    monkeypatch.setattr(answer, "compute_answer", lambda a, f: answered.append(f) or real_answer(a, f))
    client = app.server.test_client()
    prev, new = ViewState(level=2), ViewState(level=2, q="wine")
    answers = {}
    for body in bodies_for_states(app, prev, new, "ex-q"):  # what the browser sends, in its order
        r = client.post("/_dash-update-component", json=body)
        assert r.status_code in (200, 204)
        answers[body["output"]] = json.loads(r.data)["response"] if r.status_code == 200 else {}
    assert calls == ["wine"]
    assert answered == [new.filters()]  # map, table and count line drawn from one answer
    table = next(v for k, v in answers.items() if "ex-table.children" in k)
    the_map = next(v for k, v in answers.items() if "ex-map.figure" in k)
    expected = view_answer(atlas, new.filters())
    exact = int((expected.priorities.match == "exact").sum())
    assert exact > 0
    count = json.dumps(table["ex-count"]["children"], ensure_ascii=False)  # the answer's line, then the count
    assert f"{len(expected.priorities)} priorit" in count
    assert f"({exact} with the keyword's words" in count
    # the map's values (a Patch) are the same answer's counts per territory
    sent = [op["params"]["value"] for op in the_map["ex-map"]["figure"]["operations"] if op["location"][-1] == "z"]
    drawn = [t["z"] for t in map_values(atlas, new)["traces"] if not t.get("static")]
    assert sent == drawn and sum(map(len, sent)) > 0
    assert int(expected.counts.priorities.sum()) == exact
    assert calls == ["wine"]  # reading the answer again searched nothing


def frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


@pytest.mark.parametrize("f", [Filters(keyword="hydrogen"), Filters(keyword="tourism", level=2),
                               Filters(keyword="Wasserstoff", region="DE1"), Filters(nace=("C",), period="current"),
                               Filters(), Filters(keyword="zzzz no such word")])
def test_the_memo_changes_no_answer(atlas, f):
    fresh()
    first = view_answer(atlas, f)
    again = view_answer(atlas, f)
    assert again is first  # taken from the memo
    computed = compute_answer(atlas, f)  # no memo
    assert computed is not first
    frames_equal(first.priorities, computed.priorities)
    frames_equal(first.counts, computed.counts)
    frames_equal(first.hits, computed.hits)
    assert np.array_equal(first.mask, computed.mask)


def test_views_are_the_same_with_the_memo_and_without(app, atlas):
    client = app.server.test_client()
    prev, new = ViewState(level=2, q="textile"), ViewState(level=2, q="robotics", sort="region", page=2)
    bodies = bodies_for_states(app, prev, new, "ex-q")

    def responses():
        return [client.post("/_dash-update-component", json=b).data for b in bodies]

    fresh()
    cold = responses()
    warm = responses()  # the same answers from the memo
    assert cold == warm
    state = ViewState(q="health", region="ES51")
    fresh()
    t1, m1 = table_view(atlas, state), map_values(atlas, state)
    fresh()
    t2 = table_view(atlas, state)
    assert t1["count_text"] == t2["count_text"] and t1["rows"].html == t2["rows"].html
    assert json.dumps(m1, default=str) == json.dumps(map_values(atlas, state), default=str)


def test_a_forked_process_takes_the_query_vector_instead_of_embedding_it(tmp_path):
    store = search.SharedVectors(slots=64, dim=4)
    v = np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32)
    assert store.get("kiwi", lambda: v) is v  # computed and kept
    marker = tmp_path / "computed"
    pid = os.fork()
    if pid == 0:  # the child: must find the vector without computing it
        got = store.get("kiwi", lambda: marker.write_text("x") or np.zeros(4, np.float32))
        os._exit(0 if np.array_equal(got, v) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not marker.exists()
    # another text is computed, not taken from a slot it does not own
    w = np.array([1, 0, 0, 0], dtype=np.float32)
    assert np.array_equal(store.get("apple", lambda: w), w)
    assert np.array_equal(store.get("kiwi", lambda: w), v)


def test_the_icon_is_in_the_page_and_never_asked_for(app):
    """Chromium asked for /_favicon.ico again on every change of the explorer's URL: the icon is a
    data address in the page's head, so no request reaches the server for it."""
    page = app.server.test_client().get("/").data.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]*)"', page)
    assert icons == [FAVICON] and FAVICON.startswith("data:image/svg+xml,")
    assert "_favicon.ico" not in page


def test_back_draws_the_url_s_view_and_sets_the_controls_without_writing_the_url(app, atlas):
    """Back from a keyword: the URL changed outside the page; the one request draws that view and
    puts the controls back, and writes no URL (that would add a step to the history)."""
    fresh()
    client = app.server.test_client()
    before, typed = ViewState(level=2), ViewState(level=2, q="wine")
    (body,) = url_bodies(app, typed, before, shown=typed).values()  # drawn and shown: wine; URL: before
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    out = r.get_json()["response"]
    assert "ex-url" not in out
    assert out["ex-q"]["value"] == ""  # the keyword box follows the URL
    assert "ex-level" not in out  # a control that already shows the URL's value is left alone
    count = json.dumps(out["ex-count"]["children"], ensure_ascii=False)
    assert count.startswith(f'"{len(view_answer(atlas, before.filters()).priorities)} priorities in')
