"""keep the request chain of queued work

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:20:30.230234
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("render_jobs", sa.Column("correlation_id", sa.Text(), nullable=True))
    op.add_column("render_jobs", sa.Column("causation_id", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("render_jobs", "causation_id")
    op.drop_column("render_jobs", "correlation_id")
