"""Response headers and request limits for every response the app sends.

Framing: public, read-only pages carry ``frame-ancestors`` from ``S3_FRAME_ANCESTORS`` (any site by
default), so other sites can embed them. A page that is not public (``is_public`` is False: its
path is under one of ``settings.non_public_paths``, e.g. signing in or reviewing) is never framed
and never cached, whatever that setting says: ``frame-ancestors 'none'``, ``X-Frame-Options: DENY``
and ``Cache-Control: no-store`` (``non_public_headers``). A new page that is not for everyone
only needs its path under one of those prefixes.
"""
from __future__ import annotations

import re

from flask import Flask, Response, jsonify, request

from .settings import Settings


def is_public(path: str, settings: Settings) -> bool:
    """False for a request path (with or without the app's URL prefix) under one of the
    non-public prefixes: the prefix itself or anything below it, in any letter case and however
    many slashes separate the parts."""
    path = "/" + re.sub(r"/+", "/", path or "/").strip("/").lower()
    prefix = "/" + settings.url_prefix.strip("/").lower()
    candidates = {path}
    if prefix != "/" and (path == prefix or path.startswith(prefix + "/")):
        candidates.add(path[len(prefix):] or "/")
    for p in settings.non_public_paths:
        p = "/" + p.strip("/").lower()
        if any(c == p or c.startswith(p + "/") for c in candidates):
            return False
    return True


def non_public_headers(resp: Response, csp: str) -> Response:
    """A response that no other site may frame and no cache may keep."""
    resp.headers["Content-Security-Policy"] = re.sub(r"frame-ancestors [^;]*$", "frame-ancestors 'none'", csp)
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def content_security_policy(settings: Settings, script_hashes: list[str]) -> str:
    """No inline script except Dash's own (by hash); framing only by the configured origins."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        "style-src 'self' 'unsafe-inline'",  # React sets style attributes
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "child-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors " + " ".join(settings.frame_ancestors),
    ])


def install(server: Flask, settings: Settings, script_hashes: list[str]) -> None:
    """script_hashes: Dash's inline-script hashes (app.csp_hashes())."""
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    csp = content_security_policy(settings, script_hashes)

    @server.after_request
    def headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = csp
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        resp.headers.pop("X-Frame-Options", None)  # frame-ancestors decides
        resp.headers.pop("Server", None)
        if not is_public(request.path, settings):
            non_public_headers(resp, csp)
        return resp

    @server.errorhandler(413)
    def too_large(_exc):
        return jsonify(error=f"Request too large: at most {settings.max_request_bytes} bytes are accepted."), 413

    @server.errorhandler(500)
    def server_error(_exc):
        # No traceback leaves the server; the log has it.
        if request.path.endswith("_dash-update-component"):
            return jsonify(error="The view could not be updated. Please reload the page."), 500
        return Response("Something went wrong on our side. Please reload the page.", 500, mimetype="text/plain")
