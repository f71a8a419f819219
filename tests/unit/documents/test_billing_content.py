"""What billing documents say, in both languages (SPEC §4, §5, §8), before any PDF is made."""

from datetime import date
from decimal import Decimal

from services.documents.content import TAX_INVOICE_HEADING, Part, Sheet, build_sheet
from services.documents.domain import (
    CustomerProfile,
    DocumentFacts,
    InvoicePaymentFacts,
    TenantProfile,
)
from shared.contracts.billing import InvoiceKind
from shared.contracts.deposits import CollectionMethod
from shared.contracts.types import Language
from shared.promptpay import promptpay_payload
from tests.unit.documents import factories


def _sheet(
    facts: DocumentFacts,
    language: Language = "th",
    *,
    version: int = 1,
    tenant: TenantProfile | None = None,
    customer: CustomerProfile | None = None,
) -> Sheet:
    return build_sheet(
        facts=facts,
        version=version,
        branch_id="bkk",
        tenant=tenant or factories.tenant(),
        customer=customer or factories.customer(),
        language=language,
    )


def _rows(part: Part) -> dict[str, str]:
    return {row.label: row.value for row in part.rows} | {a.label: a.value for a in part.amounts}


def _payment(**overrides: object) -> InvoicePaymentFacts:
    values: dict[str, object] = {
        "payment_id": factories.PAYMENT_ID,
        "receipt_number": "RC-2026-0101",
        "amount": Decimal("50000.00"),
        "method": CollectionMethod.PROMPTPAY,
        "reference": "PP-1",
        "paid_on": date(2026, 3, 25),
    }
    return InvoicePaymentFacts(**{**values, **overrides})  # type: ignore[arg-type]


# Invoice -----------------------------------------------------------------------------------------


def test_an_invoice_shows_subtotal_vat_with_its_rate_and_total_in_both_languages() -> None:
    thai, english = _sheet(factories.invoice()).parts

    assert _rows(english)["Subtotal"] == "฿100,000.00"
    assert _rows(english)["VAT 7%"] == "฿7,000.00"
    assert _rows(english)["Total"] == "฿107,000.00"
    assert _rows(english)["Balance due"] == "฿107,000.00"
    assert _rows(thai)["ภาษีมูลค่าเพิ่ม 7%"] == "฿7,000.00"
    assert _rows(thai)["จำนวนเงินรวมทั้งสิ้น"] == "฿107,000.00"
    assert _rows(english)["Issue date"] == "20 March 2026"
    assert _rows(thai)["วันครบกำหนดชำระ"] == "19 เมษายน 2569"


def test_a_vat_rate_set_by_decree_is_printed_as_it_is() -> None:
    english = _sheet(factories.invoice(vat_rate=Decimal("0.075")), "en").parts[0]

    assert "VAT 7.5%" in _rows(english)


def test_the_invoice_items_show_quantity_duration_with_its_unit_rate_and_amount() -> None:
    english_first, thai_first = _sheet(factories.invoice(), "en"), _sheet(factories.invoice(), "th")

    assert english_first.items is not None
    assert [c.label["en"] for c in english_first.items.columns] == [
        "#",
        "Description",
        "Qty",
        "Duration",
        "Rate",
        "Amount",
    ]
    assert english_first.items.rows == (
        ("1", "Excavator 20 t", "1", "14 days", "฿5,000.00", "฿70,000.00"),
        ("2", "Plate compactor", "2", "1 week", "฿15,000.00", "฿30,000.00"),
    )
    assert thai_first.items is not None
    assert [row[3] for row in thai_first.items.rows] == ["14 วัน", "1 สัปดาห์"]


def test_a_prepayment_is_a_line_below_the_totals_that_reduces_the_balance_due() -> None:
    thai, english = _sheet(factories.prepaid_invoice()).parts
    labels = [a.label for a in english.amounts]

    assert labels == ["Subtotal", "VAT 7%", "Total", "PREREC-2026-0007 paid 1 March 2026", "Balance due"]
    assert _rows(english)["PREREC-2026-0007 paid 1 March 2026"] == "−฿50,000.00"
    assert _rows(english)["Balance due"] == "฿57,000.00"
    assert _rows(thai)["PREREC-2026-0007 ชำระเมื่อ 1 มีนาคม 2569"] == "−฿50,000.00"
    assert _rows(thai)["ยอดคงค้างชำระ"] == "฿57,000.00"


def test_the_thai_part_states_the_total_and_the_balance_due_in_words() -> None:
    thai, english = _sheet(factories.prepaid_invoice()).parts

    assert thai.in_words is not None
    assert thai.in_words.value == "หนึ่งแสนเจ็ดพันบาทถ้วน"
    assert [w.value for w in thai.more_in_words] == ["ห้าหมื่นเจ็ดพันบาทถ้วน"]
    assert english.in_words is None
    assert english.more_in_words == ()


