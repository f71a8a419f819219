"""The staff console, part 2 (issue 8), over HTTP against the real services: a customer's "I've
paid" with a slip reaches the clerk's Payments page within seconds, Record payment closes it and the
customer's portal shows the invoice Partial; Dismiss needs a reason; the inbox shows the alert and
Mark as read works; a portal link at the counter is a QR that opens the customer's portal. A clerk of
branch bkk never sees a cnx report or alert, and no form works without its anti-forgery token."""

import base64
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import async_playwright, expect

from tests.e2e.test_ive_paid_loop import invoice_page
from tests.e2e.test_portal_browser import CHROMIUM_ARGS
from tests.e2e.test_staff_console import console, hidden, sign_in_path
from tests.helpers import eventually, slip_screenshot, visible
from tests.system import Customer, System

pytestmark = pytest.mark.e2e

SLIP_REFERENCE = "014-2026112314552800001"
BKK_CLERK = {"roles": ["staff"], "branches": ["bkk"]}


async def reported(
    system: System, tenant_id: str | None = None, *, branch_id: str = "bkk", name: str = "Somchai Jaidee"
) -> tuple[Customer, dict[str, Any], httpx.AsyncClient, bytes]:
    """A sent invoice the customer has tapped "I've paid" on, with a screenshot of the slip."""
    tenant_id = tenant_id or await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en", name=name)
    portal = await system.portal_session(customer)
    invoice = await system.sent_invoice(customer, branch_id=branch_id)
    page = await invoice_page(portal, invoice, invoice["number"], "Unpaid")
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    slip = slip_screenshot()
    tapped = await portal.post(
        f"/invoices/{invoice['id']}/paid",
        data={"csrf": token.group(1)},
        files={"slip": ("IMG_2041.PNG", slip, "image/png")},
    )
    assert "Payment reported — being checked" in visible(tapped.text)
    return customer, invoice, portal, slip


async def payments_page(clerk: httpx.AsyncClient, *expected: str, path: str = "/staff/payments") -> str:
    """The clerk's Payments page once it shows everything expected (billing follows the portal)."""

    async def page() -> str:
        response = await clerk.get(path)
        assert response.status_code == 200, response.status_code
        text = visible(response.text)
        assert all(e in text for e in expected), f"not yet {expected}: {text[:1500]}"
        return response.text

    return await eventually(page, timeout_s=15)


