"""The customer's language first: a worker renders and announces the version in the customer's
language, so the portal offers it at once, and renders the other language as a later, lower-priority
step of the same job, announced again with both files."""

import asyncio
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.documents import use_cases
from services.documents.adapters.renderer import PdfRenderer, render_pages_to_pdf
from services.documents.adapters.storage import LocalFolderStorage
from services.documents.adapters.tables import document_versions, documents, kernel, render_jobs
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import Priority, RenderJob, RetryPolicy
from services.documents.entrypoints.workers import RenderWorker
from services.documents.settings import Settings
from shared.clock import Clock
from shared.contracts.deposits import DepositReturned, DepositStatus, RefundMethod, ReturnKind, StaffRef
from shared.contracts.envelope import Envelope, EventPayload
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated
from tests.integration.documents.consumers import documents_consumer

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "documents", "documents_it"
NOW = datetime.now(UTC)
POLICY = RetryPolicy(max_attempts=3, initial_delay=timedelta(seconds=1), max_delay=timedelta(seconds=4))


@pytest.fixture(autouse=True)
async def empty_queue(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for table in (document_versions, render_jobs, documents, kernel.outbox):
            await conn.execute(table.delete())


def _envelope(payload: EventPayload, tenant_id: str) -> Envelope:
    return Envelope.of(
        payload,
        source="tests",
        tenant_id=tenant_id,
        branch_id="bkk",
        subject="s",
        time=NOW,
        correlation_id="c",
    )


def _returned(receipt_number: str) -> DepositReturned:
    return DepositReturned(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0001",
        customer_id="c-1",
        status=DepositStatus.PARTIALLY_RETURNED,
        return_id=uuid4(),
        receipt_number=receipt_number,
        collection_receipt_numbers=["DEPR-2026-0001"],
        kind=ReturnKind.PARTIAL,
        held_amount=Decimal("20000.00"),
        returned_amount=Decimal("15000.00"),
        retained_amount=Decimal("5000.00"),
        reason="Cracked filter housing",
        method=RefundMethod.BANK_TRANSFER,
        reference="SLIP-77",
        returned_on=date(2026, 3, 12),
        returned_at=NOW,
        returned_by=StaffRef(user_id="u-1", name="Nok Staff"),
    )


async def _a_business_with_an_english_speaking_customer(engine: AsyncEngine) -> str:
    tenant_id = f"t-{uuid4().hex[:8]}"
    consumer = documents_consumer(engine)
    await consumer.apply(
        _envelope(
            TenantSettingsUpdated(
                business_name_en="Siam Tool Rentals Co., Ltd.",
                business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
                address_en="99 Rama IV Road, Bangkok 10110",
                address_th="99 ถนนพระรามที่ 4 กรุงเทพฯ 10110",
                tax_id="0105556012345",
                promptpay_id="0812345678",
            ),
            tenant_id,
        )
    )
    await consumer.apply(
        _envelope(
            CustomerUpserted(customer_id="c-1", name="Acme Build Co., Ltd.", preferred_language="en"),
            tenant_id,
        )
    )
    return tenant_id


async def _announced_files(engine: AsyncEngine) -> list[list[str]]:
    """The languages of each `document.rendered.v1` in the outbox, in the order announced."""
    async with engine.connect() as conn:
        envelopes: list[dict[str, Any]] = list(
            await conn.scalars(
                select(kernel.outbox.c.envelope)
                .where(kernel.outbox.c.event_type == "document.rendered.v1")
                .order_by(kernel.outbox.c.seq)
            )
        )
    return [[f["language"] for f in e["data"]["files"]] for e in envelopes]


def _worker(engine: AsyncEngine, renderer: PdfRenderer, storage: LocalFolderStorage) -> RenderWorker:
    return RenderWorker(
        engine=engine,
        renderer=renderer,
        storage=storage,
        clock=Clock(),
        settings=Settings(),
        jobs_ready=asyncio.Event(),
        slot=0,
    )


async def test_the_customer_s_language_is_announced_before_the_other_is_rendered(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    tenant_id = await _a_business_with_an_english_speaking_customer(engine)
    await documents_consumer(engine).apply(_envelope(_returned("DEPRR-2026-0001"), tenant_id))
    storage = LocalFolderStorage(tmp_path)
    renderer = PdfRenderer(processes=1, max_tasks_per_child=10)
    worker = _worker(engine, renderer, storage)
    key = f"{tenant_id}/deposit_return_receipt/DEPRR-2026-0001/v1-%s.pdf"
    try:
        assert await worker.render_next() is True

        assert await _announced_files(engine) == [["en"]]
        assert storage.exists(key % "en")
        assert not storage.exists(key % "th")  # announced before the Thai version was rendered
        async with engine.connect() as conn:
            status = await conn.scalar(select(render_jobs.c.status))
        assert status == "pending"

        assert await worker.render_next() is True
        assert await worker.render_next() is False
    finally:
        renderer.close()

    assert await _announced_files(engine) == [["en"], ["en", "th"]]
    assert storage.get(key % "th").startswith(b"%PDF")
    async with engine.connect() as conn:
        files = await conn.scalar(select(document_versions.c.files))
        status = await conn.scalar(select(render_jobs.c.status))
    assert [f["language"] for f in files] == ["en", "th"]
    assert status == "done"


def _pdf_marked_with_its_niceness(pages: list[str]) -> list[bytes]:
    """In a render process: the real PDFs, each with a trailing comment naming the process's
    niceness (PDF readers ignore what follows the end of the file)."""
    return [pdf + b"\n%nice=" + str(os.nice(0)).encode() for pdf in render_pages_to_pdf(pages)]


async def test_the_other_language_renders_at_a_lower_cpu_priority_than_the_customer_s(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """On a busy host the second language yields the CPU: a PDF a customer waits for never shares
    it evenly with one nobody is waiting for."""
    tenant_id = await _a_business_with_an_english_speaking_customer(engine)
    await documents_consumer(engine).apply(_envelope(_returned("DEPRR-2026-0001"), tenant_id))
    storage = LocalFolderStorage(tmp_path)
    renderer = PdfRenderer(
        processes=1,
        max_tasks_per_child=10,
        background_processes=1,
        background_nice=5,
        render_pages=_pdf_marked_with_its_niceness,
    )
    worker = _worker(engine, renderer, storage)
    try:
        assert await worker.render_next() is True
        assert await worker.render_next() is True
    finally:
        renderer.close()

    key = f"{tenant_id}/deposit_return_receipt/DEPRR-2026-0001/v1-%s.pdf"
    ours = os.nice(0)
    assert storage.get(key % "en").endswith(b"%nice=" + str(ours).encode())
    assert storage.get(key % "th").endswith(b"%nice=" + str(min(ours + 5, 19)).encode())


async def test_a_new_document_is_rendered_before_another_document_s_second_language(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    tenant_id = await _a_business_with_an_english_speaking_customer(engine)
    consumer = documents_consumer(engine)
    await consumer.apply(_envelope(_returned("DEPRR-2026-0001"), tenant_id))
    storage = LocalFolderStorage(tmp_path)
    renderer = PdfRenderer(processes=1, max_tasks_per_child=10)
    worker = _worker(engine, renderer, storage)
    try:
        assert await worker.render_next() is True  # DEPRR-2026-0001 in English
        await consumer.apply(_envelope(_returned("DEPRR-2026-0002"), tenant_id))

        async with DocumentsUnitOfWork(engine) as uow:
            job = await use_cases.claim_next_job(
                uow=uow, worker="test", now=datetime.now(UTC), lease=timedelta(seconds=90), policy=POLICY
            )
            await uow.commit()
    finally:
        renderer.close()

    assert job is not None
    assert (job.number, job.rendered_languages) == ("DEPRR-2026-0002", ())


async def test_a_worker_kept_for_customers_leaves_second_languages_to_the_others(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    tenant_id = await _a_business_with_an_english_speaking_customer(engine)
    await documents_consumer(engine).apply(_envelope(_returned("DEPRR-2026-0001"), tenant_id))
    renderer = PdfRenderer(processes=1, max_tasks_per_child=10)
    try:
        assert await _worker(engine, renderer, LocalFolderStorage(tmp_path)).render_next() is True
    finally:
        renderer.close()

    async def claim(max_priority: Priority | None) -> RenderJob | None:
        async with DocumentsUnitOfWork(engine) as uow:
            job = await use_cases.claim_next_job(
                uow=uow,
                worker="test",
                now=datetime.now(UTC),
                lease=timedelta(seconds=90),
                policy=POLICY,
                max_priority=max_priority,
            )
            await uow.commit()
            return job

    assert await claim(Priority.NEW_VERSION) is None
    other = await claim(None)
    assert other is not None
    assert (other.number, other.rendered_languages) == ("DEPRR-2026-0001", ("en",))
