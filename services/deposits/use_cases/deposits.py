"""Deposit commands: request, collect (with its proof), return, void, and the overdue-return flag.
Each runs inside the caller's unit of work and never commits: the state change, its audit row and its
event commit together or not at all."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.domain import (
    Collection,
    Deposit,
    DepositNotFound,
    DepositReturn,
    DepositsTenant,
    ProofNotFound,
)
from shared.actors import SYSTEM, Actor
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts.deposits import CollectionMethod, RefundMethod, ReturnKind
from shared.contracts.documents import DocumentKind
from shared.db.proofs import StoredImage
from shared.errors import BusinessSettingsPending, RuleViolation
from shared.images import accept_image


class UnknownCustomer(RuleViolation):
    code = "unknown_customer"


async def _number(
    uow: DepositsUnitOfWork, tenant: DepositsTenant, deposit: Deposit, kind: DocumentKind, now: datetime
) -> str:
    sequence = tenant.sequence(kind, branch_id=deposit.branch_id, now=now)
    return await uow.numbers.next(tenant_id=deposit.tenant_id, sequence=sequence)


async def required_tenant(uow: DepositsUnitOfWork, tenant_id: str) -> DepositsTenant:
    """The tenant's numbering and time zone, for a command that issues a number or dates a fact."""
    tenant = await uow.reference.tenant(tenant_id)
    if tenant is None:
        raise BusinessSettingsPending("deposits")
    return tenant


async def load_deposit(
    uow: DepositsUnitOfWork, staff: Principal, deposit_id: UUID, *, for_update: bool
) -> Deposit:
    """The deposit if it is in the staff member's tenant and branches; else it does not exist."""
    deposit = await uow.deposits.get(staff.tenant_id, deposit_id, for_update=for_update)
    if deposit is None or not staff.can_see_branch(deposit.branch_id):
        raise DepositNotFound("Deposit not found")
    return deposit


async def request_deposit(
    *,
    uow: DepositsUnitOfWork,
    tenant_id: str,
    tenant: DepositsTenant,
    branch_id: str,
    customer_id: str,
    amount: Decimal,
    job_id: str | None,
    quote_id: str | None,
    actor: Actor,
    now: datetime,
) -> Deposit:
    """Creates a pending deposit with its DEP number; the customer is asked to pay it."""
    job = await uow.reference.job(tenant_id, job_id)
    sequence = tenant.sequence(DocumentKind.DEPOSIT_REQUEST, branch_id=branch_id, now=now)
    deposit, requested = Deposit.request(
        id=uuid4(),
        tenant_id=tenant_id,
        branch_id=branch_id,
        customer_id=customer_id,
        number=await uow.numbers.next(tenant_id=tenant_id, sequence=sequence),
        amount=amount,
        requested_on=local_date(now, tenant.timezone),
        job_id=job_id,
        quote_id=quote_id,
        job_closed_on=job.closed_on if job else None,
        at=now,
        by=actor,
    )
    await uow.deposits.add(deposit)
    await uow.record(requested, about=deposit.subject, actor=actor, at=now)
    return deposit


async def request_deposit_by_staff(
    *,
    uow: DepositsUnitOfWork,
    staff: Principal,
    branch_id: str,
    customer_id: str,
    amount: Decimal,
    job_id: str | None,
    now: datetime,
) -> Deposit:
    """A deposit staff ask for directly, for a customer the operations system has published."""
    staff.require_branch(branch_id)
    if not await uow.reference.customer_names(staff.tenant_id, {customer_id}):
        raise UnknownCustomer(f"No customer {customer_id} is known for this business", field="customer_id")
    return await request_deposit(
        uow=uow,
        tenant_id=staff.tenant_id,
        tenant=await required_tenant(uow, staff.tenant_id),
        branch_id=branch_id,
        customer_id=customer_id,
        amount=amount,
        job_id=job_id,
        quote_id=None,
        actor=staff.actor,
        now=now,
    )


async def collect_deposit(
    *,
    uow: DepositsUnitOfWork,
    staff: Principal,
    deposit_id: UUID,
    amount: Decimal | None,
    method: CollectionMethod,
    reference: str,
    collected_on: date | None,
    now: datetime,
) -> Deposit:
    """Records money received against a deposit and issues its DEPR receipt."""
    deposit = await load_deposit(uow, staff, deposit_id, for_update=True)
    tenant = await required_tenant(uow, deposit.tenant_id)
    today = local_date(now, tenant.timezone)
    amount = deposit.outstanding if amount is None else amount
    collected_on = collected_on or today
    deposit.check_collection(amount, collected_on, today)
    collection = Collection(
        id=uuid4(),
        receipt_number=await _number(uow, tenant, deposit, DocumentKind.DEPOSIT_RECEIPT, now),
        amount=amount,
        method=method,
        reference=reference,
        collected_on=collected_on,
        collected_at=now,
        collected_by=staff.actor,
    )
    collected = deposit.collect(collection, today)
    await uow.deposits.add_collection(deposit, collection)
    await uow.deposits.save_state(deposit)
    await uow.record(collected, about=deposit.subject, actor=staff.actor, at=now)
    return deposit


