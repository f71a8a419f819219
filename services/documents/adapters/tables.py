from sqlalchemy import (
    Boolean,
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
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import define_kernel_tables

metadata = MetaData()
kernel = define_kernel_tables(metadata)
MONEY = Numeric(14, 2)

tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("business_name_en", Text, nullable=False),
    Column("business_name_th", Text, nullable=False),
    Column("address_en", Text, nullable=False),
    Column("address_th", Text, nullable=False),
    Column("tax_id", Text, nullable=False),
    Column("tax_branch_no", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("promptpay_id", Text, nullable=False),
    Column("timezone", Text, nullable=False),
    Column("default_language", Text, nullable=False),
    Column("branches", JSONB, nullable=False),
)

# No private notes, email or phone: documents print only what the customer may read.
customers = Table(
    "customers",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("customer_type", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("tax_id", Text),
    Column("tax_branch_no", Text),
    Column("preferred_language", Text, nullable=False),
    PrimaryKeyConstraint("tenant_id", "customer_id"),
)

# The job's number and branch, for the documents of a job; equipment and internal notes are not kept.
jobs = Table(
    "jobs",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("job_number", Text, nullable=False),
    Column("branch_id", Text),
    PrimaryKeyConstraint("tenant_id", "job_id"),
)

documents = Table(
    "documents",
    metadata,
    Column("document_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text),
    Column("customer_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("related_number", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("job_id", Text),
    UniqueConstraint("tenant_id", "kind", "number"),
    Index("documents_by_customer", "tenant_id", "customer_id", "created_at"),
    Index("documents_by_tenant", "tenant_id", "created_at"),
    Index("documents_by_job", "tenant_id", "job_id", postgresql_where=text("job_id IS NOT NULL")),
)

render_jobs = Table(
    "render_jobs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("document_id", Uuid, ForeignKey("documents.document_id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text),
    Column("customer_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("facts", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
    Column("claim_token", Uuid),
    Column("locked_by", Text),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("awaiting_input", Boolean, nullable=False, server_default=false()),
    # The request chain that caused the job, so the worker's logs and events stay in it.
    Column("correlation_id", Text),
    Column("causation_id", Text),
    # Due jobs are taken lowest priority first (what a customer waits for), then longest waiting.
    Column("priority", Integer, nullable=False, server_default=text("0")),
    # The languages rendered and announced so far: the customer's first, then the other.
    Column("rendered_languages", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    # One job per document version, however often its event is delivered.
    UniqueConstraint("document_id", "version"),
    Index("render_jobs_due", "priority", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    Index("render_jobs_leased", "locked_until", postgresql_where=text("status = 'rendering'")),
    Index(
        "render_jobs_waiting_by_customer",
        "tenant_id",
        "customer_id",
        postgresql_where=text("status IN ('pending', 'failed')"),
    ),
)

# One row per rendered version: inserted with its DocumentRendered event, so it is announced once.
document_versions = Table(
    "document_versions",
    metadata,
    Column("document_id", Uuid, ForeignKey("documents.document_id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("reference", Text, nullable=False),
    Column("related_number", Text),
    Column("files", JSONB, nullable=False),
    Column("render_ms", Integer, nullable=False),
    Column("rendered_at", DateTime(timezone=True), nullable=False),
    # The templates' release that drew it (None: drawn before releases were kept), so a re-render
    # after a template fix takes only what the fix has not drawn yet.
    Column("template_release", Text),
    PrimaryKeyConstraint("document_id", "version"),
)
