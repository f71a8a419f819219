"""Deposit use cases. Each runs inside the caller's unit of work: the state change, its audit row
and its event commit together or not at all."""

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from services.deposits.adapters.repository import DepositFilter, TenantNumbering, month_bounds
from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.domain import Collection, Deposit, DepositNotFound, DepositReturn
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts import deposits as events
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind
from shared.contracts.documents import DocumentKind
from shared.contracts.envelope import EventPayload
from shared.contracts.upstream import CustomerUpserted, JobClosed, QuoteAccepted, TenantSettingsUpdated
from shared.db import SYSTEM, Actor
from shared.errors import RuleViolation
from shared.numbering import prefix_for


class UnknownCustomer(RuleViolation):
    code = "unknown_customer"


def _staff(actor: Actor) -> events.StaffRef:
    return events.StaffRef(user_id=actor.user_id, name=actor.name)


async def _next_number(
    uow: DepositsUnitOfWork, tenant: TenantNumbering, deposit: Deposit, kind: DocumentKind, now: datetime
) -> str:
    return await uow.numbers.next(
        tenant_id=deposit.tenant_id,
        document_type=kind.value,
        prefix=prefix_for(kind, tenant.document_prefixes),
        year=local_date(now, tenant.timezone).year,
        branch_code=tenant.branch_code(deposit.branch_id),
    )


async def _record(
    uow: DepositsUnitOfWork,
    deposit: Deposit,
    fact: EventPayload,
    *,
    actor: Actor,
    now: datetime,
    details: dict[str, Any],
) -> None:
    await uow.audit.record(
        tenant_id=deposit.tenant_id,
        subject_type="deposit",
        subject_id=str(deposit.id),
        action=fact.event_type,
        actor=actor,
        at=now,
        details=details,
    )
    await uow.outbox.add(
        fact, tenant_id=deposit.tenant_id, branch_id=deposit.branch_id, subject=str(deposit.id), time=now
    )


async def _load(uow: DepositsUnitOfWork, staff: Principal, deposit_id: UUID, *, for_update: bool) -> Deposit:
    deposit = await uow.deposits.get(staff.tenant_id, deposit_id, for_update=for_update)
    if deposit is None or not staff.can_see_branch(deposit.branch_id):
        raise DepositNotFound("Deposit not found")
    return deposit


