"""Invoices in the portal's read model on the real PostgreSQL: billing's events in any order end in
what the customer should see, and "I've paid" tapped many times at once records one report and
queues one event."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.portal import use_cases
from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import Business, CustomerProfile, CustomerScope, Invoice, ReportStatus, Slip
from services.portal.use_cases import Session
from shared.contracts import billing
from shared.contracts.deposits import StaffRef
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered, document_id
from shared.contracts.envelope import Envelope, EventPayload
from shared.messaging.consumer import EventConsumer

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "portal", "portal_it"
T0 = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
STAFF = StaffRef(user_id="u-1", name="Nok Staff")
VAT = billing.VatBreakdown(rate=Decimal("0.07"), rounding="satang")


class InvoiceStory:
    """Billing's facts about one invoice of ฿107,000, each stamped at the minute given."""

    def __init__(self, scope: CustomerScope) -> None:
        self.scope, self.invoice_id = scope, uuid4()

    def _event(self, payload: EventPayload, minutes: int) -> Envelope:
        return Envelope.of(
            payload,
            source="tests",
            tenant_id=self.scope.tenant_id,
            branch_id="bkk",
            subject=str(self.invoice_id),
            time=T0 + timedelta(minutes=minutes),
            correlation_id=str(uuid4()),
        )

    def sent(self, minutes: int = 1) -> Envelope:
        fact = billing.InvoiceSent(
            invoice_id=self.invoice_id,
            number="INV-2026-0042",
            kind="standard",
            customer_id=self.scope.customer_id,
            issue_date=date(2026, 3, 12),
            due_date=date(2026, 4, 11),
            lines=[],
            subtotal=Decimal("100000"),
            vat=VAT,
            vat_amount=Decimal("7000"),
            total=Decimal("107000"),
            prepayments=[],
            paid_total=Decimal("0"),
            balance=Decimal("107000"),
            sent_by=STAFF,
        )
        return self._event(fact, minutes)

    def paid(self, amount: str, paid_total: str, minutes: int, report_id: UUID | None = None) -> Envelope:
        balance = Decimal("107000") - Decimal(paid_total)
        fact = billing.PaymentRecorded(
            invoice_id=self.invoice_id,
            invoice_number="INV-2026-0042",
            customer_id=self.scope.customer_id,
            payment_id=uuid4(),
            receipt_number=f"RC-2026-{minutes:04d}",
            amount=Decimal(amount),
            method="bank_transfer",
            reference="KBANK-1",
            paid_on=date(2026, 3, 13),
            recorded_by=STAFF,
            paid_total=Decimal(paid_total),
            balance=balance,
            status="paid" if balance == 0 else "partial",
            report_id=report_id,
        )
        return self._event(fact, minutes)

    def tax_invoice(self, minutes: int) -> Envelope:
        party = billing.TaxParty(name="X", address="Bangkok", tax_id="0105556012345", branch_no="00000")
        fact = billing.TaxInvoiceIssued(
            tax_invoice_id=uuid4(),
            number="TI-2026-0001",
            customer_id=self.scope.customer_id,
            issue_date=date(2026, 3, 13),
            seller=party,
            buyer=party,
            lines=[],
            amount_before_vat=Decimal("100000"),
            vat=VAT,
            vat_amount=Decimal("7000"),
            total=Decimal("107000"),
            invoices=[
                billing.CoveredInvoice(invoice_id=self.invoice_id, number="INV-2026-0042", kind="standard")
            ],
            retentions=[],
            issued_by=STAFF,
        )
        return self._event(fact, minutes)

    def rendered(self, kind: DocumentKind, number: str, minutes: int) -> Envelope:
        fact = DocumentRendered(
            document_id=document_id(self.scope.tenant_id, kind, number),
            kind=kind,
            number=number,
            version=1,
            status="issued",
            customer_id=self.scope.customer_id,
            issued_on=date(2026, 3, 12),
            amount=Decimal("107000"),
            reference="",
            files=[DocumentFile(language="th", storage_key="k", sha256="0" * 64, size_bytes=1)],
            render_ms=1,
        )
        return self._event(fact, minutes)

    def report_closed(self, report_id: UUID, outcome: str, minutes: int) -> Envelope:
        fact = billing.PaymentReportClosed(
            report_id=report_id,
            invoice_id=self.invoice_id,
            invoice_number="INV-2026-0042",
            customer_id=self.scope.customer_id,
            outcome=outcome,
            closed_by=STAFF,
        )
        return self._event(fact, minutes)

    def report_received(self, report_id: UUID, minutes: int) -> Envelope:
        fact = billing.PaymentReportReceived(
            report_id=report_id,
            invoice_id=self.invoice_id,
            invoice_number="INV-2026-0042",
            customer_id=self.scope.customer_id,
            amount=Decimal("107000"),
            reported_at=T0,
        )
        return self._event(fact, minutes)


async def _invoices(engine: AsyncEngine, scope: CustomerScope) -> list[Invoice]:
    async with PortalUnitOfWork(engine) as uow:
        return await uow.invoices.invoices(scope)


