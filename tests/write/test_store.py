"""The store on SQLite and on PostgreSQL: proposals are kept once and survive a kill, reviews move
them only where their status allows, every action is audited, reviewer passwords are argon2id."""
from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from argon2 import PasswordHasher
from sqlalchemy import func, select, text, update

from dashboard.write import store as store_module
from dashboard.write.db import alembic_config, engine_for, migrate, revision
from dashboard.write.models import Base, Proposal, Reviewer
from dashboard.write.store import Store, StoreError, fingerprint
from dashboard.write.validate import validate

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
PRIORITY = "BE3-S3-2021-P1"  # Wallonia's "Circular materials"
STRATEGY = "BE3-S3-2021"


def proposal(known, description="Innovation that makes materials circular.", **overrides) -> dict:
    """A validated priority change (through validate, as the web side does)."""
    data = {"kind": "priority", "action": "change", "target": {"priority_id": PRIORITY},
            "fields": {"description": description}, "source_url": "https://www.wallonie.be/s3",
            "proposer": {"name": "Ana Proposer", "organisation": "SPW Économie", "email": "ana@example.org"},
            **overrides}
    clean, errors = validate(data, known)
    assert errors == {}
    return clean


def rows(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Proposal))


@pytest.fixture
def reviewer(store):
    return store.add_reviewer("Rita Reviewer", PASSWORD).name


# --- schema ------------------------------------------------------------------------------------------

