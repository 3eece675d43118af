"""Replay of what a browser sends for a keyword change, against gunicorn, many clients.

The requests are captured once from a real page (Playwright + Chromium): a keyword typed into the
explorer's search box, every request the page then sends (the controls -> URL callback first, then
those it triggers, in parallel, and any other request such as the favicon), with their bodies. The
replay sends them again with a new keyword on every change (each change of each client a word the
server has not seen), the first request alone and the rest together, as the browser does.

Per server: keyword changes per second, latency of a whole change (p50, p95), and the server's CPU
time per change (user + system of the master and its workers, from /proc/<pid>/stat, before and
after). The naive app is replayed the same way: its one callback request per change.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CAPTURE_WORD = "hydrogen"  # the keyword typed while capturing; the replay puts a new word in its place
WARM_WORD = "textile"
COUNT_SAYS = "w => ((document.querySelector('#ex-count') || {}).textContent || '').includes(w)"
PAINTED = ("() => { const gd = document.querySelector('#ex-map .js-plotly-plot');"
           " return !!(gd && gd._fullLayout && gd._fullLayout.geo && gd._fullLayout.geo._subplot"
           " && Array.from(gd.querySelectorAll('path.choroplethlocation'))"
           ".some(p => (p.getAttribute('d') || '').length > 10)); }")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / TICK


def fresh_words(texts, n: int, skip: set[str] = frozenset()) -> list[str]:
    """``n`` distinct real words from the priorities' texts, whole words of 5 to 12 ASCII letters, in a
    fixed shuffled order: a new keyword for every change of a run. (Until 2026-12-08 the list also held
    pieces of words: the ASCII runs of words with other letters, "edpoklad" of "předpoklad", and the
    first 12 letters of longer words; no one types those, and each ran the sentence model.)"""
    import random

    words = sorted({w for t in texts for w in re.findall(r"[^\W\d_]+", str(t).lower())
                    if w.isascii() and 5 <= len(w) <= 12} - set(skip))
    random.Random(20).shuffle(words)
    return words[:n]


def fresh_pairs(words: list[str], n: int) -> list[str]:
    """``n`` distinct two-word keywords "a b" from ``words``, in a fixed order."""
    out, seen = [], set()
    k = len(words)
    for step in range(1, k):
        for i in range(k):
            pair = f"{words[i]} {words[(i + step * 7919) % k]}"
            if words[i] != words[(i + step * 7919) % k] and pair not in seen:
                seen.add(pair)
                out.append(pair)
                if len(out) >= n:
                    return out
    return out


def capture(base: str, chromium: str, args: list[str]) -> list[dict]:
    """Requests the explorer sends for one keyword change, in the order sent: method, path, body."""
    from playwright.sync_api import sync_playwright

    seen: list[dict] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base + "/")
        page.wait_for_selector("#ex-q")
        page.wait_for_function(PAINTED, timeout=60000, polling=50)  # the map drawn: geometry loaded
        # a first change, not recorded: what a page loads once (favicon, lazy scripts) is not part of a change
        page.fill("#ex-q", WARM_WORD)
        page.wait_for_function(COUNT_SAYS, arg=WARM_WORD, timeout=60000)
        page.wait_for_load_state("networkidle")
        # what reached the server: requests the browser answered from its cache are left out
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        sent: dict[str, dict] = {}
        cached: set[str] = set()
        recording = True

        def on_sent(e):
            req = e["request"]
            if recording and req["url"].startswith(base):
                sent[e["requestId"]] = {"method": req["method"], "path": req["url"][len(base):],
                                        "body": req.get("postData")}

        cdp.on("Network.requestWillBeSent", on_sent)
        cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
        page.fill("#ex-q", CAPTURE_WORD)
        page.wait_for_function(COUNT_SAYS, arg=CAPTURE_WORD, timeout=60000)
        page.wait_for_load_state("networkidle")
        recording = False
        browser.close()
    seen.extend(r for rid, r in sent.items() if rid not in cached)
    return seen


def split_change(requests: list[dict]) -> tuple[dict, list[dict]]:
    """(the first request, the ones sent after its answer)."""
    first = requests[0]
    return first, requests[1:]


def send(base: str, req: dict, word: str) -> tuple[int, float]:
    body = req["body"].replace(CAPTURE_WORD, word).encode() if req["body"] else None
    r = urllib.request.Request(base + req["path"].replace(CAPTURE_WORD, word), data=body, method=req["method"],
                               headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"}
                               if body else {"Accept-Encoding": "gzip"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(r, timeout=60) as resp:
            resp.read()
            return resp.status, time.perf_counter() - t
    except urllib.error.HTTPError as e:
        return e.code, time.perf_counter() - t
    except OSError:
        return 0, time.perf_counter() - t


def replay(base: str, requests: list[dict], words: list[str], clients: int, seconds: float,
           server_pids) -> dict:
    """``clients`` users each changing the keyword as soon as the previous change is drawn, for
    ``seconds``; a new word every change. ``server_pids()``: the server's processes now."""
    first, rest = split_change(requests)
    lock = threading.Lock()
    state = {"next": 0, "changes": [], "requests": [], "errors": 0}
    stop = time.perf_counter() + seconds

    def word():
        with lock:
            i = state["next"]
            state["next"] += 1
        return words[i] if i < len(words) else None

    def client():
        with ThreadPoolExecutor(max_workers=max(1, len(rest))) as pool:
            while time.perf_counter() < stop:
                w = word()
                if w is None:  # every fresh keyword used: the run ends here (``ran_out``)
                    break
                t0 = time.perf_counter()
                answers = [send(base, first, w)]
                answers += list(pool.map(lambda r: send(base, r, w), rest))
                dt = time.perf_counter() - t0
                with lock:
                    state["changes"].append(dt)
                    state["requests"].extend(a[1] for a in answers)
                    state["errors"] += sum(1 for a in answers if a[0] not in (200, 204, 304))

    pids = server_pids()
    cpu0, load0, t0 = cpu_seconds(pids), os.getloadavg(), time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds(pids) - cpu0
    load1 = os.getloadavg()
    import numpy as np

    ch, rq = state["changes"], state["requests"]
    if not ch:
        raise RuntimeError("no keyword change was replayed: give more fresh keywords")
    return {
        "clients": clients, "seconds": round(elapsed, 1), "changes": len(ch), "requests": len(rq),
        "requests_per_change": len(requests), "changes_per_s": len(ch) / elapsed,
        "change_p50_ms": 1000 * float(np.percentile(ch, 50)), "change_p95_ms": 1000 * float(np.percentile(ch, 95)),
        "request_p50_ms": 1000 * float(np.percentile(rq, 50)), "request_p95_ms": 1000 * float(np.percentile(rq, 95)),
        "server_cpu_ms_per_change": 1000 * cpu / max(1, len(ch)), "server_cpu_share_of_2_cores": cpu / elapsed / 2,
        "errors": state["errors"], "loadavg_before": load0, "loadavg_after": load1,
        "ran_out": state["next"] > len(words),  # the fresh keywords ran out before ``seconds``
    }


def describe(requests: list[dict]) -> list[str]:
    """One line per captured request: method, path and, for a callback, the outputs it asks for."""
    out = []
    for r in requests:
        what = r["path"]
        if r["body"] and "_dash-update-component" in r["path"]:
            what += " " + json.loads(r["body"])["output"][:60]
        out.append(f"{r['method']} {what}")
    return out
