"""The notice state machine: waiting_for_document → pending → sent | failed, skipped, cancelled."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from services.notifications.domain import (
    Alert,
    AlertKind,
    AlertText,
    ChargeLine,
    DamageFacts,
    DocumentRef,
    Notice,
    NoticeKind,
    NoticeNotOpen,
    NoticeStatus,
    Retention,
    RetryPolicy,
    ReturnFacts,
    message_id_of,
)
from shared.contracts.documents import DocumentKind

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, first_delay=timedelta(seconds=30), max_delay=timedelta(minutes=1))
FACTS = ReturnFacts(
    deposit_id=uuid4(),
    deposit_number="DEP-2026-0001",
    receipt_number="DEPRR-2026-0001",
    kind="full",
    held_amount=Decimal("20000.00"),
    returned_amount=Decimal("20000.00"),
    retained_amount=Decimal("0.00"),
    reason="",
    method="cash",
    reference="Cash, in person",
    returned_on=date(2026, 3, 12),
)


DEPRR = DocumentRef(DocumentKind.DEPOSIT_RETURN_RECEIPT, "DEPRR-2026-0001")
DAMAGE = DamageFacts(
    tax_invoice_number="TI-2026-0003",
    issue_date=date(2026, 3, 14),
    job_id="J-1001",
    damage_invoice_numbers=("INV-2026-0050",),
    retentions=(Retention("DEP-2026-0001", "DEPRR-2026-0001", Decimal("20000.00")),),
    lines=(ChargeLine("Engine repair", Decimal("46728.97")),),
    amount_before_vat=Decimal("46728.97"),
    vat_rate=Decimal("0.07"),
    vat_amount=Decimal("3271.03"),
    total=Decimal("50000.00"),
)


def _notice(document_id=None) -> Notice:
    return Notice.deposit_returned(
        id=uuid4(),
        tenant_id="t-1",
        branch_id="bkk",
        customer_id="c-1",
        facts=FACTS,
        document_id=document_id,
        now=NOW,
    )


def _sent(notice: Notice) -> None:
    notice.mark_sent(
        message_id=message_id_of(notice.id, "example"),
        recipients=("a@example.com",),
        language="th",
        subject="s",
        now=NOW,
    )


def test_a_notice_waits_for_its_receipt_then_becomes_due() -> None:
    notice = _notice()
    assert notice.status is NoticeStatus.WAITING_FOR_DOCUMENT
    assert notice.next_attempt_at is None

    document_id = uuid4()
    notice.attach(DEPRR, document_id, NOW)

    assert notice.status is NoticeStatus.PENDING
    assert notice.document_id == document_id
    assert notice.next_attempt_at == NOW


def test_a_receipt_rendered_first_makes_the_notice_due_at_once() -> None:
    assert _notice(document_id=uuid4()).status is NoticeStatus.PENDING


def test_a_notice_cannot_be_sent_before_its_receipt_exists() -> None:
    with pytest.raises(NoticeNotOpen):
        _sent(_notice())


def test_sent_records_the_message_and_cannot_be_sent_again() -> None:
    notice = _notice(document_id=uuid4())
    _sent(notice)

    assert notice.status is NoticeStatus.SENT
    assert notice.sent_at == NOW
    assert notice.attempts == 1
    assert notice.message_id == f"<{notice.id.hex}.notice@example>"
    with pytest.raises(NoticeNotOpen):
        _sent(notice)
    with pytest.raises(NoticeNotOpen):
        notice.attach(DEPRR, uuid4(), NOW)


def test_failures_back_off_exponentially_up_to_the_ceiling_then_give_up() -> None:
    notice = _notice(document_id=uuid4())
    delays = []
    for _ in range(3):
        assert notice.record_failure("relay down", policy=POLICY, now=NOW) is False
        assert notice.next_attempt_at is not None
        delays.append(notice.next_attempt_at - NOW)

    assert delays == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=60)]
    assert notice.status is NoticeStatus.PENDING
    assert notice.record_failure("relay down", policy=POLICY, now=NOW) is True
    assert notice.status is NoticeStatus.FAILED
    assert notice.attempts == 4
    assert notice.last_error == "relay down"
    assert notice.next_attempt_at is None


def test_a_retry_that_succeeds_clears_the_error() -> None:
    notice = _notice(document_id=uuid4())
    notice.record_failure("timeout", policy=POLICY, now=NOW)
    _sent(notice)

    assert (notice.status, notice.attempts, notice.last_error) == (NoticeStatus.SENT, 2, None)


def test_no_address_skips_and_a_voided_return_cancels_only_unsent_notices() -> None:
    skipped = _notice()
    skipped.skip("no email")
    waiting = _notice()
    sent = _notice(document_id=uuid4())
    _sent(sent)

    assert skipped.status is NoticeStatus.SKIPPED
    assert waiting.cancel("voided") is True
    assert waiting.status is NoticeStatus.CANCELLED
    assert sent.cancel("voided") is False
    assert sent.status is NoticeStatus.SENT


def test_an_alert_is_read_once() -> None:
    alert = Alert.of(
        AlertText(AlertKind.EVENT_DEAD_LETTERED, "title", "body", None),
        id=uuid4(),
        tenant_id="t-1",
        branch_id=None,
        source_event_id=uuid4(),
        now=NOW,
    )
    alert.mark_read(NOW)
    alert.mark_read(NOW + timedelta(hours=1))

    assert alert.read_at == NOW


def test_an_alert_email_is_due_at_once() -> None:
    alert = Alert.of(
        AlertText(AlertKind.EVENT_DEAD_LETTERED, "t", "b", None),
        id=uuid4(),
        tenant_id="t-1",
        branch_id="bkk",
        source_event_id=uuid4(),
        now=NOW,
    )
    notice = Notice.staff_alert(id=uuid4(), alert=alert, now=NOW)

    assert (notice.status, notice.next_attempt_at, notice.alert_id) == (NoticeStatus.PENDING, NOW, alert.id)


def _bundle(rendered: dict[DocumentRef, object] | None = None) -> Notice:
    return Notice.to_customer(
        id=uuid4(),
        tenant_id="t-1",
        branch_id="bkk",
        kind=NoticeKind.DAMAGE_CHARGES,
        customer_id="c-1",
        number="TI-2026-0003",
        facts=DAMAGE,
        rendered=rendered or {},  # type: ignore[arg-type]
        now=NOW,
    )


def test_a_damage_notice_attaches_the_damage_invoice_the_tax_invoice_and_the_deprr_in_that_order() -> None:
    assert [(d.kind, d.number) for d in _bundle().documents] == [
        (DocumentKind.INVOICE, "INV-2026-0050"),
        (DocumentKind.TAX_INVOICE, "TI-2026-0003"),
        (DocumentKind.DEPOSIT_RETURN_RECEIPT, "DEPRR-2026-0001"),
    ]


def test_a_damage_notice_waits_for_every_document_then_becomes_due() -> None:
    notice = _bundle(rendered={DEPRR: uuid4()})  # the DEPRR was rendered long before
    invoice, tax_invoice = (
        DocumentRef(DocumentKind.INVOICE, "INV-2026-0050"),
        DocumentRef(DocumentKind.TAX_INVOICE, "TI-2026-0003"),
    )
    assert notice.missing_documents == (invoice, tax_invoice)

    assert notice.attach(tax_invoice, ti_id := uuid4(), NOW) is True
    assert notice.status is NoticeStatus.WAITING_FOR_DOCUMENT
    assert notice.document_id == ti_id  # the document the notice is about
    assert notice.attach(tax_invoice, uuid4(), NOW) is False  # a second announcement changes nothing
    assert notice.document_id == ti_id

    assert notice.attach(invoice, uuid4(), NOW + timedelta(minutes=1)) is True
    assert notice.status is NoticeStatus.PENDING
    assert notice.next_attempt_at == NOW + timedelta(minutes=1)
    assert notice.missing_documents == ()


def test_a_document_the_notice_does_not_attach_changes_nothing() -> None:
    notice = _bundle()

    assert notice.attach(DocumentRef(DocumentKind.RECEIPT, "TI-2026-0003"), uuid4(), NOW) is False
    assert len(notice.missing_documents) == 3
