"""Documents from the operations system end to end (SPEC §5, §6, §9), sent the way `mudjam ops`
sends them: signed quotes and delivery manifests kept byte for byte; a file that is not a PDF
dead-lettered with a staff alert and never shown; the AI job report rendered in the customer's
language first without its internal recommendations; pages as images for phones; a customer's
documents, or a year's receipts, as one streamed zip."""

import asyncio
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from weasyprint import HTML

from mudjam.ops import operations_token
from shared.contracts.documents import RECEIPT_KINDS, DocumentKind, document_id
from shared.settings import AuthSettings
from tests.helpers import eventually, pdfium_text
from tests.system import Customer, System

pytestmark = pytest.mark.e2e

CANARY = "CANARY-e2e-91c4: offer this customer no discount next time"
SUMMARY = {
    "en": "Your excavator worked 96 hours on site without a fault.",
    "th": "รถขุดของท่านใช้งานหน้างานได้ 96 ชั่วโมงโดยไม่มีขัดข้อง",  # no ำ: PDFium reads it as two glyphs
}
LAST_YEAR_PAYMENT = Decimal("7000")


def signed_pdf(title: str, pages: int = 1) -> bytes:
    """A document as the operations system prints and signs it."""
    body = "".join(
        f'<section style="page-break-after: always"><h1>{title}</h1><p>Page {n}</p>'
        "<p>Signed: ____________ Somchai Jaidee</p></section>"
        for n in range(1, pages + 1)
    )
    return bytes(HTML(string=f"<html><body>{body}</body></html>").write_pdf())


@dataclass
class Scenario:
    tenant_id: str
    customer: Customer
    job_id: str
    quote_number: str
    quote_pdf: bytes
    manifest_number: str
    manifest_pdf: bytes
    report_number: str
    invoice_number: str
    receipts: dict[str, date]  # RC number → paid on


async def _paid(system: System, customer: Customer, invoice: dict[str, Any], **body: Any) -> tuple[str, date]:
    response = await system.pay_invoice(customer.tenant_id, invoice, **body)
    assert response.status_code in (200, 201), response.text
    payment = response.json()["payments"][-1]
    return payment["receipt_number"], date.fromisoformat(payment["paid_on"])


@pytest.fixture(scope="module")
async def scenario(system: System) -> Scenario:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th", name="บริษัท ก่อสร้างดี จำกัด")
    job_id = "J-7001"
    quote_pdf, manifest_pdf = (
        signed_pdf("Quote Q-2026-7001", pages=2),
        signed_pdf("Delivery manifest DM-7001"),
    )
    async with system.operations_system() as ops:
        await ops.job(
            tenant_id, job_id=job_id, customer_id=customer.customer_id, stage="closed", branch_id="bkk"
        )
        await ops.quote_signed(
            tenant_id,
            quote_id="Q-7001",
            quote_number="Q-2026-7001",
            customer_id=customer.customer_id,
            job_id=job_id,
            pdf=quote_pdf,
            branch_id="bkk",
        )
        await ops.delivery_manifest_signed(
            tenant_id,
            job_id=job_id,
            customer_id=customer.customer_id,
            pdf=manifest_pdf,
            manifest_number="DM-7001",
        )
        await ops.job_report(
            tenant_id,
            job_id=job_id,
            customer_id=customer.customer_id,
            report={
                "customer_summary": SUMMARY,
                "sections": [
                    {
                        "title": {"en": "Hours on site", "th": "ชั่วโมงการใช้งาน"},
                        "body": {"en": "96 hours over 12 days.", "th": "96 ชั่วโมง ใน 12 วัน"},
                    }
                ],
                "internal_recommendations": [CANARY],
            },
        )
    invoice = await system.sent_invoice(customer)
    last_year = date(datetime.now(UTC).year - 1, 12, 30)
    receipts = dict(
        [
            await _paid(
                system, customer, invoice, amount=str(LAST_YEAR_PAYMENT), paid_on=last_year.isoformat()
            ),
            await _paid(system, customer, invoice),
        ]
    )
    scenario = Scenario(
        tenant_id=tenant_id,
        customer=customer,
        job_id=job_id,
        quote_number="Q-2026-7001",
        quote_pdf=quote_pdf,
        manifest_number="DM-7001",
        manifest_pdf=manifest_pdf,
        report_number=f"RPT-{job_id}",
        invoice_number=invoice["number"],
        receipts=receipts,
    )
    await system.rendered_document(tenant_id, DocumentKind.JOB_REPORT, scenario.report_number)
    await system.rendered_document(tenant_id, DocumentKind.INVOICE, scenario.invoice_number, version=3)
    for number in receipts:
        await system.rendered_document(tenant_id, DocumentKind.RECEIPT, number)
    return scenario


