"""Customer documents end to end (SPEC §3, §5, §8): deposit facts become bilingual PDFs a customer
can read, fetch one by one or as a zip, and each version is announced once."""

import asyncio
import io
import json
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
import zxingcpp
from aiokafka import AIOKafkaConsumer, TopicPartition
from PIL import Image

from shared.clients import DocumentNotAvailable, DocumentsClient
from shared.contracts.catalogue import DOCUMENTS
from shared.contracts.documents import DocumentKind, document_id
from shared.promptpay import promptpay_payload
from shared.settings import AuthSettings
from shared.thai import bahttext, english_date, thai_date
from tests.helpers import eventually, pdf_fonts, pdf_text
from tests.system import DEMO_TENANT_SETTINGS, Customer, System

pytestmark = pytest.mark.e2e

REASON = "Cracked filter housing on the pressure washer"
VOID_REASON = "Recorded against the wrong deposit"


def qr_codes(pdf: bytes) -> list[str]:
    png = subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@dataclass
class Returned:
    """A deposit of ฿20,000 collected in full, then returned in part: ฿15,000 back, ฿5,000 kept."""

    tenant_id: str
    customer: Customer
    deposit_number: str
    collection_number: str
    receipt_number: str
    returned_on: date


@dataclass
class Voided:
    tenant_id: str
    customer: Customer
    receipt_number: str


@dataclass
class Scenario:
    returned: Returned
    voided: Voided


def doc_id(tenant_id: str, kind: DocumentKind, number: str) -> UUID:
    return document_id(tenant_id, kind, number)


async def _return(system: System, tenant_id: str, deposit_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await system.command("POST", "deposits", f"/v1/deposits/{deposit_id}/returns", tenant_id, body)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture(scope="module")
async def scenario(system: System) -> Scenario:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(
        tenant_id,
        language="th",
        name="บริษัท ก่อสร้างดี จำกัด",
        customer_type="company",
        address="12 ถนนสุขุมวิท แขวงคลองเตย กรุงเทพฯ 10110",
        tax_id="0105560000001",
        tax_branch_no="00000",
        private_notes="Slow payer; ask for cash up front",
    )
    held = await system.held_deposit(customer, Decimal("20000"))
    partial = await _return(
        system,
        tenant_id,
        held["id"],
        {
            "kind": "partial",
            "amount": "15000",
            "method": "bank_transfer",
            "reference": "SLIP-2026-0312",
            "note": REASON,
        },
    )
    other = await system.held_deposit(customer, Decimal("8000"))
    full = await _return(
        system, tenant_id, other["id"], {"kind": "full", "method": "cash", "reference": "Cash, in person"}
    )
    voided = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{other['id']}/returns/{full['returns'][0]['id']}/void",
        tenant_id,
        {"reason": VOID_REASON},
    )
    assert voided.status_code == 200, voided.text

    scenario = Scenario(
        Returned(
            tenant_id=tenant_id,
            customer=customer,
            deposit_number=partial["number"],
            collection_number=partial["collections"][0]["receipt_number"],
            receipt_number=partial["returns"][0]["receipt_number"],
            returned_on=date.fromisoformat(partial["returns"][0]["returned_on"]),
        ),
        Voided(tenant_id, customer, full["returns"][0]["receipt_number"]),
    )
    await system.rendered_document(
        tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, scenario.voided.receipt_number, version=2
    )
    await system.rendered_document(
        tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, scenario.returned.receipt_number
    )
    return scenario