def test_an_invoice_with_nothing_paid_states_its_total_in_words_once() -> None:
    thai = _sheet(factories.invoice()).parts[0]

    assert thai.in_words is not None
    assert thai.in_words.value == "หนึ่งแสนเจ็ดพันบาทถ้วน"
    assert thai.more_in_words == ()


def test_the_invoice_qr_is_for_exactly_the_balance_due() -> None:
    sheet = _sheet(factories.prepaid_invoice())

    assert sheet.qr is not None
    assert sheet.qr.payload == promptpay_payload("0812345678", Decimal("57000.00"))
    assert sheet.qr.amount == "฿57,000.00"
    assert sheet.qr.caption["en"] == "Scan to pay the balance with PromptPay"
    assert sheet.stamp is None


def test_a_paid_invoice_has_no_qr_and_is_marked_paid() -> None:
    paid = factories.prepaid_invoice(
        payments=[_payment(amount=Decimal("57000.00"))],
        paid_total=Decimal("107000.00"),
        balance=Decimal("0.00"),
    )

    sheet = _sheet(paid, "en", version=2)

    assert sheet.qr is None
    assert sheet.stamp == "PAID / ชำระแล้ว"
    assert _rows(sheet.parts[0])["Status"] == "Paid"
    assert _rows(sheet.parts[0])["Balance due"] == "฿0.00"


def test_an_invoice_of_a_business_without_promptpay_has_no_qr() -> None:
    assert _sheet(factories.invoice(), tenant=factories.tenant(promptpay_id="")).qr is None


def test_payments_after_sending_are_listed_with_the_new_balance() -> None:
    partly = factories.prepaid_invoice(
        payments=[_payment(amount=Decimal("7000.00"))],
        paid_total=Decimal("57000.00"),
        balance=Decimal("50000.00"),
    )

    sheet = _sheet(partly, "en", version=2)
    english = sheet.parts[0]

    assert [a.label for a in english.amounts][3:] == [
        "PREREC-2026-0007 paid 1 March 2026",
        "RC-2026-0101 paid 25 March 2026",
        "Balance due",
    ]
    assert _rows(english)["RC-2026-0101 paid 25 March 2026"] == "−฿7,000.00"
    assert _rows(english)["Balance due"] == "฿50,000.00"
    assert _rows(english)["Status"] == "Partial"
    assert sheet.qr is not None
    assert sheet.qr.payload == promptpay_payload("0812345678", Decimal("50000.00"))
    assert sheet.version == 2


def test_a_damage_invoice_is_titled_for_damage_and_names_the_forfeited_deposit() -> None:
    damage = factories.invoice(invoice_kind=InvoiceKind.DAMAGE, related_deposit_number="DEP-2026-0011")

    sheet = _sheet(damage, "en")
    english, thai = sheet.parts

    assert sheet.title == {"en": "Invoice for Damage", "th": "ใบแจ้งหนี้ค่าความเสียหาย"}
    assert _rows(english)["Forfeited deposit"] == "DEP-2026-0011"
    assert english.statements == (
        "This invoice charges the damage beyond the forfeited deposit DEP-2026-0011.",
    )
    assert "DEP-2026-0011" in thai.statements[0]


# Receipts ----------------------------------------------------------------------------------------


def test_a_receipt_states_every_item_a_receipt_must_show() -> None:
    company = factories.customer(name="Build Co., Ltd.", tax_id="0105560000001", tax_branch_no="00000")

    sheet = _sheet(factories.payment_receipt(), "en", customer=company)
    english, thai = sheet.parts
    rows = _rows(english)

    assert sheet.title == {"en": "Receipt", "th": "ใบเสร็จรับเงิน"}
    assert rows["Receipt type"] == "Receipt"
    assert rows["No."] == "RC-2026-0101"
    assert rows["Date"] == "25 March 2026"
    assert rows["Reference document"] == "Invoice INV-2026-0042"
    assert rows["Payment method"] == "PromptPay"
    assert rows["Payment reference"] == "PP-20260325-001"
    assert rows["Amount received"] == "฿50,000.00"
    assert rows["Balance after this payment"] == "฿57,000.00"
    assert thai.in_words is not None
    assert thai.in_words.value == "ห้าหมื่นบาทถ้วน"
    assert sheet.business_tax["en"] == "Tax ID 0105556012345 (Head office)"
    assert sheet.customer_tax is not None
    assert sheet.customer_tax["en"] == "Tax ID 0105560000001 (Head office)"
    assert [(s.caption["en"], s.name) for s in sheet.signatures] == [("Received by", "Nok Staff")]
    assert sheet.qr is None


