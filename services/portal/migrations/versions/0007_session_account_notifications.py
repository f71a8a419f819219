"""session account notifications: a link's change and the business's own notify too

A portal process keeps the accounts of open sessions while it hears every change to them
(adapters.accounts): rows a customer sees already notify (0003, 0005); now a change to a link (a
revocation) notifies its customer, and a change to the business's settings notifies the business
(no customer), on the same channel, at commit.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE TRIGGER portal_links_customer_changed AFTER UPDATE ON portal_links "
        "FOR EACH ROW EXECUTE FUNCTION portal_customer_changed()"
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION portal_business_changed() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify(
                'portal_customer_changed',
                json_build_object('tenant_id', NEW.tenant_id, 'customer_id', NULL)::text
            );
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER tenants_business_changed AFTER INSERT OR UPDATE ON tenants "
        "FOR EACH ROW EXECUTE FUNCTION portal_business_changed()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS tenants_business_changed ON tenants")
    op.execute("DROP FUNCTION IF EXISTS portal_business_changed()")
    op.execute("DROP TRIGGER IF EXISTS portal_links_customer_changed ON portal_links")
