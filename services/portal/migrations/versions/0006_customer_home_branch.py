"""customer home branch: staff issue, list and revoke portal links only for customers of their branches

Customers known before this have no branch (the whole business) until the operations system
publishes them again; until then only staff of every branch can issue their links.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("branch_id", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("customers", "branch_id")
