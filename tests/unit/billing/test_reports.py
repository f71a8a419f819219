"""A customer's "I've paid" is a report awaiting reconciliation, closed once (SPEC §4)."""

from decimal import Decimal
from uuid import uuid4

import pytest

from services.billing.domain import (
    PaymentReport,
    ReportClosed,
    ReportNotOnInvoice,
    ReportStatus,
    duplicate_slip_invoices,
)
from tests.unit.billing.factories import NOW, STAFF


def _report() -> PaymentReport:
    return PaymentReport(uuid4(), "t1", uuid4(), "INV-2026-0042", "c1", Decimal("107000.00"), NOW, NOW)


def test_recording_the_payment_closes_the_report_once() -> None:
    report = _report()
    payment_id = uuid4()

    report.check_on(report.invoice_id)
    report.record(payment_id, at=NOW, by=STAFF)

    assert (report.status, report.payment_id) == (ReportStatus.RECORDED, payment_id)
    with pytest.raises(ReportClosed) as refused:
        report.check_on(report.invoice_id)
    assert refused.value.field == "report_id"
    with pytest.raises(ReportClosed):
        report.dismiss("again", at=NOW, by=STAFF)


def test_a_dismissed_report_keeps_its_reason_and_cannot_be_recorded() -> None:
    report = _report()

    report.dismiss("No such transfer on the statement", at=NOW, by=STAFF)

    assert (report.status, report.reason, report.closed_by) == (
        ReportStatus.DISMISSED,
        "No such transfer on the statement",
        STAFF,
    )
    with pytest.raises(ReportClosed):
        report.record(uuid4(), at=NOW, by=STAFF)


def test_a_report_settles_only_its_own_invoice() -> None:
    with pytest.raises(ReportNotOnInvoice) as refused:
        _report().check_on(uuid4())
    assert refused.value.field == "report_id"


def test_the_same_slip_on_another_invoice_is_a_possible_duplicate() -> None:
    this, other, third = uuid4(), uuid4(), uuid4()

    same = duplicate_slip_invoices(
        this,
        [
            (this, "INV-2026-0042"),
            (other, "INV-2026-0041"),
            (third, "INV-2026-0040"),
            (other, "INV-2026-0041"),
        ],
    )

    assert same == ["INV-2026-0040", "INV-2026-0041"]
    assert duplicate_slip_invoices(this, [(this, "INV-2026-0042")]) == []
