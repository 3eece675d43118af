"""gunicorn entry of the naive baseline (bench/naive_app.py), for the replay in `make bench`:
`gunicorn bench.naive_wsgi:server`."""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the app's servers run
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from bench.naive_app import create_naive_app  # noqa: E402
from dashboard.data.atlas import load_atlas  # noqa: E402
from dashboard.settings import SETTINGS  # noqa: E402

app = create_naive_app(load_atlas(SETTINGS.data_dir))
server = app.server
