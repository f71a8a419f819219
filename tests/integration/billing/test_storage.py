"""Billing's storage and use cases on the real PostgreSQL: an invoice reads back as it was saved, to
the satang; each change commits with its audit row and event; concurrent payments and sends queue
on the invoice row and the number sequence; a retried command acts once."""

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from services.billing import use_cases
from services.billing.adapters.tables import kernel
from services.billing.adapters.uow import BillingUnitOfWork
from services.billing.domain import (
    Invoice,
    InvoiceAlreadyPaid,
    InvoiceNotDraft,
    LineSpec,
    PaymentExceedsBalance,
)
from shared.auth import Principal
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.deposits import CollectionMethod
from shared.contracts.upstream import CustomerUpserted, JobStageChanged, TenantSettingsUpdated
from shared.db import IdempotentRequest
from shared.web import run_command
from tests.integration.records import recorded
from tests.unit.fakes import event_context

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "billing", "billing_it"
POOL_SIZE = 30
NOW = datetime(2026, 11, 23, 3, tzinfo=UTC)  # 10:00 in Bangkok
D = Decimal
TENANT_SETTINGS = TenantSettingsUpdated(
    business_name_en="Siam Tool Rentals",
    business_name_th="สยามทูลเรนทัล",
    address_en="99 Rama IV Road",
    address_th="99 ถนนพระรามที่ 4",
    tax_id="0105556012345",
)
EXCAVATOR = LineSpec("Excavator 20 t", D(1), D("100000.00"))  # ฿107,000.00 with VAT


def _staff(tenant_id: str) -> Principal:
    return Principal("u1", "Nok", tenant_id, frozenset({"*"}), frozenset({"staff"}))


async def _tenant(engine: AsyncEngine) -> str:
    """A tenant, its customer c1 and c1's job J-1 at branch bkk, as the operations system
    publishes them."""
    tenant_id = f"t-{uuid4().hex[:10]}"
    customer = CustomerUpserted(customer_id="c1", name="Somchai Jaidee")
    job = JobStageChanged(job_id="J-1", job_number="J-1001", customer_id="c1", stage="new")
    async with BillingUnitOfWork(engine) as uow:
        await use_cases.apply_tenant_settings(
            uow=uow, event=event_context(tenant_id, now=NOW), fact=TENANT_SETTINGS
        )
        await use_cases.apply_customer(uow=uow, event=event_context(tenant_id, now=NOW), fact=customer)
        await use_cases.apply_job(uow=uow, event=event_context(tenant_id, now=NOW, branch_id="bkk"), fact=job)
        await uow.commit()
    return tenant_id


async def _draft(engine: AsyncEngine, tenant_id: str, *lines: LineSpec, job_id: str | None = None) -> UUID:
    async with BillingUnitOfWork(engine) as uow:
        invoice = await use_cases.create_invoice(
            uow=uow,
            staff=_staff(tenant_id),
            branch_id="bkk",
            customer_id="c1",
            job_id=job_id,
            kind=InvoiceKind.STANDARD,
            related_deposit_id=None,
            payment_terms_days=None,
            lines=lines or [EXCAVATOR],
            now=NOW,
        )
        await uow.commit()
    return invoice.id


async def _send(engine: AsyncEngine, tenant_id: str, invoice_id: UUID) -> Invoice:
    async with BillingUnitOfWork(engine) as uow:
        invoice = await use_cases.send_invoice(
            uow=uow, staff=_staff(tenant_id), invoice_id=invoice_id, payment_terms_days=None, now=NOW
        )
        await uow.commit()
    return invoice


async def _pay(engine: AsyncEngine, tenant_id: str, invoice_id: UUID, amount: Decimal | None) -> Invoice:
    async with BillingUnitOfWork(engine) as uow:
        invoice = await use_cases.record_payment(
            uow=uow, invoice_id=invoice_id, **_payment(tenant_id, amount)
        )
        await uow.commit()
    return invoice


def _payment(tenant_id: str, amount: Decimal | None) -> dict[str, Any]:
    return {
        "staff": _staff(tenant_id),
        "amount": amount,
        "method": CollectionMethod.BANK_TRANSFER,
        "reference": "KBANK-778812",
        "paid_on": None,
        "report_id": None,
        "now": NOW,
    }


async def _stored(engine: AsyncEngine, tenant_id: str, invoice_id: UUID) -> Invoice:
    async with BillingUnitOfWork(engine) as uow:
        invoice = await uow.invoices.get(tenant_id, invoice_id)
    assert invoice is not None
    return invoice


