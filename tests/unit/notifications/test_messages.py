"""What the customer reads: the "deposit returned" email in their language."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

from services.notifications.domain import AlertKind, Customer, ReturnFacts, Tenant
from services.notifications.messages import (
    dead_letter_alert,
    deposit_returned_email,
    language_of,
    render_failed_alert,
    return_overdue_alert,
)

TENANT = Tenant(
    tenant_id="t-1",
    business_name_en="Siam Tool Rentals Co., Ltd.",
    business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
    phone="02-123-4567",
    email="billing@siamtools.example",
)


def _facts(kind: str = "partial", returned: str = "15000", reason: str = "ไส้กรองแตก") -> ReturnFacts:
    held = Decimal("20000.00")
    return ReturnFacts(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0001",
        receipt_number="DEPRR-2026-0001",
        kind=kind,
        held_amount=held,
        returned_amount=Decimal(returned),
        retained_amount=held - Decimal(returned),
        reason=reason,
        method=None if kind == "forfeit" else "bank_transfer",
        reference="" if kind == "forfeit" else "KBANK-5521",
        returned_on=date(2026, 3, 12),
    )


def _customer(language: str) -> Customer:
    return Customer("c-1", "สมชาย ใจดี", "somchai@example.com", language)


def test_thai_partial_return_is_all_in_thai_with_amounts_reason_and_refund_details() -> None:
    email = deposit_returned_email(_facts(), customer=_customer("th"), tenant=TENANT, language="th")

    assert email.subject == "คืนเงินมัดจำ DEP-2026-0001 แล้ว"
    assert "เรียน สมชาย ใจดี" in email.body
    assert "ยอดเงินที่คืน: ฿15,000.00 (หนึ่งหมื่นห้าพันบาทถ้วน)" in email.body
    assert "ยอดเงินที่หักไว้: ฿5,000.00 (ห้าพันบาทถ้วน)" in email.body
    assert "เหตุผล: ไส้กรองแตก" in email.body
    assert "วิธีคืนเงิน: โอนเงินผ่านธนาคาร" in email.body
    assert "KBANK-5521" in email.body
    assert "12 มีนาคม 2569" in email.body  # Buddhist Era
    assert "DEPRR-2026-0001" in email.body
    assert "บริษัท สยามทูลเรนทัล จำกัด" in email.body
    assert "02-123-4567" in email.body
    assert "Siam Tool Rentals" not in email.body


def test_english_full_return_states_the_refund_and_no_deduction() -> None:
    facts = _facts(kind="full", returned="20000", reason="")
    email = deposit_returned_email(facts, customer=_customer("en"), tenant=TENANT, language="en")

    assert email.subject == "Your deposit DEP-2026-0001 has been returned"
    assert "Amount returned: ฿20,000.00" in email.body
    assert "retained" not in email.body
    assert "Refund method: Bank transfer" in email.body
    assert "Refund reference: KBANK-5521" in email.body
    assert "12 March 2026" in email.body
    assert "Siam Tool Rentals Co., Ltd." in email.body
    assert "billing@siamtools.example" in email.body


def test_forfeit_says_nothing_is_refunded_and_why() -> None:
    facts = _facts(kind="forfeit", returned="0", reason="Engine seized; repair exceeds the deposit")
    email = deposit_returned_email(facts, customer=_customer("en"), tenant=TENANT, language="en")

    assert email.subject == "Your deposit DEP-2026-0001 has been forfeited"
    assert "Amount returned: ฿0.00" in email.body
    assert "Amount retained: ฿20,000.00" in email.body
    assert "Reason: Engine seized; repair exceeds the deposit" in email.body
    assert "Refund method" not in email.body


def test_thai_forfeit_subject() -> None:
    facts = _facts(kind="forfeit", returned="0", reason="เครื่องยนต์เสียหาย")
    email = deposit_returned_email(facts, customer=_customer("th"), tenant=TENANT, language="th")

    assert email.subject == "แจ้งการริบเงินมัดจำ DEP-2026-0001"
    assert "ยอดเงินที่หักไว้: ฿20,000.00 (สองหมื่นบาทถ้วน)" in email.body


def test_language_is_the_customers_else_the_business_default() -> None:
    assert language_of("en", TENANT) == "en"
    assert language_of("th", TENANT) == "th"
    assert language_of(None, Tenant("t", default_language="en")) == "en"
    assert language_of("fr", None) == "th"


def test_staff_alert_texts_name_what_went_wrong() -> None:
    overdue = return_overdue_alert(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0007",
        job_closed_on=date(2026, 3, 2),
        due_on=date(2026, 3, 9),
        held_amount=Decimal("20000"),
    )
    failed = render_failed_alert(
        document_id=uuid4(),
        kind="deposit_return_receipt",
        number="DEPRR-2026-0003",
        version=1,
        attempts=5,
        error="font missing",
    )
    dead = dead_letter_alert(
        consumer="billing.deposits",
        original_topic="mudjam.deposits.v1",
        partition=2,
        offset=41,
        original_event_id="e-1",
        original_event_type="deposit.returned.v1",
        error="ValidationError",
    )

    assert overdue.kind is AlertKind.DEPOSIT_RETURN_OVERDUE
    assert overdue.title == "Deposit DEP-2026-0007 return overdue — due 9 March 2026"
    assert "฿20,000.00" in overdue.body
    assert failed.title == "Could not render DEPRR-2026-0003"
    assert "Deposit Return Receipt" in failed.body
    assert "font missing" in failed.body
    assert dead.title == "An event could not be processed by billing.deposits"
    assert "deposit.returned.v1" in dead.body
    assert "offset 41" in dead.body


def test_a_dead_letter_alert_is_true_whether_the_event_was_retried_or_refused_at_once() -> None:
    """An unprocessable event is dead-lettered at once, without retries; the contract does not say
    which happened, so the text claims neither."""
    dead = dead_letter_alert(
        consumer="portal",
        original_topic="mudjam.documents.v1",
        partition=0,
        offset=3,
        original_event_id="e-2",
        original_event_type="document.rendered.v1",
        error="UnprocessableEvent: the file is not a PDF",
    )

    assert "retries" not in dead.body
    assert "could not be applied and was moved to the dead-letter topic" in dead.body
    assert "Reason: UnprocessableEvent: the file is not a PDF" in dead.body