async def return_deposit(
    *,
    uow: DepositsUnitOfWork,
    staff: Principal,
    deposit_id: UUID,
    kind: ReturnKind,
    amount: Decimal | None,
    method: RefundMethod | None,
    reference: str,
    note: str,
    returned_on: date | None,
    now: datetime,
) -> Deposit:
    """Returns a held deposit (full, partial or forfeit) once its job, if it has one, has closed or
    was cancelled, and issues its DEPRR; a concurrent second return of the same deposit waits on the
    row lock, then gets a conflict."""
    deposit = await load_deposit(uow, staff, deposit_id, for_update=True)
    tenant = await required_tenant(uow, deposit.tenant_id)
    today = local_date(now, tenant.timezone)
    returned_on = returned_on or today
    terms = deposit.check_return(
        job=await uow.reference.job(deposit.tenant_id, deposit.job_id),
        kind=kind,
        amount=amount,
        method=method,
        reference=reference,
        note=note,
        returned_on=returned_on,
        today=today,
    )
    deposit_return = DepositReturn(
        id=uuid4(),
        receipt_number=await _number(uow, tenant, deposit, DocumentKind.DEPOSIT_RETURN_RECEIPT, now),
        kind=terms.kind,
        held_amount=deposit.held_amount,
        returned_amount=terms.returned_amount,
        retained_amount=terms.retained_amount,
        reason=terms.reason,
        method=terms.method,
        reference=terms.reference,
        returned_on=returned_on,
        returned_at=now,
        returned_by=staff.actor,
        status_before=deposit.status,
    )
    returned = deposit.record_return(deposit_return)
    await uow.deposits.add_return(deposit, deposit_return)
    await uow.deposits.save_state(deposit)
    await uow.record(returned, about=deposit.subject, actor=staff.actor, at=now)
    return deposit


async def attach_collection_proof(
    *,
    uow: DepositsUnitOfWork,
    staff: Principal,
    deposit_id: UUID,
    collection_id: UUID,
    content: bytes,
    now: datetime,
) -> Deposit:
    """Keeps an image proving a collection (a transfer slip, a photo of the cash or cheque), accepted
    by its bytes; the upload is in the deposit's audit trail."""
    deposit = await load_deposit(uow, staff, deposit_id, for_update=False)
    deposit.collection(collection_id)  # another deposit's collection is not found, whatever the file
    image = accept_image(content, field="file")
    sha256 = hashlib.sha256(image.content).hexdigest()
    attached = deposit.attach_collection_proof(
        collection_id, content_type=image.content_type, size_bytes=len(image.content), sha256=sha256
    )
    await uow.deposits.save_proof(deposit, collection_id, image, sha256, now, staff.actor)
    await uow.record(attached, about=deposit.subject, actor=staff.actor, at=now)
    return deposit


async def collection_proof(
    *, uow: DepositsUnitOfWork, staff: Principal, deposit_id: UUID, collection_id: UUID
) -> StoredImage:
    deposit = await load_deposit(uow, staff, deposit_id, for_update=False)
    deposit.collection(collection_id)
    proof = await uow.deposits.proof(deposit.tenant_id, collection_id)
    if proof is None:
        raise ProofNotFound("No proof was uploaded for this collection")
    return proof


async def void_return(
    *,
    uow: DepositsUnitOfWork,
    staff: Principal,
    deposit_id: UUID,
    return_id: UUID,
    reason: str,
    now: datetime,
) -> Deposit:
    """Voids a recorded return: its DEPRR stays (marked void), the deposit is held again."""
    deposit = await load_deposit(uow, staff, deposit_id, for_update=True)
    deposit_return, voided = deposit.void_return(return_id, reason=reason, at=now, by=staff.actor)
    await uow.deposits.save_void(deposit_return)
    await uow.deposits.save_state(deposit)
    await uow.record(voided, about=deposit.subject, actor=staff.actor, at=now)
    return deposit


async def flag_overdue_return(
    *, uow: DepositsUnitOfWork, tenant_id: str, deposit_id: UUID, now: datetime
) -> bool:
    """Announces once that a deposit missed its 5-business-day return deadline."""
    deposit = await uow.deposits.get(tenant_id, deposit_id, for_update=True)
    if deposit is None:
        return False
    tenant = await uow.reference.tenant(tenant_id) or DepositsTenant()
    overdue = deposit.flag_overdue_return(today=local_date(now, tenant.timezone), at=now)
    if overdue is None:
        return False
    await uow.deposits.save_state(deposit)
    await uow.record(overdue, about=deposit.subject, actor=SYSTEM, at=now)
    return True
