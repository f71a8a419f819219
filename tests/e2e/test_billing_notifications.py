"""Billing notifications as staff and customers notice them (SPEC §3, §4, §7): "Customer reported
payment for INV-…" in the inbox and by email to the billing staff, with the amount, the customer and
the slip; a possible duplicate slip; "Issue a tax invoice" for a retained deposit; overdue invoices;
each RC by email in the customer's language with its PDF; and after a forfeit, one email with the
damage invoice, the tax invoice and the DEPRR.

Billing is driven by publishing its events; the PDFs are the documents service's real renders."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from uuid import UUID, uuid4

import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts.billing import (
    CoveredInvoice,
    CoveredRetention,
    InvoiceKind,
    InvoiceLine,
    InvoiceOverdue,
    InvoiceSent,
    InvoiceStatus,
    PaymentRecorded,
    PaymentReportReceived,
    TaxInvoiceIssued,
    TaxInvoiceLine,
    TaxParty,
    VatBreakdown,
)
from shared.contracts.catalogue import BILLING, CUSTOMERS
from shared.contracts.deposits import CollectionMethod, StaffRef
from shared.contracts.envelope import Envelope, EventPayload
from tests.helpers import eventually, pdf_text
from tests.system import DEMO_TENANT_SETTINGS, Customer, System

pytestmark = pytest.mark.e2e

# A customer email waits for its PDFs, rendered by the documents service in about a second each.
RENDER_WAIT_S = 90
STAFF = StaffRef(user_id="staff-1", name="Nok Staff")
VAT = VatBreakdown(rate=Decimal("0.07"), rounding="satang")


def _mail_to(system: System, address: str) -> list[EmailMessage]:
    return [m for m in system.mail.messages if address in str(m.get("To", ""))]


def _body(message: EmailMessage) -> str:
    return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


async def _inbox(system: System, tenant_id: str) -> list[dict[str, Any]]:
    response = await system.get("notifications", "/v1/inbox", tenant_id, limit=200)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _alert(system: System, tenant_id: str, title: str) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        return next((a for a in await _inbox(system, tenant_id) if a["title"] == title), None)

    return await eventually(found, timeout_s=30)


async def _publish(system: System, payload: EventPayload, tenant_id: str, subject: UUID | str) -> Envelope:
    async with system.ops() as ops:
        return await ops.publish(payload, tenant_id=tenant_id, subject=str(subject), branch_id="bkk")


async def _publish_raw(system: System, topic: str, value: dict[str, Any], key: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=system.stack.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=json.dumps(value).encode(), key=key.encode())
    finally:
        await producer.stop()


async def _redeliver(system: System, envelope: Envelope) -> None:
    """The same event again, same id, same partition: what a consumer sees after a crash."""
    await _publish_raw(system, BILLING.name, envelope.model_dump(mode="json"), envelope.subject)


async def _known_customer(system: System, tenant_id: str, name: str = "Somchai Jaidee") -> Customer:
    """A customer notifications has applied. Customers and billing are separate topics with no order
    between them, so a test that names the customer in an alert waits for it: a malformed marker
    published behind the customer on its partition is dead-lettered once the customer is applied."""
    customer = await system.new_customer(tenant_id, name=name)
    marker = {
        "id": str(uuid4()),
        "type": "customer.upserted.v1",
        "source": "tests/marker",
        "time": datetime.now(UTC).isoformat(),
        "tenant_id": tenant_id,
        "subject": customer.customer_id,
        "correlation_id": str(uuid4()),
        "data": {"customer_id": customer.customer_id},
    }
    await _publish_raw(system, CUSTOMERS.name, marker, customer.customer_id)

    async def passed() -> bool:
        return any(
            a["title"] == "An event could not be processed by notifications" and marker["id"] in a["body"]
            for a in await _inbox(system, tenant_id)
        )

    await eventually(passed, timeout_s=30)
    return customer


def _report(customer: Customer, invoice_number: str, **fields: Any) -> PaymentReportReceived:
    return PaymentReportReceived(
        report_id=uuid4(),
        invoice_id=fields.pop("invoice_id", uuid4()),
        invoice_number=invoice_number,
        customer_id=customer.customer_id,
        amount=Decimal("107000.00"),
        reported_at=datetime.now(UTC),
        **fields,
    )


def _invoice_sent(
    customer: Customer,
    number: str,
    *,
    kind: InvoiceKind = InvoiceKind.STANDARD,
    amount: Decimal = Decimal("100000.00"),
    description: str = "Excavator 20t rental, 14 days",
    related_deposit_number: str | None = None,
) -> InvoiceSent:
    vat_amount = (amount * VAT.rate).quantize(Decimal("0.01"))
    today = date.today()
    return InvoiceSent(
        invoice_id=uuid4(),
        number=number,
        kind=kind,
        customer_id=customer.customer_id,
        job_id="J-1001",
        issue_date=today,
        due_date=today + timedelta(days=30),
        lines=[InvoiceLine(description=description, quantity=Decimal("1"), rate=amount, amount=amount)],
        subtotal=amount,
        vat=VAT,
        vat_amount=vat_amount,
        total=amount + vat_amount,
        prepayments=[],
        paid_total=Decimal("0.00"),
        balance=amount + vat_amount,
        related_deposit_number=related_deposit_number,
        sent_by=STAFF,
    )


# Staff alerts ------------------------------------------------------------------------------------


async def test_a_reported_payment_reaches_the_inbox_and_the_billing_staff_once_with_the_slip(
    system: System,
) -> None:
    billing_staff = f"billing-{uuid4().hex[:8]}@siamtools.example"
    tenant_id = await system.new_tenant(billing_staff_emails=[billing_staff])
    customer = await _known_customer(system, tenant_id)
    invoice_id, slip_id = uuid4(), uuid4()
    report = _report(
        customer, "INV-2026-0042", invoice_id=invoice_id, slip_id=slip_id, slip_reference="REF-5521"
    )

    envelope = await _publish(system, report, tenant_id, invoice_id)
    alert = await _alert(system, tenant_id, "Customer reported payment for INV-2026-0042")

    slip_url = f"{system.stack.env_for('notifications')['MUDJAM_PORTAL_PUBLIC_URL']}/v1/slips/{slip_id}"
    assert "฿107,000.00" in alert["body"]
    assert "Somchai Jaidee" in alert["body"]
    assert slip_url in alert["body"]
    assert alert["link"].startswith(f"{slip_url}?token=")  # signed: it opens from the email
    assert alert["branch_id"] == "bkk"

    async def emailed() -> list[EmailMessage]:
        return [m for m in _mail_to(system, billing_staff) if m["Subject"] == alert["title"]]

    [email] = await eventually(emailed)
    assert slip_url in _body(email)
    assert "Somchai Jaidee" in _body(email)

    # The same event redelivered, then a later report on the same invoice (same partition): once that
    # one is in the inbox, the redelivery has been applied, and it added nothing.
    await _redeliver(system, envelope)
    await _publish(system, _report(customer, "INV-2026-0042", invoice_id=invoice_id), tenant_id, invoice_id)

    async def both_applied() -> list[dict[str, Any]]:
        items = [a for a in await _inbox(system, tenant_id) if a["title"] == alert["title"]]
        return items if len(items) >= 2 else []

    alerts = await eventually(both_applied)
    assert len(alerts) == 2
    assert [a["id"] for a in alerts if slip_url in a["body"]] == [alert["id"]]
    assert "No slip was attached." in next(a["body"] for a in alerts if a["id"] != alert["id"])
    assert len(await eventually(lambda: _emails_with(system, billing_staff, alert["title"], 2))) == 2


async def _emails_with(system: System, address: str, subject: str, count: int) -> list[EmailMessage]:
    found = [m for m in _mail_to(system, address) if m["Subject"] == subject]
    return found if len(found) >= count else []


async def test_the_same_slip_reported_for_another_invoice_raises_a_duplicate_alert(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, name="Somchai Jaidee")
    report = _report(
        customer,
        "INV-2026-0043",
        slip_id=uuid4(),
        slip_reference="REF-5521",
        same_slip_on=["INV-2026-0042"],
    )

    await _publish(system, report, tenant_id, report.invoice_id)

    duplicate = await _alert(system, tenant_id, "Possible duplicate slip on INV-2026-0043")
    assert "INV-2026-0042" in duplicate["body"]
    assert "REF-5521" in duplicate["body"]
    assert await _alert(system, tenant_id, "Customer reported payment for INV-2026-0043")


async def test_an_overdue_invoice_is_in_the_inbox_with_its_balance_and_due_date(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await _known_customer(system, tenant_id)
    overdue = InvoiceOverdue(
        invoice_id=uuid4(),
        invoice_number="INV-2026-0042",
        customer_id=customer.customer_id,
        due_date=date(2026, 3, 12),
        balance=Decimal("57000.00"),
    )

    await _publish(system, overdue, tenant_id, overdue.invoice_id)

    alert = await _alert(system, tenant_id, "INV-2026-0042 is overdue — ฿57,000.00 due on 12 March 2026")
    assert "Somchai Jaidee" in alert["body"]
    assert alert["kind"] == "invoice_overdue"


async def test_a_partial_return_asks_staff_for_a_tax_invoice_on_the_retained_amount(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))

    await system.return_deposit(
        customer,
        deposit,
        {
            "kind": "partial",
            "amount": "15000",
            "method": "bank_transfer",
            "reference": "KBANK-5521",
            "note": "Cracked filter",
        },
    )

    alert = await _alert(
        system, tenant_id, f"Issue a tax invoice for ฿5,000.00 retained on {deposit['number']}"
    )
    assert "Cracked filter" in alert["body"]
    assert "taxable" in alert["body"]
    assert alert["link"] == f"/v1/deposits/{deposit['id']}"


# Customer emails (need the documents service's real PDFs) -----------------------------------------


def _payment(invoice: InvoiceSent, receipt: str, amount: str, balance: str) -> PaymentRecorded:
    paid = invoice.total - Decimal(balance)
    return PaymentRecorded(
        invoice_id=invoice.invoice_id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        job_id=invoice.job_id,
        payment_id=uuid4(),
        receipt_number=receipt,
        amount=Decimal(amount),
        method=CollectionMethod.BANK_TRANSFER,
        reference=f"KBANK-{receipt[-4:]}",
        paid_on=date.today(),
        recorded_by=STAFF,
        paid_total=paid,
        balance=Decimal(balance),
        status=InvoiceStatus.PAID if Decimal(balance) == 0 else InvoiceStatus.PARTIAL,
    )


async def test_a_thai_customer_gets_each_rc_once_in_thai_with_the_receipt_pdf(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th", name="สมชาย ใจดี")
    invoice = _invoice_sent(customer, "INV-2026-0042")
    await _publish(system, invoice, tenant_id, invoice.invoice_id)

    first = await _publish(
        system, _payment(invoice, "RC-2026-0001", "50000.00", "57000.00"), tenant_id, invoice.invoice_id
    )

    async def delivered() -> list[EmailMessage]:
        return _mail_to(system, customer.email)

    [email] = await eventually(delivered, timeout_s=RENDER_WAIT_S)
    assert email["Subject"] == "ใบเสร็จรับเงิน RC-2026-0001: ได้รับชำระ ฿50,000.00 สำหรับใบแจ้งหนี้ INV-2026-0042"
    body = _body(email)
    assert "เรียน สมชาย ใจดี" in body
    assert "฿50,000.00 (ห้าหมื่นบาทถ้วน)" in body
    assert "โอนเงินผ่านธนาคาร" in body
    assert "KBANK-0001" in body
    assert "ยอดคงค้าง: ฿57,000.00" in body
    [pdf] = list(email.iter_attachments())
    assert pdf.get_filename() == "RC-2026-0001.pdf"
    text = pdf_text(pdf.get_content())
    assert "RC-2026-0001" in text
    assert "ใบเสร็จรับเงิน" in text

    # The first payment redelivered, then the second payment on the same invoice (same partition):
    # one more email, for the second receipt only.
    await _redeliver(system, first)
    await _publish(
        system, _payment(invoice, "RC-2026-0002", "57000.00", "0.00"), tenant_id, invoice.invoice_id
    )

    async def second() -> list[EmailMessage]:
        found = _mail_to(system, customer.email)
        return found if len(found) >= 2 else []

    emails = await eventually(second, timeout_s=RENDER_WAIT_S)
    assert [m["Subject"].split(":")[0] for m in emails] == [
        "ใบเสร็จรับเงิน RC-2026-0001",
        "ใบเสร็จรับเงิน RC-2026-0002",
    ]
    assert "ใบแจ้งหนี้ INV-2026-0042 ชำระครบถ้วนแล้ว" in _body(emails[1])
    assert [a.get_filename() for a in emails[1].iter_attachments()] == ["RC-2026-0002.pdf"]

    async def logged_sent() -> list[dict[str, Any]]:
        response = await system.get(
            "notifications", "/v1/notices", tenant_id, customer_id=customer.customer_id
        )
        items = response.json()["items"]
        return items if len(items) == 2 and {n["status"] for n in items} == {"sent"} else []

    notices = await eventually(logged_sent)
    assert sorted((n["kind"], n["receipt_number"], n["language"]) for n in notices) == [
        ("payment_receipt", "RC-2026-0001", "th"),
        ("payment_receipt", "RC-2026-0002", "th"),
    ]


async def test_a_forfeit_with_a_damage_invoice_and_a_tax_invoice_sends_one_email_with_all_three_pdfs(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(
        tenant_id, language="en", tax_id="1234567890123", address="12 Sukhumvit Road, Bangkok"
    )
    deposit = await system.held_deposit(customer, Decimal("20000"))
    forfeit = await system.return_deposit(
        customer,
        deposit,
        {"kind": "forfeit", "note": "Engine seized; the repair exceeds the deposit"},
    )
    deprr = forfeit["receipt_number"]
    await _alert(system, tenant_id, f"Issue a tax invoice for ฿20,000.00 retained on {deposit['number']}")

    damage = _invoice_sent(
        customer,
        "INV-2026-0050",
        kind=InvoiceKind.DAMAGE,
        amount=Decimal("30000.00"),
        description="Engine repair above the deposit",
        related_deposit_number=deposit["number"],
    )
    await _publish(system, damage, tenant_id, damage.invoice_id)
    seller = TaxParty(
        name=DEMO_TENANT_SETTINGS["business_name_en"],
        address=DEMO_TENANT_SETTINGS["address_en"],
        tax_id=DEMO_TENANT_SETTINGS["tax_id"],
        branch_no="00000",
    )
    buyer = TaxParty(
        name=customer.name, address="12 Sukhumvit Road, Bangkok", tax_id="1234567890123", branch_no="00000"
    )
    tax_invoice = TaxInvoiceIssued(
        tax_invoice_id=uuid4(),
        number="TI-2026-0001",
        customer_id=customer.customer_id,
        job_id="J-1001",
        issue_date=date.today(),
        seller=seller,
        buyer=buyer,
        lines=[
            TaxInvoiceLine(
                description=f"Forfeited deposit {deposit['number']}",
                quantity=Decimal("1"),
                unit_price=Decimal("18691.59"),
                amount=Decimal("18691.59"),
            ),
            TaxInvoiceLine(
                description="Engine repair above the deposit",
                quantity=Decimal("1"),
                unit_price=Decimal("30000.00"),
                amount=Decimal("30000.00"),
            ),
        ],
        amount_before_vat=Decimal("48691.59"),
        vat=VAT,
        vat_amount=Decimal("3408.41"),
        total=Decimal("52100.00"),
        invoices=[
            CoveredInvoice(invoice_id=damage.invoice_id, number=damage.number, kind=InvoiceKind.DAMAGE)
        ],
        retentions=[
            CoveredRetention(
                deposit_id=UUID(deposit["id"]),
                deposit_number=deposit["number"],
                return_receipt_number=deprr,
                amount=Decimal("20000.00"),
            )
        ],
        issued_by=STAFF,
    )

    await _publish(system, tax_invoice, tenant_id, tax_invoice.tax_invoice_id)

    async def damage_email() -> list[EmailMessage]:
        return [m for m in _mail_to(system, customer.email) if m["Subject"].startswith("Damage charges")]

    [email] = await eventually(damage_email, timeout_s=RENDER_WAIT_S)
    assert email["Subject"] == "Damage charges: invoice INV-2026-0050 and tax invoice TI-2026-0001"
    body = _body(email)
    assert f"Retained from deposit {deposit['number']} (Deposit Return Receipt {deprr}): ฿20,000.00" in body
    assert "Total: ฿52,100.00" in body
    attachments = list(email.iter_attachments())
    assert [a.get_filename() for a in attachments] == [
        "INV-2026-0050.pdf",
        "TI-2026-0001.pdf",
        f"{deprr}.pdf",
    ]
    texts = [pdf_text(a.get_content()) for a in attachments]
    assert "INV-2026-0050" in texts[0]
    assert "Tax Invoice" in texts[1]
    assert deprr in texts[2]
    # The forfeit had its own email; the damage email is the only other one.
    subjects = sorted(m["Subject"] for m in _mail_to(system, customer.email))
    assert subjects == [email["Subject"], f"Your deposit {deposit['number']} has been forfeited"]
