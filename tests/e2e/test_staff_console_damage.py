"""The staff console, part 3 (issue 8), over HTTP against the real services: from a forfeited
฿50,000 deposit on a closed job the clerk charges the damage beyond it in one guided flow — the
damage invoice of ฿35,000 sent, one tax invoice covering the ฿50,000 retained and the damage
invoice, and the customer's one email with the three PDFs — each step's page showing what was
issued; a line without a description is refused beside it with nothing drafted, and a double
submit issues one invoice. In Chromium at 390×844 and 1280×800 the flow works with clicks and
never scrolls sideways."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from playwright.async_api import async_playwright, expect
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import create_async_engine

from shared.contracts.upstream import InspectionCompleted
from tests.e2e.test_billing import BUYER, _deposit_on_job, job_published
from tests.e2e.test_portal_browser import CHROMIUM_ARGS
from tests.e2e.test_staff_console import console, held, hidden, sign_in_path
from tests.helpers import eventually, visible
from tests.system import Customer, System

pytestmark = pytest.mark.e2e


async def forfeited(
    system: System, *, buyer: dict[str, str] = BUYER
) -> tuple[Customer, dict[str, Any], dict[str, Any]]:
    """A ฿50,000 deposit forfeited on a closed job: the deposit and its forfeit (DEPRR)."""
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, name="บริษัท ก่อสร้างดี จำกัด", language="en", **buyer)
    job_id = await job_published(system, customer, stage="closed")
    deposit = await _deposit_on_job(system, customer, job_id, "50000")
    await system.job_known_to_deposits(tenant_id, job_id, "closed")
    forfeit = await system.return_deposit(
        customer, deposit, {"kind": "forfeit", "note": "Hydraulic arm cracked"}
    )
    return customer, deposit, forfeit


async def damage_invoices(system: System, customer: Customer) -> list[dict[str, Any]]:
    response = await system.get(
        "billing", "/v1/invoices", customer.tenant_id, customer_id=customer.customer_id
    )
    assert response.status_code == 200, response.text
    return [i for i in response.json()["items"] if i["kind"] == "damage"]


async def flow_page(clerk: httpx.AsyncClient, deposit: dict[str, Any]) -> str:
    """The flow's page once billing has heard of the forfeit (until then it waits and re-checks)."""

    async def ready() -> str:
        response = await clerk.get(f"/staff/deposits/{deposit['id']}/damage")
        assert response.status_code == 200, response.text
        assert 'data-waiting="billing"' not in response.text, "billing has not heard of the forfeit yet"
        return response.text

    return await eventually(ready)


async def inspected(system: System, customer: Customer, deposit: dict[str, Any]) -> None:
    """The job's inspection estimated the damage (internal: staff see it as guidance)."""
    inspection = InspectionCompleted.model_validate(
        {
            "inspection_id": f"INSP-{uuid4().hex[:8]}",
            "job_id": deposit["job_id"],
            "inspected_at": datetime.now(UTC).isoformat(),
            "conditions": [{"item": "Excavator 20 t", "condition": "damaged", "notes": "hydraulic arm"}],
            "damage_estimates": [{"description": "Hydraulic arm rebuild", "amount": "85000"}],
        }
    )
    async with system.ops() as ops:
        await ops.publish(
            inspection, tenant_id=customer.tenant_id, subject=deposit["job_id"], branch_id="bkk"
        )


async def retention_known(system: System, customer: Customer) -> None:
    """Billing has heard of the forfeit (deposits' event): a tax invoice can cover it."""

    async def known() -> bool:
        found = await system.get(
            "billing", "/v1/retentions", customer.tenant_id, customer_id=customer.customer_id
        )
        return bool(found.json()["items"])

    await eventually(known)


def line_form(page: str, **fields: str) -> dict[str, str]:
    return {"csrf": hidden(page, "csrf"), "form_key": hidden(page, "form_key"), "rows": "3", **fields}


