"""Notices on the real PostgreSQL: the events that complete a notice in any order and at once
(a return and its DEPRR; a tax invoice and the three documents it sends), replays, and concurrent
senders that each claim a notice no other is sending."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.notifications import use_cases
from services.notifications.adapters.tables import notices
from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import NoticeKind, NoticeStatus, OutgoingEmail, RetryPolicy
from services.notifications.entrypoints import events, workers
from shared.clock import Clock
from shared.contracts.billing import (
    CoveredInvoice,
    CoveredRetention,
    InvoiceKind,
    TaxInvoiceIssued,
    TaxParty,
    VatBreakdown,
)
from shared.contracts.deposits import DepositReturned, RefundMethod, ReturnKind, StaffRef
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered, document_id
from shared.contracts.envelope import Envelope, EventPayload
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated
from shared.messaging.consumer import EventConsumer
from shared.settings import AuthSettings, KafkaSettings, ServiceUrls
from tests.unit.notifications.fakes import FakeLinks, FakeMailer, FakePdfs

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "notifications", "notifications_it"
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
async def no_notices_due(engine: AsyncEngine) -> None:
    """Each test starts with an empty delivery log, so the senders see only its notices."""
    async with engine.begin() as conn:
        await conn.execute(notices.delete())


def _consumer(engine: AsyncEngine) -> EventConsumer:
    return EventConsumer(
        "notifications",
        uow_factory=lambda: NotificationsUnitOfWork(engine),
        handlers=events.handlers(portal_url=ServiceUrls().portal_public_url, auth=AuthSettings()),
        settings=KafkaSettings(),
        clock=Clock(),
    )


def _envelope(payload: EventPayload, tenant_id: str, subject: str) -> Envelope:
    return Envelope.of(
        payload,
        source="tests",
        tenant_id=tenant_id,
        branch_id="bkk",
        subject=subject,
        time=NOW,
        correlation_id=str(uuid4()),
    )


async def _tenant_with_customer(consumer: EventConsumer) -> str:
    tenant_id = f"t-{uuid4().hex[:10]}"
    settings = TenantSettingsUpdated(
        business_name_en="Siam Tool Rentals Co., Ltd.",
        business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
        address_en="Bangkok",
        address_th="กรุงเทพฯ",
        tax_id="0105556012345",
        phone="02-123-4567",
        email="billing@siamtools.example",
    )
    customer = CustomerUpserted(
        customer_id="c-1",
        name="Somchai",
        email="somchai@example.com",
        preferred_language="en",
        private_notes="slow payer",
    )
    await consumer.apply(_envelope(settings, tenant_id, tenant_id))
    await consumer.apply(_envelope(customer, tenant_id, "c-1"))
    return tenant_id


def _rendered(tenant_id: str, kind: DocumentKind, number: str) -> Envelope:
    doc_id = document_id(tenant_id, kind, number)
    rendered = DocumentRendered(
        document_id=doc_id,
        kind=kind,
        number=number,
        version=1,
        status="issued",
        customer_id="c-1",
        issued_on=date(2026, 3, 12),
        amount=Decimal("20000"),
        reference="",
        files=[DocumentFile(language="en", storage_key="k", sha256="0" * 64, size_bytes=1)],
        render_ms=1,
    )
    return _envelope(rendered, tenant_id, str(doc_id))


def _damage_events(tenant_id: str, n: int) -> list[Envelope]:
    """A tax invoice on a damage invoice and a forfeited deposit, and the three documents it sends."""
    party = TaxParty(name="Somchai", address="Bangkok", tax_id="1234567890123", branch_no="00000")
    numbers = {
        DocumentKind.INVOICE: f"INV-2026-{n:04d}",
        DocumentKind.TAX_INVOICE: f"TI-2026-{n:04d}",
        DocumentKind.DEPOSIT_RETURN_RECEIPT: f"DEPRR-2026-{n:04d}",
    }
    issued = TaxInvoiceIssued(
        tax_invoice_id=uuid4(),
        number=numbers[DocumentKind.TAX_INVOICE],
        customer_id="c-1",
        issue_date=date(2026, 3, 14),
        seller=party,
        buyer=party,
        lines=[],
        amount_before_vat=Decimal("46728.97"),
        vat=VatBreakdown(rate=Decimal("0.07"), rounding="satang"),
        vat_amount=Decimal("3271.03"),
        total=Decimal("50000.00"),
        invoices=[
            CoveredInvoice(invoice_id=uuid4(), number=numbers[DocumentKind.INVOICE], kind=InvoiceKind.DAMAGE)
        ],
        retentions=[
            CoveredRetention(
                deposit_id=uuid4(),
                deposit_number=f"DEP-2026-{n:04d}",
                return_receipt_number=numbers[DocumentKind.DEPOSIT_RETURN_RECEIPT],
                amount=Decimal("20000.00"),
            )
        ],
        issued_by=StaffRef(user_id="u", name="Nok"),
    )
    return [
        _envelope(issued, tenant_id, str(issued.tax_invoice_id)),
        *(_rendered(tenant_id, kind, number) for kind, number in numbers.items()),
    ]


def _return_events(tenant_id: str, receipt: str) -> tuple[Envelope, Envelope]:
    deposit_id = uuid4()
    returned = DepositReturned(
        deposit_id=deposit_id,
        deposit_number=receipt.replace("DEPRR", "DEP"),
        customer_id="c-1",
        status="returned",
        return_id=uuid4(),
        receipt_number=receipt,
        collection_receipt_numbers=[],
        kind=ReturnKind.FULL,
        held_amount=Decimal("20000"),
        returned_amount=Decimal("20000"),
        retained_amount=Decimal("0"),
        reason="",
        method=RefundMethod.CASH,
        reference="Cash, in person",
        returned_on=date(2026, 3, 12),
        returned_at=NOW,
        returned_by=StaffRef(user_id="u", name="Nok"),
    )
    doc_id = document_id(tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, receipt)
    rendered = DocumentRendered(
        document_id=doc_id,
        kind=DocumentKind.DEPOSIT_RETURN_RECEIPT,
        number=receipt,
        version=1,
        status="issued",
        customer_id="c-1",
        issued_on=date(2026, 3, 12),
        amount=Decimal("20000"),
        reference="DEP",
        files=[DocumentFile(language="en", storage_key="k", sha256="0" * 64, size_bytes=1)],
        render_ms=1,
    )
    return _envelope(returned, tenant_id, str(deposit_id)), _envelope(rendered, tenant_id, str(doc_id))


async def _statuses(engine: AsyncEngine, tenant_id: str) -> dict[str, str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(notices.c.receipt_number, notices.c.status).where(notices.c.tenant_id == tenant_id)
        )
        return {row.receipt_number: row.status for row in rows}


def _delivery(mailer: object) -> use_cases.Delivery:
    return use_cases.Delivery(
        mailer=mailer,  # type: ignore[arg-type]
        pdfs=FakePdfs(),
        links=FakeLinks(),
        policy=RetryPolicy(max_attempts=3, first_delay=timedelta(minutes=1)),
        message_id_domain="notifications.test",
    )


async def test_the_return_and_its_receipt_arriving_at_once_always_make_the_notice_due(
    engine: AsyncEngine,
) -> None:
    consumer = _consumer(engine)
    tenant_id = await _tenant_with_customer(consumer)
    pairs = [_return_events(tenant_id, f"DEPRR-2026-{n:04d}") for n in range(1, 9)]

    await asyncio.gather(*(consumer.apply(e) for pair in pairs for e in pair))

    assert await _statuses(engine, tenant_id) == {
        f"DEPRR-2026-{n:04d}": NoticeStatus.PENDING.value for n in range(1, 9)
    }


async def test_a_tax_invoice_and_its_three_documents_arriving_at_once_always_make_one_notice_due(
    engine: AsyncEngine,
) -> None:
    consumer = _consumer(engine)
    tenant_id = await _tenant_with_customer(consumer)
    bundles = [_damage_events(tenant_id, n) for n in range(1, 9)]

    await asyncio.gather(*(consumer.apply(e) for events_ in bundles for e in events_))

    assert await _statuses(engine, tenant_id) == {
        f"TI-2026-{n:04d}": NoticeStatus.PENDING.value for n in range(1, 9)
    }
    async with NotificationsUnitOfWork(engine) as uow:
        notice = await uow.notices.for_receipt(tenant_id, NoticeKind.DAMAGE_CHARGES, "TI-2026-0001")
    assert notice is not None
    assert notice.missing_documents == ()
    assert [d.number for d in notice.documents] == ["INV-2026-0001", "TI-2026-0001", "DEPRR-2026-0001"]


async def test_replayed_events_open_no_second_notice(engine: AsyncEngine) -> None:
    consumer = _consumer(engine)
    tenant_id = await _tenant_with_customer(consumer)
    returned, rendered = _return_events(tenant_id, "DEPRR-2026-0001")
    await consumer.apply(returned)
    await consumer.apply(rendered)

    redelivered = [await consumer.apply(returned), await consumer.apply(rendered)]
    # The same facts under new event ids (a producer that re-published them) still make one notice.
    republished = returned.model_copy(update={"id": uuid4()})
    await consumer.apply(republished)

    assert redelivered == [False, False]
    assert await _statuses(engine, tenant_id) == {"DEPRR-2026-0001": "pending"}


class SlowMailer(FakeMailer):
    async def send(self, email: OutgoingEmail) -> None:
        await asyncio.sleep(0.02)
        await super().send(email)


async def test_concurrent_senders_send_every_notice_exactly_once(engine: AsyncEngine) -> None:
    consumer = _consumer(engine)
    tenant_id = await _tenant_with_customer(consumer)
    for n in range(1, 13):
        for envelope in _return_events(tenant_id, f"DEPRR-2026-{n:04d}"):
            await consumer.apply(envelope)
    mailer = SlowMailer()
    delivery = _delivery(mailer)

    async def sender() -> None:
        while await workers.send_one(engine, Clock(timedelta(seconds=1)), delivery):
            pass

    await asyncio.gather(*(sender() for _ in range(4)))

    assert len(mailer.sent) == 12
    assert len({m.message_id for m in mailer.sent}) == 12
    assert set((await _statuses(engine, tenant_id)).values()) == {"sent"}


async def test_a_failed_attempt_is_logged_and_waits_for_its_backoff(engine: AsyncEngine) -> None:
    consumer = _consumer(engine)
    tenant_id = await _tenant_with_customer(consumer)
    for envelope in _return_events(tenant_id, "DEPRR-2026-0001"):
        await consumer.apply(envelope)
    mailer = FakeMailer(failures=1)
    clock = Clock(timedelta(seconds=1))
    while await workers.send_one(engine, clock, _delivery(mailer)):
        pass

    async with NotificationsUnitOfWork(engine) as uow:
        notice = await uow.notices.for_receipt(tenant_id, NoticeKind.DEPOSIT_RETURNED, "DEPRR-2026-0001")
    assert notice is not None
    assert mailer.sent == []
    assert (notice.status, notice.attempts) == (NoticeStatus.PENDING, 1)
    assert "ConnectionRefusedError" in (notice.last_error or "")
    assert notice.next_attempt_at is not None
    assert notice.next_attempt_at > clock.now()


async def test_the_business_s_time_zone_is_kept_for_the_times_its_staff_alerts_give(
    engine: AsyncEngine,
) -> None:
    consumer = _consumer(engine)
    tenant_id = f"t-{uuid4().hex[:10]}"
    settings = TenantSettingsUpdated(
        business_name_en="Tokyo Tool Rentals",
        business_name_th="โตเกียว ทูล เรนทัล",
        address_en="Tokyo",
        address_th="โตเกียว",
        tax_id="0105556012345",
        timezone="Asia/Tokyo",
    )
    await consumer.apply(_envelope(settings, tenant_id, tenant_id))

    async with NotificationsUnitOfWork(engine) as uow:
        tenant = await uow.reference.tenant(tenant_id)

    assert tenant is not None
    assert tenant.timezone == "Asia/Tokyo"
