"""Customer-facing names, in Thai and English, of the values that appear on documents, in the
portal and in notices. One table, so a PDF, a portal page and an email never disagree."""

from collections.abc import Mapping

Labels = Mapping[str, Mapping[str, str]]

PAYMENT_METHODS: Labels = {
    "bank_transfer": {"en": "Bank transfer", "th": "โอนเงินผ่านธนาคาร"},
    "cash": {"en": "Cash", "th": "เงินสด"},
    "promptpay": {"en": "PromptPay", "th": "พร้อมเพย์"},
    "credit_card": {"en": "Credit card", "th": "บัตรเครดิต"},
    "cheque": {"en": "Cheque", "th": "เช็ค"},
    "other": {"en": "Other", "th": "อื่น ๆ"},
}

RETURN_KINDS: Labels = {
    "full": {"en": "Full return", "th": "คืนเต็มจำนวน"},
    "partial": {"en": "Partial return", "th": "คืนบางส่วน"},
    "forfeit": {"en": "Forfeited", "th": "ริบเงินมัดจำ"},
}

DEPOSIT_STATUSES: Labels = {
    "pending": {"en": "Pending payment", "th": "รอชำระ"},
    "partially_held": {"en": "Partly paid", "th": "ชำระบางส่วน"},
    "held": {"en": "Held", "th": "ถือไว้"},
    "returned": {"en": "Returned", "th": "คืนแล้ว"},
    "partially_returned": {"en": "Partly returned", "th": "คืนบางส่วนแล้ว"},
    "forfeited": {"en": "Forfeited", "th": "ริบแล้ว"},
}

DOCUMENT_KINDS: Labels = {
    "deposit_request": {"en": "Deposit Request", "th": "ใบแจ้งเงินมัดจำ"},
    "deposit_receipt": {"en": "Deposit Receipt", "th": "ใบรับเงินมัดจำ"},
    "deposit_return_receipt": {"en": "Deposit Return Receipt", "th": "ใบคืนเงินมัดจำ"},
    "invoice": {"en": "Invoice", "th": "ใบแจ้งหนี้"},
    "receipt": {"en": "Receipt", "th": "ใบเสร็จรับเงิน"},
    "prepayment_receipt": {"en": "Pre-payment Receipt", "th": "ใบเสร็จรับเงินล่วงหน้า"},
    "tax_invoice": {"en": "Tax Invoice", "th": "ใบกำกับภาษี"},
    "signed_quote": {"en": "Signed Quote", "th": "ใบเสนอราคาที่ลงนามแล้ว"},
    "delivery_manifest": {"en": "Delivery Manifest", "th": "ใบส่งมอบอุปกรณ์"},
    "job_report": {"en": "Job Report", "th": "รายงานสรุปงาน"},
}

# What the customer sees on an invoice: `overdue` is past the due date with a balance.
INVOICE_STATUSES: Labels = {
    "unpaid": {"en": "Unpaid", "th": "ยังไม่ชำระ"},
    "partial": {"en": "Partial", "th": "ชำระบางส่วน"},
    "paid": {"en": "Paid", "th": "ชำระแล้ว"},
    "overdue": {"en": "Overdue", "th": "เกินกำหนดชำระ"},
}

JOB_STAGES: Labels = {
    "new": {"en": "Booked", "th": "รับจองแล้ว"},
    "picking": {"en": "Preparing your equipment", "th": "กำลังเตรียมอุปกรณ์"},
    "loaded": {"en": "Loaded for delivery", "th": "ขึ้นรถเตรียมจัดส่ง"},
    "delivering": {"en": "On the way to you", "th": "กำลังจัดส่ง"},
    "on_site": {"en": "Active rental — equipment delivered", "th": "กำลังเช่า — ส่งอุปกรณ์แล้ว"},
    "returning": {"en": "Equipment on its way back", "th": "กำลังรับอุปกรณ์คืน"},
    "closed": {"en": "Completed", "th": "เสร็จสิ้น"},
    "cancelled": {"en": "Cancelled", "th": "ยกเลิก"},
}


def label(table: Labels, value: str, language: str) -> str:
    names = table.get(value)
    return names.get(language, names["en"]) if names else value
