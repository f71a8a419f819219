"""What the billing documents say (SPEC §4, §5): the invoice with its VAT, pre-payments, payments,
balance due and a PromptPay QR for that balance; the receipts RC and PREREC; the tax invoice with
every item the Revenue Code asks for. Pure."""

from services.documents.content.common import (
    NOTHING,
    TEXT,
    Amount,
    Column,
    Items,
    Layout,
    Part,
    Party,
    Row,
    Signature,
    format_day,
    format_deduction,
    format_duration,
    format_number,
    format_rate,
    promptpay_qr,
    tax_line,
    text,
    words,
)
from services.documents.domain import (
    LANGUAGES,
    InvoiceFacts,
    PaymentReceiptFacts,
    PrepaymentReceiptFacts,
    TaxInvoiceFacts,
    TaxPartyFacts,
    TenantProfile,
)
from shared.contracts.billing import InvoiceKind
from shared.contracts.types import Language
from shared.labels import DOCUMENT_KINDS, INVOICE_STATUSES, PAYMENT_METHODS, label
from shared.money import ZERO, format_thb

TAX_INVOICE_HEADING = "ใบกำกับภาษี / Tax Invoice"
BillingFacts = InvoiceFacts | PaymentReceiptFacts | PrepaymentReceiptFacts | TaxInvoiceFacts


def _kind_titles(facts: BillingFacts) -> dict[str, str]:
    if isinstance(facts, InvoiceFacts) and facts.invoice_kind is InvoiceKind.DAMAGE:
        return dict(TEXT["damage_title"])
    return {lang: label(DOCUMENT_KINDS, facts.kind, lang) for lang in LANGUAGES}


def _column(key: str, *, numeric: bool = False) -> Column:
    return Column(TEXT[key], numeric=numeric)


# Invoice -----------------------------------------------------------------------------------------


def _invoice_status(facts: InvoiceFacts) -> str:
    if facts.is_paid:
        return "paid"
    return "partial" if facts.paid_total > ZERO else "unpaid"


def _invoice_part(facts: InvoiceFacts, language: Language) -> Part:
    rows = [
        Row(text("invoice_number", language), facts.invoice_number),
        Row(text("issue_date", language), format_day(facts.issue_date, language)),
        Row(text("due_date", language), format_day(facts.due_date, language)),
    ]
    if facts.job_id:
        rows.append(Row(text("job", language), facts.job_id))
    if facts.related_deposit_number:
        rows.append(Row(text("forfeited_deposit", language), facts.related_deposit_number))
    rows.append(Row(text("status", language), label(INVOICE_STATUSES, _invoice_status(facts), language)))

    amounts = [
        Amount(text("subtotal", language), format_thb(facts.subtotal)),
        Amount(text("vat", language, rate=format_rate(facts.vat_rate)), format_thb(facts.vat_amount)),
        Amount(text("total", language), format_thb(facts.total)),
    ]
    # Pre-payments, then payments recorded since the invoice was sent: each reduces the balance due.
    paid = [(p.receipt_number, p.paid_on, p.amount) for p in facts.prepayments]
    paid += [(p.receipt_number, p.paid_on, p.amount) for p in facts.payments]
    for number, paid_on, amount in paid:
        line = text("paid_line", language, number=number, date=format_day(paid_on, language))
        amounts.append(Amount(line, format_deduction(amount)))
    amounts.append(Amount(text("balance_due", language), format_thb(facts.balance), emphasis=True))

    statements: tuple[str, ...] = ()
    if facts.invoice_kind is InvoiceKind.DAMAGE and facts.related_deposit_number:
        statements = (text("damage_statement", language, deposit=facts.related_deposit_number),)
    balance_words = (
        words(facts.balance, language, "balance_in_words") if facts.balance != facts.total else None
    )
    return Part(
        language=language,
        heading=text("details", language),
        title=_kind_titles(facts)[language],
        rows=tuple(rows),
        amounts=tuple(amounts),
        in_words=words(facts.total, language, "total_in_words"),
        more_in_words=(balance_words,) if balance_words else (),
        statements=statements,
    )


