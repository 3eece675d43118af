"""Proposals, reviewers and the audit log: every change is one transaction, committed before the
method returns, and recorded in the audit log in that same transaction.

A proposal's life: pending → accepted → published, or → rejected (with a reason the proposer
reads), or pending → changes_requested (with a reason) → accepted or rejected.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.write.db import WRITE
from dashboard.write.models import OPEN_STATUSES, AuditEntry, Proposal, Reviewer, utcnow

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_REASON = 2000
# What each review action needs the proposal to be in, and what it makes of it.
TRANSITIONS = {
    "accept": (("pending", "changes_requested"), "accepted"),
    "reject": (("pending", "changes_requested", "accepted"), "rejected"),
    "request_changes": (("pending",), "changes_requested"),
}
REASON_REQUIRED = {"reject", "request_changes"}
DONE = {"accept": "accepted", "reject": "rejected", "request_changes": "sent back for changes"}
STATUS_WORDS = {"pending": "waiting for review", "changes_requested": "waiting for the proposer's changes",
                "accepted": "accepted", "rejected": "rejected", "published": "published"}
# The actor of a proposal's submission in the audit log: the proposer's details stay in the
# proposal, where they can be deleted.
PROPOSER = "proposer"

_hasher = PasswordHasher()
_dummy_hash: str | None = None


class StoreError(ValueError):
    """An action that cannot be done; ``str()`` says why, in words a reviewer can act on."""


@dataclass(frozen=True)
class Submitted:
    """The stored proposal; ``token`` is the private tracking token (only when ``created``: an
    identical proposal already there keeps its own token, which is never stored in clear)."""

    proposal: Proposal
    token: str | None
    created: bool


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_public_id() -> str:
    """'P' and 8 base32 characters (40 random bits)."""
    return "P" + base64.b32encode(secrets.token_bytes(5)).decode("ascii")


def _normalised(value):
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _normalised(v) for k, v in value.items()}
    return value


def fingerprint(clean: dict) -> str:
    """sha256 of what a proposal says (kind, action, target, fields, source), whitespace
    normalised; the proposer and the note do not count."""
    content = {k: _normalised(clean.get(k)) for k in ("kind", "action", "target", "fields", "source_url")}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_password_rules(password: object) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise StoreError(f"the password must be at least {MIN_PASSWORD} characters long")
    if len(password) > MAX_PASSWORD:
        raise StoreError(f"the password must be at most {MAX_PASSWORD} characters long")
    return password


def _name_of(reviewer: Reviewer | str) -> str:
    return reviewer.name if isinstance(reviewer, Reviewer) else str(reviewer or "").strip()


class Store:
    """The write model's operations on one database (already migrated, see ``db.migrate``)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            if write:
                session.connection(execution_options=WRITE)
            yield session

    @staticmethod
    def _audit(session: Session, actor: str, action: str, proposal: Proposal | None = None,
               detail: dict | None = None) -> None:
        detail = dict(detail or {})
        if proposal is not None:
            detail = {"proposal": proposal.public_id, **detail}
        session.add(AuditEntry(at=utcnow(), actor=actor, action=action,
                               proposal_id=proposal.id if proposal is not None else None, detail=detail))

    # --- proposals -------------------------------------------------------------------------------

    def submit(self, clean: dict) -> Submitted:
        """Store a validated proposal (``validate.validate``'s output). An identical proposal that
        is not rejected is answered instead of a new one (``created`` False)."""
        missing = [k for k in ("kind", "action", "target", "fields", "source_url", "proposer") if k not in clean]
        if missing:
            raise StoreError(f"not a validated proposal (missing {', '.join(missing)})")
        fp = fingerprint(clean)
        for _ in range(5):
            existing = self._open_with(fp)
            if existing is not None:
                return self._resubmitted(existing)
            token = secrets.token_urlsafe(24)
            now = utcnow()
            proposer = clean.get("proposer") or {}
            proposal = Proposal(
                public_id=new_public_id(), token_hash=token_hash(token), kind=clean["kind"],
                action=clean["action"], target=clean["target"], fields=clean["fields"],
                source_url=clean["source_url"], note=clean.get("note") or "",
                proposer_name=proposer.get("name"), proposer_organisation=proposer.get("organisation"),
                proposer_email=proposer.get("email"), fingerprint=fp, status="pending",
                created_at=now, updated_at=now)
            try:
                with self._session(write=True) as session:
                    session.add(proposal)
                    session.flush()
                    self._audit(session, PROPOSER, "submit", proposal,
                                {"kind": proposal.kind, "action": proposal.action, "target": proposal.target})
            except IntegrityError:
                continue  # the same proposal was stored meanwhile (or, rarely, the id was taken): look again
            return Submitted(proposal, token, True)
        raise StoreError("the proposal could not be stored; please try again")

    def _open_with(self, fp: str) -> Proposal | None:
        with self._session() as session:
            return session.scalars(select(Proposal).where(Proposal.fingerprint == fp,
                                                          Proposal.status != "rejected")).first()

    def _resubmitted(self, proposal: Proposal) -> Submitted:
        with self._session(write=True) as session:
            self._audit(session, PROPOSER, "resubmit", proposal)
        return Submitted(proposal, None, False)

    def by_token(self, token: object) -> Proposal | None:
        """The proposal a private tracking token belongs to."""
        if not isinstance(token, str) or not token or len(token) > 200:
            return None
        with self._session() as session:
            return session.scalars(select(Proposal).where(Proposal.token_hash == token_hash(token))).first()

    def get(self, public_id: str) -> Proposal | None:
        if not isinstance(public_id, str) or len(public_id) > 16:
            return None
        with self._session() as session:
            return session.scalars(select(Proposal).where(Proposal.public_id == public_id)).first()

    def _get(self, session: Session, public_id: str) -> Proposal:
        proposal = session.scalars(select(Proposal).where(Proposal.public_id == public_id)).first() \
            if isinstance(public_id, str) else None
        if proposal is None:
            raise StoreError(f"there is no proposal {public_id!r}")
        return proposal

    def queue(self, statuses: Iterable[str] = ("pending", "changes_requested")) -> list[Proposal]:
        """Proposals in these statuses, oldest first."""
        with self._session() as session:
            return list(session.scalars(select(Proposal).where(Proposal.status.in_(tuple(statuses)))
                                        .order_by(Proposal.created_at, Proposal.id)))

    def counts(self) -> dict[str, int]:
        """Number of proposals per status."""
        with self._session() as session:
            return dict(session.execute(select(Proposal.status, func.count()).group_by(Proposal.status)).all())

    def related(self, proposal: Proposal) -> list[Proposal]:
        """Other open proposals on the same thing: the same kind and target, and between
        priority proposals and bulk proposals, the same strategy (or a priority of it)."""
        def strategy_of(p: Proposal) -> str | None:
            return p.target.get("strategy_id") if p.kind in ("bulk", "priority") else None

        def priorities_of(p: Proposal) -> set[str]:
            if p.kind == "bulk":
                return {r.get("priority_id") for r in p.fields.get("rows", []) if r.get("priority_id")}
            return {p.target["priority_id"]} if p.kind == "priority" and "priority_id" in p.target else set()

        def related_to(p: Proposal) -> bool:
            if p.kind == proposal.kind and p.target == proposal.target:
                return True
            if {p.kind, proposal.kind} == {"bulk", "priority"} or p.kind == proposal.kind == "bulk":
                same_strategy = strategy_of(p) and strategy_of(p) == strategy_of(proposal)
                return bool(same_strategy or priorities_of(p) & priorities_of(proposal))
            return False

        kinds = ("bulk", "priority") if proposal.kind in ("bulk", "priority") else (proposal.kind,)
        with self._session() as session:
            candidates = session.scalars(select(Proposal).where(
                Proposal.status.in_(OPEN_STATUSES), Proposal.kind.in_(kinds), Proposal.id != proposal.id)
                .order_by(Proposal.created_at, Proposal.id))
            return [p for p in candidates if related_to(p)]

    def act(self, public_id: str, reviewer: Reviewer | str, action: str, reason: str = "") -> Proposal:
        """Accept, reject or ask for changes (``action``); reject and request_changes need a
        reason, which the proposer reads on the tracking page."""
        if action not in TRANSITIONS:
            raise StoreError(f"unknown review action {action!r} (accept, reject or request_changes)")
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if action in REASON_REQUIRED and not reason:
            raise StoreError(f"a reason is required to {action.replace('_', ' ')}: the proposer reads it")
        if len(reason) > MAX_REASON:
            raise StoreError(f"the reason is too long (at most {MAX_REASON} characters)")
        allowed, status = TRANSITIONS[action]
        with self._session(write=True) as session:
            name = self._active_reviewer(session, reviewer)
            proposal = self._get(session, public_id)
            now = utcnow()
            done = session.execute(
                update(Proposal).where(Proposal.id == proposal.id, Proposal.status.in_(allowed))
                .values(status=status, status_reason=reason or None, reviewed_by=name, reviewed_at=now,
                        updated_at=now)
                .execution_options(synchronize_session=False)).rowcount
            if not done:
                session.refresh(proposal)
                raise StoreError(f"proposal {proposal.public_id} is {STATUS_WORDS[proposal.status]}: "
                                 f"it cannot be {DONE[action]}")
            self._audit(session, name, action, proposal,
                        {"status_from": proposal.status, "status_to": status, "reason": reason})
            session.refresh(proposal)
            return proposal

    def delete_contact(self, public_id: str, reviewer: Reviewer | str) -> Proposal:
        """Delete the proposer's name and e-mail (on their request). The organisation stays: published
        rows name it as the contributor."""
        with self._session(write=True) as session:
            name = self._active_reviewer(session, reviewer)
            proposal = self._get(session, public_id)
            if proposal.contact_deleted_at is not None:
                raise StoreError(f"the contact details of proposal {proposal.public_id} were already deleted")
            proposal.proposer_name = None
            proposal.proposer_email = None
            proposal.contact_deleted_at = proposal.updated_at = utcnow()
            self._audit(session, name, "delete_contact", proposal)
            return proposal

    def accepted(self) -> list[Proposal]:
        """Accepted proposals not yet published, oldest first."""
        return self.queue(("accepted",))

    def mark_published(self, ids: Iterable[str], version: str, reviewer: Reviewer | str) -> list[Proposal]:
        """Mark accepted proposals (public ids) as published in snapshot ``version``: all of them or,
        if one is not accepted, none."""
        ids = list(dict.fromkeys(ids))
        with self._session(write=True) as session:
            name = self._active_reviewer(session, reviewer)
            proposals = [self._get(session, i) for i in ids]
            now = utcnow()
            for proposal in proposals:
                done = session.execute(
                    update(Proposal).where(Proposal.id == proposal.id, Proposal.status == "accepted")
                    .values(status="published", published_version=version, updated_at=now)
                    .execution_options(synchronize_session=False)).rowcount
                if not done:
                    session.refresh(proposal)
                    raise StoreError(f"proposal {proposal.public_id} is {STATUS_WORDS[proposal.status]}, "
                                     "not accepted: nothing was marked published")
                self._audit(session, name, "publish", proposal, {"version": version})
            for proposal in proposals:
                session.refresh(proposal)
            return proposals

    def audit(self, public_id: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, oldest first: of one proposal, or all of it (the latest ``limit`` entries)."""
        with self._session() as session:
            query = select(AuditEntry)
            if public_id is not None:
                query = query.where(AuditEntry.proposal_id == self._get(session, public_id).id)
            if limit:
                query = query.order_by(AuditEntry.id.desc()).limit(limit)
                return list(reversed(session.scalars(query).all()))
            return list(session.scalars(query.order_by(AuditEntry.id)))

    # --- reviewers -------------------------------------------------------------------------------

    def _active_reviewer(self, session: Session, reviewer: Reviewer | str) -> str:
        name = _name_of(reviewer)
        found = session.scalars(select(Reviewer).where(Reviewer.name == name)).first()
        if found is None or not found.active:
            raise StoreError(f"{name!r} is not an active reviewer")
        return found.name

    def add_reviewer(self, name: str, password: str, actor: str = "command line") -> Reviewer:
        """A new reviewer account; the password (at least 12 characters) is kept as an argon2id hash."""
        name = (name or "").strip() if isinstance(name, str) else ""
        if not name or len(name) > 200 or not name.isprintable():
            raise StoreError("a reviewer's name must be 1 to 200 printable characters")
        hashed = _hasher.hash(_check_password_rules(password))
        try:
            with self._session(write=True) as session:
                if session.scalars(select(Reviewer).where(Reviewer.name == name)).first() is not None:
                    raise StoreError(f"there is already a reviewer named {name!r}")
                reviewer = Reviewer(name=name, password_hash=hashed, created_at=utcnow(), active=True)
                session.add(reviewer)
                session.flush()
                self._audit(session, actor, "add_reviewer", detail={"reviewer": name})
        except IntegrityError:
            raise StoreError(f"there is already a reviewer named {name!r}") from None
        return reviewer

    def set_password(self, name: str, password: str, actor: str = "command line") -> None:
        """Replace a reviewer's password."""
        hashed = _hasher.hash(_check_password_rules(password))
        with self._session(write=True) as session:
            reviewer = session.scalars(select(Reviewer).where(Reviewer.name == _name_of(name))).first()
            if reviewer is None:
                raise StoreError(f"there is no reviewer named {name!r}")
            reviewer.password_hash = hashed
            self._audit(session, actor, "set_password", detail={"reviewer": reviewer.name})

    def reviewer(self, name: str) -> Reviewer | None:
        with self._session() as session:
            return session.scalars(select(Reviewer).where(Reviewer.name == _name_of(name))).first()

    def check_password(self, name: str, password: str) -> Reviewer | None:
        """The active reviewer with this name and password, or None. An unknown name costs the same
        work as a known one; a hash made with older parameters is renewed."""
        global _dummy_hash
        if not isinstance(password, str) or len(password) > MAX_PASSWORD:
            return None
        found = self.reviewer(name) if isinstance(name, str) and len(name) <= 200 else None
        if found is None or not found.active:
            if _dummy_hash is None:
                _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
            try:
                _hasher.verify(_dummy_hash, password)
            except VerificationError:
                pass
            return None
        try:
            _hasher.verify(found.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(found.password_hash):
            with self._session(write=True) as session:
                session.execute(update(Reviewer).where(Reviewer.id == found.id)
                                .values(password_hash=_hasher.hash(password)))
        return found