async def deprr_pdf(system: System, returned: Returned, language: str) -> bytes:
    response = await system.document_file(
        returned.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, returned.receipt_number, language
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


async def test_deprr_pdf_states_the_amount_returned_and_retained_with_the_reason(
    system: System, scenario: Scenario
) -> None:
    returned = scenario.returned

    text = pdf_text(await deprr_pdf(system, returned, "en"))

    for fact in (
        returned.receipt_number,
        returned.deposit_number,
        returned.collection_number,
        "฿20,000.00",
        "฿15,000.00",
        "฿5,000.00",
        REASON,
        "Bank transfer",
        "SLIP-2026-0312",
        "Nok Staff",
        english_date(returned.returned_on),
        DEMO_TENANT_SETTINGS["business_name_en"],
        DEMO_TENANT_SETTINGS["tax_id"],
        "บริษัท ก่อสร้างดี จำกัด",
        "0105560000001",
        "Received by (customer)",
    ):
        assert fact in text, fact
    assert "Slow payer" not in text


async def test_thai_first_deprr_dates_in_the_buddhist_era_and_states_the_amount_in_thai_words(
    system: System, scenario: Scenario
) -> None:
    returned = scenario.returned

    text = pdf_text(await deprr_pdf(system, returned, "th"))

    assert thai_date(returned.returned_on) in text
    assert str(returned.returned_on.year + 543) in text
    assert bahttext(Decimal("15000")) in text
    assert "หนึ่งหมื่นห้าพันบาทถ้วน" in text
    assert REASON in text
    assert text.index("ใบคืนเงินมัดจำ") < text.index("Deposit Return Receipt")
    assert text.index("รายละเอียด (ภาษาไทย)") < text.index("DETAILS (ENGLISH)")


async def test_english_first_deprr_puts_the_english_part_first(system: System, scenario: Scenario) -> None:
    text = pdf_text(await deprr_pdf(system, scenario.returned, "en"))

    assert text.index("Deposit Return Receipt") < text.index("ใบคืนเงินมัดจำ")
    assert text.index("DETAILS (ENGLISH)") < text.index("รายละเอียด (ภาษาไทย)")


async def test_pdfs_embed_the_sarabun_font_and_no_other(system: System, scenario: Scenario) -> None:
    for language in ("th", "en"):
        fonts = pdf_fonts(await deprr_pdf(system, scenario.returned, language))

        assert fonts
        assert all("Sarabun" in name and embedded == "yes" for name, embedded in fonts), fonts


async def test_deposit_receipt_states_a_refundable_deposit_outside_vat(
    system: System, scenario: Scenario
) -> None:
    returned = scenario.returned
    await system.rendered_document(
        returned.tenant_id, DocumentKind.DEPOSIT_RECEIPT, returned.collection_number
    )

    response = await system.document_file(
        returned.tenant_id, DocumentKind.DEPOSIT_RECEIPT, returned.collection_number, "th"
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f'inline; filename="{returned.collection_number}.pdf"'
    text = pdf_text(response.content)
    for fact in (
        returned.collection_number,
        returned.deposit_number,
        "Refundable Security Deposit — Not Subject to VAT",
        "เงินประกันที่คืนได้ — ไม่อยู่ในบังคับภาษีมูลค่าเพิ่ม",
        "฿20,000.00",
        bahttext(Decimal("20000")),
        "KBANK-778812",
        "Bank transfer",
        "Received by",
        "Nok Staff",
    ):
        assert fact in text, fact


async def test_deposit_request_carries_a_promptpay_qr_for_the_amount_due(
    system: System, scenario: Scenario
) -> None:
    returned = scenario.returned
    document = await system.rendered_document(
        returned.tenant_id, DocumentKind.DEPOSIT_REQUEST, returned.deposit_number
    )

    response = await system.document_file(
        returned.tenant_id, DocumentKind.DEPOSIT_REQUEST, returned.deposit_number, "en"
    )

    assert response.status_code == 200, response.text
    assert "฿20,000.00" in pdf_text(response.content)
    expected = promptpay_payload(DEMO_TENANT_SETTINGS["promptpay_id"], Decimal("20000"))
    assert qr_codes(response.content) == [expected]
    assert document["versions"][0]["amount"] == "20000.00"


async def test_a_voided_return_is_rendered_again_as_version_2_marked_void(
    system: System, scenario: Scenario
) -> None:
    voided = scenario.voided
    document = await system.rendered_document(
        voided.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, voided.receipt_number, version=2
    )

    latest = await system.document_file(
        voided.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, voided.receipt_number, "en"
    )
    first = await system.document_file(
        voided.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, voided.receipt_number, "en", version=1
    )

    assert [(v["version"], v["status"]) for v in document["versions"]] == [(1, "issued"), (2, "void")]
    assert document["number"] == voided.receipt_number
    assert latest.headers["content-disposition"] == f'inline; filename="{voided.receipt_number}-VOID.pdf"'
    void_text = pdf_text(latest.content)
    assert "VOID" in void_text
    assert "ยกเลิก" in void_text
    assert VOID_REASON in void_text
    assert voided.receipt_number in void_text
    assert "VOID" not in pdf_text(first.content)
    assert document["versions"][1]["issued_on"] == document["versions"][0]["issued_on"]


async def test_staff_list_a_customers_documents_with_versions_and_status(
    system: System, scenario: Scenario
) -> None:
    tenant_id, customer = scenario.returned.tenant_id, scenario.returned.customer

    response = await system.get(
        "documents",
        "/v1/documents",
        tenant_id,
        customer_id=customer.customer_id,
        kind="deposit_return_receipt",
    )

    assert response.status_code == 200, response.text
    page = response.json()
    by_number = {d["number"]: d for d in page["items"]}
    assert page["total"] == 2
    assert by_number[scenario.returned.receipt_number]["status"] == "issued"
    assert by_number[scenario.returned.receipt_number]["versions"][0]["amount"] == "15000.00"
    assert by_number[scenario.returned.receipt_number]["related_number"] == scenario.returned.deposit_number
    assert (
        by_number[scenario.voided.receipt_number]["status"],
        by_number[scenario.voided.receipt_number]["latest_version"],
    ) == ("void", 2)


def documents_client(system: System) -> DocumentsClient:
    return DocumentsClient(system.url("documents"), AuthSettings(), service="portal")


async def test_a_document_is_not_found_for_another_customer_or_tenant(
    system: System, scenario: Scenario
) -> None:
    returned = scenario.returned
    receipt_id = doc_id(returned.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, returned.receipt_number)
    other_tenant = await system.new_tenant()
    client = documents_client(system)
    try:
        own = await client.pdf(
            tenant_id=returned.tenant_id,
            customer_id=returned.customer.customer_id,
            document_id=receipt_id,
            language="en",
        )
        with pytest.raises(DocumentNotAvailable):
            await client.pdf(
                tenant_id=returned.tenant_id,
                customer_id="c-someone-else",
                document_id=receipt_id,
                language="en",
            )
        with pytest.raises(DocumentNotAvailable):
            await client.pdf(
                tenant_id=other_tenant,
                customer_id=returned.customer.customer_id,
                document_id=receipt_id,
                language="en",
            )
    finally:
        await client.aclose()

    assert returned.receipt_number in pdf_text(own)
    other_staff = await system.get("documents", f"/v1/documents/{receipt_id}", other_tenant)
    assert other_staff.status_code == 404


async def test_bundle_zips_the_customers_documents_each_named_by_number(
    system: System, scenario: Scenario
) -> None:
    returned, voided = scenario.returned, scenario.voided
    numbers = {
        DocumentKind.DEPOSIT_REQUEST: returned.deposit_number,
        DocumentKind.DEPOSIT_RECEIPT: returned.collection_number,
        DocumentKind.DEPOSIT_RETURN_RECEIPT: returned.receipt_number,
    }
    for kind, number in numbers.items():
        await system.rendered_document(returned.tenant_id, kind, number)
    ids = [doc_id(returned.tenant_id, kind, number) for kind, number in numbers.items()]
    ids.append(doc_id(voided.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, voided.receipt_number))
    client = documents_client(system)
    try:
        bundle = await client.bundle(
            tenant_id=returned.tenant_id,
            customer_id=returned.customer.customer_id,
            document_ids=ids,
            language="th",
        )
    finally:
        await client.aclose()

    archive = zipfile.ZipFile(io.BytesIO(bundle))
    expected = {f"{n}.pdf" for n in numbers.values()} | {f"{voided.receipt_number}-VOID.pdf"}
    assert set(archive.namelist()) == expected
    for name in archive.namelist():
        assert name.removesuffix(".pdf").removesuffix("-VOID") in pdf_text(archive.read(name))


async def test_bundle_with_another_customers_document_is_refused(system: System, scenario: Scenario) -> None:
    returned = scenario.returned
    stranger = await system.new_customer(returned.tenant_id)
    receipt_id = doc_id(returned.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, returned.receipt_number)

    response = await system.http.post(
        f"{system.url('documents')}/v1/bundles",
        json={"customer_id": stranger.customer_id, "document_ids": [str(receipt_id)], "language": "en"},
        headers=system.staff(returned.tenant_id),
    )

    assert response.status_code == 404, response.text


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/documents/not-a-uuid/file", {"language": "th"}, "document_id"),
        ("/v1/documents/{id}/file", {"language": "fr"}, "language"),
        ("/v1/documents/{id}/file", {"language": "th", "version": "0"}, "version"),
        ("/v1/documents/{id}/file", {"language": "th", "version": "99999999999999999999"}, "version"),
        ("/v1/documents/{id}/file", {"language": "th", "customer_id": "../etc"}, "customer_id"),
        ("/v1/documents", {"limit": "0"}, "limit"),
        ("/v1/documents", {"offset": "-1"}, "offset"),
        ("/v1/documents", {"kind": "invoice_of_doom"}, "kind"),
        ("/v1/documents/%00", {}, "document_id"),
    ],
)
async def test_invalid_queries_are_refused_naming_the_field(
    system: System, scenario: Scenario, path: str, params: dict[str, str], field: str
) -> None:
    returned = scenario.returned
    receipt_id = doc_id(returned.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, returned.receipt_number)

    response = await system.get("documents", path.format(id=receipt_id), returned.tenant_id, **params)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer_id": "c-1", "document_ids": [], "language": "th"}, "document_ids"),
        ({"customer_id": "c-1", "document_ids": ["nope"], "language": "th"}, "document_ids.0"),
        (
            {"customer_id": "c-1", "document_ids": [str(UUID(int=i)) for i in range(201)], "language": "th"},
            "document_ids",
        ),
        ({"customer_id": "c-1", "document_ids": [str(UUID(int=1))], "language": "de"}, "language"),
        ({"customer_id": "", "document_ids": [str(UUID(int=1))], "language": "en"}, "customer_id"),
    ],
)
async def test_invalid_bundle_requests_are_refused_naming_the_field(
    system: System, scenario: Scenario, body: dict[str, Any], field: str
) -> None:
    response = await system.http.post(
        f"{system.url('documents')}/v1/bundles", json=body, headers=system.staff(scenario.returned.tenant_id)
    )

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


