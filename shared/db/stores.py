"""Kernel stores that write inside the caller's transaction, so state, audit, outbox, idempotency
and processed-event records commit or roll back together."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.actors import Actor
from shared.context import causation_id, current_correlation_id
from shared.contracts.catalogue import topic_of
from shared.contracts.envelope import Envelope, EventPayload
from shared.db.tables import KernelTables
from shared.errors import RuleViolation
from shared.numbering import NumberSequence


class Outbox:
    def __init__(self, conn: AsyncConnection, tables: KernelTables, source: str) -> None:
        self._conn, self._table, self._source = conn, tables.outbox, source

    async def add(
        self,
        payload: EventPayload,
        *,
        tenant_id: str,
        subject: str,
        time: datetime,
        branch_id: str | None = None,
    ) -> Envelope:
        envelope = Envelope.of(
            payload,
            source=self._source,
            tenant_id=tenant_id,
            branch_id=branch_id,
            subject=subject,
            time=time,
            correlation_id=current_correlation_id(),
            causation_id=causation_id.get(),
        )
        await self._conn.execute(
            self._table.insert().values(
                event_id=envelope.id,
                topic=topic_of(payload).name,
                key=subject,
                event_type=envelope.type,
                envelope=envelope.model_dump(mode="json"),
                created_at=time,
            )
        )
        return envelope


class AuditLog:
    def __init__(self, conn: AsyncConnection, tables: KernelTables) -> None:
        self._conn, self._table = conn, tables.audit_log

    async def record(
        self,
        *,
        tenant_id: str,
        subject_type: str,
        subject_id: str,
        action: str,
        actor: Actor,
        at: datetime,
        details: dict[str, Any],
    ) -> None:
        await self._conn.execute(
            self._table.insert().values(
                tenant_id=tenant_id,
                subject_type=subject_type,
                subject_id=subject_id,
                action=action,
                actor_id=actor.user_id,
                actor_name=actor.name,
                at=at,
                details=details,
                correlation_id=current_correlation_id(),
            )
        )

    async def history(self, *, tenant_id: str, subject_type: str, subject_id: str) -> list[dict[str, Any]]:
        t = self._table
        rows = await self._conn.execute(
            select(t.c.action, t.c.actor_id, t.c.actor_name, t.c.at, t.c.details)
            .where(t.c.tenant_id == tenant_id, t.c.subject_type == subject_type, t.c.subject_id == subject_id)
            .order_by(t.c.id)
        )
        return [dict(row._mapping) for row in rows]


class DocumentNumbers:
    """The counters of gapless numbers, one row per tenant and sequence.

    The row stays locked until the caller's transaction ends, so concurrent allocations queue up;
    a rollback returns the number, so no number is ever skipped or reused.
    """

    def __init__(self, conn: AsyncConnection, tables: KernelTables) -> None:
        self._conn, self._table = conn, tables.document_sequences

    async def next(self, *, tenant_id: str, sequence: NumberSequence) -> str:
        t = self._table
        statement = (
            insert(t)
            .values(
                tenant_id=tenant_id,
                document_type=sequence.document_type,
                scope=sequence.scope,
                year=sequence.year,
                last_value=1,
            )
            .on_conflict_do_update(
                index_elements=list(t.primary_key.columns), set_={"last_value": t.c.last_value + 1}
            )
            .returning(t.c.last_value)
        )
        value = (await self._conn.execute(statement)).scalar_one()
        return sequence.format(value)


@dataclass(frozen=True)
class IdempotentRequest:
    tenant_id: str
    key: str
    fingerprint: str

    @classmethod
    def by(
        cls, *, tenant_id: str, user_id: str, target: str, key: str, fingerprint: str
    ) -> "IdempotentRequest":
        """One user's command on one resource: keys are per tenant, per user and per method and
        path (`target`), so the same key from another user acts on its own and never replays this
        user's response (a portal link's token, say), and a key a client uses again on another
        resource is another command. The same key, user and target with another body is refused.
        The key header and the target's digest hold no spaces, so "user digest key" names exactly
        one (user, target, key)."""
        digest = hashlib.sha256(target.encode()).hexdigest()[:16]
        return cls(tenant_id=tenant_id, key=f"{user_id} {digest} {key}", fingerprint=fingerprint)


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any


class IdempotencyKeyReused(RuleViolation):
    code = "idempotency_key_reused"


class IdempotencyKeys:
    """The first request with a key acts; a retry gets the stored response. A concurrent retry
    waits on the key's row until the first commits (then replays) or rolls back (then acts)."""

    def __init__(self, conn: AsyncConnection, tables: KernelTables) -> None:
        self._conn, self._table = conn, tables.idempotency_keys

    async def claim(self, request: IdempotentRequest) -> StoredResponse | None:
        t = self._table
        claimed = await self._conn.execute(
            insert(t)
            .values(tenant_id=request.tenant_id, key=request.key, fingerprint=request.fingerprint)
            .on_conflict_do_nothing()
            .returning(t.c.key)
        )
        if claimed.first() is not None:
            return None
        row = (
            await self._conn.execute(
                select(t.c.fingerprint, t.c.status_code, t.c.response).where(
                    t.c.tenant_id == request.tenant_id, t.c.key == request.key
                )
            )
        ).one()
        if row.fingerprint != request.fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different request", field="Idempotency-Key"
            )
        return StoredResponse(row.status_code, row.response)

    async def complete(self, request: IdempotentRequest, response: StoredResponse) -> None:
        t = self._table
        await self._conn.execute(
            t.update()
            .where(t.c.tenant_id == request.tenant_id, t.c.key == request.key)
            .values(status_code=response.status_code, response=response.body)
        )


# What a consumer did with an event (processed_events.outcome).
APPLIED = "applied"
DEAD_LETTERED = "dead_lettered"


class ProcessedEvents:
    def __init__(self, conn: AsyncConnection, tables: KernelTables) -> None:
        self._conn, self._table = conn, tables.processed_events

    async def claim(self, consumer: str, event_id: UUID, outcome: str = APPLIED) -> bool:
        """True the first time; False when this consumer already applied the event. An event it
        dead-lettered may be claimed as applied once (a redrive after the fix): the row's lock makes
        a concurrent second copy wait and then find it applied. A dead-letter claim never replaces
        any row, so an event gets at most one dead-letter notice."""
        t = self._table
        statement = insert(t).values(consumer=consumer, event_id=event_id, outcome=outcome)
        if outcome == APPLIED:
            statement = statement.on_conflict_do_update(
                index_elements=[t.c.consumer, t.c.event_id],
                set_={"outcome": APPLIED, "processed_at": func.now()},
                where=t.c.outcome == DEAD_LETTERED,
            )
        else:
            statement = statement.on_conflict_do_nothing()
        claimed = await self._conn.execute(statement.returning(t.c.event_id))
        return claimed.first() is not None

    async def outcomes(self, consumer: str, event_ids: list[UUID]) -> dict[UUID, str]:
        """What this consumer did with each of the events (absent: nothing yet)."""
        t = self._table
        rows = await self._conn.execute(
            select(t.c.event_id, t.c.outcome).where(t.c.consumer == consumer, t.c.event_id.in_(event_ids))
        )
        return {row.event_id: row.outcome for row in rows}

    async def forget(self, consumer: str) -> None:
        """Drops every record of the consumer, for a replay that applies its events again."""
        await self._conn.execute(self._table.delete().where(self._table.c.consumer == consumer))