async def _announced(system: System, tenant_id: str, kind: DocumentKind, number: str) -> dict[str, Any]:
    """The document's `document.rendered.v1`, once the relay has published it."""

    async def published() -> dict[str, Any] | None:
        return next(
            (
                e["data"]
                for e in await system.events("mudjam.documents.v1")
                if e["tenant_id"] == tenant_id
                and e["data"]["kind"] == kind.value
                and e["data"]["number"] == number
            ),
            None,
        )

    return await eventually(published, timeout_s=30, interval_s=0.5)


# Signed quotes and delivery manifests -------------------------------------------------------------


async def test_a_signed_quote_and_a_manifest_are_served_byte_for_byte_as_sent(
    system: System, scenario: Scenario
) -> None:
    sent = {
        DocumentKind.SIGNED_QUOTE: (scenario.quote_number, scenario.quote_pdf, 2),
        DocumentKind.DELIVERY_MANIFEST: (scenario.manifest_number, scenario.manifest_pdf, 1),
    }
    for kind, (number, pdf, pages) in sent.items():
        document = await system.rendered_document(scenario.tenant_id, kind, number)
        assert (document["job_id"], document["customer_id"]) == (
            scenario.job_id,
            scenario.customer.customer_id,
        )
        for language in ("th", "en"):
            served = await system.document_file(
                scenario.tenant_id, kind, number, language, customer_id=scenario.customer.customer_id
            )
            assert served.status_code == 200, served.text
            assert hashlib.sha256(served.content).hexdigest() == hashlib.sha256(pdf).hexdigest()
        announced = await _announced(system, scenario.tenant_id, kind, number)
        assert announced["job_id"] == scenario.job_id
        assert [f["pages"] for f in announced["files"]] == [pages, pages]
    # The manifest came without a branch: it is the job's.
    manifest = await system.rendered_document(scenario.tenant_id, DocumentKind.DELIVERY_MANIFEST, "DM-7001")
    assert manifest["branch_id"] == "bkk"


async def test_a_text_file_posing_as_a_pdf_is_dead_lettered_alerted_and_never_a_document(
    system: System, scenario: Scenario
) -> None:
    async with system.operations_system() as ops:
        envelope = await ops.quote_signed(
            scenario.tenant_id,
            quote_id="Q-7002",
            quote_number="Q-2026-7002",
            customer_id=scenario.customer.customer_id,
            job_id=scenario.job_id,
            pdf=b"Signed by phone; the PDF follows by email.\n",
            branch_id="bkk",
        )

    async def dead_lettered() -> dict[str, Any] | None:
        letters = await system.events("mudjam.deadletter.v1")
        return next((e for e in letters if e["data"]["original_event_id"] == str(envelope.id)), None)

    letter = await eventually(dead_lettered, timeout_s=60, interval_s=0.5)
    assert letter["data"]["consumer"] == "documents.render"
    assert "signed quote Q-2026-7002: the file is not a PDF" in letter["data"]["error"]

    async def alert() -> dict[str, Any] | None:
        inbox = await system.get("notifications", "/v1/inbox", scenario.tenant_id, limit=200)
        assert inbox.status_code == 200, inbox.text
        return next((a for a in inbox.json()["items"] if str(envelope.id) in a["body"]), None)

    raised = await eventually(alert, timeout_s=30)
    assert raised["kind"] == "event_dead_lettered"
    assert "not a PDF" in raised["body"]
    path = f"/v1/documents/{document_id(scenario.tenant_id, DocumentKind.SIGNED_QUOTE, 'Q-2026-7002')}"
    assert (await system.get("documents", path, scenario.tenant_id)).status_code == 404


async def test_the_intake_takes_only_the_operations_system_and_only_the_file_its_path_names(
    system: System, scenario: Scenario
) -> None:
    pdf = signed_pdf("Quote Q-2026-7003")
    sha256 = hashlib.sha256(pdf).hexdigest()
    url = f"{system.url('documents')}/v1/intake/{sha256}"
    operations = {"Authorization": f"Bearer {operations_token(AuthSettings(), scenario.tenant_id)}"}

    as_staff = await system.http.put(url, content=pdf, headers=system.staff(scenario.tenant_id))
    other_file = await system.http.put(url, content=pdf + b"%", headers=operations)
    first = await system.http.put(url, content=pdf, headers=operations)
    again = await system.http.put(url, content=pdf, headers=operations)
    not_a_checksum = await system.http.put(
        f"{system.url('documents')}/v1/intake/abc", content=pdf, headers=operations
    )

    assert as_staff.status_code == 403
    assert (other_file.status_code, other_file.json()["error"]["field"]) == (422, "sha256")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == {"key": f"intake/{sha256}", "sha256": sha256, "size_bytes": len(pdf)}
    assert (not_a_checksum.status_code, not_a_checksum.json()["error"]["field"]) == (422, "sha256")


