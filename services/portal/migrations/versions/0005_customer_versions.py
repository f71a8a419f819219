"""customer versions: a counter per customer that every change to a row the customer sees bumps

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOTIFY_ONLY = """
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


def upgrade() -> None:
    op.create_table(
        "customer_versions",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "customer_id"),
    )
    # The same trigger on every table a customer sees (0003) now also counts the change, in the
    # same transaction: a page cached for version N is stale exactly when the counter moved on.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION portal_customer_changed() RETURNS trigger AS $$
        BEGIN
            INSERT INTO customer_versions (tenant_id, customer_id, version)
            VALUES (NEW.tenant_id, NEW.customer_id, 1)
            ON CONFLICT (tenant_id, customer_id)
            DO UPDATE SET version = customer_versions.version + 1;
            PERFORM pg_notify(
                'portal_customer_changed',
                json_build_object('tenant_id', NEW.tenant_id, 'customer_id', NEW.customer_id)::text
            );
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )


def downgrade() -> None:
    op.execute(_NOTIFY_ONLY)
    op.drop_table("customer_versions")
