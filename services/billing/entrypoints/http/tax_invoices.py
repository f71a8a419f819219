"""Tax invoices covering invoices and retained deposit amounts; the retentions awaiting one."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from services.billing import use_cases
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.entrypoints.http._deps import RESPONSES, Uow
from services.billing.entrypoints.schemas import RetentionOut, RetentionPageOut, TaxInvoiceIn, TaxInvoiceOut
from shared.auth import Role
from shared.contracts.types import Id
from shared.web import IdempotencyKeyHeader, Now, Staff, StaffReader, idempotent_request, run_command

router = APIRouter(tags=["tax invoices"], responses=RESPONSES)


@router.post(
    "/v1/tax-invoices",
    status_code=201,
    response_model=TaxInvoiceOut,
    summary="Issue one tax invoice (TI) covering invoices and/or amounts retained on deposit returns",
)
async def issue_tax_invoice(
    body: TaxInvoiceIn, request: Request, staff: Staff, uow: Uow, now: Now, key: IdempotencyKeyHeader
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: BillingUnitOfWork) -> TaxInvoiceOut:
        issued = await use_cases.issue_tax_invoice(
            uow=uow,
            staff=staff,
            invoice_ids=body.invoice_ids,
            deposit_return_numbers=body.deposit_return_numbers,
            now=now,
        )
        return TaxInvoiceOut.of(issued)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@router.get("/v1/tax-invoices/{tax_invoice_id}", summary="A tax invoice as issued")
async def get_tax_invoice(tax_invoice_id: UUID, staff: StaffReader, uow: Uow) -> TaxInvoiceOut:
    async with uow:
        return TaxInvoiceOut.of(
            await use_cases.get_tax_invoice(uow=uow, staff=staff, tax_invoice_id=tax_invoice_id)
        )


@router.get(
    "/v1/retentions",
    summary="Amounts retained on deposit returns (forfeits, partial returns): taxable, VAT included",
)
async def list_retentions(
    staff: StaffReader,
    uow: Uow,
    awaiting_tax_invoice: Annotated[
        bool | None, Query(description="true: not yet on a tax invoice; false: already on one")
    ] = None,
    customer_id: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RetentionPageOut:
    criteria = use_cases.RetentionCriteria(
        awaiting_tax_invoice=awaiting_tax_invoice, customer_id=customer_id, limit=limit, offset=offset
    )
    async with uow:
        found, total = await use_cases.list_retentions(uow=uow, staff=staff, criteria=criteria)
    return RetentionPageOut(
        items=[RetentionOut.of(r) for r in found], total=total, limit=limit, offset=offset
    )
