"""What billing documents state, taken from billing's events (SPEC §4, §5): the invoice as sent and
again after each payment, the receipts RC and PREREC, the tax invoice, and what each announces."""

from datetime import UTC, date, datetime
from decimal import Decimal

from services.documents.domain import (
    FACTS,
    DocumentFacts,
    RenderJob,
    invoice_facts,
    invoice_with_payment,
    payment_receipt_facts,
    prepayment_receipt_facts,
    tax_invoice_facts,
    version_status,
)
from shared.contracts.billing import InvoiceKind
from shared.contracts.documents import DocumentKind, document_id
from tests.unit.documents import factories


def test_an_invoice_as_sent_is_version_1_with_its_lines_vat_and_prepayments() -> None:
    sent = factories.invoice_sent(
        prepayments=[factories.applied_prepayment()],
        paid_total=Decimal("50000.00"),
        balance=Decimal("57000.00"),
    )

    facts = invoice_facts(sent)

    assert (facts.kind, facts.number, facts.version) == (DocumentKind.INVOICE, sent.number, 1)
    assert [(line.description, line.duration, line.unit) for line in facts.lines] == [
        ("Excavator 20 t", Decimal("14"), "day"),
        ("Plate compactor", Decimal("1"), "week"),
    ]
    assert (facts.subtotal, facts.vat_rate, facts.vat_amount, facts.total) == (
        Decimal("100000.00"),
        Decimal("0.07"),
        Decimal("7000.00"),
        Decimal("107000.00"),
    )
    assert [(p.receipt_number, p.amount) for p in facts.prepayments] == [
        ("PREREC-2026-0007", Decimal("50000.00"))
    ]
    assert facts.balance == Decimal("57000.00")
    assert not facts.is_paid


def test_each_payment_makes_the_next_version_of_the_invoice_with_the_payments_so_far() -> None:
    sent = factories.invoice_sent()
    first = factories.payment_recorded(sent, amount=Decimal("50000.00"))
    second = factories.payment_recorded(sent, amount=Decimal("57000.00"), paid_total=Decimal("107000.00"))

    v2 = invoice_with_payment(invoice_facts(sent), first)
    v3 = invoice_with_payment(v2, second)

    assert (v2.version, v2.balance, v2.is_paid) == (2, Decimal("57000.00"), False)
    assert (v3.version, v3.balance, v3.is_paid) == (3, Decimal("0.00"), True)
    assert [p.receipt_number for p in v3.payments] == [first.receipt_number, second.receipt_number]
    assert v3.has_payment(first.payment_id)
    # The invoice itself is unchanged: same number, date, lines and total on every version.
    assert (v3.number, v3.issue_date, v3.lines, v3.total) == (
        sent.number,
        sent.issue_date,
        v2.lines,
        sent.total,
    )
    assert v3.issued_on("Asia/Bangkok") == sent.issue_date


def test_an_invoice_announces_its_total_and_the_job_or_forfeited_deposit_it_belongs_to() -> None:
    standard = invoice_facts(factories.invoice_sent())
    damage = invoice_facts(
        factories.invoice_sent(kind=InvoiceKind.DAMAGE, related_deposit_number="DEP-2026-0011")
    )

    assert (standard.amount_stated, standard.reference, standard.related_number) == (
        Decimal("107000.00"),
        "",
        "J-1001",
    )
    assert (damage.invoice_kind, damage.related_number) == (InvoiceKind.DAMAGE, "DEP-2026-0011")
    assert version_status(standard) == "issued"


def test_a_receipt_is_dated_the_day_the_money_was_received_and_announces_the_payment() -> None:
    sent = factories.invoice_sent()
    payment = factories.payment_recorded(sent, paid_on=date(2026, 3, 25))

    facts = payment_receipt_facts(payment)

    assert (facts.kind, facts.number) == (DocumentKind.RECEIPT, payment.receipt_number)
    assert facts.issued_on("Asia/Bangkok") == date(2026, 3, 25)
    assert (facts.amount_stated, facts.reference, facts.related_number) == (
        Decimal("50000.00"),
        "PP-20260325-001",
        sent.number,
    )
    assert facts.recorded_by == "Nok Staff"


def test_a_prepayment_receipt_names_its_job_and_the_vat_it_includes() -> None:
    event = factories.prepayment_recorded()

    facts = prepayment_receipt_facts(event)

    assert (facts.kind, facts.number) == (DocumentKind.PREPAYMENT_RECEIPT, event.receipt_number)
    assert (facts.amount_stated, facts.vat_amount, facts.vat_rate) == (
        Decimal("50000.00"),
        Decimal("3271.03"),
        Decimal("0.07"),
    )
    assert (facts.reference, facts.related_number) == ("KBANK-5501", "J-1002")


def test_a_tax_invoice_keeps_seller_buyer_and_what_it_covers_as_issued() -> None:
    event = factories.tax_invoice_issued()

    facts = tax_invoice_facts(event)

    assert (facts.kind, facts.number, facts.issued_on("Asia/Bangkok")) == (
        DocumentKind.TAX_INVOICE,
        event.number,
        event.issue_date,
    )
    assert (facts.seller.tax_id, facts.seller.branch_no) == ("0105556012345", "00000")
    assert (facts.buyer.tax_id, facts.buyer.branch_no) == ("0105560000001", "00001")
    assert (facts.amount_before_vat, facts.vat_amount, facts.total) == (
        Decimal("48691.59"),
        Decimal("3408.41"),
        Decimal("52100.00"),
    )
    assert facts.related_number == "INV-2026-0050"
    assert [(r.deposit_number, r.return_receipt_number) for r in facts.retentions] == [
        ("DEP-2026-0011", "DEPRR-2026-0009")
    ]


def test_a_tax_invoice_for_a_retention_alone_is_related_to_the_deposit() -> None:
    facts = tax_invoice_facts(factories.tax_invoice_issued(invoices=[]))

    assert facts.related_number == "DEP-2026-0011"


def test_billing_facts_survive_the_round_trip_through_the_job_row() -> None:
    sent = factories.invoice_sent(prepayments=[factories.applied_prepayment()])
    every_kind: list[DocumentFacts] = [
        invoice_with_payment(invoice_facts(sent), factories.payment_recorded(sent)),
        payment_receipt_facts(factories.payment_recorded(sent)),
        prepayment_receipt_facts(factories.prepayment_recorded()),
        tax_invoice_facts(factories.tax_invoice_issued()),
    ]

    for facts in every_kind:
        assert FACTS.validate_python(FACTS.dump_python(facts, mode="json")) == facts


def test_every_version_of_an_invoice_is_the_same_document() -> None:
    sent = factories.invoice_sent()
    v1 = invoice_facts(sent)
    v2 = invoice_with_payment(v1, factories.payment_recorded(sent))
    now = datetime(2026, 3, 26, tzinfo=UTC)

    jobs = [
        RenderJob.new(
            id=sent.invoice_id, tenant_id="t-1", branch_id="bkk", facts=f, version=f.version, now=now
        )
        for f in (v1, v2)
    ]

    assert {job.document_id for job in jobs} == {document_id("t-1", DocumentKind.INVOICE, sent.number)}
    assert [job.version for job in jobs] == [1, 2]
