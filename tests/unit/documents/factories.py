"""Deposit and billing facts, a business and a customer as the documents service keeps them."""

import hashlib
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pypdfium2 as pdfium

from services.documents.domain import (
    AppliedPrepaymentFacts,
    BranchProfile,
    CoveredInvoiceFacts,
    CoveredRetentionFacts,
    CustomerProfile,
    DepositReceiptFacts,
    DepositRequestFacts,
    DepositReturnFacts,
    InvoiceFacts,
    InvoiceLineFacts,
    PaymentReceiptFacts,
    PrepaymentReceiptFacts,
    TaxInvoiceFacts,
    TaxInvoiceLineFacts,
    TaxPartyFacts,
    TenantProfile,
    VoidFacts,
)
from shared.contracts import billing, upstream
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.deposits import CollectionMethod, RefundMethod, ReturnKind, StaffRef

DEPOSIT_ID = UUID("00000000-0000-0000-0000-00000000d001")
INVOICE_ID = UUID("00000000-0000-0000-0000-00000000a001")
PAYMENT_ID = UUID("00000000-0000-0000-0000-00000000b001")
PREPAYMENT_ID = UUID("00000000-0000-0000-0000-00000000c001")
TAX_INVOICE_ID = UUID("00000000-0000-0000-0000-00000000e001")


def tenant(**overrides: Any) -> TenantProfile:
    values: dict[str, Any] = {
        "tenant_id": "t-1",
        "business_name_en": "Siam Tool Rentals Co., Ltd.",
        "business_name_th": "บริษัท สยามทูลเรนทัล จำกัด",
        "address_en": "99 Rama IV Road, Bangkok 10110",
        "address_th": "99 ถนนพระรามที่ 4 กรุงเทพฯ 10110",
        "tax_id": "0105556012345",
        "phone": "02-123-4567",
        "email": "billing@siamtools.example",
        "promptpay_id": "0812345678",
        "branches": (
            BranchProfile("bkk", "BKK", "Bangkok", "กรุงเทพฯ"),
            BranchProfile(
                "cnx",
                "CNX",
                "Chiang Mai",
                "เชียงใหม่",
                tax_branch_no="00002",
                address_en="7 Nimman Road, Chiang Mai 50200",
                address_th="7 ถนนนิมมานเหมินท์ เชียงใหม่ 50200",
            ),
        ),
    }
    return TenantProfile(**{**values, **overrides})


def customer(**overrides: Any) -> CustomerProfile:
    values: dict[str, Any] = {
        "customer_id": "c-1",
        "name": "Somchai Jaidee",
        "address": "12 Sukhumvit Road, Bangkok 10110",
        "preferred_language": "th",
    }
    return CustomerProfile(**{**values, **overrides})


def request(**overrides: Any) -> DepositRequestFacts:
    values: dict[str, Any] = {
        "deposit_id": DEPOSIT_ID,
        "deposit_number": "DEP-2026-0001",
        "customer_id": "c-1",
        "amount": Decimal("20000.00"),
        "requested_on": date(2026, 3, 1),
    }
    return DepositRequestFacts(**{**values, **overrides})


def receipt(**overrides: Any) -> DepositReceiptFacts:
    values: dict[str, Any] = {
        "deposit_id": DEPOSIT_ID,
        "deposit_number": "DEP-2026-0001",
        "customer_id": "c-1",
        "receipt_number": "DEPR-2026-0001",
        "amount": Decimal("20000.00"),
        "method": CollectionMethod.BANK_TRANSFER,
        "payment_reference": "KBANK-778812",
        "collected_on": date(2026, 3, 2),
        "collected_at": datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
        "collected_by": "Nok Staff",
        "amount_requested": Decimal("20000.00"),
        "total_collected": Decimal("20000.00"),
    }
    return DepositReceiptFacts(**{**values, **overrides})


def deposit_return(**overrides: Any) -> DepositReturnFacts:
    values: dict[str, Any] = {
        "deposit_id": DEPOSIT_ID,
        "deposit_number": "DEP-2026-0001",
        "customer_id": "c-1",
        "receipt_number": "DEPRR-2026-0001",
        "collection_receipt_numbers": ["DEPR-2026-0001"],
        "return_kind": ReturnKind.PARTIAL,
        "held_amount": Decimal("20000.00"),
        "returned_amount": Decimal("15000.00"),
        "retained_amount": Decimal("5000.00"),
        "reason": "Cracked filter housing",
        "method": RefundMethod.BANK_TRANSFER,
        "refund_reference": "SLIP-2026-77",
        "returned_on": date(2026, 3, 12),
        "returned_at": datetime(2026, 3, 12, 7, 5, tzinfo=UTC),
        "returned_by": "Nok Staff",
    }
    return DepositReturnFacts(**{**values, **overrides})


