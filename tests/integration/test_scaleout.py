"""Stateless workers: one user's session spread over two app instances (directly, and through
nginx as a round-robin balancer) gives the same answers as one instance."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.callback_requests import bodies_for_states
from conftest import free_port, start_server
from dashboard.app import create_app
from dashboard.state import ViewState, to_query

SESSION = [  # (previous view, next view, control that changed): a user exploring
    (ViewState(), ViewState(q="health"), "ex-q"),
    (ViewState(q="health"), ViewState(q="health", level=2), "ex-level"),
    (ViewState(q="health", level=2), ViewState(q="health", level=2, eco=("9",)), "ex-eco"),
    (ViewState(q="health", level=2, eco=("9",)), ViewState(q="health", level=2, eco=("9",), page=2), "ex-page"),
    (ViewState(q="health", level=2), ViewState(q="health", level=2, mode="indicator"), "ex-mode"),
    (ViewState(level=2, mode="indicator"), ViewState(level=2, mode="indicator", year=2019), "ex-year"),
    (ViewState(mode="indicator"), ViewState(mode="indicator", partnership="water-smart-territories"), "ex-partnership"),
]


def post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read()) if r.status == 200 else {"status": r.status}


@pytest.fixture(scope="module")
def two_instances():
    a, base_a = start_server()
    b, base_b = start_server()
    yield base_a, base_b
    for p in (a, b):
        p.terminate()
        p.wait(timeout=10)


def session_answers(app, urls: list[str]) -> list[dict]:
    bodies = [b for prev, new, changed in SESSION for b in bodies_for_states(app, prev, new, changed)]
    return [post(urls[i % len(urls)] + "/_dash-update-component", b) for i, b in enumerate(bodies)]


def test_alternating_instances_answer_like_one(two_instances, atlas):
    app = create_app(atlas=atlas)
    base_a, base_b = two_instances
    one = session_answers(app, [base_a])
    both = session_answers(app, [base_a, base_b])
    assert one == both
    # the answers are real views: the URL written back carries the new state
    assert one[0]["response"]["ex-url"]["search"] == to_query(SESSION[0][1])


def test_behind_nginx_round_robin(two_instances, atlas, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: apt-get install -y nginx-light (.ci/run installs it)"
    base_a, base_b = two_instances
    port = free_port()
    for d in ("logs", "tmp"):
        (tmp_path / d).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log;
events {{ worker_connections 64; }}
http {{
  log_format up '$upstream_addr $status';
  access_log {tmp_path}/logs/access.log up;
  client_body_temp_path {tmp_path}/tmp; proxy_temp_path {tmp_path}/tmp; fastcgi_temp_path {tmp_path}/tmp;
  uwsgi_temp_path {tmp_path}/tmp; scgi_temp_path {tmp_path}/tmp;
  upstream atlas {{ server {base_a.split('//')[1]}; server {base_b.split('//')[1]}; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://atlas; proxy_set_header Host $host; }}
  }}
}}
""")
    # A private nginx: its own config, prefix, pid file, logs and port, in the foreground; stopped
    # below by its own pid (never any other nginx on the machine).
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "logs" / "error.log"),
                             "-g", "daemon off;"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 15
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(proc.stdout.read().decode(errors="replace") if proc.poll() is not None else "nginx did not start")
                time.sleep(0.1)
        app = create_app(atlas=atlas)
        via_nginx = session_answers(app, [f"http://127.0.0.1:{port}"])
        direct = session_answers(app, [base_a])
        assert via_nginx == direct
        upstreams = {line.split()[0] for line in (tmp_path / "logs" / "access.log").read_text().splitlines()}
        # the session really was spread over both instances
        assert upstreams >= {base_a.split("//")[1], base_b.split("//")[1]}
        assert int((tmp_path / "nginx.pid").read_text()) == proc.pid  # the nginx this test started
    finally:
        proc.terminate()
        proc.wait(timeout=10)
