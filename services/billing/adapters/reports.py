"""Customers' payment reports ("I've paid") as billing took them, open until staff close them."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.adapters.tables import invoices, payment_reports
from services.billing.domain import PaymentReport, ReportStatus, Slip
from shared.actors import Actor


def _slip_json(slip: Slip) -> dict[str, Any]:
    return {
        "slip_id": str(slip.slip_id),
        "content_type": slip.content_type,
        "size_bytes": slip.size_bytes,
        "sha256": slip.sha256,
    }


@dataclass(frozen=True)
class ReportFilter:
    tenant_id: str
    branches: frozenset[str] | None  # None: every branch
    status: ReportStatus | None = None
    invoice_id: UUID | None = None
    limit: int = 50
    offset: int = 0


def _report(row: Row[Any]) -> PaymentReport:
    return PaymentReport(
        id=row.id,
        tenant_id=row.tenant_id,
        invoice_id=row.invoice_id,
        invoice_number=row.invoice_number,
        customer_id=row.customer_id,
        amount=row.amount,
        reported_at=row.reported_at,
        received_at=row.received_at,
        slip=Slip(
            UUID(row.slip["slip_id"]), row.slip["content_type"], row.slip["size_bytes"], row.slip["sha256"]
        )
        if row.slip
        else None,
        slip_reference=row.slip_reference,
        same_slip_on=list(row.same_slip_on),
        status=ReportStatus(row.status),
        closed_at=row.closed_at,
        closed_by=Actor(row.closed_by_id, row.closed_by_name) if row.closed_by_id else None,
        reason=row.reason,
        payment_id=row.payment_id,
    )


class PaymentReportRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, report: PaymentReport) -> bool:
        """False when a report with this id was already taken."""
        added = await self._conn.execute(
            insert(payment_reports)
            .values(
                id=report.id,
                tenant_id=report.tenant_id,
                invoice_id=report.invoice_id,
                invoice_number=report.invoice_number,
                customer_id=report.customer_id,
                amount=report.amount,
                reported_at=report.reported_at,
                received_at=report.received_at,
                slip=_slip_json(report.slip) if report.slip else None,
                slip_reference=report.slip_reference,
                same_slip_on=report.same_slip_on,
                status=report.status.value,
                reason=report.reason,
            )
            .on_conflict_do_nothing(index_elements=[payment_reports.c.id])
            .returning(payment_reports.c.id)
        )
        return added.first() is not None

    async def get(self, tenant_id: str, report_id: UUID, *, for_update: bool = False) -> PaymentReport | None:
        query = select(payment_reports).where(
            payment_reports.c.tenant_id == tenant_id, payment_reports.c.id == report_id
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return _report(row) if row else None

    async def save_closing(self, report: PaymentReport) -> None:
        await self._conn.execute(
            payment_reports.update()
            .where(payment_reports.c.id == report.id)
            .values(
                status=report.status.value,
                closed_at=report.closed_at,
                closed_by_id=report.closed_by.user_id if report.closed_by else None,
                closed_by_name=report.closed_by.name if report.closed_by else None,
                reason=report.reason,
                payment_id=report.payment_id,
            )
        )

    async def lock_slip_reference(self, tenant_id: str, slip_reference: str) -> None:
        """Until commit, no other transaction takes a report with this slip reference: two reports of
        one slip on two invoices at once still see each other."""
        await self._conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"billing/slip/{tenant_id}/{slip_reference}"},
        )

    async def reported_with_slip(self, tenant_id: str, slip_reference: str) -> list[tuple[UUID, str]]:
        rows = await self._conn.execute(
            select(payment_reports.c.invoice_id, payment_reports.c.invoice_number).where(
                payment_reports.c.tenant_id == tenant_id, payment_reports.c.slip_reference == slip_reference
            )
        )
        return [(row.invoice_id, row.invoice_number) for row in rows]

    async def on_invoice(self, tenant_id: str, invoice_id: UUID) -> list[PaymentReport]:
        rows = await self._conn.execute(
            select(payment_reports)
            .where(payment_reports.c.tenant_id == tenant_id, payment_reports.c.invoice_id == invoice_id)
            .order_by(payment_reports.c.reported_at, payment_reports.c.id)
        )
        return [_report(row) for row in rows]

    async def search(self, f: ReportFilter) -> tuple[list[PaymentReport], int]:
        conditions = [payment_reports.c.tenant_id == f.tenant_id]
        if f.branches is not None:
            in_branches = select(invoices.c.id).where(
                invoices.c.tenant_id == f.tenant_id, invoices.c.branch_id.in_(f.branches)
            )
            conditions.append(payment_reports.c.invoice_id.in_(in_branches))
        if f.status is not None:
            conditions.append(payment_reports.c.status == f.status.value)
        if f.invoice_id is not None:
            conditions.append(payment_reports.c.invoice_id == f.invoice_id)
        where = and_(*conditions)
        total = await self._conn.scalar(select(func.count()).select_from(payment_reports).where(where))
        rows = await self._conn.execute(
            select(payment_reports)
            .where(where)
            .order_by(payment_reports.c.reported_at.desc(), payment_reports.c.id)
            .limit(f.limit)
            .offset(f.offset)
        )
        return [_report(row) for row in rows], int(total or 0)
