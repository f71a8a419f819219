"""What customers read: each notice's email in their language (Thai or English). Pure: no I/O,
no clock."""

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from services.notifications.domain import (
    Customer,
    DamageFacts,
    Email,
    PaymentFacts,
    ReturnFacts,
    Tenant,
)
from shared.labels import DOCUMENT_KINDS, PAYMENT_METHODS, label
from shared.money import ZERO, format_thb
from shared.thai import bahttext, format_date

_TEXT = {
    "en": {
        "subject_returned": "Your deposit {deposit} has been returned",
        "subject_forfeited": "Your deposit {deposit} has been forfeited",
        "greeting": "Dear {name},",
        "returned": "We have returned your deposit {deposit}.",
        "forfeited": "Your deposit {deposit} has been forfeited; no amount is refunded.",
        "held": "Deposit held",
        "returned_amount": "Amount returned",
        "retained_amount": "Amount retained",
        "reason": "Reason",
        "method": "Refund method",
        "reference": "Refund reference",
        "returned_on": "Date",
        "attached": "Your Deposit Return Receipt {receipt} is attached.",
        "contact": "If you have any questions, please contact us:",
        "phone": "Phone",
        "email": "Email",
        "thanks": "Thank you for renting with {business}.",
        # Receipts (RC, PREREC)
        "subject_receipt": "Receipt {receipt}: {amount} received for invoice {invoice}",
        "subject_prepayment": "Pre-payment receipt {receipt}: {amount} received for job {job}",
        "received": "Thank you for your payment. We have received {amount} for invoice {invoice}.",
        "received_prepayment": "Thank you for your pre-payment. We have received {amount} for job {job}; "
        "it will appear on your final invoice and be deducted from the balance due.",
        "receipt_number": "Receipt number",
        "amount_received": "Amount received",
        "vat_included": "VAT included",
        "payment_method": "Payment method",
        "payment_reference": "Payment reference",
        "paid_on": "Date paid",
        "invoice": "Invoice",
        "job": "Job",
        "balance_due": "Balance still due",
        "paid_in_full": "Invoice {invoice} is now paid in full.",
        "receipt_attached": "Your {document} {receipt} is attached.",
        "view_invoice": "View invoice {invoice}: {url}",
        # Damage beyond the deposit, retained deposits
        "subject_damage": "Damage charges: invoice {invoices} and tax invoice {tax_invoice}",
        "subject_retained": "Tax invoice {tax_invoice} for the amount retained from your deposit {deposits}",
        "charges_intro": "Following the inspection of the equipment you rented, the charges below are "
        "covered by tax invoice {tax_invoice} dated {date}.",
        "charges_intro_job": "Following the inspection of the equipment you rented (job {job}), the charges "
        "below are covered by tax invoice {tax_invoice} dated {date}.",
        "retained_from": "Retained from deposit {deposit} (Deposit Return Receipt {receipt})",
        "damage_invoice": "Damage invoice {invoice}: the amount above the deposit. Please pay it by the due "
        "date shown on the invoice.",
        "tax_invoice": "Tax invoice {tax_invoice}",
        "before_vat": "Amount before VAT",
        "vat": "VAT {rate}",
        "total": "Total",
        "documents_attached": "Attached: {documents}.",
    },
    "th": {
        "subject_returned": "คืนเงินมัดจำ {deposit} แล้ว",
        "subject_forfeited": "แจ้งการริบเงินมัดจำ {deposit}",
        "greeting": "เรียน {name}",
        "returned": "เราได้คืนเงินมัดจำ {deposit} ให้ท่านแล้ว",
        "forfeited": "เงินมัดจำ {deposit} ของท่านถูกริบ ไม่มียอดเงินคืน",
        "held": "เงินมัดจำที่รับไว้",
        "returned_amount": "ยอดเงินที่คืน",
        "retained_amount": "ยอดเงินที่หักไว้",
        "reason": "เหตุผล",
        "method": "วิธีคืนเงิน",
        "reference": "เลขที่อ้างอิงการคืนเงิน",
        "returned_on": "วันที่คืน",
        "attached": "แนบใบคืนเงินมัดจำ {receipt} มาพร้อมอีเมลนี้",
        "contact": "หากมีข้อสงสัย กรุณาติดต่อ",
        "phone": "โทร",
        "email": "อีเมล",
        "thanks": "ขอบคุณที่ใช้บริการ {business}",
        # Receipts (RC, PREREC)
        "subject_receipt": "ใบเสร็จรับเงิน {receipt}: ได้รับชำระ {amount} สำหรับใบแจ้งหนี้ {invoice}",
        "subject_prepayment": "ใบเสร็จรับเงินล่วงหน้า {receipt}: ได้รับชำระ {amount} สำหรับงาน {job}",
        "received": "ขอบคุณสำหรับการชำระเงิน เราได้รับเงิน {amount} สำหรับใบแจ้งหนี้ {invoice} แล้ว",
        "received_prepayment": "ขอบคุณสำหรับการชำระเงินล่วงหน้า เราได้รับเงิน {amount} สำหรับงาน {job} แล้ว "
        "ยอดนี้จะแสดงในใบแจ้งหนี้ฉบับสุดท้ายและหักออกจากยอดที่ต้องชำระ",
        "receipt_number": "เลขที่ใบเสร็จ",
        "amount_received": "จำนวนเงินที่ได้รับ",
        "vat_included": "รวมภาษีมูลค่าเพิ่ม",
        "payment_method": "วิธีชำระเงิน",
        "payment_reference": "เลขที่อ้างอิงการชำระเงิน",
        "paid_on": "วันที่ชำระ",
        "invoice": "ใบแจ้งหนี้",
        "job": "งาน",
        "balance_due": "ยอดคงค้าง",
        "paid_in_full": "ใบแจ้งหนี้ {invoice} ชำระครบถ้วนแล้ว",
        "receipt_attached": "แนบ{document} {receipt} มาพร้อมอีเมลนี้",
        "view_invoice": "ดูใบแจ้งหนี้ {invoice} : {url}",
        # Damage beyond the deposit, retained deposits
        "subject_damage": "ค่าเสียหาย: ใบแจ้งหนี้ {invoices} และใบกำกับภาษี {tax_invoice}",
        "subject_retained": "ใบกำกับภาษี {tax_invoice} สำหรับยอดที่หักจากเงินมัดจำ {deposits}",
        "charges_intro": "จากการตรวจสภาพอุปกรณ์ที่ท่านเช่า รายการค่าใช้จ่ายด้านล่างออกใบกำกับภาษี "
        "{tax_invoice} ลงวันที่ {date}",
        "charges_intro_job": "จากการตรวจสภาพอุปกรณ์ที่ท่านเช่า (งาน {job}) รายการค่าใช้จ่ายด้านล่าง"
        "ออกใบกำกับภาษี {tax_invoice} ลงวันที่ {date}",
        "retained_from": "หักจากเงินมัดจำ {deposit} (ใบคืนเงินมัดจำ {receipt})",
        "damage_invoice": "ใบแจ้งหนี้ค่าเสียหาย {invoice}: ยอดที่เกินเงินมัดจำ กรุณาชำระภายในวันครบกำหนดที่ระบุในใบแจ้งหนี้",
        "tax_invoice": "ใบกำกับภาษี {tax_invoice}",
        "before_vat": "มูลค่าก่อนภาษีมูลค่าเพิ่ม",
        "vat": "ภาษีมูลค่าเพิ่ม {rate}",
        "total": "รวมทั้งสิ้น",
        "documents_attached": "เอกสารแนบ: {documents}",
    },
}


