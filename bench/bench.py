"""`make bench`: performance figures of the app against a naive baseline, side by side.

Not a test: it prints figures and ratios and writes bench/results/bench.json. Timings are
what this machine measured in this run; nothing here asserts a timing.

Parts (each can be skipped with --skip NAME): search, updates, replay, firstload, load, memory, growth.
"""
from __future__ import annotations

import argparse
import warnings
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import brotli
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the servers run (app.py, gunicorn.conf.py)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from dashboard.app import create_app  # noqa: E402
from dashboard.data.atlas import Atlas, load_atlas  # noqa: E402
from dashboard.data.catalog import INDICATOR_BY_ID  # noqa: E402
from dashboard.data.query import indicator_values  # noqa: E402
from dashboard.views.explorer import map_values  # noqa: E402
from dashboard.pages.explorer import map_figure  # noqa: E402
from plotly.io.json import to_json_plotly  # noqa: E402
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from dashboard.callback_requests import bodies_for_states  # noqa: E402
from dashboard.settings import SETTINGS  # noqa: E402
from dashboard.state import ViewState  # noqa: E402

from bench.naive_app import create_naive_app  # noqa: E402
from bench import replay as rp  # noqa: E402

warnings.filterwarnings("ignore", message=".*NullCache.*")
KEYWORDS = ["health", "energy", "digital", "food", "materials", "mobility", "tourism", "water", "ict", ""]
YEARS = [2021, 2020, 2019, 2018, 2017, 2016, 2022, 2015]
OUT = ROOT / "bench" / "results"


def pct(values, p):
    return float(np.percentile(values, p)) if values else float("nan")


def sizes(body: bytes) -> dict:
    return {"raw": len(body), "gzip": len(gzip.compress(body, 6)), "brotli": len(brotli.compress(body, quality=5))}


# --------------------------------------------------------------------------- request bodies

def ours_bodies(app, prev: ViewState, new: ViewState, changed: str) -> list[dict]:
    """Every request a browser sends for one control change: controls -> URL, then each callback
    the new URL triggers (map, table, panels, export links, controls)."""
    return bodies_for_states(app, prev, new, changed)


def naive_body(app, q: str, level: int, indicator: str = "", year: int | None = None) -> dict:
    key = next(iter(app.callback_map))
    return {"output": key, "outputs": {"id": "map", "property": "figure"},
            "inputs": [{"id": "q", "property": "value", "value": q},
                       {"id": "level", "property": "value", "value": str(level)},
                       {"id": "indicator", "property": "value", "value": indicator},
                       {"id": "year", "property": "value", "value": str(year or "")}],
            "changedPropIds": ["q.value"], "state": []}


def post(client, body) -> tuple[float, bytes]:
    t = time.perf_counter()
    r = client.post("/_dash-update-component", json=body)
    dt = time.perf_counter() - t
    if r.status_code not in (200, 204):
        raise RuntimeError(f"{r.status_code}: {r.data[:300]!r}")
    return dt, r.data


def floor_bytes(atlas: Atlas, state: ViewState) -> int:
    """The values alone, as compact JSON: in priorities mode the count per territory; in indicator
    mode the displayed value per region (null where missing) and, when the regions' years differ,
    the year per region."""
    if state.mode != "indicator":
        return len(json.dumps([t["z"] for t in map_values(atlas, state)["traces"] if not t.get("static")],
                              separators=(",", ":")).encode())
    ind = INDICATOR_BY_ID[state.indicator]
    vals = indicator_values(atlas, ind.id, state.year, state.map_level)
    shown = [None if pd.isna(v) else float(format(v, ind.fmt.replace(",", ""))) for v in vals.value]
    payload = [shown]
    years = vals.year.dropna().unique()
    if len(years) > 1:
        payload.append([None if pd.isna(y) else int(y) for y in vals.year])
    return len(json.dumps(payload, separators=(",", ":")).encode())