async def test_an_invoice_with_its_pre_payment_and_payments_reads_back_exactly_to_the_satang(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    async with BillingUnitOfWork(engine) as uow:
        await use_cases.record_prepayment(
            uow=uow,
            staff=_staff(tenant_id),
            job_id="J-1",
            branch_id=None,
            amount=D("5000.50"),
            method=CollectionMethod.PROMPTPAY,
            reference="SCB-1",
            paid_on=None,
            now=NOW,
        )
        await uow.commit()
    invoice_id = await _draft(
        engine,
        tenant_id,
        LineSpec("Excavator 20 t", D(1), D("2500.25"), D("14.5"), "day"),  # 36,253.625 → 36,253.63
        LineSpec("Plate compactor", D("2.125"), D("333.33")),  # 708.32625 → 708.33
        job_id="J-1",
    )
    await _send(engine, tenant_id, invoice_id)
    await _pay(engine, tenant_id, invoice_id, D("12345.67"))

    saved = await _pay(engine, tenant_id, invoice_id, D("0.01"))
    stored = await _stored(engine, tenant_id, invoice_id)

    assert stored == saved
    assert [str(line.amount) for line in stored.lines] == ["36253.63", "708.33"]
    assert [str(line.quantity) for line in stored.lines] == ["1", "2.125"]
    assert (str(stored.subtotal), str(stored.vat_amount), str(stored.total)) == (
        "36961.96",
        "2587.34",
        "39549.30",
    )
    assert [(p.receipt_number, str(p.amount)) for p in stored.prepayments] == [
        ("PREREC-2026-0001", "5000.50")
    ]
    assert [(p.receipt_number, str(p.amount)) for p in stored.payments] == [
        ("RC-2026-0001", "12345.67"),
        ("RC-2026-0002", "0.01"),
    ]
    assert (str(stored.paid_total), str(stored.balance), stored.status) == (
        "17346.18",
        "22203.12",
        InvoiceStatus.PARTIAL,
    )


async def test_each_change_of_an_invoice_commits_its_audit_row_with_its_event(engine: AsyncEngine) -> None:
    tenant_id = await _tenant(engine)
    invoice_id = await _draft(engine, tenant_id)
    await _send(engine, tenant_id, invoice_id)
    await _pay(engine, tenant_id, invoice_id, None)

    audit, outbox = await recorded(engine, kernel, invoice_id)

    assert [row.action for row in audit] == [
        "invoice.drafted",
        "invoice.sent.v1",
        "invoice.payment_recorded.v1",
    ]
    assert [row.event_type for row in outbox] == ["invoice.sent.v1", "invoice.payment_recorded.v1"]
    assert [row.details for row in audit[1:]] == [row.envelope["data"] for row in outbox]
    paid = outbox[-1].envelope
    assert (paid["tenant_id"], paid["branch_id"], paid["data"]["balance"]) == (tenant_id, "bkk", "0.00")


async def test_twenty_payments_at_once_queue_on_the_invoice_and_never_pay_more_than_its_total(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    invoice_id = await _draft(engine, tenant_id)  # ฿107,000.00: room for ten payments of ฿10,000
    await _send(engine, tenant_id, invoice_id)

    outcomes = await asyncio.gather(
        *(_pay(engine, tenant_id, invoice_id, D("10000.00")) for _ in range(20)), return_exceptions=True
    )

    recorded = [o for o in outcomes if isinstance(o, Invoice)]
    refused = [o for o in outcomes if not isinstance(o, Invoice)]
    assert len(recorded) == 10
    assert all(isinstance(o, PaymentExceedsBalance | InvoiceAlreadyPaid) for o in refused), refused
    stored = await _stored(engine, tenant_id, invoice_id)
    assert sorted(p.receipt_number for p in stored.payments) == [f"RC-2026-{i:04d}" for i in range(1, 11)]
    assert (stored.paid_total, stored.balance, stored.status) == (
        D("100000.00"),
        D("7000.00"),
        InvoiceStatus.PARTIAL,
    )
    assert stored.paid_total <= stored.total


async def test_an_invoice_sent_twice_at_once_gets_one_inv_number_and_one_conflict(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    invoice_id = await _draft(engine, tenant_id)

    outcomes = await asyncio.gather(
        _send(engine, tenant_id, invoice_id), _send(engine, tenant_id, invoice_id), return_exceptions=True
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Invoice", InvoiceNotDraft.__name__]
    assert (await _stored(engine, tenant_id, invoice_id)).number == "INV-2026-0001"
    audit, outbox = await recorded(engine, kernel, invoice_id)
    assert [row.event_type for row in outbox] == ["invoice.sent.v1"]
    assert [row.action for row in audit].count("invoice.sent.v1") == 1
    # The refused send used no number: the next invoice takes the one after.
    assert (await _send(engine, tenant_id, await _draft(engine, tenant_id))).number == "INV-2026-0002"


class _Receipt(BaseModel):
    receipt_number: str
    balance: Decimal


async def test_one_idempotent_payment_sent_twice_at_once_acts_once_and_replays_the_response(
    engine: AsyncEngine,
) -> None:
    tenant_id = await _tenant(engine)
    invoice_id = await _draft(engine, tenant_id)
    await _send(engine, tenant_id, invoice_id)
    request = IdempotentRequest(tenant_id=tenant_id, key=uuid4().hex, fingerprint="POST /payments {}")

    async def act(uow: BillingUnitOfWork) -> _Receipt:
        invoice = await use_cases.record_payment(
            uow=uow, invoice_id=invoice_id, **_payment(tenant_id, D("10000.00"))
        )
        return _Receipt(receipt_number=invoice.payments[-1].receipt_number, balance=invoice.balance)

    responses = await asyncio.gather(
        *(run_command(BillingUnitOfWork(engine), request, act, status_code=201) for _ in range(2))
    )

    replied = {"receipt_number": "RC-2026-0001", "balance": "97000.00"}
    assert [(r.status_code, json.loads(r.body)) for r in responses] == [(201, replied)] * 2
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    stored = await _stored(engine, tenant_id, invoice_id)
    assert [p.receipt_number for p in stored.payments] == ["RC-2026-0001"]
