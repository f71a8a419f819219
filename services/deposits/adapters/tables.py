from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
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

tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("timezone", Text, nullable=False),
    Column("document_prefixes", JSONB, nullable=False),
    Column("per_branch_numbering", Boolean, nullable=False),
    Column("branch_codes", JSONB, nullable=False),
)

customers = Table(
    "customers",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    PrimaryKeyConstraint("tenant_id", "customer_id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("job_number", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("closed_on", Date),
    Column("as_of", DateTime(timezone=True)),  # the event time of the snapshot kept; None: migrated
    PrimaryKeyConstraint("tenant_id", "job_id"),
)

inspections = Table(
    "inspections",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("inspection_id", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("inspected_at", DateTime(timezone=True), nullable=False),
    Column("conditions", JSONB, nullable=False),  # [{item, condition, notes}]
    Column("as_of", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("tenant_id", "inspection_id"),
    Index("inspections_by_job", "tenant_id", "job_id"),
)

damage_estimates = Table(
    "inspection_damage_estimates",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("inspection_id", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("description", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    PrimaryKeyConstraint("tenant_id", "inspection_id", "position"),
    ForeignKeyConstraint(
        ["tenant_id", "inspection_id"], ["inspections.tenant_id", "inspections.inspection_id"]
    ),
)

deposits = Table(
    "deposits",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("branch_id", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("job_id", Text),
    Column("quote_id", Text),
    Column("number", Text, nullable=False),
    Column("amount_requested", MONEY, nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("job_closed_on", Date),
    Column("overdue_alerted_at", DateTime(timezone=True)),
    UniqueConstraint("tenant_id", "number"),
    Index(
        "deposits_one_per_quote",
        "tenant_id",
        "quote_id",
        unique=True,
        postgresql_where=text("quote_id IS NOT NULL"),
    ),
    Index("deposits_by_status", "tenant_id", "status"),
    Index("deposits_by_customer", "tenant_id", "customer_id"),
    Index("deposits_by_job", "tenant_id", "job_id"),
)

collections = Table(
    "deposit_collections",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("deposit_id", Uuid, ForeignKey("deposits.id"), nullable=False, index=True),
    Column("tenant_id", Text, nullable=False),
    Column("receipt_number", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("method", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("collected_on", Date, nullable=False),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    Column("collected_by_id", Text, nullable=False),
    Column("collected_by_name", Text, nullable=False),
    UniqueConstraint("tenant_id", "receipt_number"),
)

returns = Table(
    "deposit_returns",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("deposit_id", Uuid, ForeignKey("deposits.id"), nullable=False, index=True),
    Column("tenant_id", Text, nullable=False),
    Column("receipt_number", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("held_amount", MONEY, nullable=False),
    Column("returned_amount", MONEY, nullable=False),
    Column("retained_amount", MONEY, nullable=False),
    Column("reason", Text, nullable=False),
    Column("method", Text),
    Column("reference", Text, nullable=False),
    Column("returned_on", Date, nullable=False),
    Column("returned_at", DateTime(timezone=True), nullable=False),
    Column("returned_by_id", Text, nullable=False),
    Column("returned_by_name", Text, nullable=False),
    Column("status_before", Text, nullable=False),
    Column("voided_at", DateTime(timezone=True)),
    Column("voided_by_id", Text),
    Column("voided_by_name", Text),
    Column("void_reason", Text),
    UniqueConstraint("tenant_id", "receipt_number"),
    # The database itself refuses a second live return of one deposit.
    Index(
        "deposit_returns_one_active", "deposit_id", unique=True, postgresql_where=text("voided_at IS NULL")
    ),
)

collection_proofs = define_proof_table(
    metadata, "collection_proofs", proves="collection_id", references="deposit_collections.id"
)
