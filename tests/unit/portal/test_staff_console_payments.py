"""The staff console's pure rules of part 2: what Record payment asks billing for, where an inbox
alert leads, the page a portal link returns to, the link's QR, and every console label in both
languages."""

import base64
import io

import zxingcpp
from PIL import Image

from services.portal.domain.staff import PAYMENT_METHODS, Paging, PaymentForm, alert_target, safe_back
from services.portal.entrypoints.staff_pages import console_qr
from services.portal.translations import CONSOLE_MESSAGES, billing_status_label

REPORT = "9b0c7f5e-51f6-4d5e-9f0e-3f4b8f3a2c11"
DEPOSIT = "1f7f5a8e-1111-4a5e-9f0e-3f4b8f3a2c11"
INVOICE = "2A7F5A8E-2222-4A5E-9F0E-3F4B8F3A2C11"


def test_record_payment_defaults_to_the_reports_amount_and_its_slip_reference() -> None:
    form = PaymentForm.for_report({"amount": "107000.00", "slip_reference": "014-2026112314552800001"})
    assert form == PaymentForm(amount="107000.00", method="promptpay", reference="014-2026112314552800001")
    assert PaymentForm.for_report({"amount": "500.00", "slip_reference": None}).reference == ""


def test_record_payment_asks_billing_for_the_amount_typed_and_closes_the_report() -> None:
    form = PaymentForm.of({"amount": " ฿10,000.50 ", "method": "cash", "reference": "KBANK-1", "x": "y"})
    assert form.request_body(REPORT) == {
        "amount": "10000.50",
        "method": "cash",
        "reference": "KBANK-1",
        "report_id": REPORT,
    }


def test_an_amount_that_is_not_a_number_goes_as_typed_so_billing_names_it_and_none_means_the_balance() -> (
    None
):
    assert PaymentForm(amount="ten").request_body(REPORT)["amount"] == "ten"
    assert "amount" not in PaymentForm(amount="").request_body(REPORT)
    assert PaymentForm.of({"amount": ["odd"]}).amount == ""


def test_the_payment_methods_are_billings_six() -> None:
    assert PAYMENT_METHODS == ("bank_transfer", "cash", "promptpay", "credit_card", "cheque", "other")


def test_an_alert_leads_to_what_it_is_about() -> None:
    slip = "http://localhost:8000/v1/slips/abc?token=x"
    assert alert_target({"kind": "payment_reported", "link": slip}) == "/staff/payments"
    assert alert_target({"kind": "duplicate_slip", "link": f"/v1/invoices/{INVOICE}"}) == (
        f"/staff/payments?invoice_id={INVOICE.lower()}"
    )
    assert alert_target({"kind": "deposit_return_overdue", "link": f"/v1/deposits/{DEPOSIT}"}) == (
        f"/staff/deposits/{DEPOSIT}"
    )
    assert alert_target({"kind": "tax_invoice_due", "link": f"/v1/deposits/{DEPOSIT}"}) == (
        f"/staff/deposits/{DEPOSIT}"
    )
    assert alert_target({"kind": "document_render_failed", "link": f"/v1/documents/{DEPOSIT}"}) == (
        f"/staff/documents/{DEPOSIT}"
    )
    assert alert_target({"kind": "invoice_overdue", "link": f"/v1/invoices/{INVOICE}"}) == (
        f"/staff/payments?invoice_id={INVOICE.lower()}"
    )


def test_an_alert_the_console_has_no_page_for_leads_nowhere() -> None:
    assert alert_target({"kind": "event_dead_lettered", "link": None}) is None
    assert alert_target({"kind": "notice_failed", "link": "/v1/notices?customer_id=c-1"}) is None
    assert (
        alert_target({"kind": "deposit_return_overdue", "link": "https://evil.example/v1/deposits/x"}) is None
    )


def test_a_portal_link_returns_only_to_a_console_page() -> None:
    assert safe_back("/staff/deposits/abc") == "/staff/deposits/abc"
    assert safe_back("/staff/payments?invoice_id=x") == "/staff/payments?invoice_id=x"
    for elsewhere in ("https://evil.example/staff", "//evil.example", "/invoices", "", "/staff\\@evil"):
        assert safe_back(elsewhere) == "/staff"


def test_the_links_qr_decodes_to_the_link() -> None:
    url = "http://localhost:8000/l/abc.def-ghi_jkl"
    uri = console_qr(url)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.removeprefix("data:image/png;base64,"))))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [url]


def test_every_console_label_is_in_thai_and_english() -> None:
    for key, text in CONSOLE_MESSAGES.items():
        assert text.get("en"), key
        assert text.get("th"), key


def test_an_invoices_stored_status_reads_as_the_customer_reads_it() -> None:
    assert [billing_status_label(s, "en") for s in ("draft", "sent", "partial", "paid")] == [
        "Draft",
        "Unpaid",
        "Partial",
        "Paid",
    ]
    assert billing_status_label("sent", "th") == "ยังไม่ชำระ"
    assert billing_status_label("odd", "en") == "odd"


def test_a_list_page_asks_the_api_by_limit_and_offset_and_falls_back_to_its_last_page() -> None:
    paging = Paging.of("3", 25)
    assert paging.api_params() == {"limit": 25, "offset": 50}
    assert paging.pages(51) == 3
    assert paging.within(51) == paging
    assert paging.within(50) == Paging(page=2, size=25)  # a report closed: page 3 is gone
    assert paging.within(0) == Paging(page=1, size=25)
    for junk in (None, "", "0", "-1", "two", "٣", "9" * 30):
        assert Paging.of(junk, 25).page in (1, 100_000)
    assert Paging.of("", 25).page == 1
    assert Paging.of("9" * 30, 25).page == 100_000
