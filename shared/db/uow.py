"""The unit of work: one connection, one transaction, the kernel stores bound to it.

Entry points own it (the HTTP command runner, the idempotent consumer); use cases receive it.
"""

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db.stores import AuditLog, DocumentNumbers, IdempotencyKeys, Outbox, ProcessedEvents
from shared.db.tables import KernelTables


class UnitOfWork:
    conn: AsyncConnection
    outbox: Outbox
    audit: AuditLog
    numbers: DocumentNumbers
    idempotency: IdempotencyKeys
    processed: ProcessedEvents

    def __init__(self, engine: AsyncEngine, tables: KernelTables, source: str) -> None:
        self._engine, self._tables, self._source = engine, tables, source

    async def __aenter__(self) -> Self:
        self.conn = await self._engine.connect()
        await self.conn.begin()
        t = self._tables
        self.outbox = Outbox(self.conn, t, self._source)
        self.audit = AuditLog(self.conn, t)
        self.numbers = DocumentNumbers(self.conn, t)
        self.idempotency = IdempotencyKeys(self.conn, t)
        self.processed = ProcessedEvents(self.conn, t)
        self.bind(self.conn)
        return self

    def bind(self, conn: AsyncConnection) -> None:
        """Services attach their repositories to the connection here."""

    async def commit(self) -> None:
        await self.conn.commit()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self.conn.in_transaction():
                await self.conn.rollback()
        finally:
            await self.conn.close()
