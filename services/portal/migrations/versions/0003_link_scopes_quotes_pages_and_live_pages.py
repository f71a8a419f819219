"""link scopes, signed quotes, documents' jobs and page counts, live pages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose rows a customer sees (adapters.tables.CUSTOMER_TABLES when this was written).
CUSTOMER_TABLES = (
    "customers",
    "jobs",
    "deposits",
    "receipts",
    "invoices",
    "payment_reports",
    "documents",
    "quotes",
)


def upgrade() -> None:
    op.add_column("portal_links", sa.Column("scope", sa.Text(), server_default="customer", nullable=False))
    op.add_column("portal_links", sa.Column("invoice_id", sa.Uuid(), nullable=True))
    op.add_column("portal_links", sa.Column("quote_id", sa.Text(), nullable=True))
    op.add_column("documents", sa.Column("job_id", sa.Text(), nullable=True))
    op.add_column(
        "documents",
        sa.Column(
            "pages",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.create_index("documents_by_job", "documents", ["tenant_id", "customer_id", "job_id"], unique=False)
    op.create_table(
        "quotes",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("quote_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "quote_id"),
    )
    # Every change to a row a customer sees notifies that customer's open pages, at commit (a
    # rolled-back change notifies nobody; PostgreSQL folds a transaction's identical notifications).
    op.execute(
        """
        CREATE OR REPLACE FUNCTION portal_customer_changed() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify(
                'portal_customer_changed',
                json_build_object('tenant_id', NEW.tenant_id, 'customer_id', NEW.customer_id)::text
            );
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    for table in CUSTOMER_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_customer_changed AFTER INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION portal_customer_changed()"
        )


def downgrade() -> None:
    for table in CUSTOMER_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_customer_changed ON {table}")
    op.execute("DROP FUNCTION IF EXISTS portal_customer_changed()")
    op.drop_table("quotes")
    op.drop_index("documents_by_job", table_name="documents")
    op.drop_column("documents", "pages")
    op.drop_column("documents", "job_id")
    op.drop_column("portal_links", "quote_id")
    op.drop_column("portal_links", "invoice_id")
    op.drop_column("portal_links", "scope")
