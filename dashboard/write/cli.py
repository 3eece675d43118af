"""Command line of the write model.

    python -m dashboard.write.cli [--database URL] migrate
    python -m dashboard.write.cli [--database URL] reviewer NAME [--password-stdin]
    python -m dashboard.write.cli [--database URL] list
    python -m dashboard.write.cli [--database URL] publish --reviewer NAME

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


def _publish(store: Store, args) -> str:
    from dashboard.data.atlas import load_atlas
    from dashboard.data.published import published_folder
    from dashboard.write.publish import publish

    if store.reviewer(args.reviewer) is None:
        raise StoreError(f"no reviewer named {args.reviewer}")
    atlas = load_atlas(published_folder(SETTINGS.var_dir) or SETTINGS.data_dir)
    done = publish(store, atlas, args.reviewer, base_dir=SETTINGS.data_dir,
                   contributions_dir=SETTINGS.contributions_dir, var_dir=SETTINGS.var_dir)
    return (f"Published {len(done.proposals)} proposal(s) as snapshot {done.version} "
            f"({done.folder}); reviewed rows in {SETTINGS.contributions_dir}.")


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
    publishing = commands.add_parser("publish", help="publish the accepted proposals (servers reading the data "
                                                     "folder switch to the new snapshot)")
    publishing.add_argument("--reviewer", required=True, help="the reviewer who publishes")
    args = parser.parse_args(argv)

    engine = engine_for(args.database)
    try:
        migrate(engine)
        store = Store(engine)
        if args.command == "migrate":
            print("Database schema up to date.")
        elif args.command == "reviewer":
            print(_reviewer(store, args))
        elif args.command == "publish":
            print(_publish(store, args))
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
