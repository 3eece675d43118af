"""gunicorn settings for `make serve` (production). Values come from the environment."""
import os

import gunicorn.http.wsgi

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
