"""Billing notices: each RC and PREREC goes to the customer once with its PDF; a tax invoice on damage
and retained deposits waits for every document it covers, then sends one email with all of them;
staff hear of reported payments, duplicate slips, retained deposits and overdue invoices once each."""

import itertools
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.notifications import use_cases
from services.notifications.domain import AlertKind, Customer, NoticeKind, NoticeStatus, RetryPolicy, Tenant
from services.notifications.entrypoints import events
from shared.auth import verify_resource_token
from shared.contracts.billing import (
    CoveredInvoice,
    CoveredRetention,
    InvoiceKind,
    InvoiceOverdue,
    InvoiceStatus,
    PaymentRecorded,
    PaymentReportReceived,
    PrepaymentRecorded,
    TaxInvoiceIssued,
    TaxInvoiceLine,
    TaxParty,
    VatBreakdown,
)
from shared.contracts.deposits import CollectionMethod, DepositReturned, RefundMethod, ReturnKind, StaffRef
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered, document_id
from shared.contracts.envelope import EventContext
from shared.settings import AuthSettings
from tests.unit.fakes import event_context
from tests.unit.notifications.fakes import FakeLinks, FakeMailer, FakePdfs, FakeUow

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
TENANT = "t-1"
STAFF = StaffRef(user_id="u-1", name="Nok")
POLICY = RetryPolicy(max_attempts=3, first_delay=timedelta(seconds=10))
PORTAL = "https://portal.example"
# The consumer's table as bootstrap wires it: a reported payment's slip links are signed.
HANDLERS = events.handlers(portal_url=PORTAL, auth=AuthSettings())
# The alert, then the event's webhooks.
apply_payment_report, _ = HANDLERS[PaymentReportReceived]
VAT = VatBreakdown(rate=Decimal("0.07"), rounding="satang")
PARTY = TaxParty(name="Somchai", address="Bangkok", tax_id="1234567890123", branch_no="00000")


@pytest.fixture
def uow() -> FakeUow:
    fake = FakeUow()
    fake.reference.tenants[TENANT] = Tenant(
        TENANT,
        business_name_en="Siam Tool Rentals Co., Ltd.",
        business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
        email="billing@siamtools.example",
        billing_staff_emails=("billing@siamtools.example",),
    )
    fake.reference.customers[(TENANT, "c-1")] = Customer("c-1", "สมชาย ใจดี", "somchai@example.com", "th")
    return fake


def _event(*, branch_id: str | None = "bkk", event_id: UUID | None = None) -> EventContext:
    return event_context(TENANT, now=NOW, branch_id=branch_id, event_id=event_id)


def _delivery(
    mailer: FakeMailer, pdfs: FakePdfs | None = None, links: FakeLinks | None = None
) -> use_cases.Delivery:
    return use_cases.Delivery(
        mailer=mailer,
        pdfs=pdfs or FakePdfs(),
        policy=POLICY,
        message_id_domain="notifications.test",
        links=links or FakeLinks(),
    )


async def _send_all(
    uow: Any, mailer: FakeMailer, pdfs: FakePdfs | None = None, links: FakeLinks | None = None
) -> None:
    delivery = _delivery(mailer, pdfs, links)
    while await use_cases.send_next_notice(uow=uow, delivery=delivery, now=NOW):
        pass


def _rendered(kind: DocumentKind, number: str, languages: tuple[str, ...] = ("th", "en")) -> DocumentRendered:
    return DocumentRendered(
        document_id=document_id(TENANT, kind, number),
        kind=kind,
        number=number,
        version=1,
        status="issued",
        customer_id="c-1",
        issued_on=date(2026, 3, 12),
        amount=Decimal("1"),
        reference="",
        files=[
            DocumentFile(language=lang, storage_key=f"k/{lang}", sha256="0" * 64, size_bytes=10)  # type: ignore[arg-type]
            for lang in languages
        ],
        render_ms=100,
    )


