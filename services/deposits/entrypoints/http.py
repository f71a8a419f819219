"""Staff HTTP API: thin routes that parse, call one use case and map the result."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from services.deposits import use_cases
from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.entrypoints.schemas import (
    CollectionIn,
    DashboardOut,
    DepositCreateIn,
    DepositOut,
    DepositPageOut,
    DepositSummaryOut,
    ReturnIn,
    VoidIn,
)
from shared.auth import Principal, Role
from shared.contracts.deposits import DepositStatus
from shared.contracts.types import Id, IsoDate
from shared.uploads import idempotent_upload, image_form_schema, read_uploaded_image
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
    404: {"description": "No such deposit in your tenant and branches"},
    409: {"description": "The deposit's state, or its job's (returns wait for the job to close), forbids it"},
    422: {"description": "Invalid input; the error names the field"},
}
router = APIRouter(prefix="/v1/deposits", tags=["deposits"], responses=RESPONSES)


def new_uow(request: Request) -> DepositsUnitOfWork:
    return DepositsUnitOfWork(engine_of(request))


Uow = Annotated[DepositsUnitOfWork, Depends(new_uow)]


async def _detail(uow: DepositsUnitOfWork, staff: Principal, deposit_id: UUID) -> DepositOut:
    detail = await use_cases.get_deposit(uow=uow, staff=staff, deposit_id=deposit_id)
    deposit = detail.deposit
    names = await use_cases.customer_names(uow=uow, tenant_id=staff.tenant_id, deposits=[deposit])
    return DepositOut.of_detail(detail, names.get(deposit.customer_id))


@router.post(
    "",
    status_code=201,
    response_model=DepositOut,
    summary="Ask a customer for a deposit (pending, DEP number)",
)
async def create_deposit(
    body: DepositCreateIn, request: Request, staff: Staff, uow: Uow, now: Now, key: IdempotencyKeyHeader
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: DepositsUnitOfWork) -> DepositOut:
        deposit = await use_cases.request_deposit_by_staff(
            uow=uow,
            staff=staff,
            branch_id=body.branch_id,
            customer_id=body.customer_id,
            amount=body.amount,
            job_id=body.job_id,
            now=now,
        )
        return await _detail(uow, staff, deposit.id)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@router.post(
    "/{deposit_id}/collections",
    status_code=201,
    response_model=DepositOut,
    summary="Record money collected; issues a DEPR receipt",
)
async def collect(
    deposit_id: UUID,
    body: CollectionIn,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: DepositsUnitOfWork) -> DepositOut:
        await use_cases.collect_deposit(
            uow=uow,
            staff=staff,
            deposit_id=deposit_id,
            amount=body.amount,
            method=body.method,
            reference=body.reference,
            collected_on=body.collected_on,
            now=now,
        )
        return await _detail(uow, staff, deposit_id)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@router.post(
    "/{deposit_id}/collections/{collection_id}/proof",
    status_code=201,
    response_model=DepositOut,
    summary="Attach a proof of a collection (PNG, JPEG or WebP, checked by content; up to 5 MB)",
    openapi_extra=image_form_schema(description="The slip or photo proving the money was collected"),
)
async def upload_collection_proof(
    deposit_id: UUID,
    collection_id: UUID,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)
    content = await read_uploaded_image(request)  # read here, after the token is checked

    async def act(uow: DepositsUnitOfWork) -> DepositOut:
        await use_cases.attach_collection_proof(
            uow=uow,
            staff=staff,
            deposit_id=deposit_id,
            collection_id=collection_id,
            content=content,
            now=now,
        )
        return await _detail(uow, staff, deposit_id)

    return await run_command(uow, idempotent_upload(request, staff, key, content), act, status_code=201)


@router.get(
    "/{deposit_id}/collections/{collection_id}/proof",
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}}},
    summary="The proof of a collection, as uploaded",
)
async def download_collection_proof(
    deposit_id: UUID, collection_id: UUID, staff: StaffReader, uow: Uow
) -> Response:
    async with uow:
        proof = await use_cases.collection_proof(
            uow=uow, staff=staff, deposit_id=deposit_id, collection_id=collection_id
        )
    return Response(proof.content, media_type=proof.content_type, headers={"Cache-Control": "private"})


@router.post(
    "/{deposit_id}/returns",
    status_code=201,
    response_model=DepositOut,
    summary="Return a held deposit (full, partial or forfeit); issues a DEPRR receipt",
)
async def return_deposit(
    deposit_id: UUID,
    body: ReturnIn,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.STAFF, Role.MANAGER)

    async def act(uow: DepositsUnitOfWork) -> DepositOut:
        await use_cases.return_deposit(
            uow=uow,
            staff=staff,
            deposit_id=deposit_id,
            kind=body.kind,
            amount=body.amount,
            method=body.method,
            reference=body.reference,
            note=body.note,
            returned_on=body.returned_on,
            now=now,
        )
        return await _detail(uow, staff, deposit_id)

    return await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)


@router.post(
    "/{deposit_id}/returns/{return_id}/void",
    response_model=DepositOut,
    summary="Void a return (managers); its DEPRR is kept as void and the deposit is held again",
)
async def void_return(
    deposit_id: UUID,
    return_id: UUID,
    body: VoidIn,
    request: Request,
    staff: Staff,
    uow: Uow,
    now: Now,
    key: IdempotencyKeyHeader,
) -> JSONResponse:
    staff.require_role(Role.MANAGER)

    async def act(uow: DepositsUnitOfWork) -> DepositOut:
        await use_cases.void_return(
            uow=uow, staff=staff, deposit_id=deposit_id, return_id=return_id, reason=body.reason, now=now
        )
        return await _detail(uow, staff, deposit_id)

    return await run_command(uow, await idempotent_request(request, staff, key), act)


@router.get("/dashboard", summary="Total held, pending, collected and returned this month")
async def dashboard(staff: StaffReader, uow: Uow, now: Now) -> DashboardOut:
    async with uow:
        return DashboardOut(**await use_cases.dashboard(uow=uow, staff=staff, now=now))


@router.get("", summary="List deposits, filtered")
async def list_deposits(
    staff: StaffReader,
    uow: Uow,
    now: Now,
    status: DepositStatus | None = None,
    customer_id: Id | None = None,
    job_id: Id | None = None,
    branch_id: Id | None = None,
    requested_from: IsoDate | None = None,
    requested_to: IsoDate | None = None,
    overdue: Annotated[
        bool, Query(description="Only deposits past their 5-business-day return deadline")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DepositPageOut:
    criteria = use_cases.DepositCriteria(
        status=status,
        customer_id=customer_id,
        job_id=job_id,
        branch_id=branch_id,
        requested_from=requested_from,
        requested_to=requested_to,
        overdue=overdue,
        limit=limit,
        offset=offset,
    )
    async with uow:
        found, total = await use_cases.list_deposits(uow=uow, staff=staff, criteria=criteria, now=now)
        names = await use_cases.customer_names(uow=uow, tenant_id=staff.tenant_id, deposits=found)
    items = [DepositSummaryOut.of(d, names.get(d.customer_id)) for d in found]
    return DepositPageOut(items=items, total=total, limit=limit, offset=offset)


@router.get("/{deposit_id}", summary="A deposit with its collections, returns and audit trail")
async def get_deposit(deposit_id: UUID, staff: StaffReader, uow: Uow) -> DepositOut:
    async with uow:
        return await _detail(uow, staff, deposit_id)
