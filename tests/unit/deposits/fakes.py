"""The deposits unit of work in memory: deposits by id, and the upstream slices."""

import copy
from datetime import date
from uuid import UUID

from services.deposits.domain import ClosedJob, Customer, Deposit, DepositReturn, DepositsTenant
from tests.unit.fakes import FakeUnitOfWork


class FakeDeposits:
    def __init__(self) -> None:
        self.rows: dict[UUID, Deposit] = {}

    async def get(self, tenant_id: str, deposit_id: UUID, *, for_update: bool = False) -> Deposit | None:
        found = self.rows.get(deposit_id)
        return copy.deepcopy(found) if found and found.tenant_id == tenant_id else None

    async def add(self, deposit: Deposit) -> None:
        self.rows[deposit.id] = copy.deepcopy(deposit)

    async def save_state(self, deposit: Deposit) -> None:
        self.rows[deposit.id] = copy.deepcopy(deposit)

    async def add_collection(self, deposit: Deposit, _collection: object) -> None:
        self.rows[deposit.id] = copy.deepcopy(deposit)

    async def add_return(self, deposit: Deposit, _deposit_return: DepositReturn) -> None:
        self.rows[deposit.id] = copy.deepcopy(deposit)

    async def save_void(self, _deposit_return: DepositReturn) -> None:
        pass


class FakeReference:
    def __init__(self) -> None:
        self.tenants: dict[str, DepositsTenant] = {}
        self.customers: dict[tuple[str, str], Customer] = {}
        self.closed_jobs: dict[tuple[str, str], ClosedJob] = {}

    async def tenant(self, tenant_id: str) -> DepositsTenant | None:
        return self.tenants.get(tenant_id)

    async def customer_names(self, tenant_id: str, customer_ids: set[str]) -> dict[str, str]:
        return {
            c: self.customers[tenant_id, c].name for c in customer_ids if (tenant_id, c) in self.customers
        }

    async def job_closed_on(self, tenant_id: str, job_id: str | None) -> date | None:
        job = self.closed_jobs.get((tenant_id, job_id or ""))
        return job.closed_on if job else None


class FakeDepositsUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.deposits = FakeDeposits()
        self.reference = FakeReference()
