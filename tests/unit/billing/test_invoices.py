"""The invoice's rules (SPEC §4): totals, sending, payments, pre-payments, overdue; no database."""

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from services.billing.domain import (
    BranchUnclear,
    DamageBasisInvalid,
    DateInFuture,
    InvoiceAlreadyPaid,
    InvoiceNotDraft,
    InvoiceNotSent,
    JobCancelled,
    JobStarted,
    LineSpec,
    NothingToInvoice,
    PaymentExceedsBalance,
    PaymentNotFound,
    check_prepayment,
    damage_basis,
    price_lines,
)
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.deposits import ReturnKind
from tests.unit.billing.factories import (
    NOW,
    STAFF,
    TODAY,
    VAT_7,
    draft,
    job,
    payment,
    prepayment,
    retention,
    sent,
)

D = Decimal


def test_a_draft_has_no_number_and_totals_subtotal_plus_vat() -> None:
    invoice = draft(
        LineSpec("Excavator 20 t", D(1), D("5000.00"), D(14), "day"),
        LineSpec("Plate compactor", D(2), D("15000.00"), D(1), "week"),
    )

    assert invoice.status is InvoiceStatus.DRAFT
    assert invoice.number is None
    assert [line.amount for line in invoice.lines] == [D("70000.00"), D("30000.00")]
    assert (invoice.subtotal, invoice.vat_amount, invoice.total) == (
        D("100000.00"),
        D("7000.00"),
        D("107000.00"),
    )
    assert invoice.balance == D("107000.00")


def test_sending_gives_the_number_the_issue_date_and_the_due_date_after_the_terms() -> None:
    invoice = sent(terms_days=30)

    assert invoice.status is InvoiceStatus.SENT
    assert invoice.number == "INV-2026-0001"
    assert invoice.issue_date == TODAY
    assert invoice.due_date == TODAY + timedelta(days=30)
    assert invoice.balance == D("107000.00")


def test_due_on_receipt_when_the_terms_are_zero_days() -> None:
    assert sent(terms_days=0).due_date == TODAY


def test_a_sent_invoice_cannot_be_edited_or_sent_again() -> None:
    invoice = sent()

    with pytest.raises(InvoiceNotDraft):
        invoice.price(price_lines([LineSpec("More", D(1), D("1.00"))]), VAT_7)
    with pytest.raises(InvoiceNotDraft):
        invoice.check_sendable()


def test_an_invoice_totalling_nothing_is_not_sent() -> None:
    invoice = draft(LineSpec("Delivery", D(1), D("0.00")))

    with pytest.raises(NothingToInvoice) as refused:
        invoice.check_sendable()
    assert refused.value.field == "lines"


def test_payments_below_the_balance_make_it_partial_and_the_last_makes_it_paid() -> None:
    invoice = sent()

    invoice.record_payment(payment("50000.00"), TODAY)
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PARTIAL, D("57000.00"))

    invoice.record_payment(payment("57000.00", receipt="RC-2026-0002"), TODAY)
    assert (invoice.status, invoice.balance, invoice.paid_total) == (
        InvoiceStatus.PAID,
        D("0.00"),
        D("107000.00"),
    )


def test_a_payment_above_the_balance_is_refused_naming_the_amount() -> None:
    invoice = sent()
    invoice.record_payment(payment("50000.00"), TODAY)

    with pytest.raises(PaymentExceedsBalance) as refused:
        invoice.record_payment(payment("57000.01"), TODAY)
    assert refused.value.field == "amount"
    assert invoice.balance == D("57000.00")
    assert len(invoice.payments) == 1


def test_a_draft_cannot_be_paid_nor_a_paid_invoice_paid_again() -> None:
    with pytest.raises(InvoiceNotSent):
        draft().check_payment(D("1.00"), TODAY, TODAY)
    paid = sent()
    paid.record_payment(payment("107000.00"), TODAY)
    with pytest.raises(InvoiceAlreadyPaid):
        paid.check_payment(D("1.00"), TODAY, TODAY)


