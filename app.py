"""Entry point: `python app.py` (development server) or `gunicorn app:server`."""
import os

# One OpenMP thread for the sentence model (see gunicorn.conf.py); set before the model loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import sys

from dashboard.app import create_app
from dashboard.cache import CacheConfigError
from dashboard.settings import SETTINGS

try:
    app = create_app()
except CacheConfigError as e:  # a configuration the server cannot run with: say so, no traceback
    sys.exit(f"S3 Atlas cannot start: {e}")
server = app.server

if __name__ == "__main__":
    app.run(host=SETTINGS.host, port=SETTINGS.port, debug=SETTINGS.debug)
