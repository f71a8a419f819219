"""Billing documents end to end (SPEC §4, §5, §8): billing's events become bilingual PDFs: the
invoice with VAT, pre-payment lines, the balance due and a PromptPay QR for it, a new version after
every payment; the receipts RC and PREREC; the tax invoice with every item the law asks for.

The billing service is built in parallel, so these tests publish its events themselves."""

import asyncio
import io
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest
import zxingcpp
from PIL import Image

from shared.contracts import billing
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.catalogue import BILLING, DOCUMENTS
from shared.contracts.deposits import CollectionMethod, StaffRef
from shared.contracts.documents import DocumentKind
from shared.contracts.envelope import EventPayload
from shared.promptpay import promptpay_payload
from shared.thai import bahttext, english_date, thai_date
from tests.helpers import eventually, pdf_fonts, pdf_text
from tests.system import DEMO_TENANT_SETTINGS, Customer, System

pytestmark = pytest.mark.e2e

PROMPTPAY_ID = DEMO_TENANT_SETTINGS["promptpay_id"]
STAFF = StaffRef(user_id="staff-1", name="Nok Staff")
VAT_7 = billing.VatBreakdown(rate=Decimal("0.07"), rounding="satang")
BUYER_TAX_ID = "0105560000001"
ISSUED = date(2026, 3, 20)
PREPAID = date(2026, 3, 1)


