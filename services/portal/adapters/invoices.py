"""The invoices slice of the read model, the customer's payment reports and their slips. Writes from
events never let an older event overwrite a newer one; reads are always scoped by the tenant and
the customer."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.portal.adapters.tables import documents, invoices, payment_reports, slips
from services.portal.domain import (
    AppliedPrepayment,
    CustomerScope,
    Invoice,
    PaymentReport,
    ReportStatus,
    Slip,
)
from shared.contracts.documents import DocumentKind, document_id


def _rendered(document_column: Any) -> Any:
    return exists().where(
        documents.c.tenant_id == invoices.c.tenant_id,
        documents.c.document_id == document_column,
        documents.c.customer_id == invoices.c.customer_id,
    )


def _report(row: Row[Any]) -> PaymentReport:
    return PaymentReport(
        report_id=row.report_id,
        invoice_id=row.invoice_id,
        status=ReportStatus(row.status),
        amount=row.amount,
        reported_at=row.reported_at,
        slip_id=row.slip_id,
        slip_reference=row.slip_reference,
    )


def _invoice(row: Row[Any], report: PaymentReport | None) -> Invoice:
    return Invoice(
        invoice_id=row.invoice_id,
        number=row.number,
        kind=row.kind,
        issue_date=row.issue_date,
        due_date=row.due_date,
        total=row.total,
        balance=row.balance if row.balance is not None else row.total,
        document_id=row.document_id,
        pdf_ready=row.pdf_ready,
        prepayments=tuple(
            AppliedPrepayment(p["receipt_number"], Decimal(p["amount"]), date.fromisoformat(p["paid_on"]))
            for p in row.prepayments
        ),
        tax_invoice_number=row.tax_invoice_number,
        tax_invoice_document_id=row.tax_invoice_document_id,
        tax_invoice_ready=row.tax_invoice_ready,
        latest_report=report,
        job_id=row.job_id,
        branch_id=row.branch_id,
    )


def _newer(column: Any, as_of: datetime) -> Any:
    return or_(column.is_(None), column <= as_of)


class InvoiceStore:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    # Projection ----------------------------------------------------------------------------------

    def _row(self, tenant_id: str, invoice_id: UUID) -> Any:
        return and_(invoices.c.tenant_id == tenant_id, invoices.c.invoice_id == invoice_id)

    async def _ensure(self, tenant_id: str, invoice_id: UUID, customer_id: str, number: str) -> None:
        """The invoice's row, whichever of its events arrives first."""
        await self._conn.execute(
            insert(invoices)
            .values(
                tenant_id=tenant_id,
                invoice_id=invoice_id,
                customer_id=customer_id,
                number=number,
                document_id=document_id(tenant_id, DocumentKind.INVOICE, number),
            )
            .on_conflict_do_nothing()
        )

    async def save_sent(
        self,
        tenant_id: str,
        invoice_id: UUID,
        *,
        customer_id: str,
        number: str,
        header: dict[str, Any],
        amounts: dict[str, Any],
        as_of: datetime,
    ) -> None:
        await self._ensure(tenant_id, invoice_id, customer_id, number)
        await self._conn.execute(
            invoices.update()
            .where(self._row(tenant_id, invoice_id), _newer(invoices.c.sent_as_of, as_of))
            .values(**header, sent_as_of=as_of)
        )
        await self.save_amounts(
            tenant_id, invoice_id, customer_id=customer_id, number=number, as_of=as_of, **amounts
        )

    async def save_amounts(
        self,
        tenant_id: str,
        invoice_id: UUID,
        *,
        customer_id: str,
        number: str,
        paid_total: Decimal,
        balance: Decimal,
        status: str,
        as_of: datetime,
    ) -> None:
        await self._ensure(tenant_id, invoice_id, customer_id, number)
        await self._conn.execute(
            invoices.update()
            .where(self._row(tenant_id, invoice_id), _newer(invoices.c.as_of, as_of))
            .values(paid_total=paid_total, balance=balance, status=status, as_of=as_of)
        )

    async def save_tax_invoice(
        self,
        tenant_id: str,
        invoice_id: UUID,
        *,
        customer_id: str,
        number: str,
        tax_invoice_number: str,
        as_of: datetime,
    ) -> None:
        await self._ensure(tenant_id, invoice_id, customer_id, number)
        await self._conn.execute(
            invoices.update()
            .where(self._row(tenant_id, invoice_id), _newer(invoices.c.tax_as_of, as_of))
            .values(
                tax_invoice_number=tax_invoice_number,
                tax_invoice_document_id=document_id(tenant_id, DocumentKind.TAX_INVOICE, tax_invoice_number),
                tax_as_of=as_of,
            )
        )

    # Payment reports -----------------------------------------------------------------------------

    async def lock(self, scope: CustomerScope, invoice_id: UUID) -> bool:
        """Locks the customer's sent invoice until the transaction ends, so concurrent reports on it
        queue up; False when the customer has no such invoice."""
        row = await self._conn.execute(
            select(invoices.c.invoice_id)
            .where(
                invoices.c.tenant_id == scope.tenant_id,
                invoices.c.customer_id == scope.customer_id,
                invoices.c.invoice_id == invoice_id,
                invoices.c.issue_date.is_not(None),
            )
            .with_for_update()
        )
        return row.first() is not None

    async def add_report(self, scope: CustomerScope, report: PaymentReport) -> bool:
        """False when the invoice already has an open report: the partial unique index
        `payment_reports_one_open_per_invoice` lets the database itself keep to one."""
        added = await self._conn.execute(
            insert(payment_reports)
            .values(
                report_id=report.report_id,
                tenant_id=scope.tenant_id,
                invoice_id=report.invoice_id,
                customer_id=scope.customer_id,
                status=report.status.value,
                amount=report.amount,
                reported_at=report.reported_at,
                slip_id=report.slip_id,
                slip_reference=report.slip_reference,
            )
            .on_conflict_do_nothing()
            .returning(payment_reports.c.report_id)
        )
        return added.first() is not None

    async def ensure_report(self, tenant_id: str, customer_id: str, report: PaymentReport) -> None:
        """A report billing took that this portal has no row for (kept as billing has it). Never
        reopens a closed one, never adds a second open one."""
        await self._conn.execute(
            insert(payment_reports)
            .values(
                report_id=report.report_id,
                tenant_id=tenant_id,
                invoice_id=report.invoice_id,
                customer_id=customer_id,
                status=report.status.value,
                amount=report.amount,
                reported_at=report.reported_at,
                slip_id=report.slip_id,
                slip_reference=report.slip_reference,
            )
            .on_conflict_do_nothing()
        )

    async def close_report(
        self,
        tenant_id: str,
        report_id: UUID,
        *,
        invoice_id: UUID,
        customer_id: str,
        status: ReportStatus,
        closed_at: datetime,
    ) -> None:
        """Closing is final: the first close wins, and a close heard of first leaves a closed row
        that a late `received` cannot reopen."""
        statement = insert(payment_reports).values(
            report_id=report_id,
            tenant_id=tenant_id,
            invoice_id=invoice_id,
            customer_id=customer_id,
            status=status.value,
            closed_at=closed_at,
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[payment_reports.c.report_id],
                set_={"status": status.value, "closed_at": closed_at},
                where=and_(
                    payment_reports.c.status == ReportStatus.OPEN.value,
                    payment_reports.c.tenant_id == tenant_id,
                ),
            )
        )

    # Reads, scoped by tenant and customer ----------------------------------------------------------

    async def _latest_reports(
        self, scope: CustomerScope, invoice_ids: list[UUID]
    ) -> dict[UUID, PaymentReport]:
        query = select(payment_reports).where(
            payment_reports.c.tenant_id == scope.tenant_id,
            payment_reports.c.customer_id == scope.customer_id,
            payment_reports.c.invoice_id.in_(invoice_ids),
        )
        # An open report is always the newest (a new one needs the last one closed).
        query = query.order_by(
            (payment_reports.c.status == ReportStatus.OPEN.value).asc(),
            payment_reports.c.reported_at.asc().nulls_first(),
            payment_reports.c.closed_at.asc().nulls_first(),
        )
        return {row.invoice_id: _report(row) for row in await self._conn.execute(query)}

    def _sent_of(self, scope: CustomerScope) -> list[Any]:
        return [
            invoices.c.tenant_id == scope.tenant_id,
            invoices.c.customer_id == scope.customer_id,
            invoices.c.issue_date.is_not(None),
        ]

    async def invoices(
        self,
        scope: CustomerScope,
        invoice_id: UUID | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Invoice]:
        """The customer's sent invoices, newest first."""
        query = select(
            invoices,
            _rendered(invoices.c.document_id).label("pdf_ready"),
            _rendered(invoices.c.tax_invoice_document_id).label("tax_invoice_ready"),
        ).where(*self._sent_of(scope))
        if invoice_id is not None:
            query = query.where(invoices.c.invoice_id == invoice_id)
        query = query.order_by(invoices.c.issue_date.desc(), invoices.c.number.desc(), invoices.c.invoice_id)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        rows = list(await self._conn.execute(query))
        reports = await self._latest_reports(scope, [row.invoice_id for row in rows]) if rows else {}
        return [_invoice(row, reports.get(row.invoice_id)) for row in rows]

    async def count(self, scope: CustomerScope) -> int:
        query = select(func.count()).select_from(invoices).where(*self._sent_of(scope))
        return int(await self._conn.scalar(query) or 0)


class SlipStore:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, scope: CustomerScope, invoice: Invoice, slip: Slip, at: datetime) -> None:
        await self._conn.execute(
            slips.insert().values(
                slip_id=slip.slip_id,
                tenant_id=scope.tenant_id,
                customer_id=scope.customer_id,
                invoice_id=invoice.invoice_id,
                branch_id=invoice.branch_id,
                content=slip.content,
                content_type=slip.content_type,
                size_bytes=slip.size_bytes,
                sha256=slip.sha256,
                reference=slip.reference,
                uploaded_at=at,
            )
        )

    async def get(self, tenant_id: str, slip_id: UUID) -> tuple[Slip, str | None] | None:
        """The tenant's slip and the branch of its invoice."""
        row = (
            await self._conn.execute(
                select(slips).where(slips.c.tenant_id == tenant_id, slips.c.slip_id == slip_id)
            )
        ).first()
        if row is None:
            return None
        return Slip(row.slip_id, bytes(row.content), row.content_type, row.reference), row.branch_id
