"""All configuration, read once from environment variables.

Nothing else in the project reads ``os.environ``; import ``SETTINGS`` (or call
``load_settings`` in tests) instead.

Framing (``S3_FRAME_ANCESTORS``): the public, read-only pages may be shown in an iframe by any
site by default (``*``); a space- or comma-separated list of origins
(``S3_FRAME_ANCESTORS="https://www.example.org https://intranet.example.org"``, ``'self'`` for the
app's own origin, ``'none'`` for no one) limits it to those sites. Pages that are not public
(``NON_PUBLIC_PATHS``: signing in, reviewing, accounts, administration) are never framed, whatever
the setting says (``security.is_public``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Reviewed hand-made tables the build reads; the app reads one of them at run time (the query term
# table that translates other EU languages, dashboard/data/crosslang.py).
SOURCES_DIR = ROOT / "geodata" / "sources"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _nuts_version(value: str | None, default: str = "2021") -> str:
    value = (value or "").strip()
    return value if value in {"2021", "2024"} else default


# Limits on user input (URL parameters and controls): fixed, not read from the environment.
MAX_KEYWORD_LENGTH = 200
MAX_SELECTED_CODES = 50
TABLE_PAGE_SIZE = 15
# Answers of views (search result, matching priorities, counts) each worker keeps (data/answer.py)
ANSWER_MEMO = 64
# Path prefixes (under the URL prefix) of pages that are not public read-only views: they are
# never shown in a frame of another site nor kept in a cache (security.is_public). A page that
# signs people in, reviews or changes data goes under one of them.
NON_PUBLIC_PATHS = ("/sign-in", "/signin", "/login", "/logout", "/review", "/account", "/admin",
                    "/propose", "/proposals", "/api/proposals")
# Contributions (the write path, dashboard/write and dashboard/contribute): size limits of what a
# proposer sends, fixed here.
# The site's icon, written into every page: a data address, so a browser never asks the server for it
# (Chromium asked for /_favicon.ico again on every change of the explorer's URL, cache header or not).
FAVICON = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
           "%3Crect width='16' height='16' rx='3' fill='%230a58ca'/%3E"
           "%3Ctext x='8' y='12' font-family='Arial,sans-serif' font-size='9' font-weight='700' fill='%23fff' "
           "text-anchor='middle'%3ES3%3C/text%3E%3C/svg%3E")
MAX_PROPOSAL_BYTES = 64 * 1024  # one JSON proposal or form
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a bulk CSV/XLSX template
MAX_BULK_ROWS = 500


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    data_dir: Path = ROOT / "geodata" / "snapshot"
    # Prefix the app is served under (e.g. "/s3/") behind a reverse proxy.
    url_prefix: str = "/"
    # Limits on user input (URL parameters and controls).
    max_keyword_length: int = MAX_KEYWORD_LENGTH
    max_selected_codes: int = MAX_SELECTED_CODES
    table_page_size: int = TABLE_PAGE_SIZE
    # NUTS version of the boundaries the data build and refresh use ("2021" or "2024").
    nuts_version: str = "2021"
    # Origins allowed to show the public pages in an iframe (Content-Security-Policy
    # frame-ancestors): "*" (any site, the default) or a list of origins; see the module's docstring.
    frame_ancestors: tuple[str, ...] = ("*",)
    # Pages never framed nor cached, whatever frame_ancestors says.
    non_public_paths: tuple[str, ...] = NON_PUBLIC_PATHS
    # Saved views a presenter steps through with the arrow keys.
    stories_file: Path = ROOT / "dashboard" / "stories.json"
    # Largest request body accepted (callback requests are a few kB).
    max_request_bytes: int = 256 * 1024
    # Shared server-side cache; empty means a small in-process cache per worker.
    redis_url: str = ""
    cache: bool = True
    # The write path: proposals, reviewers, publishing. Off (S3_CONTRIBUTIONS=0): a read-only atlas.
    contributions: bool = True
    # Folder of what the running app writes: the SQLite database, published snapshots, the secret key.
    var_dir: Path = ROOT / "var"
    # Database of proposals, reviewers and the audit log: SQLite in var_dir unless a URL is given
    # (postgresql+psycopg://user:pass@host/db, shared by several replicas).
    database_url: str = ""
    # Reviewed source rows that accepted proposals become (read by the build like every source).
    contributions_dir: Path = SOURCES_DIR / "contributions"
    # Key that signs session cookies and CSRF tokens; empty: one is made and kept in var_dir.
    secret_key: str = ""
    # Session and CSRF cookies only over HTTPS (browsers treat http://localhost as secure).
    secure_cookies: bool = True
    # Rate limits (Flask-Limiter notation), per client address.
    proposal_rate: str = "20 per minute;200 per day"
    sign_in_rate: str = "5 per minute;50 per day"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'atlas.db'}"


def _origins(value: str | None) -> tuple[str, ...]:
    """Space- or comma-separated origins; 'self' and 'none' may be given with or without quotes;
    unset or empty: any site ('*'); set but with nothing usable: the app's own origin only."""
    out = []
    for item in (value or "").replace(",", " ").split():
        if item == "*":
            out.append("*")
        elif item.strip("'") in {"self", "none"}:
            out.append(f"'{item.strip(chr(39))}'")
        elif item.startswith(("http://", "https://")) and all(c not in item for c in ";'\"\\ "):
            out.append(item.rstrip("/"))
    if not (value or "").strip():
        return Settings.frame_ancestors
    return tuple(out) or ("'self'",)  # set, but nothing usable in it: the app's own origin only


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    prefix = env.get("S3_URL_PREFIX", "/") or "/"
    if not prefix.startswith("/"):
        prefix = "/" + prefix
    if not prefix.endswith("/"):
        prefix += "/"
    return Settings(
        host=env.get("HOST", "127.0.0.1") or "127.0.0.1",
        port=_int(env.get("PORT"), 8050),
        debug=_bool(env.get("S3_DEBUG")),
        data_dir=Path(env.get("S3_DATA_DIR") or Settings.data_dir),
        url_prefix=prefix,
        nuts_version=_nuts_version(env.get("S3_NUTS_VERSION")),
        frame_ancestors=_origins(env.get("S3_FRAME_ANCESTORS")),
        stories_file=Path(env.get("S3_STORIES") or Settings.stories_file),
        max_request_bytes=_int(env.get("S3_MAX_REQUEST_BYTES"), Settings.max_request_bytes),
        redis_url=env.get("S3_REDIS_URL", "").strip(),
        cache=_bool(env.get("S3_CACHE"), True),
        contributions=_bool(env.get("S3_CONTRIBUTIONS"), True),
        var_dir=Path(env.get("S3_VAR_DIR") or Settings.var_dir),
        database_url=env.get("S3_DATABASE_URL", "").strip(),
        contributions_dir=Path(env.get("S3_CONTRIBUTIONS_DIR") or Settings.contributions_dir),
        secret_key=env.get("S3_SECRET_KEY", ""),
        secure_cookies=_bool(env.get("S3_SECURE_COOKIES"), True),
        proposal_rate=env.get("S3_PROPOSAL_RATE", "").strip() or Settings.proposal_rate,
        sign_in_rate=env.get("S3_SIGN_IN_RATE", "").strip() or Settings.sign_in_rate,
    )


SETTINGS = load_settings()
