"""Entry point: `python app.py` (development server) or `gunicorn app:server`."""
import os

# One OpenMP thread for the sentence model (see gunicorn.conf.py); set before the model loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from dashboard.app import create_app
from dashboard.settings import SETTINGS

app = create_app()
server = app.server

if __name__ == "__main__":
    app.run(host=SETTINGS.host, port=SETTINGS.port, debug=SETTINGS.debug)
