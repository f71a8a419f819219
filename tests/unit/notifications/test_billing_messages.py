"""What customers and staff read about billing: receipt emails (RC, PREREC) and the damage email in
the customer's language, and the staff alerts (reported payments, duplicate slips, retained
deposits to invoice, overdue invoices)."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

from services.notifications.domain import (
    AlertKind,
    ChargeLine,
    Customer,
    DamageFacts,
    PaymentFacts,
    Retention,
    Tenant,
)
from services.notifications.messages import (
    damage_charges_email,
    duplicate_slip_alert,
    invoice_overdue_alert,
    payment_receipt_email,
    payment_reported_alert,
    retained_deposit_alert,
)
from shared.contracts.slips import signed_slip_link, slip_link_tenant

SECRET = "a test secret of at least 32 bytes"
TENANT = Tenant(
    tenant_id="t-1",
    business_name_en="Siam Tool Rentals Co., Ltd.",
    business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
    phone="02-123-4567",
    email="billing@siamtools.example",
)
RC = PaymentFacts(
    receipt_number="RC-2026-0001",
    prepayment=False,
    amount=Decimal("50000.00"),
    method="bank_transfer",
    reference="KBANK-1234",
    paid_on=date(2026, 3, 12),
    invoice_number="INV-2026-0042",
    balance=Decimal("57000.00"),
)
PREREC = PaymentFacts(
    receipt_number="PREREC-2026-0001",
    prepayment=True,
    amount=Decimal("50000.00"),
    method="promptpay",
    reference="PP-20260312-77",
    paid_on=date(2026, 3, 2),
    job_id="J-1001",
    vat_amount=Decimal("3271.03"),
)
DAMAGE = DamageFacts(
    tax_invoice_number="TI-2026-0003",
    issue_date=date(2026, 3, 14),
    job_id="J-1001",
    damage_invoice_numbers=("INV-2026-0050",),
    retentions=(Retention("DEP-2026-0001", "DEPRR-2026-0001", Decimal("20000.00")),),
    lines=(
        ChargeLine("Forfeited deposit DEP-2026-0001", Decimal("18691.59")),
        ChargeLine("Engine repair above the deposit", Decimal("28037.38")),
    ),
    amount_before_vat=Decimal("46728.97"),
    vat_rate=Decimal("0.07"),
    vat_amount=Decimal("3271.03"),
    total=Decimal("50000.00"),
)


# The portal links the sender asked for, by invoice number.
LINKS = {
    "INV-2026-0042": "https://portal.example/l/tok-42",
    "INV-2026-0050": "https://portal.example/l/tok-50",
    "INV-2026-0051": "https://portal.example/l/tok-51",
}


def _customer(language: str) -> Customer:
    return Customer("c-1", "สมชาย ใจดี", "somchai@example.com", language)


# Receipts ----------------------------------------------------------------------------------------


def test_a_thai_rc_email_names_the_receipt_amount_method_reference_and_invoice_in_thai() -> None:
    email = payment_receipt_email(RC, customer=_customer("th"), tenant=TENANT, language="th")

    assert email.subject == "ใบเสร็จรับเงิน RC-2026-0001: ได้รับชำระ ฿50,000.00 สำหรับใบแจ้งหนี้ INV-2026-0042"
    assert "เรียน สมชาย ใจดี" in email.body
    assert "จำนวนเงินที่ได้รับ: ฿50,000.00 (ห้าหมื่นบาทถ้วน)" in email.body
    assert "วิธีชำระเงิน: โอนเงินผ่านธนาคาร" in email.body
    assert "เลขที่อ้างอิงการชำระเงิน: KBANK-1234" in email.body
    assert "ใบแจ้งหนี้: INV-2026-0042" in email.body
    assert "วันที่ชำระ: 12 มีนาคม 2569" in email.body  # Buddhist Era
    assert "ยอดคงค้าง: ฿57,000.00 (ห้าหมื่นเจ็ดพันบาทถ้วน)" in email.body
    assert "แนบใบเสร็จรับเงิน RC-2026-0001" in email.body
    assert "02-123-4567" in email.body
    assert "Siam Tool Rentals" not in email.body
    assert "Receipt" not in email.body


def test_an_english_rc_email_that_settles_the_invoice_says_it_is_paid_in_full() -> None:
    facts = PaymentFacts(**{**RC.__dict__, "balance": Decimal("0.00")})
    email = payment_receipt_email(facts, customer=_customer("en"), tenant=TENANT, language="en")

    assert email.subject == "Receipt RC-2026-0001: ฿50,000.00 received for invoice INV-2026-0042"
    assert "Payment method: Bank transfer" in email.body
    assert "Payment reference: KBANK-1234" in email.body
    assert "Date paid: 12 March 2026" in email.body
    assert "Invoice INV-2026-0042 is now paid in full." in email.body
    assert "Balance still due" not in email.body
    assert "Your Receipt RC-2026-0001 is attached." in email.body
    assert "Thank you for renting with Siam Tool Rentals Co., Ltd.\n" in email.body


def test_a_prerec_email_names_the_job_the_vat_included_and_says_it_reduces_the_final_invoice() -> None:
    thai = payment_receipt_email(PREREC, customer=_customer("th"), tenant=TENANT, language="th")
    english = payment_receipt_email(PREREC, customer=_customer("en"), tenant=TENANT, language="en")

    assert thai.subject == "ใบเสร็จรับเงินล่วงหน้า PREREC-2026-0001: ได้รับชำระ ฿50,000.00 สำหรับงาน J-1001"
    assert "วิธีชำระเงิน: พร้อมเพย์" in thai.body
    assert "PP-20260312-77" in thai.body
    assert "งาน: J-1001" in thai.body
    assert "รวมภาษีมูลค่าเพิ่ม: ฿3,271.03" in thai.body
    assert "หักออกจากยอดที่ต้องชำระ" in thai.body
    assert "2 มีนาคม 2569" in thai.body
    assert english.subject == "Pre-payment receipt PREREC-2026-0001: ฿50,000.00 received for job J-1001"
    assert "Payment method: PromptPay" in english.body
    assert "Payment reference: PP-20260312-77" in english.body
    assert "VAT included: ฿3,271.03" in english.body
    assert "deducted from the balance due" in english.body
    assert "Your Pre-payment Receipt PREREC-2026-0001 is attached." in english.body


def test_an_rc_email_links_the_invoice_it_pays_right_below_the_balance() -> None:
    english = payment_receipt_email(
        RC, customer=_customer("en"), tenant=TENANT, language="en", invoice_links=LINKS
    )
    thai = payment_receipt_email(
        RC, customer=_customer("th"), tenant=TENANT, language="th", invoice_links=LINKS
    )

    assert (
        "Balance still due: ฿57,000.00\nView invoice INV-2026-0042: https://portal.example/l/tok-42\n"
        in english.body
    )
    assert (
        "ยอดคงค้าง: ฿57,000.00 (ห้าหมื่นเจ็ดพันบาทถ้วน)\nดูใบแจ้งหนี้ INV-2026-0042 : https://portal.example/l/tok-42\n"
        in thai.body
    )
    assert "tok-50" not in english.body  # only the invoice this receipt pays


def test_an_rc_that_settles_the_invoice_still_links_it() -> None:
    paid = replace(RC, balance=Decimal("0.00"))

    email = payment_receipt_email(
        paid, customer=_customer("en"), tenant=TENANT, language="en", invoice_links=LINKS
    )

    assert (
        "Invoice INV-2026-0042 is now paid in full.\nView invoice INV-2026-0042: https://portal.example/l/tok-42"
        in email.body
    )


def test_a_receipt_email_without_a_link_for_its_invoice_has_no_view_line() -> None:
    english = payment_receipt_email(RC, customer=_customer("en"), tenant=TENANT, language="en")
    thai = payment_receipt_email(RC, customer=_customer("th"), tenant=TENANT, language="th")

    assert "View invoice" not in english.body
    assert "ดูใบแจ้งหนี้" not in thai.body


def test_a_prerec_email_links_no_invoice() -> None:
    for language in ("en", "th"):
        email = payment_receipt_email(
            PREREC, customer=_customer(language), tenant=TENANT, language=language, invoice_links=LINKS
        )

        assert "portal.example" not in email.body
        assert "View invoice" not in email.body
        assert "ดูใบแจ้งหนี้" not in email.body


# Damage beyond the deposit -----------------------------------------------------------------------


def test_the_damage_email_in_english_lists_the_retention_the_damage_invoice_the_tax_and_the_attachments() -> (
    None
):
    email = damage_charges_email(DAMAGE, customer=_customer("en"), tenant=TENANT, language="en")

    assert email.subject == "Damage charges: invoice INV-2026-0050 and tax invoice TI-2026-0003"
    assert "job J-1001" in email.body
    assert "14 March 2026" in email.body
    assert (
        "Retained from deposit DEP-2026-0001 (Deposit Return Receipt DEPRR-2026-0001): ฿20,000.00"
        in email.body
    )
    assert "Damage invoice INV-2026-0050" in email.body
    assert "- Engine repair above the deposit: ฿28,037.38" in email.body
    assert "Amount before VAT: ฿46,728.97" in email.body
    assert "VAT 7%: ฿3,271.03" in email.body
    assert "Total: ฿50,000.00" in email.body
    assert "Attached: INV-2026-0050.pdf, TI-2026-0003.pdf, DEPRR-2026-0001.pdf." in email.body


def test_the_damage_email_in_thai_is_all_in_thai() -> None:
    email = damage_charges_email(DAMAGE, customer=_customer("th"), tenant=TENANT, language="th")

    assert email.subject == "ค่าเสียหาย: ใบแจ้งหนี้ INV-2026-0050 และใบกำกับภาษี TI-2026-0003"
    assert "หักจากเงินมัดจำ DEP-2026-0001 (ใบคืนเงินมัดจำ DEPRR-2026-0001): ฿20,000.00 (สองหมื่นบาทถ้วน)" in email.body
    assert "ใบแจ้งหนี้ค่าเสียหาย INV-2026-0050" in email.body
    assert "ภาษีมูลค่าเพิ่ม 7%: ฿3,271.03" in email.body
    assert "รวมทั้งสิ้น: ฿50,000.00 (ห้าหมื่นบาทถ้วน)" in email.body
    assert "14 มีนาคม 2569" in email.body
    assert "Retained" not in email.body
    assert "Siam Tool Rentals" not in email.body


def test_a_tax_invoice_on_a_partial_return_alone_is_about_the_retained_amount() -> None:
    facts = DamageFacts(**{**DAMAGE.__dict__, "damage_invoice_numbers": (), "job_id": None})

    english = damage_charges_email(facts, customer=_customer("en"), tenant=TENANT, language="en")
    thai = damage_charges_email(facts, customer=_customer("th"), tenant=TENANT, language="th")

    assert (
        english.subject == "Tax invoice TI-2026-0003 for the amount retained from your deposit DEP-2026-0001"
    )
    assert "Damage invoice" not in english.body
    assert "Attached: TI-2026-0003.pdf, DEPRR-2026-0001.pdf." in english.body
    assert thai.subject == "ใบกำกับภาษี TI-2026-0003 สำหรับยอดที่หักจากเงินมัดจำ DEP-2026-0001"


def test_the_damage_email_links_each_damage_invoice_below_its_line() -> None:
    facts = replace(DAMAGE, damage_invoice_numbers=("INV-2026-0050", "INV-2026-0051"))

    english = damage_charges_email(
        facts, customer=_customer("en"), tenant=TENANT, language="en", invoice_links=LINKS
    )
    thai = damage_charges_email(
        facts, customer=_customer("th"), tenant=TENANT, language="th", invoice_links=LINKS
    )

    for number in ("INV-2026-0050", "INV-2026-0051"):
        url = LINKS[number]
        assert (
            f"Damage invoice {number}: the amount above the deposit. Please pay it by the due date shown "
            f"on the invoice.\nView invoice {number}: {url}\n" in english.body
        )
        assert f"ใบแจ้งหนี้ค่าเสียหาย {number}: " in thai.body
        assert f"\nดูใบแจ้งหนี้ {number} : {url}\n" in thai.body
    assert "tok-42" not in english.body


def test_a_damage_email_on_a_retention_alone_links_no_invoice() -> None:
    facts = replace(DAMAGE, damage_invoice_numbers=())

    email = damage_charges_email(
        facts, customer=_customer("en"), tenant=TENANT, language="en", invoice_links=LINKS
    )

    assert "View invoice" not in email.body


# Staff alerts ------------------------------------------------------------------------------------


def test_a_reported_payment_alert_names_the_invoice_amount_customer_and_links_the_slip() -> None:
    slip_id = uuid4()
    url = signed_slip_link(
        "https://portal.example/", slip_id, tenant_id="t-1", secret=SECRET, issuer="mudjam"
    )
    alert = payment_reported_alert(
        invoice_id=uuid4(),
        invoice_number="INV-2026-0042",
        customer_name="Somchai Jaidee",
        amount=Decimal("107000.00"),
        reported_at=datetime(2026, 3, 12, 7, 5, tzinfo=UTC),
        timezone="Asia/Bangkok",
        slip_url=url,
        slip_reference="0046000600000101030060217",
    )

    base, token = url.split("?token=")
    assert base == f"https://portal.example/v1/slips/{slip_id}"
    assert slip_link_tenant(token, slip_id, secret=SECRET, issuer="mudjam") == "t-1"
    assert alert.kind is AlertKind.PAYMENT_REPORTED
    assert alert.title == "Customer reported payment for INV-2026-0042"
    assert "Somchai Jaidee reported paying ฿107,000.00 for INV-2026-0042" in alert.body
    assert "12 March 2026 at 14:05 (Bangkok time)" in alert.body
    assert f"Slip: {url}" in alert.body
    assert "0046000600000101030060217" in alert.body
    assert alert.link == url


def test_a_reported_payment_without_a_slip_says_so() -> None:
    invoice_id = uuid4()
    alert = payment_reported_alert(
        invoice_id=invoice_id,
        invoice_number="INV-2026-0042",
        customer_name="Somchai",
        amount=Decimal("500.00"),
        reported_at=datetime(2026, 3, 12, 7, 5, tzinfo=UTC),
        timezone="Asia/Bangkok",
        slip_url=None,
        slip_reference=None,
    )

    assert "No slip was attached." in alert.body
    assert alert.link == f"/v1/invoices/{invoice_id}"


def test_a_reported_payment_alert_gives_the_time_on_the_business_s_own_clock() -> None:
    alert = payment_reported_alert(
        invoice_id=uuid4(),
        invoice_number="INV-2026-0042",
        customer_name="Tanaka Hiroshi",
        amount=Decimal("500.00"),
        reported_at=datetime(2026, 3, 12, 17, 30, tzinfo=UTC),
        timezone="Asia/Tokyo",
        slip_url=None,
        slip_reference=None,
    )

    assert "13 March 2026 at 02:30 (Tokyo time)" in alert.body
    assert "Bangkok" not in alert.body


def test_a_duplicate_slip_alert_names_the_other_invoices() -> None:
    alert = duplicate_slip_alert(
        invoice_id=uuid4(),
        invoice_number="INV-2026-0042",
        customer_name="Somchai",
        slip_reference="REF-991",
        other_invoices=["INV-2026-0017", "INV-2026-0019"],
        slip_url="https://portal.example/v1/slips/x",
    )

    assert alert.kind is AlertKind.DUPLICATE_SLIP
    assert alert.title == "Possible duplicate slip on INV-2026-0042"
    assert "INV-2026-0017, INV-2026-0019" in alert.body
    assert "REF-991" in alert.body


def test_a_retained_deposit_asks_for_a_tax_invoice_and_a_forfeit_mentions_the_damage_invoice() -> None:
    partial = retained_deposit_alert(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0001",
        receipt_number="DEPRR-2026-0001",
        kind="partial",
        retained_amount=Decimal("5000.00"),
        reason="cracked filter",
        returned_on=date(2026, 3, 12),
    )
    forfeit = retained_deposit_alert(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0002",
        receipt_number="DEPRR-2026-0002",
        kind="forfeit",
        retained_amount=Decimal("20000.00"),
        reason="engine seized",
        returned_on=date(2026, 3, 12),
    )

    assert partial.kind is AlertKind.TAX_INVOICE_DUE
    assert partial.title == "Issue a tax invoice for ฿5,000.00 retained on DEP-2026-0001"
    assert "cracked filter" in partial.body
    assert "taxable" in partial.body
    assert "damage invoice" not in partial.body
    assert forfeit.title == "Issue a tax invoice for ฿20,000.00 retained on DEP-2026-0002"
    assert "damage invoice for the excess" in forfeit.body


def test_an_overdue_invoice_alert_names_the_balance_and_the_due_date() -> None:
    alert = invoice_overdue_alert(
        invoice_id=uuid4(),
        invoice_number="INV-2026-0042",
        customer_name="Somchai",
        due_date=date(2026, 3, 12),
        balance=Decimal("57000.00"),
    )

    assert alert.kind is AlertKind.INVOICE_OVERDUE
    assert alert.title == "INV-2026-0042 is overdue — ฿57,000.00 due on 12 March 2026"
    assert "Somchai" in alert.body
