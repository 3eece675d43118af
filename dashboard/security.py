"""Response headers and request limits for every response the app sends."""
from __future__ import annotations

from flask import Flask, Response, jsonify, request

from .settings import Settings


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