# No invoice links: the email names its invoices without a way to open them in the portal.
NO_LINKS: Mapping[str, str] = MappingProxyType({})


def language_of(preferred: str | None, tenant: Tenant | None) -> str:
    """The customer's preferred language, else the business's default; Thai or English only."""
    for candidate in (preferred, tenant.default_language if tenant else None):
        if candidate in _TEXT:
            return candidate
    return "th"


def _amount(value: Decimal, language: str) -> str:
    # Thai readers expect the amount in words beside the figures, as on the receipt itself.
    if language == "th" and value > ZERO:
        return f"{format_thb(value)} ({bahttext(value)})"
    return format_thb(value)


def deposit_returned_email(facts: ReturnFacts, *, customer: Customer, tenant: Tenant, language: str) -> Email:
    """The customer's "deposit returned" email: amounts, the reason for anything kept, the refund
    method and reference, and how to reach the business."""
    text = _TEXT[language]
    forfeited = facts.kind == "forfeit"
    subject = text["subject_forfeited" if forfeited else "subject_returned"].format(
        deposit=facts.deposit_number
    )
    lines = [
        text["greeting"].format(name=customer.name),
        "",
        text["forfeited" if forfeited else "returned"].format(deposit=facts.deposit_number),
        "",
        f"{text['held']}: {_amount(facts.held_amount, language)}",
        f"{text['returned_amount']}: {_amount(facts.returned_amount, language)}",
    ]
    if facts.retained_amount > ZERO:
        lines.append(f"{text['retained_amount']}: {_amount(facts.retained_amount, language)}")
        if facts.reason:
            lines.append(f"{text['reason']}: {facts.reason}")
    if facts.returned_amount > ZERO and facts.method:
        lines.append(f"{text['method']}: {label(PAYMENT_METHODS, facts.method, language)}")
    if facts.returned_amount > ZERO and facts.reference:
        lines.append(f"{text['reference']}: {facts.reference}")
    lines += [
        f"{text['returned_on']}: {format_date(facts.returned_on, language)}",
        "",
        text["attached"].format(receipt=facts.receipt_number),
        "",
        *_contact(tenant, language),
    ]
    return Email(subject=subject, body="\n".join(lines) + "\n")


