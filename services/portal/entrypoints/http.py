"""Staff HTTP API for portal links and customers' payment slips: thin routes that parse, call one use
case and map the result."""

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from services.portal import use_cases
from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import seal_token, unseal_token
from services.portal.entrypoints.pages import PRIVATE_HEADERS, portal_of
from services.portal.entrypoints.schemas import (
    LinkCreateIn,
    LinkIssuedOut,
    LinkIssuedRecord,
    LinkOut,
    LinkPageOut,
)
from shared.auth import ALL_BRANCHES, InvalidToken, Principal, Role
from shared.contracts.slips import SLIPS_PATH, slip_link_tenant
from shared.contracts.types import Id
from shared.settings import AuthSettings
from shared.web import (
    IdempotencyKeyHeader,
    NotAuthenticated,
    Now,
    Staff,
    StaffReader,
    engine_of,
    idempotent_request,
    optional_staff,
    run_command,
)

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or invalid staff bearer token"},
    403: {"description": "The token lacks the role"},
    404: {"description": "No such link in your tenant"},
    422: {"description": "Invalid input; the error names the field"},
}
router = APIRouter(prefix="/v1/portal-links", tags=["portal links"], responses=RESPONSES)
slips = APIRouter(
    prefix=SLIPS_PATH,
    tags=["payment slips"],
    responses={**RESPONSES, 404: {"description": "No such slip in your tenant and branches"}},
)


def new_uow(request: Request) -> PortalUnitOfWork:
    return PortalUnitOfWork(engine_of(request))


Uow = Annotated[PortalUnitOfWork, Depends(new_uow)]


@router.post(
    "",
    status_code=201,
    response_model=LinkIssuedOut,
    summary="Issue a link to a customer's portal, or to one of their invoices or signed quotes (the link "
    "is the credential; 30 days by default)",
)
async def issue_link(
    body: LinkCreateIn, request: Request, staff: Staff, uow: Uow, now: Now, key: IdempotencyKeyHeader
) -> JSONResponse:
    """Staff, and Mudjam services (notifications' invoice emails) with a service token of the tenant."""
    staff.require_role(Role.STAFF, Role.MANAGER, Role.SERVICE)
    portal = portal_of(request)
    secret = portal.settings.session_secret.get_secret_value().encode()

    async def act(uow: PortalUnitOfWork) -> LinkIssuedRecord:
        issued = await use_cases.issue_link(
            uow=uow,
            staff=staff,
            customer_id=body.customer_id,
            invoice_id=body.invoice_id,
            quote_id=body.quote_id,
            expires_in_days=body.expires_in_days,
            now=now,
        )
        return LinkIssuedRecord(
            id=issued.link.id,
            customer_id=issued.link.customer_id,
            expires_at=issued.link.expires_at,
            sealed_token=seal_token(issued.token, secret=secret, link_id=issued.link.id),
            **LinkIssuedRecord.scope_of(issued.link.scope),
        )

    stored = await run_command(uow, await idempotent_request(request, staff, key), act, status_code=201)
    record = LinkIssuedRecord.model_validate(json.loads(bytes(stored.body)))
    token = unseal_token(record.sealed_token, secret=secret, link_id=record.id)
    issued = LinkIssuedOut(
        id=record.id,
        url=f"{portal.settings.urls.portal_public_url.rstrip('/')}/l/{token}",
        customer_id=record.customer_id,
        expires_at=record.expires_at,
        scope=record.scope,
        invoice_id=record.invoice_id,
        quote_id=record.quote_id,
    )
    replayed = {k: v for k, v in stored.headers.items() if k.lower() == "idempotent-replayed"}
    return JSONResponse(issued.model_dump(mode="json"), stored.status_code, headers=replayed)


@router.post(
    "/{link_id}/revoke",
    response_model=LinkOut,
    summary="Revoke a link (managers); the customer's next page asks for a new link",
)
async def revoke_link(
    link_id: UUID, request: Request, staff: Staff, uow: Uow, now: Now, key: IdempotencyKeyHeader
) -> JSONResponse:
    staff.require_role(Role.MANAGER)

    async def act(uow: PortalUnitOfWork) -> LinkOut:
        link = await use_cases.revoke_link(uow=uow, staff=staff, link_id=link_id, now=now)
        return LinkOut.of(link, now)

    response = await run_command(uow, await idempotent_request(request, staff, key), act)
    # Other processes hear of it from the database; this one does not wait for that.
    portal_of(request).live.accounts.forget_link(link_id)
    return response


@router.get("", summary="A customer's links (or all the business's), newest first")
async def list_links(
    staff: StaffReader,
    uow: Uow,
    now: Now,
    customer_id: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> LinkPageOut:
    async with uow:
        found = await use_cases.list_links(
            uow=uow, staff=staff, customer_id=customer_id, limit=limit, offset=offset
        )
    return LinkPageOut(items=[LinkOut.of(link, now) for link in found], limit=limit, offset=offset)


@router.get("/{link_id}", summary="One link and its state (active, expired or revoked)")
async def get_link(link_id: UUID, staff: StaffReader, uow: Uow, now: Now) -> LinkOut:
    async with uow:
        return LinkOut.of(await use_cases.get_link(uow=uow, staff=staff, link_id=link_id), now)


def _link_holder(request: Request, token: str | None, slip_id: UUID) -> Principal:
    """Whoever holds a staff alert's signed link to this slip may open it, within its tenant."""
    if token is None:
        raise NotAuthenticated("A staff bearer token or a signed link is required")
    auth: AuthSettings = request.app.state.auth_settings
    try:
        tenant_id = slip_link_tenant(
            token, slip_id, secret=auth.jwt_secret.get_secret_value(), issuer=auth.jwt_issuer
        )
    except InvalidToken as error:
        raise NotAuthenticated(f"Invalid link: {error}") from error
    return Principal(
        "signed-link", "signed link", tenant_id, frozenset({ALL_BRANCHES}), frozenset({Role.STAFF})
    )


@slips.get(
    "/{slip_id}",
    summary='A payment slip a customer uploaded with "I\'ve paid" (the image, as uploaded)',
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}}},
)
async def get_slip(
    slip_id: UUID,
    request: Request,
    uow: Uow,
    bearer: Annotated[Principal | None, Depends(optional_staff)],
    token: Annotated[str | None, Query(max_length=2000, description="A staff alert's signed link")] = None,
) -> Response:
    staff = bearer or _link_holder(request, token, slip_id)
    staff.require_role(Role.STAFF, Role.MANAGER, Role.SERVICE)
    async with uow:
        slip = await use_cases.staff_slip(uow=uow, staff=staff, slip_id=slip_id)
    extension = slip.content_type.removeprefix("image/")
    return Response(
        slip.content,
        media_type=slip.content_type,
        headers={
            **PRIVATE_HEADERS,
            "Content-Disposition": f'inline; filename="slip-{slip.slip_id}.{extension}"',
        },
    )