async def test_documents_need_a_bearer_token(system: System, scenario: Scenario) -> None:
    response = await system.http.get(f"{system.url('documents')}/v1/documents")

    assert response.status_code == 401


async def _announcements(system: System, tenant_id: str) -> list[tuple[str, int, tuple[str, ...]]]:
    """(document id, version, the languages of its files) of every document.rendered.v1 of the
    tenant on the bus, in the order announced."""
    consumer = AIOKafkaConsumer(bootstrap_servers=system.stack.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(DOCUMENTS.name, p) for p in consumer.partitions_for_topic(DOCUMENTS.name) or ()
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        seen: list[tuple[str, int, tuple[str, ...]]] = []
        remaining = set(partitions)
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=1000)
            for records in batches.values():
                for record in records:
                    envelope = json.loads(record.value)
                    if envelope["tenant_id"] == tenant_id and envelope["type"] == "document.rendered.v1":
                        data = envelope["data"]
                        languages = tuple(f["language"] for f in data["files"])
                        seen.append((data["document_id"], data["version"], languages))
            remaining = {p for p in remaining if await consumer.position(p) < ends[p]}
        return seen
    finally:
        await consumer.stop()


async def test_every_document_version_is_announced_exactly_once(system: System, scenario: Scenario) -> None:
    returned, voided = scenario.returned, scenario.voided
    for kind, number in (
        (DocumentKind.DEPOSIT_REQUEST, returned.deposit_number),
        (DocumentKind.DEPOSIT_RECEIPT, returned.collection_number),
    ):
        await system.rendered_document(returned.tenant_id, kind, number)
    listed = await system.get("documents", "/v1/documents", returned.tenant_id, limit="200")
    versions = sorted((d["document_id"], v["version"]) for d in listed.json()["items"] for v in d["versions"])
    assert len(versions) >= 7  # DEP, DEPR and DEPRR of two deposits, and the void version

    async def announced() -> list[tuple[str, int, tuple[str, ...]]] | None:
        seen = await _announcements(system, returned.tenant_id)
        return seen if len(seen) >= 2 * len(versions) else None

    # Each version twice: in the customer's language first, then with both languages.
    seen = await eventually(announced, timeout_s=30, interval_s=0.5)
    assert sorted((d, v) for d, v, _ in seen) == sorted(versions * 2)
    for document_version in versions:
        first, both = (langs for d, v, langs in seen if (d, v) == document_version)
        assert (len(first), sorted(both), both[0]) == (1, ["en", "th"], first[0])
    void_id = str(doc_id(voided.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, voided.receipt_number))
    assert (void_id, 2) in versions


