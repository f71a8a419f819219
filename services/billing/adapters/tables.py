from decimal import Decimal

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import define_kernel_tables
from shared.db.proofs import define_proof_table

metadata = MetaData()
kernel = define_kernel_tables(metadata)
MONEY = Numeric(14, 2)
QUANTITY = Numeric(12, 3)
RATE = Numeric(5, 4)


def plain(value: Decimal) -> Decimal:
    """A quantity or rate as entered: 2, 2.5, 0.07 (NUMERIC columns give back 2.000, 0.0700)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("settings", JSONB, nullable=False),
)

customers = Table(
    "customers",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("tax_id", Text),
    Column("tax_branch_no", Text),
    PrimaryKeyConstraint("tenant_id", "customer_id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("branch_id", Text),
    Column("stage", Text, nullable=False),
    Column("start_date", Date),
    PrimaryKeyConstraint("tenant_id", "job_id"),
)

# Amounts kept from deposits on their return (deposit.returned.v1 with retained_amount > 0).
retentions = Table(
    "retentions",
    metadata,
    Column("return_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text),
    Column("deposit_id", Uuid, nullable=False),
    Column("deposit_number", Text, nullable=False),
    Column("return_receipt_number", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("job_id", Text),
    Column("kind", Text, nullable=False),
    Column("retained_amount", MONEY, nullable=False),
    Column("reason", Text, nullable=False),
    Column("returned_on", Date, nullable=False),
    Column("voided_at", DateTime(timezone=True)),
    Column("tax_invoice_id", Uuid),
    Column("tax_invoice_number", Text),
    UniqueConstraint("tenant_id", "return_receipt_number"),
    Index("retentions_by_deposit", "tenant_id", "deposit_id"),
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("job_id", Text),
    Column("kind", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("number", Text),
    Column("related_deposit_id", Uuid),
    Column("related_deposit_number", Text),
    Column("payment_terms_days", Integer),
    Column("vat_rate", RATE, nullable=False),
    Column("vat_rounding", Text, nullable=False),
    Column("subtotal", MONEY, nullable=False),
    Column("vat_amount", MONEY, nullable=False),
    Column("total", MONEY, nullable=False),
    # Kept with every change so lists filter and sort on them; the domain derives the same values.
    Column("prepaid_total", MONEY, nullable=False),
    Column("paid_total", MONEY, nullable=False),
    Column("balance", MONEY, nullable=False),
    Column("issue_date", Date),
    Column("due_date", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by_id", Text, nullable=False),
    Column("created_by_name", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("sent_by_id", Text),
    Column("sent_by_name", Text),
    Column("tax_invoice_id", Uuid),
    Column("tax_invoice_number", Text),
    Column("overdue_alerted_at", DateTime(timezone=True)),
    UniqueConstraint("tenant_id", "number"),
    Index("invoices_by_status", "tenant_id", "status"),
    Index("invoices_by_customer", "tenant_id", "customer_id"),
    Index("invoices_by_job", "tenant_id", "job_id"),
    Index(
        "invoices_awaiting_overdue_alert",
        "due_date",
        postgresql_where=text("status IN ('sent', 'partial') AND overdue_alerted_at IS NULL"),
    ),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", Uuid, ForeignKey("invoices.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("description", Text, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("duration", QUANTITY),
    Column("unit", Text, nullable=False),
    Column("rate", MONEY, nullable=False),
    Column("amount", MONEY, nullable=False),
    PrimaryKeyConstraint("invoice_id", "position"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("invoice_id", Uuid, ForeignKey("invoices.id"), nullable=False, index=True),
    Column("tenant_id", Text, nullable=False),
    Column("receipt_number", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("method", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by_id", Text, nullable=False),
    Column("recorded_by_name", Text, nullable=False),
    Column("report_id", Uuid),
    UniqueConstraint("tenant_id", "receipt_number"),
    # One payment closes a customer's report, never two.
    Index(
        "payments_one_per_report", "report_id", unique=True, postgresql_where=text("report_id IS NOT NULL")
    ),
)

payment_proofs = define_proof_table(metadata, "payment_proofs", proves="payment_id", references="payments.id")

prepayments = Table(
    "prepayments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("receipt_number", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("vat_rate", RATE, nullable=False),
    Column("vat_rounding", Text, nullable=False),
    Column("vat_amount", MONEY, nullable=False),
    Column("method", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by_id", Text, nullable=False),
    Column("recorded_by_name", Text, nullable=False),
    Column("invoice_id", Uuid, ForeignKey("invoices.id")),
    Column("invoice_number", Text),
    UniqueConstraint("tenant_id", "receipt_number"),
    Index("prepayments_by_job", "tenant_id", "job_id"),
)

tax_invoices = Table(
    "tax_invoices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text),
    Column("customer_id", Text, nullable=False),
    Column("job_id", Text),
    Column("number", Text, nullable=False),
    Column("issue_date", Date, nullable=False),
    # The document as issued: parties, lines and what it covers never change after issue.
    Column("seller", JSONB, nullable=False),
    Column("buyer", JSONB, nullable=False),
    Column("lines", JSONB, nullable=False),
    Column("covered_invoices", JSONB, nullable=False),
    Column("covered_retentions", JSONB, nullable=False),
    Column("amount_before_vat", MONEY, nullable=False),
    Column("vat_rate", RATE, nullable=False),
    Column("vat_rounding", Text, nullable=False),
    Column("vat_amount", MONEY, nullable=False),
    Column("total", MONEY, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("issued_by_id", Text, nullable=False),
    Column("issued_by_name", Text, nullable=False),
    UniqueConstraint("tenant_id", "number"),
    Index("tax_invoices_by_customer", "tenant_id", "customer_id"),
)

payment_reports = Table(
    "payment_reports",
    metadata,
    Column("id", Uuid, primary_key=True),  # the portal's report id: one report, however redelivered
    Column("tenant_id", Text, nullable=False),
    Column("invoice_id", Uuid, ForeignKey("invoices.id"), nullable=False, index=True),
    Column("invoice_number", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("slip", JSONB),
    Column("slip_reference", Text),
    Column("same_slip_on", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by_id", Text),
    Column("closed_by_name", Text),
    Column("reason", Text, nullable=False),
    Column("payment_id", Uuid),
    Index("payment_reports_by_status", "tenant_id", "status"),
    Index("payment_reports_by_slip", "tenant_id", "slip_reference"),
)
