"""The "I've paid" loop across every service (issue 3): an invoice with its PromptPay QR in the
portal, the customer's report with a slip, the staff alert, the payments, the receipts."""

import re
from decimal import Decimal
from uuid import uuid4

import httpx
import pytest

from shared.promptpay import promptpay_payload
from tests.helpers import eventually, qr_payloads, slip_screenshot, visible
from tests.system import DEMO_TENANT_SETTINGS, System

pytestmark = pytest.mark.e2e

PROMPTPAY_ID = DEMO_TENANT_SETTINGS["promptpay_id"]


async def invoice_page(portal: httpx.AsyncClient, invoice: dict, *expected: str) -> str:
    """The invoice's page once it shows everything expected (the portal follows events)."""

    async def page() -> str:
        response = await portal.get(f"/invoices/{invoice['id']}", params={"pay": "1"})
        assert response.status_code == 200, response.status_code
        text = visible(response.text)
        assert all(e in text for e in expected), f"not yet {expected}: {text[:1500]}"
        return response.text

    return await eventually(page, timeout_s=15)


async def staff_alert(system: System, tenant_id: str, title: str) -> dict:
    async def alert() -> dict | None:
        response = await system.get("notifications", "/v1/inbox", tenant_id)
        return next((a for a in response.json()["items"] if a["title"] == title), None)

    return await eventually(alert, timeout_s=15)


async def test_an_invoice_goes_from_unpaid_to_reported_to_partial_to_paid(system: System) -> None:
    billing_staff = f"billing-{uuid4().hex[:8]}@siamtools.example"
    tenant_id = await system.new_tenant(billing_staff_emails=[billing_staff])
    customer = await system.new_customer(tenant_id, language="en", name="Somchai Jaidee")
    portal = await system.portal_session(customer)

    invoice = await system.sent_invoice(customer)
    number = invoice["number"]
    assert (invoice["subtotal"], invoice["vat_amount"], invoice["total"]) == (
        "100000.00",
        "7000.00",
        "107000.00",
    )

    page = await invoice_page(portal, invoice, number, "Unpaid")
    qr = promptpay_payload(PROMPTPAY_ID, Decimal("107000"))
    assert qr_payloads(page, number) == [qr]
    assert "5409107000.00" in qr
    assert PROMPTPAY_ID in qr

    # The customer pays with their banking app, then taps I've paid with the screenshot.
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    slip = slip_screenshot()
    tapped = await portal.post(
        f"/invoices/{invoice['id']}/paid",
        data={"csrf": token.group(1)},
        files={"slip": ("IMG_2041.PNG", slip, "image/png")},
    )
    assert tapped.status_code == 200, tapped.text
    assert "Payment reported — being checked" in visible(tapped.text)

    alert = await staff_alert(system, tenant_id, f"Customer reported payment for {number}")
    assert "Somchai Jaidee" in alert["body"]
    assert "฿107,000.00" in alert["body"]
    opened = await system.http.get(
        system.url("portal") + system.portal_path(alert["link"])
    )  # no bearer token
    assert opened.status_code == 200, opened.text
    assert opened.content == slip

    # Staff reconcile against their bank statement: ฿50,000 has arrived.
    [report] = (
        await system.get("billing", "/v1/reported-payments", tenant_id, invoice_id=invoice["id"])
    ).json()["items"]
    first = await system.pay_invoice(tenant_id, invoice, amount="50000", report_id=report["id"])
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "partial"
    first_receipt = first.json()["payments"][-1]["receipt_number"]

    page = await invoice_page(portal, invoice, "Partial", first_receipt, "฿57,000.00")
    assert qr_payloads(page, number) == [promptpay_payload(PROMPTPAY_ID, Decimal("57000"))]
    assert "5408" + "57000.00" in qr_payloads(page, number)[0]

    second = await system.pay_invoice(tenant_id, invoice, amount="57000")
    assert second.json()["status"] == "paid"
    second_receipt = second.json()["payments"][-1]["receipt_number"]

    page = await invoice_page(portal, invoice, "Paid", second_receipt)
    assert qr_payloads(page, number) == []
    receipts = visible((await portal.get("/receipts")).text)
    assert first_receipt in receipts
    assert second_receipt in receipts
    assert (await portal.get(f"/invoices/{invoice['id']}/qr.png")).status_code == 404
