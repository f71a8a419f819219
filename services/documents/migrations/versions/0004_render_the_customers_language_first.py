"""render the customer's language first: render job priority and the languages rendered so far

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "render_jobs", sa.Column("priority", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.add_column(
        "render_jobs",
        sa.Column(
            "rendered_languages",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    # Jobs done before rendered both languages in one step.
    op.execute("UPDATE render_jobs SET rendered_languages = '[\"th\", \"en\"]'::jsonb WHERE status = 'done'")
    op.drop_index("render_jobs_due", table_name="render_jobs", postgresql_where=sa.text("status = 'pending'"))
    op.create_index(
        "render_jobs_due",
        "render_jobs",
        ["priority", "next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("render_jobs_due", table_name="render_jobs", postgresql_where=sa.text("status = 'pending'"))
    op.create_index(
        "render_jobs_due", "render_jobs", ["next_attempt_at"], postgresql_where=sa.text("status = 'pending'")
    )
    op.drop_column("render_jobs", "rendered_languages")
    op.drop_column("render_jobs", "priority")
