"""Tables every service database has: outbox, processed events, idempotency keys, document
sequences and the audit log. Each service adds them to its own metadata."""

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

OUTBOX_CHANNEL = "mudjam_outbox"


@dataclass(frozen=True)
class KernelTables:
    outbox: Table
    processed_events: Table
    idempotency_keys: Table
    document_sequences: Table
    audit_log: Table


def define_kernel_tables(metadata: MetaData) -> KernelTables:
    outbox = Table(
        "outbox",
        metadata,
        Column("seq", BigInteger, Identity(), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("topic", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("event_type", Text, nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("outbox_unpublished", "seq", postgresql_where=text("published_at IS NULL")),
    )
    processed_events = Table(
        "processed_events",
        metadata,
        Column("consumer", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("outcome", Text, nullable=False, server_default="applied"),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer", "event_id"),
    )
    idempotency_keys = Table(
        "idempotency_keys",
        metadata,
        Column("tenant_id", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("fingerprint", Text, nullable=False),
        Column("status_code", SmallInteger),
        Column("response", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("tenant_id", "key"),
    )
    document_sequences = Table(
        "document_sequences",
        metadata,
        Column("tenant_id", Text, nullable=False),
        Column("document_type", Text, nullable=False),
        Column("scope", Text, nullable=False),  # the branch code, or '' for tenant-wide numbering
        Column("year", Integer, nullable=False),
        Column("last_value", Integer, nullable=False),
        PrimaryKeyConstraint("tenant_id", "document_type", "scope", "year"),
    )
    audit_log = Table(
        "audit_log",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("tenant_id", Text, nullable=False),
        Column("subject_type", Text, nullable=False),
        Column("subject_id", Text, nullable=False),
        Column("action", Text, nullable=False),
        Column("actor_id", Text, nullable=False),
        Column("actor_name", Text, nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("details", JSONB, nullable=False),
        Column("correlation_id", Text),
        Index("audit_log_subject", "tenant_id", "subject_type", "subject_id", "id"),
    )
    return KernelTables(outbox, processed_events, idempotency_keys, document_sequences, audit_log)


# Wakes the relay the moment an outbox row commits (NOTIFY is delivered at commit).
OUTBOX_NOTIFY_TRIGGER_SQL = (
    f"""
    CREATE OR REPLACE FUNCTION mudjam_outbox_notify() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_notify('{OUTBOX_CHANNEL}', '');
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mudjam_outbox_notify()
    """,
)
