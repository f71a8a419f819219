"""Loads and saves deposits and the upstream slices this service keeps."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.deposits.adapters.tables import (
    collection_proofs,
    collections,
    customers,
    damage_estimates,
    deposits,
    inspections,
    jobs,
    returns,
    tenants,
)
from services.deposits.domain import (
    HOLDING,
    Collection,
    Customer,
    DamageEstimate,
    Deposit,
    DepositReturn,
    DepositsTenant,
    InspectedItem,
    Inspection,
    Job,
)
from shared.actors import Actor
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind
from shared.db.proofs import ProofImages, StoredImage
from shared.images import AcceptedImage
from shared.money import ZERO


@dataclass(frozen=True)
class DepositFilter:
    tenant_id: str
    branches: frozenset[str] | None  # None: every branch
    status: DepositStatus | None = None
    customer_id: str | None = None
    job_id: str | None = None
    branch_id: str | None = None
    requested_from: date | None = None
    requested_to: date | None = None
    overdue_on: date | None = None  # only deposits whose return is overdue on this day
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class Dashboard:
    total_held: Decimal
    held_count: int
    pending_amount: Decimal
    pending_count: int
    collected_this_month: Decimal
    returned_this_month: Decimal
    retained_this_month: Decimal


def _collection(row: Row[Any]) -> Collection:
    return Collection(
        id=row.id,
        receipt_number=row.receipt_number,
        amount=row.amount,
        method=CollectionMethod(row.method),
        reference=row.reference,
        collected_on=row.collected_on,
        collected_at=row.collected_at,
        collected_by=Actor(row.collected_by_id, row.collected_by_name),
        has_proof=row.has_proof,
    )


def _return(row: Row[Any]) -> DepositReturn:
    return DepositReturn(
        id=row.id,
        receipt_number=row.receipt_number,
        kind=ReturnKind(row.kind),
        held_amount=row.held_amount,
        returned_amount=row.returned_amount,
        retained_amount=row.retained_amount,
        reason=row.reason,
        method=RefundMethod(row.method) if row.method else None,
        reference=row.reference,
        returned_on=row.returned_on,
        returned_at=row.returned_at,
        returned_by=Actor(row.returned_by_id, row.returned_by_name),
        status_before=DepositStatus(row.status_before),
        voided_at=row.voided_at,
        voided_by=Actor(row.voided_by_id, row.voided_by_name) if row.voided_by_id else None,
        void_reason=row.void_reason,
    )


class DepositRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._proofs = ProofImages(conn, collection_proofs)

    async def get(self, tenant_id: str, deposit_id: UUID, *, for_update: bool = False) -> Deposit | None:
        query = select(deposits).where(deposits.c.tenant_id == tenant_id, deposits.c.id == deposit_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        if row is None:
            return None
        loaded = await self._load([row])
        return loaded[0]

    async def _load(self, rows: Sequence[Row[Any]]) -> list[Deposit]:
        ids = [row.id for row in rows]
        by_deposit_c: dict[UUID, list[Collection]] = {i: [] for i in ids}
        by_deposit_r: dict[UUID, list[DepositReturn]] = {i: [] for i in ids}
        if ids:
            has_proof = self._proofs.exists_for(collections.c.id).label("has_proof")
            for c in await self._conn.execute(
                select(collections, has_proof)
                .where(collections.c.deposit_id.in_(ids))
                .order_by(collections.c.collected_at)
            ):
                by_deposit_c[c.deposit_id].append(_collection(c))
            for r in await self._conn.execute(
                select(returns).where(returns.c.deposit_id.in_(ids)).order_by(returns.c.returned_at)
            ):
                by_deposit_r[r.deposit_id].append(_return(r))
        return [
            Deposit(
                id=row.id,
                tenant_id=row.tenant_id,
                branch_id=row.branch_id,
                customer_id=row.customer_id,
                number=row.number,
                amount_requested=row.amount_requested,
                requested_on=row.requested_on,
                status=DepositStatus(row.status),
                created_at=row.created_at,
                job_id=row.job_id,
                quote_id=row.quote_id,
                job_closed_on=row.job_closed_on,
                overdue_alerted_at=row.overdue_alerted_at,
                collections=by_deposit_c[row.id],
                returns=by_deposit_r[row.id],
            )
            for row in rows
        ]

    async def exists_for_quote(self, tenant_id: str, quote_id: str) -> bool:
        query = select(deposits.c.id).where(
            deposits.c.tenant_id == tenant_id, deposits.c.quote_id == quote_id
        )
        return (await self._conn.execute(query)).first() is not None

    async def add(self, deposit: Deposit) -> None:
        await self._conn.execute(
            deposits.insert().values(
                id=deposit.id,
                tenant_id=deposit.tenant_id,
                branch_id=deposit.branch_id,
                customer_id=deposit.customer_id,
                job_id=deposit.job_id,
                quote_id=deposit.quote_id,
                number=deposit.number,
                amount_requested=deposit.amount_requested,
                requested_on=deposit.requested_on,
                status=deposit.status.value,
                created_at=deposit.created_at,
                job_closed_on=deposit.job_closed_on,
            )
        )

    async def save_state(self, deposit: Deposit) -> None:
        await self._conn.execute(
            deposits.update()
            .where(deposits.c.id == deposit.id)
            .values(
                status=deposit.status.value,
                job_closed_on=deposit.job_closed_on,
                overdue_alerted_at=deposit.overdue_alerted_at,
            )
        )

    async def add_collection(self, deposit: Deposit, c: Collection) -> None:
        await self._conn.execute(
            collections.insert().values(
                id=c.id,
                deposit_id=deposit.id,
                tenant_id=deposit.tenant_id,
                receipt_number=c.receipt_number,
                amount=c.amount,
                method=c.method.value,
                reference=c.reference,
                collected_on=c.collected_on,
                collected_at=c.collected_at,
                collected_by_id=c.collected_by.user_id,
                collected_by_name=c.collected_by.name,
            )
        )

    async def add_return(self, deposit: Deposit, r: DepositReturn) -> None:
        await self._conn.execute(
            returns.insert().values(
                id=r.id,
                deposit_id=deposit.id,
                tenant_id=deposit.tenant_id,
                receipt_number=r.receipt_number,
                kind=r.kind.value,
                held_amount=r.held_amount,
                returned_amount=r.returned_amount,
                retained_amount=r.retained_amount,
                reason=r.reason,
                method=r.method.value if r.method else None,
                reference=r.reference,
                returned_on=r.returned_on,
                returned_at=r.returned_at,
                returned_by_id=r.returned_by.user_id,
                returned_by_name=r.returned_by.name,
                status_before=r.status_before.value,
            )
        )

    async def save_proof(
        self,
        deposit: Deposit,
        collection_id: UUID,
        image: AcceptedImage,
        sha256: str,
        at: datetime,
        by: Actor,
    ) -> None:
        """The proof of a collection; a later upload replaces it (the audit trail keeps both)."""
        await self._proofs.save(
            tenant_id=deposit.tenant_id, proves=collection_id, image=image, sha256=sha256, at=at, by=by
        )

    async def proof(self, tenant_id: str, collection_id: UUID) -> StoredImage | None:
        return await self._proofs.get(tenant_id, collection_id)

    async def save_void(self, r: DepositReturn) -> None:
        assert r.voided_by is not None
        await self._conn.execute(
            returns.update()
            .where(returns.c.id == r.id)
            .values(
                voided_at=r.voided_at,
                voided_by_id=r.voided_by.user_id,
                voided_by_name=r.voided_by.name,
                void_reason=r.void_reason,
            )
        )

    async def search(self, f: DepositFilter) -> tuple[list[Deposit], int]:
        conditions = [deposits.c.tenant_id == f.tenant_id]
        if f.branches is not None:
            conditions.append(deposits.c.branch_id.in_(f.branches))
        for column, value in (
            (deposits.c.status, f.status.value if f.status else None),
            (deposits.c.customer_id, f.customer_id),
            (deposits.c.job_id, f.job_id),
            (deposits.c.branch_id, f.branch_id),
        ):
            if value is not None:
                conditions.append(column == value)
        if f.requested_from:
            conditions.append(deposits.c.requested_on >= f.requested_from)
        if f.requested_to:
            conditions.append(deposits.c.requested_on <= f.requested_to)
        if f.overdue_on:
            # Candidates only (closed jobs still holding money); the business-day rule is the domain's.
            conditions += [
                deposits.c.status.in_([s.value for s in HOLDING]),
                deposits.c.job_closed_on.is_not(None),
            ]
        where = and_(*conditions)
        query = select(deposits).where(where).order_by(deposits.c.created_at.desc(), deposits.c.id)
        if f.overdue_on:
            found = [
                d
                for d in await self._load((await self._conn.execute(query)).all())
                if d.return_overdue(f.overdue_on)
            ]
            return found[f.offset : f.offset + f.limit], len(found)
        total = await self._conn.scalar(select(func.count()).select_from(deposits).where(where))
        rows = (await self._conn.execute(query.limit(f.limit).offset(f.offset))).all()
        return await self._load(rows), int(total or 0)

    async def awaiting_return_with_closed_job(self) -> list[tuple[str, UUID]]:
        """Deposits still held after their job closed and not yet flagged overdue."""
        rows = await self._conn.execute(
            select(deposits.c.tenant_id, deposits.c.id).where(
                deposits.c.status.in_([s.value for s in HOLDING]),
                deposits.c.job_closed_on.is_not(None),
                deposits.c.overdue_alerted_at.is_(None),
            )
        )
        return [(row.tenant_id, row.id) for row in rows]

    async def open_on_job(self, tenant_id: str, job_id: str) -> list[UUID]:
        rows = await self._conn.execute(
            select(deposits.c.id).where(deposits.c.tenant_id == tenant_id, deposits.c.job_id == job_id)
        )
        return [row.id for row in rows]

    async def dashboard(
        self, tenant_id: str, branches: frozenset[str] | None, month_start: date, month_end: date
    ) -> Dashboard:
        scope = [deposits.c.tenant_id == tenant_id]
        if branches is not None:
            scope.append(deposits.c.branch_id.in_(branches))
        collected = (
            select(collections.c.deposit_id, func.sum(collections.c.amount).label("amount"))
            .group_by(collections.c.deposit_id)
            .subquery()
        )
        held = func.coalesce(collected.c.amount, ZERO)
        holding = deposits.c.status.in_([s.value for s in HOLDING])
        owing = deposits.c.status.in_([DepositStatus.PENDING.value, DepositStatus.PARTIALLY_HELD.value])
        totals = (
            await self._conn.execute(
                select(
                    func.coalesce(func.sum(case((holding, held), else_=ZERO)), ZERO).label("total_held"),
                    func.count().filter(holding).label("held_count"),
                    func.coalesce(
                        func.sum(case((owing, deposits.c.amount_requested - held), else_=ZERO)), ZERO
                    ).label("pending_amount"),
                    func.count().filter(owing).label("pending_count"),
                )
                .select_from(deposits.outerjoin(collected, collected.c.deposit_id == deposits.c.id))
                .where(*scope)
            )
        ).one()
        in_scope = select(deposits.c.id).where(*scope)
        collected_this_month = (
            await self._conn.execute(
                select(func.coalesce(func.sum(collections.c.amount), ZERO)).where(
                    collections.c.deposit_id.in_(in_scope),
                    collections.c.collected_on.between(month_start, month_end),
                )
            )
        ).scalar_one()
        returned = (
            await self._conn.execute(
                select(
                    func.coalesce(func.sum(returns.c.returned_amount), ZERO),
                    func.coalesce(func.sum(returns.c.retained_amount), ZERO),
                ).where(
                    returns.c.deposit_id.in_(in_scope),
                    returns.c.voided_at.is_(None),
                    returns.c.returned_on.between(month_start, month_end),
                )
            )
        ).one()
        return Dashboard(
            total_held=totals.total_held,
            held_count=totals.held_count,
            pending_amount=totals.pending_amount,
            pending_count=totals.pending_count,
            collected_this_month=collected_this_month,
            returned_this_month=returned[0],
            retained_this_month=returned[1],
        )


class ReferenceData:
    """The upstream slices deposits needs: tenant numbering, customer names, jobs, inspections."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def tenant(self, tenant_id: str) -> DepositsTenant | None:
        """The tenant's numbering rules; None until its settings have arrived."""
        row = (await self._conn.execute(select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
        if row is None:
            return None
        return DepositsTenant(row.timezone, row.document_prefixes, row.per_branch_numbering, row.branch_codes)

    async def save_tenant(self, tenant_id: str, tenant: DepositsTenant) -> None:
        values = {
            "timezone": tenant.timezone,
            "document_prefixes": dict(tenant.document_prefixes),
            "per_branch_numbering": tenant.per_branch_numbering,
            "branch_codes": dict(tenant.branch_codes),
        }
        await self._conn.execute(
            insert(tenants)
            .values(tenant_id=tenant_id, **values)
            .on_conflict_do_update(index_elements=[tenants.c.tenant_id], set_=values)
        )

    async def save_customer(self, customer: Customer) -> None:
        await self._conn.execute(
            insert(customers)
            .values(tenant_id=customer.tenant_id, customer_id=customer.customer_id, name=customer.name)
            .on_conflict_do_update(
                index_elements=[customers.c.tenant_id, customers.c.customer_id],
                set_={"name": customer.name},
            )
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

    async def save_job(self, job: Job, *, as_of: datetime) -> bool:
        """Keeps the job unless a newer snapshot of it is kept already; whether it was kept."""
        values = {
            "job_number": job.job_number,
            "stage": job.stage,
            "closed_on": job.closed_on,
            "as_of": as_of,
        }
        statement = insert(jobs).values(tenant_id=job.tenant_id, job_id=job.job_id, **values)
        kept = await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[jobs.c.tenant_id, jobs.c.job_id],
                set_=values,
                where=or_(jobs.c.as_of.is_(None), jobs.c.as_of <= statement.excluded.as_of),
            ).returning(jobs.c.job_id)
        )
        return kept.first() is not None

    async def job(self, tenant_id: str, job_id: str | None) -> Job | None:
        if job_id is None:
            return None
        row = (
            await self._conn.execute(
                select(jobs).where(jobs.c.tenant_id == tenant_id, jobs.c.job_id == job_id)
            )
        ).first()
        return Job(row.tenant_id, row.job_id, row.job_number, row.stage, row.closed_on) if row else None

    async def save_inspection(self, inspection: Inspection, *, as_of: datetime) -> None:
        """Keeps the inspection (a corrected one replaces it) unless a newer version is kept already."""
        key = {"tenant_id": inspection.tenant_id, "inspection_id": inspection.inspection_id}
        values = {
            "job_id": inspection.job_id,
            "inspected_at": inspection.inspected_at,
            "conditions": [
                {"item": c.item, "condition": c.condition, "notes": c.notes} for c in inspection.conditions
            ],
            "as_of": as_of,
        }
        statement = insert(inspections).values(**key, **values)
        kept = await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[inspections.c.tenant_id, inspections.c.inspection_id],
                set_=values,
                where=inspections.c.as_of <= statement.excluded.as_of,
            ).returning(inspections.c.inspection_id)
        )
        if kept.first() is None:
            return
        await self._conn.execute(
            damage_estimates.delete().where(
                damage_estimates.c.tenant_id == inspection.tenant_id,
                damage_estimates.c.inspection_id == inspection.inspection_id,
            )
        )
        if inspection.damage_estimates:
            await self._conn.execute(
                damage_estimates.insert(),
                [
                    {**key, "position": i, "description": d.description, "amount": d.amount}
                    for i, d in enumerate(inspection.damage_estimates)
                ],
            )

    async def inspections_of_job(self, tenant_id: str, job_id: str | None) -> list[Inspection]:
        """The job's inspections, oldest first."""
        if job_id is None:
            return []
        found = (
            await self._conn.execute(
                select(inspections)
                .where(inspections.c.tenant_id == tenant_id, inspections.c.job_id == job_id)
                .order_by(inspections.c.inspected_at, inspections.c.inspection_id)
            )
        ).all()
        estimates: dict[str, list[DamageEstimate]] = {row.inspection_id: [] for row in found}
        if found:
            for e in await self._conn.execute(
                select(damage_estimates)
                .where(
                    damage_estimates.c.tenant_id == tenant_id,
                    damage_estimates.c.inspection_id.in_(list(estimates)),
                )
                .order_by(damage_estimates.c.inspection_id, damage_estimates.c.position)
            ):
                estimates[e.inspection_id].append(DamageEstimate(e.description, e.amount))
        return [
            Inspection(
                tenant_id=row.tenant_id,
                inspection_id=row.inspection_id,
                job_id=row.job_id,
                inspected_at=row.inspected_at,
                conditions=tuple(
                    InspectedItem(c["item"], c["condition"], c["notes"]) for c in row.conditions
                ),
                damage_estimates=tuple(estimates[row.inspection_id]),
            )
            for row in found
        ]


def month_bounds(today: date) -> tuple[date, date]:
    start = today.replace(day=1)
    next_month = (start + timedelta(days=32)).replace(day=1)
    return start, next_month - timedelta(days=1)