def _payment(receipt: str = "RC-2026-0001", balance: str = "57000.00") -> PaymentRecorded:
    return PaymentRecorded(
        invoice_id=uuid4(),
        invoice_number="INV-2026-0042",
        customer_id="c-1",
        payment_id=uuid4(),
        receipt_number=receipt,
        amount=Decimal("50000.00"),
        method=CollectionMethod.BANK_TRANSFER,
        reference="KBANK-1234",
        paid_on=date(2026, 3, 12),
        recorded_by=STAFF,
        paid_total=Decimal("50000.00"),
        balance=Decimal(balance),
        status=InvoiceStatus.PARTIAL,
    )


def _tax_invoice(
    invoices: list[CoveredInvoice] | None = None, retentions: list[CoveredRetention] | None = None
) -> TaxInvoiceIssued:
    return TaxInvoiceIssued(
        tax_invoice_id=uuid4(),
        number="TI-2026-0003",
        customer_id="c-1",
        job_id="J-1001",
        issue_date=date(2026, 3, 14),
        seller=PARTY,
        buyer=PARTY,
        lines=[
            TaxInvoiceLine(
                description="Engine repair",
                quantity=Decimal("1"),
                unit_price=Decimal("46728.97"),
                amount=Decimal("46728.97"),
            )
        ],
        amount_before_vat=Decimal("46728.97"),
        vat=VAT,
        vat_amount=Decimal("3271.03"),
        total=Decimal("50000.00"),
        invoices=[CoveredInvoice(invoice_id=uuid4(), number="INV-2026-0050", kind=InvoiceKind.DAMAGE)]
        if invoices is None
        else invoices,
        retentions=[
            CoveredRetention(
                deposit_id=uuid4(),
                deposit_number="DEP-2026-0001",
                return_receipt_number="DEPRR-2026-0001",
                amount=Decimal("20000.00"),
            )
        ]
        if retentions is None
        else retentions,
        issued_by=STAFF,
    )


def _returned(kind: ReturnKind, returned: str) -> DepositReturned:
    return DepositReturned(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0001",
        customer_id="c-1",
        status="forfeited" if kind is ReturnKind.FORFEIT else "partially_returned",
        return_id=uuid4(),
        receipt_number="DEPRR-2026-0001",
        collection_receipt_numbers=["DEPR-2026-0001"],
        kind=kind,
        held_amount=Decimal("20000.00"),
        returned_amount=Decimal(returned),
        retained_amount=Decimal("20000.00") - Decimal(returned),
        reason="" if kind is ReturnKind.FULL else "cracked filter",
        method=None if kind is ReturnKind.FORFEIT else RefundMethod.CASH,
        reference="" if kind is ReturnKind.FORFEIT else "Cash, in person",
        returned_on=date(2026, 3, 12),
        returned_at=NOW,
        returned_by=STAFF,
    )


def _pdf_of(kind: DocumentKind, number: str, language: str) -> bytes:
    return f"%PDF-1.7 {document_id(TENANT, kind, number)} {language}".encode()


# Receipts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("receipt_first", [False, True])
async def test_an_rc_goes_to_the_customer_once_in_thai_with_its_pdf_whichever_event_comes_first(
    uow: FakeUow, receipt_first: bool
) -> None:
    steps = [
        lambda: use_cases.record_document_rendered(
            uow=uow, event=_event(), fact=_rendered(DocumentKind.RECEIPT, "RC-2026-0001")
        ),
        lambda: use_cases.record_payment_recorded(uow=uow, event=_event(), fact=_payment()),
    ]
    for step in steps if receipt_first else reversed(steps):
        await step()
    # A redelivered payment opens nothing more.
    assert await use_cases.record_payment_recorded(uow=uow, event=_event(), fact=_payment()) is None
    mailer = FakeMailer()

    await _send_all(uow, mailer)

    [email] = mailer.sent
    assert email.recipients == ("somchai@example.com",)
    assert email.subject.startswith("ใบเสร็จรับเงิน RC-2026-0001")
    assert "KBANK-1234" in email.body
    [pdf] = email.attachments
    assert pdf.filename == "RC-2026-0001.pdf"
    assert pdf.content == _pdf_of(DocumentKind.RECEIPT, "RC-2026-0001", "th")
    [notice] = uow.notices.rows.values()
    assert (notice.kind, notice.status, notice.receipt_number) == (
        NoticeKind.PAYMENT_RECEIPT,
        NoticeStatus.SENT,
        "RC-2026-0001",
    )