def scenario_states(level: int, kind: str, n: int):
    if kind == "filter":
        base = ViewState(level=level)
        states = [replace(base, q=KEYWORDS[i % len(KEYWORDS)]) for i in range(n + 1)]
        return states, "ex-q"
    base = ViewState(mode="indicator", indicator="gdp_pps_pct_eu27", level=level)
    states = [replace(base, year=YEARS[i % len(YEARS)]) for i in range(n + 1)]
    return states, "ex-year"


def bench_updates(atlas: Atlas, n: int) -> dict:
    # the server-side view cache is off here: both sides compute every update
    app = create_app(replace(SETTINGS, cache=False), atlas=atlas)
    client = app.server.test_client()
    naive_app = create_naive_app(atlas)
    naive = naive_app.server.test_client()
    out = {}
    for kind in ("filter", "indicator"):
        for level in (2, 3):
            states, changed = scenario_states(level, kind, n)
            t_ours, b_ours, m_ours, t_map, t_naive, b_naive, floors = [], [], [], [], [], [], []
            for prev, new in zip(states, states[1:]):
                answers = [post(client, b) for b in ours_bodies(app, prev, new, changed)]
                t_ours.append(sum(dt for dt, _ in answers))  # all requests of the change, one after another
                body = b"".join(b for _, b in answers)
                b_ours.append(body)
                the_map = [json.loads(b)["response"]["ex-map"] for _, b in answers if b and b'"ex-map"' in b]
                m_ours.append(json.dumps(the_map[0] if the_map else {}, separators=(",", ":")).encode())
                t0 = time.perf_counter()  # the map's share of our callback: build the Patch and serialise it
                to_json_plotly(map_figure(atlas, new, lambda lv: f"/geometry/nuts{lv}.geojson", prev))
                t_map.append(time.perf_counter() - t0)
                if kind == "filter":
                    dt, body = post(naive, naive_body(naive_app, new.q, level))
                else:
                    dt, body = post(naive, naive_body(naive_app, "", level, new.indicator, new.year))
                t_naive.append(dt)
                b_naive.append(body)
                floors.append(floor_bytes(atlas, new))
            so = [sizes(b) for b in m_ours]  # the map's part of our response (the table comes with it)
            sw = [sizes(b) for b in b_ours]
            sn = [sizes(b) for b in b_naive]
            med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
            name = f"{kind}_nuts{level}"
            out[name] = {
                "updates": n,
                "ours_ms": {"median": 1000 * statistics.median(t_ours), "p95": 1000 * pct(t_ours, 95)},
                "ours_map_part_ms": {"median": 1000 * statistics.median(t_map), "p95": 1000 * pct(t_map, 95)},
                "naive_ms": {"median": 1000 * statistics.median(t_naive), "p95": 1000 * pct(t_naive, 95)},
                "ours_bytes": {k: med(so, k) for k in ("raw", "gzip", "brotli")},
                "naive_bytes": {k: med(sn, k) for k in ("raw", "gzip", "brotli")},
                "ours_whole_response_bytes": {k: med(sw, k) for k in ("raw", "gzip", "brotli")},
                "floor_bytes": statistics.median(floors),
            }
            r = out[name]
            r["ratio_time_naive_over_ours"] = r["naive_ms"]["median"] / r["ours_ms"]["median"]
            r["ratio_time_naive_over_ours_map_part"] = r["naive_ms"]["median"] / r["ours_map_part_ms"]["median"]
            r["ratio_bytes_naive_over_ours"] = r["naive_bytes"]["raw"] / r["ours_bytes"]["raw"]
            r["ratio_bytes_naive_over_ours_gzip"] = r["naive_bytes"]["gzip"] / r["ours_bytes"]["gzip"]
            r["ratio_ours_over_floor"] = r["ours_bytes"]["raw"] / r["floor_bytes"]
    # compression: gzip vs brotli on the real payloads, size and time
    sample = b_ours + b_naive
    t0 = time.perf_counter()
    g = sum(len(gzip.compress(b, 6)) for b in sample)
    tg = time.perf_counter() - t0
    t0 = time.perf_counter()
    br = sum(len(brotli.compress(b, quality=5)) for b in sample)
    tb = time.perf_counter() - t0
    out["compression"] = {"payloads": len(sample), "raw": sum(map(len, sample)), "gzip6": g, "brotli5": br,
                          "gzip_ms_per_payload": 1000 * tg / len(sample), "brotli_ms_per_payload": 1000 * tb / len(sample)}
    return out


