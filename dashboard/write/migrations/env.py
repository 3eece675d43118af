"""Alembic environment: runs on the connection db.migrate hands over (or on sqlalchemy.url when
Alembic's own command line is used to write a new revision)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from dashboard.write.models import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).begin() as conn:
        run(conn)
