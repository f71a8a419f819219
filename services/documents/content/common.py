"""What every document page is made of, the words it prints in both languages, and the formats
they share (SPEC §5, §8). Pure."""

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import segno

from shared.contracts.types import Language
from shared.money import format_thb
from shared.promptpay import InvalidPromptPayId, promptpay_payload
from shared.thai import bahttext, english_date, thai_date

VOID_MARK = "VOID / ยกเลิก"
NOTHING = "—"
MINUS = "−"  # a typographic minus: a deduction below the totals reads −฿50,000.00

TEXT: dict[str, dict[str, str]] = {
    "number": {"en": "No.", "th": "เลขที่"},
    "date": {"en": "Date", "th": "วันที่"},
    "version": {"en": "Version", "th": "ฉบับที่"},
    "customer": {"en": "Customer", "th": "ลูกค้า"},
    "tax_id": {"en": "Tax ID", "th": "เลขประจำตัวผู้เสียภาษี"},
    "head_office": {"en": "Head office", "th": "สำนักงานใหญ่"},
    "branch_no": {"en": "Branch {no}", "th": "สาขาที่ {no}"},
    "phone": {"en": "Tel.", "th": "โทร."},
    "email": {"en": "Email", "th": "อีเมล"},
    "details": {"en": "Details (English)", "th": "รายละเอียด (ภาษาไทย)"},
    "receipt_type": {"en": "Receipt type", "th": "ประเภทใบเสร็จ"},
    "document_type": {"en": "Document", "th": "ประเภทเอกสาร"},
    "deposit_number": {"en": "Deposit no.", "th": "เลขที่เงินมัดจำ"},
    "requested_on": {"en": "Requested on", "th": "วันที่แจ้ง"},
    "amount_due": {"en": "Security deposit due", "th": "จำนวนเงินมัดจำที่ต้องชำระ"},
    "pay_with_promptpay": {"en": "Scan to pay with PromptPay", "th": "สแกนเพื่อชำระผ่านพร้อมเพย์"},
    "promptpay_id": {"en": "PromptPay ID", "th": "พร้อมเพย์"},
    "reference_document": {"en": "Reference document", "th": "เอกสารอ้างอิง"},
    "payment_method": {"en": "Payment method", "th": "วิธีชำระเงิน"},
    "payment_reference": {"en": "Payment reference", "th": "เลขที่อ้างอิงการชำระ"},
    "received_on": {"en": "Received on", "th": "วันที่รับเงิน"},
    "amount_received": {"en": "Amount received", "th": "จำนวนเงินที่ได้รับ"},
    "amount_requested": {"en": "Deposit requested", "th": "เงินมัดจำที่แจ้งชำระ"},
    "total_received": {"en": "Total deposit received", "th": "รวมเงินมัดจำที่ได้รับแล้ว"},
    "outstanding": {"en": "Still to pay", "th": "คงค้างชำระ"},
    "deposit_receipts": {"en": "Deposit receipt", "th": "ใบรับเงินมัดจำ"},
    "return_type": {"en": "Return type", "th": "ประเภทการคืน"},
    "held_amount": {"en": "Original deposit held", "th": "เงินมัดจำที่ถือไว้"},
    "returned_amount": {"en": "Amount returned", "th": "จำนวนเงินที่คืน"},
    "retained_amount": {"en": "Amount deducted", "th": "จำนวนเงินที่หัก"},
    "deduction_reason": {"en": "Reason for deduction", "th": "เหตุผลที่หัก"},
    "refund_method": {"en": "Refund method", "th": "วิธีคืนเงิน"},
    "refund_reference": {"en": "Refund reference", "th": "เลขที่อ้างอิงการคืนเงิน"},
    "returned_by": {"en": "Returned by", "th": "ผู้คืนเงิน"},
    "returned_at": {"en": "Returned at", "th": "วันเวลาที่คืน"},
    "received_by": {"en": "Received by", "th": "ผู้รับเงิน"},
    "received_by_customer": {
        "en": "Received by (customer): I acknowledge receipt of the refund above",
        "th": "ผู้รับเงินคืน (ลูกค้า): ข้าพเจ้าได้รับเงินคืนตามจำนวนข้างต้นแล้ว",
    },
    "in_words": {"en": "Amount in words", "th": "จำนวนเงินเป็นตัวอักษร"},
    "void_notice": {
        "en": "This receipt was voided on {date} by {name}. Reason: {reason}",
        "th": "ใบเสร็จฉบับนี้ถูกยกเลิกเมื่อ {date} โดย {name} เหตุผล: {reason}",
    },
    # Invoices, receipts and tax invoices
    "items": {"en": "Items", "th": "รายการ"},
    "line_no": {"en": "#", "th": "ลำดับ"},
    "description": {"en": "Description", "th": "รายการ"},
    "quantity": {"en": "Qty", "th": "จำนวน"},
    "duration": {"en": "Duration", "th": "ระยะเวลา"},
    "rate": {"en": "Rate", "th": "อัตรา"},
    "unit_price": {"en": "Unit price", "th": "ราคาต่อหน่วย"},
    "line_amount": {"en": "Amount", "th": "จำนวนเงิน"},
    "invoice_number": {"en": "Invoice no.", "th": "เลขที่ใบแจ้งหนี้"},
    "issue_date": {"en": "Issue date", "th": "วันที่ออก"},
    "due_date": {"en": "Due date", "th": "วันครบกำหนดชำระ"},
    "job": {"en": "Job", "th": "งาน"},
    "status": {"en": "Status", "th": "สถานะ"},
    "subtotal": {"en": "Subtotal", "th": "รวมเป็นเงิน"},
    "vat": {"en": "VAT {rate}%", "th": "ภาษีมูลค่าเพิ่ม {rate}%"},
    "total": {"en": "Total", "th": "จำนวนเงินรวมทั้งสิ้น"},
    "paid_line": {"en": "{number} paid {date}", "th": "{number} ชำระเมื่อ {date}"},
    "balance_due": {"en": "Balance due", "th": "ยอดคงค้างชำระ"},
    "total_in_words": {"en": "Total in words", "th": "จำนวนเงินรวมทั้งสิ้น (ตัวอักษร)"},
    "balance_in_words": {"en": "Balance due in words", "th": "ยอดคงค้างชำระ (ตัวอักษร)"},
    "pay_balance": {"en": "Scan to pay the balance with PromptPay", "th": "สแกนเพื่อชำระยอดคงค้างผ่านพร้อมเพย์"},
    "forfeited_deposit": {"en": "Forfeited deposit", "th": "เงินมัดจำที่ริบ"},
    "damage_title": {"en": "Invoice for Damage", "th": "ใบแจ้งหนี้ค่าความเสียหาย"},
    "damage_statement": {
        "en": "This invoice charges the damage beyond the forfeited deposit {deposit}.",
        "th": "ใบแจ้งหนี้นี้เรียกเก็บค่าความเสียหายส่วนที่เกินกว่าเงินมัดจำที่ริบไว้ {deposit}",
    },
    "invoice_of": {"en": "Invoice {number}", "th": "ใบแจ้งหนี้ {number}"},
    "paid_to_date": {"en": "Paid on the invoice so far", "th": "ชำระตามใบแจ้งหนี้แล้วทั้งสิ้น"},
    "invoice_balance": {"en": "Balance after this payment", "th": "ยอดคงค้างหลังการชำระครั้งนี้"},
    "paid_in_full": {
        "en": "Invoice {number} is paid in full.",
        "th": "ใบแจ้งหนี้ {number} ชำระครบถ้วนแล้ว",
    },
    "for_job": {"en": "For job", "th": "สำหรับงาน"},
    "before_vat": {"en": "Amount before VAT", "th": "มูลค่าก่อนภาษีมูลค่าเพิ่ม"},
    "vat_included": {"en": "VAT {rate}% included", "th": "ภาษีมูลค่าเพิ่ม {rate}% (รวมอยู่ในยอดแล้ว)"},
    "prepayment_statement": {
        "en": "Pre-payment for job {job}, VAT {rate}% included. It is deducted from the job's final invoice.",
        "th": "ชำระล่วงหน้าสำหรับงาน {job} รวมภาษีมูลค่าเพิ่ม {rate}% แล้ว จะนำไปหักจากใบแจ้งหนี้ฉบับสุดท้ายของงานนี้",
    },
    "seller": {"en": "Seller", "th": "ผู้ขาย"},
    "buyer": {"en": "Buyer", "th": "ผู้ซื้อ"},
    "covers": {"en": "Covers", "th": "อ้างอิงเอกสาร"},
    "covered_invoice": {"en": "Invoice {number}", "th": "ใบแจ้งหนี้ {number}"},
    "covered_damage_invoice": {"en": "Damage invoice {number}", "th": "ใบแจ้งหนี้ค่าความเสียหาย {number}"},
    "covered_retention": {
        "en": "Retained deposit {deposit} (return receipt {receipt}) {amount}",
        "th": "เงินมัดจำที่หักไว้ {deposit} (ใบคืนเงินมัดจำ {receipt}) {amount}",
    },
    "issued_by": {"en": "Issued by (authorised signature)", "th": "ผู้ออกเอกสาร (ผู้มีอำนาจลงนาม)"},
    # The AI job report
    "job_number": {"en": "Job no.", "th": "เลขที่งาน"},
    "report_number": {"en": "Report no.", "th": "เลขที่รายงาน"},
    "summary": {"en": "Summary", "th": "สรุป"},
}
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    # unit as billing sends it → (one, many) in each language
    "day": {"en": ("day", "days"), "th": ("วัน", "วัน")},
    "week": {"en": ("week", "weeks"), "th": ("สัปดาห์", "สัปดาห์")},
    "month": {"en": ("month", "months"), "th": ("เดือน", "เดือน")},
    "hour": {"en": ("hour", "hours"), "th": ("ชั่วโมง", "ชั่วโมง")},
}