def bench_contributions(atlas: Atlas, n: int) -> dict:
    """The read-only pages with the write path on and off, side by side (in-process, view cache off):
    a keyword change of the explorer (all its callback requests), a profile and the health check."""
    import tempfile

    from dashboard.settings import load_settings

    var = tempfile.mkdtemp(prefix="s3-bench-var-")
    apps = {flag: create_app(load_settings({"S3_CONTRIBUTIONS": flag, "S3_VAR_DIR": var, "S3_CACHE": "0"}),
                             atlas=atlas) for flag in ("1", "0")}
    clients = {flag: a.server.test_client() for flag, a in apps.items()}
    states, changed = scenario_states(2, "filter", n)
    times = {flag: {"keyword change": [], "profile page": [], "health check": []} for flag in apps}
    for prev, new in zip(states, states[1:]):
        for flag, client in clients.items():  # alternate, so load on the machine falls on both alike
            times[flag]["keyword change"].append(sum(post(client, b)[0] for b in ours_bodies(apps[flag], prev, new,
                                                                                                changed)))
            for name, path in (("profile page", "/region/ES51"), ("health check", "/healthz")):
                t0 = time.perf_counter()
                client.get(path)
                times[flag][name].append(time.perf_counter() - t0)
    out = {}
    for name in times["1"]:
        on, off = statistics.median(times["1"][name]), statistics.median(times["0"][name])
        out[name] = {"on_ms": 1000 * on, "off_ms": 1000 * off, "ratio_on_over_off": on / off}
    return out


# --------------------------------------------------------------------------- servers

def start(cmd, port, env_extra=None, health="/healthz", cwd=ROOT):
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), **(env_extra or {})}
    if "-w" in cmd:  # a server without gunicorn.conf.py: the address on the command line
        cmd = [*cmd, "-b", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 60:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=1):
                return proc, time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{cmd} did not start")


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def http_post(url: str, body: dict) -> tuple[int, float, int]:
    data = json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json",
                                                            "Accept-Encoding": "gzip"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            n = len(r.read())
            return r.status, time.perf_counter() - t, n
    except urllib.error.HTTPError as e:
        return e.code, time.perf_counter() - t, 0
    except OSError:
        return 0, time.perf_counter() - t, 0


