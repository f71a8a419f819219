"""invoices, receipts and payment reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:00:57.464356
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), server_default="standard", nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=True),
        sa.Column("job_id", sa.Text(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column(
            "prepayments",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("sent_as_of", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_total", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("balance", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tax_invoice_number", sa.Text(), nullable=True),
        sa.Column("tax_invoice_document_id", sa.Uuid(), nullable=True),
        sa.Column("tax_as_of", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "invoice_id"),
    )
    op.create_index("invoices_by_customer", "invoices", ["tenant_id", "customer_id"], unique=False)
    op.create_table(
        "payment_reports",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slip_id", sa.Uuid(), nullable=True),
        sa.Column("slip_reference", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("report_id"),
    )
    op.create_index(
        "payment_reports_by_invoice", "payment_reports", ["tenant_id", "invoice_id"], unique=False
    )
    op.create_index(
        "payment_reports_one_open_per_invoice",
        "payment_reports",
        ["tenant_id", "invoice_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "slips",
        sa.Column("slip_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slip_id"),
    )
    op.add_column("receipts", sa.Column("invoice_id", sa.Uuid(), nullable=True))
    op.add_column("receipts", sa.Column("invoice_number", sa.Text(), nullable=True))
    op.alter_column("receipts", "deposit_id", existing_type=sa.UUID(), nullable=True)
    op.alter_column("receipts", "deposit_number", existing_type=sa.TEXT(), nullable=True)
    op.create_index("receipts_by_invoice", "receipts", ["tenant_id", "invoice_id"], unique=False)


def downgrade() -> None:
    op.drop_index("receipts_by_invoice", table_name="receipts")
    op.alter_column("receipts", "deposit_number", existing_type=sa.TEXT(), nullable=False)
    op.alter_column("receipts", "deposit_id", existing_type=sa.UUID(), nullable=False)
    op.drop_column("receipts", "invoice_number")
    op.drop_column("receipts", "invoice_id")
    op.drop_table("slips")
    op.drop_index(
        "payment_reports_one_open_per_invoice",
        table_name="payment_reports",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.drop_index("payment_reports_by_invoice", table_name="payment_reports")
    op.drop_table("payment_reports")
    op.drop_index("invoices_by_customer", table_name="invoices")
    op.drop_table("invoices")
