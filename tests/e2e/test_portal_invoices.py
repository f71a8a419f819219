"""Invoices in the customer portal (SPEC §6, issue 3): the balance with its PromptPay QR, the badges
Unpaid / Partial / Paid / Overdue, receipts for every payment, and "I've paid" with a slip,
recorded once however often it is tapped. Billing's events are published here as billing would
publish them, so the portal is driven exactly as in production."""

import asyncio
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
import zxingcpp
from PIL import Image

from shared.contracts import billing
from shared.contracts.deposits import StaffRef
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered, document_id
from shared.contracts.envelope import EventPayload
from shared.promptpay import promptpay_payload
from tests.e2e.test_portal import page_text, shows
from tests.helpers import eventually, qr_payloads, slip_screenshot, visible
from tests.system import DEMO_TENANT_SETTINGS, Customer, System

pytestmark = pytest.mark.e2e

PROMPTPAY_ID = DEMO_TENANT_SETTINGS["promptpay_id"]
STAFF = StaffRef(user_id="staff-1", name="Nok Staff")
SLIP_REFERENCE = "2026112314552800001"
PORTAL_TOPIC = "mudjam.portal.v1"


def business_today() -> date:
    return datetime.now(ZoneInfo("Asia/Bangkok")).date()


@dataclass
class Invoice:
    """One invoice's billing events, published as billing publishes them (key: the invoice id)."""

    system: System
    customer: Customer
    number: str = "INV-2026-0042"
    total: Decimal = Decimal("107000.00")
    due_in_days: int = 30
    invoice_id: UUID = field(default_factory=uuid4)
    paid_total: Decimal = Decimal("0.00")

    @property
    def tenant_id(self) -> str:
        return self.customer.tenant_id

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid_total

    @property
    def path(self) -> str:
        return f"/invoices/{self.invoice_id}"

    async def publish(self, payload: EventPayload, subject: UUID | None = None) -> None:
        async with self.system.ops() as ops:
            await ops.publish(
                payload, tenant_id=self.tenant_id, subject=str(subject or self.invoice_id), branch_id="bkk"
            )

    async def send(self, prepayments: tuple[billing.AppliedPrepayment, ...] = ()) -> None:
        today = business_today()
        self.paid_total = sum((p.amount for p in prepayments), Decimal("0.00"))
        await self.publish(
            billing.InvoiceSent(
                invoice_id=self.invoice_id,
                number=self.number,
                kind=billing.InvoiceKind.STANDARD,
                customer_id=self.customer.customer_id,
                job_id="job-1",
                issue_date=today,
                due_date=today + timedelta(days=self.due_in_days),
                lines=[
                    billing.InvoiceLine(
                        description="Generator 20 kVA",
                        quantity=Decimal(1),
                        duration=Decimal(20),
                        unit="day",
                        rate=(self.total / Decimal("1.07") / 20).quantize(Decimal("0.01")),
                        amount=(self.total / Decimal("1.07")).quantize(Decimal("0.01")),
                    )
                ],
                subtotal=(self.total / Decimal("1.07")).quantize(Decimal("0.01")),
                vat=billing.VatBreakdown(rate=Decimal("0.07"), rounding="satang"),
                vat_amount=self.total - (self.total / Decimal("1.07")).quantize(Decimal("0.01")),
                total=self.total,
                prepayments=list(prepayments),
                paid_total=self.paid_total,
                balance=self.balance,
                sent_by=STAFF,
            )
        )

    async def pay(self, amount: str, receipt_number: str, *, report_id: UUID | None = None) -> None:
        self.paid_total += Decimal(amount)
        status = billing.InvoiceStatus.PAID if self.balance == 0 else billing.InvoiceStatus.PARTIAL
        await self.publish(
            billing.PaymentRecorded(
                invoice_id=self.invoice_id,
                invoice_number=self.number,
                customer_id=self.customer.customer_id,
                payment_id=uuid4(),
                receipt_number=receipt_number,
                amount=Decimal(amount),
                method="bank_transfer",
                reference=f"KBANK-{receipt_number[-4:]}",
                paid_on=business_today(),
                recorded_by=STAFF,
                paid_total=self.paid_total,
                balance=self.balance,
                status=status,
                report_id=report_id,
            )
        )

    async def close_report(self, report_id: UUID, outcome: str) -> None:
        await self.publish(
            billing.PaymentReportClosed(
                report_id=report_id,
                invoice_id=self.invoice_id,
                invoice_number=self.number,
                customer_id=self.customer.customer_id,
                outcome=outcome,
                reason="no transfer of this amount on the statement" if outcome == "dismissed" else "",
                closed_by=STAFF,
            )
        )

    async def rendered(self, kind: DocumentKind, number: str, amount: Decimal) -> UUID:
        """The documents service's announcement of a rendered PDF."""
        document = document_id(self.tenant_id, kind, number)
        await self.publish(
            DocumentRendered(
                document_id=document,
                kind=kind,
                number=number,
                version=1,
                status="issued",
                customer_id=self.customer.customer_id,
                issued_on=business_today(),
                amount=amount,
                reference=self.number,
                files=[
                    DocumentFile(
                        language=lang, storage_key=f"test/{number}-{lang}.pdf", sha256="0" * 64, size_bytes=1
                    )
                    for lang in ("th", "en")
                ],
                render_ms=1,
            ),
            subject=document,
        )
        return document