def void(**overrides: Any) -> VoidFacts:
    values: dict[str, Any] = {
        "reason": "Wrong amount entered",
        "voided_at": datetime(2026, 3, 13, 2, 0, tzinfo=UTC),
        "voided_by": "Mai Manager",
    }
    return VoidFacts(**{**values, **overrides})


def invoice(**overrides: Any) -> InvoiceFacts:
    """฿100,000 + VAT 7% = ฿107,000, nothing paid yet."""
    values: dict[str, Any] = {
        "customer_id": "c-1",
        "job_id": "J-1001",
        "invoice_id": INVOICE_ID,
        "invoice_number": "INV-2026-0042",
        "invoice_kind": InvoiceKind.STANDARD,
        "issue_date": date(2026, 3, 20),
        "due_date": date(2026, 4, 19),
        "lines": [
            InvoiceLineFacts(
                description="Excavator 20 t",
                quantity=Decimal("1"),
                duration=Decimal("14"),
                unit="day",
                rate=Decimal("5000.00"),
                amount=Decimal("70000.00"),
            ),
            InvoiceLineFacts(
                description="Plate compactor",
                quantity=Decimal("2"),
                duration=Decimal("1"),
                unit="week",
                rate=Decimal("15000.00"),
                amount=Decimal("30000.00"),
            ),
        ],
        "subtotal": Decimal("100000.00"),
        "vat_rate": Decimal("0.07"),
        "vat_amount": Decimal("7000.00"),
        "total": Decimal("107000.00"),
        "prepayments": [],
        "paid_total": Decimal("0.00"),
        "balance": Decimal("107000.00"),
    }
    return InvoiceFacts(**{**values, **overrides})


def prepaid_invoice(**overrides: Any) -> InvoiceFacts:
    """The same invoice with a ฿50,000 pre-payment below the totals: ฿57,000 left to pay."""
    values: dict[str, Any] = {
        "prepayments": [
            AppliedPrepaymentFacts(
                receipt_number="PREREC-2026-0007", amount=Decimal("50000.00"), paid_on=date(2026, 3, 1)
            )
        ],
        "paid_total": Decimal("50000.00"),
        "balance": Decimal("57000.00"),
    }
    return invoice(**{**values, **overrides})


def payment_receipt(**overrides: Any) -> PaymentReceiptFacts:
    values: dict[str, Any] = {
        "customer_id": "c-1",
        "job_id": "J-1001",
        "receipt_number": "RC-2026-0101",
        "amount": Decimal("50000.00"),
        "method": CollectionMethod.PROMPTPAY,
        "payment_reference": "PP-20260325-001",
        "paid_on": date(2026, 3, 25),
        "recorded_by": "Nok Staff",
        "payment_id": PAYMENT_ID,
        "invoice_id": INVOICE_ID,
        "invoice_number": "INV-2026-0042",
        "paid_total": Decimal("50000.00"),
        "balance": Decimal("57000.00"),
    }
    return PaymentReceiptFacts(**{**values, **overrides})


def prepayment_receipt(**overrides: Any) -> PrepaymentReceiptFacts:
    values: dict[str, Any] = {
        "customer_id": "c-1",
        "job_id": "J-1002",
        "receipt_number": "PREREC-2026-0007",
        "amount": Decimal("53500.00"),
        "method": CollectionMethod.BANK_TRANSFER,
        "payment_reference": "KBANK-5501",
        "paid_on": date(2026, 3, 1),
        "recorded_by": "Nok Staff",
        "prepayment_id": PREPAYMENT_ID,
        "vat_rate": Decimal("0.07"),
        "vat_amount": Decimal("3500.00"),
    }
    return PrepaymentReceiptFacts(**{**values, **overrides})


def tax_party(**overrides: Any) -> TaxPartyFacts:
    values: dict[str, Any] = {
        "name": "บริษัท ก่อสร้างดี จำกัด",
        "address": "12 ถนนสุขุมวิท กรุงเทพฯ 10110",
        "tax_id": "0105560000001",
        "branch_no": "00001",
    }
    return TaxPartyFacts(**{**values, **overrides})


