"""The portal in real Chromium on a phone-sized screen (issue 7): an invoice shows as an image of its
page (phones show no PDF inside a page), and an open page follows the business's actions without a
reload."""

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from PIL import Image
from playwright.async_api import BrowserContext, async_playwright, expect

from shared.contracts.documents import DocumentKind, document_id
from tests.e2e.test_portal import partial_return, shows
from tests.e2e.test_portal_browser import CHROMIUM_ARGS, PHONE
from tests.helpers import eventually
from tests.system import System

pytestmark = pytest.mark.e2e


@asynccontextmanager
async def phone() -> AsyncIterator[BrowserContext]:
    """A phone's browser with JavaScript on, as customers have it."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield await browser.new_context(
                viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
            )
        finally:
            await browser.close()


async def test_on_a_phone_the_invoice_page_shows_the_invoice_as_an_image_of_its_page(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    invoice = await system.sent_invoice(customer)
    client = await system.portal_session(customer)
    path = f"/invoices/{invoice['id']}"

    async def page_image_shown() -> str:
        page = (await client.get(path)).text
        assert '<img class="page"' in page, "the invoice PDF is not rendered yet"
        return page

    await eventually(page_image_shown, timeout_s=90, interval_s=0.25)
    link = (await system.portal_link(customer))["url"]

    async with phone() as context:
        page = await context.new_page()
        await page.goto(system.url("portal") + system.portal_path(link))
        await page.get_by_role("navigation", name="Sections").get_by_role("link", name="Invoices").tap()
        await page.get_by_role("link", name="View invoice").tap()

        image = page.locator("img.page").first
        await expect(image).to_be_visible()
        await expect(image).to_have_attribute("alt", f"{invoice['number']}, page 1 of 1")
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=await image.element_handle()
        )
        natural_width = await image.evaluate("img => img.naturalWidth")
        assert natural_width > 0
        shown = Image.open(io.BytesIO(await image.screenshot())).convert("L")
        pixels, histogram = shown.width * shown.height, shown.histogram()
        ink, paper = sum(histogram[:128]), sum(histogram[231:])
        assert ink > 0.002 * pixels, "the page image is blank"  # text and lines of the invoice
        assert paper > 0.5 * pixels, "the page image is not a page"
        assert await page.locator("iframe, embed, object").count() == 0
        document = document_id(tenant_id, DocumentKind.INVOICE, invoice["number"])
        download = page.get_by_role("link", name="Download")
        await expect(download).to_have_attribute("href", f"/documents/{document}.pdf")
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await page.screenshot(path=str(system.stack.logs / "portal-invoice-page-image.png"), full_page=True)


async def test_a_deposit_return_appears_on_the_open_home_page_within_3_seconds_without_a_reload(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    await shows(await system.portal_session(customer), "/", "Held ฿20,000.00")
    link = (await system.portal_link(customer))["url"]

    async with phone() as context:
        page = await context.new_page()
        await page.goto(system.url("portal") + system.portal_path(link))
        deposits = page.locator("section.deposits")
        await expect(deposits).to_contain_text("Held ฿20,000.00")
        await expect(page.locator("html")).to_have_attribute("data-live", "connected")
        await page.evaluate("window.stillTheSamePage = true")

        await partial_return(system, customer, deposit, "15000", "cracked filter")

        await expect(deposits).to_contain_text(
            "Returned ฿15,000.00 · Retained ฿5,000.00 (cracked filter)", timeout=3000
        )
        assert await page.evaluate("window.stillTheSamePage") is True  # updated in place, not reloaded
        await expect(deposits).not_to_contain_text("Held ฿20,000.00")