def test_migrating_twice_is_harmless_and_the_schema_matches_the_models(engine):
    migrate(engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision(engine) == head == "0001"
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_three_processes_migrating_at_once_all_succeed(database_url, known):
    code = "import sys; from dashboard.write.db import engine_for, migrate; migrate(engine_for(sys.argv[1]))"
    procs = [subprocess.Popen([sys.executable, "-c", code, database_url], cwd=ROOT, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    engine = engine_for(database_url)
    assert revision(engine) == "0001"
    assert Store(engine).submit(proposal(known)).created
    engine.dispose()


def test_sqlite_is_durable_and_waits_for_locks(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'new' / 'folder' / 'atlas.db'}")
    assert (tmp_path / "new" / "folder").is_dir()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


# --- submitting --------------------------------------------------------------------------------------

def test_a_submitted_proposal_is_found_by_its_token_and_waits_for_review(store, known):
    submitted = store.submit(proposal(known))
    assert submitted.created and submitted.token
    assert len(submitted.token) >= 32
    found = store.by_token(submitted.token)
    assert found.public_id == submitted.proposal.public_id
    assert found.status == "pending"
    assert found.fields == {"description": "Innovation that makes materials circular."}
    assert found.proposer_organisation == "SPW Économie"
    assert found.created_at.tzinfo is not None
    assert store.get(found.public_id).id == found.id
    assert found.public_id.startswith("P") and len(found.public_id) == 9
    assert store.by_token(submitted.token[:-1] + ("A" if submitted.token[-1] != "A" else "B")) is None
    assert store.by_token("") is None and store.by_token(None) is None and store.get("P0000000") is None


def test_the_token_is_kept_only_as_its_hash(store, known, engine):
    submitted = store.submit(proposal(known))
    assert submitted.proposal.token_hash == hashlib.sha256(submitted.token.encode()).hexdigest()
    with engine.connect() as conn:
        dump = json.dumps([list(map(str, r)) for r in conn.execute(text("SELECT * FROM proposals"))])
        dump += json.dumps([list(map(str, r)) for r in conn.execute(text("SELECT * FROM audit_log"))])
    assert submitted.token not in dump


def test_an_identical_resubmission_is_recognised(store, known, engine, reviewer):
    first = store.submit(proposal(known))
    # the same content, other whitespace, another proposer and note: the same proposal
    again = proposal(known, description="  Innovation that makes   materials circular. ", note="again",
                     proposer={"name": "Bo", "organisation": "Other body", "email": "bo@example.org"})
    assert fingerprint(again) == fingerprint(proposal(known))
    second = store.submit(again)
    assert not second.created and second.token is None
    assert second.proposal.public_id == first.proposal.public_id
    assert rows(engine) == 1
    # a different text is a different proposal
    assert store.submit(proposal(known, description="Another text.")).created
    assert rows(engine) == 2
    # once rejected, the same content may be proposed anew
    store.act(first.proposal.public_id, reviewer, "reject", "The page does not say this.")
    third = store.submit(proposal(known))
    assert third.created and third.proposal.public_id != first.proposal.public_id
    assert rows(engine) == 3


def test_fifty_simultaneous_submissions_are_each_stored_once(store, known, engine):
    distinct = [proposal(known, description=f"Description number {i}.") for i in range(25)]
    work = distinct + distinct  # 25 different proposals, each sent twice
    barrier = threading.Barrier(len(work))
    results: list = [None] * len(work)
    failures: list = []

    def send(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = store.submit(work[i])
        except Exception as exc:  # noqa: BLE001 (reported below)
            failures.append(repr(exc))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert failures == []
    assert all(r is not None and r.proposal.public_id for r in results)
    assert rows(engine) == 25
    for i in range(25):  # both senders of one content got the same proposal, one of them created it
        pair = (results[i], results[i + 25])
        assert pair[0].proposal.public_id == pair[1].proposal.public_id
        assert sorted(r.created for r in pair) == [False, True]
    assert len({r.proposal.public_id for r in results}) == 25


def test_a_committed_proposal_is_there_for_a_new_engine(database_url, known):
    engine = engine_for(database_url)
    migrate(engine)
    submitted = Store(engine).submit(proposal(known))
    engine.dispose()
    reopened = engine_for(database_url)
    assert Store(reopened).by_token(submitted.token).public_id == submitted.proposal.public_id
    reopened.dispose()


KILLED_WRITER = """
import json, os, signal, sys
from dashboard.write.db import engine_for, migrate
from dashboard.write.store import Store
engine = engine_for(sys.argv[1])
migrate(engine)
submitted = Store(engine).submit(json.loads(sys.argv[2]))
print(submitted.proposal.public_id, submitted.token, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_an_acknowledged_proposal_survives_its_writer_being_killed(database_url, known):
    result = subprocess.run([sys.executable, "-c", KILLED_WRITER, database_url, json.dumps(proposal(known))],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr
    public_id, token = result.stdout.split()
    engine = engine_for(database_url)
    found = Store(engine).by_token(token)
    assert found is not None and found.public_id == public_id and found.status == "pending"
    engine.dispose()


# --- reviewing ---------------------------------------------------------------------------------------

def test_review_moves_a_proposal_only_where_its_status_allows(store, known, reviewer):
    pid = store.submit(proposal(known)).proposal.public_id
    changed = store.act(pid, reviewer, "request_changes", "Please cite the strategy's own page.")
    assert (changed.status, changed.status_reason, changed.reviewed_by) == (
        "changes_requested", "Please cite the strategy's own page.", reviewer)
    with pytest.raises(StoreError, match="waiting for the proposer's changes"):
        store.act(pid, reviewer, "request_changes", "Again.")
    accepted = store.act(pid, reviewer, "accept")
    assert accepted.status == "accepted" and accepted.reviewed_at is not None
    assert [p.public_id for p in store.accepted()] == [pid]
    with pytest.raises(StoreError, match="cannot be accepted"):
        store.act(pid, reviewer, "accept")
    published = store.mark_published([pid], "2026-12-01T1200", reviewer)
    assert published[0].status == "published" and published[0].published_version == "2026-12-01T1200"
    assert store.accepted() == []
    for action in ("accept", "reject", "request_changes"):
        with pytest.raises(StoreError, match=f"{pid} is published"):
            store.act(pid, reviewer, action, "Some reason.")
    with pytest.raises(StoreError, match="unknown review action"):
        store.act(pid, reviewer, "publish", "x")
    with pytest.raises(StoreError, match="no proposal"):
        store.act("PNOSUCH00", reviewer, "accept")


def test_reject_and_request_changes_need_a_reason_the_proposer_can_read(store, known, reviewer):
    submitted = store.submit(proposal(known))
    pid = submitted.proposal.public_id
    for action in ("reject", "request_changes"):
        with pytest.raises(StoreError, match="reason is required"):
            store.act(pid, reviewer, action, "   ")
    assert store.get(pid).status == "pending"
    store.act(pid, reviewer, "reject", "The cited page is about another region.")
    seen = store.by_token(submitted.token)
    assert seen.status == "rejected" and seen.status_reason == "The cited page is about another region."
    with pytest.raises(StoreError, match="is rejected"):
        store.act(pid, reviewer, "accept")


def test_an_accepted_proposal_may_still_be_rejected_before_publishing(store, known, reviewer):
    pid = store.submit(proposal(known)).proposal.public_id
    store.act(pid, reviewer, "accept")
    assert store.act(pid, reviewer, "reject", "Accepted by mistake.").status == "rejected"


def test_only_active_reviewers_act(store, known, reviewer, engine):
    pid = store.submit(proposal(known)).proposal.public_id
    with pytest.raises(StoreError, match="not an active reviewer"):
        store.act(pid, "Nobody", "accept")
    with engine.begin() as conn:
        conn.execute(update(Reviewer).values(active=False))
    with pytest.raises(StoreError, match="not an active reviewer"):
        store.act(pid, reviewer, "accept")
    assert store.check_password(reviewer, PASSWORD) is None
    assert store.get(pid).status == "pending"


def test_publishing_marks_all_or_none(store, known, reviewer):
    first = store.submit(proposal(known)).proposal.public_id
    second = store.submit(proposal(known, description="Other text.")).proposal.public_id
    store.act(first, reviewer, "accept")
    with pytest.raises(StoreError, match=f"{second} is waiting for review"):
        store.mark_published([first, second], "v2", reviewer)
    assert store.get(first).status == "accepted"
    store.act(second, reviewer, "accept")
    assert {p.status for p in store.mark_published([first, second], "v2", reviewer)} == {"published"}


def test_every_action_is_in_the_audit_log(store, known, reviewer):
    pid = store.submit(proposal(known)).proposal.public_id
    store.submit(proposal(known))
    store.act(pid, reviewer, "request_changes", "Cite the page.")
    store.act(pid, reviewer, "accept")
    store.mark_published([pid], "v3", reviewer)
    store.delete_contact(pid, reviewer)
    other = store.submit(proposal(known, description="Something else.")).proposal.public_id
    store.act(other, reviewer, "reject", "Not in the source.")

    entries = store.audit(pid)
    assert [(e.actor, e.action) for e in entries] == [
        ("proposer", "submit"), ("proposer", "resubmit"), (reviewer, "request_changes"), (reviewer, "accept"),
        (reviewer, "publish"), (reviewer, "delete_contact")]
    assert entries[2].detail == {"proposal": pid, "status_from": "pending", "status_to": "changes_requested",
                                 "reason": "Cite the page."}
    assert entries[4].detail["version"] == "v3"
    assert all(e.at.tzinfo is not None for e in entries)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    everything = store.audit()
    assert everything[0].action == "add_reviewer" and everything[0].detail == {"reviewer": reviewer}
    assert everything[-1].action == "reject" and everything[-1].detail["reason"] == "Not in the source."
    assert [e.action for e in store.audit(limit=2)] == ["submit", "reject"]
    # the proposer's name and e-mail never reach the log
    assert "ana@example.org" not in json.dumps([e.detail for e in everything])


def test_a_reviewer_deletes_the_proposers_contact_details(store, known, reviewer, engine):
    pid = store.submit(proposal(known)).proposal.public_id
    cleared = store.delete_contact(pid, reviewer)
    assert (cleared.proposer_name, cleared.proposer_email) == (None, None)
    # the organisation stays: published rows say "contributed by <organisation>"
    assert cleared.proposer_organisation == "SPW Économie"
    assert cleared.contact_deleted_at is not None
    with engine.connect() as conn:
        assert conn.execute(select(Proposal.proposer_email, Proposal.proposer_name)).all() == [(None, None)]
    with pytest.raises(StoreError, match="already deleted"):
        store.delete_contact(pid, reviewer)
    assert store.audit(pid)[-1].action == "delete_contact"


def test_related_proposals_are_those_on_the_same_thing(store, known):
    a = store.submit(proposal(known)).proposal
    b = store.submit(proposal(known, description="A competing text.")).proposal
    other_priority = store.submit(proposal(known, target={"priority_id": "BE3-S3-2021-P2"})).proposal
    bulk, errors = validate({"kind": "bulk", "action": "change", "target": {"strategy_id": STRATEGY},
                             "fields": {"rows": [{"priority_id": PRIORITY, "title": "Circular materials"}]},
                             "source_url": "https://www.wallonie.be/s3",
                             "proposer": {"name": "A", "organisation": "B", "email": "a@example.org"}}, known)
    assert errors == {}
    bulk = store.submit(bulk).proposal
    assert [p.public_id for p in store.related(a)] == [b.public_id, bulk.public_id]
    assert [p.public_id for p in store.related(other_priority)] == []
    assert {p.public_id for p in store.related(bulk)} == {a.public_id, b.public_id}


def test_the_queue_lists_open_proposals_oldest_first(store, known, reviewer):
    ids = [store.submit(proposal(known, description=f"Text {i}.")).proposal.public_id for i in range(3)]
    store.act(ids[1], reviewer, "reject", "No.")
    assert [p.public_id for p in store.queue()] == [ids[0], ids[2]]
    assert [p.public_id for p in store.queue(["rejected"])] == [ids[1]]
    assert store.counts() == {"pending": 2, "rejected": 1}


# --- reviewers ---------------------------------------------------------------------------------------

def test_reviewer_passwords_are_argon2id_hashes(store, engine):
    added = store.add_reviewer("  Rita Reviewer ", PASSWORD)
    assert added.name == "Rita Reviewer"
    with engine.connect() as conn:
        stored = conn.scalar(select(Reviewer.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert store.check_password("Rita Reviewer", PASSWORD).name == "Rita Reviewer"
    assert store.check_password("Rita Reviewer", PASSWORD + "x") is None
    assert store.check_password("Nobody", PASSWORD) is None
    assert store.check_password("Rita Reviewer", None) is None
    with pytest.raises(StoreError, match="already a reviewer"):
        store.add_reviewer("Rita Reviewer", PASSWORD)
    with pytest.raises(StoreError, match="at least 12 characters"):
        store.add_reviewer("Sam", "short pass")
    with pytest.raises(StoreError, match="name"):
        store.add_reviewer("  ", PASSWORD)
    store.set_password("Rita Reviewer", "another long password")
    assert store.check_password("Rita Reviewer", PASSWORD) is None
    assert store.check_password("Rita Reviewer", "another long password") is not None
    assert [e.action for e in store.audit()] == ["add_reviewer", "set_password"]


def test_an_unknown_name_costs_a_password_check_too(store, monkeypatch):
    store.add_reviewer("Rita Reviewer", PASSWORD)
    calls = []
    real = store_module._hasher

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hashed, password):
            calls.append(hashed)
            return real.verify(hashed, password)

    monkeypatch.setattr(store_module, "_hasher", Spy())
    assert store.check_password("Nobody", PASSWORD) is None
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_an_old_hash_is_renewed_on_sign_in(store, engine):
    store.add_reviewer("Rita Reviewer", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(Reviewer).values(password_hash=weak))
    assert store.check_password("Rita Reviewer", PASSWORD) is not None
    with engine.connect() as conn:
        renewed = conn.scalar(select(Reviewer.password_hash))
    assert renewed != weak and not store_module._hasher.check_needs_rehash(renewed)
    assert store.check_password("Rita Reviewer", PASSWORD) is not None


# --- command line ------------------------------------------------------------------------------------

def cli(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.write.cli", "--database", database_url, *args],
                          cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)


def test_the_command_line_adds_reviewers_and_lists_the_queue(database_url, known):
    assert cli(database_url, "migrate").returncode == 0
    short = cli(database_url, "reviewer", "Rita", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr and "Traceback" not in short.stderr
    added = cli(database_url, "reviewer", "Rita", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0 and "Reviewer Rita added" in added.stdout
    changed = cli(database_url, "reviewer", "Rita", "--password-stdin", stdin="a brand new password\n")
    assert changed.returncode == 0 and "changed" in changed.stdout
    engine = engine_for(database_url)
    store = Store(engine)
    assert store.check_password("Rita", "a brand new password") is not None
    pid = store.submit(proposal(known)).proposal.public_id
    listed = cli(database_url, "list")
    assert listed.returncode == 0
    assert "1 pending" in listed.stdout and pid in listed.stdout and PRIORITY in listed.stdout
    assert "ana@example.org" not in listed.stdout
    engine.dispose()
