"""What staff read: one deposit with its audit trail, its job and the job's inspections, the
filtered list, the dashboard figures."""

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.deposits.adapters.repository import DepositFilter, month_bounds
from services.deposits.adapters.uow import DepositsUnitOfWork
from services.deposits.domain import Deposit, DepositsTenant, Inspection, Job
from services.deposits.use_cases.deposits import load_deposit
from shared.auth import Principal
from shared.clock import local_date
from shared.contracts.deposits import DepositStatus


@dataclass(frozen=True)
class DepositDetail:
    deposit: Deposit
    audit: list[dict[str, Any]]
    job: Job | None  # None: no job, or one deposits has not heard of yet
    inspections: list[Inspection]  # the job's, for staff deciding a partial return or a forfeit


async def get_deposit(*, uow: DepositsUnitOfWork, staff: Principal, deposit_id: UUID) -> DepositDetail:
    deposit = await load_deposit(uow, staff, deposit_id, for_update=False)
    history = await uow.audit.history(
        tenant_id=staff.tenant_id, subject_type=deposit.subject.type, subject_id=str(deposit_id)
    )
    return DepositDetail(
        deposit=deposit,
        audit=history,
        job=await uow.reference.job(deposit.tenant_id, deposit.job_id),
        inspections=await uow.reference.inspections_of_job(deposit.tenant_id, deposit.job_id),
    )


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
    tenant = await uow.reference.tenant(staff.tenant_id) or DepositsTenant()
    fields = {k: v for k, v in asdict(criteria).items() if k != "overdue"}
    found = DepositFilter(
        tenant_id=staff.tenant_id,
        branches=staff.branch_scope,
        overdue_on=local_date(now, tenant.timezone) if criteria.overdue else None,
        **fields,
    )
    return await uow.deposits.search(found)


async def dashboard(*, uow: DepositsUnitOfWork, staff: Principal, now: datetime) -> dict[str, Any]:
    tenant = await uow.reference.tenant(staff.tenant_id) or DepositsTenant()
    start, end = month_bounds(local_date(now, tenant.timezone))
    figures = await uow.deposits.dashboard(staff.tenant_id, staff.branch_scope, start, end)
    return {"month": start.strftime("%Y-%m"), **asdict(figures)}


async def customer_names(
    *, uow: DepositsUnitOfWork, tenant_id: str, deposits: list[Deposit]
) -> dict[str, str]:
    return await uow.reference.customer_names(tenant_id, {d.customer_id for d in deposits})
