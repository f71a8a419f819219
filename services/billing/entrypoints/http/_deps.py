"""What every billing route shares: its unit of work and the error responses it documents."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from services.billing import use_cases
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.entrypoints.schemas import InvoiceOut
from shared.auth import Principal
from shared.web import engine_of

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or invalid staff bearer token"},
    403: {"description": "The token lacks the role"},
    404: {"description": "Not found in your tenant and branches"},
    409: {"description": "The state does not allow this"},
    422: {"description": "Invalid input; the error names the field"},
}


def new_uow(request: Request) -> BillingUnitOfWork:
    return BillingUnitOfWork(engine_of(request))


Uow = Annotated[BillingUnitOfWork, Depends(new_uow)]


async def invoice_out(
    uow: BillingUnitOfWork, staff: Principal, invoice_id: UUID, now: datetime
) -> InvoiceOut:
    return InvoiceOut.of(await use_cases.get_invoice(uow=uow, staff=staff, invoice_id=invoice_id, now=now))
