"""What the customer sees of an invoice: the badge (Overdue at the business date), the QR only while
something is due, and at most one "I've paid" report open at a time."""

import base64
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
import zxingcpp
from PIL import Image

from services.portal.domain import (
    AppliedPrepayment,
    Business,
    CustomerScope,
    Invoice,
    InvoiceBadge,
    NothingToPay,
    PaymentReport,
    ReportStatus,
    Slip,
    all_caught_up,
    deposit_section,
    group_jobs,
    outstanding,
    report_payment,
)
from services.portal.entrypoints.pages import invoice_qr_codes
from shared.promptpay import promptpay_payload

DUE = date(2026, 4, 11)
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
BUSINESS = Business("t-1", name_en="Siam Tool Rentals", promptpay_id="0105556012345")
SCOPE = CustomerScope("t-1", "c-1")


def _invoice(total: str = "107000", balance: str | None = None, **more: object) -> Invoice:
    fields: dict[str, object] = {
        "invoice_id": uuid4(),
        "number": "INV-2026-0042",
        "kind": "standard",
        "issue_date": DUE - timedelta(days=30),
        "due_date": DUE,
        "total": Decimal(total),
        "balance": Decimal(balance if balance is not None else total),
        "document_id": uuid4(),
    }
    return Invoice(**{**fields, **more})  # type: ignore[arg-type]


def _report(invoice: Invoice, status: ReportStatus) -> PaymentReport:
    return PaymentReport(uuid4(), invoice.invoice_id, status, invoice.balance, NOW)


@pytest.mark.parametrize(
    ("balance", "today", "badge"),
    [
        ("107000", DUE - timedelta(days=30), InvoiceBadge.UNPAID),
        ("107000", DUE, InvoiceBadge.UNPAID),  # due today is not yet overdue
        ("107000", DUE + timedelta(days=1), InvoiceBadge.OVERDUE),
        ("57000", DUE, InvoiceBadge.PARTIAL),
        ("57000", DUE + timedelta(days=1), InvoiceBadge.OVERDUE),
        ("0", DUE, InvoiceBadge.PAID),
        ("0", DUE + timedelta(days=400), InvoiceBadge.PAID),  # paid is never overdue
    ],
)
def test_the_badge_is_unpaid_partial_paid_or_overdue_after_the_due_date_with_a_balance(
    balance: str, today: date, badge: InvoiceBadge
) -> None:
    assert _invoice(balance=balance).badge(today) is badge


def test_a_pre_payment_makes_the_invoice_partly_paid() -> None:
    prepaid = _invoice(
        balance="57000", prepayments=(AppliedPrepayment("PREREC-2026-0001", Decimal("50000"), DUE),)
    )

    assert prepaid.paid == Decimal("50000")
    assert prepaid.badge(DUE) is InvoiceBadge.PARTIAL


def _decoded(data_uri: str) -> list[str]:
    image = Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1])))
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_a_qr_for_exactly_the_balance_only_while_something_is_due_and_no_report_is_open() -> None:
    partial = _invoice(balance="57000")
    paid = _invoice(balance="0")
    reported = _invoice()
    reported = _invoice(invoice_id=reported.invoice_id, latest_report=_report(reported, ReportStatus.OPEN))

    codes = invoice_qr_codes(BUSINESS, [partial, paid, reported])

    assert list(codes) == [partial.invoice_id]
    assert _decoded(codes[partial.invoice_id]) == [promptpay_payload("0105556012345", Decimal("57000.00"))]
    assert invoice_qr_codes(Business("t-1", promptpay_id="not-an-id"), [partial]) == {}


def test_an_open_report_hides_pay_until_billing_closes_it() -> None:
    invoice = _invoice()
    open_report = _report(invoice, ReportStatus.OPEN)

    waiting = _invoice(invoice_id=invoice.invoice_id, latest_report=open_report)
    dismissed = _invoice(
        invoice_id=invoice.invoice_id, latest_report=_report(invoice, ReportStatus.DISMISSED)
    )
    recorded = _invoice(
        invoice_id=invoice.invoice_id, balance="0", latest_report=_report(invoice, ReportStatus.RECORDED)
    )

    assert invoice.payable
    assert (waiting.open_report, waiting.payable) == (open_report, False)
    assert (dismissed.open_report, dismissed.payable, dismissed.report_dismissed) == (None, True, True)
    assert (recorded.open_report, recorded.payable, recorded.report_dismissed) == (None, False, False)


def test_a_report_is_for_the_balance_due_with_the_slips_reference() -> None:
    invoice = _invoice(balance="57000")
    slip = Slip(uuid4(), b"\x89PNG...", "image/png", reference="014-2026112314552800001")

    report, _ = report_payment(invoice, scope=SCOPE, report_id=uuid4(), at=NOW, slip=slip)

    assert report.is_open
    assert (report.invoice_id, report.amount, report.reported_at) == (
        invoice.invoice_id,
        Decimal("57000"),
        NOW,
    )
    assert (report.slip_id, report.slip_reference) == (slip.slip_id, "014-2026112314552800001")
    assert report_payment(invoice, scope=SCOPE, report_id=uuid4(), at=NOW, slip=None)[0].slip_id is None


def test_a_report_announces_the_invoice_the_customer_the_amount_and_the_slip_never_its_bytes() -> None:
    invoice = _invoice(balance="57000")
    slip = Slip(uuid4(), b"\x89PNG...", "image/png", reference="014-2026112314552800001")

    report, reported = report_payment(invoice, scope=SCOPE, report_id=uuid4(), at=NOW, slip=slip)

    assert (reported.report_id, reported.invoice_id, reported.invoice_number) == (
        report.report_id,
        invoice.invoice_id,
        "INV-2026-0042",
    )
    assert (reported.customer_id, reported.amount, reported.reported_at) == ("c-1", Decimal("57000"), NOW)
    assert reported.slip is not None
    assert (reported.slip.slip_id, reported.slip.size_bytes, reported.slip.sha256) == (
        slip.slip_id,
        slip.size_bytes,
        slip.sha256,
    )
    assert reported.slip_reference == "014-2026112314552800001"
    assert "content" not in reported.slip.model_dump()


def test_nothing_is_reported_on_a_paid_invoice() -> None:
    with pytest.raises(NothingToPay):
        report_payment(_invoice(balance="0"), scope=SCOPE, report_id=uuid4(), at=NOW, slip=None)


def test_a_slip_is_kept_with_its_size_and_sha256() -> None:
    slip = Slip(uuid4(), b"abc", "image/png")

    assert slip.size_bytes == 3
    assert slip.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_outstanding_invoices_are_those_with_a_balance_soonest_due_first() -> None:
    later = _invoice(number="INV-2026-0002", due_date=DUE + timedelta(days=10))
    sooner = _invoice(number="INV-2026-0003", balance="100")
    paid = _invoice(number="INV-2026-0001", balance="0")

    assert [i.number for i in outstanding([later, paid, sooner])] == ["INV-2026-0003", "INV-2026-0002"]


def test_an_unpaid_invoice_means_not_all_caught_up() -> None:
    nothing_open = group_jobs([], DUE)
    no_deposits = deposit_section([])

    assert all_caught_up(nothing_open, no_deposits, outstanding([_invoice(balance="0")]))
    assert not all_caught_up(nothing_open, no_deposits, outstanding([_invoice(balance="0.01")]))