def _invoice_items(facts: InvoiceFacts, language: Language) -> Items:
    return Items(
        columns=(
            _column("line_no"),
            _column("description"),
            _column("quantity", numeric=True),
            _column("duration", numeric=True),
            _column("rate", numeric=True),
            _column("line_amount", numeric=True),
        ),
        rows=tuple(
            (
                str(n),
                line.description,
                format_number(line.quantity),
                format_duration(line.duration, line.unit, language),
                format_thb(line.rate),
                format_thb(line.amount),
            )
            for n, line in enumerate(facts.lines, start=1)
        ),
    )


def _invoice_layout(facts: InvoiceFacts, tenant: TenantProfile, language: Language) -> Layout:
    """A QR for exactly the balance due while there is one; PAID once nothing is left."""
    qr = None
    if facts.balance > ZERO:
        qr = promptpay_qr(tenant.promptpay_id, facts.balance, TEXT["pay_balance"])
    paid = INVOICE_STATUSES["paid"]
    return Layout(
        title=_kind_titles(facts),
        qr=qr,
        items=_invoice_items(facts, language),
        stamp=f"{paid['en'].upper()} / {paid['th']}" if facts.is_paid else None,
    )


# Receipts ----------------------------------------------------------------------------------------


def _receipt_rows(facts: PaymentReceiptFacts | PrepaymentReceiptFacts, language: Language) -> list[Row]:
    return [
        Row(text("receipt_type", language), label(DOCUMENT_KINDS, facts.kind, language)),
        Row(text("number", language), facts.receipt_number),
        Row(text("date", language), format_day(facts.paid_on, language)),  # the day it was received
    ]


def _payment_rows(facts: PaymentReceiptFacts | PrepaymentReceiptFacts, language: Language) -> list[Row]:
    return [
        Row(text("payment_method", language), label(PAYMENT_METHODS, facts.method, language)),
        Row(text("payment_reference", language), facts.payment_reference or NOTHING),
        Row(text("received_by", language), facts.recorded_by),
    ]


def _payment_receipt_part(facts: PaymentReceiptFacts, language: Language) -> Part:
    rows = _receipt_rows(facts, language)
    rows.append(
        Row(text("reference_document", language), text("invoice_of", language, number=facts.invoice_number))
    )
    if facts.job_id:
        rows.append(Row(text("job", language), facts.job_id))
    rows += _payment_rows(facts, language)
    return Part(
        language=language,
        heading=text("details", language),
        title=label(DOCUMENT_KINDS, facts.kind, language),
        rows=tuple(rows),
        amounts=(
            Amount(text("amount_received", language), format_thb(facts.amount), emphasis=True),
            Amount(text("paid_to_date", language), format_thb(facts.paid_total)),
            Amount(text("invoice_balance", language), format_thb(facts.balance)),
        ),
        in_words=words(facts.amount, language),
        statements=(
            (text("paid_in_full", language, number=facts.invoice_number),) if facts.balance <= ZERO else ()
        ),
    )


def _prepayment_receipt_part(facts: PrepaymentReceiptFacts, language: Language) -> Part:
    rows = _receipt_rows(facts, language)
    rows.append(Row(text("for_job", language), facts.job_id))
    rows += _payment_rows(facts, language)
    rate = format_rate(facts.vat_rate)
    return Part(
        language=language,
        heading=text("details", language),
        title=label(DOCUMENT_KINDS, facts.kind, language),
        rows=tuple(rows),
        amounts=(
            Amount(text("amount_received", language), format_thb(facts.amount), emphasis=True),
            Amount(text("before_vat", language), format_thb(facts.amount - facts.vat_amount)),
            Amount(text("vat_included", language, rate=rate), format_thb(facts.vat_amount)),
        ),
        in_words=words(facts.amount, language),
        statements=(text("prepayment_statement", language, job=facts.job_id, rate=rate),),
    )


