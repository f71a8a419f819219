"""keep the templates' release each version was drawn with, for `mudjam documents re-render`

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("document_versions", sa.Column("template_release", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("document_versions", "template_release")
