"""gunicorn settings for `make serve` (production). Values come from the environment."""
import os

import gunicorn.http.wsgi

# One OpenMP thread per worker for the sentence model: busy-waiting threads slow queries under load,
# and threads started before the fork would not survive it.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WORKERS", "2") or 2)
accesslog = "-"
errorlog = "-"
timeout = 60
graceful_timeout = 20
# The snapshot is loaded once in the master and shared by the forked workers.
preload_app = True
# No server name or version banner in responses.
gunicorn.http.wsgi.SERVER = ""


def post_worker_init(worker):
    """Each worker builds the main pages before its first visitor (dashboard.app.warm_up)."""
    from dashboard.app import warm_up

    seconds = warm_up(worker.wsgi)
    worker.log.info("worker %s warmed its pages in %.1f s", worker.pid, seconds)