async def test_an_rc_waits_for_its_own_pdf_not_another_kind_with_the_same_number(uow: FakeUow) -> None:
    await use_cases.record_payment_recorded(uow=uow, event=_event(), fact=_payment())
    await use_cases.record_document_rendered(
        uow=uow, event=_event(), fact=_rendered(DocumentKind.PREPAYMENT_RECEIPT, "RC-2026-0001")
    )
    mailer = FakeMailer()

    await _send_all(uow, mailer)

    assert mailer.sent == []
    [notice] = uow.notices.rows.values()
    assert notice.status is NoticeStatus.WAITING_FOR_DOCUMENT


async def test_a_prerec_goes_out_in_english_with_the_english_pdf(uow: FakeUow) -> None:
    uow.reference.customers[(TENANT, "c-1")] = Customer("c-1", "Somchai", "somchai@example.com", "en")
    prepayment = PrepaymentRecorded(
        prepayment_id=uuid4(),
        receipt_number="PREREC-2026-0001",
        customer_id="c-1",
        job_id="J-1001",
        amount=Decimal("50000.00"),
        vat=VAT,
        vat_amount=Decimal("3271.03"),
        method=CollectionMethod.PROMPTPAY,
        reference="PP-1",
        paid_on=date(2026, 3, 2),
        recorded_by=STAFF,
    )
    await use_cases.record_prepayment_recorded(uow=uow, event=_event(), fact=prepayment)
    await use_cases.record_document_rendered(
        uow=uow, event=_event(), fact=_rendered(DocumentKind.PREPAYMENT_RECEIPT, "PREREC-2026-0001")
    )
    mailer = FakeMailer()

    await _send_all(uow, mailer)

    [email] = mailer.sent
    assert email.subject == "Pre-payment receipt PREREC-2026-0001: ฿50,000.00 received for job J-1001"
    [pdf] = email.attachments
    assert pdf.filename == "PREREC-2026-0001.pdf"
    assert pdf.content == _pdf_of(DocumentKind.PREPAYMENT_RECEIPT, "PREREC-2026-0001", "en")


async def test_a_receipt_email_that_keeps_failing_alerts_staff_naming_the_receipt(uow: FakeUow) -> None:
    await use_cases.record_document_rendered(
        uow=uow, event=_event(), fact=_rendered(DocumentKind.RECEIPT, "RC-2026-0001")
    )
    await use_cases.record_payment_recorded(uow=uow, event=_event(), fact=_payment())
    delivery = _delivery(FakeMailer(failures=POLICY.max_attempts))

    for hour in range(POLICY.max_attempts):
        await use_cases.send_next_notice(uow=uow, delivery=delivery, now=NOW + timedelta(hours=hour))

    [alert] = uow.alerts.rows.values()
    assert alert.kind is AlertKind.NOTICE_FAILED
    assert alert.title == "Could not email RC-2026-0001 to สมชาย ใจดี"


async def _rc_ready_to_send(uow: FakeUow) -> PaymentRecorded:
    payment = _payment()
    await use_cases.record_payment_recorded(uow=uow, event=_event(), fact=payment)
    await use_cases.record_document_rendered(
        uow=uow, event=_event(), fact=_rendered(DocumentKind.RECEIPT, "RC-2026-0001")
    )
    return payment