async def form_token(client: httpx.AsyncClient, invoice: Invoice) -> str:
    page = await client.get(invoice.path, params={"pay": "1"})
    assert page.status_code == 200, page.text
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, visible(page.text)[:1500]
    return match.group(1)


async def tap_ive_paid(
    client: httpx.AsyncClient, invoice: Invoice, token: str, slip: tuple[str, bytes, str] | None = None
) -> httpx.Response:
    files = {"slip": slip} if slip else {"slip": ("", b"", "application/octet-stream")}
    return await client.post(f"{invoice.path}/paid", data={"csrf": token}, files=files)


async def reported(system: System, invoice: Invoice) -> list[dict[str, Any]]:
    return [
        e
        for e in await system.events(PORTAL_TOPIC)
        if e["type"] == "payment.reported.v1" and e["data"]["invoice_id"] == str(invoice.invoice_id)
    ]


async def sent_invoice(system: System, **fields: Any) -> tuple[Invoice, httpx.AsyncClient]:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = Invoice(system, customer, **fields)
    await invoice.send()
    client = await system.portal_session(customer)
    await shows(client, "/invoices", invoice.number)
    return invoice, client


# The balance, its QR and the badges -------------------------------------------------------------


async def test_an_invoice_shows_its_balance_with_a_qr_from_unpaid_through_partial_to_paid(
    system: System,
) -> None:
    invoice, client = await sent_invoice(system)

    home = await shows(client, "/", "Invoice INV-2026-0042 Unpaid", "Balance due ฿107,000.00")
    assert "You're all caught up" not in home
    assert qr_payloads((await client.get("/")).text, invoice.number) == [
        promptpay_payload(PROMPTPAY_ID, Decimal("107000"))
    ]
    listed = await page_text(client, "/invoices")
    assert "Invoice INV-2026-0042 Unpaid" in listed
    assert "Pay ฿107,000.00" in listed
    detail = await client.get(invoice.path, params={"pay": "1"})
    assert qr_payloads(detail.text, invoice.number) == [promptpay_payload(PROMPTPAY_ID, Decimal("107000"))]
    saved = await client.get(f"{invoice.path}/qr.png")
    assert saved.headers["content-type"] == "image/png"
    assert saved.headers["content-disposition"] == 'attachment; filename="INV-2026-0042-PromptPay.png"'
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(saved.content)))
    assert [code.text for code in decoded] == [promptpay_payload(PROMPTPAY_ID, Decimal("107000.00"))]

    await invoice.pay("50000", "RC-2026-0001")

    await shows(client, "/invoices", "Invoice INV-2026-0042 Partial", "Balance due ฿57,000.00")
    receipts = await shows(client, "/receipts", "RC-2026-0001")
    assert "Receipt RC-2026-0001" in receipts
    assert "฿50,000.00" in receipts
    assert "Ref. KBANK-0001 · Invoice INV-2026-0042" in receipts
    assert qr_payloads((await client.get("/")).text, invoice.number) == [
        promptpay_payload(PROMPTPAY_ID, Decimal("57000.00"))
    ]
    detail_text = await page_text(client, invoice.path)
    assert "Total ฿107,000.00 Paid ฿50,000.00 Balance due ฿57,000.00" in detail_text
    assert "RC-2026-0001" in detail_text

    await invoice.pay("57000", "RC-2026-0002")

    await shows(client, "/invoices", "Invoice INV-2026-0042 Paid")
    paid = await client.get(invoice.path, params={"pay": "1"})
    assert 'class="qr"' not in paid.text
    assert "I've paid" not in visible(paid.text)
    assert "Balance due ฿0.00" in visible(paid.text)
    home = await page_text(client, "/")
    assert "INV-2026-0042" not in home
    assert "You're all caught up" in home
    assert 'class="qr"' not in (await client.get("/")).text
    assert (await client.get(f"{invoice.path}/qr.png")).status_code == 404
    await shows(client, "/receipts", "RC-2026-0001", "RC-2026-0002")


