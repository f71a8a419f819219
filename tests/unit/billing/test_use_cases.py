"""Billing use cases with an in-memory unit of work: what recording a payment records (the RC
number, the new balance, the report it closes), that a refused payment records nothing, and how a
customer's "I've paid" is taken."""

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.billing import use_cases
from services.billing.domain import (
    BillingTenant,
    Invoice,
    InvoiceNotFound,
    InvoiceNotSent,
    PaymentExceedsBalance,
    PaymentReport,
    ReportStatus,
)
from shared.auth import Principal
from shared.contracts.billing import (
    InvoiceStatus,
    PaymentRecorded,
    PaymentReportClosed,
    PaymentReportReceived,
)
from shared.contracts.deposits import CollectionMethod, StaffRef
from shared.contracts.envelope import EventContext, Subject
from shared.contracts.portal import PaymentReported
from shared.errors import BusinessSettingsPending
from shared.numbering import NumberingRules
from tests.unit.billing.factories import NOW, draft, sent
from tests.unit.billing.fakes import FakeBillingUnitOfWork

D = Decimal
TENANT = "t1"


def _staff(*branches: str) -> Principal:
    return Principal("u1", "Nok", TENANT, frozenset(branches or {"*"}), frozenset({"staff"}))


def _on_file(uow: FakeBillingUnitOfWork, invoice: Invoice) -> Invoice:
    uow.reference.tenants.setdefault(TENANT, BillingTenant())
    uow.invoices.rows[invoice.id] = invoice
    return invoice


async def _pay(
    uow: FakeBillingUnitOfWork, invoice_id: UUID, staff: Principal | None = None, **terms: Any
) -> Invoice:
    fields: dict[str, Any] = {
        "amount": D("40000.00"),
        "method": CollectionMethod.BANK_TRANSFER,
        "reference": "KBANK-778812",
        "paid_on": None,
        "report_id": None,
    } | terms
    return await use_cases.record_payment(
        uow=uow, staff=staff or _staff(), invoice_id=invoice_id, now=NOW, **fields
    )


async def test_a_payment_below_the_balance_makes_the_invoice_partial_with_the_next_rc_number() -> None:
    uow = FakeBillingUnitOfWork()
    invoice = _on_file(uow, sent())  # ฿107,000.00

    paid = await _pay(uow, invoice.id, amount=D("40000.00"))

    assert paid.status is InvoiceStatus.PARTIAL
    assert uow.invoices.rows[invoice.id].status is InvoiceStatus.PARTIAL
    [recorded] = uow.recorded
    assert isinstance(recorded.fact, PaymentRecorded)
    assert (recorded.fact.receipt_number, recorded.fact.amount) == ("RC-2026-0001", D("40000.00"))
    assert (recorded.fact.paid_total, recorded.fact.balance, recorded.fact.status) == (
        D("40000.00"),
        D("67000.00"),
        InvoiceStatus.PARTIAL,
    )
    assert recorded.about == Subject("invoice", invoice.id, TENANT, "bkk")
    assert (recorded.actor.user_id, recorded.fact.recorded_by) == ("u1", StaffRef(user_id="u1", name="Nok"))


async def test_the_amount_defaults_to_the_balance_and_then_the_invoice_is_paid() -> None:
    uow = FakeBillingUnitOfWork()
    invoice = _on_file(uow, sent())
    await _pay(uow, invoice.id, amount=D("40000.00"))

    paid = await _pay(uow, invoice.id, amount=None)

    assert (paid.status, paid.balance) == (InvoiceStatus.PAID, D("0.00"))
    last = uow.recorded[-1].fact
    assert isinstance(last, PaymentRecorded)
    assert (last.receipt_number, last.amount, last.balance) == ("RC-2026-0002", D("67000.00"), D("0.00"))


async def test_a_payment_above_the_balance_is_refused_naming_amount_and_records_nothing() -> None:
    uow = FakeBillingUnitOfWork()
    invoice = _on_file(uow, sent())

    with pytest.raises(PaymentExceedsBalance) as refused:
        await _pay(uow, invoice.id, amount=D("107000.01"))

    assert refused.value.field == "amount"
    assert uow.recorded == []
    assert uow.invoices.rows[invoice.id].payments == []
    # No number was taken: the next payment still gets the first RC.
    await _pay(uow, invoice.id)
    assert uow.invoices.rows[invoice.id].payments[0].receipt_number == "RC-2026-0001"


