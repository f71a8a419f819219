"""Billing end to end (SPEC §4): invoices sent with a number and a due date, payments with RC
receipts, pre-payments with PREREC receipts, tax invoices, damage beyond the deposit, overdue with a
moved clock, and customers' payment reports — over the staff API of the running service."""

import asyncio
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any
from uuid import uuid4

import httpx
import pytest
from PIL import Image

from shared.clock import local_date
from shared.contracts.documents import DocumentKind
from shared.contracts.portal import PaymentReported
from tests.helpers import eventually, pdf_text, visible
from tests.system import DEMO_TENANT_SETTINGS, EXCAVATOR_LINE, Customer, System

pytestmark = pytest.mark.e2e

BUYER = {
    "address": "12 ถนนสุขุมวิท แขวงคลองเตย กรุงเทพฯ 10110",
    "tax_id": "0105560000001",
    "tax_branch_no": "00001",
}


def business_today() -> date:
    return local_date(datetime.now(UTC), "Asia/Bangkok")


def year() -> int:
    return business_today().year


async def invoice_now(system: System, tenant_id: str, invoice: dict[str, Any]) -> dict[str, Any]:
    response = await system.get("billing", f"/v1/invoices/{invoice['id']}", tenant_id)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def billing_events(system: System, event_type: str, subject: str) -> list[dict[str, Any]]:
    return [
        e
        for e in await system.events("mudjam.billing.v1")
        if e["type"] == event_type and e["subject"] == subject
    ]


async def published(system: System, event_type: str, subject: str, count: int = 1) -> list[dict[str, Any]]:
    async def check() -> list[dict[str, Any]] | None:
        found = await billing_events(system, event_type, subject)
        return found if len(found) >= count else None

    return await eventually(check)


async def job_published(system: System, customer: Customer, **fields: Any) -> str:
    job_id = fields.pop("job_id", f"J-{uuid4().hex[:8]}")
    async with system.ops() as ops:
        await ops.job(
            customer.tenant_id, job_id=job_id, customer_id=customer.customer_id, branch_id="bkk", **fields
        )
    return job_id


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="PNG")
    return buffer.getvalue()


# Invoices and payments ---------------------------------------------------------------------------


async def test_an_invoice_of_100000_plus_vat_is_sent_with_a_number_and_a_due_date(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)

    draft = await system.draft_invoice(customer)
    sent = await system.command("POST", "billing", f"/v1/invoices/{draft['id']}/send", tenant_id)

    assert (draft["status"], draft["number"]) == ("draft", None)
    assert (draft["subtotal"], draft["vat_amount"], draft["total"]) == ("100000.00", "7000.00", "107000.00")
    invoice = sent.json()
    assert sent.status_code == 200, sent.text
    assert invoice["status"] == "sent"
    assert invoice["number"] == f"INV-{year()}-0001"
    assert invoice["issue_date"] == business_today().isoformat()
    assert invoice["due_date"] == (business_today() + timedelta(days=30)).isoformat()
    assert (invoice["total"], invoice["balance"], invoice["overdue"]) == ("107000.00", "107000.00", False)
    assert invoice["vat"] == {"rate": "0.07", "rounding": "satang"}
    [event] = await published(system, "invoice.sent.v1", draft["id"])
    assert event["data"]["number"] == invoice["number"]
    assert (event["data"]["total"], event["data"]["balance"]) == ("107000.00", "107000.00")
    again = await system.command("POST", "billing", f"/v1/invoices/{draft['id']}/send", tenant_id)
    assert again.status_code == 409


async def test_payment_terms_come_from_the_tenant_or_the_invoice(system: System) -> None:
    tenant_id = await system.new_tenant(payment_terms_days=14)
    customer = await system.new_customer(tenant_id)

    tenant_terms = await system.sent_invoice(customer)
    own_terms = await system.draft_invoice(customer, payment_terms_days=7)
    sent = await system.command(
        "POST", "billing", f"/v1/invoices/{own_terms['id']}/send", tenant_id, {"payment_terms_days": 0}
    )

    assert tenant_terms["due_date"] == (business_today() + timedelta(days=14)).isoformat()
    assert sent.json()["due_date"] == business_today().isoformat()  # due on receipt