def bench_load(atlas: Atlas, clients: int, seconds: float, updates_for_memory: int,
               kill_at: float | None = None) -> dict:
    """Concurrent clients doing filter changes against gunicorn (workers = cores) on loopback.
    With kill_at, one worker is killed (SIGKILL) that many seconds in; the master replaces it."""
    import signal

    port = free_port()
    workers = os.cpu_count() or 2
    proc, started = start([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:server"], port,
                          {"WORKERS": str(workers)})
    try:
        time.sleep(1.0)
        pids = children(proc.pid)
        mem_start = {p: rss_kb(p) for p in pids}
        app = create_app(atlas=atlas)
        states, changed = scenario_states(2, "filter", 200)
        per_change = [ours_bodies(app, a, b, changed) for a, b in zip(states, states[1:])]
        bodies = [b for change in per_change for b in change]  # in order: a change's requests one after another
        url = f"http://127.0.0.1:{port}/_dash-update-component"
        lat, errors, stop = [], [0], time.perf_counter() + seconds
        lock = threading.Lock()

        def worker(i):
            k = i
            while time.perf_counter() < stop:
                status, dt, _ = http_post(url, bodies[k % len(bodies)])
                k += clients
                with lock:
                    lat.append(dt)
                    if status not in (200, 204):
                        errors[0] += 1

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        killed = None
        if kill_at is not None:
            time.sleep(kill_at)
            victims = children(proc.pid)
            if victims:
                killed = victims[0]
                os.kill(killed, signal.SIGKILL)
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        # memory after a fixed number of further updates
        done = 0
        while done < updates_for_memory:
            http_post(url, bodies[done % len(bodies)])
            done += 1
        mem_after = {p: rss_kb(p) for p in children(proc.pid)}
        return {
            "server": f"gunicorn, {workers} workers", "clients": clients, "seconds": round(elapsed, 1),
            "requests": len(lat), "rps": len(lat) / elapsed, "requests_per_filter_change": len(bodies) / len(per_change),
            "filter_changes_per_s": len(lat) / elapsed / (len(bodies) / len(per_change)), "p50_ms": 1000 * pct(lat, 50),
            "p95_ms": 1000 * pct(lat, 95), "errors": errors[0], "startup_s_to_healthz": started,
            "rss_mb_per_worker_after_start": [round(v / 1024, 1) for v in mem_start.values()],
            "rss_mb_per_worker_after_updates": [round(v / 1024, 1) for v in mem_after.values()],
            "updates_for_memory": updates_for_memory,
            "killed_worker_at_s": kill_at if killed else None,
            "workers_after": len(children(proc.pid)),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --------------------------------------------------------------------------- replay of a browser's keyword changes

def gunicorn_pids(proc) -> list[int]:
    return [proc.pid, *children(proc.pid)]


def bench_replay(atlas: Atlas, clients: list[int], seconds: float, baseline_ref: str = "") -> dict:
    """The requests a browser sends for a keyword change (captured once per server with Chromium),
    replayed with a fresh keyword every change against gunicorn, 2 workers, view cache off (S3_CACHE=0):
    ours, the naive app (its one request per change) and, with ``baseline_ref``, the app as it was at
    that git commit (from a temporary worktree), one after the other in the same run."""
    env = {"WORKERS": "2", "S3_CACHE": "0", "S3_REDIS_URL": ""}
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:server"]
    servers = [("ours", gunicorn, ROOT, "/healthz")]
    tmp = None
    if baseline_ref:
        import tempfile
        tmp = Path(tempfile.mkdtemp(prefix="s3-bench-")) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(tmp), baseline_ref], cwd=ROOT, check=True,
                       capture_output=True)
        servers.append((f"baseline {baseline_ref}", gunicorn, tmp, "/healthz"))
    servers.append(("naive", [sys.executable, "-m", "gunicorn", "-w", "2", "--log-level", "warning",
                              "bench.naive_wsgi:server"], ROOT, "/"))
    texts = pd.concat([atlas.priorities.title, atlas.priorities.description.fillna("")])
    out = {"clients": clients, "seconds": seconds, "servers": {}}
    used: set[str] = {rp.CAPTURE_WORD}
    try:
        for name, cmd, cwd, health in servers:
            port = free_port()
            proc, _ = start(cmd, port, {**env, "PYTHONPATH": str(cwd)}, health=health, cwd=cwd)
            base = f"http://127.0.0.1:{port}"
            try:
                if name == "naive":
                    naive = create_naive_app(atlas)
                    requests = [{"method": "POST", "path": "/_dash-update-component",
                                 "body": json.dumps(naive_body(naive, rp.CAPTURE_WORD, 2))}]
                else:
                    requests = rp.capture(base, CHROMIUM, CHROMIUM_ARGS)
                res = {"requests": rp.describe(requests), "runs": {}}
                for n in clients:
                    # every change of every server a word not searched before in this run
                    words = rp.fresh_words(texts, int(n * seconds * 60) + 200, used)
                    res["runs"][str(n)] = run = rp.replay(base, requests, words, n, seconds,
                                                          lambda: gunicorn_pids(proc))
                    used.update(words[:run["changes"] + n])
                    if name != "naive":
                        # two-word keywords: never a stored word vector, so every change runs the model
                        # (pairs never searched before in this run; their words may have been, alone)
                        vocabulary = rp.fresh_words(texts, 100000)
                        phrases = [p for p in rp.fresh_pairs(vocabulary, int(n * seconds * 60) + 200 + len(used))
                                   if p not in used][:int(n * seconds * 60) + 200]
                        res["runs"][f"{n}, 2 words"] = run = rp.replay(base, requests, phrases, n, seconds,
                                                                       lambda: gunicorn_pids(proc))
                        used.update(phrases[:run["changes"] + n])
                out["servers"][name] = res
            finally:
                proc.terminate()
                proc.wait(timeout=20)
    finally:
        if tmp is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(tmp)], cwd=ROOT, capture_output=True)
    return out


