"""A table row's detail, loaded when the row is first opened."""
from __future__ import annotations

from dashboard.app import create_app


def test_the_detail_route_marks_the_keyword_escapes_text_and_knows_unknown_ids(atlas):
    client = create_app(atlas=atlas).server.test_client()
    pid = atlas.priorities.priority_id[atlas.priorities.title.str.contains("ydrogen")].iloc[0]
    r = client.get(f"/priority-detail/{pid}?q=hydrogen")
    assert r.status_code == 200 and r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    assert "<mark>" in body and "source of this priority" in body and 'data-dash-link="1"' in body
    assert " id=" not in body and "<script" not in body
    assert "<mark>" not in client.get(f"/priority-detail/{pid}").get_data(as_text=True)
    assert client.get("/priority-detail/NOPE%3Cb%3E").status_code == 404
    assert "<b>" not in client.get("/priority-detail/NOPE%3Cb%3E").get_data(as_text=True)
