"""The portal's documents as a customer meets them (issue 7): a job's page with its signed quote,
signed delivery manifest, current invoice and AI job report; links that open one invoice or one
signed quote and answer "not found" for everything else; a year's receipts with their totals and
their zip; and the privacy wall around job reports and inspections."""

import io
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from uuid import uuid4

import httpx
import pytest
import weasyprint
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mudjam.ops import OpsPublisher, operations_token
from shared.contracts.documents import DocumentKind, document_id
from shared.settings import AuthSettings
from tests.e2e.test_portal import page_text, shows
from tests.e2e.test_portal_invoices import Invoice, business_today, form_token, tap_ive_paid
from tests.helpers import eventually, pdf_text, visible
from tests.system import Customer, System

pytestmark = pytest.mark.e2e

JOBS_TOPIC = "ops.jobs.v1"


@asynccontextmanager
async def operations(system: System) -> AsyncIterator[OpsPublisher]:
    """The operations system as it sends signed documents: the PDF to documents' intake, then the
    event naming it."""
    auth = AuthSettings()
    async with OpsPublisher(
        system.stack.kafka_bootstrap,
        documents_url=system.url("documents"),
        token_for=lambda tenant_id: operations_token(auth, tenant_id),
    ) as ops:
        yield ops


def signed_pdf(title: str) -> bytes:
    return bytes(weasyprint.HTML(string=f"<h1>{title}</h1><p>Signed by the customer.</p>").write_pdf())


async def rendered_in_portal(client: httpx.AsyncClient, document: Any) -> str:
    """The document's page once the documents service has announced it to the portal."""

    async def opened() -> str:
        response = await client.get(f"/documents/{document}")
        assert response.status_code == 200, (response.status_code, visible(response.text)[:300])
        return response.text

    return await eventually(opened, timeout_s=60, interval_s=0.25)


async def link_for(
    system: System, customer: Customer, **target: Any
) -> tuple[dict[str, Any], httpx.AsyncClient]:
    """A link to one invoice or quote, issued by staff, and a browser-like client that opened it."""
    issued = await system.command(
        "POST",
        "portal",
        "/v1/portal-links",
        customer.tenant_id,
        {"customer_id": customer.customer_id, **target},
    )
    assert issued.status_code == 201, issued.text
    client = httpx.AsyncClient(base_url=system.url("portal"), follow_redirects=True, timeout=30)
    opened = await client.get(system.portal_path(issued.json()["url"]))
    assert opened.status_code == 200, opened.text
    return issued.json(), client


async def not_found(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path)
    assert response.status_code == 404, (method, path, response.status_code, visible(response.text)[:200])


# A job's page --------------------------------------------------------------------------------------


