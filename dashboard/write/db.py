"""Opening and migrating the database of the write model.

SQLite (the default, a file under the data folder) or PostgreSQL
(``postgresql+psycopg://user:password@host/db``, shared by several replicas).
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_MS = 15_000
# Key of the PostgreSQL advisory lock held while migrating (any constant shared by all replicas).
MIGRATION_LOCK = 0x53_33_41_54  # "S3AT"
# Execution option of a connection that will write: on SQLite its transaction takes the write lock
# at once (BEGIN IMMEDIATE), so two writers queue instead of failing half-way.
WRITE = {"s3_write": True}


def engine_for(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, full sync on commit, a busy timeout and foreign keys,
    and its folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        immediate = connection.get_execution_options().get("s3_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(connection=None) -> Config:
    """Alembic's configuration, built in code (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision, in one transaction. Safe to call again, and from
    several processes at once (SQLite: the write lock; PostgreSQL: an advisory lock)."""
    with engine.connect() as connection:
        connection = connection.execution_options(**WRITE)
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            command.upgrade(alembic_config(connection), "head")


def revision(engine: Engine) -> str | None:
    """The schema's current revision (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
