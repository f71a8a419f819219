"""Loads and saves invoices with their lines, payments, proofs and pre-payments."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.adapters.tables import (
    invoice_lines,
    invoices,
    payment_proofs,
    payments,
    plain,
    prepayments,
)
from services.billing.domain import (
    OPEN,
    AppliedPrepayment,
    Invoice,
    LineItem,
    Payment,
    Prepayment,
    VatTerms,
)
from shared.actors import Actor
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.deposits import CollectionMethod
from shared.db.proofs import ProofImages, StoredImage
from shared.images import AcceptedImage


@dataclass(frozen=True)
class InvoiceFilter:
    tenant_id: str
    branches: frozenset[str] | None  # None: every branch
    status: InvoiceStatus | None = None
    customer_id: str | None = None
    job_id: str | None = None
    branch_id: str | None = None
    overdue_on: date | None = None  # True/False filter: overdue (or not) on this business date
    overdue: bool | None = None
    limit: int = 50
    offset: int = 0


def _line(row: Row[Any]) -> LineItem:
    duration = plain(row.duration) if row.duration is not None else None
    return LineItem(row.description, plain(row.quantity), duration, row.unit, row.rate, row.amount)


def _payment(row: Row[Any]) -> Payment:
    return Payment(
        id=row.id,
        receipt_number=row.receipt_number,
        amount=row.amount,
        method=CollectionMethod(row.method),
        reference=row.reference,
        paid_on=row.paid_on,
        recorded_at=row.recorded_at,
        recorded_by=Actor(row.recorded_by_id, row.recorded_by_name),
        report_id=row.report_id,
        has_proof=row.has_proof,
    )


def _prepayment(row: Row[Any]) -> Prepayment:
    return Prepayment(
        id=row.id,
        tenant_id=row.tenant_id,
        branch_id=row.branch_id,
        customer_id=row.customer_id,
        job_id=row.job_id,
        receipt_number=row.receipt_number,
        amount=row.amount,
        vat=VatTerms(plain(row.vat_rate), row.vat_rounding),
        vat_amount=row.vat_amount,
        method=CollectionMethod(row.method),
        reference=row.reference,
        paid_on=row.paid_on,
        recorded_at=row.recorded_at,
        recorded_by=Actor(row.recorded_by_id, row.recorded_by_name),
        invoice_id=row.invoice_id,
        invoice_number=row.invoice_number,
    )


def _overdue(on: date) -> Any:
    return and_(
        invoices.c.status.in_([s.value for s in OPEN]),
        invoices.c.due_date < on,
        invoices.c.balance > 0,
    )


class InvoiceRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._proofs = ProofImages(conn, payment_proofs)

    async def get(self, tenant_id: str, invoice_id: UUID, *, for_update: bool = False) -> Invoice | None:
        found = await self.get_many(tenant_id, [invoice_id], for_update=for_update)
        return found[0] if found else None

    async def get_many(
        self, tenant_id: str, invoice_ids: Sequence[UUID], *, for_update: bool = False
    ) -> list[Invoice]:
        """Locked in id order, so commands locking several invoices cannot deadlock."""
        query = (
            select(invoices)
            .where(invoices.c.tenant_id == tenant_id, invoices.c.id.in_(list(invoice_ids)))
            .order_by(invoices.c.id)
        )
        if for_update:
            query = query.with_for_update()
        return await self._load((await self._conn.execute(query)).all())

    async def _load(self, rows: Sequence[Row[Any]]) -> list[Invoice]:
        ids = [row.id for row in rows]
        lines: dict[UUID, list[LineItem]] = {i: [] for i in ids}
        paid: dict[UUID, list[Payment]] = {i: [] for i in ids}
        prepaid: dict[UUID, list[AppliedPrepayment]] = {i: [] for i in ids}
        if ids:
            for line in await self._conn.execute(
                select(invoice_lines)
                .where(invoice_lines.c.invoice_id.in_(ids))
                .order_by(invoice_lines.c.invoice_id, invoice_lines.c.position)
            ):
                lines[line.invoice_id].append(_line(line))
            has_proof = self._proofs.exists_for(payments.c.id).label("has_proof")
            for p in await self._conn.execute(
                select(payments, has_proof)
                .where(payments.c.invoice_id.in_(ids))
                .order_by(payments.c.recorded_at, payments.c.receipt_number)
            ):
                paid[p.invoice_id].append(_payment(p))
            for pre in await self._conn.execute(
                select(prepayments)
                .where(prepayments.c.invoice_id.in_(ids))
                .order_by(prepayments.c.paid_on, prepayments.c.receipt_number)
            ):
                prepaid[pre.invoice_id].append(
                    AppliedPrepayment(pre.id, pre.receipt_number, pre.amount, pre.paid_on)
                )
        return [
            Invoice(
                id=row.id,
                tenant_id=row.tenant_id,
                branch_id=row.branch_id,
                customer_id=row.customer_id,
                kind=InvoiceKind(row.kind),
                status=InvoiceStatus(row.status),
                created_at=row.created_at,
                created_by=Actor(row.created_by_id, row.created_by_name),
                vat=VatTerms(plain(row.vat_rate), row.vat_rounding),
                job_id=row.job_id,
                related_deposit_id=row.related_deposit_id,
                related_deposit_number=row.related_deposit_number,
                payment_terms_days=row.payment_terms_days,
                lines=lines[row.id],
                subtotal=row.subtotal,
                vat_amount=row.vat_amount,
                total=row.total,
                number=row.number,
                issue_date=row.issue_date,
                due_date=row.due_date,
                sent_at=row.sent_at,
                sent_by=Actor(row.sent_by_id, row.sent_by_name) if row.sent_by_id else None,
                prepayments=prepaid[row.id],
                payments=paid[row.id],
                tax_invoice_id=row.tax_invoice_id,
                tax_invoice_number=row.tax_invoice_number,
                overdue_alerted_at=row.overdue_alerted_at,
            )
            for row in rows
        ]

    def _state(self, invoice: Invoice) -> dict[str, Any]:
        return {
            "status": invoice.status.value,
            "number": invoice.number,
            "payment_terms_days": invoice.payment_terms_days,
            "vat_rate": invoice.vat.rate,
            "vat_rounding": invoice.vat.rounding,
            "subtotal": invoice.subtotal,
            "vat_amount": invoice.vat_amount,
            "total": invoice.total,
            "prepaid_total": invoice.prepaid_total,
            "paid_total": invoice.paid_total,
            "balance": invoice.balance,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "sent_at": invoice.sent_at,
            "sent_by_id": invoice.sent_by.user_id if invoice.sent_by else None,
            "sent_by_name": invoice.sent_by.name if invoice.sent_by else None,
            "tax_invoice_id": invoice.tax_invoice_id,
            "tax_invoice_number": invoice.tax_invoice_number,
            "overdue_alerted_at": invoice.overdue_alerted_at,
        }

    async def add(self, invoice: Invoice) -> None:
        await self._conn.execute(
            invoices.insert().values(
                id=invoice.id,
                tenant_id=invoice.tenant_id,
                branch_id=invoice.branch_id,
                customer_id=invoice.customer_id,
                job_id=invoice.job_id,
                kind=invoice.kind.value,
                related_deposit_id=invoice.related_deposit_id,
                related_deposit_number=invoice.related_deposit_number,
                created_at=invoice.created_at,
                created_by_id=invoice.created_by.user_id,
                created_by_name=invoice.created_by.name,
                **self._state(invoice),
            )
        )
        await self.save_lines(invoice)

    async def save_state(self, invoice: Invoice) -> None:
        await self._conn.execute(
            invoices.update().where(invoices.c.id == invoice.id).values(**self._state(invoice))
        )

    async def save_lines(self, invoice: Invoice) -> None:
        await self._conn.execute(invoice_lines.delete().where(invoice_lines.c.invoice_id == invoice.id))
        if invoice.lines:
            await self._conn.execute(
                invoice_lines.insert(),
                [
                    {
                        "invoice_id": invoice.id,
                        "position": position,
                        "description": line.description,
                        "quantity": line.quantity,
                        "duration": line.duration,
                        "unit": line.unit,
                        "rate": line.rate,
                        "amount": line.amount,
                    }
                    for position, line in enumerate(invoice.lines)
                ],
            )

    async def add_payment(self, invoice: Invoice, p: Payment) -> None:
        await self._conn.execute(
            payments.insert().values(
                id=p.id,
                invoice_id=invoice.id,
                tenant_id=invoice.tenant_id,
                receipt_number=p.receipt_number,
                amount=p.amount,
                method=p.method.value,
                reference=p.reference,
                paid_on=p.paid_on,
                recorded_at=p.recorded_at,
                recorded_by_id=p.recorded_by.user_id,
                recorded_by_name=p.recorded_by.name,
                report_id=p.report_id,
            )
        )

    async def save_proof(
        self, tenant_id: str, payment_id: UUID, image: AcceptedImage, sha256: str, at: datetime, by: Actor
    ) -> None:
        """The proof of a payment; a later upload replaces it (the audit log keeps both)."""
        await self._proofs.save(
            tenant_id=tenant_id, proves=payment_id, image=image, sha256=sha256, at=at, by=by
        )

    async def proof(self, tenant_id: str, payment_id: UUID) -> StoredImage | None:
        return await self._proofs.get(tenant_id, payment_id)

    async def search(self, f: InvoiceFilter) -> tuple[list[Invoice], int]:
        conditions = [invoices.c.tenant_id == f.tenant_id]
        if f.branches is not None:
            conditions.append(invoices.c.branch_id.in_(f.branches))
        for column, value in (
            (invoices.c.status, f.status.value if f.status else None),
            (invoices.c.customer_id, f.customer_id),
            (invoices.c.job_id, f.job_id),
            (invoices.c.branch_id, f.branch_id),
        ):
            if value is not None:
                conditions.append(column == value)
        if f.overdue is not None and f.overdue_on is not None:
            overdue = _overdue(f.overdue_on)
            conditions.append(overdue if f.overdue else ~overdue)
        where = and_(*conditions)
        total = await self._conn.scalar(select(func.count()).select_from(invoices).where(where))
        rows = await self._conn.execute(
            select(invoices)
            .where(where)
            .order_by(invoices.c.created_at.desc(), invoices.c.id)
            .limit(f.limit)
            .offset(f.offset)
        )
        return await self._load(rows.all()), int(total or 0)

    async def awaiting_overdue_alert(self, due_before: date) -> list[tuple[str, UUID]]:
        """Open invoices due before the date that were never announced overdue (the exact rule,
        in each tenant's time zone, is the domain's)."""
        rows = await self._conn.execute(
            select(invoices.c.tenant_id, invoices.c.id).where(
                invoices.c.status.in_([s.value for s in OPEN]),
                invoices.c.overdue_alerted_at.is_(None),
                invoices.c.due_date < due_before,
            )
        )
        return [(row.tenant_id, row.id) for row in rows]


class PrepaymentRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, p: Prepayment) -> None:
        await self._conn.execute(
            prepayments.insert().values(
                id=p.id,
                tenant_id=p.tenant_id,
                branch_id=p.branch_id,
                customer_id=p.customer_id,
                job_id=p.job_id,
                receipt_number=p.receipt_number,
                amount=p.amount,
                vat_rate=p.vat.rate,
                vat_rounding=p.vat.rounding,
                vat_amount=p.vat_amount,
                method=p.method.value,
                reference=p.reference,
                paid_on=p.paid_on,
                recorded_at=p.recorded_at,
                recorded_by_id=p.recorded_by.user_id,
                recorded_by_name=p.recorded_by.name,
            )
        )

    async def on_job(
        self, tenant_id: str, job_id: str, *, unapplied_for_update: bool = False
    ) -> list[Prepayment]:
        """The job's pre-payments; with `unapplied_for_update`, only those not yet on an invoice,
        locked in id order (two invoices sent at once never both take one)."""
        query = select(prepayments).where(
            prepayments.c.tenant_id == tenant_id, prepayments.c.job_id == job_id
        )
        if unapplied_for_update:
            query = (
                query.where(prepayments.c.invoice_id.is_(None)).order_by(prepayments.c.id).with_for_update()
            )
        else:
            query = query.order_by(prepayments.c.paid_on, prepayments.c.receipt_number)
        return [_prepayment(row) for row in await self._conn.execute(query)]

    async def apply(self, invoice: Invoice) -> None:
        ids = [p.prepayment_id for p in invoice.prepayments]
        if ids:
            await self._conn.execute(
                prepayments.update()
                .where(prepayments.c.id.in_(ids))
                .values(invoice_id=invoice.id, invoice_number=invoice.number)
            )
