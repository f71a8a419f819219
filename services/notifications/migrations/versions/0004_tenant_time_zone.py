"""tenant time zone

Staff alerts give times on the business's own clock: the tenant slice keeps its time zone. Tenants
known before this keep Bangkok's until their settings are published again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tenants", sa.Column("timezone", sa.Text(), nullable=False, server_default="Asia/Bangkok"))


def downgrade() -> None:
    op.drop_column("tenants", "timezone")
