"""Documents use cases. Each runs inside the caller's unit of work: a render job and the event it
came from commit together; a rendered version, its job's end and its announcement commit together."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from services.documents.adapters.repository import DocumentFilter
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import (
    VOID_VERSION,
    BranchProfile,
    CustomerProfile,
    DepositReturnFacts,
    Document,
    DocumentFacts,
    DocumentNotFound,
    DocumentVersion,
    InvoiceFacts,
    OriginalDocumentMissing,
    PaymentVersionTaken,
    RenderInputMissing,
    RenderJob,
    RetryPolicy,
    StoredFile,
    TenantProfile,
    download_name,
    invoice_with_payment,
    version_status,
    voided_return_facts,
)
from shared.auth import Principal
from shared.context import Trace
from shared.contracts.billing import PaymentRecorded
from shared.contracts.deposits import DepositReturnVoided
from shared.contracts.documents import (
    DocumentFile,
    DocumentKind,
    DocumentRendered,
    DocumentRenderFailed,
    document_id,
)
from shared.contracts.types import Language
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated

# Upstream slices ---------------------------------------------------------------------------------


async def apply_tenant_settings(
    *, uow: DocumentsUnitOfWork, tenant_id: str, settings: TenantSettingsUpdated, now: datetime
) -> None:
    """Keeps the business details documents print; documents waiting for them are retried now."""
    tenant = TenantProfile(
        tenant_id=tenant_id,
        business_name_en=settings.business_name_en,
        business_name_th=settings.business_name_th,
        address_en=settings.address_en,
        address_th=settings.address_th,
        tax_id=settings.tax_id,
        tax_branch_no=settings.tax_branch_no,
        phone=settings.phone,
        email=settings.email,
        promptpay_id=settings.promptpay_id,
        timezone=settings.timezone,
        default_language=settings.default_language,
        branches=tuple(
            BranchProfile(
                branch_id=b.branch_id,
                code=b.code,
                name_en=b.name_en,
                name_th=b.name_th,
                tax_branch_no=b.tax_branch_no,
                address_en=b.address_en,
                address_th=b.address_th,
                phone=b.phone,
            )
            for b in settings.branches
        ),
    )
    await uow.reference.save_tenant(tenant)
    if await uow.jobs.retry_waiting_now(tenant_id, now):
        uow.wake_renderers()


async def apply_customer(
    *, uow: DocumentsUnitOfWork, tenant_id: str, customer: CustomerUpserted, now: datetime
) -> None:
    """Keeps what documents print about a customer; private notes are not kept."""
    profile = CustomerProfile(
        customer_id=customer.customer_id,
        name=customer.name,
        customer_type=customer.customer_type,
        address=customer.address,
        tax_id=customer.tax_id,
        tax_branch_no=customer.tax_branch_no,
        preferred_language=customer.preferred_language,
    )
    await uow.reference.save_customer(tenant_id, profile)
    if await uow.jobs.retry_waiting_now(tenant_id, now, customer_id=customer.customer_id):
        uow.wake_renderers()


# Scheduling --------------------------------------------------------------------------------------


async def schedule_render(
    *,
    uow: DocumentsUnitOfWork,
    tenant_id: str,
    branch_id: str | None,
    facts: DocumentFacts,
    version: int,
    now: datetime,
) -> bool:
    """One render job per document version, however often the fact is delivered."""
    job = RenderJob.new(
        id=uuid4(),
        tenant_id=tenant_id,
        branch_id=branch_id,
        facts=facts,
        version=version,
        now=now,
        trace=Trace.current(),
    )
    await uow.documents.ensure(job)
    added = await uow.jobs.add(job)
    if added:
        uow.wake_renderers()
    return added


async def schedule_void(
    *,
    uow: DocumentsUnitOfWork,
    tenant_id: str,
    branch_id: str | None,
    event: DepositReturnVoided,
    now: datetime,
) -> bool:
    """The voided return's DEPRR again, same number and date, as version 2 marked void."""
    receipt_id = document_id(tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, event.receipt_number)
    original = await uow.jobs.of_version(receipt_id, 1)
    if original is None or not isinstance(original.facts, DepositReturnFacts):
        raise OriginalDocumentMissing(f"{event.receipt_number} was never scheduled; cannot void it")
    return await schedule_render(
        uow=uow,
        tenant_id=tenant_id,
        branch_id=branch_id,
        facts=voided_return_facts(original.facts, event),
        version=VOID_VERSION,
        now=now,
    )


async def schedule_invoice_payment(
    *,
    uow: DocumentsUnitOfWork,
    tenant_id: str,
    branch_id: str | None,
    event: PaymentRecorded,
    now: datetime,
) -> bool:
    """The invoice again as its next version, with this payment and the balance after it. Versions
    follow the payments in billing's order; a payment the invoice already shows schedules nothing."""
    invoice_id = document_id(tenant_id, DocumentKind.INVOICE, event.invoice_number)
    latest = await uow.jobs.latest_of(invoice_id)
    if latest is None or not isinstance(latest.facts, InvoiceFacts):
        raise OriginalDocumentMissing(f"{event.invoice_number} was never scheduled; cannot add a payment")
    if latest.facts.has_payment(event.payment_id):
        return False
    facts = invoice_with_payment(latest.facts, event)
    added = await schedule_render(
        uow=uow, tenant_id=tenant_id, branch_id=branch_id, facts=facts, version=facts.version, now=now
    )
    if not added:
        raise PaymentVersionTaken(f"version {facts.version} of {event.invoice_number} was taken meanwhile")
    return added