async def test_documents_of_facts_recorded_while_the_service_was_down_are_rendered_once_after_restart(
    system: System, scenario: Scenario
) -> None:
    tenant_id, customer = scenario.returned.tenant_id, scenario.returned.customer
    held = await system.held_deposit(customer, Decimal("3000"))
    system.stack.kill("documents")
    try:
        returned = await _return(
            system, tenant_id, held["id"], {"kind": "full", "method": "promptpay", "reference": "PP-4411"}
        )
    finally:
        await asyncio.to_thread(system.stack.restart, "documents")
    number = returned["returns"][0]["receipt_number"]

    document = await system.rendered_document(tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, number)

    assert [v["version"] for v in document["versions"]] == [1]
    response = await system.document_file(tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, number, "en")
    assert "PP-4411" in pdf_text(response.content)

    async def announced_once() -> bool:
        seen = [
            langs
            for d, v, langs in await _announcements(system, tenant_id)
            if (d, v) == (document["document_id"], 1)
        ]
        return len(seen) == 2 and sorted(map(len, seen)) == [1, 2]

    assert await eventually(announced_once, timeout_s=30, interval_s=0.5)


async def test_render_time_and_queue_are_observable(system: System, scenario: Scenario) -> None:
    metrics = (await system.http.get(f"{system.url('documents')}/metrics/")).text

    assert "# TYPE documents_render_seconds histogram" in metrics
    assert "# TYPE documents_render_jobs_waiting gauge" in metrics
    assert "# TYPE documents_render_queue_lag_seconds gauge" in metrics
    assert "# TYPE documents_render_failures_total counter" in metrics
