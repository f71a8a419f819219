from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
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

# Upstream slices: only what a notice needs (never the customer's private notes).
tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("business_name_en", Text, nullable=False),
    Column("business_name_th", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("billing_staff_emails", JSONB, nullable=False),
    Column("default_language", Text, nullable=False),
    Column("timezone", Text, nullable=False, server_default="Asia/Bangkok"),
)

customers = Table(
    "customers",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("preferred_language", Text, nullable=False),
    PrimaryKeyConstraint("tenant_id", "customer_id"),
)

# Issued documents announced by the documents service (the kinds a notice attaches), so a notice
# finds its attachments whichever event arrives first, even a DEPRR rendered long before.
rendered_documents = Table(
    "rendered_documents",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("number", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("document_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),
    Column("languages", JSONB, nullable=False),
    PrimaryKeyConstraint("tenant_id", "kind", "number", "version"),
)

# The delivery log: one row per outgoing email.
notices = Table(
    "notices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text),
    Column("kind", Text, nullable=False),
    Column("customer_id", Text),
    Column("receipt_number", Text),
    # The document the notice is about (the DEPRR, RC, PREREC or TI), once rendered.
    Column("document_id", Uuid),
    # Every document it attaches: [{kind, number, document_id (null until rendered)}].
    Column("documents", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("alert_id", Uuid),
    Column("facts", JSONB),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("sent_at", DateTime(timezone=True)),
    Column("message_id", Text),
    Column("recipients", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("language", Text),
    Column("subject", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The request chain that caused the notice, so the sender's logs stay in it.
    Column("correlation_id", Text),
    Column("causation_id", Text),
    # One customer notice per receipt (or tax invoice) and one email per alert, however often events
    # are replayed.
    Index(
        "notices_one_per_receipt",
        "tenant_id",
        "kind",
        "receipt_number",
        unique=True,
        postgresql_where=text("receipt_number IS NOT NULL"),
    ),
    Index("notices_one_per_alert", "alert_id", unique=True, postgresql_where=text("alert_id IS NOT NULL")),
    Index("notices_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    Index("notices_waiting", "tenant_id", postgresql_where=text("status = 'waiting_for_document'")),
    Index("notices_by_customer", "tenant_id", "customer_id", "created_at"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text),
    Column("kind", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("link", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read_at", DateTime(timezone=True)),
    Column("source_event_id", Uuid, nullable=False, unique=True),
    Index("alerts_inbox", "tenant_id", "created_at"),
)

# Endpoints a tenant registers; the secret signs every delivery (HMAC needs it in the clear).
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("event_types", JSONB, nullable=False),
    Column("description", Text),
    Column("secret", Text, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    Index("webhook_endpoints_of_tenant", "tenant_id", "created_at"),
)

# One row per (endpoint, event), however often the event is redelivered: the delivery log.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("endpoint_id", Uuid, ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Index("webhook_deliveries_one_per_event", "endpoint_id", "event_id", unique=True),
    Index("webhook_deliveries_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    Index("webhook_deliveries_of_endpoint", "endpoint_id", "created_at"),
)
