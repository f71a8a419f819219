"""The staff console in real Chromium on a phone (390×844) and a desktop (1280×800): a clerk opens a
held deposit from the list and returns ฿15,000 of ฿20,000 through the return panel with clicks, and
sees the receipt line the customer will read and then the new DEPRR."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_portal_browser import CHROMIUM_ARGS
from tests.e2e.test_staff_console import sign_in_path
from tests.system import System

pytestmark = pytest.mark.e2e

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "staff-return-panel.png"
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("screen", SCREENS)
async def test_a_clerk_returns_part_of_a_deposit_through_the_panel(system: System, screen: str) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, name="Acme Build Co., Ltd.")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    viewport = SCREENS[screen]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport=viewport, locale="en-US", extra_http_headers={"Accept-Language": "en"}
            )
            page = await context.new_page()
            await page.goto(
                system.url("portal") + sign_in_path(system, tenant_id, roles=["staff"], branches=["*"])
            )
            await expect(page.get_by_text("Signed in as Nok Counter")).to_be_visible()
            await page.get_by_role("link", name=deposit["number"]).click()
            await expect(page.get_by_role("heading", name=f"Deposit {deposit['number']}")).to_be_visible()

            await page.get_by_text("Return deposit").click()
            await page.get_by_label("Partial return").check()
            await page.get_by_label("Amount returned (฿)").fill("15000")
            await page.get_by_label("Refund method").select_option("bank_transfer")
            await page.get_by_label("Return reference").fill("SCB-4471")
            await page.get_by_label("Note").fill("cracked filter")
            await page.get_by_role("button", name="Preview the receipt line").click()
            await expect(page.get_by_text("Retained ฿5,000.00 (cracked filter)")).to_be_visible()
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            if screen == "phone":
                await page.locator("#return").screenshot(path=str(SCREENSHOT))

            await page.get_by_role("button", name="Save return").click()
            await expect(page.get_by_text("Return saved: DEPRR-")).to_be_visible()
            await expect(page.locator(".badge").first).to_have_text("Partly returned")
            await expect(
                page.get_by_text("Returned ฿15,000.00 · Retained ฿5,000.00 (cracked filter)")
            ).to_be_visible()
            await expect(page.get_by_role("button", name="Void")).to_have_count(0)  # a clerk, not a manager
        finally:
            await browser.close()