def test_the_receipt_that_settles_an_invoice_says_it_is_paid_in_full() -> None:
    settling = factories.payment_receipt(paid_total=Decimal("107000.00"), balance=Decimal("0.00"))

    english = _sheet(settling, "en").parts[0]

    assert english.statements == ("Invoice INV-2026-0042 is paid in full.",)
    assert _sheet(factories.payment_receipt(), "en").parts[0].statements == ()


def test_a_prepayment_receipt_states_its_job_and_the_vat_included() -> None:
    sheet = _sheet(factories.prepayment_receipt())
    thai, english = sheet.parts
    rows = _rows(english)

    assert sheet.title == {"en": "Pre-payment Receipt", "th": "ใบเสร็จรับเงินล่วงหน้า"}
    assert rows["Receipt type"] == "Pre-payment Receipt"
    assert rows["For job"] == "J-1002"
    assert rows["Amount received"] == "฿53,500.00"
    assert rows["Amount before VAT"] == "฿50,000.00"
    assert rows["VAT 7% included"] == "฿3,500.00"
    assert rows["Payment method"] == "Bank transfer"
    assert rows["Payment reference"] == "KBANK-5501"
    assert english.statements == (
        "Pre-payment for job J-1002, VAT 7% included. It is deducted from the job's final invoice.",
    )
    assert thai.in_words is not None
    assert thai.in_words.value == "ห้าหมื่นสามพันห้าร้อยบาทถ้วน"
    assert _rows(thai)["ประเภทใบเสร็จ"] == "ใบเสร็จรับเงินล่วงหน้า"
    assert [(s.caption["en"], s.name) for s in sheet.signatures] == [("Received by", "Nok Staff")]


# Tax invoice -------------------------------------------------------------------------------------


def test_a_tax_invoice_is_headed_in_thai_and_english_whichever_comes_first() -> None:
    for language in ("th", "en"):
        sheet = _sheet(factories.tax_invoice(), language)  # type: ignore[arg-type]

        assert sheet.heading == TAX_INVOICE_HEADING == "ใบกำกับภาษี / Tax Invoice"
        assert sheet.title == {"en": "Tax Invoice", "th": "ใบกำกับภาษี"}


def test_a_tax_invoice_names_seller_and_buyer_with_tax_ids_and_head_office_or_branch() -> None:
    seller, buyer = _sheet(factories.tax_invoice()).parties

    assert (seller.caption["en"], seller.name) == ("Seller", "บริษัท สยามทูลเรนทัล จำกัด")
    assert seller.tax == {
        "en": "Tax ID 0105556012345 (Head office)",
        "th": "เลขประจำตัวผู้เสียภาษี 0105556012345 (สำนักงานใหญ่)",
    }
    assert (buyer.caption["th"], buyer.name, buyer.address) == (
        "ผู้ซื้อ",
        "บริษัท ก่อสร้างดี จำกัด",
        "12 ถนนสุขุมวิท กรุงเทพฯ 10110",
    )
    assert buyer.tax == {
        "en": "Tax ID 0105560000001 (Branch 00001)",
        "th": "เลขประจำตัวผู้เสียภาษี 0105560000001 (สาขาที่ 00001)",
    }


def test_a_tax_invoice_shows_items_amount_before_vat_vat_and_total_in_words() -> None:
    sheet = _sheet(factories.tax_invoice())
    thai, english = sheet.parts

    assert sheet.items is not None
    assert [c.label["en"] for c in sheet.items.columns] == ["#", "Description", "Qty", "Unit price", "Amount"]
    assert sheet.items.rows[1] == ("2", "Damage beyond the deposit", "1", "฿30,000.00", "฿30,000.00")
    assert _rows(english)["Amount before VAT"] == "฿48,691.59"
    assert _rows(english)["VAT 7%"] == "฿3,408.41"
    assert _rows(english)["Total"] == "฿52,100.00"
    assert _rows(thai)["มูลค่าก่อนภาษีมูลค่าเพิ่ม"] == "฿48,691.59"
    assert thai.in_words is not None
    assert thai.in_words.value == "ห้าหมื่นสองพันหนึ่งร้อยบาทถ้วน"
    assert _rows(english)["No."] == "TI-2026-0003"
    assert _rows(thai)["วันที่"] == "28 มีนาคม 2569"


def test_a_tax_invoice_says_what_it_covers_invoices_and_retained_deposits() -> None:
    english = _sheet(factories.tax_invoice(), "en").parts[0]

    covered = [row.value for row in english.rows if row.label in ("Covers", "")]

    assert covered == [
        "Damage invoice INV-2026-0050",
        "Retained deposit DEP-2026-0011 (return receipt DEPRR-2026-0009) ฿20,000.00",
    ]
    assert [(s.caption["en"], s.name) for s in _sheet(factories.tax_invoice()).signatures] == [
        ("Issued by (authorised signature)", "Mai Manager")
    ]
