"""The render queue on the real PostgreSQL: one job per document version however often its fact
arrives, workers (and replicas) that never share a job, expired leases reclaimed, bounded retries,
and exactly one announcement per version."""

import asyncio
import hashlib
import multiprocessing
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.documents import use_cases
from services.documents.adapters.renderer import PdfRenderer, RenderTimeout
from services.documents.adapters.storage import LocalFolderStorage
from services.documents.adapters.tables import document_versions, documents, kernel, render_jobs
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import RenderJob, RetryPolicy, StoredFile
from services.documents.entrypoints.workers import RenderWorker
from services.documents.settings import Settings
from shared.clock import Clock
from shared.contracts.deposits import DepositReturned, DepositStatus, RefundMethod, ReturnKind, StaffRef
from shared.contracts.documents import document_id
from shared.contracts.envelope import Envelope, EventPayload
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated
from tests.integration.documents.consumers import documents_consumer
from tests.unit.documents import factories

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "documents", "documents_it"
NOW = datetime.now(UTC)
LEASE = timedelta(seconds=90)
POLICY = RetryPolicy(max_attempts=3, initial_delay=timedelta(seconds=1), max_delay=timedelta(seconds=4))


@pytest.fixture(autouse=True)
async def empty_queue(engine: AsyncEngine) -> None:
    """Each test starts with no jobs, so the workers see only its own."""
    async with engine.begin() as conn:
        for table in (document_versions, render_jobs, documents, kernel.outbox):
            await conn.execute(table.delete())