async def request_deposit(
    *,
    uow: DepositsUnitOfWork,
    tenant_id: str,
    branch_id: str,
    customer_id: str,
    amount: Decimal,
    job_id: str | None,
    quote_id: str | None,
    actor: Actor,
    now: datetime,
) -> Deposit:
    """Creates a pending deposit with its DEP number; the customer is asked to pay it."""
    tenant = await uow.reference.tenant(tenant_id)
    deposit = Deposit(
        id=uuid4(),
        tenant_id=tenant_id,
        branch_id=branch_id,
        customer_id=customer_id,
        number="",
        amount_requested=amount,
        requested_on=local_date(now, tenant.timezone),
        status=DepositStatus.PENDING,
        created_at=now,
        job_id=job_id,
        quote_id=quote_id,
        job_closed_on=await uow.reference.job_closed_on(tenant_id, job_id),
    )
    deposit.number = await _next_number(uow, tenant, deposit, DocumentKind.DEPOSIT_REQUEST, now)
    await uow.deposits.add(deposit)
    fact = events.DepositRequested(
        deposit_id=deposit.id,
        deposit_number=deposit.number,
        customer_id=customer_id,
        job_id=job_id,
        status=deposit.status,
        quote_id=quote_id,
        amount=amount,
        requested_on=deposit.requested_on,
        requested_by=None if actor is SYSTEM else _staff(actor),
    )
    await _record(
        uow, deposit, fact, actor=actor, now=now, details={"amount": str(amount), "quote_id": quote_id}
    )
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
    deposit = await _load(uow, staff, deposit_id, for_update=True)
    tenant = await uow.reference.tenant(deposit.tenant_id)
    today = local_date(now, tenant.timezone)
    amount = deposit.outstanding if amount is None else amount
    collected_on = collected_on or today
    deposit.check_collection(amount, collected_on, today)
    collection = Collection(
        id=uuid4(),
        receipt_number=await _next_number(uow, tenant, deposit, DocumentKind.DEPOSIT_RECEIPT, now),
        amount=amount,
        method=method,
        reference=reference,
        collected_on=collected_on,
        collected_at=now,
        collected_by=staff.actor,
    )
    deposit.collect(collection, today)
    await uow.deposits.add_collection(deposit, collection)
    await uow.deposits.save_state(deposit)
    fact = events.DepositCollected(
        deposit_id=deposit.id,
        deposit_number=deposit.number,
        customer_id=deposit.customer_id,
        job_id=deposit.job_id,
        status=deposit.status,
        collection_id=collection.id,
        receipt_number=collection.receipt_number,
        amount=amount,
        method=method,
        reference=reference,
        collected_on=collected_on,
        collected_at=now,
        collected_by=_staff(staff.actor),
        amount_requested=deposit.amount_requested,
        total_collected=deposit.held_amount,
    )
    details = {
        "receipt": collection.receipt_number,
        "amount": str(amount),
        "method": method,
        "reference": reference,
    }
    await _record(uow, deposit, fact, actor=staff.actor, now=now, details=details)
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
    """Returns a held deposit (full, partial or forfeit) and issues its DEPRR; a concurrent second
    return of the same deposit waits on the row lock, then gets a conflict."""
    deposit = await _load(uow, staff, deposit_id, for_update=True)
    tenant = await uow.reference.tenant(deposit.tenant_id)
    today = local_date(now, tenant.timezone)
    returned_on = returned_on or today
    terms = deposit.check_return(
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
        receipt_number=await _next_number(uow, tenant, deposit, DocumentKind.DEPOSIT_RETURN_RECEIPT, now),
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
    deposit.record_return(deposit_return)
    await uow.deposits.add_return(deposit, deposit_return)
    await uow.deposits.save_state(deposit)
    fact = events.DepositReturned(
        deposit_id=deposit.id,
        deposit_number=deposit.number,
        customer_id=deposit.customer_id,
        job_id=deposit.job_id,
        status=deposit.status,
        return_id=deposit_return.id,
        receipt_number=deposit_return.receipt_number,
        collection_receipt_numbers=[c.receipt_number for c in deposit.collections],
        kind=terms.kind,
        held_amount=deposit_return.held_amount,
        returned_amount=terms.returned_amount,
        retained_amount=terms.retained_amount,
        reason=terms.reason,
        method=terms.method,
        reference=terms.reference,
        returned_on=returned_on,
        returned_at=now,
        returned_by=_staff(staff.actor),
    )
    details = {
        "receipt": deposit_return.receipt_number,
        "kind": kind,
        "returned": str(terms.returned_amount),
        "retained": str(terms.retained_amount),
        "method": terms.method,
        "reference": terms.reference,
        "reason": terms.reason,
    }
    await _record(uow, deposit, fact, actor=staff.actor, now=now, details=details)
    return deposit


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
    deposit = await _load(uow, staff, deposit_id, for_update=True)
    voided = deposit.void_return(return_id, reason=reason, at=now, by=staff.actor)
    await uow.deposits.save_void(voided)
    await uow.deposits.save_state(deposit)
    fact = events.DepositReturnVoided(
        deposit_id=deposit.id,
        deposit_number=deposit.number,
        customer_id=deposit.customer_id,
        job_id=deposit.job_id,
        status=deposit.status,
        return_id=voided.id,
        receipt_number=voided.receipt_number,
        reason=reason,
        voided_at=now,
        voided_by=_staff(staff.actor),
    )
    details = {"receipt": voided.receipt_number, "reason": reason}
    await _record(uow, deposit, fact, actor=staff.actor, now=now, details=details)
    return deposit


async def flag_overdue_return(
    *, uow: DepositsUnitOfWork, tenant_id: str, deposit_id: UUID, now: datetime
) -> bool:
    """Announces once that a deposit missed its 5-business-day return deadline."""
    deposit = await uow.deposits.get(tenant_id, deposit_id, for_update=True)
    tenant = await uow.reference.tenant(tenant_id)
    if (
        deposit is None
        or deposit.overdue_alerted_at
        or not deposit.return_overdue(local_date(now, tenant.timezone))
    ):
        return False
    assert deposit.job_closed_on is not None
    assert deposit.return_due_on is not None
    deposit.overdue_alerted_at = now
    await uow.deposits.save_state(deposit)
    fact = events.DepositReturnOverdue(
        deposit_id=deposit.id,
        deposit_number=deposit.number,
        customer_id=deposit.customer_id,
        job_id=deposit.job_id,
        status=deposit.status,
        job_closed_on=deposit.job_closed_on,
        due_on=deposit.return_due_on,
        held_amount=deposit.held_amount,
    )
    await _record(uow, deposit, fact, actor=SYSTEM, now=now, details={"due_on": str(deposit.return_due_on)})
    return True


# Upstream events ---------------------------------------------------------------------------------


async def apply_tenant_settings(
    *, uow: DepositsUnitOfWork, tenant_id: str, settings: TenantSettingsUpdated
) -> None:
    numbering = TenantNumbering(
        timezone=settings.timezone,
        document_prefixes=dict(settings.document_prefixes),
        per_branch_numbering=settings.per_branch_numbering,
        branch_codes={b.branch_id: b.code for b in settings.branches},
    )
    await uow.reference.save_tenant(tenant_id, numbering)


async def apply_customer(*, uow: DepositsUnitOfWork, tenant_id: str, customer: CustomerUpserted) -> None:
    await uow.reference.save_customer(tenant_id, customer.customer_id, customer.name)


async def apply_quote_accepted(
    *, uow: DepositsUnitOfWork, tenant_id: str, branch_id: str, quote: QuoteAccepted, now: datetime
) -> None:
    """An accepted quote with a deposit makes one pending deposit, however often it is redelivered."""
    if await uow.deposits.exists_for_quote(tenant_id, quote.quote_id):
        return
    await request_deposit(
        uow=uow,
        tenant_id=tenant_id,
        branch_id=branch_id,
        customer_id=quote.customer_id,
        amount=quote.deposit_amount,
        job_id=quote.job_id,
        quote_id=quote.quote_id,
        actor=SYSTEM,
        now=now,
    )


async def apply_job_closed(*, uow: DepositsUnitOfWork, tenant_id: str, job: JobClosed) -> None:
    """Starts the return deadline of the job's deposits."""
    tenant = await uow.reference.tenant(tenant_id)
    closed_on = local_date(job.closed_at, tenant.timezone)
    await uow.reference.save_job_closed(tenant_id, job.job_id, closed_on)
    for deposit_id in await uow.deposits.open_on_job(tenant_id, job.job_id):
        deposit = await uow.deposits.get(tenant_id, deposit_id, for_update=True)
        assert deposit is not None
        deposit.job_closed_on = closed_on
        await uow.deposits.save_state(deposit)


# Queries -----------------------------------------------------------------------------------------


async def get_deposit(
    *, uow: DepositsUnitOfWork, staff: Principal, deposit_id: UUID
) -> tuple[Deposit, list[dict[str, Any]]]:
    deposit = await _load(uow, staff, deposit_id, for_update=False)
    history = await uow.audit.history(
        tenant_id=staff.tenant_id, subject_type="deposit", subject_id=str(deposit_id)
    )
    return deposit, history


@dataclass(frozen=True)
class DepositCriteria:
    status: DepositStatus | None = None
    customer_id: str | None = None
    job_id: str | None = None
    branch_id: str | None = None
    requested_from: date | None = None
    requested_to: date | None = None
    overdue: bool = False
    limit: int = 50
    offset: int = 0


async def list_deposits(
    *, uow: DepositsUnitOfWork, staff: Principal, criteria: DepositCriteria, now: datetime
) -> tuple[list[Deposit], int]:
    """The deposits of the staff member's branches that match the criteria, newest first."""
    tenant = await uow.reference.tenant(staff.tenant_id)
    fields = {k: v for k, v in asdict(criteria).items() if k != "overdue"}
    found = DepositFilter(
        tenant_id=staff.tenant_id,
        branches=None if staff.all_branches else staff.branches,
        overdue_on=local_date(now, tenant.timezone) if criteria.overdue else None,
        **fields,
    )
    return await uow.deposits.search(found)


async def dashboard(*, uow: DepositsUnitOfWork, staff: Principal, now: datetime) -> dict[str, Any]:
    tenant = await uow.reference.tenant(staff.tenant_id)
    start, end = month_bounds(local_date(now, tenant.timezone))
    figures = await uow.deposits.dashboard(
        staff.tenant_id, None if staff.all_branches else staff.branches, start, end
    )
    return {"month": start.strftime("%Y-%m"), **asdict(figures)}


async def customer_names(
    *, uow: DepositsUnitOfWork, tenant_id: str, deposits: list[Deposit]
) -> dict[str, str]:
    return await uow.reference.customer_names(tenant_id, {d.customer_id for d in deposits})
