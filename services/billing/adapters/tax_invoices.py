"""Tax invoices as issued: parties, lines and what they cover never change after issue."""

from dataclasses import asdict
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.adapters.tables import plain, tax_invoices
from services.billing.domain import (
    CoveredInvoice,
    CoveredRetention,
    TaxInvoice,
    TaxInvoiceContent,
    TaxInvoiceLine,
    TaxParty,
    VatTerms,
)
from shared.actors import Actor
from shared.contracts.billing import InvoiceKind


def _json(value: Any) -> Any:
    """Dataclasses as JSON: Decimals and UUIDs as strings, so nothing is lost to floats."""
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _tax_invoice(row: Row[Any]) -> TaxInvoice:
    content = TaxInvoiceContent(
        customer_id=row.customer_id,
        branch_id=row.branch_id,
        job_id=row.job_id,
        lines=[
            TaxInvoiceLine(
                line["description"],
                Decimal(line["quantity"]),
                Decimal(line["unit_price"]),
                Decimal(line["amount"]),
            )
            for line in row.lines
        ],
        amount_before_vat=row.amount_before_vat,
        vat=VatTerms(plain(row.vat_rate), row.vat_rounding),
        vat_amount=row.vat_amount,
        total=row.total,
        invoices=[
            CoveredInvoice(UUID(i["invoice_id"]), i["number"], InvoiceKind(i["kind"]))
            for i in row.covered_invoices
        ],
        retentions=[
            CoveredRetention(
                UUID(r["deposit_id"]), r["deposit_number"], r["return_receipt_number"], Decimal(r["amount"])
            )
            for r in row.covered_retentions
        ],
    )
    return TaxInvoice(
        id=row.id,
        tenant_id=row.tenant_id,
        number=row.number,
        issue_date=row.issue_date,
        seller=TaxParty(**row.seller),
        buyer=TaxParty(**row.buyer),
        content=content,
        issued_at=row.issued_at,
        issued_by=Actor(row.issued_by_id, row.issued_by_name),
    )


class TaxInvoiceRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, ti: TaxInvoice) -> None:
        c = ti.content
        await self._conn.execute(
            tax_invoices.insert().values(
                id=ti.id,
                tenant_id=ti.tenant_id,
                branch_id=c.branch_id,
                customer_id=c.customer_id,
                job_id=c.job_id,
                number=ti.number,
                issue_date=ti.issue_date,
                seller=asdict(ti.seller),
                buyer=asdict(ti.buyer),
                lines=_json([asdict(line) for line in c.lines]),
                covered_invoices=_json([asdict(i) for i in c.invoices]),
                covered_retentions=_json([asdict(r) for r in c.retentions]),
                amount_before_vat=c.amount_before_vat,
                vat_rate=c.vat.rate,
                vat_rounding=c.vat.rounding,
                vat_amount=c.vat_amount,
                total=c.total,
                issued_at=ti.issued_at,
                issued_by_id=ti.issued_by.user_id,
                issued_by_name=ti.issued_by.name,
            )
        )

    async def get(self, tenant_id: str, tax_invoice_id: UUID) -> TaxInvoice | None:
        row = (
            await self._conn.execute(
                select(tax_invoices).where(
                    tax_invoices.c.tenant_id == tenant_id, tax_invoices.c.id == tax_invoice_id
                )
            )
        ).first()
        return _tax_invoice(row) if row else None
