"""What the deposit documents say: the request (with a PromptPay QR), the receipt DEPR and the
return receipt DEPRR with its void version. Pure."""

from services.documents.content.common import (
    NOTHING,
    TEXT,
    Amount,
    Layout,
    Part,
    Row,
    Signature,
    format_day,
    format_moment,
    promptpay_qr,
    text,
    words,
)
from services.documents.domain import (
    LANGUAGES,
    DepositReceiptFacts,
    DepositRequestFacts,
    DepositReturnFacts,
    TenantProfile,
)
from shared.contracts.types import Language
from shared.labels import DOCUMENT_KINDS, PAYMENT_METHODS, RETURN_KINDS, label
from shared.money import ZERO, format_thb

NOT_SUBJECT_TO_VAT = {
    "en": "Refundable Security Deposit — Not Subject to VAT",
    "th": "เงินประกันที่คืนได้ — ไม่อยู่ในบังคับภาษีมูลค่าเพิ่ม",
}
DepositFacts = DepositRequestFacts | DepositReceiptFacts | DepositReturnFacts


def _request_part(facts: DepositRequestFacts, language: Language) -> Part:
    return Part(
        language=language,
        heading=text("details", language),
        title=label(DOCUMENT_KINDS, facts.kind, language),
        rows=(
            Row(text("deposit_number", language), facts.deposit_number),
            Row(text("requested_on", language), format_day(facts.requested_on, language)),
        ),
        amounts=(Amount(text("amount_due", language), format_thb(facts.amount), emphasis=True),),
        in_words=words(facts.amount, language),
        statements=(NOT_SUBJECT_TO_VAT[language],),
    )


def _receipt_part(facts: DepositReceiptFacts, language: Language, timezone: str) -> Part:
    outstanding = facts.amount_requested - facts.total_collected
    amounts = [
        Amount(text("amount_received", language), format_thb(facts.amount), emphasis=True),
        Amount(text("amount_requested", language), format_thb(facts.amount_requested)),
        Amount(text("total_received", language), format_thb(facts.total_collected)),
    ]
    if outstanding > ZERO:
        amounts.append(Amount(text("outstanding", language), format_thb(outstanding)))
    return Part(
        language=language,
        heading=text("details", language),
        title=label(DOCUMENT_KINDS, facts.kind, language),
        rows=(
            Row(text("receipt_type", language), label(DOCUMENT_KINDS, facts.kind, language)),
            Row(text("number", language), facts.receipt_number),
            Row(text("date", language), format_day(facts.issued_on(timezone), language)),
            Row(text("reference_document", language), facts.deposit_number),
            Row(text("payment_method", language), label(PAYMENT_METHODS, facts.method, language)),
            Row(text("payment_reference", language), facts.payment_reference or NOTHING),
            Row(text("received_on", language), format_day(facts.collected_on, language)),
            Row(text("received_by", language), facts.collected_by),
        ),
        amounts=tuple(amounts),
        in_words=words(facts.amount, language),
        statements=(NOT_SUBJECT_TO_VAT[language],),
    )


def _return_part(facts: DepositReturnFacts, language: Language, timezone: str) -> Part:
    amounts = [
        Amount(text("held_amount", language), format_thb(facts.held_amount)),
        Amount(text("returned_amount", language), format_thb(facts.returned_amount), emphasis=True),
    ]
    notes: tuple[Row, ...] = ()
    if facts.retained_amount > ZERO:
        amounts.append(Amount(text("retained_amount", language), format_thb(facts.retained_amount)))
        notes = (Row(text("deduction_reason", language), facts.reason),)
    void_notice = None
    if facts.void:
        void_notice = text(
            "void_notice",
            language,
            date=format_moment(facts.void.voided_at, timezone, language),
            name=facts.void.voided_by,
            reason=facts.void.reason,
        )
    return Part(
        language=language,
        heading=text("details", language),
        title=label(DOCUMENT_KINDS, facts.kind, language),
        rows=(
            Row(text("receipt_type", language), label(DOCUMENT_KINDS, facts.kind, language)),
            Row(text("number", language), facts.receipt_number),
            Row(text("date", language), format_day(facts.returned_on, language)),
            Row(text("deposit_number", language), facts.deposit_number),
            Row(text("deposit_receipts", language), ", ".join(facts.collection_receipt_numbers) or NOTHING),
            Row(text("return_type", language), label(RETURN_KINDS, facts.return_kind, language)),
            Row(
                text("refund_method", language),
                label(PAYMENT_METHODS, facts.method, language) if facts.method else NOTHING,
            ),
            Row(text("refund_reference", language), facts.refund_reference or NOTHING),
            Row(text("returned_by", language), facts.returned_by),
            Row(text("returned_at", language), format_moment(facts.returned_at, timezone, language)),
        ),
        amounts=tuple(amounts),
        in_words=words(facts.returned_amount, language),
        notes=notes,
        void_notice=void_notice,
    )


def deposit_part(facts: DepositFacts, language: Language, timezone: str) -> Part:
    if isinstance(facts, DepositRequestFacts):
        return _request_part(facts, language)
    if isinstance(facts, DepositReceiptFacts):
        return _receipt_part(facts, language, timezone)
    return _return_part(facts, language, timezone)


def _signatures(facts: DepositFacts) -> tuple[Signature, ...]:
    if isinstance(facts, DepositReceiptFacts):
        return (Signature(TEXT["received_by"], facts.collected_by),)
    if isinstance(facts, DepositReturnFacts):
        return (
            Signature(TEXT["returned_by"], facts.returned_by),
            Signature(TEXT["received_by_customer"], ""),
        )
    return ()


def deposit_layout(facts: DepositFacts, tenant: TenantProfile) -> Layout:
    """A request carries a QR for the amount requested; receipts carry the signature lines."""
    return Layout(
        title={lang: label(DOCUMENT_KINDS, facts.kind, lang) for lang in LANGUAGES},
        signatures=_signatures(facts),
        qr=promptpay_qr(tenant.promptpay_id, facts.amount)
        if isinstance(facts, DepositRequestFacts)
        else None,
    )