# Rendering ---------------------------------------------------------------------------------------


async def _announce_failure(uow: DocumentsUnitOfWork, job: RenderJob, now: datetime) -> None:
    failed = DocumentRenderFailed(
        document_id=job.document_id,
        kind=job.kind,
        number=job.number,
        version=job.version,
        attempts=job.attempts,
        error=job.last_error or "",
    )
    await uow.outbox.add(
        failed, tenant_id=job.tenant_id, branch_id=job.branch_id, subject=str(job.document_id), time=now
    )


async def claim_next_job(
    *, uow: DocumentsUnitOfWork, worker: str, now: datetime, lease: timedelta, policy: RetryPolicy
) -> RenderJob | None:
    """Takes the longest-waiting due job no other worker holds, for one lease. A job whose renderer
    died on its last allowed attempt is given up (and its failure announced) instead."""
    while True:
        job = await uow.jobs.next_due(now)
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
) -> bool:
    """Records the rendered version and announces it, exactly once: a job this worker no longer
    holds, or a version already recorded, changes nothing."""
    job = await uow.jobs.get_for_update(job_id)
    if job is None or not job.claimed_by(claim_token):
        return False
    facts = job.facts
    version = DocumentVersion(
        version=job.version,
        status=version_status(facts),
        issued_on=facts.issued_on(timezone),
        amount=facts.amount_stated,
        reference=facts.reference,
        related_number=facts.related_number,
        files=tuple(files),
        render_ms=render_ms,
        rendered_at=now,
    )
    job.finish(now)
    await uow.jobs.save(job)
    if not await uow.documents.add_version(job.document_id, version):
        return False
    rendered = DocumentRendered(
        document_id=job.document_id,
        kind=job.kind,
        number=job.number,
        version=job.version,
        status=version.status,
        customer_id=job.customer_id,
        issued_on=version.issued_on,
        amount=version.amount,
        reference=version.reference,
        related_number=version.related_number,
        files=[
            DocumentFile(
                language=f.language, storage_key=f.storage_key, sha256=f.sha256, size_bytes=f.size_bytes
            )
            for f in files
        ],
        render_ms=render_ms,
    )
    await uow.outbox.add(
        rendered, tenant_id=job.tenant_id, branch_id=job.branch_id, subject=str(job.document_id), time=now
    )
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


# Queries -----------------------------------------------------------------------------------------


async def get_document(*, uow: DocumentsUnitOfWork, staff: Principal, document_id: UUID) -> Document:
    """A document of the caller's tenant and branches; anything else looks absent."""
    document = await uow.documents.get(staff.tenant_id, document_id)
    if document is None or not staff.can_see_branch(document.branch_id):
        raise DocumentNotFound("Document not found")
    return document


@dataclass(frozen=True)
class FileToServe:
    storage_key: str
    download_name: str
    sha256: str


async def _language_for(uow: DocumentsUnitOfWork, document: Document) -> Language:
    customer = await uow.reference.customer(document.tenant_id, document.customer_id)
    if customer is not None:
        return customer.preferred_language
    tenant = await uow.reference.tenant(document.tenant_id)
    return tenant.default_language if tenant else "th"


async def find_file(
    *,
    uow: DocumentsUnitOfWork,
    staff: Principal,
    document_id: UUID,
    language: Language | None,
    customer_id: str | None,
    version: int | None,
) -> FileToServe:
    """The PDF of the latest (or the named) rendered version, in `language` first (by default the
    customer's language). When `customer_id` is given, only that customer's documents are found."""
    document = await get_document(uow=uow, staff=staff, document_id=document_id)
    document.check_customer(customer_id)
    rendered = document.rendered_version(version)
    stored = rendered.file(language or await _language_for(uow, document))
    return FileToServe(stored.storage_key, download_name(document.number, rendered.status), stored.sha256)


async def find_bundle(
    *,
    uow: DocumentsUnitOfWork,
    staff: Principal,
    customer_id: str,
    document_ids: list[UUID],
    language: Language,
) -> list[FileToServe]:
    """The latest PDF of each document, all of them the customer's, or DocumentNotFound."""
    wanted = list(dict.fromkeys(document_ids))
    found = {d.document_id: d for d in await uow.documents.many(staff.tenant_id, wanted)}
    files: list[FileToServe] = []
    names: set[str] = set()
    for wanted_id in wanted:
        document = found.get(wanted_id)
        if document is None or not staff.can_see_branch(document.branch_id):
            raise DocumentNotFound(f"Document {wanted_id} not found")
        document.check_customer(customer_id)
        rendered = document.rendered_version()
        name = download_name(document.number, rendered.status)
        if name in names:  # two kinds sharing a configured prefix
            name = f"{document.kind.value}-{name}"
        names.add(name)
        stored = rendered.file(language)
        files.append(FileToServe(stored.storage_key, name, stored.sha256))
    return files


async def list_documents(
    *,
    uow: DocumentsUnitOfWork,
    staff: Principal,
    customer_id: str | None,
    kind: DocumentKind | None,
    limit: int,
    offset: int,
) -> tuple[list[Document], int]:
    """The documents of the caller's branches, newest first, with their versions and render state."""
    criteria = DocumentFilter(
        tenant_id=staff.tenant_id,
        branches=None if staff.all_branches else staff.branches,
        customer_id=customer_id,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    return await uow.documents.search(criteria)