async def test_an_rc_email_links_the_invoice_it_pays_with_a_key_of_the_notice(uow: FakeUow) -> None:
    payment = await _rc_ready_to_send(uow)
    links, mailer = FakeLinks(), FakeMailer()

    await _send_all(uow, mailer, links=links)

    [email] = mailer.sent
    assert (
        "ยอดคงค้าง: ฿57,000.00 (ห้าหมื่นเจ็ดพันบาทถ้วน)\nดูใบแจ้งหนี้ INV-2026-0042 : https://portal.example/l/link-1\n"
        in (email.body)
    )
    [notice] = uow.notices.rows.values()
    assert links.requests == [
        {
            "tenant_id": TENANT,
            "customer_id": "c-1",
            "invoice_id": payment.invoice_id,
            "idempotency_key": f"notifications:notice:{notice.id}:invoice:{payment.invoice_id}",
        }
    ]


async def test_an_rc_whose_invoice_the_portal_cannot_link_yet_is_retried_not_sent(uow: FakeUow) -> None:
    await _rc_ready_to_send(uow)
    links, mailer = FakeLinks(failures=1), FakeMailer()
    delivery = _delivery(mailer, links=links)

    await use_cases.send_next_notice(uow=uow, delivery=delivery, now=NOW)

    assert mailer.sent == []
    [notice] = uow.notices.rows.values()
    assert (notice.status, notice.attempts) == (NoticeStatus.PENDING, 1)
    assert "cannot link invoice" in (notice.last_error or "")
    assert notice.next_attempt_at == NOW + POLICY.first_delay
    assert await use_cases.send_next_notice(uow=uow, delivery=delivery, now=NOW) is None  # its backoff

    await use_cases.send_next_notice(uow=uow, delivery=delivery, now=NOW + POLICY.first_delay)

    [email] = mailer.sent
    assert "https://portal.example/l/link-1" in email.body
    assert uow.notices.rows[notice.id].status is NoticeStatus.SENT


async def test_a_retried_rc_email_asks_again_for_the_same_link_not_a_new_one(uow: FakeUow) -> None:
    await _rc_ready_to_send(uow)
    links, mailer = FakeLinks(), FakeMailer(failures=1)  # the relay refuses the first attempt
    delivery = _delivery(mailer, links=links)

    await use_cases.send_next_notice(uow=uow, delivery=delivery, now=NOW)
    await use_cases.send_next_notice(uow=uow, delivery=delivery, now=NOW + POLICY.first_delay)

    [email] = mailer.sent
    assert len(links.requests) == 2
    assert len({r["idempotency_key"] for r in links.requests}) == 1
    assert links.issued == {str(links.requests[0]["idempotency_key"]): "https://portal.example/l/link-1"}
    assert "https://portal.example/l/link-1" in email.body


async def test_a_prerec_email_asks_the_portal_for_no_link(uow: FakeUow) -> None:
    prepayment = PrepaymentRecorded(
        prepayment_id=uuid4(),
        receipt_number="PREREC-2026-0001",
        customer_id="c-1",
        job_id="J-1001",
        amount=Decimal("50000.00"),
        vat=VAT,
        vat_amount=Decimal("3271.03"),
        method=CollectionMethod.PROMPTPAY,
        reference="PP-1",
        paid_on=date(2026, 3, 2),
        recorded_by=STAFF,
    )
    await use_cases.record_prepayment_recorded(uow=uow, event=_event(), fact=prepayment)
    await use_cases.record_document_rendered(
        uow=uow, event=_event(), fact=_rendered(DocumentKind.PREPAYMENT_RECEIPT, "PREREC-2026-0001")
    )
    links, mailer = FakeLinks(), FakeMailer()

    await _send_all(uow, mailer, links=links)

    [email] = mailer.sent
    assert links.requests == []
    assert "ดูใบแจ้งหนี้" not in email.body


# Damage beyond the deposit -----------------------------------------------------------------------

