"""Invoices: draft, edit, send, read, and the tax invoice of one invoice."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from services.billing import use_cases
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.entrypoints.http._deps import RESPONSES, Uow, invoice_out
from services.billing.entrypoints.schemas import (
    InvoiceCreateIn,
    InvoiceOut,
    InvoicePageOut,
    InvoiceSummaryOut,
    LinesIn,
    SendIn,
    TaxInvoiceOut,
)
from shared.auth import Role
from shared.contracts.billing import InvoiceStatus
from shared.contracts.types import Id
from shared.web import IdempotencyKeyHeader, Now, Staff, StaffReader, idempotent_request, run_command

router = APIRouter(prefix="/v1/invoices", tags=["invoices"], responses=RESPONSES)


@router.post(
    "",
    status_code=201,
    response_model=InvoiceOut,
    summary="Draft an invoice (no number until it is sent); standard, or damage beyond a forfeited deposit",
)
async def create_invoice(
    body: InvoiceCreateIn, request: Request, staff: Staff, uow: Uow, now: Now, key: IdempotencyKeyHeader
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: BillingUnitOfWork) -> InvoiceOut:
        invoice = await use_cases.create_invoice(
            uow=uow,
            staff=staff,
            branch_id=body.branch_id,
            customer_id=body.customer_id,
            job_id=body.job_id,
            kind=body.kind,
            related_deposit_id=body.related_deposit_id,
            payment_terms_days=body.payment_terms_days,
            lines=[line.spec() for line in body.lines],
            now=now,
        )
        return await invoice_out(uow, staff, invoice.id, now)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@router.put("/{invoice_id}/lines", response_model=InvoiceOut, summary="Replace a draft's lines")
async def edit_lines(
    invoice_id: UUID,
    body: LinesIn,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: BillingUnitOfWork) -> InvoiceOut:
        await use_cases.edit_lines(
            uow=uow, staff=staff, invoice_id=invoice_id, lines=[line.spec() for line in body.lines], now=now
        )
        return await invoice_out(uow, staff, invoice_id, now)

    return await run_command(uow, await idempotent_request(request, staff, key), act)


@router.post(
    "/{invoice_id}/send",
    response_model=InvoiceOut,
    summary="Send a draft: INV number, issue and due dates, the job's pre-payments below the totals",
)
async def send_invoice(
    invoice_id: UUID,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
    body: SendIn | None = None,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: BillingUnitOfWork) -> InvoiceOut:
        await use_cases.send_invoice(
            uow=uow,
            staff=staff,
            invoice_id=invoice_id,
            payment_terms_days=body.payment_terms_days if body else None,
            now=now,
        )
        return await invoice_out(uow, staff, invoice_id, now)

    return await run_command(uow, await idempotent_request(request, staff, key), act)


@router.post(
    "/{invoice_id}/tax-invoice",
    status_code=201,
    response_model=TaxInvoiceOut,
    summary="Issue the tax invoice (TI) of a sent, partial or paid invoice",
)
async def issue_tax_invoice(
    invoice_id: UUID, request: Request, staff: Staff, uow: Uow, now: Now, key: IdempotencyKeyHeader
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: BillingUnitOfWork) -> TaxInvoiceOut:
        issued = await use_cases.issue_tax_invoice_for_invoice(
            uow=uow, staff=staff, invoice_id=invoice_id, now=now
        )
        return TaxInvoiceOut.of(issued)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@router.get("", summary="List invoices, filtered; each with its overdue flag as of now")
async def list_invoices(
    staff: StaffReader,
    uow: Uow,
    now: Now,
    status: InvoiceStatus | None = None,
    customer_id: Id | None = None,
    job_id: Id | None = None,
    branch_id: Id | None = None,
    overdue: Annotated[
        bool | None, Query(description="true: only invoices past due with a balance; false: only the others")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> InvoicePageOut:
    criteria = use_cases.InvoiceCriteria(
        status=status,
        customer_id=customer_id,
        job_id=job_id,
        branch_id=branch_id,
        overdue=overdue,
        limit=limit,
        offset=offset,
    )
    async with uow:
        found, total = await use_cases.list_invoices(uow=uow, staff=staff, criteria=criteria, now=now)
    items = [InvoiceSummaryOut.of(view) for view in found]
    return InvoicePageOut(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{invoice_id}",
    summary="An invoice with its lines, VAT, totals, pre-payments, payments, balance, overdue flag, "
    "payment reports, tax invoice and audit trail",
)
async def get_invoice(invoice_id: UUID, staff: StaffReader, uow: Uow, now: Now) -> InvoiceOut:
    async with uow:
        return await invoice_out(uow, staff, invoice_id, now)