def print_replay(r: dict) -> None:
    print(f"\nreplay of a browser's keyword changes: gunicorn, 2 workers, view cache off, a new keyword every change, "
          f"{r['seconds']:.0f} s per run (loopback; the clients share the machine's cores)")
    for name, res in r["servers"].items():
        print(f"  {name}: {len(res['requests'])} requests per change: " + "; ".join(res["requests"]))
    print("  (a one-word keyword is a word of the priorities' texts, whose query vector the snapshot stores;"
          " '2 words': two such words, embedded by the model on every change)")
    print(f"  {'server':22s} {'clients':>16s} {'changes/s':>9s} {'p50 ms':>7s} {'p95 ms':>7s} {'req p95':>7s} "
          f"{'CPU ms/change':>13s} {'errors':>6s}  loadavg before -> after")
    for name, res in r["servers"].items():
        for n, run in res["runs"].items():
            print(f"  {name:22s} {n:>16s} {run['changes_per_s']:9.1f} {run['change_p50_ms']:7.0f} "
                  f"{run['change_p95_ms']:7.0f} {run['request_p95_ms']:7.0f} {run['server_cpu_ms_per_change']:13.1f} "
                  f"{run['errors']:6d}  {run['loadavg_before'][0]:.1f} -> {run['loadavg_after'][0]:.1f}"
                  + (f"  (fresh keywords ran out after {run['seconds']} s)" if run.get("ran_out") else ""))


# --------------------------------------------------------------------------- first load in Chromium

