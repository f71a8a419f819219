"""Images kept as proof that money moved (a payment's slip, the photo of a deposit's collection): a
table per kind of proof, keyed by what the image proves, and the store that keeps and reads them. A
later upload replaces the image; the owning service's audit trail keeps every upload."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Uuid,
    exists,
    select,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.actors import Actor
from shared.images import AcceptedImage


@dataclass(frozen=True)
class StoredImage:
    content: bytes
    content_type: str


def define_proof_table(metadata: MetaData, name: str, *, proves: str, references: str) -> Table:
    """The table of the images proving rows of `references` ("payments.id"), keyed by `proves`."""
    return Table(
        name,
        metadata,
        Column(proves, Uuid, ForeignKey(references), primary_key=True),
        Column("tenant_id", Text, nullable=False),
        Column("content", LargeBinary, nullable=False),
        Column("content_type", Text, nullable=False),
        Column("size_bytes", Integer, nullable=False),
        Column("sha256", Text, nullable=False),
        Column("uploaded_at", DateTime(timezone=True), nullable=False),
        Column("uploaded_by_id", Text, nullable=False),
        Column("uploaded_by_name", Text, nullable=False),
    )


class ProofImages:
    def __init__(self, conn: AsyncConnection, table: Table) -> None:
        self._conn, self._table = conn, table
        [self._key] = table.primary_key.columns

    def exists_for(self, proved: ColumnElement[UUID]) -> ColumnElement[bool]:
        """Whether the row whose id is `proved` has a proof, for loading it with its rows."""
        return exists().where(self._key == proved)

    async def save(
        self, *, tenant_id: str, proves: UUID, image: AcceptedImage, sha256: str, at: datetime, by: Actor
    ) -> None:
        values = {
            "content": image.content,
            "content_type": image.content_type,
            "size_bytes": len(image.content),
            "sha256": sha256,
            "uploaded_at": at,
            "uploaded_by_id": by.user_id,
            "uploaded_by_name": by.name,
        }
        await self._conn.execute(
            insert(self._table)
            .values({self._key.name: proves, "tenant_id": tenant_id, **values})
            .on_conflict_do_update(index_elements=[self._key], set_=values)
        )

    async def get(self, tenant_id: str, proves: UUID) -> StoredImage | None:
        t = self._table
        row = (
            await self._conn.execute(
                select(t.c.content, t.c.content_type).where(t.c.tenant_id == tenant_id, self._key == proves)
            )
        ).first()
        return StoredImage(row.content, row.content_type) if row else None
