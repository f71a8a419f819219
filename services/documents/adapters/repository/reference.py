"""The tenant, customer and job slices documents print."""

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.documents.adapters.tables import (
    customers,
    jobs,
    tenants,
)
from services.documents.domain import (
    BranchProfile,
    CustomerProfile,
    JobProfile,
    TenantProfile,
)


class ReferenceData:
    """The tenant and customer slices documents print."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def save_tenant(self, tenant: TenantProfile) -> None:
        values = asdict(tenant)
        values["branches"] = [asdict(b) for b in tenant.branches]
        changes = {k: v for k, v in values.items() if k != "tenant_id"}
        await self._conn.execute(
            insert(tenants).values(**values).on_conflict_do_update(index_elements=["tenant_id"], set_=changes)
        )

    async def tenant(self, tenant_id: str) -> TenantProfile | None:
        row = (await self._conn.execute(select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
        if row is None:
            return None
        values = dict(row._mapping)
        values["branches"] = tuple(BranchProfile(**b) for b in values["branches"])
        return TenantProfile(**values)

    async def save_customer(self, tenant_id: str, customer: CustomerProfile) -> None:
        values = asdict(customer)
        changes = {k: v for k, v in values.items() if k != "customer_id"}
        await self._conn.execute(
            insert(customers)
            .values(tenant_id=tenant_id, **values)
            .on_conflict_do_update(index_elements=["tenant_id", "customer_id"], set_=changes)
        )

    async def customer(self, tenant_id: str, customer_id: str) -> CustomerProfile | None:
        row = (
            await self._conn.execute(
                select(customers).where(
                    customers.c.tenant_id == tenant_id, customers.c.customer_id == customer_id
                )
            )
        ).first()
        if row is None:
            return None
        values = {k: v for k, v in row._mapping.items() if k != "tenant_id"}
        return CustomerProfile(**values)

    async def save_job(self, tenant_id: str, job: JobProfile) -> None:
        values = asdict(job)
        changes = {k: v for k, v in values.items() if k != "job_id"}
        await self._conn.execute(
            insert(jobs)
            .values(tenant_id=tenant_id, **values)
            .on_conflict_do_update(index_elements=["tenant_id", "job_id"], set_=changes)
        )

    async def job(self, tenant_id: str, job_id: str) -> JobProfile | None:
        row = (
            await self._conn.execute(
                select(jobs).where(jobs.c.tenant_id == tenant_id, jobs.c.job_id == job_id)
            )
        ).first()
        return JobProfile(row.job_id, row.job_number, row.branch_id) if row else None