BUNDLE = [
    (DocumentKind.INVOICE, "INV-2026-0050"),
    (DocumentKind.TAX_INVOICE, "TI-2026-0003"),
    (DocumentKind.DEPOSIT_RETURN_RECEIPT, "DEPRR-2026-0001"),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
async def test_the_damage_email_waits_for_every_document_then_goes_once_with_all_of_them(
    uow: FakeUow, order: tuple[int, ...]
) -> None:
    """The tax invoice event and the three renders, in every order: nothing is sent until the last
    of them, then one email carries the damage invoice, the tax invoice and the DEPRR."""
    steps: list[Callable[[], Awaitable[object]]] = [
        lambda: use_cases.record_tax_invoice_issued(uow=uow, event=_event(), fact=_tax_invoice()),
        *(
            lambda kind=kind, number=number: use_cases.record_document_rendered(
                uow=uow, event=_event(), fact=_rendered(kind, number)
            )
            for kind, number in BUNDLE
        ),
    ]
    mailer = FakeMailer()
    for position, step in enumerate(order):
        await steps[step]()
        await _send_all(uow, mailer)
        if position < len(order) - 1:
            assert mailer.sent == [], f"sent before step {position + 1} of {order}"

    [email] = mailer.sent
    assert email.subject == "ค่าเสียหาย: ใบแจ้งหนี้ INV-2026-0050 และใบกำกับภาษี TI-2026-0003"
    assert [a.filename for a in email.attachments] == [
        "INV-2026-0050.pdf",
        "TI-2026-0003.pdf",
        "DEPRR-2026-0001.pdf",
    ]
    assert [a.content for a in email.attachments] == [_pdf_of(kind, number, "th") for kind, number in BUNDLE]
    [notice] = [n for n in uow.notices.rows.values() if n.kind is NoticeKind.DAMAGE_CHARGES]
    assert (notice.status, notice.receipt_number) == (NoticeStatus.SENT, "TI-2026-0003")


async def test_the_deprr_rendered_long_before_both_releases_the_deposit_email_and_joins_the_damage_email(
    uow: FakeUow,
) -> None:
    await use_cases.record_deposit_returned(uow=uow, event=_event(), fact=_returned(ReturnKind.FORFEIT, "0"))
    await use_cases.record_document_rendered(
        uow=uow, event=_event(), fact=_rendered(DocumentKind.DEPOSIT_RETURN_RECEIPT, "DEPRR-2026-0001")
    )
    mailer = FakeMailer()
    await _send_all(uow, mailer)
    assert [e.subject for e in mailer.sent] == ["แจ้งการริบเงินมัดจำ DEP-2026-0001"]

    await use_cases.record_tax_invoice_issued(uow=uow, event=_event(), fact=_tax_invoice())
    for kind, number in BUNDLE[:2]:
        await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered(kind, number))
    await _send_all(uow, mailer)

    assert len(mailer.sent) == 2
    assert len(mailer.sent[1].attachments) == 3
    assert mailer.sent[1].attachments[2].filename == "DEPRR-2026-0001.pdf"


async def test_a_redelivered_tax_invoice_opens_no_second_damage_email(uow: FakeUow) -> None:
    fact = _tax_invoice()
    first = await use_cases.record_tax_invoice_issued(uow=uow, event=_event(), fact=fact)
    again = await use_cases.record_tax_invoice_issued(uow=uow, event=_event(), fact=fact)

    assert first is not None
    assert again is None
    assert len(uow.notices.rows) == 1


async def test_a_tax_invoice_for_a_standard_invoice_alone_sends_no_damage_email(uow: FakeUow) -> None:
    fact = _tax_invoice(
        invoices=[CoveredInvoice(invoice_id=uuid4(), number="INV-2026-0042", kind=InvoiceKind.STANDARD)],
        retentions=[],
    )

    assert await use_cases.record_tax_invoice_issued(uow=uow, event=_event(), fact=fact) is None
    assert uow.notices.rows == {}


async def test_a_tax_invoice_on_a_retention_alone_sends_the_tax_invoice_and_the_deprr(uow: FakeUow) -> None:
    fact = _tax_invoice(invoices=[])
    await use_cases.record_tax_invoice_issued(uow=uow, event=_event(), fact=fact)
    for kind, number in BUNDLE[1:]:
        await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered(kind, number))
    mailer = FakeMailer()

    await _send_all(uow, mailer)

    [email] = mailer.sent
    assert [a.filename for a in email.attachments] == ["TI-2026-0003.pdf", "DEPRR-2026-0001.pdf"]


