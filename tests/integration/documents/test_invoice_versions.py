"""Billing facts on the real PostgreSQL: an invoice gets one version per payment, in billing's order,
however often a payment is delivered; each payment and pre-payment gets its receipt once."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.documents.adapters.tables import document_versions, documents, kernel, render_jobs
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import InvoiceFacts, OriginalDocumentMissing
from shared.contracts.documents import DocumentKind, document_id
from shared.contracts.envelope import Envelope, EventPayload
from tests.integration.documents.consumers import documents_consumer
from tests.unit.documents import factories

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "documents", "documents_billing_it"
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
async def empty_queue(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for table in (document_versions, render_jobs, documents, kernel.outbox, kernel.processed_events):
            await conn.execute(table.delete())


def _envelope(payload: EventPayload) -> Envelope:
    return Envelope.of(
        payload, source="tests", tenant_id="t-1", branch_id="bkk", subject="s", time=NOW, correlation_id="c"
    )


async def _jobs(engine: AsyncEngine) -> list[tuple[str, str, int]]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(render_jobs.c.kind, render_jobs.c.number, render_jobs.c.version))
        return sorted(tuple(row) for row in rows)  # type: ignore[misc]


async def _invoice_versions(engine: AsyncEngine, number: str) -> list[InvoiceFacts]:
    invoice_id = document_id("t-1", DocumentKind.INVOICE, number)
    async with DocumentsUnitOfWork(engine) as uow:
        latest = await uow.jobs.latest_of(invoice_id)
        assert latest is not None
        versions = [await uow.jobs.of_version(invoice_id, v) for v in range(1, latest.version + 1)]
    return [job.facts for job in versions if job is not None and isinstance(job.facts, InvoiceFacts)]


async def test_each_payment_makes_the_next_invoice_version_and_its_own_receipt(engine: AsyncEngine) -> None:
    consumer = documents_consumer(engine)
    sent = factories.invoice_sent()
    first = factories.payment_recorded(sent, amount=Decimal("50000.00"))
    second = factories.payment_recorded(sent, amount=Decimal("57000.00"), paid_total=Decimal("107000.00"))

    for fact in (sent, first, second):
        assert await consumer.apply(_envelope(fact))

    assert await _jobs(engine) == sorted(
        [
            ("invoice", sent.number, 1),
            ("invoice", sent.number, 2),
            ("invoice", sent.number, 3),
            ("receipt", first.receipt_number, 1),
            ("receipt", second.receipt_number, 1),
        ]
    )
    versions = await _invoice_versions(engine, sent.number)
    assert [(v.version, [p.receipt_number for p in v.payments], v.balance) for v in versions] == [
        (1, [], Decimal("107000.00")),
        (2, [first.receipt_number], Decimal("57000.00")),
        (3, [first.receipt_number, second.receipt_number], Decimal("0.00")),
    ]


async def test_a_payment_redelivered_or_replayed_later_adds_no_version(engine: AsyncEngine) -> None:
    consumer = documents_consumer(engine)
    sent = factories.invoice_sent()
    first = factories.payment_recorded(sent, amount=Decimal("50000.00"))
    second = factories.payment_recorded(sent, amount=Decimal("7000.00"), paid_total=Decimal("57000.00"))
    first_envelope = _envelope(first)

    applied = [
        await consumer.apply(_envelope(sent)),
        await consumer.apply(first_envelope),
        await consumer.apply(_envelope(second)),
        await consumer.apply(first_envelope),  # redelivered after the second payment
        await consumer.apply(_envelope(first)),  # replayed under a new event id
    ]

    assert applied == [True, True, True, False, True]
    versions = await _invoice_versions(engine, sent.number)
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[-1].balance == Decimal("50000.00")
    assert [p.receipt_number for p in versions[-1].payments] == [first.receipt_number, second.receipt_number]
    assert [kind for kind, _, _ in await _jobs(engine)].count("receipt") == 2


async def test_a_payment_on_an_invoice_never_sent_here_is_retried_not_lost(engine: AsyncEngine) -> None:
    consumer = documents_consumer(engine)
    payment = factories.payment_recorded(factories.invoice_sent())

    with pytest.raises(OriginalDocumentMissing):
        await consumer.apply(_envelope(payment))

    assert await _jobs(engine) == []  # nothing half-done: the receipt waits with the invoice version


async def test_prepayments_and_tax_invoices_each_get_one_document(engine: AsyncEngine) -> None:
    consumer = documents_consumer(engine)
    prepayment, tax_invoice = factories.prepayment_recorded(), factories.tax_invoice_issued()
    envelopes = [_envelope(prepayment), _envelope(tax_invoice)]

    for envelope in envelopes + envelopes:
        await consumer.apply(envelope)
    await consumer.apply(_envelope(prepayment))  # replayed

    assert await _jobs(engine) == sorted(
        [("prepayment_receipt", prepayment.receipt_number, 1), ("tax_invoice", tax_invoice.number, 1)]
    )