async def test_a_payment_heard_of_before_its_invoice_keeps_the_newer_amounts(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = InvoiceStory(scope)

    await consumer.apply(story.paid("50000", "50000", minutes=2))
    before_sent = await _invoices(engine, scope)
    await consumer.apply(story.sent(minutes=1))

    assert before_sent == []  # not shown until it has been sent
    [invoice] = await _invoices(engine, scope)
    assert (invoice.total, invoice.balance, invoice.paid) == (
        Decimal("107000"),
        Decimal("57000"),
        Decimal("50000"),
    )
    assert (invoice.issue_date, invoice.due_date, invoice.branch_id) == (
        date(2026, 3, 12),
        date(2026, 4, 11),
        "bkk",
    )
    async with PortalUnitOfWork(engine) as uow:
        [receipt] = await uow.read_model.receipts(scope, invoice_id=story.invoice_id)
    assert (receipt.number, receipt.invoice_number, receipt.amount) == (
        "RC-2026-0002",
        "INV-2026-0042",
        Decimal("50000"),
    )


async def test_payments_in_reverse_order_end_in_the_last_balance(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = InvoiceStory(scope)

    for envelope in (
        story.paid("57000", "107000", minutes=3),
        story.sent(1),
        story.paid("50000", "50000", 2),
    ):
        await consumer.apply(envelope)

    [invoice] = await _invoices(engine, scope)
    assert invoice.balance == Decimal("0")
    assert invoice.badge(date(2026, 5, 1)).value == "paid"


async def test_a_tax_invoice_and_pdfs_heard_of_before_the_invoice_are_kept(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = InvoiceStory(scope)

    for envelope in (
        story.tax_invoice(minutes=5),
        story.rendered(DocumentKind.TAX_INVOICE, "TI-2026-0001", minutes=6),
        story.rendered(DocumentKind.INVOICE, "INV-2026-0042", minutes=2),
        story.sent(minutes=1),
    ):
        await consumer.apply(envelope)

    [invoice] = await _invoices(engine, scope)
    assert invoice.pdf_ready
    assert invoice.document_id == document_id(scope.tenant_id, DocumentKind.INVOICE, "INV-2026-0042")
    assert (invoice.tax_invoice_number, invoice.tax_invoice_ready) == ("TI-2026-0001", True)
    assert invoice.tax_invoice_document_id == document_id(
        scope.tenant_id, DocumentKind.TAX_INVOICE, "TI-2026-0001"
    )


async def test_a_closed_report_is_never_reopened_by_a_late_receipt(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = InvoiceStory(scope)
    report_id = uuid4()

    for envelope in (
        story.sent(1),
        story.report_closed(report_id, "dismissed", minutes=3),
        story.report_received(report_id, minutes=2),
    ):
        await consumer.apply(envelope)

    [invoice] = await _invoices(engine, scope)
    assert invoice.latest_report is not None
    assert invoice.latest_report.status is ReportStatus.DISMISSED
    assert invoice.payable


def _session(scope: CustomerScope) -> Session:
    return Session(
        link_id=uuid4(),
        expires_at=T0 + timedelta(days=30),
        business=Business(scope.tenant_id),
        customer=CustomerProfile(scope.tenant_id, scope.customer_id, "Somchai", "th"),
        today=date(2026, 3, 12),
    )


async def test_ive_paid_tapped_ten_times_at_once_records_one_report_and_queues_one_event(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = InvoiceStory(scope)
    await consumer.apply(story.sent(1))
    session = _session(scope)

    async def tap() -> use_cases.ReportOutcome:
        slip = Slip(uuid4(), b"\x89PNG fake", "image/png", reference="014-1")
        async with PortalUnitOfWork(engine) as uow:
            outcome = await use_cases.report_paid(
                uow=uow, session=session, invoice_id=story.invoice_id, slip=slip, now=T0
            )
            await uow.commit()
        return outcome

    outcomes = await asyncio.gather(*(tap() for _ in range(10)))

    assert sum(o.created for o in outcomes) == 1
    assert len({o.report.report_id for o in outcomes}) == 1
    queries = (
        "SELECT count(*) FROM payment_reports WHERE tenant_id = :tenant AND invoice_id = :invoice",
        "SELECT count(*) FROM slips WHERE tenant_id = :tenant AND invoice_id = :invoice",
        "SELECT count(*) FROM outbox WHERE event_type = 'payment.reported.v1' AND key = :subject",
        "SELECT count(*) FROM audit_log WHERE tenant_id = :tenant AND subject_id = :subject",
    )
    values = {"tenant": scope.tenant_id, "invoice": story.invoice_id, "subject": str(story.invoice_id)}
    async with engine.connect() as conn:
        counts = [await conn.scalar(text(query), values) for query in queries]
    assert counts == [1, 1, 1, 1]


async def test_a_recorded_payment_closes_the_report_it_names(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = InvoiceStory(scope)
    await consumer.apply(story.sent(1))
    async with PortalUnitOfWork(engine) as uow:
        outcome = await use_cases.report_paid(
            uow=uow, session=_session(scope), invoice_id=story.invoice_id, slip=None, now=T0
        )
        await uow.commit()

    await consumer.apply(story.paid("50000", "50000", minutes=3, report_id=outcome.report.report_id))

    [invoice] = await _invoices(engine, scope)
    assert invoice.open_report is None
    assert invoice.latest_report is not None
    assert invoice.latest_report.status is ReportStatus.RECORDED
    assert invoice.payable  # ฿57,000 still due: the customer can pay and report again