async def open_reports(system: System, tenant_id: str, invoice: dict[str, Any]) -> list[dict[str, Any]]:
    response = await system.get(
        "billing", "/v1/reported-payments", tenant_id, invoice_id=invoice["id"], status="open"
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def billing_invoice(system: System, tenant_id: str, invoice: dict[str, Any]) -> dict[str, Any]:
    response = await system.get("billing", f"/v1/invoices/{invoice['id']}", tenant_id)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def alerts(system: System, tenant_id: str) -> list[dict[str, Any]]:
    return list((await system.get("notifications", "/v1/inbox", tenant_id)).json()["items"])


def report_section(page: str, report_id: str) -> str:
    start = page.index(f'id="report-{report_id}"')
    return page[start : page.index("</li>", start)]


def form_of(page: str, action: str) -> str:
    start = page.index(f'action="{action}"')
    return page[start : page.index("</form>", start)]


async def test_a_reported_payment_shows_its_slip_and_recording_it_makes_the_invoice_partial(
    system: System,
) -> None:
    customer, invoice, portal, slip = await reported(system)
    number = invoice["number"]
    clerk = await console(system, customer.tenant_id)

    page = await payments_page(clerk, f"Payment reported for {number}", f"Slip reference {SLIP_REFERENCE}")
    [report] = await open_reports(system, customer.tenant_id, invoice)
    section = report_section(page, report["id"])
    assert "Reported ฿107,000.00" in visible(section)
    assert "Somchai Jaidee" in visible(section)
    assert "Possible duplicate slip" not in visible(section)
    image = await clerk.get(f"/staff/slips/{report['slip']['slip_id']}")
    assert (image.status_code, image.headers["content-type"], image.content) == (200, "image/png", slip)
    record = form_of(section, f"/staff/payments/{report['id']}/payment")
    assert 'name="amount" inputmode="decimal" value="107000.00"' in record  # the report's amount
    assert f'value="{SLIP_REFERENCE}"' in record
    for method in ("bank_transfer", "cash", "promptpay", "credit_card", "cheque", "other"):
        assert f'value="{method}"' in record

    form = {
        "csrf": hidden(record, "csrf"),
        "form_key": hidden(record, "form_key"),
        "invoice_id": invoice["id"],
        "amount": "10,000",
        "method": "promptpay",
        "reference": "KBANK-778812",
    }
    saved = await clerk.post(f"/staff/payments/{report['id']}/payment", data=form)
    again = await clerk.post(f"/staff/payments/{report['id']}/payment", data=form)  # a double submit
    for response in (saved, again):
        assert response.status_code == 200, response.text
        assert re.search(r"Payment recorded: RC-\S+\. The report is closed\.", visible(response.text))
    assert f"Payment reported for {number}" not in visible(saved.text)
    after = await billing_invoice(system, customer.tenant_id, invoice)
    assert [(p["amount"], p["report_id"]) for p in after["payments"]] == [("10000.00", report["id"])]
    assert after["status"] == "partial"
    assert await open_reports(system, customer.tenant_id, invoice) == []

    await invoice_page(portal, invoice, f"Invoice {number} Partial", "฿97,000.00")


async def test_a_refused_payment_or_a_dismissal_without_a_reason_shows_the_error_beside_its_field(
    system: System,
) -> None:
    customer, invoice, _, _ = await reported(system)
    clerk = await console(system, customer.tenant_id)
    page = await payments_page(clerk, f"Payment reported for {invoice['number']}")
    [report] = await open_reports(system, customer.tenant_id, invoice)
    section = report_section(page, report["id"])

    record = form_of(section, f"/staff/payments/{report['id']}/payment")
    too_much = await clerk.post(
        f"/staff/payments/{report['id']}/payment",
        data={
            "csrf": hidden(record, "csrf"),
            "form_key": hidden(record, "form_key"),
            "invoice_id": invoice["id"],
            "amount": "ten baht",
            "method": "cash",
            "reference": "KEEP-ME",
        },
    )
    assert too_much.status_code == 422
    refused = report_section(too_much.text, report["id"])
    amount_at, error_at = refused.index('name="amount"'), refused.index(f'id="amount-{report["id"]}-error"')
    assert amount_at < error_at < refused.index('name="method"')
    assert 'value="ten baht"' in refused  # as typed
    assert 'value="KEEP-ME"' in refused
    above = await clerk.post(
        f"/staff/payments/{report['id']}/payment",
        data={
            "csrf": hidden(record, "csrf"),
            "form_key": "k-above",
            "invoice_id": invoice["id"],
            "amount": "200,000",
            "method": "cash",
        },
    )
    assert above.status_code == 422
    refused = report_section(above.text, report["id"])
    assert f'id="amount-{report["id"]}-error"' in refused
    assert 'value="200,000"' in refused

    dismiss = form_of(section, f"/staff/payments/{report['id']}/dismiss")
    no_reason = await clerk.post(
        f"/staff/payments/{report['id']}/dismiss",
        data={"csrf": hidden(dismiss, "csrf"), "form_key": hidden(dismiss, "form_key"), "reason": " "},
    )
    assert no_reason.status_code == 422
    refused = report_section(no_reason.text, report["id"])
    reason_at = refused.index('name="reason"')
    assert (
        reason_at < refused.index(f'id="reason-{report["id"]}-error"') < refused.index("Dismiss this report")
    )
    assert (await billing_invoice(system, customer.tenant_id, invoice))["payments"] == []
    assert len(await open_reports(system, customer.tenant_id, invoice)) == 1

    dismissed = await clerk.post(
        f"/staff/payments/{report['id']}/dismiss",
        data={
            "csrf": hidden(dismiss, "csrf"),
            "form_key": hidden(dismiss, "form_key"),
            "reason": "no transfer of this amount on the statement",
        },
    )
    assert dismissed.status_code == 200
    assert f"The report on {invoice['number']} was dismissed." in visible(dismissed.text)
    assert await open_reports(system, customer.tenant_id, invoice) == []


async def test_the_inbox_shows_the_reported_payment_alert_unread_and_mark_as_read_works(
    system: System,
) -> None:
    customer, invoice, _, _ = await reported(system)
    clerk = await console(system, customer.tenant_id)
    title = f"Customer reported payment for {invoice['number']}"

    async def inbox() -> str:
        page = (await clerk.get("/staff/inbox")).text
        assert title in visible(page), visible(page)[:1000]
        return page

    page = await eventually(inbox, timeout_s=15)
    alert_id = re.search(r'id="alert-([0-9a-f-]{36})"', page)
    assert alert_id
    card = page[page.index(f'id="alert-{alert_id.group(1)}"') :].split("</li>", 1)[0]
    assert "Unread" in visible(card)
    assert 'href="/staff/payments"' in card  # what it is about
    assert re.search(r'<span class="count"[^>]*>1</span>', page)  # the tab's unread count
    assert re.search(r'<span class="count"[^>]*>1</span>', (await clerk.get("/staff")).text)

    read = await clerk.post(f"/staff/inbox/{alert_id.group(1)}/read", data={"csrf": hidden(card, "csrf")})
    assert read.status_code == 200
    card = read.text[read.text.index(f'id="alert-{alert_id.group(1)}"') :].split("</li>", 1)[0]
    assert "Unread" not in visible(card)
    assert "Mark as read" not in visible(card)
    assert "Read " in visible(card)
    assert 'class="count"' not in read.text
    alerts = (await system.get("notifications", "/v1/inbox", customer.tenant_id)).json()["items"]
    assert [a["read"] for a in alerts if a["id"] == alert_id.group(1)] == [True]
    opened = await clerk.get("/staff/payments")
    assert f"Payment reported for {invoice['number']}" in visible(opened.text)


async def test_a_clerk_of_branch_bkk_never_sees_a_cnx_report_or_alert(system: System) -> None:
    tenant_id = await system.new_tenant()
    _, in_bkk, _, _ = await reported(system, tenant_id, branch_id="bkk", name="Bangkok Customer")
    _, in_cnx, _, _ = await reported(system, tenant_id, branch_id="cnx", name="Chiang Mai Customer")
    everybody = await console(system, tenant_id)
    await payments_page(everybody, in_bkk["number"], in_cnx["number"])
    [cnx_report] = await open_reports(system, tenant_id, in_cnx)

    clerk = await console(system, tenant_id, **BKK_CLERK)
    page = visible(await payments_page(clerk, f"Payment reported for {in_bkk['number']}"))
    assert in_cnx["number"] not in page
    assert "Chiang Mai Customer" not in page
    assert (await clerk.get(f"/staff/slips/{cnx_report['slip']['slip_id']}")).status_code == 404
    assert (await clerk.get(f"/staff/payments?invoice_id={in_cnx['id']}")).status_code == 404
    assert (await clerk.get("/staff/payments?invoice_id=not-a-uuid")).status_code == 404

    async def both_alerted() -> bool:
        titles = visible((await everybody.get("/staff/inbox")).text)
        return in_bkk["number"] in titles and in_cnx["number"] in titles

    await eventually(both_alerted, timeout_s=15)
    inbox = visible((await clerk.get("/staff/inbox")).text)
    assert f"Customer reported payment for {in_bkk['number']}" in inbox
    assert in_cnx["number"] not in inbox
    cnx_alerts = [
        a
        for a in (await system.get("notifications", "/v1/inbox", tenant_id)).json()["items"]
        if in_cnx["number"] in a["title"]
    ]
    page = (await clerk.get("/staff/inbox")).text
    refused = await clerk.post(
        f"/staff/inbox/{cnx_alerts[0]['id']}/read", data={"csrf": hidden(page, "csrf")}
    )
    assert refused.status_code == 404
    cnx_record = await clerk.post(
        f"/staff/payments/{cnx_report['id']}/payment",
        data={"csrf": hidden(page, "csrf"), "form_key": "k-1", "invoice_id": in_cnx["id"], "method": "cash"},
    )
    assert cnx_record.status_code == 404
    assert len(await open_reports(system, tenant_id, in_cnx)) == 1


async def test_every_form_without_its_csrf_token_is_refused_and_writes_nothing(system: System) -> None:
    customer, invoice, _, _ = await reported(system)
    clerk = await console(system, customer.tenant_id)
    await payments_page(clerk, f"Payment reported for {invoice['number']}")
    [report] = await open_reports(system, customer.tenant_id, invoice)

    [alert] = await eventually(lambda: alerts(system, customer.tenant_id), timeout_s=15)
    posts = {
        f"/staff/payments/{report['id']}/payment": {
            "form_key": "k-1",
            "invoice_id": invoice["id"],
            "method": "cash",
        },
        f"/staff/payments/{report['id']}/dismiss": {"form_key": "k-2", "reason": "no money"},
        f"/staff/inbox/{alert['id']}/read": {},
        "/staff/portal-links": {"form_key": "k-3", "customer_id": customer.customer_id},
    }
    for path, fields in posts.items():
        for csrf in ({}, {"csrf": "0" * 64}):
            refused = await clerk.post(path, data={**fields, **csrf})
            assert refused.status_code == 403, path
            assert "Nothing was saved" in visible(refused.text)
    assert len(await open_reports(system, customer.tenant_id, invoice)) == 1
    assert (await billing_invoice(system, customer.tenant_id, invoice))["payments"] == []
    assert [a["read"] for a in await alerts(system, customer.tenant_id)] == [False]
    links = await system.get(
        "portal", "/v1/portal-links", customer.tenant_id, customer_id=customer.customer_id
    )
    assert len(links.json()["items"]) == 1  # only the customer's own session link from `reported`


def link_qr(page: str) -> str:
    found = re.search(r'<img class="link-qr" src="data:image/png;base64,([^"]+)"', page)
    assert found, visible(page)[:1500]
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(found.group(1)))))
    return str(code.text)


