"""`make screenshot`: docs/screenshot.png, the explorer as the README shows it.

Starts the app (app.py on the bundled snapshot) on a free loopback port, opens the page in headless
Chromium at 1400x900, waits until the map has drawn its regions and the table its rows, saves the
screenshot, stops the server and says which file it wrote (and that it replaced one, if it did).

    .venv/bin/python tools/screenshot.py [--path "/?q=health"] [--out docs/screenshot.png]
                                         [--width 1400] [--height 900] [--full]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# The explorer's map has drawn region shapes from the geometry files, the table has its rows and
# the first response's plain-HTML copy of the page is gone.
DRAWN = ("() => { const gd = document.querySelector('#ex-map .js-plotly-plot');"
         " return !document.getElementById('ssr-page') && !!(gd && gd._fullLayout && gd._fullLayout.geo"
         " && Array.from(gd.querySelectorAll('path.choroplethlocation'))"
         ".some(e => (e.getAttribute('d') || '').length > 2))"
         " && document.querySelectorAll('#ex-table .pt-region').length > 0; }")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app() -> tuple[subprocess.Popen, str, Path]:
    """app.py on a free loopback port; (process, base URL, its log file)."""
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    env.pop("S3_DEBUG", None)
    log = Path(tempfile.NamedTemporaryFile(prefix="s3-screenshot-", suffix=".log", delete=False).name)
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return proc, base, log
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the app did not answer within 90 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--path", default="/", help="page and query string to show (default: the explorer, /)")
    ap.add_argument("--out", default="docs/screenshot.png", help="PNG file to write")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--full", action="store_true", help="the whole page, not the first screen")
    args = ap.parse_args()
    out = Path(args.out)
    existed = out.exists()

    from playwright.sync_api import sync_playwright

    proc, base, log = start_app()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(f"error: {e}"))
            page.on("request", lambda r: problems.append(f"request outside the app: {r.url}")
                    if not r.url.startswith((base, "data:", "blob:")) else None)
            page.goto(base + args.path, wait_until="networkidle")
            if args.path.split("?")[0] in ("", "/"):
                page.wait_for_function(DRAWN, timeout=60000)
            else:
                page.wait_for_selector("#page > *", timeout=60000)
            page.evaluate("() => document.fonts.ready")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=args.full)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.unlink(missing_ok=True)
    for line in problems:
        print(line, file=sys.stderr)
    print(f"{'replaced' if existed else 'wrote'} {out} ({args.width}x{args.height}"
          f"{', whole page' if args.full else ''}, {base}{args.path})")


if __name__ == "__main__":
    main()