async def test_a_clerk_charges_damage_beyond_a_forfeit_in_three_steps_and_the_customer_gets_one_email(
    system: System,
) -> None:
    customer, deposit, forfeit = await forfeited(system)
    await inspected(system, customer, deposit)
    clerk = await console(system, customer.tenant_id)

    async def with_estimates() -> str | None:
        page = await flow_page(clerk, deposit)
        return page if "Hydraulic arm rebuild: ฿85,000.00" in visible(page) else None

    await eventually(with_estimates)
    deposit_page = (await clerk.get(f"/staff/deposits/{deposit['id']}")).text
    assert "Charge damage beyond the deposit" in visible(deposit_page)
    assert f"/staff/deposits/{deposit['id']}/damage" in deposit_page
    step1 = await flow_page(clerk, deposit)
    assert 'aria-current="step">1. Damage invoice' in step1
    assert "The deposit kept ฿50,000.00" in visible(step1)
    assert forfeit["receipt_number"] in visible(step1)

    # Save drafts; the reload resumes on step 1 with the draft's line to edit.
    saved = await clerk.post(
        f"/staff/deposits/{deposit['id']}/damage/invoice",
        data=line_form(
            step1,
            action="save",
            **{
                "line-0-description": "Hydraulic arm repair beyond the deposit",
                "line-0-quantity": "1",
                "line-0-unit": "job",
                "line-0-rate": "35,000",
            },
        ),
    )
    assert saved.status_code == 200, saved.text
    assert "Draft saved" in visible(saved.text)
    assert 'value="Hydraulic arm repair beyond the deposit"' in saved.text
    [draft] = await damage_invoices(system, customer)
    assert (draft["status"], draft["number"], draft["subtotal"]) == ("draft", None, "35000.00")

    # Send (from the reloaded page) gives the INV number; the step moves to the tax invoice.
    sent = await clerk.post(
        f"/staff/deposits/{deposit['id']}/damage/invoice",
        data=line_form(
            saved.text,
            action="send",
            rows="2",
            **{
                "line-0-description": "Hydraulic arm repair beyond the deposit",
                "line-0-quantity": "1",
                "line-0-unit": "job",
                "line-0-rate": "35000.00",
            },
        ),
    )
    assert sent.status_code == 200, sent.text
    [invoice] = await damage_invoices(system, customer)
    assert invoice["id"] == draft["id"]
    assert invoice["number"]
    assert invoice["total"] == "37450.00"
    step2 = visible(sent.text)
    assert f"Damage invoice sent: {invoice['number']}" in step2
    assert f"Damage invoice {invoice['number']}" in step2
    assert "Total ฿37,450.00" in step2
    assert 'aria-current="step">2. Tax invoice' in sent.text
    await retention_known(system, customer)
    reloaded = await flow_page(clerk, deposit)
    assert 'aria-current="step">2. Tax invoice' in reloaded

    # Step 2: one tax invoice covering the ฿50,000 retained and the damage invoice.
    issued = await clerk.post(
        f"/staff/deposits/{deposit['id']}/damage/tax-invoice",
        data={"csrf": hidden(reloaded, "csrf"), "form_key": hidden(reloaded, "form_key")},
    )
    assert issued.status_code == 200, issued.text
    tis = await system.get("billing", "/v1/retentions", customer.tenant_id, customer_id=customer.customer_id)
    [retention] = tis.json()["items"]
    tax_invoice = (
        await system.get("billing", f"/v1/tax-invoices/{retention['tax_invoice_id']}", customer.tenant_id)
    ).json()
    assert [i["number"] for i in tax_invoice["invoices"]] == [invoice["number"]]
    assert [(r["return_receipt_number"], r["amount"]) for r in tax_invoice["retentions"]] == [
        (forfeit["receipt_number"], "50000.00")
    ]
    # ฿50,000 retained includes VAT of ฿3,271.03; the damage invoice adds ฿35,000 + ฿2,450.
    assert (tax_invoice["amount_before_vat"], tax_invoice["vat_amount"], tax_invoice["total"]) == (
        "81728.97",
        "5721.03",
        "87450.00",
    )
    step3 = visible(issued.text)
    assert f"Tax invoice issued: {tax_invoice['number']}" in step3
    for shown in ("฿81,728.97", "฿5,721.03", "฿87,450.00", invoice["number"], forfeit["receipt_number"]):
        assert shown in step3, shown
    assert 'aria-current="step">3. Email to the customer' in issued.text

    # Step 3: the one email, with the damage invoice, the tax invoice and the DEPRR attached.
    async def bundle() -> EmailMessage | None:
        for message in system.mail.messages:
            if customer.email in message["To"] and len(list(message.iter_attachments())) == 3:
                return message
        return None

    email = await eventually(bundle, timeout_s=30)
    attached = sorted(part.get_filename() for part in email.iter_attachments())
    assert attached == sorted(
        f"{n}.pdf" for n in (invoice["number"], tax_invoice["number"], forfeit["receipt_number"])
    )
    assert all(part.get_content_type() == "application/pdf" for part in email.iter_attachments())

    async def shown_sent() -> str | None:
        page = await flow_page(clerk, deposit)
        return page if 'data-notice="sent"' in page else None

    final = visible(await eventually(shown_sent, timeout_s=30))
    assert "Sent" in final
    assert customer.email in final
    for number in (invoice["number"], tax_invoice["number"], forfeit["receipt_number"]):
        assert number in final, number
    # Each document issued has its View once rendered (they were: the email attaches them).
    assert final.count("View") == 3, final
    # Nothing was issued twice, and the flow offers nothing more to issue.
    assert len(await damage_invoices(system, customer)) == 1
    assert "Issue tax invoice" not in final
    assert "Send invoice" not in final


