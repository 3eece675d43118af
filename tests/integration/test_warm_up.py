"""Each server process builds its main pages before its first visitor (dashboard.app.warm_up,
called by gunicorn.conf.py in every worker after the fork)."""
from __future__ import annotations

import runpy
from pathlib import Path

import dashboard.app as app_module
from dashboard.app import create_app

ROOT = Path(__file__).resolve().parents[2]


def counting_builds(monkeypatch) -> list[str]:
    built: list[str] = []
    real = app_module.render_page

    def render_page(registry, path, search):
        built.append(path + search)
        return real(registry, path, search)

    monkeypatch.setattr(app_module, "render_page", render_page)
    return built


def test_a_warmed_worker_answers_each_main_page_without_building_it_again(atlas, monkeypatch):
    server = create_app(atlas=atlas).server
    paths = server.config["S3_WARM_PATHS"]
    assert {"/", "/partnerships", "/compare", "/about/data"} <= set(paths)
    assert any(p.startswith("/region/") for p in paths)
    built = counting_builds(monkeypatch)

    class Worker:  # what gunicorn hands its post_worker_init hook
        pid = 1
        wsgi = server

        class log:
            @staticmethod
            def info(*args):
                pass

    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"](Worker())
    cached = [p for p in paths if not p.startswith("/match")]  # the partner finder's pages are never kept
    assert set(cached) <= set(built)
    built.clear()
    client = server.test_client()
    for path in cached:
        r = client.get(path)
        assert r.status_code == 200 and 'id="ssr-page"' in r.get_data(as_text=True)
        # the route callback's request for the same layout is answered from the same cache
        assert client.post("/_dash-update-component", json={
            "output": "page.children", "outputs": {"id": "page", "property": "children"},
            "inputs": [{"id": "url", "property": "pathname", "value": path.split("?")[0]}],
            "state": [{"id": "url", "property": "search", "value": "?" + path.split("?")[1] if "?" in path else ""}],
            "changedPropIds": ["url.pathname"]}).status_code == 200
    assert built == []