def qr_codes(pdf: bytes) -> list[str]:
    """Every QR code on every page, decoded from the rendered page images."""
    codes = []
    for page in range(1, _page_count(pdf) + 1):
        png = subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), "-singlefile", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout
        codes += [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    return codes


def _page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@dataclass
class Billing:
    """A ฿50,000 pre-payment, then an invoice of ฿100,000 + VAT 7% = ฿107,000 that applies it
    (balance ฿57,000), then a payment of ฿7,000 (balance ฿50,000) and one of ฿50,000 (paid), and a
    tax invoice for the invoice."""

    tenant_id: str
    customer: Customer
    job_id: str
    prepayment: billing.PrepaymentRecorded
    invoice: billing.InvoiceSent
    payments: list[billing.PaymentRecorded]
    tax_invoice: billing.TaxInvoiceIssued


async def publish(system: System, tenant_id: str, *facts: tuple[EventPayload, Any]) -> None:
    async with system.ops() as ops:
        for payload, subject in facts:
            await ops.publish(payload, tenant_id=tenant_id, subject=str(subject), branch_id="bkk")


async def pdf_of(
    system: System, tenant_id: str, kind: DocumentKind, number: str, language: str, **params: Any
) -> httpx.Response:
    response = await system.document_file(tenant_id, kind, number, language, **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response


def invoice_sent(customer: Customer, job_id: str, number: str, **overrides: Any) -> billing.InvoiceSent:
    values: dict[str, Any] = {
        "invoice_id": uuid4(),
        "number": number,
        "kind": InvoiceKind.STANDARD,
        "customer_id": customer.customer_id,
        "job_id": job_id,
        "issue_date": ISSUED,
        "due_date": date(2026, 4, 19),
        "lines": [
            billing.InvoiceLine(
                description="Excavator 20 t",
                quantity=Decimal("1"),
                duration=Decimal("14"),
                unit="day",
                rate=Decimal("5000.00"),
                amount=Decimal("70000.00"),
            ),
            billing.InvoiceLine(
                description="Plate compactor",
                quantity=Decimal("2"),
                duration=Decimal("1"),
                unit="week",
                rate=Decimal("15000.00"),
                amount=Decimal("30000.00"),
            ),
        ],
        "subtotal": Decimal("100000.00"),
        "vat": VAT_7,
        "vat_amount": Decimal("7000.00"),
        "total": Decimal("107000.00"),
        "prepayments": [],
        "paid_total": Decimal("0.00"),
        "balance": Decimal("107000.00"),
        "sent_by": STAFF,
    }
    return billing.InvoiceSent(**{**values, **overrides})


def payment(
    invoice: billing.InvoiceSent, number: str, amount: str, paid_total: str, reference: str
) -> billing.PaymentRecorded:
    balance = invoice.total - Decimal(paid_total)
    return billing.PaymentRecorded(
        invoice_id=invoice.invoice_id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        job_id=invoice.job_id,
        payment_id=uuid4(),
        receipt_number=number,
        amount=Decimal(amount),
        method=CollectionMethod.PROMPTPAY,
        reference=reference,
        paid_on=date(2026, 3, 25),
        recorded_by=STAFF,
        paid_total=Decimal(paid_total),
        balance=balance,
        status=InvoiceStatus.PAID if balance == 0 else InvoiceStatus.PARTIAL,
    )


@pytest.fixture(scope="module")
async def scenario(system: System) -> Billing:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(
        tenant_id,
        language="th",
        name="บริษัท ก่อสร้างดี จำกัด",
        customer_type="company",
        address="12 ถนนสุขุมวิท แขวงคลองเตย กรุงเทพฯ 10110",
        tax_id=BUYER_TAX_ID,
        tax_branch_no="00001",
    )
    job_id = f"J-{uuid4().hex[:6]}"
    prepayment = billing.PrepaymentRecorded(
        prepayment_id=uuid4(),
        receipt_number="PREREC-2026-0001",
        customer_id=customer.customer_id,
        job_id=job_id,
        amount=Decimal("50000.00"),
        vat=VAT_7,
        vat_amount=Decimal("3271.03"),
        method=CollectionMethod.BANK_TRANSFER,
        reference="KBANK-PRE-5501",
        paid_on=PREPAID,
        recorded_by=STAFF,
    )
    invoice = invoice_sent(
        customer,
        job_id,
        "INV-2026-0001",
        prepayments=[
            billing.AppliedPrepayment(
                prepayment_id=prepayment.prepayment_id,
                receipt_number=prepayment.receipt_number,
                amount=prepayment.amount,
                paid_on=prepayment.paid_on,
            )
        ],
        paid_total=Decimal("50000.00"),
        balance=Decimal("57000.00"),
    )
    payments = [
        payment(invoice, "RC-2026-0001", "7000.00", "57000.00", "PP-SLIP-0001"),
        payment(invoice, "RC-2026-0002", "50000.00", "107000.00", "PP-SLIP-0002"),
    ]
    seller = billing.TaxParty(
        name=DEMO_TENANT_SETTINGS["business_name_th"],
        address=DEMO_TENANT_SETTINGS["address_th"],
        tax_id=DEMO_TENANT_SETTINGS["tax_id"],
        branch_no="00000",
    )
    buyer = billing.TaxParty(
        name=customer.name,
        address="12 ถนนสุขุมวิท แขวงคลองเตย กรุงเทพฯ 10110",
        tax_id=BUYER_TAX_ID,
        branch_no="00001",
    )
    tax_invoice = billing.TaxInvoiceIssued(
        tax_invoice_id=uuid4(),
        number="TI-2026-0001",
        customer_id=customer.customer_id,
        job_id=job_id,
        issue_date=date(2026, 3, 26),
        seller=seller,
        buyer=buyer,
        lines=[
            billing.TaxInvoiceLine(
                description="Excavator 20 t, 14 days",
                quantity=Decimal("1"),
                unit_price=Decimal("70000.00"),
                amount=Decimal("70000.00"),
            ),
            billing.TaxInvoiceLine(
                description="Plate compactor, 1 week",
                quantity=Decimal("2"),
                unit_price=Decimal("15000.00"),
                amount=Decimal("30000.00"),
            ),
        ],
        amount_before_vat=Decimal("100000.00"),
        vat=VAT_7,
        vat_amount=Decimal("7000.00"),
        total=Decimal("107000.00"),
        invoices=[
            billing.CoveredInvoice(
                invoice_id=invoice.invoice_id, number=invoice.number, kind=InvoiceKind.STANDARD
            )
        ],
        retentions=[],
        issued_by=StaffRef(user_id="manager-1", name="Mai Manager"),
    )
    await publish(
        system,
        tenant_id,
        (prepayment, prepayment.prepayment_id),
        (invoice, invoice.invoice_id),
        (payments[0], invoice.invoice_id),
        (payments[1], invoice.invoice_id),
        (tax_invoice, tax_invoice.tax_invoice_id),
    )
    await system.rendered_document(tenant_id, DocumentKind.INVOICE, invoice.number, version=3)
    return Billing(tenant_id, customer, job_id, prepayment, invoice, payments, tax_invoice)


# Invoice -----------------------------------------------------------------------------------------


async def test_the_invoice_shows_its_lines_vat_total_prepayment_and_balance_due(
    system: System, scenario: Billing
) -> None:
    response = await pdf_of(
        system, scenario.tenant_id, DocumentKind.INVOICE, scenario.invoice.number, "en", version=1
    )

    text = pdf_text(response.content)
    assert response.headers["content-disposition"] == f'inline; filename="{scenario.invoice.number}.pdf"'
    for fact in (
        scenario.invoice.number,
        DEMO_TENANT_SETTINGS["business_name_en"],
        DEMO_TENANT_SETTINGS["address_en"],
        f"Tax ID {DEMO_TENANT_SETTINGS['tax_id']} (Head office)",
        scenario.customer.name,
        f"Tax ID {BUYER_TAX_ID} (Branch 00001)",
        "Issue date 20 March 2026",
        "Due date 19 April 2026",
        "1 Excavator 20 t 1 14 days ฿5,000.00 ฿70,000.00",
        "2 Plate compactor 2 1 week ฿15,000.00 ฿30,000.00",
        "Subtotal ฿100,000.00",
        "VAT 7% ฿7,000.00",
        "Total ฿107,000.00",
        f"{scenario.prepayment.receipt_number} paid 1 March 2026 −฿50,000.00",
        "Balance due ฿57,000.00",
    ):
        assert fact in text, fact


async def test_the_invoice_qr_pays_exactly_the_balance_due_to_the_business(
    system: System, scenario: Billing
) -> None:
    response = await pdf_of(
        system, scenario.tenant_id, DocumentKind.INVOICE, scenario.invoice.number, "th", version=1
    )

    assert qr_codes(response.content) == [promptpay_payload(PROMPTPAY_ID, Decimal("57000"))]


async def test_the_thai_first_invoice_dates_in_the_buddhist_era_and_states_total_and_balance_in_words(
    system: System, scenario: Billing
) -> None:
    response = await pdf_of(
        system, scenario.tenant_id, DocumentKind.INVOICE, scenario.invoice.number, "th", version=1
    )

    text = pdf_text(response.content)
    assert thai_date(ISSUED) in text
    assert "ภาษีมูลค่าเพิ่ม 7% ฿7,000.00" in text
    assert f"({bahttext(Decimal('107000'))})" in text
    assert f"({bahttext(Decimal('57000'))})" in text
    assert "ยอดคงค้างชำระ ฿57,000.00" in text
    assert text.index("ใบแจ้งหนี้") < text.index("Invoice")


async def test_a_payment_renders_the_invoice_again_with_the_payment_and_the_new_balance(
    system: System, scenario: Billing
) -> None:
    first = scenario.payments[0]

    response = await pdf_of(
        system, scenario.tenant_id, DocumentKind.INVOICE, scenario.invoice.number, "en", version=2
    )

    text = pdf_text(response.content)
    assert f"{scenario.prepayment.receipt_number} paid 1 March 2026 −฿50,000.00" in text
    assert f"{first.receipt_number} paid 25 March 2026 −฿7,000.00" in text
    assert "Balance due ฿50,000.00" in text
    assert "Version 2" in text
    assert qr_codes(response.content) == [promptpay_payload(PROMPTPAY_ID, Decimal("50000"))]


async def test_the_payment_that_settles_the_invoice_makes_a_paid_version_without_qr(
    system: System, scenario: Billing
) -> None:
    document = await system.rendered_document(
        scenario.tenant_id, DocumentKind.INVOICE, scenario.invoice.number, version=3
    )

    latest = await pdf_of(system, scenario.tenant_id, DocumentKind.INVOICE, scenario.invoice.number, "en")

    text = pdf_text(latest.content)
    assert "PAID" in text
    assert "Balance due ฿0.00" in text
    assert all(p.receipt_number in text for p in scenario.payments)
    assert qr_codes(latest.content) == []
    assert [(v["version"], v["status"], v["issued_on"]) for v in document["versions"]] == [
        (n, "issued", ISSUED.isoformat()) for n in (1, 2, 3)
    ]


async def test_a_damage_invoice_is_titled_for_damage_and_names_the_forfeited_deposit(
    system: System, scenario: Billing
) -> None:
    damage = invoice_sent(
        scenario.customer,
        scenario.job_id,
        "INV-2026-0002",
        kind=InvoiceKind.DAMAGE,
        related_deposit_number="DEP-2026-0001",
    )
    await publish(system, scenario.tenant_id, (damage, damage.invoice_id))
    document = await system.rendered_document(scenario.tenant_id, DocumentKind.INVOICE, damage.number)

    response = await pdf_of(system, scenario.tenant_id, DocumentKind.INVOICE, damage.number, "en")

    text = pdf_text(response.content)
    assert "Invoice for Damage" in text
    assert "ใบแจ้งหนี้ค่าความเสียหาย" in text
    assert "Forfeited deposit DEP-2026-0001" in text
    assert document["related_number"] == "DEP-2026-0001"
    assert qr_codes(response.content) == [promptpay_payload(PROMPTPAY_ID, Decimal("107000"))]


# Receipts ----------------------------------------------------------------------------------------


async def test_a_receipt_shows_amount_in_figures_and_thai_words_method_reference_and_invoice(
    system: System, scenario: Billing
) -> None:
    paid = scenario.payments[1]
    document = await system.rendered_document(scenario.tenant_id, DocumentKind.RECEIPT, paid.receipt_number)

    response = await pdf_of(system, scenario.tenant_id, DocumentKind.RECEIPT, paid.receipt_number, "th")

    text = pdf_text(response.content)
    for fact in (
        paid.receipt_number,
        "ใบเสร็จรับเงิน",
        "Receipt type Receipt",
        DEMO_TENANT_SETTINGS["business_name_th"],
        DEMO_TENANT_SETTINGS["tax_id"],
        scenario.customer.name,
        BUYER_TAX_ID,
        "Amount received ฿50,000.00",
        f"({bahttext(Decimal('50000'))})",
        "Payment method PromptPay",
        "Payment reference PP-SLIP-0002",
        f"Reference document Invoice {scenario.invoice.number}",
        f"Date {english_date(paid.paid_on)}",
        thai_date(paid.paid_on),
        f"Invoice {scenario.invoice.number} is paid in full.",
        "Received by",
        "Nok Staff",
    ):
        assert fact in text, fact
    version = document["versions"][0]
    assert (version["amount"], version["reference"], version["related_number"]) == (
        "50000.00",
        "PP-SLIP-0002",
        scenario.invoice.number,
    )


async def test_a_prepayment_receipt_shows_its_job_the_vat_included_and_the_amount_in_words(
    system: System, scenario: Billing
) -> None:
    prepayment = scenario.prepayment
    document = await system.rendered_document(
        scenario.tenant_id, DocumentKind.PREPAYMENT_RECEIPT, prepayment.receipt_number
    )

    response = await pdf_of(
        system, scenario.tenant_id, DocumentKind.PREPAYMENT_RECEIPT, prepayment.receipt_number, "en"
    )

    text = pdf_text(response.content)
    for fact in (
        prepayment.receipt_number,
        "Pre-payment Receipt",
        "ใบเสร็จรับเงินล่วงหน้า",
        "Amount received ฿50,000.00",
        "VAT 7% included ฿3,271.03",
        "Amount before VAT ฿46,728.97",
        f"({bahttext(Decimal('50000'))})",
        "Payment method Bank transfer",
        "Payment reference KBANK-PRE-5501",
        f"For job {scenario.job_id}",
        f"Date {english_date(PREPAID)}",
        "Received by",
    ):
        assert fact in text, fact
    version = document["versions"][0]
    assert (version["amount"], version["reference"], version["related_number"]) == (
        "50000.00",
        "KBANK-PRE-5501",
        scenario.job_id,
    )


# Tax invoice -------------------------------------------------------------------------------------


async def test_the_tax_invoice_holds_every_item_the_law_asks_for(system: System, scenario: Billing) -> None:
    tax_invoice = scenario.tax_invoice
    document = await system.rendered_document(
        scenario.tenant_id, DocumentKind.TAX_INVOICE, tax_invoice.number
    )

    for language in ("th", "en"):
        response = await pdf_of(
            system, scenario.tenant_id, DocumentKind.TAX_INVOICE, tax_invoice.number, language
        )

        text = pdf_text(response.content)
        for fact in (
            "ใบกำกับภาษี / Tax Invoice",
            tax_invoice.number,
            thai_date(tax_invoice.issue_date),
            english_date(tax_invoice.issue_date),
            "ผู้ขาย / Seller" if language == "th" else "Seller / ผู้ขาย",
            DEMO_TENANT_SETTINGS["business_name_th"],
            f"Tax ID {DEMO_TENANT_SETTINGS['tax_id']} (Head office)",
            f"เลขประจำตัวผู้เสียภาษี {DEMO_TENANT_SETTINGS['tax_id']} (สำนักงานใหญ่)",
            "ผู้ซื้อ / Buyer" if language == "th" else "Buyer / ผู้ซื้อ",
            scenario.customer.name,
            "12 ถนนสุขุมวิท แขวงคลองเตย กรุงเทพฯ 10110",
            f"Tax ID {BUYER_TAX_ID} (Branch 00001)",
            f"เลขประจำตัวผู้เสียภาษี {BUYER_TAX_ID} (สาขาที่ 00001)",
            "1 Excavator 20 t, 14 days 1 ฿70,000.00 ฿70,000.00",
            "2 Plate compactor, 1 week 2 ฿15,000.00 ฿30,000.00",
            "Amount before VAT ฿100,000.00",
            "VAT 7% ฿7,000.00",
            "Total ฿107,000.00",
            "มูลค่าก่อนภาษีมูลค่าเพิ่ม ฿100,000.00",
            "ภาษีมูลค่าเพิ่ม 7% ฿7,000.00",
            f"({bahttext(Decimal('107000'))})",
            f"Covers Invoice {scenario.invoice.number}",
        ):
            assert fact in text, (language, fact)
    version = document["versions"][0]
    assert (version["amount"], version["related_number"]) == ("107000.00", scenario.invoice.number)


# Every document ----------------------------------------------------------------------------------


async def test_billing_pdfs_embed_the_sarabun_font_and_no_other(system: System, scenario: Billing) -> None:
    documents = [
        (DocumentKind.INVOICE, scenario.invoice.number),
        (DocumentKind.RECEIPT, scenario.payments[0].receipt_number),
        (DocumentKind.PREPAYMENT_RECEIPT, scenario.prepayment.receipt_number),
        (DocumentKind.TAX_INVOICE, scenario.tax_invoice.number),
    ]
    for kind, number in documents:
        await system.rendered_document(scenario.tenant_id, kind, number)
        for language in ("th", "en"):
            fonts = pdf_fonts((await pdf_of(system, scenario.tenant_id, kind, number, language)).content)

            assert fonts, (kind, language)
            assert all("Sarabun" in name and embedded == "yes" for name, embedded in fonts), fonts


async def _announced(system: System, tenant_id: str) -> list[tuple[str, int]]:
    """(number, version) of every document.rendered.v1 of the tenant on the bus that announces a
    version with both languages (each is announced in the customer's language first)."""
    return [
        (e["data"]["number"], e["data"]["version"])
        for e in await system.events(DOCUMENTS.name)
        if e["tenant_id"] == tenant_id
        and e["type"] == "document.rendered.v1"
        and len(e["data"]["files"]) == 2
    ]


async def test_a_redelivered_payment_adds_no_version_and_every_version_is_announced_once(
    system: System, scenario: Billing
) -> None:
    await publish(system, scenario.tenant_id, (scenario.payments[0], scenario.invoice.invoice_id))
    await system.consumed("documents", BILLING.name)  # else a version it would add is not rendered yet
    await system.renders_settled()

    document = await system.rendered_document(
        scenario.tenant_id, DocumentKind.INVOICE, scenario.invoice.number
    )

    assert [v["version"] for v in document["versions"]] == [1, 2, 3]
    expected = {
        (scenario.invoice.number, 1),
        (scenario.invoice.number, 2),
        (scenario.invoice.number, 3),
        (scenario.payments[0].receipt_number, 1),
        (scenario.payments[1].receipt_number, 1),
        (scenario.prepayment.receipt_number, 1),
        (scenario.tax_invoice.number, 1),
    }

    async def announced_once() -> list[tuple[str, int]] | None:
        numbers = {number for number, _ in expected}
        seen = [a for a in await _announced(system, scenario.tenant_id) if a[0] in numbers]
        return seen if set(seen) >= expected else None

    assert sorted(await eventually(announced_once, timeout_s=30, interval_s=0.5) or []) == sorted(expected)


async def test_payments_recorded_while_documents_is_killed_are_rendered_once_in_order(
    system: System, scenario: Billing
) -> None:
    invoice = invoice_sent(scenario.customer, scenario.job_id, "INV-2026-0003")
    payments = [
        payment(invoice, "RC-2026-0003", "7000.00", "7000.00", "PP-K-1"),
        payment(invoice, "RC-2026-0004", "100000.00", "107000.00", "PP-K-2"),
    ]
    await publish(
        system, scenario.tenant_id, (invoice, invoice.invoice_id), (payments[0], invoice.invoice_id)
    )
    await asyncio.sleep(0.3)  # it may be mid-render when it dies
    system.stack.kill("documents")
    try:
        await publish(system, scenario.tenant_id, (payments[1], invoice.invoice_id))
    finally:
        await asyncio.to_thread(system.stack.restart, "documents")

    async def every_version() -> bool:
        # A version whose renderer was killed is rendered once its lease runs out, possibly after
        # the later ones; the latest version is served meanwhile.
        document = await system.rendered_document(
            scenario.tenant_id, DocumentKind.INVOICE, invoice.number, version=3
        )
        return [v["version"] for v in document["versions"]] == [1, 2, 3]

    assert await eventually(every_version, timeout_s=90, interval_s=0.5)
    latest = pdf_text(
        (await pdf_of(system, scenario.tenant_id, DocumentKind.INVOICE, invoice.number, "en")).content
    )
    assert "RC-2026-0003 paid 25 March 2026 −฿7,000.00" in latest
    assert "RC-2026-0004 paid 25 March 2026 −฿100,000.00" in latest
    assert "Balance due ฿0.00" in latest

    async def announced_once() -> bool:
        seen = [
            a
            for a in await _announced(system, scenario.tenant_id)
            if a[0] in {invoice.number, "RC-2026-0004"}
        ]
        assert sorted(seen) == [
            (invoice.number, 1),
            (invoice.number, 2),
            (invoice.number, 3),
            ("RC-2026-0004", 1),
        ]
        return True

    assert await eventually(announced_once, timeout_s=30, interval_s=0.5)