async def test_a_line_without_a_description_is_refused_beside_it_and_nothing_is_drafted(
    system: System,
) -> None:
    customer, deposit, _ = await forfeited(system)
    clerk = await console(system, customer.tenant_id)
    page = await flow_page(clerk, deposit)

    refused = await clerk.post(
        f"/staff/deposits/{deposit['id']}/damage/invoice",
        data=line_form(
            page,
            action="send",
            **{
                "line-0-description": "Bucket teeth",
                "line-0-rate": "5000",
                "line-1-description": "",
                "line-1-quantity": "1",
                "line-1-rate": "30000",
            },
        ),
    )

    assert refused.status_code == 422
    assert 'id="line-1-description-error"' in refused.text
    assert 'id="line-0-description-error"' not in refused.text
    assert 'value="30000"' in refused.text
    assert 'value="Bucket teeth"' in refused.text
    assert await damage_invoices(system, customer) == []


async def test_a_double_submit_issues_one_invoice(system: System) -> None:
    customer, deposit, _ = await forfeited(system)
    clerk = await console(system, customer.tenant_id)
    page = await flow_page(clerk, deposit)
    form = line_form(page, action="send", **{"line-0-description": "Arm repair", "line-0-rate": "35000"})

    first = await clerk.post(f"/staff/deposits/{deposit['id']}/damage/invoice", data=form)
    second = await clerk.post(f"/staff/deposits/{deposit['id']}/damage/invoice", data=form)

    assert (first.status_code, second.status_code) == (200, 200)
    [invoice] = await damage_invoices(system, customer)
    assert invoice["number"]
    assert invoice["status"] == "sent"
    assert invoice["number"] in visible(second.text)


async def test_two_submits_at_once_issue_one_invoice(system: System) -> None:
    customer, deposit, _ = await forfeited(system)
    clerk = await console(system, customer.tenant_id)
    page = await flow_page(clerk, deposit)
    form = line_form(page, action="send", **{"line-0-description": "Arm repair", "line-0-rate": "35000"})

    answers = await asyncio.gather(
        *(clerk.post(f"/staff/deposits/{deposit['id']}/damage/invoice", data=form) for _ in range(2))
    )

    assert [a.status_code for a in answers] == [200, 200]
    [invoice] = await damage_invoices(system, customer)
    assert invoice["status"] == "sent"


async def test_a_tax_invoice_billing_refuses_is_the_step_s_message_and_nothing_is_issued(
    system: System,
) -> None:
    customer, deposit, _ = await forfeited(system, buyer={})  # no tax id: no tax invoice
    clerk = await console(system, customer.tenant_id)
    page = await flow_page(clerk, deposit)
    await clerk.post(
        f"/staff/deposits/{deposit['id']}/damage/invoice",
        data=line_form(page, action="send", **{"line-0-description": "Arm repair", "line-0-rate": "35000"}),
    )
    await retention_known(system, customer)
    step2 = await flow_page(clerk, deposit)

    refused = await clerk.post(
        f"/staff/deposits/{deposit['id']}/damage/tax-invoice",
        data={"csrf": hidden(step2, "csrf"), "form_key": hidden(step2, "form_key")},
    )

    assert refused.status_code == 422
    assert "buyer.tax_id" in visible(refused.text)
    assert 'aria-current="step">2. Tax invoice' in refused.text
    retentions = await system.get(
        "billing", "/v1/retentions", customer.tenant_id, customer_id=customer.customer_id
    )
    assert [r["tax_invoice_id"] for r in retentions.json()["items"]] == [None]


async def test_the_flow_speaks_thai_and_a_deposit_that_kept_nothing_has_none(system: System) -> None:
    customer, deposit, _ = await forfeited(system)
    thai = await console(system, customer.tenant_id, lang="th")
    page = visible(await flow_page(thai, deposit))
    for text in ("ค่าเสียหายส่วนที่เกินเงินมัดจำ", "1. ใบแจ้งหนี้ค่าเสียหาย", "ส่งใบแจ้งหนี้", "฿50,000.00"):
        assert text in page, text

    other, kept_nothing = await held(system, customer.tenant_id)
    clerk = await console(system, other.tenant_id)
    deposit_page = await clerk.get(f"/staff/deposits/{kept_nothing['id']}")
    assert "Charge damage beyond the deposit" not in visible(deposit_page.text)
    sent_back = await clerk.get(f"/staff/deposits/{kept_nothing['id']}/damage")
    assert str(sent_back.url).endswith(f"/staff/deposits/{kept_nothing['id']}")