def _contact(tenant: Tenant, language: str) -> list[str]:
    text = _TEXT[language]
    business = tenant.business_name(language)
    lines = [text["contact"]]
    if business:
        lines.append(business)
    if tenant.phone:
        lines.append(f"{text['phone']}: {tenant.phone}")
    if tenant.email:
        lines.append(f"{text['email']}: {tenant.email}")
    if business:
        # "… Co., Ltd." must not end the sentence with a second full stop.
        lines += ["", text["thanks"].format(business=business).replace("..", ".")]
    return lines


def _view_invoice(number: str, invoice_links: Mapping[str, str], language: str) -> list[str]:
    url = invoice_links.get(number)
    return [_TEXT[language]["view_invoice"].format(invoice=number, url=url)] if url else []


def payment_receipt_email(
    facts: PaymentFacts,
    *,
    customer: Customer,
    tenant: Tenant,
    language: str,
    invoice_links: Mapping[str, str] = NO_LINKS,
) -> Email:
    """The customer's receipt email (RC or PREREC): the receipt, the amount, the method and reference,
    and the invoice it pays (with its portal link, from `invoice_links` by number) or the job it pays
    ahead for."""
    text = _TEXT[language]
    amount = format_thb(facts.amount)
    if facts.prepayment:
        subject = text["subject_prepayment"].format(
            receipt=facts.receipt_number, amount=amount, job=facts.job_id
        )
        intro = text["received_prepayment"].format(amount=_amount(facts.amount, language), job=facts.job_id)
        document = label(DOCUMENT_KINDS, "prepayment_receipt", language)
    else:
        subject = text["subject_receipt"].format(
            receipt=facts.receipt_number, amount=amount, invoice=facts.invoice_number
        )
        intro = text["received"].format(amount=_amount(facts.amount, language), invoice=facts.invoice_number)
        document = label(DOCUMENT_KINDS, "receipt", language)
    lines = [
        text["greeting"].format(name=customer.name),
        "",
        intro,
        "",
        f"{text['receipt_number']}: {facts.receipt_number}",
        f"{text['amount_received']}: {_amount(facts.amount, language)}",
    ]
    if facts.vat_amount is not None and facts.vat_amount > ZERO:
        lines.append(f"{text['vat_included']}: {format_thb(facts.vat_amount)}")
    lines.append(f"{text['payment_method']}: {label(PAYMENT_METHODS, facts.method, language)}")
    if facts.reference:
        lines.append(f"{text['payment_reference']}: {facts.reference}")
    lines.append(f"{text['paid_on']}: {format_date(facts.paid_on, language)}")
    if facts.invoice_number:
        lines.append(f"{text['invoice']}: {facts.invoice_number}")
    elif facts.job_id:
        lines.append(f"{text['job']}: {facts.job_id}")
    if facts.balance is not None and facts.invoice_number:
        lines += [
            "",
            f"{text['balance_due']}: {_amount(facts.balance, language)}"
            if facts.balance > ZERO
            else text["paid_in_full"].format(invoice=facts.invoice_number),
        ]
    if facts.invoice_number and not facts.prepayment:
        lines += _view_invoice(facts.invoice_number, invoice_links, language)
    lines += [
        "",
        text["receipt_attached"].format(document=document, receipt=facts.receipt_number),
        "",
        *_contact(tenant, language),
    ]
    return Email(subject=subject, body="\n".join(lines) + "\n")


