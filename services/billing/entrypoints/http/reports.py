"""Customers' "I've paid" reports awaiting reconciliation."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from services.billing import use_cases
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import ReportStatus
from services.billing.entrypoints.http._deps import RESPONSES, Uow
from services.billing.entrypoints.schemas import DismissIn, ReportOut, ReportPageOut
from shared.auth import Role
from shared.web import IdempotencyKeyHeader, Now, Staff, StaffReader, idempotent_request, run_command

router = APIRouter(prefix="/v1/reported-payments", tags=["reported payments"], responses=RESPONSES)


@router.get("", summary="Customers' payment reports; open ones await a recorded payment or a dismissal")
async def list_reports(
    staff: StaffReader,
    uow: Uow,
    status: ReportStatus | None = None,
    invoice_id: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReportPageOut:
    criteria = use_cases.ReportCriteria(status=status, invoice_id=invoice_id, limit=limit, offset=offset)
    async with uow:
        found, total = await use_cases.list_reports(uow=uow, staff=staff, criteria=criteria)
    return ReportPageOut(items=[ReportOut.of(r) for r in found], total=total, limit=limit, offset=offset)


@router.post(
    "/{report_id}/dismiss",
    response_model=ReportOut,
    summary="Dismiss an open report with the reason (no payment was received, a duplicate slip...)",
)
async def dismiss_report(
    report_id: UUID,
    body: DismissIn,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: BillingUnitOfWork) -> ReportOut:
        report = await use_cases.dismiss_report(
            uow=uow, staff=staff, report_id=report_id, reason=body.reason, now=now
        )
        return ReportOut.of(report)

    return await run_command(uow, await idempotent_request(request, staff, key), act)