async def test_a_jobs_page_shows_its_signed_quote_manifest_current_invoice_job_report_and_contact(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    job_id = f"job-{uuid4().hex[:6]}"
    job = {"job_id": job_id, "job_number": "JOB-2026-0700", "customer_id": customer.customer_id}
    async with operations(system) as ops:
        await ops.job(tenant_id, stage="on_site", **job)
        await ops.quote_signed(
            tenant_id,
            quote_id=f"q-{job_id}",
            quote_number="QT-2026-0700",
            customer_id=customer.customer_id,
            job_id=job_id,
            pdf=signed_pdf("Quote QT-2026-0700"),
        )
        await ops.delivery_manifest_signed(
            tenant_id,
            job_id=job_id,
            manifest_number="DM-2026-0700",
            customer_id=customer.customer_id,
            pdf=signed_pdf("Manifest DM-2026-0700"),
        )
    invoice = await system.sent_invoice(customer, job_id=job_id)
    client = await system.portal_session(customer)

    job_page = await shows(
        client,
        f"/jobs/{job_id}",
        "Active rental — equipment delivered",
        "Signed quote QT-2026-0700",
        "Signed delivery manifest DM-2026-0700",
        f"Current invoice {invoice['number']} Unpaid",
        "Contact us",
        "Call 02-123-4567",
        "Email billing@siamtools.example",
    )
    assert "AI Job Report" not in job_page  # only once the job is closed
    quote = document_id(tenant_id, DocumentKind.SIGNED_QUOTE, "QT-2026-0700")
    quote_page = await rendered_in_portal(client, quote)
    assert f'src="/documents/{quote}/pages/1.png' in quote_page
    download = await client.get(f"/documents/{quote}.pdf")
    assert download.headers["content-disposition"] == 'attachment; filename="QT-2026-0700.pdf"'
    assert "Quote QT-2026-0700" in pdf_text(download.content)
    documents = await shows(client, "/documents", "QT-2026-0700", "DM-2026-0700", invoice["number"])
    assert "Signed Quote" in documents

    async with operations(system) as ops:
        await ops.job(tenant_id, stage="closed", **job)
        await ops.job_report(
            tenant_id,
            job_id=job_id,
            customer_id=customer.customer_id,
            report={
                "report_number": "RPT-2026-0700",
                "customer_summary": {"en": "All equipment came back clean.", "th": "อุปกรณ์ทั้งหมดกลับมาสะอาด"},
            },
        )

    await shows(client, f"/jobs/{job_id}", "Completed", "AI Job Report", "RPT-2026-0700")
    bundle = await client.get("/documents.zip")
    assert bundle.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    for number in ("QT-2026-0700", "DM-2026-0700", "RPT-2026-0700", invoice["number"]):
        assert any(number in name for name in names), (number, names)


# Links to one invoice or one quote -------------------------------------------------------------------


async def test_an_invoice_link_opens_its_invoice_and_answers_not_found_for_everything_else(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    mine = Invoice(system, customer, number="INV-2026-0042")
    other = Invoice(system, customer, number="INV-2026-0043")
    for invoice in (mine, other):
        await invoice.send()
    await mine.pay("7000", "RC-2026-0101")
    await other.pay("9000", "RC-2026-0102")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    async with system.ops() as ops:
        await ops.job(
            tenant_id, job_id="job-1", job_number="JOB-1", customer_id=customer.customer_id, stage="on_site"
        )
    account = await system.portal_session(customer)
    doc = {
        number: document_id(tenant_id, kind, number)
        for kind, number in [
            (DocumentKind.INVOICE, mine.number),
            (DocumentKind.INVOICE, other.number),
            (DocumentKind.RECEIPT, "RC-2026-0101"),
            (DocumentKind.RECEIPT, "RC-2026-0102"),
            (DocumentKind.DEPOSIT_RECEIPT, deposit["collections"][0]["receipt_number"]),
        ]
    }
    for document in doc.values():  # everything exists for the customer's own link
        await rendered_in_portal(account, document)
    await shows(account, "/jobs/job-1", "JOB-1")

    link, client = await link_for(system, customer, invoice_id=str(mine.invoice_id))

    assert (link["scope"], link["invoice_id"], link["quote_id"]) == ("invoice", str(mine.invoice_id), None)
    landed = await client.get("/")
    assert landed.url.path == mine.path
    assert "Invoice INV-2026-0042 Partial" in visible(landed.text)
    assert 'aria-label="Sections"' not in landed.text  # no tabs: they would all be "not found"
    for path in (
        mine.path,
        f"{mine.path}/qr.png",
        f"/documents/{doc[mine.number]}",
        f"/documents/{doc['RC-2026-0101']}",
    ):
        assert (await client.get(path)).status_code == 200, path
    assert (await client.get(f"/documents/{doc['RC-2026-0101']}.pdf")).content.startswith(b"%PDF")
    paid = await tap_ive_paid(client, mine, await form_token(client, mine))
    assert "Payment reported — being checked" in visible(paid.text)
    for method, path in [
        ("GET", other.path),
        ("GET", f"{other.path}/qr.png"),
        ("POST", f"{other.path}/paid"),
        ("GET", f"/documents/{doc[other.number]}"),
        ("GET", f"/documents/{doc[other.number]}.pdf"),
        ("GET", f"/documents/{doc['RC-2026-0102']}"),
        ("GET", f"/documents/{doc['RC-2026-0102']}/pages/1.png"),
        ("GET", f"/documents/{doc[deposit['collections'][0]['receipt_number']]}"),
        ("GET", "/invoices"),
        ("GET", "/receipts"),
        ("GET", f"/receipts/{business_today().year}.zip"),
        ("GET", "/jobs"),
        ("GET", "/jobs/job-1"),
        ("GET", "/documents"),
        ("GET", "/documents.zip"),
    ]:
        await not_found(client, method, path)
    assert deposit["number"] not in (await client.get("/")).text  # home is the invoice, no deposits

    listed = (
        await system.get("portal", "/v1/portal-links", tenant_id, customer_id=customer.customer_id)
    ).json()
    # Staff's links (notifications issues its own for the receipts' emails, as they go out).
    assert {
        (item["scope"], item["invoice_id"])
        for item in listed["items"]
        if item["created_by"]["user_id"] == "staff-1"
    } == {("customer", None), ("invoice", str(mine.invoice_id))}


async def test_notifications_may_issue_an_invoice_link_with_a_service_token(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = Invoice(system, customer)
    await invoice.send()
    await shows(await system.portal_session(customer), "/invoices", invoice.number)

    issued = await system.command(
        "POST",
        "portal",
        "/v1/portal-links",
        tenant_id,
        {"customer_id": customer.customer_id, "invoice_id": str(invoice.invoice_id)},
        roles=("service",),
        user_id="service:notifications",
        name="notifications",
    )

    assert issued.status_code == 201, issued.text
    assert issued.json()["scope"] == "invoice"


async def test_a_link_to_an_invoice_or_quote_that_is_not_the_customers_is_refused_naming_the_field(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    neighbour = await system.new_customer(tenant_id, name="Neighbour Co.")
    neighbours_invoice = Invoice(system, neighbour)
    await neighbours_invoice.send()
    await shows(await system.portal_session(neighbour), "/invoices", neighbours_invoice.number)

    for target, field in [
        ({"invoice_id": str(neighbours_invoice.invoice_id)}, "invoice_id"),
        ({"invoice_id": str(uuid4())}, "invoice_id"),
        ({"invoice_id": "not-a-uuid"}, "invoice_id"),
        ({"quote_id": "q-never-signed"}, "quote_id"),
        ({"invoice_id": str(neighbours_invoice.invoice_id), "quote_id": "q-1"}, "quote_id"),
    ]:
        body = {"customer_id": customer.customer_id, **target}
        response = await system.command("POST", "portal", "/v1/portal-links", tenant_id, body)
        assert response.status_code == 422, (target, response.text)
        assert response.json()["error"]["field"] == field, (target, response.text)
    listed = (
        await system.get("portal", "/v1/portal-links", tenant_id, customer_id=customer.customer_id)
    ).json()
    assert listed["items"] == []


async def test_a_quote_link_opens_the_signed_quote_and_answers_not_found_for_everything_else(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    async with operations(system) as ops:
        for number in ("QT-2026-0801", "QT-2026-0802"):
            await ops.quote_signed(
                tenant_id,
                quote_id=f"q-{number}",
                quote_number=number,
                customer_id=customer.customer_id,
                pdf=signed_pdf(f"Quote {number}"),
            )
    invoice = Invoice(system, customer)
    await invoice.send()
    account = await system.portal_session(customer)
    mine, other = (
        document_id(tenant_id, DocumentKind.SIGNED_QUOTE, n) for n in ("QT-2026-0801", "QT-2026-0802")
    )
    for document in (mine, other):
        await rendered_in_portal(account, document)

    link, client = await link_for(system, customer, quote_id="q-QT-2026-0801")

    assert (link["scope"], link["quote_id"]) == ("quote", "q-QT-2026-0801")
    landed = await client.get("/")
    assert landed.url.path == f"/documents/{mine}"
    assert "Signed Quote QT-2026-0801" in visible(landed.text)
    assert f'src="/documents/{mine}/pages/1.png' in landed.text
    page_image = await client.get(f"/documents/{mine}/pages/1.png")
    assert (page_image.status_code, page_image.headers["content-type"]) == (200, "image/png")
    assert "Quote QT-2026-0801" in pdf_text((await client.get(f"/documents/{mine}.pdf")).content)
    for method, path in [
        ("GET", f"/documents/{other}"),
        ("GET", f"/documents/{other}.pdf"),
        ("GET", f"/documents/{other}/pages/1.png"),
        ("GET", invoice.path),
        ("GET", "/invoices"),
        ("GET", "/receipts"),
        ("GET", "/jobs"),
        ("GET", "/documents"),
        ("GET", "/documents.zip"),
    ]:
        await not_found(client, method, path)


# The year's receipts ---------------------------------------------------------------------------------


async def test_the_receipts_of_a_year_list_exactly_that_years_receipts_with_their_totals_and_zip(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    today = business_today()
    last_year = date(today.year - 1, 6, 1)
    job_id = f"job-{uuid4().hex[:6]}"
    async with system.ops() as ops:
        await ops.job(
            tenant_id,
            job_id=job_id,
            customer_id=customer.customer_id,
            branch_id="bkk",
            stage="new",
            start_date=today + timedelta(days=30),
        )
    prepayments = []
    for amount, paid_on in (("3000", last_year), ("10000", today)):

        async def prepay(amount: str = amount, paid_on: date = paid_on) -> httpx.Response | None:
            body = {
                "amount": amount,
                "method": "promptpay",
                "reference": "SCB-1",
                "paid_on": paid_on.isoformat(),
            }
            response = await system.command(
                "POST", "billing", f"/v1/jobs/{job_id}/prepayments", tenant_id, body
            )
            return None if response.status_code == 422 else response  # billing has not heard of the job yet

        recorded = await eventually(prepay)
        assert recorded.status_code == 201, recorded.text
        prepayments.append(recorded.json()["receipt_number"])
    deposit = await system.held_deposit(customer, Decimal("20000"))
    voided = await system.return_deposit(
        customer,
        deposit,
        {"kind": "partial", "amount": "15000", "method": "cash", "reference": "Cash", "note": "typo"},
    )
    void = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit['id']}/returns/{voided['id']}/void",
        tenant_id,
        {"reason": "typo"},
    )
    assert void.status_code == 200, void.text
    returned = await system.return_deposit(
        customer,
        deposit,
        {
            "kind": "partial",
            "amount": "14000",
            "method": "cash",
            "reference": "Cash",
            "note": "cracked filter",
        },
    )
    invoice = await system.sent_invoice(customer)
    payment = await system.pay_invoice(tenant_id, invoice, amount="50000")
    assert payment.status_code == 201, payment.text
    this_years = {
        deposit["collections"][0]["receipt_number"],
        voided["receipt_number"],
        returned["receipt_number"],
        prepayments[1],
        payment.json()["payments"][-1]["receipt_number"],
    }
    last_years = {prepayments[0]}
    client = await system.portal_session(customer, expires_in_days=30)

    async def every_receipt_rendered() -> str:
        content = await page_text(client, f"/receipts?year={today.year}")
        missing = [number for number in this_years if number not in content]
        assert not missing, missing
        assert "PDF being prepared" not in content
        return content

    receipts = await eventually(every_receipt_rendered, timeout_s=120, interval_s=0.5)
    past = await shows(client, f"/receipts?year={today.year - 1}", *last_years)
    default = await page_text(client, "/receipts")

    assert default == receipts  # this year in the business's time zone
    assert not [number for number in last_years if number in receipts]
    assert not [number for number in this_years if number in past]
    assert (
        f"Totals for {today.year} Receipt ฿50,000.00 Pre-payment Receipt ฿10,000.00 "
        "Deposit Receipt ฿20,000.00 Deposit Return Receipt ฿14,000.00" in receipts
    )  # the voided ฿15,000 return is not counted
    assert (
        f"Totals for {today.year - 1} Receipt ฿0.00 Pre-payment Receipt ฿3,000.00 "
        "Deposit Receipt ฿0.00 Deposit Return Receipt ฿0.00" in past
    )
    assert f"All receipts of {today.year} (zip)" in receipts
    assert f"Receipts {today.year} {today.year - 1} Totals for {today.year}" in receipts  # the years offered
    thai = await client.get("/lang/th", params={"next": f"/receipts?year={today.year}"})
    assert f"ใบเสร็จทั้งหมดของปี {today.year + 543} (zip)" in visible(thai.text)
    await client.get("/lang/en")

    for year, numbers in ((today.year, this_years), (today.year - 1, last_years)):
        bundle = await client.get(f"/receipts/{year}.zip")
        assert bundle.status_code == 200, bundle.text
        assert bundle.headers["content-disposition"] == f'attachment; filename="receipts-{year}.zip"'
        names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
        # A voided receipt is in it as listed, marked so in its name (DEPRR-2026-0001-VOID.pdf).
        assert sorted(name.removesuffix(".pdf").removesuffix("-VOID") for name in names) == sorted(numbers)
    assert (await client.get(f"/receipts/{today.year - 5}.zip")).status_code == 404


# The privacy wall --------------------------------------------------------------------------------


async def test_job_reports_and_inspections_reach_the_portal_only_as_the_rendered_customer_report(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    job_id = f"job-{uuid4().hex[:6]}"
    async with system.ops() as ops:
        await ops.job(
            tenant_id,
            job_id=job_id,
            job_number="JOB-2026-0900",
            customer_id=customer.customer_id,
            stage="closed",
        )
        await ops.inspection(
            tenant_id,
            job_id=job_id,
            inspection={
                "conditions": [{"item": "Generator", "condition": "scratched", "notes": "INSPECT-NOTE dent"}],
                "damage_estimates": [{"description": "DAMAGE-EST new casing", "amount": "12345.67"}],
            },
        )
        await ops.job_report(
            tenant_id,
            job_id=job_id,
            customer_id=customer.customer_id,
            report={
                "report_number": "RPT-2026-0900",
                "customer_summary": {"en": "Your rental went smoothly.", "th": "การเช่าของคุณเรียบร้อยดี"},
                "internal_recommendations": ["INTERNAL-REC raise this customer's deposit"],
            },
        )
    client = await system.portal_session(customer)
    await shows(client, f"/jobs/{job_id}", "AI Job Report", "RPT-2026-0900")
    await system.consumed("portal", JOBS_TOPIC)

    report = document_id(tenant_id, DocumentKind.JOB_REPORT, "RPT-2026-0900")
    pdf = pdf_text((await client.get(f"/documents/{report}.pdf")).content)
    assert "Your rental went smoothly." in pdf
    engine = create_async_engine(system.stack.database_url("portal"))
    try:
        async with engine.connect() as conn:
            tables = list(
                await conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            )
            stored = " ".join(
                [
                    str(await conn.scalar(text(f'SELECT json_agg(t)::text FROM "{table}" t')))
                    for table in tables
                ]
            )
    finally:
        await engine.dispose()
    secrets = ["INTERNAL-REC", "DAMAGE-EST", "INSPECT-NOTE", "12345.67", "Your rental went smoothly."]
    assert [s for s in secrets if s in stored] == []  # the portal keeps the report's document, not its text
    for path in ("/", f"/jobs/{job_id}", "/documents", f"/documents/{report}"):
        page = (await client.get(path)).text
        assert [s for s in secrets if s in page] == [], path
    assert "INTERNAL-REC" not in pdf
    assert "DAMAGE-EST" not in pdf
    with zipfile.ZipFile(io.BytesIO((await client.get("/documents.zip")).content)) as zipped:
        members = {name: pdf_text(zipped.read(name)) for name in zipped.namelist()}
    assert any("Your rental went smoothly." in member for member in members.values())
    assert [(name, s) for name, member in members.items() for s in secrets[:4] if s in member] == []

    # The customer's emails (here a deposit return's, with its DEPRR attached) carry none of it either.
    deposit = await system.held_deposit(customer, Decimal("5000"))
    await system.return_deposit(customer, deposit, {"kind": "forfeit", "note": "damaged casing"})

    async def emails() -> list[EmailMessage]:
        return [m for m in system.mail.messages if customer.email in m["To"]]

    [email] = await eventually(emails, timeout_s=30)
    body = email.get_body(preferencelist=("plain",))
    assert body is not None
    read = [body.get_content(), *(pdf_text(part.get_content()) for part in email.iter_attachments())]
    assert "damaged casing" in read[0]
    assert [s for s in secrets[:4] for part in read if s in part] == []
