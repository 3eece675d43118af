"""Command line of the write model.

    python -m dashboard.write.cli [--database URL] migrate
    python -m dashboard.write.cli [--database URL] reviewer NAME [--password-stdin]
    python -m dashboard.write.cli [--database URL] list

``reviewer`` creates the account, or gives an existing one a new password (asked twice, or one
line read from standard input). Every command first brings the schema up to date. The database
is S3_DATABASE_URL's, or the SQLite file in the data folder, unless --database names another.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.exc import OperationalError

from dashboard.settings import SETTINGS
from dashboard.write.db import engine_for, migrate
from dashboard.write.store import Store, StoreError


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    if first != getpass.getpass("Password again: "):
        raise StoreError("the two passwords differ")
    return first


def _reviewer(store: Store, args) -> str:
    password = _password(args.password_stdin)
    if store.reviewer(args.name) is None:
        store.add_reviewer(args.name, password)
        return f"Reviewer {args.name} added."
    store.set_password(args.name, password)
    return f"Password of reviewer {args.name} changed."


def _list(store: Store, _args) -> str:
    counts = store.counts()
    lines = ["Proposals: " + (", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items()))
                              or "none")]
    for p in store.queue(("pending", "changes_requested", "accepted")):
        target = " ".join(f"{v}" for v in p.target.values())
        lines.append(f"{p.public_id}  {p.created_at:%Y-%m-%d}  {p.status:<17}  {p.kind} {p.action} {target}"
                     f"  ({p.proposer_organisation or 'organisation not given'})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.write.cli",
                                     description="Database of proposals, reviewers and the audit log.")
    parser.add_argument("--database", default=SETTINGS.database,
                        help="database URL (default: S3_DATABASE_URL, or the SQLite file in the data folder)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or update the tables")
    reviewer = commands.add_parser("reviewer", help="add a reviewer, or set an existing reviewer's password")
    reviewer.add_argument("name")
    reviewer.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    commands.add_parser("list", help="proposals per status and the open ones")
    args = parser.parse_args(argv)

    engine = engine_for(args.database)
    try:
        migrate(engine)
        store = Store(engine)
        if args.command == "migrate":
            print("Database schema up to date.")
        elif args.command == "reviewer":
            print(_reviewer(store, args))
        else:
            print(_list(store, args))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(f"error: cannot use the database {engine.url!r}: {exc.orig}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
