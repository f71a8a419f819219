"""Rendering: workers claim due jobs for a lease, and a rendered version, its job's end and its
announcement commit together (as do a job given up and its failure's announcement)."""

from datetime import datetime, timedelta
from uuid import UUID, uuid4

from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import (
    CustomerProfile,
    DocumentVersion,
    Priority,
    RenderInputMissing,
    RenderJob,
    RetryPolicy,
    StoredFile,
    TenantProfile,
)
from shared.actors import SYSTEM


async def _announce_failure(uow: DocumentsUnitOfWork, job: RenderJob, now: datetime) -> None:
    await uow.record(job.render_failed(), about=job.subject, actor=SYSTEM, at=now)


async def claim_next_job(
    *,
    uow: DocumentsUnitOfWork,
    worker: str,
    now: datetime,
    lease: timedelta,
    policy: RetryPolicy,
    max_priority: Priority | None = None,
) -> RenderJob | None:
    """Takes the most urgent, then longest-waiting, due job no other worker holds, for one lease
    (only jobs at least as urgent as `max_priority`, when given). A job whose renderer died on its
    last allowed attempt is given up (and its failure announced) instead."""
    while True:
        job = await uow.jobs.next_due(now, max_priority=max_priority)
        if job is None:
            return None
        if job.lease_expired(now) and policy.exhausted(job.attempts):
            job.fail(error=job.last_error or "the renderer stopped mid-render", now=now, policy=policy)
            await uow.jobs.save(job)
            await _announce_failure(uow, job, now)
            continue
        job.claim(token=uuid4(), now=now, lease=lease)
        await uow.jobs.save(job, locked_by=worker)
        return job


async def renew_lease(
    *, uow: DocumentsUnitOfWork, job_id: UUID, claim_token: UUID, now: datetime, lease: timedelta
) -> bool:
    """Keeps a live worker's claim; a dead worker stops renewing and its job is soon reclaimed."""
    return await uow.jobs.renew_lease(job_id, claim_token, now + lease)


async def load_render_inputs(
    *, uow: DocumentsUnitOfWork, job: RenderJob
) -> tuple[TenantProfile, CustomerProfile]:
    """The business and the customer as the document prints them; RenderInputMissing (retried)
    when their details have not arrived yet."""
    tenant = await uow.reference.tenant(job.tenant_id)
    if tenant is None:
        raise RenderInputMissing(f"the settings of tenant {job.tenant_id} have not arrived yet")
    customer = await uow.reference.customer(job.tenant_id, job.customer_id)
    if customer is None:
        raise RenderInputMissing(f"customer {job.customer_id} has not arrived yet")
    return tenant, customer


async def complete_job(
    *,
    uow: DocumentsUnitOfWork,
    job_id: UUID,
    claim_token: UUID,
    files: list[StoredFile],
    timezone: str,
    render_ms: int,
    now: datetime,
    template_release: str,
) -> bool:
    """Records what one step of the job rendered and announces it, once per step: the first step
    (the customer's language) records the version, so the customer can download it at once, and the
    job is due again for the other language behind what customers wait for; the second adds its
    file to the version and announces the version again with both. A job this worker no longer
    holds, or a version already recorded, changes nothing."""
    job = await uow.jobs.get_for_update(job_id)
    if job is None or not job.claimed_by(claim_token):
        return False
    earlier = await uow.documents.version(job.document_id, job.version)
    already = earlier is not None and {f.language for f in files} <= {f.language for f in earlier.files}
    for file in files:
        job.language_rendered(file.language, now)
    await uow.jobs.save(job)
    if already:
        return False
    version, rendered = DocumentVersion.rendered_by(
        job,
        files=files,
        timezone=timezone,
        render_ms=render_ms,
        at=now,
        template_release=template_release,
        earlier=earlier,
    )
    if earlier is not None:
        await uow.documents.save_files(job.document_id, version)
    elif not await uow.documents.add_version(job.document_id, version):
        return False
    await uow.record(rendered, about=job.subject, actor=SYSTEM, at=now)
    return True


async def fail_job(
    *,
    uow: DocumentsUnitOfWork,
    job_id: UUID,
    claim_token: UUID,
    error: str,
    now: datetime,
    policy: RetryPolicy,
    awaiting_input: bool = False,
) -> bool | None:
    """Retries with backoff; after the bounded attempts the job fails and the failure is announced
    (True). None when this worker no longer holds the job."""
    job = await uow.jobs.get_for_update(job_id)
    if job is None or not job.claimed_by(claim_token):
        return None
    gave_up = job.fail(error=error, now=now, policy=policy, awaiting_input=awaiting_input)
    await uow.jobs.save(job)
    if gave_up:
        await _announce_failure(uow, job, now)
    return gave_up


async def release_job(*, uow: DocumentsUnitOfWork, job_id: UUID, claim_token: UUID) -> None:
    """Gives a job back unrendered, so another worker or replica takes it at once."""
    job = await uow.jobs.get_for_update(job_id)
    if job is not None and job.claimed_by(claim_token):
        job.release()
        await uow.jobs.save(job)
