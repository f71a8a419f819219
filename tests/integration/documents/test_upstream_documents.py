"""Documents from the operations system on the real PostgreSQL and a real storage folder: uploads
kept atomically in the tenant's intake; a signed quote or manifest kept byte for byte as the next
version of its document and announced once, or refused for good with nothing stored; the AI job
report scheduled without its internal recommendations; a customer's documents paged through for a
zip, newest first."""

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.documents import use_cases
from services.documents.adapters.storage import LocalFolderStorage
from services.documents.adapters.tables import document_versions, documents, jobs, kernel, render_jobs
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.bootstrap import build_app
from services.documents.domain import (
    DocumentVersion,
    SignedVersionTaken,
    StoredFile,
    UploadNotArrived,
    UploadTooLarge,
)
from services.documents.settings import Settings
from shared.auth import Principal, issue_token
from shared.contracts.documents import DocumentKind, document_id
from shared.contracts.envelope import Envelope, EventPayload
from shared.contracts.upstream import JobStageChanged, QuoteSigned, TenantSettingsUpdated
from shared.errors import UnprocessableEvent
from shared.settings import AuthSettings
from tests.helpers import eventually
from tests.integration.documents.consumers import documents_consumer
from tests.unit.documents import factories

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "documents", "documents_upstream_it"
TENANT = "t-1"
NOW = datetime.now(UTC)


def _principal(tenant_id: str = TENANT, roles: frozenset[str] = frozenset({"operations"})) -> Principal:
    return Principal("ops", "Operations", tenant_id, frozenset({"*"}), roles)


