"""Proposals, reviewers and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)  # read back as aware UTC datetimes by models.UTCDateTime
OPEN = "status != 'rejected'"


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("public_id", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("target", sa.JSON, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("proposer_name", sa.String(200), nullable=True),
        sa.Column("proposer_organisation", sa.String(200), nullable=True),
        sa.Column("proposer_email", sa.String(320), nullable=True),
        sa.Column("contact_deleted_at", UTC, nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("reviewed_by", sa.String(200), nullable=True),
        sa.Column("reviewed_at", UTC, nullable=True),
        sa.Column("published_version", sa.String(64), nullable=True),
        sa.UniqueConstraint("public_id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_proposals_status_created", "proposals", ["status", "created_at"])
    op.create_index("ix_proposals_kind", "proposals", ["kind"])
    # One open proposal per content: an identical re-submission finds the first one.
    op.create_index("uq_proposals_open_fingerprint", "proposals", ["fingerprint"], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
    op.create_table(
        "reviewers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id"), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_proposal_id", "audit_log", ["proposal_id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("reviewers")
    op.drop_table("proposals")