def tax_invoice(**overrides: Any) -> TaxInvoiceFacts:
    """A forfeited ฿20,000 deposit and a ฿32,100 damage invoice, VAT included in both:
    ฿48,691.59 + VAT ฿3,408.41 = ฿52,100."""
    values: dict[str, Any] = {
        "customer_id": "c-1",
        "job_id": "J-1000",
        "tax_invoice_id": TAX_INVOICE_ID,
        "tax_invoice_number": "TI-2026-0003",
        "issue_date": date(2026, 3, 28),
        "seller": tax_party(
            name="บริษัท สยามทูลเรนทัล จำกัด",
            address="99 ถนนพระรามที่ 4 กรุงเทพฯ 10110",
            tax_id="0105556012345",
            branch_no="00000",
        ),
        "buyer": tax_party(),
        "lines": [
            TaxInvoiceLineFacts(
                description="Forfeited deposit DEP-2026-0011 (damage)",
                quantity=Decimal("1"),
                unit_price=Decimal("18691.59"),
                amount=Decimal("18691.59"),
            ),
            TaxInvoiceLineFacts(
                description="Damage beyond the deposit",
                quantity=Decimal("1"),
                unit_price=Decimal("30000.00"),
                amount=Decimal("30000.00"),
            ),
        ],
        "amount_before_vat": Decimal("48691.59"),
        "vat_rate": Decimal("0.07"),
        "vat_amount": Decimal("3408.41"),
        "total": Decimal("52100.00"),
        "invoices": [CoveredInvoiceFacts(number="INV-2026-0050", kind=InvoiceKind.DAMAGE)],
        "retentions": [
            CoveredRetentionFacts(
                deposit_number="DEP-2026-0011",
                return_receipt_number="DEPRR-2026-0009",
                amount=Decimal("20000.00"),
            )
        ],
        "issued_by": "Mai Manager",
    }
    return TaxInvoiceFacts(**{**values, **overrides})


# Billing events, as billing publishes them ---------------------------------------------------------

STAFF = StaffRef(user_id="u-1", name="Nok Staff")
VAT_7 = billing.VatBreakdown(rate=Decimal("0.07"), rounding="satang")