async def test_a_portal_link_at_the_counter_is_a_qr_that_opens_the_customers_portal(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en", name="Acme Build")
    deposit = await system.pending_deposit(customer, Decimal("5000"))
    clerk = await console(system, tenant_id)
    page = (await clerk.get(f"/staff/deposits/{deposit['id']}")).text
    action = form_of(page, "/staff/portal-links")
    assert "Customer portal link" in visible(action)
    fields = {
        "csrf": hidden(action, "csrf"),
        "form_key": hidden(action, "form_key"),
        "customer_id": hidden(action, "customer_id"),
        "back": hidden(action, "back"),
    }
    shown = await clerk.post("/staff/portal-links", data=fields)
    assert shown.status_code == 200, shown.text
    url = link_qr(shown.text)
    assert f'value="{url}" readonly' in shown.text  # selectable without JavaScript
    assert "Copy" in shown.text
    assert f'href="/staff/deposits/{deposit["id"]}"' in shown.text
    async with httpx.AsyncClient(base_url=system.url("portal"), follow_redirects=True, timeout=30) as phone:
        opened = await phone.get(system.portal_path(url))
        assert opened.status_code == 200
        assert "Hello, Acme Build" in visible(opened.text)
    # The same rendered form submitted twice issues one link (its Idempotency-Key).
    again = await clerk.post("/staff/portal-links", data=fields)
    assert link_qr(again.text) == url
    unknown = await clerk.post(
        "/staff/portal-links", data={**fields, "customer_id": "nobody", "form_key": "k"}
    )
    assert unknown.status_code == 422
    assert "Not saved" in visible(unknown.text)
    assert "link-qr" not in unknown.text


async def test_an_invoices_portal_link_opens_only_that_invoice(system: System) -> None:
    customer, invoice, _, _ = await reported(system)
    clerk = await console(system, customer.tenant_id)
    page = await payments_page(
        clerk, "Portal link to this invoice", path=f"/staff/payments?invoice_id={invoice['id']}"
    )
    action = form_of(page, "/staff/portal-links")
    assert hidden(action, "invoice_id") == invoice["id"]
    shown = await clerk.post(
        "/staff/portal-links",
        data={
            "csrf": hidden(action, "csrf"),
            "form_key": hidden(action, "form_key"),
            "customer_id": hidden(action, "customer_id"),
            "invoice_id": invoice["id"],
            "back": hidden(action, "back"),
        },
    )
    assert "Opens only this invoice." in visible(shown.text)
    url = link_qr(shown.text)
    async with httpx.AsyncClient(base_url=system.url("portal"), follow_redirects=True, timeout=30) as phone:
        opened = await phone.get(system.portal_path(url))
        assert opened.status_code == 200
        assert invoice["number"] in visible(opened.text)


SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "staff-reported-payment.png"
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("screen", SCREENS)
async def test_in_chromium_a_clerk_shows_the_invoices_link_records_the_payment_and_reads_the_alert(
    system: System, screen: str
) -> None:
    customer, invoice, portal, _ = await reported(system)
    number = invoice["number"]
    await eventually(lambda: open_reports(system, customer.tenant_id, invoice), timeout_s=15)
    await eventually(lambda: alerts(system, customer.tenant_id), timeout_s=15)  # the Inbox tab's count
    viewport = SCREENS[screen]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport=viewport, locale="en-US", extra_http_headers={"Accept-Language": "en"}
            )
            await context.grant_permissions(
                ["clipboard-read", "clipboard-write"], origin=system.url("portal")
            )
            page = await context.new_page()
            await page.goto(
                system.url("portal")
                + sign_in_path(system, customer.tenant_id, roles=["staff"], branches=["*"])
            )
            await page.get_by_role("link", name="Payments").click()
            report = page.locator(".report").first
            await expect(report.get_by_role("heading", name=f"Payment reported for {number}")).to_be_visible()
            await expect(report.get_by_text(f"Slip reference {SLIP_REFERENCE}")).to_be_visible()
            slip = report.get_by_role("img", name=f"Payment slip for {number}")
            await expect(slip).to_be_visible()
            assert await slip.evaluate("image => image.complete && image.naturalWidth > 0")
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            if screen == "phone":
                await report.screenshot(path=str(SCREENSHOT))

            # The customer at the counter scans the invoice's link.
            await report.get_by_role("link", name="This invoice").click()
            await page.get_by_role("button", name="Portal link to this invoice").click()
            qr = page.get_by_role("img", name="QR code of the customer's portal link")
            await expect(qr).to_be_visible()
            url = link_qr(await page.content())
            await expect(page.get_by_label("Link")).to_have_value(url)
            await page.get_by_role("button", name="Copy").click()
            await expect(page.get_by_role("button", name="Copied")).to_be_visible()
            assert await page.evaluate("navigator.clipboard.readText()") == url
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            await page.get_by_role("link", name="Back").click()

            await page.get_by_text("Record payment").click()
            await expect(page.get_by_label("Amount (฿)")).to_have_value("107000.00")
            await page.get_by_role("button", name="Save payment").click()
            await expect(page.get_by_text("Payment recorded: RC-")).to_be_visible()
            await expect(page.locator(".report")).to_have_count(0)

            inbox = page.get_by_role("link", name="Inbox")
            await expect(inbox).to_contain_text("1")
            await inbox.click()
            alert = page.locator(".alert", has_text=f"Customer reported payment for {number}")
            await expect(alert.get_by_text("Unread")).to_be_visible()
            await alert.get_by_role("button", name="Mark as read").click()
            await expect(alert.get_by_text("Unread")).to_have_count(0)
            await expect(page.locator(".tabs .count")).to_have_count(0)
        finally:
            await browser.close()
    await invoice_page(portal, invoice, f"Invoice {number} Paid")


