"""billing notices

A notice now attaches any number of documents (receipts, and a tax invoice with the damage invoices
and DEPRRs it covers). Existing "deposit returned" notices get their one DEPRR, rendered or not.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:58:16.803634
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "notices",
        sa.Column(
            "documents",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    op.create_index(
        "notices_waiting",
        "notices",
        ["tenant_id"],
        unique=False,
        postgresql_where=sa.text("status = 'waiting_for_document'"),
    )
    op.execute(
        """
        UPDATE notices SET documents = jsonb_build_array(jsonb_build_object(
            'kind', 'deposit_return_receipt',
            'number', receipt_number,
            'document_id', document_id::text
        ))
        WHERE kind = 'deposit_returned' AND receipt_number IS NOT NULL
        """
    )


def downgrade() -> None:
    op.drop_index(
        "notices_waiting", table_name="notices", postgresql_where=sa.text("status = 'waiting_for_document'")
    )
    op.drop_column("notices", "documents")
