"""The unit of work: one connection, one transaction, the kernel stores bound to it.

Entry points own it (the HTTP command runner, the idempotent consumer); use cases receive it.
"""

from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.actors import Actor
from shared.contracts.envelope import EventPayload, Fact, Subject
from shared.db.stores import AuditLog, DocumentNumbers, IdempotencyKeys, Outbox, ProcessedEvents
from shared.db.tables import KernelTables


class UnitOfWork:
    conn: AsyncConnection
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
        self._outbox = Outbox(self.conn, t, self._source)
        self.audit = AuditLog(self.conn, t)
        self.numbers = DocumentNumbers(self.conn, t)
        self.idempotency = IdempotencyKeys(self.conn, t)
        self.processed = ProcessedEvents(self.conn, t)
        self.bind(self.conn)
        return self

    def bind(self, conn: AsyncConnection) -> None:
        """Services attach their repositories to the connection here."""

    async def record(self, fact: Fact, *, about: Subject, actor: Actor, at: datetime) -> None:
        """The one way a fact is recorded: its audit row (the details derived from the fact) and,
        for a published event, its outbox row, both in this transaction."""
        await self.audit.record(
            tenant_id=about.tenant_id,
            subject_type=about.type,
            subject_id=str(about.id),
            action=fact.event_type,
            actor=actor,
            at=at,
            details=fact.audit_details(),
        )
        if isinstance(fact, EventPayload):
            await self._outbox.add(
                fact, tenant_id=about.tenant_id, branch_id=about.branch_id, subject=about.key, time=at
            )

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