def bench_first_load() -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc, _ = start([sys.executable, "app.py"], port)
    js_painted = ("() => { const gd = document.querySelector('#ex-map .js-plotly-plot');"
                  " return !!(gd && gd._fullLayout && gd._fullLayout.geo && gd._fullLayout.geo._subplot"
                  " && Array.from(gd.querySelectorAll('path.choroplethlocation'))"
                  ".some(p => (p.getAttribute('d') || '').length > 10)); }")
    out = {}
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ctx = b.new_context(viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            total = {"bytes": 0, "requests": 0}
            cdp.on("Network.loadingFinished", lambda e: total.update(bytes=total["bytes"] + e["encodedDataLength"],
                                                                      requests=total["requests"] + 1))
            for label in ("cold", "warm"):
                total.update(bytes=0, requests=0)
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
                page.wait_for_function(js_painted, timeout=60000, polling=20)
                painted = time.perf_counter() - t0
                page.wait_for_load_state("networkidle")
                out[label] = {"time_to_first_map_paint_s": painted, "bytes_transferred": total["bytes"],
                              "requests": total["requests"]}
            b.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return out


# --------------------------------------------------------------------------- growth

def scaled_atlas(atlas: Atlas, factor: int) -> Atlas:
    """SYNTHETIC: the priorities repeated `factor` times with new ids. Used only here."""
    p = atlas.priorities
    reps = []
    for i in range(factor):
        q = p.copy()
        q["priority_id"] = q.priority_id + f"#synthetic{i}"
        reps.append(q)
    big = pd.concat(reps, ignore_index=True)
    codes = pd.concat([atlas.codes.assign(priority_id=atlas.codes.priority_id + f"#synthetic{i}")
                       for i in range(factor)], ignore_index=True)
    pos = pd.Series(np.arange(len(big)), index=big.priority_id)
    index = {}
    for (scheme, code), grp in codes.groupby(["scheme", "code"]):
        m = np.zeros(len(big), dtype=bool)
        m[pos[grp.priority_id].to_numpy()] = True
        index[(scheme, code)] = m
    by_priority = {}
    for r in codes.itertuples(index=False):
        by_priority.setdefault(r.priority_id, []).append((r.scheme, r.code, r.origin, r.rule))
    # a version of its own, so no cached view of the real snapshot is taken for it
    manifest = {**atlas.manifest, "version": f"{atlas.version}-synthetic-x{factor}"}
    ti = dict(atlas.territory_index)
    ti["of_priority"] = np.tile(ti["of_priority"], factor)
    ti["strategy_of_priority"] = np.tile(ti["strategy_of_priority"], factor)
    return replace(atlas, manifest=manifest, priorities=big, codes=codes, territory_index=ti,
                   search_text=np.tile(atlas.search_text, factor), code_index=index, codes_by_priority=by_priority)


def bench_growth(atlas: Atlas, n: int) -> dict:
    out = {}
    for factor in (1, 10, 100):
        a = atlas if factor == 1 else scaled_atlas(atlas, factor)
        app = create_app(replace(SETTINGS, cache=False), atlas=a)
        client = app.server.test_client()
        naive_app = create_naive_app(a)
        naive = naive_app.server.test_client()
        states, changed = scenario_states(2, "filter", n)
        t_o, t_n = [], []
        for prev, new in zip(states, states[1:]):
            t_o.append(sum(post(client, b)[0] for b in ours_bodies(app, prev, new, changed)))
            t_n.append(post(naive, naive_body(naive_app, new.q, 2))[0])
        out[f"x{factor}"] = {"priorities": len(a.priorities), "synthetic": factor > 1,
                             "ours_median_ms": 1000 * statistics.median(t_o),
                             "naive_median_ms": 1000 * statistics.median(t_n)}
    return out


def bench_startup() -> dict:
    code = ("import time; t=time.perf_counter(); from dashboard.data.atlas import load_atlas; "
            "from dashboard.settings import SETTINGS; load_atlas(SETTINGS.data_dir); t1=time.perf_counter(); "
            "from dashboard.app import create_app; create_app(); print(t1-t, time.perf_counter()-t)")
    runs = []
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append([float(x) for x in r.stdout.split()])
    return {"snapshot_load_s": statistics.median(r[0] for r in runs),
            "import_load_and_create_app_s": statistics.median(r[1] for r in runs)}


SEARCH_QUERIES = {
    "exact": ["hydrogen", "textile", "\"smart grids\"", "artificial intelligence", "tourism"],
    "cross-lingual": ["Wasserstoff", "zdrowie", "tekoäly", "turismo sostenibile", "Gesundheit"],
}
FINDER_LINES = ["Hydrogen production and fuel cells", "Digital health and e-health services", "Sustainable tourism",
                "Smart grids and energy storage", "Agri-food traceability", "Textiles and fashion design",
                "Advanced manufacturing and robotics", "Blue economy and aquaculture", "Space and satellite data",
                "Cultural and creative industries"]


def bench_search(atlas: Atlas, n: int = 30) -> dict:
    """Search latency in-process: a query's first run (its sentence vector computed) and repeated runs
    (vector cached); the partner finder for 3 and 10 pasted lines."""
    from dashboard.data import search as s
    from dashboard.data.query import search_index

    index = search_index(atlas)
    out = {"semantic": s.semantic_available()}
    for kind, queries in SEARCH_QUERIES.items():
        first, warm = [], []
        for q in queries:
            t = time.perf_counter()
            s.search(index, q)
            first.append(time.perf_counter() - t)
            for _ in range(n):
                t = time.perf_counter()
                s.search(index, q)
                warm.append(time.perf_counter() - t)
        out[kind] = {"first_ms": {"median": 1000 * statistics.median(first), "p95": 1000 * pct(first, 95)},
                     "repeat_ms": {"median": 1000 * statistics.median(warm), "p95": 1000 * pct(warm, 95)}}
    # a keyword change in-process: ~50 words never searched before, the whole search (query embedded)
    # and the view's whole answer (search, matching priorities, counts per territory)
    from dashboard.data.answer import compute_answer
    from dashboard.data.query import Filters

    texts = pd.concat([atlas.priorities.title, atlas.priorities.description.fillna("")])
    words = rp.fresh_words(texts, 2000)[-100:]  # the replay's list starts at the other end
    t_search, t_answer, c_search, c_answer = [], [], [], []  # wall clock; CPU time of this process
    for w in words[:50]:
        t, c = time.perf_counter(), time.process_time()
        s.search(index, w)
        t_search.append(time.perf_counter() - t)
        c_search.append(time.process_time() - c)
    for w in words[50:]:
        t, c = time.perf_counter(), time.process_time()
        compute_answer(atlas, Filters(keyword=w, level=2))
        t_answer.append(time.perf_counter() - t)
        c_answer.append(time.process_time() - c)
    ms = lambda xs: {"median": 1000 * statistics.median(xs), "p95": 1000 * pct(xs, 95)}  # noqa: E731
    out["fresh_keyword"] = {"keywords": len(t_search), "search_ms": ms(t_search), "answer_ms": ms(t_answer),
                            "search_cpu_ms": ms(c_search), "answer_cpu_ms": ms(c_answer)}
    for k in (3, 10):
        times = []
        for i in range(5):
            lines = [f"{line} {i}" for line in FINDER_LINES[:k]]  # new text each run: no cached vectors
            t = time.perf_counter()
            s.similar_to_texts(index, lines, k=20)
            times.append(time.perf_counter() - t)
        out[f"finder_{k}_lines"] = {"median_ms": 1000 * statistics.median(times), "p95_ms": 1000 * pct(times, 95)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--updates", type=int, default=60)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--skip", action="append", default=[])
    ap.add_argument("--replay-clients", default="16", help="comma-separated numbers of clients for the replay")
    ap.add_argument("--replay-seconds", type=float, default=20)
    ap.add_argument("--baseline-ref", default="", help="also replay the app at this git commit (temporary worktree)")
    args = ap.parse_args()
    atlas = load_atlas(SETTINGS.data_dir)
    res = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
           "snapshot": atlas.version}
    res["startup"] = bench_startup()
    print(f"start-up: snapshot load {res['startup']['snapshot_load_s']:.2f} s, "
          f"import + load + create app {res['startup']['import_load_and_create_app_s']:.2f} s")
    if "search" not in args.skip:
        res["search"] = sr = bench_search(atlas)
        print(f"\nsearch (in-process, semantic {'on' if sr['semantic'] else 'off'}), ms median / p95:")
        for kind in SEARCH_QUERIES:
            r = sr[kind]
            print(f"  {kind:14s} first run {r['first_ms']['median']:.1f} / {r['first_ms']['p95']:.1f}, "
                  f"repeated {r['repeat_ms']['median']:.2f} / {r['repeat_ms']['p95']:.2f}")
        r = sr["fresh_keyword"]
        print(f"  a keyword change, {r['keywords']} words never searched before: search {r['search_ms']['median']:.1f} / "
              f"{r['search_ms']['p95']:.1f}; the view's whole answer {r['answer_ms']['median']:.1f} / {r['answer_ms']['p95']:.1f}")
        print(f"  the same in CPU time (less sensitive to other work on the machine): search "
              f"{r['search_cpu_ms']['median']:.1f} / {r['search_cpu_ms']['p95']:.1f}, answer "
              f"{r['answer_cpu_ms']['median']:.1f} / {r['answer_cpu_ms']['p95']:.1f}")
        for k in (3, 10):
            r = sr[f"finder_{k}_lines"]
            print(f"  partner finder, {k} new lines: {r['median_ms']:.0f} / {r['p95_ms']:.0f}")
    if "updates" not in args.skip:
        res["updates"] = u = bench_updates(atlas, args.updates)
        print("\nfilter/indicator update, server side (Flask test client, view cache off), median of", args.updates)
        print("(ours: the whole callback - map Patch, priorities table, controls; naive: the map alone)")
        print("(bytes: the map's part of each response; ours is a Patch of values, naive embeds the GeoJSON)")
        print(f"{'scenario':18s} {'ours ms':>8s} {'naive ms':>9s} {'x faster':>8s} {'ours B':>8s} "
              f"{'naive B':>9s} {'x smaller':>9s} {'gz ours':>8s} {'gz naive':>8s} {'floor B':>8s} {'ours/floor':>10s}")
        for k, r in u.items():
            if k == "compression":
                continue
            print(f"{k:18s} {r['ours_ms']['median']:8.1f} {r['naive_ms']['median']:9.1f} "
                  f"{r['ratio_time_naive_over_ours']:8.1f} {r['ours_bytes']['raw']:8.0f} {r['naive_bytes']['raw']:9.0f} "
                  f"{r['ratio_bytes_naive_over_ours']:9.1f} {r['ours_bytes']['gzip']:8.0f} {r['naive_bytes']['gzip']:8.0f} "
                  f"{r['floor_bytes']:8.0f} {r['ratio_ours_over_floor']:10.2f}")
            print(f"{'':18s} p95: ours {r['ours_ms']['p95']:.1f} ms, naive {r['naive_ms']['p95']:.1f} ms; "
                  f"our whole response incl. table {r['ours_whole_response_bytes']['raw']:.0f} B "
                  f"({r['ours_whole_response_bytes']['gzip']:.0f} B gzip)")
            print(f"{'':18s} map part of our callback alone: {r['ours_map_part_ms']['median']:.1f} ms median, "
                  f"{r['ratio_time_naive_over_ours_map_part']:.0f}x faster than naive")
        c = u["compression"]
        print(f"compression of {c['payloads']} payloads: raw {c['raw']} B, gzip-6 {c['gzip6']} B "
              f"({c['gzip_ms_per_payload']:.2f} ms each), brotli-5 {c['brotli5']} B ({c['brotli_ms_per_payload']:.2f} ms each)")
    if "contributions" not in args.skip:
        res["contributions"] = cb = bench_contributions(atlas, max(10, args.updates // 2))
        print("\nread-only pages with contributions on / off (S3_CONTRIBUTIONS), median ms, same run:")
        for name, r in cb.items():
            print(f"  {name:15s} on {r['on_ms']:.1f}, off {r['off_ms']:.1f} (on/off {r['ratio_on_over_off']:.2f})")
    if "replay" not in args.skip:
        res["replay"] = rr = bench_replay(atlas, [int(c) for c in args.replay_clients.split(",")],
                                          args.replay_seconds, args.baseline_ref)
        print_replay(rr)
    if "firstload" not in args.skip:
        res["first_load"] = f = bench_first_load()
        for k, v in f.items():
            print(f"first load ({k}): {v['bytes_transferred'] / 1024:.0f} KiB in {v['requests']} requests, "
                  f"first map paint after {v['time_to_first_map_paint_s']:.2f} s")
    if "load" not in args.skip:
        res["load"] = ld = bench_load(atlas, args.clients, args.seconds, 1000)
        print(f"\nload: {ld['server']}, {ld['clients']} clients for {ld['seconds']} s: {ld['rps']:.1f} req/s "
              f"({ld['requests_per_filter_change']:.0f} requests per filter change: {ld['filter_changes_per_s']:.1f} changes/s), "
              f"p50 {ld['p50_ms']:.0f} ms, p95 {ld['p95_ms']:.0f} ms, errors {ld['errors']} of {ld['requests']}")
        print(f"memory (RSS per worker): after start {ld['rss_mb_per_worker_after_start']} MB, "
              f"after the load and {ld['updates_for_memory']} more updates {ld['rss_mb_per_worker_after_updates']} MB")
        half = args.seconds / 2
        res["load_kill"] = lk = bench_load(atlas, args.clients, half, 0, kill_at=half / 2)
        print(f"load with one worker killed after {half / 2:.0f} s: {lk['rps']:.1f} req/s, p95 {lk['p95_ms']:.0f} ms, "
              f"failed {lk['errors']} of {lk['requests']}; workers afterwards: {lk['workers_after']}")
    if "growth" not in args.skip:
        res["growth"] = g = bench_growth(atlas, max(10, args.updates // 3))
        print("\ngrowth (SYNTHETIC scaled priorities, filter update at NUTS 2, median ms):")
        for k, v in g.items():
            print(f"  {k:5s} {v['priorities']:7d} priorities: ours {v['ours_median_ms']:.1f}, naive {v['naive_median_ms']:.1f}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(res, indent=1, default=float))
    print(f"\nwritten: {OUT / 'bench.json'}")


if __name__ == "__main__":
    main()
