"""Staff HTTP API: the alert inbox, the delivery log and the tenant's webhooks. Thin routes that
parse, call one use case and map the result."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from services.notifications import use_cases
from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import NoticeStatus
from services.notifications.domain.webhooks import DeliveryStatus
from services.notifications.entrypoints.schemas import (
    AlertOut,
    InboxOut,
    NoticeOut,
    NoticePageOut,
    WebhookCreatedOut,
    WebhookDeliveryOut,
    WebhookDeliveryPageOut,
    WebhookIn,
    WebhookListOut,
    WebhookOut,
)
from shared.auth import Role
from shared.contracts.types import Id
from shared.web import (
    IdempotencyKeyHeader,
    Now,
    Staff,
    StaffReader,
    engine_of,
    idempotent_request,
    run_command,
)

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or invalid staff bearer token"},
    403: {"description": "The token lacks the role"},
    404: {"description": "No such alert or webhook endpoint in your tenant (and branches)"},
    422: {"description": "Invalid input; the error names the field"},
}
router = APIRouter(prefix="/v1", responses=RESPONSES)

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def new_uow(request: Request) -> NotificationsUnitOfWork:
    return NotificationsUnitOfWork(engine_of(request))


Uow = Annotated[NotificationsUnitOfWork, Depends(new_uow)]


def webhook_url_check(request: Request) -> use_cases.UrlCheck:
    """The URL policy bootstrap binds (https and public addresses in production)."""
    check: use_cases.UrlCheck = request.app.state.webhook_url_check
    return check


UrlCheck = Annotated[use_cases.UrlCheck, Depends(webhook_url_check)]


@router.get("/inbox", tags=["inbox"], summary="Staff alerts of your tenant and branches, newest first")
async def list_inbox(
    staff: StaffReader,
    uow: Uow,
    unread: Annotated[bool, Query(description="Only alerts nobody has marked read")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> InboxOut:
    async with uow:
        found, total, unread_count = await use_cases.inbox(
            uow=uow, staff=staff, unread_only=unread, limit=limit, offset=offset
        )
    return InboxOut(
        items=[AlertOut.of(a) for a in found], total=total, unread=unread_count, limit=limit, offset=offset
    )


@router.post(
    "/inbox/{alert_id}/read",
    tags=["inbox"],
    response_model=AlertOut,
    summary="Mark an alert read (idempotent: the first read time stays)",
)
async def mark_read(
    alert_id: UUID, request: Request, staff: Staff, uow: Uow, now: Now, key: IdempotencyKeyHeader
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: NotificationsUnitOfWork) -> AlertOut:
        alert = await use_cases.mark_alert_read(uow=uow, staff=staff, alert_id=alert_id, now=now)
        return AlertOut.of(alert)

    return await run_command(uow, await idempotent_request(request, staff, key), act)


@router.get(
    "/notices",
    tags=["notices"],
    summary="The delivery log: every email sent or to be sent, with its status and attempts",
)
async def list_notices(
    staff: StaffReader,
    uow: Uow,
    customer_id: Id | None = None,
    status: NoticeStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> NoticePageOut:
    async with uow:
        found, total = await use_cases.delivery_log(
            uow=uow, staff=staff, customer_id=customer_id, status=status, limit=limit, offset=offset
        )
    return NoticePageOut(items=[NoticeOut.of(n) for n in found], total=total, limit=limit, offset=offset)


@router.post(
    "/webhooks",
    tags=["webhooks"],
    status_code=201,
    response_model=WebhookCreatedOut,
    summary="Register a webhook endpoint (managers of every branch); its signing secret is shown only here",
)
async def register_webhook(
    body: WebhookIn,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
    check_url: UrlCheck,
) -> JSONResponse:
    staff.require_role(Role.MANAGER)

    async def act(uow: NotificationsUnitOfWork) -> WebhookCreatedOut:
        endpoint = await use_cases.register_webhook(
            uow=uow,
            staff=staff,
            url=body.url,
            event_types=body.event_types,
            description=body.description,
            check_url=check_url,
            now=now,
        )
        return WebhookCreatedOut.created(endpoint)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@router.get("/webhooks", tags=["webhooks"], summary="Your tenant's webhook endpoints (never their secrets)")
async def list_webhooks(staff: StaffReader, uow: Uow) -> WebhookListOut:
    async with uow:
        found = await use_cases.list_webhooks(uow=uow, staff=staff)
    return WebhookListOut(items=[WebhookOut.of(e) for e in found])


@router.delete(
    "/webhooks/{endpoint_id}",
    tags=["webhooks"],
    response_model=WebhookOut,
    summary="Disable a webhook endpoint: nothing more is sent to it (idempotent)",
)
async def disable_webhook(
    endpoint_id: UUID, request: Request, staff: Staff, uow: Uow, now: Now, key: IdempotencyKeyHeader
) -> JSONResponse:
    staff.require_role(Role.MANAGER)

    async def act(uow: NotificationsUnitOfWork) -> WebhookOut:
        endpoint = await use_cases.disable_webhook(uow=uow, staff=staff, endpoint_id=endpoint_id, now=now)
        return WebhookOut.of(endpoint)

    return await run_command(uow, await idempotent_request(request, staff, key), act)


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    tags=["webhooks"],
    summary="An endpoint's deliveries, newest first: status, attempts, last HTTP status and error",
)
async def list_webhook_deliveries(
    endpoint_id: UUID,
    staff: StaffReader,
    uow: Uow,
    status: DeliveryStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> WebhookDeliveryPageOut:
    async with uow:
        found, total = await use_cases.webhook_deliveries(
            uow=uow, staff=staff, endpoint_id=endpoint_id, status=status, limit=limit, offset=offset
        )
    return WebhookDeliveryPageOut(
        items=[WebhookDeliveryOut.of(d) for d in found], total=total, limit=limit, offset=offset
    )
