"""Loads and saves webhook endpoints and their deliveries."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.tables import webhook_deliveries, webhook_endpoints
from services.notifications.domain.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint


def _endpoint(row: Row[Any]) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row.id,
        tenant_id=row.tenant_id,
        url=row.url,
        event_types=tuple(row.event_types),
        description=row.description,
        secret=row.secret,
        created_at=row.created_at,
        created_by=row.created_by,
        disabled_at=row.disabled_at,
    )


def _delivery(row: Row[Any]) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        endpoint_id=row.endpoint_id,
        tenant_id=row.tenant_id,
        event_id=row.event_id,
        event_type=row.event_type,
        payload=row.payload,
        created_at=row.created_at,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_attempt_at=row.last_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
    )


def _delivery_state(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "status": d.status.value,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at,
        "last_attempt_at": d.last_attempt_at,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "delivered_at": d.delivered_at,
    }


class WebhookRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add_endpoint(self, e: WebhookEndpoint) -> None:
        await self._conn.execute(
            webhook_endpoints.insert().values(
                id=e.id,
                tenant_id=e.tenant_id,
                url=e.url,
                event_types=list(e.event_types),
                description=e.description,
                secret=e.secret,
                enabled=e.enabled,
                created_at=e.created_at,
                created_by=e.created_by,
                disabled_at=e.disabled_at,
            )
        )

    async def save_endpoint(self, e: WebhookEndpoint) -> None:
        await self._conn.execute(
            webhook_endpoints.update()
            .where(webhook_endpoints.c.id == e.id)
            .values(enabled=e.enabled, disabled_at=e.disabled_at)
        )

    async def endpoint(
        self, tenant_id: str, endpoint_id: UUID, *, for_update: bool = False
    ) -> WebhookEndpoint | None:
        """The tenant's endpoint; another tenant's is not found."""
        query = select(webhook_endpoints).where(
            webhook_endpoints.c.id == endpoint_id, webhook_endpoints.c.tenant_id == tenant_id
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return _endpoint(row) if row else None

    async def endpoints(self, tenant_id: str) -> list[WebhookEndpoint]:
        rows = await self._conn.execute(
            select(webhook_endpoints)
            .where(webhook_endpoints.c.tenant_id == tenant_id)
            .order_by(webhook_endpoints.c.created_at, webhook_endpoints.c.id)
        )
        return [_endpoint(row) for row in rows]

    async def subscribers(self, tenant_id: str, event_type: str) -> list[WebhookEndpoint]:
        """The tenant's enabled endpoints that subscribe to this event type."""
        rows = await self._conn.execute(
            select(webhook_endpoints)
            .where(
                webhook_endpoints.c.tenant_id == tenant_id,
                webhook_endpoints.c.enabled,
                webhook_endpoints.c.event_types.contains([event_type]),
            )
            .order_by(webhook_endpoints.c.id)
        )
        return [_endpoint(row) for row in rows]

    async def queue(self, d: WebhookDelivery) -> bool:
        """False when this endpoint already has this event (a redelivery): nothing is written."""
        inserted = await self._conn.execute(
            insert(webhook_deliveries)
            .values(
                id=d.id,
                endpoint_id=d.endpoint_id,
                tenant_id=d.tenant_id,
                event_id=d.event_id,
                event_type=d.event_type,
                payload=dict(d.payload),
                created_at=d.created_at,
                **_delivery_state(d),
            )
            .on_conflict_do_nothing(
                index_elements=[webhook_deliveries.c.endpoint_id, webhook_deliveries.c.event_id]
            )
            .returning(webhook_deliveries.c.id)
        )
        return inserted.first() is not None

    async def claim_due(self, now: datetime) -> WebhookDelivery | None:
        """The next delivery due, locked for this transaction; one another worker holds is skipped,
        so no two workers send the same attempt."""
        row = (
            await self._conn.execute(
                select(webhook_deliveries)
                .where(
                    webhook_deliveries.c.status == DeliveryStatus.PENDING.value,
                    webhook_deliveries.c.next_attempt_at <= now,
                )
                .order_by(webhook_deliveries.c.next_attempt_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).first()
        return _delivery(row) if row else None

    async def save_delivery(self, d: WebhookDelivery) -> None:
        await self._conn.execute(
            webhook_deliveries.update().where(webhook_deliveries.c.id == d.id).values(**_delivery_state(d))
        )

    async def deliveries(
        self, endpoint_id: UUID, *, status: DeliveryStatus | None, limit: int, offset: int
    ) -> tuple[list[WebhookDelivery], int]:
        """A page of the endpoint's deliveries, newest first, and how many there are."""
        conditions = [webhook_deliveries.c.endpoint_id == endpoint_id]
        if status is not None:
            conditions.append(webhook_deliveries.c.status == status.value)
        total = await self._conn.scalar(
            select(func.count()).select_from(webhook_deliveries).where(*conditions)
        )
        rows = await self._conn.execute(
            select(webhook_deliveries)
            .where(*conditions)
            .order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_delivery(row) for row in rows], int(total or 0)
