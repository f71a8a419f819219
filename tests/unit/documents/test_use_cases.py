"""Documents use cases with an in-memory unit of work: which document versions each event schedules
(through the consumer's table), and that a rendered or given-up version is announced about its
document, once."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from services.documents import use_cases
from services.documents.domain import JobStatus, Priority, RenderJob, RetryPolicy, StoredFile
from services.documents.entrypoints import events
from shared.actors import SYSTEM
from shared.contracts.documents import DocumentKind, DocumentRendered, DocumentRenderFailed, document_id
from shared.contracts.envelope import EventContext, EventPayload, Subject
from tests.unit.documents import factories
from tests.unit.documents.fakes import FakeDocumentsUnitOfWork, FakeStorage

NOW = datetime(2026, 3, 25, 3, tzinfo=UTC)
TENANT = "t-1"
POLICY = RetryPolicy(max_attempts=2, initial_delay=timedelta(seconds=1), max_delay=timedelta(seconds=4))
FILES = [StoredFile("th", "k/v1-th.pdf", "aa", 1, 2), StoredFile("en", "k/v1-en.pdf", "bb", 1, 2)]
HANDLERS = events.handlers(storage=FakeStorage(), intake_max_bytes=1024 * 1024)


async def _apply(uow: FakeDocumentsUnitOfWork, fact: EventPayload) -> None:
    """As the consumer applies an event: each use case of its row in the table, in order."""
    event = EventContext(
        id=uuid4(),
        type=fact.event_type,
        tenant_id=TENANT,
        branch_id="bkk",
        subject="s",
        time=NOW,
        correlation_id="c",
        causation_id=None,
        now=NOW,
    )
    row: Any = HANDLERS[type(fact)]
    for use_case in row if isinstance(row, tuple) else (row,):
        await use_case(uow=uow, event=event, fact=fact)


def _scheduled(uow: FakeDocumentsUnitOfWork) -> list[tuple[DocumentKind, str, int]]:
    return sorted((j.kind, j.number, j.version) for j in uow.jobs.rows.values())


async def _claimed_job(uow: FakeDocumentsUnitOfWork) -> RenderJob:
    facts = factories.deposit_return()
    await use_cases.schedule_render(
        uow=uow, tenant_id=TENANT, branch_id="bkk", facts=facts, version=1, now=NOW
    )
    job = await uow.jobs.of_version(document_id(TENANT, facts.kind, facts.number), 1)
    assert job is not None
    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=15))
    await uow.jobs.save(job)
    return job


async def test_a_sent_invoice_schedules_its_version_1_and_wakes_the_renderers() -> None:
    uow = FakeDocumentsUnitOfWork()
    invoice = factories.invoice_sent()

    await _apply(uow, invoice)

    assert _scheduled(uow) == [(DocumentKind.INVOICE, invoice.number, 1)]
    assert uow.renderers_woken


async def test_a_payment_schedules_its_receipt_and_the_invoice_s_next_version_once() -> None:
    uow = FakeDocumentsUnitOfWork()
    invoice = factories.invoice_sent()
    payment = factories.payment_recorded(invoice)
    await _apply(uow, invoice)

    await _apply(uow, payment)
    await _apply(uow, payment)  # redelivered under a new event id

    assert _scheduled(uow) == sorted(
        [
            (DocumentKind.INVOICE, invoice.number, 1),
            (DocumentKind.INVOICE, invoice.number, 2),
            (DocumentKind.RECEIPT, payment.receipt_number, 1),
        ]
    )


async def test_a_rendered_version_is_announced_once_about_its_document() -> None:
    uow = FakeDocumentsUnitOfWork()
    job = await _claimed_job(uow)
    assert job.claim_token is not None

    completions = [
        await use_cases.complete_job(
            uow=uow,
            job_id=job.id,
            claim_token=job.claim_token,
            files=FILES,
            timezone="Asia/Bangkok",
            render_ms=10,
            now=NOW,
            template_release="r1",
        )
        for _ in range(2)
    ]

    assert completions == [True, False]
    (recorded,) = uow.recorded
    assert isinstance(recorded.fact, DocumentRendered)
    assert (recorded.fact.number, recorded.fact.version) == (job.number, 1)
    receipt_id = document_id(TENANT, DocumentKind.DEPOSIT_RETURN_RECEIPT, job.number)
    assert recorded.about == Subject("document", receipt_id, TENANT, "bkk")
    assert (recorded.actor, recorded.at) == (SYSTEM, NOW)


async def _complete(uow: FakeDocumentsUnitOfWork, job: RenderJob, file: StoredFile, render_ms: int) -> bool:
    claimed = await uow.jobs.get_for_update(job.id)
    assert claimed is not None
    claimed.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=15))
    await uow.jobs.save(claimed)
    assert claimed.claim_token is not None
    return await use_cases.complete_job(
        uow=uow,
        job_id=job.id,
        claim_token=claimed.claim_token,
        files=[file],
        timezone="Asia/Bangkok",
        render_ms=render_ms,
        now=NOW,
        template_release="r1",
    )


async def test_the_customer_s_language_is_announced_first_then_the_version_again_with_both() -> None:
    uow = FakeDocumentsUnitOfWork()
    job = await _claimed_job(uow)
    english, thai = StoredFile("en", "k/v1-en.pdf", "bb", 1, 2), StoredFile("th", "k/v1-th.pdf", "aa", 1, 2)

    first = await _complete(uow, job, english, render_ms=40)
    between = await uow.jobs.get_for_update(job.id)
    second = await _complete(uow, job, thai, render_ms=45)

    assert (first, second) == (True, True)
    announced = [r.fact for r in uow.recorded if isinstance(r.fact, DocumentRendered)]
    assert [[f.language for f in fact.files] for fact in announced] == [["en"], ["en", "th"]]
    assert {fact.version for fact in announced} == {1}
    assert between is not None
    assert (between.status, between.priority) == (JobStatus.PENDING, Priority.OTHER_LANGUAGE)
    (version,) = uow.documents.versions.values()
    assert ([f.language for f in version.files], version.render_ms) == (["en", "th"], 85)
    done = await uow.jobs.get_for_update(job.id)
    assert done is not None
    assert done.status is JobStatus.DONE


async def test_a_job_given_up_announces_its_failure_about_its_document() -> None:
    uow = FakeDocumentsUnitOfWork()
    job = await _claimed_job(uow)
    assert job.claim_token is not None
    job.attempts = POLICY.max_attempts
    await uow.jobs.save(job)

    gave_up = await use_cases.fail_job(
        uow=uow, job_id=job.id, claim_token=job.claim_token, error="boom", now=NOW, policy=POLICY
    )

    assert gave_up is True
    (recorded,) = uow.recorded
    assert isinstance(recorded.fact, DocumentRenderFailed)
    assert (recorded.fact.attempts, recorded.fact.error) == (POLICY.max_attempts, "boom")
    assert recorded.about == job.subject