def invoice_sent(**overrides: Any) -> billing.InvoiceSent:
    """INV: ฿100,000 + VAT 7% = ฿107,000; with `prepaid`, a ฿50,000 PREREC applied below the totals."""
    values: dict[str, Any] = {
        "invoice_id": uuid4(),
        "number": f"INV-2026-{uuid4().int % 10_000:04d}",
        "kind": InvoiceKind.STANDARD,
        "customer_id": "c-1",
        "job_id": "J-1001",
        "issue_date": date(2026, 3, 20),
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


def applied_prepayment(**overrides: Any) -> billing.AppliedPrepayment:
    values: dict[str, Any] = {
        "prepayment_id": PREPAYMENT_ID,
        "receipt_number": "PREREC-2026-0007",
        "amount": Decimal("50000.00"),
        "paid_on": date(2026, 3, 1),
    }
    return billing.AppliedPrepayment(**{**values, **overrides})


def payment_recorded(invoice: billing.InvoiceSent, **overrides: Any) -> billing.PaymentRecorded:
    """A ฿50,000 payment on the invoice (the balance after it follows from the invoice's)."""
    amount = Decimal(overrides.pop("amount", Decimal("50000.00")))
    paid_total = overrides.pop("paid_total", invoice.paid_total + amount)
    balance = invoice.total - paid_total
    values: dict[str, Any] = {
        "invoice_id": invoice.invoice_id,
        "invoice_number": invoice.number,
        "customer_id": invoice.customer_id,
        "job_id": invoice.job_id,
        "payment_id": uuid4(),
        "receipt_number": f"RC-2026-{uuid4().int % 10_000:04d}",
        "amount": amount,
        "method": CollectionMethod.PROMPTPAY,
        "reference": "PP-20260325-001",
        "paid_on": date(2026, 3, 25),
        "recorded_by": STAFF,
        "paid_total": paid_total,
        "balance": balance,
        "status": InvoiceStatus.PAID if balance == 0 else InvoiceStatus.PARTIAL,
    }
    return billing.PaymentRecorded(**{**values, **overrides})


def prepayment_recorded(**overrides: Any) -> billing.PrepaymentRecorded:
    values: dict[str, Any] = {
        "prepayment_id": uuid4(),
        "receipt_number": f"PREREC-2026-{uuid4().int % 10_000:04d}",
        "customer_id": "c-1",
        "job_id": "J-1002",
        "amount": Decimal("50000.00"),
        "vat": VAT_7,
        "vat_amount": Decimal("3271.03"),
        "method": CollectionMethod.BANK_TRANSFER,
        "reference": "KBANK-5501",
        "paid_on": date(2026, 3, 1),
        "recorded_by": STAFF,
    }
    return billing.PrepaymentRecorded(**{**values, **overrides})


def tax_invoice_issued(**overrides: Any) -> billing.TaxInvoiceIssued:
    """The forfeited deposit and the damage invoice of `tax_invoice()`, as billing states them."""
    facts = tax_invoice()
    values: dict[str, Any] = {
        "tax_invoice_id": uuid4(),
        "number": f"TI-2026-{uuid4().int % 10_000:04d}",
        "customer_id": "c-1",
        "job_id": "J-1000",
        "issue_date": facts.issue_date,
        "seller": billing.TaxParty(**facts.seller.model_dump()),
        "buyer": billing.TaxParty(**facts.buyer.model_dump()),
        "lines": [billing.TaxInvoiceLine(**line.model_dump()) for line in facts.lines],
        "amount_before_vat": facts.amount_before_vat,
        "vat": VAT_7,
        "vat_amount": facts.vat_amount,
        "total": facts.total,
        "invoices": [
            billing.CoveredInvoice(invoice_id=uuid4(), number="INV-2026-0050", kind=InvoiceKind.DAMAGE)
        ],
        "retentions": [
            billing.CoveredRetention(
                deposit_id=DEPOSIT_ID,
                deposit_number="DEP-2026-0011",
                return_receipt_number="DEPRR-2026-0009",
                amount=Decimal("20000.00"),
            )
        ],
        "issued_by": StaffRef(user_id="u-2", name="Mai Manager"),
    }
    return billing.TaxInvoiceIssued(**{**values, **overrides})


# Upstream documents ------------------------------------------------------------------------------

RECOMMENDATION_CANARY = "CANARY-7f3a: push the customer to buy the extended warranty"


def pdf_bytes(pages: int = 1, *, width: float = 595, height: float = 842) -> bytes:
    """A real (blank) PDF of `pages` pages, made by PDFium."""
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(width, height)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def file_ref(content: bytes, **overrides: Any) -> upstream.FileRef:
    sha256 = hashlib.sha256(content).hexdigest()
    values: dict[str, Any] = {"key": f"intake/{sha256}", "sha256": sha256, "size_bytes": len(content)}
    return upstream.FileRef(**{**values, **overrides})


def quote_signed(content: bytes, **overrides: Any) -> upstream.QuoteSigned:
    values: dict[str, Any] = {
        "quote_id": "Q-1",
        "quote_number": "Q-2026-0007",
        "customer_id": "c-1",
        "job_id": "J-1000",
        "signed_at": datetime(2026, 3, 24, 18, 30, tzinfo=UTC),  # 25 March in Bangkok
        "document": file_ref(content),
    }
    return upstream.QuoteSigned(**{**values, **overrides})


def manifest_signed(content: bytes, **overrides: Any) -> upstream.DeliveryManifestSigned:
    values: dict[str, Any] = {
        "job_id": "J-1000",
        "manifest_number": "DM-2026-0042",
        "customer_id": "c-1",
        "signed_at": datetime(2026, 3, 26, 2, 0, tzinfo=UTC),
        "document": file_ref(content),
    }
    return upstream.DeliveryManifestSigned(**{**values, **overrides})


def job_report_published(**overrides: Any) -> upstream.JobReportPublished:
    values: dict[str, Any] = {
        "report_id": "R-1",
        "report_number": "RPT-2026-0003",
        "job_id": "J-1000",
        "customer_id": "c-1",
        "published_at": datetime(2026, 3, 28, 3, 0, tzinfo=UTC),
        "customer_summary": {
            "en": "Your generator ran 212 hours without a fault.",
            # No sara am (ำ): PDFium reads it back as two glyphs, and tests compare this text.
            "th": "เครื่องปั่นไฟของท่านใช้งานได้ 212 ชั่วโมงโดยไม่มีขัดข้อง",
        },
        "sections": [
            {
                "title": {"en": "Fuel use", "th": "การใช้เชื้อเพลิง"},
                "body": {"en": "Fuel use was 8% below the model's rating.", "th": "ประหยัดเชื้อเพลิงกว่าพิกัด 8%"},
            }
        ],
        "internal_recommendations": [RECOMMENDATION_CANARY],
    }
    return upstream.JobReportPublished.model_validate({**values, **overrides})
