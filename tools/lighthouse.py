"""Lighthouse 12 and axe-core against the production server (`make lighthouse`).

Starts the app under gunicorn (as `make serve` does) on a free loopback port, runs Lighthouse
(installed by `make lighthouse` into build/lighthouse, never by `make run`) in headless Chromium,
desktop and mobile, on the main pages, then axe-core on every page and display mode. Each page and
form is measured --runs times (5) in a row; the table gives the median run (by performance score)
and every run's score with the load average before it: Lighthouse simulates a slow phone by
multiplying the work it saw, so work done by other programs on the machine shows in its figures.
Prints the tables and writes bench/results/lighthouse.json. Measures; asserts nothing.

    .venv/bin/python tools/lighthouse.py [--pages / /region/ES51] [--runs 5] [--skip-lighthouse] [--skip-axe]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "build" / "lighthouse"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
AXE_JS = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"
sys.path.insert(0, str(ROOT))
from tools.chromium import CHROMIUM  # noqa: E402
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
                "--no-first-run --disable-sync")
PAGES = ["/", "/region/ES51", "/compare?regions=ES51,BE3", "/partnerships", "/match"]
# axe-core runs on these as well: presentation and embed modes
AXE_EXTRA = ["/?present=1", "/?embed=1", "/?view=FRY4", "/region/ES51?present=1", "/compare?regions=ES51,BE3&embed=1",
             "/about/data"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": os.environ.get("WORKERS", "2")}
    log = tempfile.NamedTemporaryFile(prefix="s3-lighthouse-", suffix=".log", delete=False)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "--config", "gunicorn.conf.py", "app:server"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {Path(log.name).read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not answer within 90 s")


def lighthouse(url: str, form: str) -> dict:
    """One Lighthouse run: scores (0-100), TBT/CLS/LCP, bytes on the wire (all, JavaScript)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
        if form == "desktop":
            cmd.append("--preset=desktop")
        subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, timeout=300,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        report = json.loads(out.read_text())
    audits = report["audits"]
    metrics = (audits.get("metrics", {}).get("details", {}).get("items") or [{}])[0]
    items = audits.get("network-requests", {}).get("details", {}).get("items", [])
    js = sum(i.get("transferSize", 0) for i in items if i.get("resourceType") == "Script")
    failed = {k: a.get("title") for k, a in audits.items()
              if a.get("score") is not None and a.get("score") < 1 and a.get("scoreDisplayMode") == "binary"}
    return {
        "scores": {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES},
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "server_ms": round(audits["server-response-time"]["numericValue"]),
        "observed": {k: round(metrics.get(k, 0)) for k in ("observedFirstContentfulPaint",
                                                         "observedLargestContentfulPaint", "observedDomContentLoaded")},
        "bytes": audits["total-byte-weight"]["numericValue"],
        "js_bytes": js,
        "requests": len(items),
        "failed_binary_audits": failed,
        "largest_requests": [(i.get("url", "").split("?")[0][-70:], i.get("resourceType"), i.get("transferSize", 0))
                             for i in sorted(items, key=lambda i: -i.get("transferSize", 0))[:8]],
        "bootup": [(i.get("url", "")[-60:], round(i.get("scripting", 0)), round(i.get("total", 0)))
                   for i in audits.get("bootup-time", {}).get("details", {}).get("items", [])[:6]],
        "lcp_element": _lcp_element(audits),
    }


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda r: r["scores"]["performance"])
    return ordered[(len(ordered) - 1) // 2]


def _lcp_element(audits: dict) -> str:
    try:
        items = audits["largest-contentful-paint-element"]["details"]["items"][0]["items"]
        return items[0]["node"].get("snippet", "")[:160]
    except (KeyError, IndexError, TypeError):
        return ""


def axe_counts(base: str, paths: list[str]) -> dict:
    """axe-core (injected with page.evaluate: the app's CSP blocks added script tags) on each path."""
    from playwright.sync_api import sync_playwright

    source = AXE_JS.read_text()
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for path in paths:
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            pg = ctx.new_page()
            pg.goto(base + path, wait_until="networkidle")
            pg.wait_for_timeout(1500)
            pg.evaluate(source)
            res = pg.evaluate("async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
                              " return r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length})); }")
            out[path] = {
                "critical": sum(1 for v in res if v["impact"] == "critical"),
                "serious": sum(1 for v in res if v["impact"] == "serious"),
                "violations": res,
            }
            ctx.close()
        browser.close()
    return out


def kib(n: float) -> str:
    return f"{n / 1024:,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", nargs="*", default=PAGES)
    ap.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page and form (median reported)")
    ap.add_argument("--skip-lighthouse", action="store_true")
    ap.add_argument("--skip-axe", action="store_true")
    ap.add_argument("--forms", nargs="*", default=["desktop", "mobile"], choices=["desktop", "mobile"],
                    help="Lighthouse presets to run (both by default)")
    ap.add_argument("--base", help="measure an already running app instead of starting gunicorn")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "lighthouse.json"))
    args = ap.parse_args()
    if not args.skip_lighthouse and not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: run `make lighthouse` (installs it into build/lighthouse)")
    proc, base = (None, args.base.rstrip("/")) if args.base else start_server()
    results: dict = {"lighthouse": {}, "axe": {}}
    try:
        # warm the server (first requests build caches), as a returning visitor's server would be
        for path in args.pages:
            urllib.request.urlopen(base + path, timeout=30).read()
        if not args.skip_lighthouse:
            for path in args.pages:
                for form in args.forms:
                    runs = []
                    for _ in range(max(1, args.runs)):
                        before = loadavg()
                        r = lighthouse(base + path, form)
                        r["loadavg"] = before
                        runs.append(r)
                        s = r["scores"]
                        print(f"{path:28} {form:7} perf {s['performance']:3} a11y {s['accessibility']:3} "
                              f"bp {s['best-practices']:3} seo {s['seo']:3}  TBT {r['tbt_ms']:5} ms  CLS {r['cls']:.3f}  "
                              f"LCP {r['lcp_ms']:5} ms  {kib(r['bytes']):>6} KiB (JS {kib(r['js_bytes'])})  "
                              f"{r['requests']} requests  (load {before:.1f})", flush=True)
                    results["lighthouse"][f"{path} {form}"] = {**median_run(runs), "runs": runs}
        if not args.skip_axe and AXE_JS.exists():
            results["axe"] = axe_counts(base, args.pages + [p for p in AXE_EXTRA if p not in args.pages])
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)

    if results["lighthouse"]:
        print("\n| page | form | performance (median) | all runs (load average) | accessibility | best practices "
              "| SEO | TBT ms | CLS | LCP ms | KiB | JS KiB |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for key, r in results["lighthouse"].items():
            path, form = key.rsplit(" ", 1)
            s = r["scores"]
            every = ", ".join(f"{x['scores']['performance']} ({x['loadavg']:.1f})" for x in r["runs"])
            print(f"| {path} | {form} | {s['performance']} | {every} | {s['accessibility']} | {s['best-practices']} "
                  f"| {s['seo']} | {r['tbt_ms']} | {r['cls']} | {r['lcp_ms']} | {kib(r['bytes'])} "
                  f"| {kib(r['js_bytes'])} |")
    if results["axe"]:
        print("\n| page (axe-core) | critical | serious | rules |")
        print("| --- | --- | --- | --- |")
        for path, a in results["axe"].items():
            rules = ", ".join(f"{v['id']} ({v['impact']}, {v['n']})" for v in a["violations"]) or "none"
            print(f"| {path} | {a['critical']} | {a['serious']} | {rules} |")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
