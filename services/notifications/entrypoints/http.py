"""Staff HTTP API: the alert inbox and the delivery log. Thin routes that parse, call one use
case and map the result."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from services.notifications import use_cases
from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import NoticeStatus
from services.notifications.entrypoints.schemas import AlertOut, InboxOut, NoticeOut, NoticePageOut
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
    404: {"description": "No such alert in your tenant and branches"},
    422: {"description": "Invalid input; the error names the field"},
}
router = APIRouter(prefix="/v1", responses=RESPONSES)

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def new_uow(request: Request) -> NotificationsUnitOfWork:
    return NotificationsUnitOfWork(engine_of(request))


Uow = Annotated[NotificationsUnitOfWork, Depends(new_uow)]


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
