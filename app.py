"""Entry point: `python app.py` (development server) or `gunicorn app:server`."""
from dashboard.app import create_app
from dashboard.settings import SETTINGS

app = create_app()
server = app.server

if __name__ == "__main__":
    app.run(host=SETTINGS.host, port=SETTINGS.port, debug=SETTINGS.debug)
