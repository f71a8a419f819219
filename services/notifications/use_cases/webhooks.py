"""Webhooks: tenants register endpoints; each event an endpoint subscribes to is queued for it once,
with the consumer's claim of the event, and delivered signed, retried with backoff."""

import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid4

from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import DeliveryFailed, RetryPolicy
from services.notifications.domain.webhooks import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookNotFound,
    signing_secret,
)
from shared.auth import Principal
from shared.contracts.envelope import EventContext, EventPayload, Subject
from shared.errors import PermissionDenied

# Raises UnsafeWebhookUrl (naming `url`) unless deliveries may go there.
UrlCheck = Callable[[str], Awaitable[object]]
SECRET_BYTES = 32


class WebhookPoster(Protocol):
    async def post(self, *, url: str, secret: str, message_id: str, body: str, now: datetime) -> int:
        """The HTTP status the endpoint answered; DeliveryFailed when it could not be reached."""


@dataclass(frozen=True)
class WebhookDelivering:
    sender: WebhookPoster
    policy: RetryPolicy


def _about(endpoint: WebhookEndpoint) -> Subject:
    return Subject("webhook_endpoint", endpoint.id, tenant_id=endpoint.tenant_id)


async def _record(
    uow: NotificationsUnitOfWork, endpoint: WebhookEndpoint, staff: Principal, now: datetime
) -> None:
    for fact in endpoint.events:
        await uow.record(fact, about=_about(endpoint), actor=staff.actor, at=now)
    endpoint.events.clear()


async def register_webhook(
    *,
    uow: NotificationsUnitOfWork,
    staff: Principal,
    url: str,
    event_types: list[str],
    description: str | None,
    check_url: UrlCheck,
    now: datetime,
) -> WebhookEndpoint:
    """Registers an enabled endpoint of the staff's tenant with a new signing secret (the returned
    endpoint carries it: the only time it is shown), audited in the same transaction. An endpoint
    receives every branch's events, so only staff of every branch may register one."""
    if not staff.all_branches:
        raise PermissionDenied("A webhook receives every branch's events: this needs access to all branches")
    endpoint = WebhookEndpoint.register(
        id=uuid4(),
        tenant_id=staff.tenant_id,
        url=url,
        event_types=event_types,
        description=description,
        secret=signing_secret(secrets.token_bytes(SECRET_BYTES)),
        actor=staff.actor,
        now=now,
    )
    await check_url(url)
    await uow.webhooks.add_endpoint(endpoint)
    await _record(uow, endpoint, staff, now)
    return endpoint


async def disable_webhook(
    *, uow: NotificationsUnitOfWork, staff: Principal, endpoint_id: UUID, now: datetime
) -> WebhookEndpoint:
    """Disables the tenant's endpoint: nothing new is queued for it and what is queued fails.
    Disabling it again changes nothing."""
    if not staff.all_branches:
        raise PermissionDenied("A webhook receives every branch's events: this needs access to all branches")
    endpoint = await uow.webhooks.endpoint(staff.tenant_id, endpoint_id, for_update=True)
    if endpoint is None:
        raise WebhookNotFound("Webhook endpoint not found")
    if endpoint.disable(now):
        await uow.webhooks.save_endpoint(endpoint)
        await _record(uow, endpoint, staff, now)
    return endpoint


async def list_webhooks(*, uow: NotificationsUnitOfWork, staff: Principal) -> list[WebhookEndpoint]:
    return await uow.webhooks.endpoints(staff.tenant_id)


async def webhook_deliveries(
    *,
    uow: NotificationsUnitOfWork,
    staff: Principal,
    endpoint_id: UUID,
    status: DeliveryStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[WebhookDelivery], int]:
    """The delivery log of one of the tenant's endpoints; another tenant's is not found."""
    if await uow.webhooks.endpoint(staff.tenant_id, endpoint_id) is None:
        raise WebhookNotFound("Webhook endpoint not found")
    return await uow.webhooks.deliveries(endpoint_id, status=status, limit=limit, offset=offset)


def event_body(event: EventContext, fact: EventPayload) -> dict[str, Any]:
    """What an endpoint receives: the event as published (its envelope's identity and its data)."""
    return {
        "id": str(event.id),
        "type": event.type,
        "time": event.time.isoformat(),
        "tenant_id": event.tenant_id,
        "branch_id": event.branch_id,
        "subject": event.subject,
        "data": fact.model_dump(mode="json"),
    }


async def queue_webhooks(
    *, uow: NotificationsUnitOfWork, event: EventContext, fact: EventPayload
) -> list[WebhookDelivery]:
    """Queues the event once for each enabled endpoint of its own tenant that subscribes to its
    type; a redelivered event queues nothing twice. Returns what was queued now."""
    queued = []
    for endpoint in await uow.webhooks.subscribers(event.tenant_id, event.type):
        delivery = WebhookDelivery.queue(
            id=uuid4(),
            endpoint=endpoint,
            event_id=event.id,
            event_type=event.type,
            payload=event_body(event, fact),
            now=event.now,
        )
        if await uow.webhooks.queue(delivery):
            queued.append(delivery)
    return queued


async def deliver_next_webhook(
    *, uow: NotificationsUnitOfWork, delivering: WebhookDelivering, now: datetime
) -> WebhookDelivery | None:
    """Makes one attempt of the next due delivery, claimed under a row lock other workers skip:
    2xx delivers it, anything else is retried with backoff until the attempts are spent. Only
    ever sent to its own endpoint, of its own tenant. None when nothing is due."""
    delivery = await uow.webhooks.claim_due(now)
    if delivery is None:
        return None
    endpoint = await uow.webhooks.endpoint(delivery.tenant_id, delivery.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        delivery.give_up("The endpoint was disabled")
    else:
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
        try:
            status = await delivering.sender.post(
                url=endpoint.url,
                secret=endpoint.secret,
                message_id=str(delivery.event_id),
                body=body,
                now=now,
            )
        except DeliveryFailed as error:
            delivery.record_failure(str(error), policy=delivering.policy, now=now)
        else:
            delivery.record_answer(status, policy=delivering.policy, now=now)
    await uow.webhooks.save_delivery(delivery)
    return delivery
