"""Payments on invoices (RC) with their proofs, and pre-payments on jobs (PREREC)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from services.billing import use_cases
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.entrypoints.http._deps import RESPONSES, Uow, invoice_out
from services.billing.entrypoints.schemas import (
    InvoiceOut,
    PaymentIn,
    PrepaymentIn,
    PrepaymentListOut,
    PrepaymentOut,
)
from shared.auth import Role
from shared.contracts.types import Id
from shared.images import MAX_IMAGE_BYTES
from shared.uploads import idempotent_upload
from shared.web import IdempotencyKeyHeader, Now, Staff, StaffReader, idempotent_request, run_command

router = APIRouter(prefix="/v1/invoices", tags=["payments"], responses=RESPONSES)
jobs_router = APIRouter(prefix="/v1/jobs", tags=["pre-payments"], responses=RESPONSES)


@router.post(
    "/{invoice_id}/payments",
    status_code=201,
    response_model=InvoiceOut,
    summary="Record a payment (defaults to the balance, never above it); issues an RC receipt",
)
async def record_payment(
    invoice_id: UUID,
    body: PaymentIn,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: BillingUnitOfWork) -> InvoiceOut:
        await use_cases.record_payment(
            uow=uow,
            staff=staff,
            invoice_id=invoice_id,
            amount=body.amount,
            method=body.method,
            reference=body.reference,
            paid_on=body.paid_on,
            report_id=body.report_id,
            now=now,
        )
        return await invoice_out(uow, staff, invoice_id, now)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@router.post(
    "/{invoice_id}/payments/{payment_id}/proof",
    status_code=201,
    response_model=InvoiceOut,
    summary="Attach a proof of payment (PNG, JPEG or WebP, checked by content; up to 5 MB)",
)
async def upload_proof(
    invoice_id: UUID,
    payment_id: UUID,
    file: Annotated[UploadFile, File(description="The slip or photo proving the payment")],
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)
    content = await file.read(MAX_IMAGE_BYTES + 1)  # one byte over the cap is enough to refuse it

    async def act(uow: BillingUnitOfWork) -> InvoiceOut:
        await use_cases.attach_proof(
            uow=uow, staff=staff, invoice_id=invoice_id, payment_id=payment_id, content=content, now=now
        )
        return await invoice_out(uow, staff, invoice_id, now)

    return await run_command(uow, idempotent_upload(request, staff, key, content), act, status_code=201)


@router.get(
    "/{invoice_id}/payments/{payment_id}/proof",
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}}},
    summary="The proof of a payment, as uploaded",
)
async def download_proof(invoice_id: UUID, payment_id: UUID, staff: StaffReader, uow: Uow) -> Response:
    async with uow:
        proof = await use_cases.payment_proof(
            uow=uow, staff=staff, invoice_id=invoice_id, payment_id=payment_id
        )
    return Response(proof.content, media_type=proof.content_type, headers={"Cache-Control": "private"})


@jobs_router.post(
    "/{job_id}/prepayments",
    status_code=201,
    response_model=PrepaymentOut,
    summary="Record a pre-payment (VAT included) for a job that has not started; issues a PREREC receipt",
)
async def record_prepayment(
    job_id: Id,
    body: PrepaymentIn,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: BillingUnitOfWork) -> PrepaymentOut:
        prepayment = await use_cases.record_prepayment(
            uow=uow,
            staff=staff,
            job_id=job_id,
            branch_id=body.branch_id,
            amount=body.amount,
            method=body.method,
            reference=body.reference,
            paid_on=body.paid_on,
            now=now,
        )
        return PrepaymentOut.of(prepayment)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@jobs_router.get("/{job_id}/prepayments", summary="A job's pre-payments, and the invoice each is on")
async def list_prepayments(job_id: Id, staff: Staff, uow: Uow) -> PrepaymentListOut:
    async with uow:
        found = await use_cases.list_prepayments(uow=uow, staff=staff, job_id=job_id)
    return PrepaymentListOut(items=[PrepaymentOut.of(p) for p in found])
