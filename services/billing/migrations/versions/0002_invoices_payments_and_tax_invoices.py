"""invoices, payments and tax invoices

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:02:02.051217
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
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=True),
        sa.Column("related_deposit_id", sa.Uuid(), nullable=True),
        sa.Column("related_deposit_number", sa.Text(), nullable=True),
        sa.Column("payment_terms_days", sa.Integer(), nullable=True),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("vat_rounding", sa.Text(), nullable=False),
        sa.Column("subtotal", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("vat_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("prepaid_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("balance", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Text(), nullable=False),
        sa.Column("created_by_name", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Text(), nullable=True),
        sa.Column("sent_by_name", sa.Text(), nullable=True),
        sa.Column("tax_invoice_id", sa.Uuid(), nullable=True),
        sa.Column("tax_invoice_number", sa.Text(), nullable=True),
        sa.Column("overdue_alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_index(
        "invoices_awaiting_overdue_alert",
        "invoices",
        ["due_date"],
        unique=False,
        postgresql_where=sa.text("status IN ('sent', 'partial') AND overdue_alerted_at IS NULL"),
    )
    op.create_index("invoices_by_customer", "invoices", ["tenant_id", "customer_id"], unique=False)
    op.create_index("invoices_by_job", "invoices", ["tenant_id", "job_id"], unique=False)
    op.create_index("invoices_by_status", "invoices", ["tenant_id", "status"], unique=False)
    op.create_table(
        "jobs",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=True),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "job_id"),
    )
    op.create_table(
        "retentions",
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=True),
        sa.Column("deposit_id", sa.Uuid(), nullable=False),
        sa.Column("deposit_number", sa.Text(), nullable=False),
        sa.Column("return_receipt_number", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("retained_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tax_invoice_id", sa.Uuid(), nullable=True),
        sa.Column("tax_invoice_number", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("return_id"),
        sa.UniqueConstraint("tenant_id", "return_receipt_number"),
    )
    op.create_index("retentions_by_deposit", "retentions", ["tenant_id", "deposit_id"], unique=False)
    op.create_table(
        "tax_invoices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=True),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=True),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("seller", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("buyer", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("covered_invoices", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("covered_retentions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("amount_before_vat", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("vat_rounding", sa.Text(), nullable=False),
        sa.Column("vat_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Text(), nullable=False),
        sa.Column("issued_by_name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_index("tax_invoices_by_customer", "tax_invoices", ["tenant_id", "customer_id"], unique=False)
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("duration", sa.Numeric(precision=12, scale=3), nullable=True),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
        ),
        sa.PrimaryKeyConstraint("invoice_id", "position"),
    )
    op.create_table(
        "payment_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_number", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slip", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("slip_reference", sa.Text(), nullable=True),
        sa.Column("same_slip_on", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Text(), nullable=True),
        sa.Column("closed_by_name", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_payment_reports_invoice_id"), "payment_reports", ["invoice_id"], unique=False)
    op.create_index(
        "payment_reports_by_slip", "payment_reports", ["tenant_id", "slip_reference"], unique=False
    )
    op.create_index("payment_reports_by_status", "payment_reports", ["tenant_id", "status"], unique=False)
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("receipt_number", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "receipt_number"),
    )
    op.create_index(op.f("ix_payments_invoice_id"), "payments", ["invoice_id"], unique=False)
    op.create_index(
        "payments_one_per_report",
        "payments",
        ["report_id"],
        unique=True,
        postgresql_where=sa.text("report_id IS NOT NULL"),
    )
    op.create_table(
        "prepayments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("receipt_number", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("vat_rounding", sa.Text(), nullable=False),
        sa.Column("vat_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.Text(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=True),
        sa.Column("invoice_number", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "receipt_number"),
    )
    op.create_index("prepayments_by_job", "prepayments", ["tenant_id", "job_id"], unique=False)
    op.create_table(
        "payment_proofs",
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Text(), nullable=False),
        sa.Column("uploaded_by_name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
        ),
        sa.PrimaryKeyConstraint("payment_id"),
    )


def downgrade() -> None:
    op.drop_table("payment_proofs")
    op.drop_index("prepayments_by_job", table_name="prepayments")
    op.drop_table("prepayments")
    op.drop_index(
        "payments_one_per_report", table_name="payments", postgresql_where=sa.text("report_id IS NOT NULL")
    )
    op.drop_index(op.f("ix_payments_invoice_id"), table_name="payments")
    op.drop_table("payments")
    op.drop_index("payment_reports_by_status", table_name="payment_reports")
    op.drop_index("payment_reports_by_slip", table_name="payment_reports")
    op.drop_index(op.f("ix_payment_reports_invoice_id"), table_name="payment_reports")
    op.drop_table("payment_reports")
    op.drop_table("invoice_lines")
    op.drop_index("tax_invoices_by_customer", table_name="tax_invoices")
    op.drop_table("tax_invoices")
    op.drop_index("retentions_by_deposit", table_name="retentions")
    op.drop_table("retentions")
    op.drop_table("jobs")
    op.drop_index("invoices_by_status", table_name="invoices")
    op.drop_index("invoices_by_job", table_name="invoices")
    op.drop_index("invoices_by_customer", table_name="invoices")
    op.drop_index(
        "invoices_awaiting_overdue_alert",
        table_name="invoices",
        postgresql_where=sa.text("status IN ('sent', 'partial') AND overdue_alerted_at IS NULL"),
    )
    op.drop_table("invoices")