async def test_a_payment_against_an_open_report_closes_it_keyed_to_the_invoice() -> None:
    uow = FakeBillingUnitOfWork()
    invoice = _on_file(uow, sent())
    report = PaymentReport(uuid4(), TENANT, invoice.id, "INV-2026-0001", "c1", D("107000.00"), NOW, NOW)
    uow.reports.rows[report.id] = report

    paid = await _pay(uow, invoice.id, amount=None, report_id=report.id)

    payment_recorded, report_closed = uow.recorded
    assert isinstance(payment_recorded.fact, PaymentRecorded)
    assert payment_recorded.fact.report_id == report.id
    assert isinstance(report_closed.fact, PaymentReportClosed)
    assert (report_closed.fact.outcome, report_closed.fact.payment_id) == ("recorded", paid.payments[0].id)
    assert report_closed.about == Subject("payment_report", report.id, TENANT, "bkk", stream=invoice.id)
    assert report_closed.about.key == str(invoice.id)
    assert uow.reports.rows[report.id].status is ReportStatus.RECORDED


async def test_a_payment_for_a_business_whose_settings_have_not_arrived_is_refused_and_records_nothing() -> (
    None
):
    uow = FakeBillingUnitOfWork()
    invoice = sent()
    uow.invoices.rows[invoice.id] = invoice  # billing has the invoice but not (yet) the tenant's settings

    with pytest.raises(BusinessSettingsPending):
        await _pay(uow, invoice.id)

    assert (uow.recorded, uow.numbers.last, uow.invoices.rows[invoice.id].payments) == ([], {}, [])


async def test_a_draft_cannot_be_paid() -> None:
    uow = FakeBillingUnitOfWork()
    invoice = _on_file(uow, draft())

    with pytest.raises(InvoiceNotSent):
        await _pay(uow, invoice.id)

    assert uow.recorded == []
    assert uow.invoices.rows[invoice.id].status is InvoiceStatus.DRAFT


async def test_staff_of_another_branch_find_no_invoice() -> None:
    uow = FakeBillingUnitOfWork()
    invoice = _on_file(uow, sent())

    with pytest.raises(InvoiceNotFound):
        await _pay(uow, invoice.id, staff=_staff("cnx"))

    assert uow.recorded == []
    assert uow.invoices.rows[invoice.id].payments == []


async def test_the_rc_number_takes_the_tenant_s_prefix_and_branch_code() -> None:
    uow = FakeBillingUnitOfWork()
    uow.reference.tenants[TENANT] = BillingTenant(
        numbering=NumberingRules(
            document_prefixes={"receipt": "REC"}, per_branch_numbering=True, branch_codes={"bkk": "BK"}
        )
    )
    invoice = _on_file(uow, sent())

    paid = await _pay(uow, invoice.id)

    assert paid.payments[0].receipt_number == "REC-BK-2026-0001"


def _reported(invoice: Invoice, report_id: UUID) -> PaymentReported:
    return PaymentReported(
        report_id=report_id,
        invoice_id=invoice.id,
        invoice_number="INV-2026-0001",
        customer_id="c1",
        amount=D("107000.00"),
        reported_at=NOW - timedelta(minutes=5),
    )


def _event() -> EventContext:
    return EventContext(
        id=uuid4(),
        type=PaymentReported.event_type,
        tenant_id=TENANT,
        branch_id=None,
        subject="s",
        time=NOW - timedelta(minutes=5),
        correlation_id="c",
        causation_id=None,
        now=NOW,
    )


async def test_a_customer_s_report_is_recorded_as_the_customer_once_keyed_to_the_invoice() -> None:
    uow = FakeBillingUnitOfWork()
    uow.reference.customers[TENANT, "c1"] = "Somchai Jaidee"
    invoice = _on_file(uow, sent())
    report_id = uuid4()

    taken = [
        await use_cases.take_payment_report(uow=uow, event=_event(), fact=_reported(invoice, report_id))
        for _ in range(2)
    ]

    assert taken == [True, False]
    [received] = uow.recorded
    assert isinstance(received.fact, PaymentReportReceived)
    assert (received.fact.customer_name, received.fact.amount) == ("Somchai Jaidee", D("107000.00"))
    assert (received.actor.user_id, received.actor.name) == ("customer:c1", "Somchai Jaidee")
    assert received.about == Subject("payment_report", report_id, TENANT, "bkk", stream=invoice.id)
    assert (uow.reports.rows[report_id].status, uow.reports.rows[report_id].received_at) == (
        ReportStatus.OPEN,
        NOW,
    )
    assert uow.invoices.rows[invoice.id].status is InvoiceStatus.SENT


async def test_a_report_on_another_customer_s_invoice_is_ignored() -> None:
    uow = FakeBillingUnitOfWork()
    invoice = _on_file(uow, sent())

    reported = _reported(invoice, uuid4()).model_copy(update={"customer_id": "c2"})
    taken = await use_cases.take_payment_report(uow=uow, event=_event(), fact=reported)

    assert taken is False
    assert (uow.recorded, uow.reports.rows) == ([], {})