# Tax invoice -------------------------------------------------------------------------------------


def _covered(facts: TaxInvoiceFacts, language: Language) -> list[str]:
    covered = [
        text(
            "covered_damage_invoice" if i.kind is InvoiceKind.DAMAGE else "covered_invoice",
            language,
            number=i.number,
        )
        for i in facts.invoices
    ]
    covered += [
        text(
            "covered_retention",
            language,
            deposit=r.deposit_number,
            receipt=r.return_receipt_number,
            amount=format_thb(r.amount),
        )
        for r in facts.retentions
    ]
    return covered


def _tax_invoice_part(facts: TaxInvoiceFacts, language: Language) -> Part:
    rows = [
        Row(text("number", language), facts.tax_invoice_number),
        Row(text("date", language), format_day(facts.issue_date, language)),
    ]
    # One row per covered document, the label on the first only.
    covers = text("covers", language)
    rows += [Row(covers if n == 0 else "", covered) for n, covered in enumerate(_covered(facts, language))]
    if facts.job_id:
        rows.append(Row(text("job", language), facts.job_id))
    return Part(
        language=language,
        heading=text("details", language),
        title=label(DOCUMENT_KINDS, facts.kind, language),
        rows=tuple(rows),
        amounts=(
            Amount(text("before_vat", language), format_thb(facts.amount_before_vat)),
            Amount(text("vat", language, rate=format_rate(facts.vat_rate)), format_thb(facts.vat_amount)),
            Amount(text("total", language), format_thb(facts.total), emphasis=True),
        ),
        in_words=words(facts.total, language, "total_in_words"),
    )


def _party(caption: str, party: TaxPartyFacts) -> Party:
    return Party(
        caption=TEXT[caption],
        name=party.name,
        address=party.address,
        tax={lang: tax_line(party.tax_id, party.branch_no, lang) for lang in LANGUAGES},
    )


def _tax_invoice_layout(facts: TaxInvoiceFacts) -> Layout:
    return Layout(
        title=_kind_titles(facts),
        heading=TAX_INVOICE_HEADING,
        items=Items(
            columns=(
                _column("line_no"),
                _column("description"),
                _column("quantity", numeric=True),
                _column("unit_price", numeric=True),
                _column("line_amount", numeric=True),
            ),
            rows=tuple(
                (
                    str(n),
                    line.description,
                    format_number(line.quantity),
                    format_thb(line.unit_price),
                    format_thb(line.amount),
                )
                for n, line in enumerate(facts.lines, start=1)
            ),
        ),
        parties=(_party("seller", facts.seller), _party("buyer", facts.buyer)),
        signatures=(Signature(TEXT["issued_by"], facts.issued_by),),
    )


# Any billing document ----------------------------------------------------------------------------


def billing_part(facts: BillingFacts, language: Language) -> Part:
    if isinstance(facts, InvoiceFacts):
        return _invoice_part(facts, language)
    if isinstance(facts, PaymentReceiptFacts):
        return _payment_receipt_part(facts, language)
    if isinstance(facts, PrepaymentReceiptFacts):
        return _prepayment_receipt_part(facts, language)
    return _tax_invoice_part(facts, language)


def billing_layout(facts: BillingFacts, tenant: TenantProfile, language: Language) -> Layout:
    """`language` is the one printed first: the items table speaks it (units such as days)."""
    if isinstance(facts, InvoiceFacts):
        return _invoice_layout(facts, tenant, language)
    if isinstance(facts, TaxInvoiceFacts):
        return _tax_invoice_layout(facts)
    return Layout(title=_kind_titles(facts), signatures=(Signature(TEXT["received_by"], facts.recorded_by),))
