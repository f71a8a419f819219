"""Invoices, jobs and retentions as the billing domain sees them, for unit tests."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from services.billing.domain import (
    AppliedPrepayment,
    Invoice,
    Job,
    LineSpec,
    Payment,
    Retention,
    VatTerms,
    price_lines,
)
from shared.actors import Actor
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.deposits import CollectionMethod, ReturnKind

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
TODAY = date(2026, 11, 23)
STAFF = Actor("u1", "Nok")
VAT_7 = VatTerms(Decimal("0.07"))


def draft(*lines: LineSpec, kind: InvoiceKind = InvoiceKind.STANDARD, **fields: Any) -> Invoice:
    invoice = Invoice(
        id=uuid4(),
        tenant_id="t1",
        branch_id="bkk",
        customer_id="c1",
        kind=kind,
        status=InvoiceStatus.DRAFT,
        created_at=NOW,
        created_by=STAFF,
        vat=VAT_7,
        **fields,
    )
    invoice.price(price_lines(lines or [LineSpec("Excavator 20 t", Decimal(1), Decimal("100000.00"))]), VAT_7)
    return invoice


def sent(
    *lines: LineSpec, prepayments: list[AppliedPrepayment] | None = None, terms_days: int = 30, **fields: Any
) -> Invoice:
    invoice = draft(*lines, **fields)
    invoice.send(
        number="INV-2026-0001",
        issue_date=TODAY,
        terms_days=terms_days,
        prepayments=invoice.prepayments_to_apply(prepayments or []),
        at=NOW,
        by=STAFF,
    )
    return invoice


def payment(amount: str, *, paid_on: date = TODAY, receipt: str = "RC-2026-0001") -> Payment:
    return Payment(
        uuid4(), receipt, Decimal(amount), CollectionMethod.BANK_TRANSFER, "KBANK-1", paid_on, NOW, STAFF
    )


def prepayment(amount: str, *, receipt: str = "PREREC-2026-0001", paid_on: date = TODAY) -> AppliedPrepayment:
    return AppliedPrepayment(uuid4(), receipt, Decimal(amount), paid_on)


def job(stage: str = "new", start_date: date | None = None, branch_id: str | None = "bkk") -> Job:
    return Job("t1", "J-1", "c1", branch_id, stage, start_date)


def retention(
    amount: str = "20000.00",
    *,
    kind: ReturnKind = ReturnKind.FORFEIT,
    job_id: str | None = "J-1",
    **fields: Any,
) -> Retention:
    values: dict[str, Any] = {
        "return_id": uuid4(),
        "tenant_id": "t1",
        "branch_id": "bkk",
        "deposit_id": uuid4(),
        "deposit_number": "DEP-2026-0007",
        "return_receipt_number": "DEPRR-2026-0003",
        "customer_id": "c1",
        "job_id": job_id,
        "kind": kind,
        "retained_amount": Decimal(amount),
        "reason": "Hydraulic arm cracked",
        "returned_on": TODAY,
    }
    return Retention(**{**values, **fields})