async def test_a_document_rendered_only_in_english_is_attached_in_english(uow: FakeUow) -> None:
    await use_cases.record_tax_invoice_issued(uow=uow, event=_event(), fact=_tax_invoice())
    for kind, number in BUNDLE:
        languages = ("en",) if kind is DocumentKind.TAX_INVOICE else ("th", "en")
        await use_cases.record_document_rendered(
            uow=uow, event=_event(), fact=_rendered(kind, number, languages)
        )
    pdfs = FakePdfs()

    await _send_all(uow, FakeMailer(), pdfs)

    assert [(r["language"], r["version"]) for r in pdfs.requests] == [("th", 1), ("en", 1), ("th", 1)]


async def test_the_damage_email_links_each_damage_invoice_and_no_standard_one(uow: FakeUow) -> None:
    damage = [
        CoveredInvoice(invoice_id=uuid4(), number="INV-2026-0050", kind=InvoiceKind.DAMAGE),
        CoveredInvoice(invoice_id=uuid4(), number="INV-2026-0051", kind=InvoiceKind.DAMAGE),
    ]
    standard = CoveredInvoice(invoice_id=uuid4(), number="INV-2026-0042", kind=InvoiceKind.STANDARD)
    await use_cases.record_tax_invoice_issued(
        uow=uow, event=_event(), fact=_tax_invoice(invoices=[damage[0], standard, damage[1]])
    )
    for kind, number in [*BUNDLE, (DocumentKind.INVOICE, "INV-2026-0051")]:
        await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered(kind, number))
    links, mailer = FakeLinks(), FakeMailer()

    await _send_all(uow, mailer, links=links)

    [email] = mailer.sent
    assert [r["invoice_id"] for r in links.requests] == [d.invoice_id for d in damage]
    lines = email.body.splitlines()
    for n, number in enumerate(("INV-2026-0050", "INV-2026-0051"), start=1):
        invoice_line = next(i for i, line in enumerate(lines) if line.startswith(f"ใบแจ้งหนี้ค่าเสียหาย {number}"))
        assert lines[invoice_line + 1] == f"ดูใบแจ้งหนี้ {number} : https://portal.example/l/link-{n}"
    assert "INV-2026-0042" not in email.body


async def test_a_damage_email_the_portal_cannot_link_yet_waits_and_sends_nothing(uow: FakeUow) -> None:
    await use_cases.record_tax_invoice_issued(uow=uow, event=_event(), fact=_tax_invoice())
    for kind, number in BUNDLE:
        await use_cases.record_document_rendered(uow=uow, event=_event(), fact=_rendered(kind, number))
    mailer, pdfs = FakeMailer(), FakePdfs()

    await _send_all(uow, mailer, pdfs, FakeLinks(failures=1))

    assert mailer.sent == []
    assert pdfs.requests == []  # no PDF fetched for an email that cannot go out yet
    [notice] = uow.notices.rows.values()
    assert (notice.status, notice.attempts) == (NoticeStatus.PENDING, 1)


# Staff alerts ------------------------------------------------------------------------------------


def _report(same_slip_on: list[str], slip_id: UUID | None = None) -> PaymentReportReceived:
    return PaymentReportReceived(
        report_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-2026-0042",
        customer_id="c-1",
        amount=Decimal("107000.00"),
        reported_at=NOW,
        slip_id=slip_id,
        slip_reference="REF-991" if slip_id else None,
        same_slip_on=same_slip_on,
    )