async def test_the_invoice_shows_its_pdf_as_page_images_its_pre_payment_and_its_tax_invoice_as_a_download(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th")
    invoice = Invoice(system, customer)
    prepayment_id = uuid4()
    await invoice.publish(
        billing.PrepaymentRecorded(
            prepayment_id=prepayment_id,
            receipt_number="PREREC-2026-0001",
            customer_id=customer.customer_id,
            job_id="job-1",
            amount=Decimal("50000"),
            vat=billing.VatBreakdown(rate=Decimal("0.07"), rounding="satang"),
            vat_amount=Decimal("3271.03"),
            method="promptpay",
            reference="SCB-99",
            paid_on=business_today() - timedelta(days=5),
            recorded_by=STAFF,
        ),
        subject=prepayment_id,
    )
    await invoice.send(
        prepayments=(
            billing.AppliedPrepayment(
                prepayment_id=prepayment_id,
                receipt_number="PREREC-2026-0001",
                amount=Decimal("50000"),
                paid_on=business_today() - timedelta(days=5),
            ),
        )
    )
    client = await system.portal_session(customer)

    detail = await shows(client, invoice.path, "ใบแจ้งหนี้ INV-2026-0042", "ชำระบางส่วน", "ยอดค้างชำระ ฿57,000.00")
    assert "ชำระล่วงหน้า PREREC-2026-0001" in detail
    receipts = await shows(client, "/receipts", "PREREC-2026-0001")
    assert "ใบเสร็จรับเงินล่วงหน้า PREREC-2026-0001" in receipts
    assert "อ้างอิง SCB-99" in receipts

    pdf = await invoice.rendered(DocumentKind.INVOICE, invoice.number, invoice.total)
    async with system.ops() as ops:
        await ops.publish(
            billing.TaxInvoiceIssued(
                tax_invoice_id=uuid4(),
                number="TI-2026-0001",
                customer_id=customer.customer_id,
                issue_date=business_today(),
                seller=billing.TaxParty(
                    name="Siam Tool Rentals", address="Bangkok", tax_id="0105556012345", branch_no="00000"
                ),
                buyer=billing.TaxParty(
                    name="Somchai", address="Bangkok", tax_id="1234567890123", branch_no="00000"
                ),
                lines=[],
                amount_before_vat=Decimal("100000"),
                vat=billing.VatBreakdown(rate=Decimal("0.07"), rounding="satang"),
                vat_amount=Decimal("7000"),
                total=Decimal("107000"),
                invoices=[
                    billing.CoveredInvoice(
                        invoice_id=invoice.invoice_id, number=invoice.number, kind="standard"
                    )
                ],
                retentions=[],
                issued_by=STAFF,
            ),
            tenant_id=tenant_id,
            subject=str(uuid4()),
        )

    async def pdf_inline() -> str:
        page = (await client.get(invoice.path)).text
        assert f'<img class="page" src="/documents/{pdf}/pages/1.png?lang=th' in page
        assert f'href="/documents/{pdf}.pdf"' in page
        assert "ใบกำกับภาษี TI-2026-0001" in visible(page)
        return page

    await eventually(pdf_inline, timeout_s=15)
    tax_pdf = await invoice.rendered(DocumentKind.TAX_INVOICE, "TI-2026-0001", Decimal("107000"))

    async def tax_invoice_download() -> str:
        page = (await client.get(invoice.path)).text
        assert f'href="/documents/{tax_pdf}.pdf"' in page
        return page

    await eventually(tax_invoice_download, timeout_s=15)


# I've paid ----------------------------------------------------------------------------------------


async def test_ive_paid_with_a_slip_is_reported_once_however_often_it_is_tapped(system: System) -> None:
    invoice, client = await sent_invoice(system)
    token = await form_token(client, invoice)
    slip = slip_screenshot()

    first, second = await asyncio.gather(
        tap_ive_paid(client, invoice, token, ("slip.png", slip, "image/png")),
        tap_ive_paid(client, invoice, token, ("slip.png", slip, "image/png")),
    )
    again = await tap_ive_paid(client, invoice, token, ("slip.png", slip, "image/png"))

    for response in (first, second, again):
        assert response.status_code == 200, response.text
        assert response.url.path == invoice.path
        page = visible(response.text)
        assert "Payment reported — being checked" in page
        assert "Siam Tool Rentals Co., Ltd. will check your payment of ฿107,000.00" in page
        assert 'class="qr"' not in response.text
    events = await eventually(lambda: reported(system, invoice))
    await asyncio.sleep(2)  # the relay had every chance to publish a second one
    assert len(await reported(system, invoice)) == 1
    [event] = events
    data = event["data"]
    assert (data["invoice_number"], data["customer_id"], data["amount"]) == (
        invoice.number,
        invoice.customer.customer_id,
        "107000.00",
    )
    assert data["slip"]["content_type"] == "image/png"
    assert data["slip"]["size_bytes"] == len(slip)
    assert data["slip"]["sha256"] == hashlib.sha256(slip).hexdigest()
    assert data["slip_reference"] == f"014-{SLIP_REFERENCE}"
    assert event["subject"] == str(invoice.invoice_id)
    assert event["branch_id"] == "bkk"
    listed = await page_text(client, "/invoices")
    assert "Payment reported — being checked" in listed

    staff_view = await system.get("portal", f"/v1/slips/{data['slip']['slip_id']}", invoice.tenant_id)
    assert staff_view.status_code == 200
    assert staff_view.headers["content-type"] == "image/png"
    assert staff_view.content == slip
    other_tenant = await system.get("portal", f"/v1/slips/{data['slip']['slip_id']}", "t-someone-else")
    assert other_tenant.status_code == 404
    anonymous = await system.http.get(f"{system.url('portal')}/v1/slips/{data['slip']['slip_id']}")
    assert anonymous.status_code == 401


async def test_a_dismissed_report_can_be_made_again_and_a_recorded_one_shows_the_payment(
    system: System,
) -> None:
    invoice, client = await sent_invoice(system)
    token = await form_token(client, invoice)
    await tap_ive_paid(client, invoice, token)
    [first] = await eventually(lambda: reported(system, invoice))
    assert first["data"]["slip"] is None

    await invoice.close_report(UUID(first["data"]["report_id"]), "dismissed")

    page = await shows(client, invoice.path, "We could not match your last payment report")
    assert "no transfer of this amount" not in page  # the staff's reason stays internal
    assert "I've paid" in page
    again = await tap_ive_paid(client, invoice, await form_token(client, invoice))
    assert "Payment reported — being checked" in visible(again.text)

    async def two_reports() -> list[dict[str, Any]]:
        found = await reported(system, invoice)
        assert len(found) == 2, found
        return found

    reports = await eventually(two_reports)
    second = {UUID(e["data"]["report_id"]) for e in reports} - {UUID(first["data"]["report_id"])}
    assert len(second) == 1

    await invoice.pay("107000", "RC-2026-0001", report_id=second.pop())

    paid = await shows(client, invoice.path, "Invoice INV-2026-0042 Paid", "RC-2026-0001")
    assert "being checked" not in paid
    assert "I've paid" not in paid


@pytest.mark.parametrize(
    ("slip", "message"),
    [
        (
            ("slip.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "application/pdf"),
            "must be a PNG, JPEG or WebP",
        ),
        (("slip.png", b"not really a png", "image/png"), "must be a PNG, JPEG or WebP"),
        (("slip.png", slip_screenshot() + b"\0" * (6 * 1024 * 1024), "image/png"), "larger than 5 MB"),
    ],
    ids=["pdf", "renamed", "6 MB"],
)
async def test_a_slip_that_is_not_an_image_or_too_large_is_refused_and_nothing_is_reported(
    system: System, slip: tuple[str, bytes, str], message: str
) -> None:
    invoice, client = await sent_invoice(system)

    refused = await tap_ive_paid(client, invoice, await form_token(client, invoice), slip)

    assert refused.status_code == 422
    page = visible(refused.text)
    assert message in page
    assert "being checked" not in page
    assert "I've paid" in page  # the form is shown again, open
    assert "being checked" not in await page_text(client, invoice.path)
    await asyncio.sleep(1)
    assert await reported(system, invoice) == []


async def test_a_form_from_elsewhere_is_refused_and_nothing_is_reported(system: System) -> None:
    invoice, client = await sent_invoice(system)

    for token in ("", "forged.token.value", "x" * 2000):
        response = await tap_ive_paid(client, invoice, token)
        assert response.status_code == 403
        assert "This form has expired" in visible(response.text)
    assert "being checked" not in await page_text(client, invoice.path)
    assert await reported(system, invoice) == []


# Privacy -------------------------------------------------------------------------------------------


async def test_a_customer_cannot_view_pay_or_report_on_another_customers_invoice(system: System) -> None:
    invoice, owner = await sent_invoice(system)
    other = await system.new_customer(invoice.tenant_id, name="Somsak Other")
    client = await system.portal_session(other)
    own_invoice = Invoice(system, other, number="INV-2026-0043")
    await own_invoice.send()
    own_token = await eventually(lambda: form_token(client, own_invoice))

    for response in (
        await client.get(invoice.path),
        await client.get(invoice.path, params={"pay": "1"}),
        await client.get(f"{invoice.path}/qr.png"),
        await tap_ive_paid(client, invoice, own_token, ("slip.png", slip_screenshot(), "image/png")),
    ):
        assert response.status_code == 404
        assert "INV-2026-0042" not in response.text
    for path in ("/", "/invoices", "/receipts", "/documents"):
        assert "INV-2026-0042" not in (await client.get(path)).text
    await asyncio.sleep(1)
    assert await reported(system, invoice) == []
    assert "Unpaid" in await page_text(owner, "/invoices")


# Overdue -------------------------------------------------------------------------------------------
