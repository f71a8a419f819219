"""Invoice emails link that one invoice in the customer's portal: the RC receipt links the invoice
it pays, the damage email each damage invoice to pay. Opened from the email, the link shows that
invoice and answers "not found" for the customer's other invoices and deposits, as any link scoped
to one invoice does (issue 7).

Billing, deposits and the portal are driven over their staff APIs; the emails are the real ones,
sent once their PDFs are rendered and the portal has issued the link."""

import re
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from shared.contracts.documents import DocumentKind, document_id
from tests.e2e.test_billing import BUYER, job_published
from tests.e2e.test_portal import shows
from tests.e2e.test_portal_links_and_documents import not_found, rendered_in_portal
from tests.helpers import eventually, visible
from tests.system import Customer, System

pytestmark = pytest.mark.e2e

# A customer email waits for its PDFs, rendered by the documents service in about a second each.
RENDER_WAIT_S = 90


def _body(message: EmailMessage) -> str:
    content = str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    return content.replace("\r\n", "\n")  # as the relay delivered it: CRLF line ends


async def _email_to(system: System, customer: Customer, subject_start: str) -> EmailMessage:
    async def arrived() -> EmailMessage | None:
        return next(
            (
                m
                for m in system.mail.messages
                if customer.email in str(m.get("To", "")) and str(m["Subject"]).startswith(subject_start)
            ),
            None,
        )

    return await eventually(arrived, timeout_s=RENDER_WAIT_S)


def _invoice_link(body: str, number: str) -> str:
    [url] = re.findall(rf"^View invoice {re.escape(number)}: (\S+)$", body, flags=re.M)
    return str(url)


async def _open(system: System, url: str) -> tuple[httpx.Response, httpx.AsyncClient]:
    """The link opened as from the email, in a browser of its own (its session cookie)."""
    client = httpx.AsyncClient(base_url=system.url("portal"), follow_redirects=True, timeout=30)
    opened = await client.get(system.portal_path(url))
    assert opened.status_code == 200, (opened.status_code, visible(opened.text)[:300])
    return opened, client


async def _invoice_links_issued(system: System, customer: Customer) -> list[str | None]:
    listed = await system.get(
        "portal", "/v1/portal-links", customer.tenant_id, customer_id=customer.customer_id
    )
    assert listed.status_code == 200, listed.text
    return [item["invoice_id"] for item in listed.json()["items"] if item["scope"] == "invoice"]


async def test_an_rc_email_links_the_invoice_it_pays_and_the_link_opens_that_invoice_only(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    paid = await system.sent_invoice(customer)
    other = await system.sent_invoice(customer)

    payment = await system.pay_invoice(tenant_id, paid, amount="50000")

    assert payment.status_code == 201, payment.text
    receipt = payment.json()["payments"][-1]["receipt_number"]
    email = await _email_to(system, customer, f"Receipt {receipt}")
    body = _body(email)
    url = _invoice_link(body, paid["number"])
    assert f"Balance still due: ฿57,000.00\nView invoice {paid['number']}: {url}\n" in body
    assert other["number"] not in body

    opened, client = await _open(system, url)

    assert opened.url.path == f"/invoices/{paid['id']}"
    await shows(client, f"/invoices/{paid['id']}", f"Invoice {paid['number']} Partial", "Pay ฿57,000.00")
    # What the customer's own account shows, the invoice's link does not.
    account = await system.portal_session(customer)
    deposit_receipt = document_id(
        tenant_id, DocumentKind.DEPOSIT_RECEIPT, deposit["collections"][0]["receipt_number"]
    )
    await shows(account, f"/invoices/{other['id']}", f"Invoice {other['number']}")
    await rendered_in_portal(account, deposit_receipt)
    for path in (f"/invoices/{other['id']}", f"/documents/{deposit_receipt}", "/invoices", "/documents"):
        await not_found(client, "GET", path)
    assert deposit["number"] not in (await client.get("/")).text
    # One link for the email, scoped to the invoice it pays.
    assert await _invoice_links_issued(system, customer) == [paid["id"]]


async def _deposit_on_job(system: System, customer: Customer, job_id: str) -> dict[str, Any]:
    """A ฿20,000 deposit on the job, collected: deposits may hear of the job after the request."""

    async def asked() -> httpx.Response | None:
        response = await system.command(
            "POST",
            "deposits",
            "/v1/deposits",
            customer.tenant_id,
            {"customer_id": customer.customer_id, "branch_id": "bkk", "amount": "20000", "job_id": job_id},
        )
        return None if response.status_code == 422 else response

    created = await eventually(asked)
    assert created.status_code == 201, created.text
    collected = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{created.json()['id']}/collections",
        customer.tenant_id,
        {"method": "bank_transfer", "reference": "KBANK-778812"},
    )
    assert collected.status_code == 201, collected.text
    return dict(collected.json())


async def test_the_damage_email_links_the_damage_invoice_and_the_link_opens_that_invoice_only(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, **BUYER)
    job_id = await job_published(system, customer, stage="closed")
    deposit = await _deposit_on_job(system, customer, job_id)
    await system.job_known_to_deposits(tenant_id, job_id, "closed")
    forfeit = await system.return_deposit(
        customer, deposit, {"kind": "forfeit", "note": "Hydraulic arm cracked"}
    )

    async def damage_invoice() -> httpx.Response | None:
        # Billing hears of the forfeit from deposits' event; until then the deposit is not forfeited.
        response = await system.create_invoice(
            customer,
            kind="damage",
            job_id=job_id,
            related_deposit_id=deposit["id"],
            lines=[
                {"description": "Hydraulic arm repair beyond the deposit", "quantity": "1", "rate": "30000"}
            ],
        )
        refused = response.status_code == 422 and response.json()["error"]["field"] == "related_deposit_id"
        return None if refused else response

    created = await eventually(damage_invoice)
    assert created.status_code == 201, created.text
    damage = created.json()
    sent = await system.command("POST", "billing", f"/v1/invoices/{damage['id']}/send", tenant_id)
    assert sent.status_code == 200, sent.text
    damage = sent.json()  # numbered when sent
    standard = await system.sent_invoice(customer)
    issued = await system.command(
        "POST",
        "billing",
        "/v1/tax-invoices",
        tenant_id,
        {"invoice_ids": [damage["id"]], "deposit_return_numbers": [forfeit["receipt_number"]]},
    )
    assert issued.status_code == 201, issued.text

    email = await _email_to(system, customer, "Damage charges")
    body = _body(email)
    url = _invoice_link(body, damage["number"])
    assert (
        f"Damage invoice {damage['number']}: the amount above the deposit. Please pay it by the due date "
        f"shown on the invoice.\nView invoice {damage['number']}: {url}\n" in body
    )
    assert body.count("View invoice") == 1  # the tax invoice and the DEPRR are no invoices to pay

    opened, client = await _open(system, url)

    assert opened.url.path == f"/invoices/{damage['id']}"
    await shows(client, f"/invoices/{damage['id']}", damage["number"], "Pay ฿32,100.00")
    deprr = document_id(tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, forfeit["receipt_number"])
    await rendered_in_portal(await system.portal_session(customer), deprr)
    for path in (f"/invoices/{standard['id']}", f"/documents/{deprr}", "/invoices"):
        await not_found(client, "GET", path)
    assert await _invoice_links_issued(system, customer) == [damage["id"]]