async def test_payments_inbox_and_the_link_speak_thai(system: System) -> None:
    customer, invoice, _, _ = await reported(system)
    thai = await console(system, customer.tenant_id, lang="th")
    page = visible(await payments_page(thai, f"แจ้งชำระ {invoice['number']}"))
    for text in ("ลูกค้าแจ้งชำระเงิน", "แจ้งยอด ฿107,000.00", "บันทึกการชำระเงิน", "ไม่รับรายการ", "ยังไม่ชำระ"):
        assert text in page
    assert f"เลขอ้างอิงสลิป {SLIP_REFERENCE}" in page
    assert str(datetime.now(UTC).year + 543) in page  # Buddhist Era

    async def inbox() -> str:
        text = visible((await thai.get("/staff/inbox")).text)
        assert f"Customer reported payment for {invoice['number']}" in text
        return text

    alerted = await eventually(inbox, timeout_s=15)
    assert "ยังไม่อ่าน 1" in alerted
    assert "ทำเครื่องหมายว่าอ่านแล้ว" in alerted
    raw = (await thai.get(f"/staff/payments?invoice_id={invoice['id']}")).text
    action = form_of(raw, "/staff/portal-links")
    shown = await thai.post(
        "/staff/portal-links",
        data={
            "csrf": hidden(action, "csrf"),
            "form_key": hidden(action, "form_key"),
            "customer_id": hidden(action, "customer_id"),
            "invoice_id": invoice["id"],
            "back": "https://elsewhere.example/staff",
        },
    )
    text = visible(shown.text)
    assert "ให้ลูกค้าสแกนด้วยกล้องโทรศัพท์" in text
    assert "คัดลอก" in text
    assert '<a href="/staff">กลับ</a>' in shown.text  # no `back`: the console's home