def _returned(tenant_id: str = "t-1", receipt_number: str | None = None) -> DepositReturned:
    return DepositReturned(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0001",
        customer_id="c-1",
        status=DepositStatus.PARTIALLY_RETURNED,
        return_id=uuid4(),
        receipt_number=receipt_number or f"DEPRR-2026-{uuid4().int % 10_000:04d}",
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


def _envelope(payload: EventPayload, tenant_id: str = "t-1") -> Envelope:
    return Envelope.of(
        payload,
        source="tests",
        tenant_id=tenant_id,
        branch_id="bkk",
        subject="s",
        time=NOW,
        correlation_id="c",
    )


async def _jobs(engine: AsyncEngine) -> list[tuple[str, int, str, int]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(render_jobs.c.number, render_jobs.c.version, render_jobs.c.status, render_jobs.c.attempts)
        )
        return sorted(tuple(row) for row in rows)  # type: ignore[misc]


async def _announced(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list(await conn.scalars(select(kernel.outbox.c.event_type).order_by(kernel.outbox.c.seq)))


async def _schedule(engine: AsyncEngine, count: int = 1) -> list[RenderJob]:
    jobs = []
    for _ in range(count):
        async with DocumentsUnitOfWork(engine) as uow:
            facts = factories.deposit_return(receipt_number=f"DEPRR-2026-{uuid4().int % 10_000:04d}")
            await use_cases.schedule_render(
                uow=uow,
                tenant_id="t-1",
                branch_id="bkk",
                facts=facts,
                version=1,
                now=NOW - timedelta(seconds=1),
            )
            await uow.commit()
        async with DocumentsUnitOfWork(engine) as uow:
            job = await uow.jobs.of_version(document_id("t-1", facts.kind, facts.number), 1)
        assert job is not None
        jobs.append(job)
    return jobs


async def _claim(engine: AsyncEngine, now: datetime = NOW) -> RenderJob | None:
    async with DocumentsUnitOfWork(engine) as uow:
        job = await use_cases.claim_next_job(uow=uow, worker="test", now=now, lease=LEASE, policy=POLICY)
        await uow.commit()
        return job


async def _complete(engine: AsyncEngine, job: RenderJob, now: datetime = NOW) -> bool:
    assert job.claim_token is not None
    async with DocumentsUnitOfWork(engine) as uow:
        done = await use_cases.complete_job(
            uow=uow,
            job_id=job.id,
            claim_token=job.claim_token,
            files=[StoredFile("th", "k/v1-th.pdf", "aa", 1), StoredFile("en", "k/v1-en.pdf", "bb", 1)],
            timezone="Asia/Bangkok",
            render_ms=10,
            now=now,
            template_release="r1",
        )
        await uow.commit()
        return done


async def test_a_return_delivered_twice_or_replayed_makes_one_render_job(engine: AsyncEngine) -> None:
    consumer = documents_consumer(engine)
    fact = _returned(receipt_number="DEPRR-2026-0001")
    envelope = _envelope(fact)

    applied = [
        await consumer.apply(envelope),
        await consumer.apply(envelope),
        await consumer.apply(_envelope(fact)),
    ]

    assert applied == [True, False, True]
    assert await _jobs(engine) == [("DEPRR-2026-0001", 1, "pending", 0)]


async def test_concurrent_workers_each_claim_a_different_job(engine: AsyncEngine) -> None:
    await _schedule(engine, 3)

    async def claim_and_hold(hold: asyncio.Event) -> RenderJob | None:
        async with DocumentsUnitOfWork(engine) as uow:
            job = await use_cases.claim_next_job(uow=uow, worker="w", now=NOW, lease=LEASE, policy=POLICY)
            await hold.wait()  # every worker holds its row lock at the same time
            await uow.commit()
            return job

    hold = asyncio.Event()
    claims = [asyncio.create_task(claim_and_hold(hold)) for _ in range(4)]
    await asyncio.sleep(0.5)
    hold.set()
    claimed = await asyncio.gather(*claims)

    numbers = [job.number for job in claimed if job is not None]
    assert len(numbers) == 3
    assert len(set(numbers)) == 3
    assert await _claim(engine) is None


async def test_a_job_whose_renderer_died_is_claimed_again_once_its_lease_expires(engine: AsyncEngine) -> None:
    await _schedule(engine)
    first = await _claim(engine)
    assert first is not None

    assert await _claim(engine, NOW + LEASE - timedelta(seconds=1)) is None
    second = await _claim(engine, NOW + LEASE + timedelta(seconds=1))

    assert second is not None
    assert (second.id, second.attempts) == (first.id, 2)
    assert await _complete(engine, first) is False  # the first worker woke up late: it changes nothing
    assert await _complete(engine, second) is True
    assert await _announced(engine) == ["document.rendered.v1"]


async def test_a_live_worker_renewing_its_lease_keeps_the_job_and_a_replaced_one_cannot(
    engine: AsyncEngine,
) -> None:
    await _schedule(engine)
    first = await _claim(engine)
    assert first is not None
    assert first.claim_token is not None
    later = NOW + LEASE - timedelta(seconds=1)
    async with DocumentsUnitOfWork(engine) as uow:
        assert await use_cases.renew_lease(
            uow=uow, job_id=first.id, claim_token=first.claim_token, now=later, lease=LEASE
        )
        await uow.commit()

    assert await _claim(engine, NOW + LEASE + timedelta(seconds=1)) is None  # still held
    second = await _claim(engine, later + LEASE + timedelta(seconds=1))  # the worker stopped renewing
    assert second is not None
    async with DocumentsUnitOfWork(engine) as uow:
        renewed = await use_cases.renew_lease(
            uow=uow, job_id=first.id, claim_token=first.claim_token, now=later, lease=LEASE
        )
    assert renewed is False


async def test_a_version_is_announced_once_even_if_its_job_is_rendered_twice(engine: AsyncEngine) -> None:
    [scheduled] = await _schedule(engine)
    first = await _claim(engine)
    assert first is not None
    assert await _complete(engine, first) is True
    # Someone resets the job (a manual re-render): the version is already recorded and announced.
    async with engine.begin() as conn:
        await conn.execute(render_jobs.update().values(status="pending", next_attempt_at=NOW))
    again = await _claim(engine)
    assert again is not None

    assert await _complete(engine, again) is False
    assert await _announced(engine) == ["document.rendered.v1"]
    assert scheduled.id == again.id


async def test_a_job_fails_after_its_bounded_attempts_and_the_failure_is_announced_once(
    engine: AsyncEngine,
) -> None:
    await _schedule(engine)
    now = NOW
    outcomes = []
    for _ in range(POLICY.max_attempts):
        job = await _claim(engine, now)
        assert job is not None
        assert job.claim_token is not None
        async with DocumentsUnitOfWork(engine) as uow:
            outcomes.append(
                await use_cases.fail_job(
                    uow=uow, job_id=job.id, claim_token=job.claim_token, error="boom", now=now, policy=POLICY
                )
            )
            await uow.commit()
        assert await _claim(engine, now) is None  # not due before its backoff
        now += POLICY.max_delay

    assert outcomes == [False, False, True]
    assert [(status, attempts) for _, _, status, attempts in await _jobs(engine)] == [("failed", 3)]
    assert await _announced(engine) == ["document.render_failed.v1"]
    assert await _claim(engine, now + timedelta(days=1)) is None


async def test_a_job_whose_renderer_died_on_its_last_attempt_is_given_up(engine: AsyncEngine) -> None:
    await _schedule(engine)
    now = NOW
    for _ in range(POLICY.max_attempts):
        assert await _claim(engine, now) is not None
        now += LEASE + timedelta(seconds=1)

    assert await _claim(engine, now) is None
    assert [status for _, _, status, _ in await _jobs(engine)] == ["failed"]
    assert await _announced(engine) == ["document.render_failed.v1"]


def _tenant_settings() -> TenantSettingsUpdated:
    return TenantSettingsUpdated(
        business_name_en="Siam Tool Rentals Co., Ltd.",
        business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
        address_en="99 Rama IV Road, Bangkok 10110",
        address_th="99 ถนนพระรามที่ 4 กรุงเทพฯ 10110",
        tax_id="0105556012345",
        promptpay_id="0812345678",
    )


async def test_a_document_that_gave_up_waiting_for_its_customer_is_rendered_when_the_customer_arrives(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    tenant_id = f"t-{uuid4().hex[:8]}"
    consumer = documents_consumer(engine)
    storage = LocalFolderStorage(tmp_path)
    renderer = PdfRenderer(processes=1, max_tasks_per_child=10)
    clock = Clock()
    worker = RenderWorker(
        engine=engine,
        renderer=renderer,
        storage=storage,
        clock=clock,
        settings=Settings(render_max_attempts=2, render_retry_initial_delay_s=30),
        jobs_ready=asyncio.Event(),
        slot=0,
    )
    try:
        await consumer.apply(_envelope(_tenant_settings(), tenant_id))
        await consumer.apply(_envelope(_returned(tenant_id, "DEPRR-2026-0001"), tenant_id))

        assert await worker.render_next() is True  # the customer is not known yet: retried later
        assert await worker.render_next() is False  # not before its backoff
        clock.offset = timedelta(seconds=31)
        assert await worker.render_next() is True  # still unknown: the attempts are spent
        assert [status for _, _, status, _ in await _jobs(engine)] == ["failed"]

        await consumer.apply(_envelope(CustomerUpserted(customer_id="c-1", name="Somchai Jaidee"), tenant_id))
        assert await worker.render_next() is True  # the customer's language, announced
        assert await worker.render_next() is True  # then the other
    finally:
        renderer.close()

    assert [(status, attempts) for _, _, status, attempts in await _jobs(engine)] == [("done", 1)]
    assert await _announced(engine) == [
        "document.render_failed.v1",
        "document.rendered.v1",
        "document.rendered.v1",
    ]
    async with engine.connect() as conn:
        envelopes = list(await conn.scalars(select(kernel.outbox.c.envelope).order_by(kernel.outbox.c.seq)))
    rendered = envelopes[-1]["data"]
    assert (rendered["number"], rendered["version"], rendered["status"], rendered["amount"]) == (
        "DEPRR-2026-0001",
        1,
        "issued",
        "15000.00",
    )
    for file in rendered["files"]:
        content = storage.get(file["storage_key"])
        assert content.startswith(b"%PDF")
        assert (len(content), hashlib.sha256(content).hexdigest()) == (file["size_bytes"], file["sha256"])
    assert sorted(f["storage_key"] for f in rendered["files"]) == [
        f"{tenant_id}/deposit_return_receipt/DEPRR-2026-0001/v1-en.pdf",
        f"{tenant_id}/deposit_return_receipt/DEPRR-2026-0001/v1-th.pdf",
    ]


def sleep_instead_of_rendering(pages: list[str]) -> list[bytes]:
    time.sleep(60)
    return [b"" for _ in pages]


async def test_a_render_that_overruns_its_timeout_is_killed_and_the_renderer_recovers() -> None:
    renderer = PdfRenderer(processes=1, max_tasks_per_child=10, render_pages=sleep_instead_of_rendering)
    before = set(multiprocessing.active_children())
    try:
        for _ in range(2):
            started = time.monotonic()
            with pytest.raises(RenderTimeout):
                await renderer.render(["<html></html>"], timeout_s=1.5)
            assert time.monotonic() - started < 6
            await asyncio.sleep(0.5)
            assert not set(multiprocessing.active_children()) - before
    finally:
        renderer.close()


KILLED_SERVICE = """
import asyncio, multiprocessing
from services.documents.adapters.renderer import PdfRenderer

async def main():
    renderer = PdfRenderer(processes=2, max_tasks_per_child=10)
    await renderer.warm_up()
    print(*[p.pid for p in multiprocessing.active_children()], flush=True)
    await asyncio.sleep(120)

asyncio.run(main())
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # an exited orphan may wait for a reaper that never comes in a container


def test_render_processes_do_not_outlive_a_killed_service() -> None:
    service = subprocess.Popen([sys.executable, "-c", KILLED_SERVICE], stdout=subprocess.PIPE, text=True)
    try:
        assert service.stdout is not None
        render_pids = [int(pid) for pid in service.stdout.readline().split()]
        assert len(render_pids) == 2
        assert all(_running(pid) for pid in render_pids)
    finally:
        service.kill()
        service.wait()

    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in render_pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in render_pids if _running(pid)]
