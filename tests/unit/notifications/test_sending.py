"""The sender: a due notice goes out once, with its receipt in the customer's language; failures
back off and end in a staff alert; nobody to send to means skipped."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.notifications import use_cases
from services.notifications.domain import (
    AlertKind,
    Customer,
    NoticeKind,
    NoticeStatus,
    RetryPolicy,
    Tenant,
)
from shared.contracts.deposits import (
    DepositReturned,
    DepositReturnVoided,
    RefundMethod,
    ReturnKind,
    StaffRef,
)
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered, document_id
from shared.contracts.envelope import EventContext
from shared.contracts.operations import EventDeadLettered
from tests.unit.fakes import event_context
from tests.unit.notifications.fakes import FakeLinks, FakeMailer, FakePdfs, FakeUow

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
TENANT = "t-1"
POLICY = RetryPolicy(max_attempts=3, first_delay=timedelta(seconds=10), max_delay=timedelta(minutes=5))
STAFF = StaffRef(user_id="u-1", name="Nok")


def _returned(receipt: str = "DEPRR-2026-0001", customer_id: str = "c-1") -> DepositReturned:
    return DepositReturned(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0001",
        customer_id=customer_id,
        status="partially_returned",
        return_id=uuid4(),
        receipt_number=receipt,
        collection_receipt_numbers=["DEPR-2026-0001"],
        kind=ReturnKind.PARTIAL,
        held_amount=Decimal("20000"),
        returned_amount=Decimal("15000"),
        retained_amount=Decimal("5000"),
        reason="ไส้กรองแตก",
        method=RefundMethod.BANK_TRANSFER,
        reference="KBANK-5521",
        returned_on=date(2026, 3, 12),
        returned_at=NOW,
        returned_by=STAFF,
    )


def _rendered(number: str = "DEPRR-2026-0001", version: int = 1, status: str = "issued") -> DocumentRendered:
    return DocumentRendered(
        document_id=document_id(TENANT, DocumentKind.DEPOSIT_RETURN_RECEIPT, number),
        kind=DocumentKind.DEPOSIT_RETURN_RECEIPT,
        number=number,
        version=version,
        status=status,
        customer_id="c-1",
        issued_on=date(2026, 3, 12),
        amount=Decimal("15000"),
        reference="DEP-2026-0001",
        files=[
            DocumentFile(language=lang, storage_key=f"k/{lang}", sha256="0" * 64, size_bytes=10)
            for lang in ("th", "en")
        ],
        render_ms=120,
    )


@pytest.fixture
def uow() -> FakeUow:
    fake = FakeUow()
    fake.reference.tenants[TENANT] = Tenant(
        TENANT,
        business_name_en="Siam Tool Rentals Co., Ltd.",
        business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
        phone="02-123-4567",
        email="billing@siamtools.example",
        billing_staff_emails=("billing@siamtools.example", "ops@siamtools.example"),
    )
    fake.reference.customers[(TENANT, "c-1")] = Customer("c-1", "สมชาย ใจดี", "somchai@example.com", "th")
    return fake


def _event(*, branch_id: str | None = "bkk", event_id: UUID | None = None) -> EventContext:
    return event_context(TENANT, now=NOW, branch_id=branch_id, event_id=event_id)


def _delivery(mailer: FakeMailer | None = None, pdfs: FakePdfs | None = None) -> use_cases.Delivery:
    return use_cases.Delivery(
        mailer=mailer or FakeMailer(),
        pdfs=pdfs or FakePdfs(),
        links=FakeLinks(),
        policy=POLICY,
        message_id_domain="notifications.test",
    )


async def _send(uow: Any, delivery: use_cases.Delivery, now: datetime = NOW):
    return await use_cases.send_next_notice(uow=uow, delivery=delivery, now=now)


@pytest.mark.parametrize("receipt_first", [False, True])
async def test_return_and_receipt_in_either_order_send_one_email_with_the_thai_pdf(
    uow: FakeUow, receipt_first: bool
) -> None:
    steps = [
        lambda: use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered()),
        lambda: use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned()),
    ]
    for step in steps if receipt_first else reversed(steps):
        await step()
    mailer, pdfs = FakeMailer(), FakePdfs()

    sent = await _send(uow, _delivery(mailer, pdfs))
    again = await _send(uow, _delivery(mailer, pdfs), NOW + timedelta(days=1))

    assert sent is not None
    assert sent.status is NoticeStatus.SENT
    assert again is None
    [email] = mailer.sent
    assert email.subject == "คืนเงินมัดจำ DEP-2026-0001 แล้ว"
    assert email.recipients == ("somchai@example.com",)
    assert email.message_id == f"<{sent.id.hex}.notice@notifications.test>"
    assert email.sender_name == "บริษัท สยามทูลเรนทัล จำกัด"
    assert email.reply_to == "billing@siamtools.example"
    [attachment] = email.attachments
    assert attachment.filename == "DEPRR-2026-0001.pdf"
    assert attachment.content.startswith(b"%PDF")
    [request] = pdfs.requests
    assert request["language"] == "th"
    assert request["version"] == 1
    assert request["document_id"] == document_id(
        TENANT, DocumentKind.DEPOSIT_RETURN_RECEIPT, "DEPRR-2026-0001"
    )
    assert (sent.language, sent.recipients, sent.message_id) == (
        "th",
        ("somchai@example.com",),
        email.message_id,
    )


async def test_a_redelivered_return_opens_no_second_notice(uow: FakeUow) -> None:
    first = await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned())
    second = await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned())

    assert first is not None
    assert second is None
    assert len(uow.notices.rows) == 1


async def test_only_the_first_issued_version_releases_the_notice(uow: FakeUow) -> None:
    await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned())
    await use_cases.record_document_rendered(
        uow=uow, event=_event(), fact=_rendered(version=2, status="void")
    )

    assert await _send(uow, _delivery()) is None
    [notice] = uow.notices.rows.values()
    assert notice.status is NoticeStatus.WAITING_FOR_DOCUMENT


async def test_a_relay_failure_is_retried_with_backoff_then_sent(uow: FakeUow) -> None:
    await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered())
    await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned())
    mailer = FakeMailer(failures=1)

    failed = await _send(uow, _delivery(mailer))
    too_early = await _send(uow, _delivery(mailer), NOW + timedelta(seconds=9))
    retried = await _send(uow, _delivery(mailer), NOW + timedelta(seconds=10))

    assert failed is not None
    assert (failed.status, failed.attempts) == (NoticeStatus.PENDING, 1)
    assert "ConnectionRefusedError" in (failed.last_error or "")
    assert too_early is None
    assert retried is not None
    assert (retried.status, retried.attempts) == (NoticeStatus.SENT, 2)
    assert len(mailer.sent) == 1


async def test_after_the_last_attempt_the_notice_fails_and_staff_are_alerted(uow: FakeUow) -> None:
    await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered())
    await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned())
    mailer = FakeMailer(failures=POLICY.max_attempts)

    later = NOW
    for _ in range(POLICY.max_attempts):
        notice = await _send(uow, _delivery(mailer), later)
        later += timedelta(hours=1)

    assert notice is not None
    assert notice.status is NoticeStatus.FAILED
    [alert] = uow.alerts.rows.values()
    assert alert.kind is AlertKind.NOTICE_FAILED
    assert alert.title == "Could not email DEPRR-2026-0001 to สมชาย ใจดี"
    assert alert.branch_id == "bkk"
    # The alert itself goes to the billing staff.
    staff_email = await _send(uow, _delivery(mailer := FakeMailer()), later)
    assert staff_email is not None
    assert staff_email.kind is NoticeKind.STAFF_ALERT
    assert mailer.sent[0].recipients == ("billing@siamtools.example", "ops@siamtools.example")
    assert mailer.sent[0].subject == alert.title


@pytest.mark.parametrize("email", ["", "   ", "not an address", "a@b.co\nBcc: x@y.z", "a@b.co\n"])
async def test_a_customer_without_a_usable_email_is_skipped(uow: FakeUow, email: str) -> None:
    uow.reference.customers[(TENANT, "c-1")] = Customer("c-1", "Somchai", email, "en")
    await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered())
    notice = await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned())
    mailer = FakeMailer()

    assert notice is not None
    assert notice.status is NoticeStatus.SKIPPED
    assert await _send(uow, _delivery(mailer)) is None
    assert mailer.sent == []


async def test_an_address_removed_before_sending_skips_at_send_time(uow: FakeUow) -> None:
    await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned())
    uow.reference.customers[(TENANT, "c-1")] = Customer("c-1", "Somchai", "", "en")
    await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered())
    mailer = FakeMailer()

    notice = await _send(uow, _delivery(mailer))

    assert notice is not None
    assert notice.status is NoticeStatus.SKIPPED
    assert mailer.sent == []


async def test_a_return_voided_before_its_email_is_never_announced(uow: FakeUow) -> None:
    fact = _returned()
    await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=fact)
    voided = DepositReturnVoided(
        deposit_id=fact.deposit_id,
        deposit_number=fact.deposit_number,
        customer_id="c-1",
        status="held",
        return_id=fact.return_id,
        receipt_number=fact.receipt_number,
        reason="wrong amount",
        voided_at=NOW,
        voided_by=STAFF,
    )
    assert await use_cases.cancel_voided_return_notice(uow=uow, event=_event(), fact=voided)
    await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered())

    assert await _send(uow, _delivery()) is None
    [notice] = uow.notices.rows.values()
    assert notice.status is NoticeStatus.CANCELLED


async def test_an_alert_is_raised_and_emailed_once_per_source_event(uow: FakeUow) -> None:
    event_id = uuid4()
    fact = EventDeadLettered(
        consumer="billing.deposits",
        original_topic="mudjam.deposits.v1",
        partition=0,
        offset=7,
        original_event_id=None,
        original_event_type=None,
        error="ValidationError: not json",
        original_message="{",
    )
    for _ in range(2):
        await use_cases.alert_dead_lettered(
            uow=uow, event=_event(branch_id=None, event_id=event_id), fact=fact
        )
    mailer = FakeMailer()
    while await _send(uow, _delivery(mailer)):
        pass

    [alert] = uow.alerts.rows.values()
    assert alert.title == "An event could not be processed by billing.deposits"
    [email] = mailer.sent
    assert email.subject == alert.title
    assert "An unreadable message" in email.body


async def test_an_alert_for_a_business_without_billing_emails_is_only_in_the_inbox(uow: FakeUow) -> None:
    uow.reference.tenants[TENANT] = Tenant(TENANT, business_name_en="X")
    fact = EventDeadLettered(
        consumer="c",
        original_topic="t",
        partition=0,
        offset=1,
        original_event_id=None,
        original_event_type=None,
        error="e",
        original_message="m",
    )
    alert = await use_cases.alert_dead_lettered(uow=uow, event=_event(branch_id=None), fact=fact)

    assert alert is not None
    assert uow.notices.rows == {}


async def test_an_alert_raised_before_the_business_settings_is_emailed_once_they_arrive(uow: FakeUow) -> None:
    settings = uow.reference.tenants.pop(TENANT)
    fact = EventDeadLettered(
        consumer="c",
        original_topic="t",
        partition=0,
        offset=1,
        original_event_id=None,
        original_event_type=None,
        error="e",
        original_message="m",
    )
    await use_cases.alert_dead_lettered(uow=uow, event=_event(branch_id=None), fact=fact)
    mailer = FakeMailer()

    waiting = await _send(uow, _delivery(mailer))
    uow.reference.tenants[TENANT] = settings
    sent = await _send(uow, _delivery(mailer), now=NOW + POLICY.first_delay)

    assert waiting is not None
    assert waiting.attempts == 1
    assert "have not arrived yet" in (waiting.last_error or "")
    assert sent is not None
    assert sent.status is NoticeStatus.SENT
    [email] = mailer.sent
    assert email.recipients == ("billing@siamtools.example", "ops@siamtools.example")


async def test_a_customer_email_waits_for_the_business_settings_rather_than_going_out_unsigned(
    uow: FakeUow,
) -> None:
    settings = uow.reference.tenants.pop(TENANT)
    await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned())
    await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered())
    mailer = FakeMailer()

    await _send(uow, _delivery(mailer))
    assert mailer.sent == []
    uow.reference.tenants[TENANT] = settings
    await _send(uow, _delivery(mailer), now=NOW + POLICY.first_delay)

    [email] = mailer.sent
    assert email.sender_name == "บริษัท สยามทูลเรนทัล จำกัด"
