"""Nothing lost, nothing let in, over HTTP: an acknowledged proposal survives the server being killed;
fifty simultaneous submissions to two gunicorn workers are each stored once; publishing switches
both workers to the new snapshot with no failed request; a published snapshot is served after a
restart; fuzzed JSON and forms never meet a server error."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT, free_port, start_server
from dashboard.app import create_app
from dashboard.settings import load_settings
from dashboard.write.db import engine_for
from dashboard.write.store import Store

SOURCE = {"source_url": "https://www.ris3.cz/en/analysis/essential-documents",
          "proposer": {"name": "Ana Test", "organisation": "South Bohemian Agency", "email": "ana@example.org"}}
PASSWORD = "a reviewer's long passphrase"


def proposal(description: str, priority: str = "CZ031-01") -> dict:
    return {"kind": "priority", "action": "change", "target": {"priority_id": priority},
            "fields": {"description": description}, **SOURCE}


def send(base: str, body) -> tuple[int, dict]:
    req = urllib.request.Request(base + "/api/proposals", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        raw = exc.read() or b"{}"
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, {"body": raw.decode("utf-8", "replace")[:300]}


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request):
    var = Path(tempfile.mkdtemp(prefix="s3-atlas-robust-"))
    url = (f"sqlite:///{var / 'atlas.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_server").new_database_url())
    return {"S3_DATABASE_URL": url, "S3_VAR_DIR": str(var), "S3_CONTRIBUTIONS_DIR": str(var / "contributions"),
            "S3_PROPOSAL_RATE": "1000 per minute"}


def test_an_acknowledged_proposal_survives_the_server_being_killed(env):
    proc, base = start_server(env)
    status, answer = send(base, proposal("Kept through a crash."))
    proc.send_signal(signal.SIGKILL)  # no shutdown, no flush
    proc.wait(timeout=10)
    assert status == 201
    proc, base = start_server(env)
    try:
        status, body = get(base + "/api/proposals/" + answer["tracking_url"].split("/proposals/")[1])
        assert status == 200 and json.loads(body)["status"] == "pending" and json.loads(body)["id"] == answer["id"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def start_gunicorn(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="s3-gunicorn-", suffix=".log", delete=False)
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py", "app:server"],
                            cwd=ROOT, env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": "2", **env},
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(Path(log.name).read_text(errors="replace")[-3000:])
        try:
            if get(base + "/healthz")[0] == 200:
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn did not answer")


def test_fifty_at_once_publish_and_switch_with_no_failed_request(env):
    proc, base = start_gunicorn(env)
    try:
        # 50 simultaneous submissions: 25 different, each sent twice
        bodies = [proposal(f"Simultaneous proposal {i}.") for i in range(25)] * 2
        answers: list = [None] * len(bodies)

        def submit(i):
            answers[i] = send(base, bodies[i])

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(bodies))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(status in (200, 201) for status, _ in answers), answers
        by_text = {}
        for body, (_, answer) in zip(bodies, answers):
            by_text.setdefault(body["fields"]["description"], set()).add(answer["id"])
        assert len(by_text) == 25 and all(len(ids) == 1 for ids in by_text.values())  # each stored once
        store = Store(engine_for(env["S3_DATABASE_URL"]))
        assert len(store.queue(("pending",))) == 25
        # publish one of them while pages are being asked for, from both workers
        store.add_reviewer("rev", PASSWORD)
        first = next(iter(by_text["Simultaneous proposal 0."]))
        store.act(first, "rev", "accept")
        before = json.loads(get(base + "/healthz")[1])["snapshot"]
        failures, done, served = [], threading.Event(), []

        def browse():
            paths = ["/healthz", "/region/CZ031", "/partnerships", "/export/priorities.csv?q=machinery",
                     "/priority-detail/CZ031-01"]
            i = 0
            while not done.is_set():
                status, body = get(base + paths[i % len(paths)])
                if status != 200:
                    failures.append((paths[i % len(paths)], status))
                if paths[i % len(paths)] == "/healthz":
                    served.append(json.loads(body)["snapshot"])
                i += 1

        browsers = [threading.Thread(target=browse) for _ in range(3)]
        for t in browsers:
            t.start()
        subprocess.run([sys.executable, "-m", "dashboard.write.cli", "--database", env["S3_DATABASE_URL"], "publish",
                        "--reviewer", "rev"], cwd=ROOT, env={**os.environ, **env}, check=True, timeout=300,
                       capture_output=True)
        after = (Path(env["S3_VAR_DIR"]) / "snapshots" / "CURRENT").read_text().strip()
        deadline = time.time() + 120
        while time.time() < deadline and (len(served) < 20 or set(served[-20:]) != {after}):
            time.sleep(0.5)  # both workers switch within a second or two of the pointer, once loaded
        done.set()
        for t in browsers:
            t.join()
        print(f"requests while switching: {len(served) * 5}, failed: {len(failures)}")
        assert failures == []
        assert after != before and set(served[-20:]) == {after}  # the last answers, from both workers, are new
        status, body = get(base + "/priority-detail/CZ031-01")
        assert b"Simultaneous proposal 0." in body
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # a restarted server starts on the published snapshot
    proc, base = start_server(env)
    try:
        assert json.loads(get(base + "/healthz")[1])["snapshot"] == after
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --------------------------------------------------------------------------- fuzzing, in-process

@pytest.fixture(scope="module")
def client(atlas, tmp_path_factory):
    var = tmp_path_factory.mktemp("fuzz")
    settings_ = load_settings({"S3_VAR_DIR": str(var), "S3_SECURE_COOKIES": "0", "S3_CACHE": "0",
                               "S3_PROPOSAL_RATE": "100000 per minute", "S3_SIGN_IN_RATE": "100000 per minute"})
    return create_app(settings_, atlas=atlas).server.test_client()


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children,
                                                                                     max_size=4), max_leaves=12)
KEYS = ["kind", "action", "target", "fields", "source_url", "proposer", "note"]
PROPOSALS = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["priority", "strategy", "membership", "contact", "bulk", "x"]) | JSON,
    "action": st.sampled_from(["add", "change", "remove"]) | JSON,
    "target": st.fixed_dictionaries({}, optional={"priority_id": st.sampled_from(["CZ031-01", "../../x", ""]) | JSON,
                                                  "strategy_id": st.sampled_from(["CZ031-RIS3-2021"]) | JSON,
                                                  "nuts_id": st.text(max_size=6), "partnership_id": JSON}),
    "fields": st.dictionaries(st.sampled_from(["title", "description", "keywords", "nace", "rows", "role", "email",
                                               "consent_to_publish"]), JSON, max_size=4),
    "source_url": st.text(max_size=80) | st.just("https://www.example.org/x"),
    "proposer": JSON, "note": st.text(max_size=200)})
TEXT = st.text(max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(PROPOSALS, JSON))
def test_the_api_never_answers_with_a_server_error(client, body):
    r = client.post("/api/proposals", data=json.dumps(body), content_type="application/json")
    assert r.status_code in (200, 201, 400) and r.is_json and (r.get_json().get("error") or r.get_json().get("id"))


def _token(client, path: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


FORMS = ["/propose/priority/change?priority=CZ031-01", "/propose/priority/add?strategy=CZ031-RIS3-2021",
         "/propose/priority/remove?priority=CZ031-01", "/propose/strategy/change?strategy=CZ031-RIS3-2021",
         "/propose/membership/add?partnership=water-smart-territories", "/propose/contact?strategy=CZ031-RIS3-2021",
         "/sign-in"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(FORMS), data=st.dictionaries(
    st.sampled_from(["title", "description", "keywords", "nace", "nabs", "ecosystems", "source_url", "note", "region",
                     "role", "name", "position", "organisation", "email", "consent_to_publish", "proposer_name",
                     "proposer_organisation", "proposer_email", "password", "next", "period", "document_url"]),
    TEXT, max_size=8))
def test_the_forms_never_answer_with_a_server_error(client, path, data):
    r = client.post(path, data={**data, "csrf_token": _token(client, path)})
    assert r.status_code in (200, 303, 400, 401), r.status_code
    assert r.status_code == 303 or "<h1>" in r.get_data(as_text=True)  # a page that says what happened


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=40), content=st.binary(max_size=3000))
def test_uploads_of_any_bytes_get_a_message(client, name, content):
    import io

    path = "/propose/bulk?strategy=CZ031-RIS3-2021"
    r = client.post(path, content_type="multipart/form-data",
                    data={"csrf_token": _token(client, path), "template": (io.BytesIO(content), name or "x")})
    assert r.status_code in (200, 400) and "<h1>" in r.get_data(as_text=True)


@pytest.mark.parametrize("token", ["x", "../../etc/passwd", "%00", "é" * 300, "a" * 5000, "..%2F..%2F"])
def test_any_tracking_token_gets_a_page_or_a_message(client, token):
    r = client.get("/proposals/" + token)
    assert r.status_code == 404  # a token with a slash is another address: the site's "not found" page
    assert "/" in token or "%2F" in token or "No proposal has this tracking address" in r.get_data(as_text=True)
    r = client.get("/api/proposals/" + token)
    assert r.status_code == 404 and ("/" in token or "%2F" in token or r.get_json()["error"])
