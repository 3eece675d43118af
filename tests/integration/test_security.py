"""Security headers on every response, framing rules and the request body limit."""
from __future__ import annotations

import pytest

from dashboard.app import create_app
from dashboard.security import is_public
from dashboard.settings import load_settings


def test_security_headers_and_frame_ancestors(atlas):
    client = create_app(atlas=atlas).server.test_client()
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    # public read-only pages: any site may embed them by default
    assert csp.endswith("frame-ancestors *")
    assert "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "X-Frame-Options" not in r.headers
    settings = load_settings({"S3_FRAME_ANCESTORS": "https://example.org, 'self' javascript:alert(1)"})
    r = create_app(settings, atlas=atlas).server.test_client().get("/healthz")
    assert r.headers["Content-Security-Policy"].endswith("frame-ancestors https://example.org 'self'")


def test_frame_ancestors_setting():
    assert load_settings({}).frame_ancestors == ("*",)
    assert load_settings({"S3_FRAME_ANCESTORS": " "}).frame_ancestors == ("*",)
    assert load_settings({"S3_FRAME_ANCESTORS": "https://a.example https://b.example/"}).frame_ancestors == (
        "https://a.example", "https://b.example")
    assert load_settings({"S3_FRAME_ANCESTORS": "none"}).frame_ancestors == ("'none'",)
    # set, but nothing usable in it (a typo): the app's own origin only, never every site
    assert load_settings({"S3_FRAME_ANCESTORS": "example.org"}).frame_ancestors == ("'self'",)


@pytest.mark.parametrize("prefix", ["/", "/s3/"])
def test_pages_that_are_not_public_are_never_framed_nor_cached(atlas, prefix):
    """A route under a non-public prefix (registered here as a future sign-in or review page would
    be) gets frame-ancestors 'none', X-Frame-Options DENY and no-store, even when the setting lets
    every site frame the app; the public pages next to it stay embeddable."""
    settings = load_settings({"S3_FRAME_ANCESTORS": "*", "S3_URL_PREFIX": prefix})
    server = create_app(settings, atlas=atlas).server
    server.add_url_rule(f"{prefix}review/queue", "test_review_queue", lambda: "proposals to review")
    server.add_url_rule(f"{prefix}account", "test_account", lambda: "your account")
    server.add_url_rule(f"{prefix}reviewers-guide", "test_public_guide", lambda: "a public page")
    client = server.test_client()
    for path in ("review/queue", "account", "Account/", "sign-in"):  # "sign-in": no such page yet (the 404 page)
        r = client.get(prefix + path)
        assert r.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'"), path
        assert "frame-ancestors *" not in r.headers["Content-Security-Policy"], path
        assert r.headers["X-Frame-Options"] == "DENY", path
        assert r.headers["Cache-Control"] == "no-store", path
    assert client.get(prefix + "review/queue").data == b"proposals to review"
    for path in ("", "reviewers-guide", "healthz", "region/ES51"):
        r = client.get(prefix + path)
        assert r.headers["Content-Security-Policy"].endswith("frame-ancestors *"), path
        assert "X-Frame-Options" not in r.headers, path
        assert r.headers.get("Cache-Control") != "no-store", path


def test_is_public_matches_whole_path_segments():
    s = load_settings({"S3_URL_PREFIX": "/s3/"})
    assert not is_public("/s3/review", s) and not is_public("/s3//review/7", s) and not is_public("/ADMIN", s)
    assert not is_public("/s3/sign-in/", s) and not is_public("/login", s)
    assert is_public("/s3/", s) and is_public("/s3/reviews-of-2024", s) and is_public("/s3/region/ES51", s)
    assert is_public("/s3/partnerships/account-management", s)  # only the first part of the path counts


def test_oversize_request_body_gets_a_clear_message(atlas):
    client = create_app(atlas=atlas).server.test_client()
    r = client.post("/_dash-update-component", data=b"x" * (300 * 1024), content_type="application/json")
    assert r.status_code == 413 and b"Request too large" in r.data