def damage_charges_email(
    facts: DamageFacts,
    *,
    customer: Customer,
    tenant: Tenant,
    language: str,
    invoice_links: Mapping[str, str] = NO_LINKS,
) -> Email:
    """One email for a tax invoice on damage and retained deposits: what was retained from which
    deposit, the damage invoices to pay (each with its portal link, from `invoice_links` by number),
    the tax invoice's lines and VAT, and every PDF attached."""
    text = _TEXT[language]
    if facts.damage_invoice_numbers:
        subject = text["subject_damage"].format(
            invoices=", ".join(facts.damage_invoice_numbers), tax_invoice=facts.tax_invoice_number
        )
    else:
        deposits = ", ".join(dict.fromkeys(r.deposit_number for r in facts.retentions))
        subject = text["subject_retained"].format(tax_invoice=facts.tax_invoice_number, deposits=deposits)
    intro = text["charges_intro_job" if facts.job_id else "charges_intro"].format(
        job=facts.job_id, tax_invoice=facts.tax_invoice_number, date=format_date(facts.issue_date, language)
    )
    lines = [text["greeting"].format(name=customer.name), "", intro, ""]
    for retention in facts.retentions:
        retained = text["retained_from"].format(
            deposit=retention.deposit_number, receipt=retention.return_receipt_number
        )
        lines.append(f"{retained}: {_amount(retention.amount, language)}")
    for number in facts.damage_invoice_numbers:
        lines += [
            text["damage_invoice"].format(invoice=number),
            *_view_invoice(number, invoice_links, language),
        ]
    lines += ["", text["tax_invoice"].format(tax_invoice=facts.tax_invoice_number)]
    lines += [f"- {line.description}: {format_thb(line.amount)}" for line in facts.lines]
    lines += [
        f"{text['before_vat']}: {format_thb(facts.amount_before_vat)}",
        f"{text['vat'].format(rate=_percent(facts.vat_rate))}: {format_thb(facts.vat_amount)}",
        f"{text['total']}: {_amount(facts.total, language)}",
        "",
        text["documents_attached"].format(
            documents=", ".join(attachment_filename(ref.number) for ref in facts.documents)
        ),
        "",
        *_contact(tenant, language),
    ]
    return Email(subject=subject, body="\n".join(lines) + "\n")


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def attachment_filename(number: str) -> str:
    return f"{number}.pdf"
