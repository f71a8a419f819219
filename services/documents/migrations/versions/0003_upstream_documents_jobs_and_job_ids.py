"""upstream documents: the job slice, and the job of every document

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("job_number", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "job_id"),
    )
    op.add_column("documents", sa.Column("job_id", sa.Text(), nullable=True))
    # Documents scheduled before: their job is in the facts each render job kept.
    op.execute(
        "UPDATE documents d SET job_id = j.facts->>'job_id'"
        " FROM render_jobs j WHERE j.document_id = d.document_id AND j.version = 1"
        " AND j.facts->>'job_id' IS NOT NULL"
    )
    op.create_index(
        "documents_by_job",
        "documents",
        ["tenant_id", "job_id"],
        postgresql_where=sa.text("job_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("documents_by_job", table_name="documents", postgresql_where=sa.text("job_id IS NOT NULL"))
    op.drop_column("documents", "job_id")
    op.drop_table("jobs")
