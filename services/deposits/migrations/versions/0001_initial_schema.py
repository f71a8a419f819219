"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 16:06:51.999947
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.db.tables import OUTBOX_NOTIFY_TRIGGER_SQL

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Text(), nullable=False),
        sa.Column("actor_name", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("correlation_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "audit_log_subject", "audit_log", ["tenant_id", "subject_type", "subject_id", "id"], unique=False
    )
    op.create_table(
        "closed_jobs",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "job_id"),
    )
    op.create_table(
        "customers",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "customer_id"),
    )
    op.create_table(
        "deposits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=True),
        sa.Column("quote_id", sa.Text(), nullable=True),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("amount_requested", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("job_closed_on", sa.Date(), nullable=True),
        sa.Column("overdue_alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_index("deposits_by_customer", "deposits", ["tenant_id", "customer_id"], unique=False)
    op.create_index("deposits_by_job", "deposits", ["tenant_id", "job_id"], unique=False)
    op.create_index("deposits_by_status", "deposits", ["tenant_id", "status"], unique=False)
    op.create_index(
        "deposits_one_per_quote",
        "deposits",
        ["tenant_id", "quote_id"],
        unique=True,
        postgresql_where=sa.text("quote_id IS NOT NULL"),
    )
    op.create_table(
        "document_sequences",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "document_type", "scope", "year"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=True),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "key"),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index(
        "outbox_unpublished",
        "outbox",
        ["seq"],
        unique=False,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("outcome", sa.Text(), server_default="applied", nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("document_prefixes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("per_branch_numbering", sa.Boolean(), nullable=False),
        sa.Column("branch_codes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "deposit_collections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deposit_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("receipt_number", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("collected_by_id", sa.Text(), nullable=False),
        sa.Column("collected_by_name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deposit_id"],
            ["deposits.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "receipt_number"),
    )
    op.create_index(
        op.f("ix_deposit_collections_deposit_id"), "deposit_collections", ["deposit_id"], unique=False
    )
    op.create_table(
        "deposit_returns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("deposit_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("receipt_number", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("held_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("returned_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("retained_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("returned_by_id", sa.Text(), nullable=False),
        sa.Column("returned_by_name", sa.Text(), nullable=False),
        sa.Column("status_before", sa.Text(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by_id", sa.Text(), nullable=True),
        sa.Column("voided_by_name", sa.Text(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deposit_id"],
            ["deposits.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "receipt_number"),
    )
    op.create_index(
        "deposit_returns_one_active",
        "deposit_returns",
        ["deposit_id"],
        unique=True,
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.create_index(op.f("ix_deposit_returns_deposit_id"), "deposit_returns", ["deposit_id"], unique=False)
    for statement in OUTBOX_NOTIFY_TRIGGER_SQL:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS mudjam_outbox_notify() CASCADE")
    op.drop_index(op.f("ix_deposit_returns_deposit_id"), table_name="deposit_returns")
    op.drop_index(
        "deposit_returns_one_active",
        table_name="deposit_returns",
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.drop_table("deposit_returns")
    op.drop_index(op.f("ix_deposit_collections_deposit_id"), table_name="deposit_collections")
    op.drop_table("deposit_collections")
    op.drop_table("tenants")
    op.drop_table("processed_events")
    op.drop_index("outbox_unpublished", table_name="outbox", postgresql_where=sa.text("published_at IS NULL"))
    op.drop_table("outbox")
    op.drop_table("idempotency_keys")
    op.drop_table("document_sequences")
    op.drop_index(
        "deposits_one_per_quote", table_name="deposits", postgresql_where=sa.text("quote_id IS NOT NULL")
    )
    op.drop_index("deposits_by_status", table_name="deposits")
    op.drop_index("deposits_by_job", table_name="deposits")
    op.drop_index("deposits_by_customer", table_name="deposits")
    op.drop_table("deposits")
    op.drop_table("customers")
    op.drop_table("closed_jobs")
    op.drop_index("audit_log_subject", table_name="audit_log")
    op.drop_table("audit_log")
