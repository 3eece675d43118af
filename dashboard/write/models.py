"""Tables of the write model: proposals, reviewers and the audit log.

The schema itself is created by the migrations (dashboard/write/migrations); these classes
describe the same tables for queries.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

KINDS = ("priority", "strategy", "membership", "contact", "bulk")
ACTIONS = ("add", "change", "remove")
STATUSES = ("pending", "changes_requested", "accepted", "rejected", "published")
# Proposals still in play: shown as duplicates or conflicts of one another.
OPEN_STATUSES = ("pending", "changes_requested", "accepted")
# An identical proposal is recognised as long as the earlier one is not rejected.
FINGERPRINT_WHERE = "status != 'rejected'"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A moment in UTC: stored without zone on SQLite, always read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class Proposal(Base):
    """A proposed addition, change or removal, with its source, proposer and review state."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(10))
    target: Mapped[dict] = mapped_column(JSON)
    fields: Mapped[dict] = mapped_column(JSON)
    source_url: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    proposer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    proposer_organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    proposer_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    contact_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_version: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_proposals_status_created", "status", "created_at"),
        Index("ix_proposals_kind", "kind"),
        Index("uq_proposals_open_fingerprint", "fingerprint", unique=True,
              sqlite_where=text(FINGERPRINT_WHERE), postgresql_where=text(FINGERPRINT_WHERE)),
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Proposal {self.public_id} {self.kind} {self.action} {self.status}>"


class Reviewer(Base):
    """A person who may accept, reject and publish proposals."""

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Reviewer {self.name}>"


class AuditEntry(Base):
    """One action: who did it, when (UTC), on which proposal, and what (``detail``)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), nullable=True, index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action}>"