async def test_a_reported_payment_alerts_staff_once_with_the_customer_and_the_slip_and_emails_them(
    uow: FakeUow,
) -> None:
    slip_id, event_id = uuid4(), uuid4()
    fact = _report([], slip_id)
    for _ in range(2):
        await apply_payment_report(uow=uow, event=_event(event_id=event_id), fact=fact)
    mailer = FakeMailer()
    await _send_all(uow, mailer)

    [alert] = uow.alerts.rows.values()
    assert alert.title == "Customer reported payment for INV-2026-0042"
    assert "สมชาย ใจดี reported paying ฿107,000.00" in alert.body
    link = re.search(rf"{PORTAL}/v1/slips/{slip_id}\?token=(\S+)", alert.body)
    assert link, alert.body
    secret = AuthSettings().jwt_secret.get_secret_value()
    assert verify_resource_token(secret, link.group(1), resource=f"slip:{slip_id}") == TENANT
    assert alert.branch_id == "bkk"
    [email] = mailer.sent
    assert email.recipients == ("billing@siamtools.example",)
    assert email.subject == alert.title
    assert email.body.count(f"/v1/slips/{slip_id}") == 1


async def test_the_same_slip_on_other_invoices_raises_a_second_alert_once(uow: FakeUow) -> None:
    event_id = uuid4()
    fact = _report(["INV-2026-0017"], uuid4())
    for _ in range(2):
        await apply_payment_report(uow=uow, event=_event(branch_id=None, event_id=event_id), fact=fact)

    titles = sorted(a.title for a in uow.alerts.rows.values())
    assert titles == [
        "Customer reported payment for INV-2026-0042",
        "Possible duplicate slip on INV-2026-0042",
    ]
    assert len(uow.notices.rows) == 2  # each emailed once


async def test_a_customer_not_yet_known_is_named_by_id(uow: FakeUow) -> None:
    fact = _report([]).model_copy(update={"customer_id": "c-404"})
    [alert] = await apply_payment_report(uow=uow, event=_event(branch_id=None), fact=fact)

    assert "Customer c-404 reported paying" in alert.body
    assert "No slip was attached." in alert.body


@pytest.mark.parametrize(
    ("kind", "returned", "title"),
    [
        (ReturnKind.PARTIAL, "15000", "Issue a tax invoice for ฿5,000.00 retained on DEP-2026-0001"),
        (ReturnKind.FORFEIT, "0", "Issue a tax invoice for ฿20,000.00 retained on DEP-2026-0001"),
        (ReturnKind.FULL, "20000", None),
    ],
)
async def test_a_retained_deposit_puts_a_tax_invoice_item_in_the_inbox(
    uow: FakeUow, kind: ReturnKind, returned: str, title: str | None
) -> None:
    alert = await use_cases.alert_retained_deposit(uow=uow, event=_event(), fact=_returned(kind, returned))

    assert [a.title for a in uow.alerts.rows.values()] == ([title] if title else [])
    assert (alert is None) == (title is None)


async def test_a_partial_return_opens_the_customer_email_and_the_tax_invoice_alert_together(
    uow: FakeUow,
) -> None:
    fact = _returned(ReturnKind.PARTIAL, "15000")
    for use_case in HANDLERS[DepositReturned]:
        await use_case(uow=uow, event=_event(), fact=fact)

    assert sorted(n.kind for n in uow.notices.rows.values()) == [
        NoticeKind.DEPOSIT_RETURNED,
        NoticeKind.STAFF_ALERT,
    ]
    [alert] = uow.alerts.rows.values()
    assert alert.title == "Issue a tax invoice for ฿5,000.00 retained on DEP-2026-0001"


async def test_an_overdue_invoice_alerts_staff_once(uow: FakeUow) -> None:
    event_id = uuid4()
    fact = InvoiceOverdue(
        invoice_id=uuid4(),
        invoice_number="INV-2026-0042",
        customer_id="c-1",
        due_date=date(2026, 3, 12),
        balance=Decimal("57000.00"),
    )
    for _ in range(2):
        await use_cases.alert_invoice_overdue(uow=uow, event=_event(event_id=event_id), fact=fact)

    [alert] = uow.alerts.rows.values()
    assert alert.title == "INV-2026-0042 is overdue — ฿57,000.00 due on 12 March 2026"
    assert "สมชาย ใจดี" in alert.body
