"""The signature flow, across every service (issue #2): a staff return publishes an event that
renders the DEPRR, updates the customer's portal and emails the customer."""

from datetime import date
from decimal import Decimal
from email.message import EmailMessage

import httpx
import pytest

from shared.contracts.documents import DocumentKind, document_id
from shared.thai import bahttext
from tests.helpers import eventually, pdf_fonts, pdf_text, visible
from tests.system import Customer, System

pytestmark = pytest.mark.e2e


async def portal_shows(portal: httpx.AsyncClient, path: str, *expected: str, timeout_s: float = 10) -> str:
    async def page() -> str:
        response = await portal.get(path)
        text = visible(response.text)
        assert all(e in text for e in expected), f"{path} does not yet show {expected}: {text[:2000]}"
        return text

    return await eventually(page, timeout_s=timeout_s)


async def portal_pdf(portal: httpx.AsyncClient, tenant_id: str, number: str) -> bytes:
    doc = document_id(tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, number)

    async def download() -> bytes:
        response = await portal.get(f"/documents/{doc}.pdf")
        assert response.status_code == 200, response.status_code
        assert response.headers["content-type"] == "application/pdf"
        return response.content

    return await eventually(download)


async def email_to(system: System, customer: Customer, subject_part: str) -> EmailMessage:
    async def arrived() -> EmailMessage:
        found = [
            m for m in system.mail.messages if customer.email in m["To"] and subject_part in m["Subject"]
        ]
        assert len(found) == 1, [m["Subject"] for m in system.mail.messages if customer.email in m["To"]]
        return found[0]

    return await eventually(arrived)


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    return part.get_filename() or "", part.get_content()


async def test_partial_return_reaches_portal_pdf_and_email(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en", name="Somchai Jaidee")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    portal = await system.portal_session(customer)

    returned = await system.return_deposit(
        customer,
        deposit,
        {
            "kind": "partial",
            "amount": "15000",
            "method": "bank_transfer",
            "reference": "SCB-REFUND-5521",
            "note": "cracked filter",
        },
    )

    number = returned["receipt_number"]
    await portal_shows(portal, "/", "Returned ฿15,000.00 · Retained ฿5,000.00 (cracked filter)")
    await portal_shows(portal, "/receipts", number, "Download")

    english = pdf_text(await portal_pdf(portal, tenant_id, number))
    for fact in (
        number,
        deposit["number"],
        deposit["collections"][0]["receipt_number"],
        "15,000.00",
        "5,000.00",
        "cracked filter",
        "Bank transfer",
        "SCB-REFUND-5521",
    ):
        assert fact in english, fact

    assert (await portal.get("/lang/th")).status_code == 200
    thai_pdf = await portal_pdf(portal, tenant_id, number)
    thai = pdf_text(thai_pdf)
    returned_on = date.fromisoformat(returned["returned_on"])
    assert f"{returned_on.year + 543}" in thai
    assert bahttext(Decimal("15000")) in thai  # หนึ่งหมื่นห้าพันบาทถ้วน
    fonts = pdf_fonts(thai_pdf)
    assert fonts
    assert all("Sarabun" in name and embedded == "yes" for name, embedded in fonts), fonts

    email = await email_to(system, customer, deposit["number"])
    filename, pdf = attachment(email)
    assert filename == f"{number}.pdf"
    assert number in pdf_text(pdf)


async def test_full_return_shows_the_whole_deposit_returned(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    portal = await system.portal_session(customer)

    returned = await system.return_deposit(
        customer, deposit, {"kind": "full", "method": "cash", "reference": "Cash, in person"}
    )

    home = await portal_shows(portal, "/", "Returned ฿20,000.00")
    assert "Retained" not in home
    text = pdf_text(await portal_pdf(portal, tenant_id, returned["receipt_number"]))
    assert "20,000.00" in text
    assert "Cash, in person" in text
    await email_to(system, customer, deposit["number"])


async def test_forfeit_shows_the_whole_deposit_retained_with_the_reason(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th", name="สมหญิง รักดี")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    portal = await system.portal_session(customer)

    returned = await system.return_deposit(
        customer, deposit, {"kind": "forfeit", "note": "เครื่องยนต์เสียหายจากการใช้งานโดยไม่มีน้ำมัน"}
    )

    await portal_shows(portal, "/", "หักไว้ ฿20,000.00 (เครื่องยนต์เสียหายจากการใช้งานโดยไม่มีน้ำมัน)")
    text = pdf_text(await portal_pdf(portal, tenant_id, returned["receipt_number"]))
    assert "เครื่องยนต์เสียหาย" in text
    assert "฿20,000.00" in text  # retained
    assert bahttext(Decimal("0")) in text  # the refund, in words: ศูนย์บาทถ้วน
    email = await email_to(system, customer, deposit["number"])
    assert attachment(email)[0] == f"{returned['receipt_number']}.pdf"


async def test_a_voided_return_shows_void_keeps_a_void_pdf_and_the_next_return_takes_the_next_number(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    portal = await system.portal_session(customer)
    first = await system.return_deposit(
        customer, deposit, {"kind": "full", "method": "cash", "reference": "Cash"}
    )
    await portal_pdf(portal, tenant_id, first["receipt_number"])

    voided = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit['id']}/returns/{first['id']}/void",
        tenant_id,
        {"reason": "Refund went to the wrong account"},
    )
    assert voided.status_code == 200, voided.text

    receipts = await portal_shows(portal, "/receipts", first["receipt_number"], "VOID")
    assert "Held" in await portal_shows(portal, "/", "Held ฿20,000.00")

    async def void_pdf() -> str:
        text = pdf_text(await portal_pdf(portal, tenant_id, first["receipt_number"]))
        assert "VOID" in text
        return text

    assert "Refund went to the wrong account" in await eventually(void_pdf)
    second = await system.return_deposit(
        customer,
        deposit,
        {
            "kind": "partial",
            "amount": "18000",
            "method": "promptpay",
            "reference": "PP-1",
            "note": "scratched",
        },
    )
    assert second["receipt_number"] != first["receipt_number"]
    assert int(second["receipt_number"][-4:]) == int(first["receipt_number"][-4:]) + 1
    await portal_shows(portal, "/receipts", second["receipt_number"])
    assert first["receipt_number"] in receipts