async def test_a_draft_s_lines_can_be_replaced_until_it_is_sent(system: System) -> None:
    tenant_id = await system.new_tenant(vat_rounding="baht")
    customer = await system.new_customer(tenant_id)
    draft = await system.draft_invoice(customer)
    path = f"/v1/invoices/{draft['id']}/lines"
    lines = [
        {"description": "Plate compactor", "quantity": "2", "duration": "3", "unit": "day", "rate": "178.58"}
    ]

    edited = await system.command("PUT", "billing", path, tenant_id, {"lines": lines})
    await system.command("POST", "billing", f"/v1/invoices/{draft['id']}/send", tenant_id)
    late = await system.command("PUT", "billing", path, tenant_id, {"lines": [EXCAVATOR_LINE]})

    assert edited.status_code == 200, edited.text
    # 2 × 3 × 178.58 = 1,071.48; VAT 75.0036 to the baht = 75.00
    assert (edited.json()["subtotal"], edited.json()["vat_amount"], edited.json()["total"]) == (
        "1071.48",
        "75.00",
        "1146.48",
    )
    assert late.status_code == 409


async def test_two_payments_make_it_partial_then_paid_each_with_its_own_receipt(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = await system.sent_invoice(customer)

    first = await system.pay_invoice(tenant_id, invoice, amount="50000")
    second = await system.pay_invoice(tenant_id, invoice)  # the amount defaults to the balance

    assert first.status_code == 201, first.text
    assert (first.json()["status"], first.json()["balance"]) == ("partial", "57000.00")
    paid = second.json()
    assert (paid["status"], paid["balance"], paid["paid_total"]) == ("paid", "0.00", "107000.00")
    assert [(p["receipt_number"], p["amount"]) for p in paid["payments"]] == [
        (f"RC-{year()}-0001", "50000.00"),
        (f"RC-{year()}-0002", "57000.00"),
    ]
    events = await published(system, "invoice.payment_recorded.v1", invoice["id"], count=2)
    assert [(e["data"]["status"], e["data"]["balance"]) for e in events] == [
        ("partial", "57000.00"),
        ("paid", "0.00"),
    ]
    overpaid = await system.pay_invoice(tenant_id, invoice, amount="1")
    assert overpaid.status_code == 409


@pytest.mark.parametrize("amount", ["107000.01", "-5", "1.005", "0", "ten baht", "1000000000000"])
async def test_a_bad_payment_amount_is_refused_naming_the_amount_and_nothing_is_written(
    system: System, amount: str
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = await system.sent_invoice(customer)

    refused = await system.pay_invoice(tenant_id, invoice, amount=amount)

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "amount"
    after = await invoice_now(system, tenant_id, invoice)
    assert (after["status"], after["balance"], after["payments"]) == ("sent", "107000.00", [])
    assert [a["action"] for a in after["audit"]] == ["invoice.drafted", "invoice.sent.v1"]
    first = await system.pay_invoice(tenant_id, invoice, amount="1")
    assert first.json()["payments"][0]["receipt_number"] == f"RC-{year()}-0001"  # no number was used


async def test_a_draft_cannot_be_paid_and_a_payment_cannot_be_dated_in_the_future(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    draft = await system.draft_invoice(customer)
    invoice = await system.sent_invoice(customer)

    on_draft = await system.pay_invoice(tenant_id, draft, amount="100")
    tomorrow = await system.pay_invoice(
        tenant_id, invoice, paid_on=(business_today() + timedelta(days=1)).isoformat()
    )

    assert on_draft.status_code == 409
    assert tomorrow.status_code == 422
    assert tomorrow.json()["error"]["field"] == "paid_on"


async def test_two_payments_at_once_never_take_the_balance_below_zero(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = await system.sent_invoice(customer)

    first, second = await asyncio.gather(
        system.pay_invoice(tenant_id, invoice, amount="60000", reference="SLIP-A"),
        system.pay_invoice(tenant_id, invoice, amount="60000", reference="SLIP-B"),
    )

    assert sorted([first.status_code, second.status_code]) == [201, 422]
    refused = first if first.status_code == 422 else second
    assert refused.json()["error"]["field"] == "amount"
    after = await invoice_now(system, tenant_id, invoice)
    assert (after["balance"], len(after["payments"])) == ("47000.00", 1)


async def test_fifty_concurrent_payments_on_fifty_invoices_get_fifty_consecutive_rc_numbers(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoices = [await system.sent_invoice(customer) for _ in range(50)]

    responses = await asyncio.gather(*(system.pay_invoice(tenant_id, invoice) for invoice in invoices))

    assert [r.status_code for r in responses] == [201] * 50
    numbers = sorted(r.json()["payments"][0]["receipt_number"] for r in responses)
    assert numbers == [f"RC-{year()}-{i:04d}" for i in range(1, 51)]
    assert {r.json()["status"] for r in responses} == {"paid"}
    # Each invoice as sent, again with its payment, and its receipt.
    await system.drop_queued_renders(tenant_id, scheduled=50 * 3)


async def test_a_retried_payment_with_the_same_idempotency_key_is_recorded_once(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = await system.sent_invoice(customer)
    path = f"/v1/invoices/{invoice['id']}/payments"
    body = {"amount": "1000", "method": "cash", "reference": "Cash, in person"}

    responses = await asyncio.gather(
        *(system.command("POST", "billing", path, tenant_id, body, key="pay-once") for _ in range(4))
    )

    assert {r.status_code for r in responses} == {201}
    assert all(r.json() == responses[0].json() for r in responses)
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 3
    assert len((await invoice_now(system, tenant_id, invoice))["payments"]) == 1


async def test_a_proof_of_payment_is_kept_when_it_is_an_image(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = await system.sent_invoice(customer)
    payment = (await system.pay_invoice(tenant_id, invoice, amount="1000")).json()["payments"][0]
    path = f"{system.url('billing')}/v1/invoices/{invoice['id']}/payments/{payment['id']}/proof"
    headers = system.staff(tenant_id)
    image = png()

    not_an_image = await system.http.post(
        path,
        files={"file": ("slip.png", b"%PDF-1.7 not an image", "image/png")},
        headers={**headers, "Idempotency-Key": uuid4().hex},
    )
    kept = await system.http.post(
        path,
        files={"file": ("slip.png", image, "image/png")},
        headers={**headers, "Idempotency-Key": uuid4().hex},
    )
    downloaded = await system.http.get(path, headers=headers)

    assert not_an_image.status_code == 422
    assert not_an_image.json()["error"]["field"] == "file"
    assert kept.status_code == 201, kept.text
    assert kept.json()["payments"][0]["has_proof"] is True
    assert (downloaded.status_code, downloaded.headers["content-type"]) == (200, "image/png")
    assert downloaded.content == image


async def test_staff_see_only_their_branches_and_tenant(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = await system.draft_invoice(customer, branch_id="cnx")
    other_tenant = await system.new_tenant()
    bangkok_only = system.staff(tenant_id, branches=("bkk",))

    seen_from_bangkok = await system.http.get(
        f"{system.url('billing')}/v1/invoices/{invoice['id']}", headers=bangkok_only
    )
    seen_by_another_business = await system.get("billing", f"/v1/invoices/{invoice['id']}", other_tenant)
    listed = await system.http.get(f"{system.url('billing')}/v1/invoices", headers=bangkok_only)
    sent_from_bangkok = await system.command(
        "POST", "billing", f"/v1/invoices/{invoice['id']}/send", tenant_id, branches=("bkk",)
    )
    created_for_another_branch = await system.command(
        "POST",
        "billing",
        "/v1/invoices",
        tenant_id,
        {"customer_id": customer.customer_id, "branch_id": "cnx", "lines": [EXCAVATOR_LINE]},
        branches=("bkk",),
    )

    assert seen_from_bangkok.status_code == 404
    assert seen_by_another_business.status_code == 404
    assert invoice["id"] not in [i["id"] for i in listed.json()["items"]]
    assert sent_from_bangkok.status_code == 404
    assert created_for_another_branch.status_code == 404


# Pre-payments ------------------------------------------------------------------------------------


async def test_a_prepayment_before_the_job_starts_is_shown_below_the_totals_of_the_final_invoice(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    job_id = await job_published(
        system, customer, stage="new", start_date=business_today() + timedelta(days=7)
    )
    path = f"/v1/jobs/{job_id}/prepayments"
    body = {"amount": "50000", "method": "bank_transfer", "reference": "KBANK-PRE-5501"}

    async def record() -> httpx.Response | None:
        response = await system.command("POST", "billing", path, tenant_id, body)
        return None if response.status_code == 422 else response

    prepaid = await eventually(record)
    invoice = await system.sent_invoice(customer, job_id=job_id)

    assert prepaid.status_code == 201, prepaid.text
    receipt = prepaid.json()
    assert receipt["receipt_number"] == f"PREREC-{year()}-0001"
    assert (receipt["amount"], receipt["vat_amount"]) == ("50000.00", "3271.03")  # VAT included
    assert (invoice["subtotal"], invoice["vat_amount"], invoice["total"]) == (
        "100000.00",
        "7000.00",
        "107000.00",
    )
    assert [(p["receipt_number"], p["amount"]) for p in invoice["prepayments"]] == [
        (f"PREREC-{year()}-0001", "50000.00")
    ]
    assert (invoice["balance"], invoice["status"]) == ("57000.00", "partial")
    [sent] = await published(system, "invoice.sent.v1", invoice["id"])
    assert sent["data"]["prepayments"][0]["receipt_number"] == receipt["receipt_number"]
    assert (sent["data"]["paid_total"], sent["data"]["balance"]) == ("50000.00", "57000.00")
    [event] = await published(system, "prepayment.recorded.v1", receipt["id"])
    assert event["data"]["vat_amount"] == "3271.03"
    listed = (await system.get("billing", path, tenant_id)).json()["items"]
    assert [p["invoice_number"] for p in listed] == [invoice["number"]]
    # The final invoice the customer receives shows the pre-payment below the totals.
    await system.rendered_document(tenant_id, DocumentKind.INVOICE, invoice["number"])
    pdf = await system.document_file(tenant_id, DocumentKind.INVOICE, invoice["number"], "en", version=1)
    text = pdf_text(pdf.content)
    assert receipt["receipt_number"] in text
    assert "50,000.00" in text
    assert "Balance due ฿57,000.00" in " ".join(text.split())
    paid = await system.pay_invoice(tenant_id, invoice)
    assert (paid.json()["status"], paid.json()["payments"][0]["amount"]) == ("paid", "57000.00")


async def test_a_prepayment_on_a_started_or_unknown_job_is_refused_naming_the_job(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    job_id = await job_published(system, customer, stage="on_site", start_date=business_today())
    body = {"amount": "50000", "method": "cash"}

    async def refused() -> httpx.Response | None:
        response = await system.command("POST", "billing", f"/v1/jobs/{job_id}/prepayments", tenant_id, body)
        return None if response.status_code == 422 else response

    started = await eventually(refused)
    unknown = await system.command(
        "POST", "billing", "/v1/jobs/J-never-published/prepayments", tenant_id, body
    )

    assert started.status_code == 409
    assert (started.json()["error"]["code"], started.json()["error"]["field"]) == ("job_started", "job_id")
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "job_id"


# Tax invoices ------------------------------------------------------------------------------------


async def test_a_tax_invoice_without_the_buyer_s_tax_id_is_refused_naming_it_and_issued_once_complete(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, name="บริษัท ก่อสร้างดี จำกัด", address=BUYER["address"])
    invoice = await system.sent_invoice(customer)
    path = f"/v1/invoices/{invoice['id']}/tax-invoice"

    refused = await system.command("POST", "billing", path, tenant_id)
    async with system.ops() as ops:
        await ops.customer(tenant_id, customer.customer_id, name=customer.name, email=customer.email, **BUYER)

    async def issue() -> httpx.Response | None:
        response = await system.command("POST", "billing", path, tenant_id)
        return None if response.status_code == 422 else response

    issued = await eventually(issue)
    second = await system.command("POST", "billing", path, tenant_id)

    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "buyer.tax_id"
    assert "buyer.tax_id" in refused.json()["error"]["message"]
    assert issued.status_code == 201, issued.text
    tax_invoice = issued.json()
    assert tax_invoice["number"] == f"TI-{year()}-0001"  # the refusal used no number
    assert tax_invoice["title"] == "ใบกำกับภาษี / Tax Invoice"
    assert tax_invoice["issue_date"] == business_today().isoformat()
    assert tax_invoice["seller"] == {
        "name": DEMO_TENANT_SETTINGS["business_name_th"],
        "address": DEMO_TENANT_SETTINGS["address_th"],
        "tax_id": DEMO_TENANT_SETTINGS["tax_id"],
        "branch_no": "00000",
    }
    assert tax_invoice["buyer"] == {
        "name": customer.name,
        "address": BUYER["address"],
        "tax_id": BUYER["tax_id"],
        "branch_no": BUYER["tax_branch_no"],
    }
    assert [(line["quantity"], line["unit_price"], line["amount"]) for line in tax_invoice["lines"]] == [
        ("20", "5000.00", "100000.00")
    ]
    assert (tax_invoice["amount_before_vat"], tax_invoice["vat_amount"], tax_invoice["total"]) == (
        "100000.00",
        "7000.00",
        "107000.00",
    )
    assert second.status_code == 409
    assert (await invoice_now(system, tenant_id, invoice))["tax_invoice_number"] == tax_invoice["number"]
    [event] = await published(system, "tax_invoice.issued.v1", tax_invoice["id"])
    assert event["data"]["buyer"]["tax_id"] == BUYER["tax_id"]
    fetched = await system.get("billing", f"/v1/tax-invoices/{tax_invoice['id']}", tenant_id)
    assert fetched.json() == tax_invoice


async def test_a_draft_gets_no_tax_invoice(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, **BUYER)
    draft = await system.draft_invoice(customer)

    refused = await system.command("POST", "billing", f"/v1/invoices/{draft['id']}/tax-invoice", tenant_id)

    assert refused.status_code == 409


async def _deposit_on_job(system: System, customer: Customer, job_id: str, amount: str) -> dict[str, Any]:
    async def create() -> httpx.Response | None:
        response = await system.command(
            "POST",
            "deposits",
            "/v1/deposits",
            customer.tenant_id,
            {"customer_id": customer.customer_id, "branch_id": "bkk", "amount": amount, "job_id": job_id},
        )
        return None if response.status_code == 422 else response

    created = await eventually(create)
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


async def _awaiting(system: System, customer: Customer, count: int) -> list[dict[str, Any]]:
    async def check() -> list[dict[str, Any]] | None:
        response = await system.get(
            "billing",
            "/v1/retentions",
            customer.tenant_id,
            awaiting_tax_invoice="true",
            customer_id=customer.customer_id,
        )
        items = list(response.json()["items"])
        return (items,) if len(items) == count else None

    return (await eventually(check))[0]


async def test_forfeit_then_a_damage_invoice_and_one_tax_invoice_covering_both(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, name="บริษัท ก่อสร้างดี จำกัด", **BUYER)
    job_id = await job_published(system, customer, stage="closed")
    deposit = await _deposit_on_job(system, customer, job_id, "20000")
    await system.job_known_to_deposits(tenant_id, job_id, "closed")  # a deposit is returned after its job
    forfeit = await system.return_deposit(
        customer, deposit, {"kind": "forfeit", "note": "Hydraulic arm cracked; repair ฿52,100"}
    )

    [retained] = await _awaiting(system, customer, 1)
    damage = await system.sent_invoice(
        customer,
        kind="damage",
        job_id=job_id,
        related_deposit_id=deposit["id"],
        lines=[{"description": "Hydraulic arm repair beyond the deposit", "quantity": "1", "rate": "30000"}],
    )
    issued = await system.command(
        "POST",
        "billing",
        "/v1/tax-invoices",
        tenant_id,
        {"invoice_ids": [damage["id"]], "deposit_return_numbers": [forfeit["receipt_number"]]},
    )

    assert (retained["kind"], retained["retained_amount"]) == ("forfeit", "20000.00")
    assert retained["return_receipt_number"] == forfeit["receipt_number"]
    assert (damage["kind"], damage["related_deposit_number"], damage["total"]) == (
        "damage",
        deposit["number"],
        "32100.00",
    )
    assert issued.status_code == 201, issued.text
    tax_invoice = issued.json()
    assert [i["number"] for i in tax_invoice["invoices"]] == [damage["number"]]
    assert [(r["deposit_number"], r["amount"]) for r in tax_invoice["retentions"]] == [
        (deposit["number"], "20000.00")
    ]
    # ฿20,000 forfeited includes VAT of ฿1,308.41; the damage invoice adds ฿30,000 + ฿2,100.
    assert (tax_invoice["amount_before_vat"], tax_invoice["vat_amount"], tax_invoice["total"]) == (
        "48691.59",
        "3408.41",
        "52100.00",
    )
    assert await _awaiting(system, customer, 0) == []
    again = await system.command(
        "POST",
        "billing",
        "/v1/tax-invoices",
        tenant_id,
        {"deposit_return_numbers": [forfeit["receipt_number"]]},
    )
    assert again.status_code == 409
    [event] = await published(system, "invoice.sent.v1", damage["id"])
    assert event["data"]["related_deposit_number"] == deposit["number"]

    # The customer gets the damage invoice, the tax invoice and the forfeit's DEPRR in one email.
    async def bundle() -> EmailMessage | None:
        for message in system.mail.messages:
            if customer.email in message["To"] and len(list(message.iter_attachments())) == 3:
                return message
        return None

    email = await eventually(bundle, timeout_s=30)
    attached = sorted(part.get_filename() for part in email.iter_attachments())
    assert attached == sorted(
        f"{n}.pdf" for n in (damage["number"], tax_invoice["number"], forfeit["receipt_number"])
    )
    # The portal names the damage invoice and offers its tax invoice as a download of its own.
    portal = await system.portal_session(customer)
    await _portal_shows(portal, "/invoices", f"Damage invoice {damage['number']} Unpaid")
    detail = await _portal_shows(portal, f"/invoices/{damage['id']}", f"Tax invoice {tax_invoice['number']}")
    assert "Pay ฿32,100.00" in detail
    # Every item the Revenue Code asks of a tax invoice, as the customer reads it.
    pdf = next(p.get_content() for p in email.iter_attachments() if tax_invoice["number"] in p.get_filename())
    text = " ".join(pdf_text(pdf).split())
    for item in (
        tax_invoice["number"],
        "Tax Invoice",
        "ใบกำกับภาษี",
        "0105556012345",
        BUYER["tax_id"],
        "00001",
        "48,691.59",
        "3,408.41",
        "52,100.00",
    ):
        assert item in text, item


async def test_a_damage_invoice_needs_a_deposit_forfeited_on_its_job(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    job_id = await job_published(system, customer, stage="closed")
    deposit = await _deposit_on_job(system, customer, job_id, "20000")

    held_not_forfeited = await system.create_invoice(
        customer, job_id=job_id, kind="damage", related_deposit_id=deposit["id"]
    )

    assert held_not_forfeited.status_code == 422
    assert held_not_forfeited.json()["error"]["field"] == "related_deposit_id"


async def test_a_partial_return_s_retained_amount_awaits_a_tax_invoice_until_the_return_is_voided(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, **BUYER)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    partial = await system.return_deposit(
        customer,
        deposit,
        {
            "kind": "partial",
            "amount": "15000",
            "method": "cash",
            "reference": "Cash",
            "note": "cracked filter",
        },
    )

    [retained] = await _awaiting(system, customer, 1)
    voided = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit['id']}/returns/{partial['id']}/void",
        tenant_id,
        {"reason": "wrong amount"},
    )

    assert (retained["kind"], retained["retained_amount"], retained["reason"]) == (
        "partial",
        "5000.00",
        "cracked filter",
    )
    assert voided.status_code == 200, voided.text
    assert await _awaiting(system, customer, 0) == []
    refused = await system.command(
        "POST",
        "billing",
        "/v1/tax-invoices",
        tenant_id,
        {"deposit_return_numbers": [partial["receipt_number"]]},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "deposit_return_numbers"


# Overdue -----------------------------------------------------------------------------------------


async def test_past_its_due_date_with_a_balance_an_invoice_is_overdue_in_the_api_and_the_portal_alike(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    unpaid = await system.sent_invoice(customer)
    paid = await system.sent_invoice(customer)
    await system.pay_invoice(tenant_id, paid)
    portal = await system.portal_session(customer, expires_in_days=90)  # still valid 40 days on
    await eventually(lambda: _portal_shows(portal, "/invoices", f"Invoice {paid['number']} Paid"))

    forty_days_on = {"MUDJAM_CLOCK_OFFSET": "P40D", "BILLING_OVERDUE_CHECK_INTERVAL_S": "0.5"}
    for service in ("billing", "portal"):
        system.stack.stop(service)
        system.stack.restart(service, forty_days_on)
    try:
        later = await invoice_now(system, tenant_id, unpaid)
        settled = await invoice_now(system, tenant_id, paid)
        overdue = await system.get("billing", "/v1/invoices", tenant_id, overdue="true")
        not_overdue = await system.get("billing", "/v1/invoices", tenant_id, overdue="false")
        listed = await _portal_shows(portal, "/invoices", f"Invoice {unpaid['number']} Overdue")
        home = await _portal_shows(portal, "/", f"Invoice {unpaid['number']} Overdue")
        detail = await _portal_shows(portal, f"/invoices/{unpaid['id']}", "Overdue")
        [event] = await published(system, "invoice.overdue.v1", unpaid["id"])
        await asyncio.sleep(1.5)  # a few more rounds of the watch
        announced = await billing_events(system, "invoice.overdue.v1", unpaid["id"])
    finally:
        for service in ("billing", "portal"):
            system.stack.stop(service)
            system.stack.restart(service)

    assert (later["status"], later["overdue"]) == ("sent", True)
    assert (settled["status"], settled["overdue"]) == ("paid", False)
    assert [i["id"] for i in overdue.json()["items"]] == [unpaid["id"]]
    assert [i["id"] for i in not_overdue.json()["items"]] == [paid["id"]]
    assert f"Invoice {paid['number']} Paid" in listed
    assert "Pay ฿107,000.00" in listed
    assert "I've paid" in detail
    assert f"Invoice {unpaid['number']} Overdue" in home
    assert (event["data"]["due_date"], event["data"]["balance"]) == (unpaid["due_date"], "107000.00")
    assert len(announced) == 1
    assert await billing_events(system, "invoice.overdue.v1", paid["id"]) == []
    assert (await invoice_now(system, tenant_id, unpaid))["overdue"] is False  # today again
    assert f"Invoice {unpaid['number']} Unpaid" in await _portal_shows(portal, "/invoices", "Unpaid")


async def _portal_shows(portal: httpx.AsyncClient, path: str, *expected: str) -> str:
    async def page() -> str:
        text = visible((await portal.get(path)).text)
        assert all(e in text for e in expected), text[:1500]
        return text

    return await eventually(page)


# Reported payments -------------------------------------------------------------------------------


def _report(invoice: dict[str, Any], customer: Customer, **fields: Any) -> PaymentReported:
    values: dict[str, Any] = {
        "report_id": uuid4(),
        "invoice_id": invoice["id"],
        "invoice_number": invoice["number"],
        "customer_id": customer.customer_id,
        "amount": Decimal(invoice["balance"]),
        "reported_at": datetime.now(UTC),
    }
    return PaymentReported(**{**values, **fields})


async def _reported(system: System, tenant_id: str, report: PaymentReported) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        response = await system.get(
            "billing", "/v1/reported-payments", tenant_id, invoice_id=str(report.invoice_id)
        )
        return next((r for r in response.json()["items"] if r["id"] == str(report.report_id)), None)

    return await eventually(check)


async def test_a_customer_s_report_awaits_reconciliation_and_the_recorded_payment_closes_it(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = await system.sent_invoice(customer)
    report = _report(invoice, customer, slip_reference="014-2026112300001")

    someone_else = _report(invoice, customer, customer_id="c-someone-else")

    async with system.ops() as ops:
        await ops.publish(someone_else, tenant_id=tenant_id, subject=invoice["id"])
        for _ in range(2):  # tapped twice, or redelivered: one report
            await ops.publish(report, tenant_id=tenant_id, subject=invoice["id"])
    taken = await _reported(system, tenant_id, report)
    unchanged = await invoice_now(system, tenant_id, invoice)
    recorded = await system.pay_invoice(tenant_id, invoice, report_id=str(report.report_id))
    closed = await system.get("billing", "/v1/reported-payments", tenant_id, status="recorded")
    again = await system.pay_invoice(tenant_id, invoice, report_id=str(report.report_id))

    assert (taken["status"], taken["amount"], taken["same_slip_on"]) == ("open", "107000.00", [])
    assert (unchanged["status"], unchanged["balance"]) == ("sent", "107000.00")  # a report is not a payment
    # Only the invoice's own customer reports on it (the other report came first, on the same partition).
    assert [r["id"] for r in unchanged["reports"]] == [str(report.report_id)]
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["status"] == "paid"
    assert recorded.json()["payments"][0]["report_id"] == str(report.report_id)
    [closed_report] = closed.json()["items"]
    assert (closed_report["status"], closed_report["payment_id"]) == (
        "recorded",
        recorded.json()["payments"][0]["id"],
    )
    assert again.status_code == 409
    [received] = await published(system, "payment_report.received.v1", invoice["id"])
    assert received["data"]["report_id"] == str(report.report_id)
    [closing] = await published(system, "payment_report.closed.v1", invoice["id"])
    assert (closing["data"]["outcome"], closing["data"]["payment_id"]) == (
        "recorded",
        closed_report["payment_id"],
    )
    [payment] = await published(system, "invoice.payment_recorded.v1", invoice["id"])
    assert payment["data"]["report_id"] == str(report.report_id)


async def test_the_same_slip_reported_on_a_second_invoice_is_a_possible_duplicate_and_can_be_dismissed(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    first_invoice, second_invoice = await system.sent_invoice(customer), await system.sent_invoice(customer)
    first = _report(first_invoice, customer, slip_reference="014-2026112300042")
    second = _report(second_invoice, customer, slip_reference="014-2026112300042")

    async with system.ops() as ops:
        await ops.publish(first, tenant_id=tenant_id, subject=first_invoice["id"])
    await _reported(system, tenant_id, first)
    async with system.ops() as ops:
        await ops.publish(second, tenant_id=tenant_id, subject=second_invoice["id"])
    duplicate = await _reported(system, tenant_id, second)
    dismissed = await system.command(
        "POST",
        "billing",
        f"/v1/reported-payments/{second.report_id}/dismiss",
        tenant_id,
        {"reason": "The same slip as INV for another job"},
    )
    open_reports = await system.get("billing", "/v1/reported-payments", tenant_id, status="open")

    assert duplicate["same_slip_on"] == [first_invoice["number"]]
    assert duplicate["possible_duplicate_slip"] is True
    assert dismissed.status_code == 200, dismissed.text
    assert (dismissed.json()["status"], dismissed.json()["reason"]) == (
        "dismissed",
        "The same slip as INV for another job",
    )
    assert [r["id"] for r in open_reports.json()["items"]] == [str(first.report_id)]
    [received] = await published(system, "payment_report.received.v1", second_invoice["id"])
    assert received["data"]["same_slip_on"] == [first_invoice["number"]]
    [closing] = await published(system, "payment_report.closed.v1", second_invoice["id"])
    assert closing["data"]["outcome"] == "dismissed"
    assert (await invoice_now(system, tenant_id, second_invoice))["status"] == "sent"