async def test_a_slip_already_sent_for_another_invoice_is_flagged_a_possible_duplicate(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    _, first, _, _ = await reported(system, tenant_id)
    await eventually(lambda: open_reports(system, tenant_id, first), timeout_s=15)
    _, second, _, _ = await reported(system, tenant_id, name="Another Customer")
    clerk = await console(system, tenant_id)
    page = await payments_page(clerk, f"Payment reported for {second['number']}")
    [report] = await eventually(lambda: open_reports(system, tenant_id, second), timeout_s=15)
    assert report["possible_duplicate_slip"] is True
    flagged = visible(report_section(page, report["id"]))
    assert f"Possible duplicate slip: the same slip was sent for {first['number']}." in flagged
    [earlier] = await open_reports(system, tenant_id, first)
    assert "Possible duplicate slip" not in visible(report_section(page, earlier["id"]))


async def test_the_26th_open_report_is_on_the_next_page_and_its_form_works_there(system: System) -> None:
    """Reports come a page of 25 at a time, newest first; the oldest is reached with Next, and a
    payment recorded on page 2 (or refused there) stays on page 2."""
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    portal = await system.portal_session(customer)
    invoices = []
    for _ in range(26):
        invoice = await system.sent_invoice(customer)
        page = await invoice_page(portal, invoice, invoice["number"], "Unpaid")
        tapped = await portal.post(f"/invoices/{invoice['id']}/paid", data={"csrf": hidden(page, "csrf")})
        assert "Payment reported — being checked" in visible(tapped.text)
        invoices.append(invoice)
    oldest, newest = invoices[0], invoices[-1]
    clerk = await console(system, tenant_id)

    first = await payments_page(clerk, "26 open reports", f"Payment reported for {newest['number']}")
    assert f"Payment reported for {oldest['number']}" not in visible(first)
    assert "Page 1 of 2" in visible(first)
    assert 'href="/staff/payments?page=2"' in first
    second = await payments_page(
        clerk, f"Payment reported for {oldest['number']}", path="/staff/payments?page=2"
    )
    assert "Page 2 of 2" in visible(second)
    assert f"Payment reported for {newest['number']}" not in visible(second)
    assert 'href="/staff/payments?page=1"' in second  # Previous

    [report] = await open_reports(system, tenant_id, oldest)
    action = f"/staff/payments/{report['id']}/payment?page=2"
    record = form_of(report_section(second, report["id"]), action)
    fields = {"csrf": hidden(record, "csrf"), "invoice_id": oldest["id"], "method": "cash"}
    refused = await clerk.post(action, data={**fields, "form_key": "k-1", "amount": "ten baht"})
    assert refused.status_code == 422
    assert f'id="amount-{report["id"]}-error"' in report_section(refused.text, report["id"])
    recorded = await clerk.post(action, data={**fields, "form_key": "k-2", "amount": "107000"})
    assert recorded.status_code == 200
    assert str(recorded.url).endswith("&page=2")
    assert "The report is closed." in visible(recorded.text)
    # 25 reports are left: one page, so the page asked for is the last there is.
    assert "Page 2 of 2" not in visible(recorded.text)
    assert f"Payment reported for {newest['number']}" in visible(recorded.text)
    assert await open_reports(system, tenant_id, oldest) == []
