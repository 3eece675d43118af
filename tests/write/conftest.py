"""Fixtures of the write path's tests: a database on SQLite and on PostgreSQL.

``pg_server`` starts a throwaway PostgreSQL cluster from the distribution's binaries (once per
session) and makes a new empty database per call of ``new_database_url()``; ``database_url``
is one fresh database per test, on each of the two.
"""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from dashboard.write.db import engine_for, migrate
from dashboard.write.store import Store
from dashboard.write.validate import Known

DATABASES = ("sqlite", "postgresql")
SNAPSHOT = Path(__file__).resolve().parents[2] / "geodata" / "snapshot"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found and shutil.which("initdb"):
        found = [shutil.which("initdb")]
    if not found:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found: the write path's tests run on "
                    "PostgreSQL too; install them with `apt-get install postgresql`")
    return Path(found[-1]).parent


class PgServer:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 with trust authentication."""

    def __init__(self):
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="s3-atlas-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if result.returncode:
            log = self.root / "server.log"
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n"
                               f"{log.read_text() if log.exists() else ''}")

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database_url(self) -> str:
        """A new, empty database on this cluster."""
        import psycopg

        name = f"atlas_test_{next(self._names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server():
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """One fresh database per test: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'atlas.db'}"
    return request.getfixturevalue("pg_server").new_database_url()


@pytest.fixture
def engine(database_url):
    engine = engine_for(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine):
    return Store(engine)


@pytest.fixture(scope="session")
def known():
    return Known.from_snapshot(SNAPSHOT)