@contextlib.asynccontextmanager
async def billing_not_yet_told(system: System, customer: Customer) -> AsyncIterator[None]:
    """As if deposits' forfeit event had not reached billing yet (it follows in a moment): billing's
    record of the amount kept is moved out of the business's sight, and back when the block ends."""
    await retention_known(system, customer)
    engine = create_async_engine(system.stack.database_url("billing"))
    move = sql("UPDATE retentions SET tenant_id = :to WHERE tenant_id = :from AND customer_id = :customer")
    hidden_tenant = f"{customer.tenant_id}-not-yet"
    try:
        async with engine.begin() as conn:
            await conn.execute(
                move, {"from": customer.tenant_id, "to": hidden_tenant, "customer": customer.customer_id}
            )
        yield
    finally:
        async with engine.begin() as conn:
            await conn.execute(
                move, {"from": hidden_tenant, "to": customer.tenant_id, "customer": customer.customer_id}
            )
        await engine.dispose()


async def test_before_billing_has_heard_of_the_forfeit_the_flow_waits_and_checks_again(
    system: System,
) -> None:
    customer, deposit, forfeit = await forfeited(system)
    clerk = await console(system, customer.tenant_id)
    thai = await console(system, customer.tenant_id, lang="th")
    flow = f"/staff/deposits/{deposit['id']}/damage"
    ready = await flow_page(clerk, deposit)
    lines = {"line-0-description": "Hydraulic arm repair", "line-0-rate": "35000"}

    async with billing_not_yet_told(system, customer):
        waiting = (await clerk.get(flow)).text
        assert "Waiting for billing" in visible(waiting)
        assert f"Billing has not yet recorded the amount kept on {forfeit['receipt_number']}" in visible(
            waiting
        )
        assert f'<meta http-equiv="refresh" content="3; url={flow}">' in waiting  # it checks again
        assert 'name="line-0-description"' not in waiting  # nothing to charge on yet
        assert "Not saved" not in visible(waiting)
        thai_waiting = visible((await thai.get(flow)).text)
        assert "รอระบบบัญชี" in thai_waiting
        assert "หน้านี้จะตรวจสอบใหม่ทุกสองสามวินาที" in thai_waiting

        # A form drawn before (a second tab): Send is not refused as wrong; the lines are kept.
        retry = await clerk.post(f"{flow}/invoice", data=line_form(ready, action="send", **lines))
        assert retry.status_code == 409
        assert "nothing was saved. Your lines are kept: try Save or Send again in a moment." in visible(
            retry.text
        )
        assert 'value="Hydraulic arm repair"' in retry.text
        assert "http-equiv" not in retry.text  # no refresh to lose what was typed
        assert "damage_basis_invalid" not in retry.text
        assert await damage_invoices(system, customer) == []

    resumed = await flow_page(clerk, deposit)
    assert 'name="line-0-description"' in resumed
    assert "http-equiv" not in resumed
    sent = await clerk.post(f"{flow}/invoice", data=line_form(resumed, action="send", **lines))
    assert "Damage invoice sent: INV-" in visible(sent.text)


SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "staff-damage-flow.png"
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("screen", SCREENS)
async def test_the_flow_in_chromium_with_clicks_and_no_sideways_scroll(system: System, screen: str) -> None:
    customer, deposit, _ = await forfeited(system)
    await retention_known(system, customer)
    viewport = SCREENS[screen]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport=viewport, locale="en-US", extra_http_headers={"Accept-Language": "en"}
            )
            page = await context.new_page()
            await page.goto(
                system.url("portal")
                + sign_in_path(system, customer.tenant_id, roles=["staff"], branches=["*"])
            )
            await page.goto(system.url("portal") + f"/staff/deposits/{deposit['id']}")
            await page.get_by_role("link", name="Charge damage beyond the deposit").click()
            await expect(page.get_by_role("heading", name="Damage beyond the deposit")).to_be_visible()
            await page.locator('input[name="line-0-description"]').fill("Hydraulic arm repair")
            await page.locator('input[name="line-0-rate"]').fill("35000")
            await page.get_by_role("button", name="Add line").click()
            await expect(page.locator('input[name="line-3-description"]')).to_be_visible()
            await expect(page.locator('input[name="line-0-description"]')).to_have_value(
                "Hydraulic arm repair"
            )
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

            await page.get_by_role("button", name="Send invoice").click()
            await expect(page.get_by_text("Damage invoice sent: INV-")).to_be_visible()
            await expect(page.get_by_text("Total ฿37,450.00")).to_be_visible()
            await page.get_by_role("button", name="Issue tax invoice").click()
            await expect(page.get_by_text("Tax invoice issued: TI-")).to_be_visible()
            await expect(page.get_by_text("฿87,450.00").first).to_be_visible()
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            await page.reload()
            await expect(page.locator('[aria-current="step"]')).to_have_text("3. Email to the customer")
            if screen == "phone":
                await page.locator("main").screenshot(path=str(SCREENSHOT))
        finally:
            await browser.close()
