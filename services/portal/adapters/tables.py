"""The portal's own tables: links, and the read model projected from events. The read model keeps
only what a customer may see: no private notes, asset ids, internal notes or staff names."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import define_kernel_tables

metadata = MetaData()
kernel = define_kernel_tables(metadata)
MONEY = Numeric(14, 2)

links = Table(
    "portal_links",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),  # SHA-256 of the token; never the token
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_by_id", Text, nullable=False),
    Column("created_by_name", Text, nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by_id", Text),
    Column("revoked_by_name", Text),
    # What the link opens: customer (the whole account) | invoice | quote
    Column("scope", Text, nullable=False, server_default="customer"),
    Column("invoice_id", Uuid),
    Column("quote_id", Text),
    Index("portal_links_by_customer", "tenant_id", "customer_id", "created_at"),
)

# Read model. `as_of` is the time of the event a row last took, so an older event never
# overwrites a newer one whatever order topics deliver in.

tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("business_name_en", Text, nullable=False),
    Column("business_name_th", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("promptpay_id", Text, nullable=False),
    Column("default_language", Text, nullable=False),
    Column("timezone", Text, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

customers = Table(
    "customers",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("preferred_language", Text, nullable=False),
    Column("branch_id", Text),  # the customer's home branch (customer.upserted's envelope); none: all
    Column("as_of", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("tenant_id", "customer_id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("start_date", Date),
    Column("end_date", Date),
    # [{"name_en", "name_th", "quantity"}]: friendly names only, never asset ids
    Column("equipment", JSONB, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("tenant_id", "job_id"),
    Index("jobs_by_customer", "tenant_id", "customer_id"),
)

deposits = Table(
    "deposits",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("deposit_id", Uuid, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("job_id", Text),
    Column("number", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("amount_requested", MONEY, nullable=False),
    Column("collected", MONEY, nullable=False),
    Column("requested_on", Date),
    # The live return (cleared when voided)
    Column("return_id", Uuid),
    Column("return_receipt_number", Text),
    Column("return_kind", Text),
    Column("returned_amount", MONEY),
    Column("retained_amount", MONEY),
    Column("return_reason", Text),
    Column("returned_on", Date),
    Column("return_method", Text),
    Column("return_reference", Text),
    Column("as_of", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("tenant_id", "deposit_id"),
    Index("deposits_by_customer", "tenant_id", "customer_id"),
)

receipts = Table(
    "receipts",
    metadata,
    Column("tenant_id", Text, nullable=False),
    # deposit_receipt (DEPR) | deposit_return_receipt (DEPRR) | receipt (RC) | prepayment_receipt (PREREC)
    Column("kind", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("document_id", Uuid, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("deposit_id", Uuid),  # DEPR and DEPRR
    Column("deposit_number", Text),
    Column("invoice_id", Uuid),  # RC
    Column("invoice_number", Text),
    # Null only while a void arrived before its return (never shown until the return arrives)
    Column("issued_on", Date),
    Column("amount", MONEY),
    Column("method", Text),
    Column("reference", Text, nullable=False, server_default=""),
    Column("retained_amount", MONEY),
    Column("reason", Text, nullable=False, server_default=""),
    Column("void", Boolean, nullable=False, server_default="false"),
    PrimaryKeyConstraint("tenant_id", "kind", "number"),
    Index("receipts_by_customer", "tenant_id", "customer_id"),
    Index("receipts_by_invoice", "tenant_id", "invoice_id"),
)

# An invoice's row is made by whichever of its events comes first; until `invoice.sent` arrives
# (issue_date set) it is not shown. Amounts and the billing status take the newest event (`as_of`),
# the header the newest sending (`sent_as_of`), the tax invoice the newest issue (`tax_as_of`).
invoices = Table(
    "invoices",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("invoice_id", Uuid, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("document_id", Uuid, nullable=False),  # the invoice PDF's id (follows from the number)
    Column("kind", Text, nullable=False, server_default="standard"),
    Column("branch_id", Text),  # from the envelope of `invoice.sent`; carried on the portal's events
    Column("job_id", Text),
    Column("issue_date", Date),
    Column("due_date", Date),
    Column("total", MONEY),
    # [{"receipt_number", "amount", "paid_on"}]: pre-payments shown below the totals
    Column("prepayments", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("sent_as_of", DateTime(timezone=True)),
    Column("paid_total", MONEY),
    Column("balance", MONEY),
    Column("status", Text),  # billing's stored status (sent | partial | paid); overdue is derived
    Column("as_of", DateTime(timezone=True)),
    Column("tax_invoice_number", Text),
    Column("tax_invoice_document_id", Uuid),
    Column("tax_as_of", DateTime(timezone=True)),
    PrimaryKeyConstraint("tenant_id", "invoice_id"),
    Index("invoices_by_customer", "tenant_id", "customer_id"),
)

# The customer's "I've paid" reports. The portal writes a report (with its outbox event); billing's
# payment_report events close it. At most one is open per invoice, whatever the taps or races.
payment_reports = Table(
    "payment_reports",
    metadata,
    Column("report_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("invoice_id", Uuid, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("status", Text, nullable=False),  # open | recorded | dismissed
    # Null only for a report first heard of by its closing (never shown as open)
    Column("amount", MONEY),
    Column("reported_at", DateTime(timezone=True)),
    Column("slip_id", Uuid),
    Column("slip_reference", Text),
    Column("closed_at", DateTime(timezone=True)),
    Index("payment_reports_by_invoice", "tenant_id", "invoice_id"),
    Index(
        "payment_reports_one_open_per_invoice",
        "tenant_id",
        "invoice_id",
        unique=True,
        postgresql_where=text("status = 'open'"),
    ),
)

# Slip screenshots customers upload with "I've paid"; staff open them from the alert.
slips = Table(
    "slips",
    metadata,
    Column("slip_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("invoice_id", Uuid, nullable=False),
    Column("branch_id", Text),  # the invoice's branch: staff of other branches do not see the slip
    Column("content", LargeBinary, nullable=False),
    Column("content_type", Text, nullable=False),  # read from the bytes, never the upload's claim
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("reference", Text),  # the bank's transaction reference from the slip's QR
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("document_id", Uuid, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("reference", Text, nullable=False),
    Column("related_number", Text),
    Column("languages", JSONB, nullable=False),
    Column("job_id", Text),
    # {"th": 2, "en": 2}: page images per language; {} when announced before pages were counted
    Column("pages", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    PrimaryKeyConstraint("tenant_id", "document_id"),
    Index("documents_by_customer", "tenant_id", "customer_id"),
    Index("documents_by_job", "tenant_id", "customer_id", "job_id"),
)

# Quotes the customer signed (`quote.signed.v1`): a link may open one of them.
quotes = Table(
    "quotes",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("quote_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("job_id", Text),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("tenant_id", "quote_id"),
)

# How often anything a customer sees changed: the `portal_customer_changed` trigger on each of the
# tables below adds one in the changing transaction, so a page is cached and given an ETag per
# version (entrypoints/cache.py).
customer_versions = Table(
    "customer_versions",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    PrimaryKeyConstraint("tenant_id", "customer_id"),
)

# What `mudjam replay portal` rebuilds from the topics. Kept: links, slips, staff sessions and
# customer versions are the portal's own state (versions only grow, or a cached page's ETag would
# match a different page); payment reports start as the customer's own "I've paid" and billing's
# events only confirm or close them.
PROJECTED_TABLES = (tenants, customers, jobs, deposits, receipts, invoices, documents, quotes)

# Every table whose rows a customer sees; a trigger on each tells the open pages of that customer
# that something changed (see adapters/live.py).
CUSTOMER_TABLES = (customers, jobs, deposits, receipts, invoices, payment_reports, documents, quotes)

# Staff console sessions (docs/staff-console.md): only a hash of the session id, and the claims of
# the sign-in link the session was opened with, which every call to the services' APIs carries.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("session_hash", Text, primary_key=True),  # SHA-256 of the cookie's session id
    Column("tenant_id", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("branches", JSONB, nullable=False),
    Column("roles", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Index("staff_sessions_by_last_seen", "last_seen_at"),
)
