"""The portal in a real browser on a phone-sized screen: open the link, read the deposit, switch to
Thai, open the receipts; open an invoice and tap Pay to see its QR. No JavaScript is needed for any
of it."""

import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import async_playwright, expect

from shared.promptpay import promptpay_payload
from tests.e2e.test_portal import partial_return, shows
from tests.e2e.test_portal_invoices import PROMPTPAY_ID, Invoice
from tests.system import System

pytestmark = pytest.mark.e2e

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


async def test_a_customer_on_a_phone_reads_their_deposit_switches_to_thai_and_opens_receipts(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en", name="Somchai Jaidee")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    returned = await partial_return(system, customer, deposit, "15000", "cracked filter")
    # The browser loads each page once (no JavaScript): the portal must have the return first.
    await shows(
        await system.portal_session(customer),
        "/",
        "Returned ฿15,000.00 · Retained ฿5,000.00 (cracked filter)",
    )
    link = (await system.portal_link(customer))["url"]

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport=PHONE,
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                java_script_enabled=False,
            )
            page = await context.new_page()
            await page.goto(system.url("portal") + system.portal_path(link))

            await expect(page.locator("h1")).to_have_text("Hello, Somchai Jaidee")
            deposits = page.locator("section.deposits")
            await expect(deposits).to_contain_text(
                "Returned ฿15,000.00 · Retained ฿5,000.00 (cracked filter)"
            )
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

            await page.get_by_role("link", name="ไทย").tap()

            await expect(page.locator("h1")).to_have_text("สวัสดี Somchai Jaidee")
            await expect(deposits).to_contain_text("คืนแล้ว ฿15,000.00 · หักไว้ ฿5,000.00 (cracked filter)")
            await expect(page.locator("html")).to_have_attribute("lang", "th")

            await page.get_by_role("navigation", name="เมนู").get_by_role("link", name="ใบเสร็จ").tap()

            await expect(page).to_have_url(re.compile(r"/receipts$"))
            await expect(page.locator("h1")).to_have_text("ใบเสร็จ")
            await expect(page.locator("main")).to_contain_text(returned["receipt_number"])
            await expect(page.locator("main")).to_contain_text("ใบคืนเงินมัดจำ")
            await page.screenshot(path=str(system.stack.logs / "portal-receipts-th.png"), full_page=True)
        finally:
            await browser.close()


async def test_a_customer_on_a_phone_opens_an_invoice_taps_pay_and_sees_the_qr(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    invoice = Invoice(system, customer)
    await invoice.send()
    await shows(await system.portal_session(customer), "/invoices", invoice.number)
    link = (await system.portal_link(customer))["url"]

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport=PHONE,
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                java_script_enabled=False,
            )
            page = await context.new_page()
            await page.goto(system.url("portal") + system.portal_path(link))
            tabs = page.get_by_role("navigation", name="Sections").get_by_role("link")
            await expect(tabs).to_have_text(["Home", "Jobs", "Invoices", "Receipts", "Documents"])

            await tabs.get_by_text("Invoices").tap()
            await page.get_by_role("link", name="View invoice").tap()

            await expect(page.locator("h1")).to_have_text("Invoice INV-2026-0042 Unpaid")
            qr = page.locator("details.pay img.qr")
            await expect(qr).to_be_hidden()
            await page.locator("details.pay summary").get_by_text("Pay ฿107,000.00").tap()
            await expect(qr).to_be_visible()
            await expect(page.get_by_role("button", name="I've paid")).to_be_visible()
            await expect(page.get_by_role("link", name="Save QR image")).to_be_visible()
            decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(await qr.screenshot())))
            assert [code.text for code in decoded] == [promptpay_payload(PROMPTPAY_ID, Decimal("107000"))]
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            await page.screenshot(path=str(system.stack.logs / "portal-invoice-pay.png"), full_page=True)
        finally:
            await browser.close()
