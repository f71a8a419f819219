"""The deposits unit of work in memory: deposits by id with their collections' proofs, and the
upstream slices."""

import copy
from datetime import datetime
from uuid import UUID

from services.deposits.domain import Customer, Deposit, DepositReturn, DepositsTenant, Inspection, Job
from shared.actors import Actor
from shared.db.proofs import StoredImage
from shared.images import AcceptedImage
from tests.unit.fakes import FakeUnitOfWork


class FakeDeposits:
    def __init__(self) -> None:
        self.rows: dict[UUID, Deposit] = {}
        self.proofs: dict[UUID, StoredImage] = {}

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

    async def save_proof(
        self,
        deposit: Deposit,
        collection_id: UUID,
        image: AcceptedImage,
        _sha256: str,
        _at: datetime,
        _by: Actor,
    ) -> None:
        self.proofs[collection_id] = StoredImage(image.content, image.content_type)
        self.rows[deposit.id] = copy.deepcopy(deposit)

    async def proof(self, _tenant_id: str, collection_id: UUID) -> StoredImage | None:
        return self.proofs.get(collection_id)

    async def open_on_job(self, tenant_id: str, job_id: str) -> list[UUID]:
        return [d.id for d in self.rows.values() if d.tenant_id == tenant_id and d.job_id == job_id]


class FakeReference:
    def __init__(self) -> None:
        self.tenants: dict[str, DepositsTenant] = {}
        self.customers: dict[tuple[str, str], Customer] = {}
        self.jobs: dict[tuple[str, str], tuple[Job, datetime]] = {}
        self.inspections: dict[tuple[str, str], Inspection] = {}

    async def tenant(self, tenant_id: str) -> DepositsTenant | None:
        return self.tenants.get(tenant_id)

    async def customer_names(self, tenant_id: str, customer_ids: set[str]) -> dict[str, str]:
        return {
            c: self.customers[tenant_id, c].name for c in customer_ids if (tenant_id, c) in self.customers
        }

    async def save_job(self, job: Job, *, as_of: datetime) -> bool:
        kept = self.jobs.get((job.tenant_id, job.job_id))
        if kept and kept[1] > as_of:
            return False
        self.jobs[job.tenant_id, job.job_id] = (job, as_of)
        return True

    async def job(self, tenant_id: str, job_id: str | None) -> Job | None:
        kept = self.jobs.get((tenant_id, job_id or ""))
        return kept[0] if kept else None

    async def save_inspection(self, inspection: Inspection, *, as_of: datetime) -> None:
        self.inspections[inspection.tenant_id, inspection.inspection_id] = inspection

    async def inspections_of_job(self, tenant_id: str, job_id: str | None) -> list[Inspection]:
        found = [i for (t, _), i in self.inspections.items() if t == tenant_id and i.job_id == job_id]
        return sorted(found, key=lambda i: i.inspected_at)


class FakeDepositsUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.deposits = FakeDeposits()
        self.reference = FakeReference()
