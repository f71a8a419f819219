"""The upstream slices billing keeps: tenant settings, customers, jobs and retained deposit amounts."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.adapters.tables import customers, jobs, retentions, tenants
from services.billing.domain import BillingCustomer, BillingTenant, Job, Retention
from shared.contracts.deposits import ReturnKind
from shared.contracts.upstream import TenantSettingsUpdated


def _retention(row: Row[Any]) -> Retention:
    return Retention(
        return_id=row.return_id,
        tenant_id=row.tenant_id,
        branch_id=row.branch_id,
        deposit_id=row.deposit_id,
        deposit_number=row.deposit_number,
        return_receipt_number=row.return_receipt_number,
        customer_id=row.customer_id,
        job_id=row.job_id,
        kind=ReturnKind(row.kind),
        retained_amount=row.retained_amount,
        reason=row.reason,
        returned_on=row.returned_on,
        voided_at=row.voided_at,
        tax_invoice_id=row.tax_invoice_id,
        tax_invoice_number=row.tax_invoice_number,
    )


@dataclass(frozen=True)
class RetentionFilter:
    tenant_id: str
    branches: frozenset[str] | None  # None: every branch
    awaiting_tax_invoice: bool | None = None
    customer_id: str | None = None
    limit: int = 50
    offset: int = 0


class ReferenceData:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    # Tenants and customers --------------------------------------------------------------------

    async def tenant(self, tenant_id: str) -> BillingTenant | None:
        """The tenant's settings as billing uses them; None until they have arrived."""
        row = (await self._conn.execute(select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
        if row is None:
            return None
        return BillingTenant.of(TenantSettingsUpdated.model_validate(row.settings))

    async def save_tenant(self, tenant_id: str, settings: TenantSettingsUpdated) -> None:
        values = {"settings": settings.model_dump(mode="json")}
        await self._conn.execute(
            insert(tenants)
            .values(tenant_id=tenant_id, **values)
            .on_conflict_do_update(index_elements=[tenants.c.tenant_id], set_=values)
        )

    async def save_customer(self, customer: BillingCustomer) -> None:
        values = {
            "name": customer.name,
            "address": customer.address,
            "tax_id": customer.tax_id,
            "tax_branch_no": customer.tax_branch_no,
        }
        await self._conn.execute(
            insert(customers)
            .values(tenant_id=customer.tenant_id, customer_id=customer.customer_id, **values)
            .on_conflict_do_update(
                index_elements=[customers.c.tenant_id, customers.c.customer_id], set_=values
            )
        )

    async def customer(self, tenant_id: str, customer_id: str) -> BillingCustomer | None:
        row = (
            await self._conn.execute(
                select(customers).where(
                    customers.c.tenant_id == tenant_id, customers.c.customer_id == customer_id
                )
            )
        ).first()
        if row is None:
            return None
        return BillingCustomer(
            row.tenant_id, row.customer_id, row.name, row.address, row.tax_id, row.tax_branch_no
        )

    async def customer_names(self, tenant_id: str, customer_ids: set[str]) -> dict[str, str]:
        if not customer_ids:
            return {}
        rows = await self._conn.execute(
            select(customers.c.customer_id, customers.c.name).where(
                customers.c.tenant_id == tenant_id, customers.c.customer_id.in_(customer_ids)
            )
        )
        return {row.customer_id: row.name for row in rows}

    # Jobs -------------------------------------------------------------------------------------

    async def save_job(self, job: Job) -> None:
        values = {
            "customer_id": job.customer_id,
            "branch_id": job.branch_id,
            "stage": job.stage,
            "start_date": job.start_date,
        }
        await self._conn.execute(
            insert(jobs)
            .values(tenant_id=job.tenant_id, job_id=job.job_id, **values)
            .on_conflict_do_update(index_elements=[jobs.c.tenant_id, jobs.c.job_id], set_=values)
        )

    async def job(self, tenant_id: str, job_id: str) -> Job | None:
        row = (
            await self._conn.execute(
                select(jobs).where(jobs.c.tenant_id == tenant_id, jobs.c.job_id == job_id)
            )
        ).first()
        if row is None:
            return None
        return Job(row.tenant_id, row.job_id, row.customer_id, row.branch_id, row.stage, row.start_date)

    # Retentions -------------------------------------------------------------------------------

    async def add_retention(self, r: Retention) -> None:
        await self._conn.execute(
            insert(retentions)
            .values(
                return_id=r.return_id,
                tenant_id=r.tenant_id,
                branch_id=r.branch_id,
                deposit_id=r.deposit_id,
                deposit_number=r.deposit_number,
                return_receipt_number=r.return_receipt_number,
                customer_id=r.customer_id,
                job_id=r.job_id,
                kind=r.kind.value,
                retained_amount=r.retained_amount,
                reason=r.reason,
                returned_on=r.returned_on,
            )
            .on_conflict_do_nothing(index_elements=[retentions.c.return_id])
        )

    async def void_retention(self, tenant_id: str, return_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            retentions.update()
            .where(retentions.c.tenant_id == tenant_id, retentions.c.return_id == return_id)
            .values(voided_at=at)
        )

    async def retentions_numbered(
        self, tenant_id: str, numbers: list[str], *, for_update: bool = False
    ) -> list[Retention]:
        """Locked in return-id order, so concurrent tax invoices cannot deadlock."""
        query = (
            select(retentions)
            .where(retentions.c.tenant_id == tenant_id, retentions.c.return_receipt_number.in_(numbers))
            .order_by(retentions.c.return_id)
        )
        if for_update:
            query = query.with_for_update()
        return [_retention(row) for row in await self._conn.execute(query)]

    async def retentions_of_deposit(self, tenant_id: str, deposit_id: UUID) -> list[Retention]:
        query = select(retentions).where(
            retentions.c.tenant_id == tenant_id, retentions.c.deposit_id == deposit_id
        )
        return [_retention(row) for row in await self._conn.execute(query)]

    async def cover_retention(self, retention: Retention) -> None:
        await self._conn.execute(
            retentions.update()
            .where(retentions.c.return_id == retention.return_id)
            .values(tax_invoice_id=retention.tax_invoice_id, tax_invoice_number=retention.tax_invoice_number)
        )

    async def search_retentions(self, f: RetentionFilter) -> tuple[list[Retention], int]:
        conditions = [retentions.c.tenant_id == f.tenant_id, retentions.c.voided_at.is_(None)]
        if f.branches is not None:
            conditions.append(retentions.c.branch_id.in_(f.branches))
        if f.customer_id is not None:
            conditions.append(retentions.c.customer_id == f.customer_id)
        if f.awaiting_tax_invoice is True:
            conditions.append(retentions.c.tax_invoice_id.is_(None))
        elif f.awaiting_tax_invoice is False:
            conditions.append(retentions.c.tax_invoice_id.is_not(None))
        where = and_(*conditions)
        total = await self._conn.scalar(select(func.count()).select_from(retentions).where(where))
        rows = await self._conn.execute(
            select(retentions)
            .where(where)
            .order_by(retentions.c.returned_on.desc(), retentions.c.return_receipt_number.desc())
            .limit(f.limit)
            .offset(f.offset)
        )
        return [_retention(row) for row in rows], int(total or 0)