def test_a_payment_cannot_be_dated_in_the_future() -> None:
    with pytest.raises(DateInFuture) as refused:
        sent().check_payment(D("1.00"), TODAY + timedelta(days=1), TODAY)
    assert refused.value.field == "paid_on"


def test_a_pre_payment_is_shown_below_the_totals_and_reduces_the_balance() -> None:
    invoice = sent(job_id="J-1", prepayments=[prepayment("50000.00")])

    assert invoice.total == D("107000.00")
    assert [p.amount for p in invoice.prepayments] == [D("50000.00")]
    assert invoice.balance == D("57000.00")
    assert invoice.status is InvoiceStatus.PARTIAL


def test_sending_announces_the_lines_the_pre_payments_below_the_totals_and_the_balance() -> None:
    invoice = draft(LineSpec("Excavator 20 t", D(1), D("5000.00"), D(14), "day"), job_id="J-1")

    sent_event = invoice.send(
        number="INV-2026-0007",
        issue_date=TODAY,
        terms_days=30,
        prepayments=[prepayment("20000.00")],
        at=NOW,
        by=STAFF,
    )

    assert (sent_event.number, sent_event.due_date) == ("INV-2026-0007", TODAY + timedelta(days=30))
    assert [(line.quantity, line.duration, line.amount) for line in sent_event.lines] == [
        (D(1), D(14), D("70000.00"))
    ]
    assert (sent_event.vat.rate, sent_event.total) == (D("0.07"), D("74900.00"))
    assert [p.receipt_number for p in sent_event.prepayments] == ["PREREC-2026-0001"]
    assert (sent_event.paid_total, sent_event.balance) == (D("20000.00"), D("54900.00"))
    assert sent_event.sent_by.user_id == STAFF.user_id


def test_an_overdue_invoice_is_announced_once() -> None:
    invoice = sent(terms_days=30)
    late = TODAY + timedelta(days=31)

    assert invoice.flag_overdue(today=TODAY, at=NOW) is None
    overdue = invoice.flag_overdue(today=late, at=NOW)
    assert overdue is not None
    assert (overdue.invoice_number, overdue.balance) == ("INV-2026-0001", D("107000.00"))
    assert invoice.flag_overdue(today=late, at=NOW) is None


def test_pre_payments_covering_the_whole_invoice_leave_it_paid_when_sent() -> None:
    invoice = sent(job_id="J-1", prepayments=[prepayment("107000.00")])

    assert (invoice.status, invoice.balance) == (InvoiceStatus.PAID, D("0.00"))


def test_a_pre_payment_that_would_take_the_balance_below_zero_waits_for_a_later_invoice() -> None:
    first, second, third = (
        prepayment("60000.00", receipt="PREREC-2026-0001", paid_on=date(2026, 11, 1)),
        prepayment("60000.00", receipt="PREREC-2026-0002", paid_on=date(2026, 11, 2)),
        prepayment("40000.00", receipt="PREREC-2026-0003", paid_on=date(2026, 11, 3)),
    )

    invoice = sent(job_id="J-1", prepayments=[third, second, first])

    assert [p.receipt_number for p in invoice.prepayments] == ["PREREC-2026-0001", "PREREC-2026-0003"]
    assert invoice.balance == D("7000.00")


def test_a_damage_invoice_takes_no_pre_payment_and_neither_does_one_without_a_job() -> None:
    assert draft(kind=InvoiceKind.DAMAGE, job_id="J-1").prepayments_to_apply([prepayment("1.00")]) == []
    assert draft().prepayments_to_apply([prepayment("1.00")]) == []


