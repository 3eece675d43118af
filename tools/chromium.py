"""The Chromium that tests, benchmarks and tools drive, found one way everywhere: the CHROMIUM
environment variable (the Makefile sets it), else `chromium` on the PATH, else /usr/bin/chromium
(Debian's package)."""
from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Headless in a container or on a CI machine: no sandbox, GPU, background traffic or first-run tasks.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