@pytest.fixture(autouse=True)
async def empty_database(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for table in (
            document_versions,
            render_jobs,
            documents,
            jobs,
            kernel.outbox,
            kernel.processed_events,
        ):
            await conn.execute(table.delete())
        await conn.execute(kernel.audit_log.delete())


def _envelope(payload: EventPayload, *, tenant_id: str = TENANT, branch_id: str | None = "bkk") -> Envelope:
    return Envelope.of(
        payload,
        source="tests",
        tenant_id=tenant_id,
        branch_id=branch_id,
        subject="s",
        time=NOW,
        correlation_id="c",
    )


async def _chunks(content: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(content), size):
        yield content[start : start + size]


async def _upload(storage: LocalFolderStorage, content: bytes, tenant_id: str = TENANT) -> str:
    receipt, _ = await use_cases.receive_upload(
        storage=storage,
        uploader=_principal(tenant_id),
        sha256=hashlib.sha256(content).hexdigest(),
        declared_length=None,
        chunks=_chunks(content),
        max_bytes=1024 * 1024,
    )
    return receipt.key


async def _announced(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        envelopes = await conn.scalars(select(kernel.outbox.c.envelope).order_by(kernel.outbox.c.seq))
        return [e for e in envelopes if e["type"] == "document.rendered.v1"]


async def _tables_text(engine: AsyncEngine) -> str:
    """Every row of every documents table, as text."""
    async with engine.connect() as conn:
        names = await conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        rows = [
            str(row)
            for name in list(names)
            for row in (await conn.execute(text(f'SELECT t::text FROM "{name}" t'))).scalars()
        ]
    return "\n".join(rows)


def _files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
async def tenant_known(engine: AsyncEngine) -> None:
    await documents_consumer(engine).apply(
        _envelope(
            TenantSettingsUpdated(
                business_name_en="Siam Tool Rentals Co., Ltd.",
                business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
                address_en="99 Rama IV Road",
                address_th="99 ถนนพระรามที่ 4",
                tax_id="0105556012345",
            ),
            branch_id=None,
        )
    )


# The intake --------------------------------------------------------------------------------------


async def test_an_upload_is_kept_in_its_tenant_s_intake_and_uploading_it_again_is_harmless(
    tmp_path: Path,
) -> None:
    storage = LocalFolderStorage(tmp_path)
    pdf = factories.pdf_bytes()
    sha256 = hashlib.sha256(pdf).hexdigest()

    first = await _upload(storage, pdf)
    again = await _upload(storage, pdf)

    assert first == again == f"intake/{sha256}"
    assert (tmp_path / TENANT / "intake" / sha256).read_bytes() == pdf
    assert [p.name for p in (tmp_path / TENANT / "intake").iterdir()] == [sha256]  # no temporary files


async def test_an_upload_over_the_cap_leaves_no_file_behind(tmp_path: Path) -> None:
    storage = LocalFolderStorage(tmp_path)
    content = b"%PDF-1.7 " + b"x" * 5000

    with pytest.raises(UploadTooLarge):
        await use_cases.receive_upload(
            storage=storage,
            uploader=_principal(),
            sha256=hashlib.sha256(content).hexdigest(),
            declared_length=None,
            chunks=_chunks(content),
            max_bytes=4096,
        )

    assert _files_under(tmp_path) == []


# Signed quotes and delivery manifests -------------------------------------------------------------


async def test_a_signed_quote_is_kept_byte_for_byte_and_announced_with_its_job_and_pages(
    engine: AsyncEngine, tmp_path: Path, tenant_known: None
) -> None:
    storage = LocalFolderStorage(tmp_path)
    pdf = factories.pdf_bytes(pages=2)
    await _upload(storage, pdf)
    signed = factories.quote_signed(pdf)

    assert await documents_consumer(engine, storage).apply(_envelope(signed))

    [rendered] = await _announced(engine)
    data = rendered["data"]
    assert (data["kind"], data["number"], data["version"], data["job_id"], data["issued_on"]) == (
        "signed_quote",
        "Q-2026-0007",
        1,
        "J-1000",
        "2026-03-25",
    )
    assert {(f["language"], f["sha256"], f["size_bytes"], f["pages"]) for f in data["files"]} == {
        ("th", signed.document.sha256, len(pdf), 2),
        ("en", signed.document.sha256, len(pdf), 2),
    }
    assert storage.get(data["files"][0]["storage_key"]) == pdf
    async with DocumentsUnitOfWork(engine) as uow:
        document = await uow.documents.get(
            TENANT, document_id(TENANT, DocumentKind.SIGNED_QUOTE, "Q-2026-0007")
        )
    assert document is not None
    assert (document.branch_id, document.job_id, document.customer_id) == ("bkk", "J-1000", "c-1")


async def test_the_same_file_again_changes_nothing_and_another_file_is_the_next_version(
    engine: AsyncEngine, tmp_path: Path, tenant_known: None
) -> None:
    storage = LocalFolderStorage(tmp_path)
    consumer = documents_consumer(engine, storage)
    first, corrected = factories.pdf_bytes(pages=1), factories.pdf_bytes(pages=3)
    for pdf in (first, corrected):
        await _upload(storage, pdf)

    applied = [
        await consumer.apply(_envelope(factories.quote_signed(first))),
        await consumer.apply(_envelope(factories.quote_signed(first))),  # replayed under a new id
        await consumer.apply(_envelope(factories.quote_signed(corrected))),
        await consumer.apply(_envelope(factories.quote_signed(first))),  # an old one, replayed late
    ]

    assert applied == [True, True, True, True]
    announced = [(e["data"]["version"], e["data"]["files"][0]["pages"]) for e in await _announced(engine)]
    assert announced == [(1, 1), (2, 3)]


async def test_a_text_file_posing_as_a_pdf_is_refused_for_good_and_nothing_is_stored(
    engine: AsyncEngine, tmp_path: Path, tenant_known: None
) -> None:
    storage = LocalFolderStorage(tmp_path)
    fake = b"This is not a PDF, honest.\n"
    await _upload(storage, fake)

    with pytest.raises(UnprocessableEvent, match="delivery manifest DM-2026-0042: the file is not a PDF"):
        await documents_consumer(engine, storage).apply(_envelope(factories.manifest_signed(fake)))

    assert await _announced(engine) == []
    async with engine.connect() as conn:
        assert (await conn.execute(select(documents))).all() == []
    assert not (tmp_path / TENANT / "delivery_manifest").exists()


async def test_a_key_of_another_tenant_s_upload_is_not_found_in_this_tenant(
    engine: AsyncEngine, tmp_path: Path, tenant_known: None
) -> None:
    storage = LocalFolderStorage(tmp_path)
    pdf = factories.pdf_bytes()
    await _upload(storage, pdf, tenant_id="t-other")

    with pytest.raises(UploadNotArrived):
        await documents_consumer(engine, storage).apply(_envelope(factories.quote_signed(pdf)))

    assert await _announced(engine) == []


async def test_a_signed_document_sent_without_a_branch_belongs_to_its_job_s_branch(
    engine: AsyncEngine, tmp_path: Path, tenant_known: None
) -> None:
    storage = LocalFolderStorage(tmp_path)
    consumer = documents_consumer(engine, storage)
    pdf = factories.pdf_bytes()
    await _upload(storage, pdf)
    job = JobStageChanged(job_id="J-1000", job_number="JOB-1000", customer_id="c-1", stage="delivering")

    await consumer.apply(_envelope(job, branch_id="cnx"))
    await consumer.apply(_envelope(factories.manifest_signed(pdf), branch_id=None))

    [rendered] = await _announced(engine)
    assert (rendered["branch_id"], rendered["data"]["job_id"]) == ("cnx", "J-1000")


# The AI job report -------------------------------------------------------------------------------


async def test_a_job_report_is_scheduled_with_its_job_and_no_recommendation_is_stored(
    engine: AsyncEngine, tmp_path: Path, tenant_known: None
) -> None:
    consumer = documents_consumer(engine, LocalFolderStorage(tmp_path))
    job = JobStageChanged(job_id="J-1000", job_number="JOB-1000", customer_id="c-1", stage="closed")

    await consumer.apply(_envelope(job, branch_id="cnx"))
    await consumer.apply(_envelope(factories.job_report_published(), branch_id=None))

    async with DocumentsUnitOfWork(engine) as uow:
        report_id = document_id(TENANT, DocumentKind.JOB_REPORT, "RPT-2026-0003")
        scheduled = await uow.jobs.of_version(report_id, 1)
        document = await uow.documents.get(TENANT, report_id)
    assert scheduled is not None
    assert document is not None
    assert (scheduled.branch_id, document.job_id, scheduled.facts.number) == (
        "cnx",
        "J-1000",
        "RPT-2026-0003",
    )
    assert factories.RECOMMENDATION_CANARY not in await _tables_text(engine)


# A customer's zip, page by page -------------------------------------------------------------------


async def _issued(
    engine: AsyncEngine, kind: DocumentKind, number: str, issued_on: date, *, customer_id: str = "c-1"
) -> None:
    doc_id = document_id(TENANT, kind, number)
    version = DocumentVersion(
        version=1,
        status="issued",
        issued_on=issued_on,
        amount=Decimal("1.00"),
        reference="",
        related_number=None,
        files=(
            StoredFile("th", f"{number}-th.pdf", "aa", 10, 1),
            StoredFile("en", f"{number}-en.pdf", "bb", 10, 1),
        ),
        render_ms=1,
        rendered_at=NOW,
    )
    async with DocumentsUnitOfWork(engine) as uow:
        await uow.documents.ensure_document(
            document_id=doc_id,
            tenant_id=TENANT,
            branch_id="bkk",
            customer_id=customer_id,
            kind=kind,
            number=number,
            related_number=None,
            job_id=None,
            created_at=NOW,
        )
        await uow.documents.add_version(doc_id, version)
        await uow.commit()


async def test_a_customer_s_zip_lists_every_matching_document_newest_first_across_pages(
    engine: AsyncEngine,
) -> None:
    start = date(2025, 12, 20)
    for n in range(7):
        await _issued(engine, DocumentKind.RECEIPT, f"RC-{n}", start + timedelta(days=3 * n))
    await _issued(engine, DocumentKind.INVOICE, "INV-1", date(2026, 1, 5))
    await _issued(engine, DocumentKind.RECEIPT, "RC-other", date(2026, 1, 5), customer_id="c-2")
    staff = Principal("u", "Nok", TENANT, frozenset({"*"}), frozenset({"staff"}))

    async def names(**criteria: Any) -> list[str]:
        files = use_cases.customer_bundle(
            new_uow=lambda: DocumentsUnitOfWork(engine),
            staff=staff,
            customer_id="c-1",
            language="th",
            page_size=2,
            **{"kinds": frozenset(), "issued_from": None, "issued_to": None, **criteria},
        )
        return [file.download_name async for file in files]

    everything = await names()
    receipts_of_2026 = await names(
        kinds=frozenset({DocumentKind.RECEIPT}), issued_from=date(2026, 1, 1), issued_to=date(2026, 12, 31)
    )

    # RC-0 … RC-3 were issued from 20 December 2025, three days apart; RC-4 … RC-6 in January 2026.
    assert everything == [
        "RC-6.pdf",
        "INV-1.pdf",
        "RC-5.pdf",
        "RC-4.pdf",
        "RC-3.pdf",
        "RC-2.pdf",
        "RC-1.pdf",
        "RC-0.pdf",
    ]
    assert receipts_of_2026 == ["RC-6.pdf", "RC-5.pdf", "RC-4.pdf"]


# The intake over HTTP ----------------------------------------------------------------------------


@pytest.fixture
def documents_app(engine: AsyncEngine, tmp_path: Path) -> Iterator[Callable[..., FastAPI]]:
    """The documents HTTP app on the module's database and a folder of the test's own (no
    lifespan: no consumer, relay or renderer runs). The app sets up the service's logging; the
    test's is put back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    url = engine.url.render_as_string(hide_password=False)
    yield lambda **settings: build_app(Settings(database_url=url, storage_dir=tmp_path, **settings))
    root.handlers[:] = handlers
    root.setLevel(level)


def _bearer(*roles: str) -> dict[str, str]:
    token = issue_token(
        AuthSettings().jwt_secret.get_secret_value(),
        user_id="ops",
        name="Operations",
        tenant_id=TENANT,
        branches=["*"],
        roles=list(roles),
        now=datetime.now(UTC),
        ttl=timedelta(minutes=5),
    )
    return {"Authorization": f"Bearer {token}"}


async def test_an_upload_streaming_past_the_cap_is_refused_as_it_arrives_naming_the_body(
    documents_app: Callable[..., FastAPI], tmp_path: Path
) -> None:
    app = documents_app(intake_max_bytes=4096)
    sent: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for _ in range(100):  # 100 KiB in all, sent with no declared length
            sent.append(1024)
            yield b"x" * 1024

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://documents") as http:
        refused = await http.put(f"/v1/intake/{'a' * 64}", content=body(), headers=_bearer("operations"))
        declared = await http.put(
            f"/v1/intake/{'a' * 64}",
            content=b"x" * 5000,
            headers={**_bearer("operations"), "Content-Length": "5000"},
        )
        as_staff = await http.put(f"/v1/intake/{'a' * 64}", content=b"x", headers=_bearer("staff"))

    assert (refused.status_code, refused.json()["error"]["field"]) == (413, "body")
    assert sum(sent) <= 4096 + 1024  # not read past the first chunk over the cap
    assert (declared.status_code, declared.json()["error"]["field"]) == (413, "body")
    assert as_staff.status_code == 403
    assert _files_under(tmp_path) == []


async def test_an_upload_over_http_answers_with_the_key_its_event_names(
    documents_app: Callable[..., FastAPI], tmp_path: Path
) -> None:
    app = documents_app()
    pdf = factories.pdf_bytes()
    sha256 = hashlib.sha256(pdf).hexdigest()

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://documents") as http:
        stored = await http.put(f"/v1/intake/{sha256}", content=pdf, headers=_bearer("operations"))
        again = await http.put(f"/v1/intake/{sha256}", content=pdf, headers=_bearer("service"))
        mismatch = await http.put(f"/v1/intake/{sha256}", content=pdf[:-1], headers=_bearer("operations"))
        empty = await http.put(f"/v1/intake/{hashlib.sha256(b'').hexdigest()}", headers=_bearer("operations"))

    assert (stored.status_code, again.status_code) == (201, 200)
    assert stored.json() == {"key": f"intake/{sha256}", "sha256": sha256, "size_bytes": len(pdf)}
    assert (mismatch.status_code, mismatch.json()["error"]["field"]) == (422, "sha256")
    assert (empty.status_code, empty.json()["error"]["field"]) == (422, "body")
    assert _files_under(tmp_path) == [tmp_path / TENANT / "intake" / sha256]


async def test_two_files_of_one_quote_applied_at_once_become_versions_1_and_2(
    engine: AsyncEngine, tmp_path: Path, tenant_known: None
) -> None:
    storage = LocalFolderStorage(tmp_path)
    first_file, second_file = factories.pdf_bytes(pages=1), factories.pdf_bytes(pages=2)
    for pdf in (first_file, second_file):
        await _upload(storage, pdf)

    async def accept(uow: DocumentsUnitOfWork, pdf: bytes) -> None:
        envelope = _envelope(factories.quote_signed(pdf))
        fact = envelope.payload()
        assert isinstance(fact, QuoteSigned)
        await use_cases.accept_signed_document(
            uow=uow, event=envelope.context(now=NOW), fact=fact, storage=storage, max_bytes=1024 * 1024
        )

    async def waiting_on_a_lock() -> bool:
        async with engine.connect() as conn:
            waiting = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
        assert waiting, "the second consumer is not waiting yet"
        return True

    # Two consumers of the group during a rebalance: both find no version yet and take version 1.
    async with DocumentsUnitOfWork(engine) as first, DocumentsUnitOfWork(engine) as second:
        await accept(first, first_file)
        racing = asyncio.create_task(accept(second, second_file))
        await eventually(waiting_on_a_lock)
        await first.commit()
        with pytest.raises(SignedVersionTaken):
            await racing
    async with DocumentsUnitOfWork(engine) as retry:  # the consumer's retry, on top
        await accept(retry, second_file)
        await retry.commit()

    announced = [(e["data"]["version"], e["data"]["files"][0]["pages"]) for e in await _announced(engine)]
    assert announced == [(1, 1), (2, 2)]