def text(key: str, language: Language, **values: str) -> str:
    return TEXT[key][language].format(**values)


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Amount:
    label: str
    value: str
    emphasis: bool = False


@dataclass(frozen=True)
class Section:
    """A titled passage of prose (the job report's summary and sections)."""

    title: str
    body: str


@dataclass(frozen=True)
class Part:
    """Everything the document states, in one language."""

    language: Language
    heading: str
    title: str
    rows: tuple[Row, ...]
    amounts: tuple[Amount, ...]
    in_words: Row | None = None  # Thai parts only
    more_in_words: tuple[Row, ...] = ()  # further amounts in words (an invoice's balance due)
    notes: tuple[Row, ...] = ()
    statements: tuple[str, ...] = ()
    void_notice: str | None = None
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Signature:
    caption: dict[str, str]
    name: str = ""


@dataclass(frozen=True)
class PromptPayQr:
    svg_data_uri: str
    payload: str
    caption: dict[str, str]
    promptpay_id: str
    amount: str


@dataclass(frozen=True)
class Column:
    label: dict[str, str]
    numeric: bool = False


@dataclass(frozen=True)
class Items:
    """The items of an invoice or tax invoice: printed once, headed in both languages."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Party:
    """A seller or buyer as a tax invoice names them."""

    caption: dict[str, str]
    name: str
    address: str
    tax: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    """One PDF: the header, then one part per language in print order, then the signatures."""

    template: str
    language: Language
    order: tuple[Language, Language]
    kind: str
    number: str
    version: int
    status: Literal["issued", "void"]
    title: dict[str, str]
    date: dict[str, str]
    business_name: dict[str, str]
    business_address: dict[str, str]
    business_tax: dict[str, str]
    business_contact: str
    customer_name: str
    customer_address: str
    customer_tax: dict[str, str] | None
    parts: tuple[Part, ...]
    signatures: tuple[Signature, ...] = ()
    qr: PromptPayQr | None = None
    void_mark: str | None = None
    heading: str | None = None  # printed large above everything (the tax invoice's legal heading)
    items: Items | None = None
    parties: tuple[Party, ...] = ()  # printed instead of the customer (tax invoice)
    stamp: str | None = None  # e.g. PAID on an invoice with nothing left to pay
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: TEXT)


def print_order(language: Language) -> tuple[Language, Language]:
    return (language, "en") if language == "th" else (language, "th")


def format_day(day: date, language: Language) -> str:
    return thai_date(day) if language == "th" else english_date(day)


def format_moment(moment: datetime, timezone: str, language: Language) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    if language == "th":
        return f"{thai_date(local.date())} เวลา {local:%H:%M} น."
    return f"{english_date(local.date())}, {local:%H:%M}"


def format_deduction(amount: Decimal) -> str:
    return f"{MINUS}{format_thb(amount)}"


def format_number(value: Decimal) -> str:
    """2, 2.5, 1,000: no trailing zeros, thousands separated."""
    return f"{value.normalize():,f}"


def format_rate(rate: Decimal) -> str:
    """0.07 → 7, 0.075 → 7.5."""
    return format_number(rate * 100)


def format_duration(duration: Decimal | None, unit: str, language: Language) -> str:
    if duration is None:
        return NOTHING
    one, many = UNITS.get(unit.strip().lower(), {}).get(language, (unit, unit))
    return f"{format_number(duration)} {one if duration == 1 else many}".strip()


def tax_line(tax_id: str, branch_no: str | None, language: Language) -> str:
    where = (
        text("head_office", language)
        if not branch_no or branch_no == "00000"
        else text("branch_no", language, no=branch_no)
    )
    return f"{text('tax_id', language)} {tax_id} ({where})"


def words(amount: Decimal, language: Language, key: str = "in_words") -> Row | None:
    """The amount in Thai words (BAHTTEXT), on Thai parts only."""
    return Row(text(key, language), bahttext(amount)) if language == "th" else None


@functools.lru_cache(maxsize=256)
def qr_svg_data_uri(payload: str) -> str:
    """The QR as an SVG data URI, drawn once per payload (both print orders of a version, and every
    version with the same balance, share it; WeasyPrint's image cache then keys on the same URI)."""
    return str(segno.make_qr(payload, error="m").svg_data_uri(scale=4, border=4))


def promptpay_qr(
    promptpay_id: str, amount: Decimal, caption: dict[str, str] | None = None
) -> PromptPayQr | None:
    """The QR a banking app scans to pay exactly `amount`; None when the business has no valid id."""
    try:
        payload = promptpay_payload(promptpay_id, amount)
    except InvalidPromptPayId:
        return None
    return PromptPayQr(
        svg_data_uri=qr_svg_data_uri(payload),
        payload=payload,
        caption=caption or TEXT["pay_with_promptpay"],
        promptpay_id=promptpay_id,
        amount=format_thb(amount),
    )


@dataclass(frozen=True)
class Layout:
    """What a kind of document prints besides its parts."""

    title: dict[str, str]
    signatures: tuple[Signature, ...] = ()
    qr: PromptPayQr | None = None
    heading: str | None = None
    items: Items | None = None
    parties: tuple[Party, ...] = ()
    stamp: str | None = None
