"""Security headers on every response and the request body limit."""
from __future__ import annotations

from dashboard.app import create_app
from dashboard.settings import load_settings


def test_security_headers_and_frame_ancestors(atlas):
    client = create_app(atlas=atlas).server.test_client()
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "X-Frame-Options" not in r.headers
    settings = load_settings({"S3_FRAME_ANCESTORS": "https://example.org, 'self' javascript:alert(1)"})
    r = create_app(settings, atlas=atlas).server.test_client().get("/healthz")
    assert r.headers["Content-Security-Policy"].endswith("frame-ancestors https://example.org 'self'")


def test_oversize_request_body_gets_a_clear_message(atlas):
    client = create_app(atlas=atlas).server.test_client()
    r = client.post("/_dash-update-component", data=b"x" * (300 * 1024), content_type="application/json")
    assert r.status_code == 413 and b"Request too large" in r.data
