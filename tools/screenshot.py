"""Take a screenshot of a page of the running app in headless Chromium.

    python tools/screenshot.py URL OUT.png [--width 1400 --height 1000] [--click-selector SEL]
"""
from __future__ import annotations

import argparse

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("out")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.on("console", lambda m: print("console:", m.type, m.text) if m.type in ("error", "warning") else None)
        page.on("request", lambda r: print("request:", r.url) if not r.url.startswith(("http://127.0.0.1", "http://localhost", "data:")) else None)
        page.goto(args.url, wait_until="networkidle")
        page.wait_for_selector("#page > *", timeout=20000)
        page.wait_for_timeout(3000)  # maps draw after the page's callbacks answer
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()


if __name__ == "__main__":
    main()