def test_overdue_is_past_the_due_date_with_a_balance() -> None:
    invoice = sent(terms_days=30)
    due = TODAY + timedelta(days=30)

    assert not invoice.is_overdue(due)
    assert invoice.is_overdue(due + timedelta(days=1))
    invoice.record_payment(payment("100000.00"), TODAY)
    assert invoice.is_overdue(due + timedelta(days=1))  # partial, still owing
    invoice.record_payment(payment("7000.00"), TODAY)
    assert not invoice.is_overdue(due + timedelta(days=1))  # paid
    assert not draft().is_overdue(due + timedelta(days=365))


def test_a_damage_invoice_names_the_deposit_forfeited_on_its_job() -> None:
    forfeit = retention(job_id="J-1")

    basis = damage_basis(
        InvoiceKind.DAMAGE,
        job_id="J-1",
        customer_id="c1",
        related_deposit_id=forfeit.deposit_id,
        retained_from_deposit=[forfeit],
    )

    assert basis is forfeit


@pytest.mark.parametrize(
    ("kind", "job_id", "deposit", "kept", "field"),
    [
        (InvoiceKind.STANDARD, "J-1", True, "forfeit", "related_deposit_id"),  # only damage names one
        (InvoiceKind.DAMAGE, None, True, "forfeit", "job_id"),
        (InvoiceKind.DAMAGE, "J-1", False, "forfeit", "related_deposit_id"),
        (InvoiceKind.DAMAGE, "J-2", True, "forfeit", "related_deposit_id"),  # forfeited on another job
        (InvoiceKind.DAMAGE, "J-1", True, "partial", "related_deposit_id"),  # not forfeited
        (InvoiceKind.DAMAGE, "J-1", True, "voided", "related_deposit_id"),
    ],
)
def test_a_damage_invoice_without_a_forfeited_deposit_on_its_job_is_refused(
    kind: InvoiceKind, job_id: str | None, deposit: bool, kept: str, field: str
) -> None:
    held = retention(
        kind=ReturnKind.PARTIAL if kept == "partial" else ReturnKind.FORFEIT,
        voided_at=NOW if kept == "voided" else None,
    )

    with pytest.raises(DamageBasisInvalid) as refused:
        damage_basis(
            kind,
            job_id=job_id,
            customer_id="c1",
            related_deposit_id=held.deposit_id if deposit else None,
            retained_from_deposit=[held],
        )
    assert refused.value.field == field


def test_a_pre_payment_is_for_a_job_that_has_not_started() -> None:
    tomorrow = TODAY + timedelta(days=1)
    check_prepayment(job("picking", start_date=tomorrow), paid_on=TODAY, today=TODAY)

    for started in (job("on_site"), job("delivering"), job("closed"), job("new", start_date=TODAY)):
        with pytest.raises(JobStarted) as refused:
            check_prepayment(started, paid_on=TODAY, today=TODAY)
        assert refused.value.field == "job_id"
    with pytest.raises(JobCancelled):
        check_prepayment(job("cancelled"), paid_on=TODAY, today=TODAY)
    with pytest.raises(DateInFuture):
        check_prepayment(job("new", start_date=tomorrow), paid_on=tomorrow, today=TODAY)


def test_money_for_a_job_is_taken_at_the_job_s_branch() -> None:
    assert job(branch_id="bkk").branch_for(None) == "bkk"
    assert job(branch_id=None).branch_for("cnx") == "cnx"
    for branch, requested in (("bkk", "cnx"), (None, None)):
        with pytest.raises(BranchUnclear) as refused:
            job(branch_id=branch).branch_for(requested)
        assert refused.value.field == "branch_id"


def test_each_payment_keeps_its_own_receipt() -> None:
    invoice = sent()
    first, second = payment("1.00", receipt="RC-2026-0001"), payment("2.00", receipt="RC-2026-0002")
    invoice.record_payment(first, TODAY)
    invoice.record_payment(second, TODAY)

    assert invoice.payment(second.id).receipt_number == "RC-2026-0002"
    with pytest.raises(PaymentNotFound):
        invoice.payment(uuid4())
