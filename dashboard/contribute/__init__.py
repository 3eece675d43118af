"""The web side of the write path: proposing, tracking, the JSON API, signing in and reviewing.

Plain server-drawn pages (Flask and Jinja, which escapes everything it prints), usable without
JavaScript; every path is under ``settings.NON_PUBLIC_PATHS``, so none is framed or cached
(security.py). The pages read and write through the write model (dashboard/write) only.

Security: forms carry a CSRF token (Flask-WTF); reviewers' sessions are signed cookies (HttpOnly,
SameSite=Strict, Secure unless ``S3_SECURE_COOKIES=0``) that last 8 hours and are renewed at
sign-in; sign-in attempts and proposals are rate-limited per address (Flask-Limiter, in Redis when
``S3_REDIS_URL`` is set); bodies are limited in size (413) and uploads in type.
"""
from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, jsonify, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..settings import FAVICON, MAX_UPLOAD_BYTES, Settings
from ..write.db import engine_for, migrate
from ..write.store import Store

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def secret_key(settings: Settings) -> str:
    """S3_SECRET_KEY, else a key made once and kept in var_dir (readable by this user only); several
    replicas share it by sharing var_dir, or by setting S3_SECRET_KEY."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.var_dir) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


class Contributions:
    """What the pages share: settings, the store, the atlas being served, the limiter."""

    def __init__(self, settings: Settings, atlas, store: Store, limiter: Limiter, css_url: str):
        self.settings, self.atlas, self.store, self.limiter = settings, atlas, store, limiter
        self.prefix = settings.url_prefix
        self.css_url = css_url
        self._known = (None, None)

    def known(self):
        """What the snapshot being served holds, for validation (read once per snapshot)."""
        from ..write.validate import Known

        version = self.atlas.version
        if self._known[0] != version:
            self._known = (version, Known.from_snapshot(self.atlas.data_dir))
        return self._known[1]

    def render(self, template: str, status: int = 200, **context):
        from .review import current_reviewer

        html = render_template(f"contribute/{template}", prefix=self.prefix, css_url=self.css_url, favicon=FAVICON,
                               reviewer=current_reviewer(), version=self.atlas.version, **context)
        return html, status


def install(server: Flask, settings: Settings, atlas, css_url: str) -> Contributions:
    """Register the write path's pages on the app's server (only when contributions are on)."""
    from . import api, propose, review

    server.secret_key = secret_key(settings)
    server.config.update(
        SESSION_COOKIE_NAME="s3_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.secure_cookies, PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=8 * 3600, WTF_CSRF_SSL_STRICT=settings.secure_cookies,
        # the checks run in the write path's own pages (CSRFProtect would also guard Dash's callbacks,
        # which change nothing)
        WTF_CSRF_CHECK_DEFAULT=False,
    )
    csrf = CSRFProtect(server)
    engine = engine_for(settings.database)
    migrate(engine)
    # A server that forks its workers after this (gunicorn's preload) must not hand them the
    # connections opened here: two processes on one PostgreSQL connection corrupt each other's
    # transactions. The pool starts empty in every process.
    engine.dispose()
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    store = Store(engine)
    limiter = Limiter(get_remote_address, app=server, default_limits=[],
                      storage_uri=settings.redis_url or "memory://", strategy="fixed-window",
                      key_prefix="s3atlas-limits")
    bp = Blueprint("contribute", __name__, url_prefix=settings.url_prefix.rstrip("/") or None,
                   template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"),
                   static_url_path="/contribute/static")
    # the limiter checks the write path's requests only: the read-only pages keep their speed
    check = limiter._check_request_limit
    if check in server.before_request_funcs.get(None, []):
        server.before_request_funcs[None].remove(check)
        bp.before_request(check)
    ctx = Contributions(settings, atlas, store, limiter, css_url)

    @bp.before_request
    def check_csrf():
        if request.method == "POST" and not request.path.rstrip("/").endswith("/api/proposals"):
            csrf.protect()

    @bp.errorhandler(CSRFError)
    def csrf_failed(exc):
        return ctx.render("message.html", 400, title="This form has expired",
                          message="The form was open too long or came from another site, so it was not accepted. "
                                  "Go back, reload the page and send it again.")

    @bp.errorhandler(413)
    def too_large(_exc):
        if request.path.rstrip("/").endswith("/api/proposals"):
            return jsonify(error=f"The proposal is too large: at most {settings.max_request_bytes} bytes."), 413
        return ctx.render("message.html", 413, title="Too large",
                          message=f"What was sent is too large (a template file may be up to "
                                  f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB).")

    @bp.errorhandler(429)
    def too_many(exc):
        msg = "Too many requests from your address: wait a minute and try again."
        if request.path.rstrip("/").endswith("/api/proposals"):
            return jsonify(error=msg), 429
        return ctx.render("message.html", 429, title="Too many requests", message=msg)

    api_root = f"{settings.url_prefix.rstrip('/')}/api/"

    @server.before_request
    def api_not_found():
        # an address under the API that none of its routes matches (a token with a slash or a line
        # break, say) is answered as JSON, not by the atlas's pages
        if not request.path.startswith(api_root) or (request.endpoint or "").startswith("contribute."):
            return None
        if getattr(request.routing_exception, "code", 404) != 404:
            return None  # e.g. 405: the method is wrong, not the address
        return jsonify(error="Not found: no such address in the API (a tracking token is used as it was given)."), 404

    propose.register(bp, ctx)
    api.register(bp, ctx, csrf)
    review.register(bp, ctx)
    server.register_blueprint(bp)
    return ctx