# The AI job report -------------------------------------------------------------------------------


async def test_the_job_report_reads_the_customer_s_language_first_and_never_the_recommendations(
    system: System, scenario: Scenario
) -> None:
    served = await system.document_file(
        scenario.tenant_id,
        DocumentKind.JOB_REPORT,
        scenario.report_number,
        "th",
        customer_id=scenario.customer.customer_id,
    )
    assert served.status_code == 200, served.text
    report = pdfium_text(served.content)

    assert scenario.report_number in report
    assert report.index(SUMMARY["th"]) < report.index(SUMMARY["en"])
    assert CANARY not in report
    announced = await _announced(system, scenario.tenant_id, DocumentKind.JOB_REPORT, scenario.report_number)
    assert announced["job_id"] == scenario.job_id

    engine = create_async_engine(system.stack.database_url("documents"))
    try:
        async with engine.connect() as conn:
            tables = list(
                await conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            )
            for table in tables:
                found = await conn.scalar(
                    text(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE :canary'),
                    {"canary": f"%{CANARY}%"},
                )
                assert found == 0, f"the internal recommendation is in the {table} table"
    finally:
        await engine.dispose()


# Pages as images ---------------------------------------------------------------------------------


async def test_a_page_of_a_document_is_a_png_a_phone_can_show(system: System, scenario: Scenario) -> None:
    report_id = document_id(scenario.tenant_id, DocumentKind.JOB_REPORT, scenario.report_number)
    path = f"/v1/documents/{report_id}/pages/1.png"
    mine = {"customer_id": scenario.customer.customer_id, "language": "th", "version": 1}

    page = await system.get("documents", path, scenario.tenant_id, **mine)

    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == "image/png"
    assert page.headers["cache-control"].startswith("private, max-age=")
    image = Image.open(io.BytesIO(page.content)).convert("L")
    assert image.width == 1200
    darkest, lightest = image.getextrema()
    assert lightest - darkest > 100  # text on paper, not a blank page
    revalidated = await system.http.get(
        f"{system.url('documents')}{path}",
        params=mine,
        headers={**system.staff(scenario.tenant_id), "If-None-Match": page.headers["etag"]},
    )
    assert revalidated.status_code == 304
    announced = await _announced(system, scenario.tenant_id, DocumentKind.JOB_REPORT, scenario.report_number)
    last = announced["files"][0]["pages"]
    past_the_end = await system.get(
        "documents", f"/v1/documents/{report_id}/pages/{last + 1}.png", scenario.tenant_id
    )
    assert past_the_end.status_code == 404
    someone_else = await system.get("documents", path, scenario.tenant_id, customer_id="c-someone-else")
    assert someone_else.status_code == 404

    quote_id = document_id(scenario.tenant_id, DocumentKind.SIGNED_QUOTE, scenario.quote_number)
    second = await system.get("documents", f"/v1/documents/{quote_id}/pages/2.png", scenario.tenant_id)
    assert second.status_code == 200, second.text
    assert Image.open(io.BytesIO(second.content)).width == 1200


# Zips -------------------------------------------------------------------------------------------


async def _zip(system: System, scenario: Scenario, **params: Any) -> zipfile.ZipFile:
    response = await system.get(
        "documents",
        "/v1/bundles/customer",
        scenario.tenant_id,
        customer_id=scenario.customer.customer_id,
        **params,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


async def test_a_customer_s_zip_holds_exactly_their_documents(system: System, scenario: Scenario) -> None:
    listed = await system.get(
        "documents", "/v1/documents", scenario.tenant_id, customer_id=scenario.customer.customer_id, limit=200
    )
    expected = {f"{d['number']}.pdf" for d in listed.json()["items"]}

    with await _zip(system, scenario) as bundle:
        names = bundle.namelist()
        quote = bundle.read(f"{scenario.quote_number}.pdf")

    assert sorted(names) == sorted(expected)
    assert expected == {
        f"{scenario.quote_number}.pdf",
        f"{scenario.manifest_number}.pdf",
        f"{scenario.report_number}.pdf",
        f"{scenario.invoice_number}.pdf",
        *(f"{number}.pdf" for number in scenario.receipts),
    }
    assert quote == scenario.quote_pdf


async def test_a_year_s_receipts_zip_holds_only_that_year_s_receipts(
    system: System, scenario: Scenario
) -> None:
    kinds = ",".join(sorted(kind.value for kind in RECEIPT_KINDS))
    by_year: dict[int, set[str]] = {}
    for number, paid_on in scenario.receipts.items():
        by_year.setdefault(paid_on.year, set()).add(f"{number}.pdf")
    assert len(by_year) == 2

    for year, receipts in by_year.items():
        with await _zip(
            system, scenario, kinds=kinds, issued_from=f"{year}-01-01", issued_to=f"{year}-12-31"
        ) as zipped:
            assert set(zipped.namelist()) == receipts
            for name in zipped.namelist():
                assert zipped.read(name).startswith(b"%PDF")


async def test_zips_are_refused_for_unknown_kinds_and_backwards_dates(
    system: System, scenario: Scenario
) -> None:
    unknown = await system.get(
        "documents", "/v1/bundles/customer", scenario.tenant_id, customer_id="c-1", kinds="receipt,recipe"
    )
    backwards = await system.get(
        "documents",
        "/v1/bundles/customer",
        scenario.tenant_id,
        customer_id="c-1",
        issued_from="2026-02-01",
        issued_to="2026-01-01",
    )

    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "kinds")
    assert (backwards.status_code, backwards.json()["error"]["field"]) == (422, "issued_to")


async def test_a_chosen_documents_zip_streams_them_named_by_number(
    system: System, scenario: Scenario
) -> None:
    ids = [
        str(document_id(scenario.tenant_id, DocumentKind.SIGNED_QUOTE, scenario.quote_number)),
        str(document_id(scenario.tenant_id, DocumentKind.JOB_REPORT, scenario.report_number)),
    ]
    response = await system.http.post(
        f"{system.url('documents')}/v1/bundles",
        json={"customer_id": scenario.customer.customer_id, "document_ids": ids, "language": "en"},
        headers=system.staff(scenario.tenant_id),
    )

    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        assert bundle.namelist() == [f"{scenario.quote_number}.pdf", f"{scenario.report_number}.pdf"]


# The command itself ------------------------------------------------------------------------------


async def test_the_mudjam_ops_command_uploads_a_manifest_and_publishes_an_inspection(
    system: System, scenario: Scenario, tmp_path: Path
) -> None:
    manifest = tmp_path / "manifest.pdf"
    manifest.write_bytes(signed_pdf("Delivery manifest DM-7009"))
    inspection = tmp_path / "inspection.json"
    inspection.write_text(
        json.dumps({"damage_estimates": [{"description": "Dented bucket", "amount": "3500"}]})
    )
    env = {**os.environ, "MUDJAM_DOCUMENTS_URL": system.url("documents")}
    ops = [str(Path(sys.executable).parent / "mudjam"), "ops", "--bootstrap", system.stack.kafka_bootstrap]
    common = ["--tenant", scenario.tenant_id, "--job", "J-7009"]
    other = await system.new_customer(scenario.tenant_id)  # the scenario's customer keeps their zip
    customer = ["--customer", other.customer_id]

    commands = [
        [*ops, "delivery-manifest", *common, *customer, "--pdf", str(manifest), "--number", "DM-7009"],
        [*ops, "inspection", *common, "--data", f"@{inspection}"],
    ]
    results = [
        await asyncio.to_thread(subprocess.run, c, env=env, capture_output=True, text=True) for c in commands
    ]

    for result in results:
        assert result.returncode == 0, result.stderr
    published = [json.loads(r.stdout)["published"] for r in results]
    assert published == ["delivery_manifest.signed.v1", "inspection.completed.v1"]
    await system.rendered_document(scenario.tenant_id, DocumentKind.DELIVERY_MANIFEST, "DM-7009")
    served = await system.document_file(scenario.tenant_id, DocumentKind.DELIVERY_MANIFEST, "DM-7009", "en")
    assert served.content == manifest.read_bytes()
    inspections = [e for e in await system.events("ops.jobs.v1") if e["type"] == "inspection.completed.v1"]
    assert any(
        e["tenant_id"] == scenario.tenant_id and e["data"]["damage_estimates"][0]["amount"] == "3500.00"
        for e in inspections
    )
