"""Scheduling: each deposit and billing fact with a document, and each AI job report, becomes a
render job for one version, in the transaction that records the fact as applied."""

from datetime import datetime
from uuid import uuid4

from services.documents.adapters.repository.jobs import ReRenderCriteria
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import (
    DOCUMENT_OF_EVENT,
    DepositReturnFacts,
    DocumentFacts,
    InvoiceFacts,
    OriginalDocumentMissing,
    Priority,
    RenderJob,
    VersionTaken,
    invoice_with_payment,
    job_report_facts,
    version_status,
    voided_return_facts,
)
from shared.context import Trace
from shared.contracts.billing import PaymentRecorded
from shared.contracts.deposits import DepositReturnVoided
from shared.contracts.documents import DocumentKind, document_id
from shared.contracts.envelope import EventContext, EventPayload
from shared.contracts.upstream import JobReportPublished


async def schedule_render(
    *,
    uow: DocumentsUnitOfWork,
    tenant_id: str,
    branch_id: str | None,
    facts: DocumentFacts,
    version: int,
    now: datetime,
    priority: Priority | None = None,
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
        priority=priority,
    )
    await uow.documents.ensure(job)
    added = await uow.jobs.add(job)
    if added:
        uow.wake_renderers()
    return added


async def schedule_document(*, uow: DocumentsUnitOfWork, event: EventContext, fact: EventPayload) -> None:
    """Version 1 of the document the fact issues (`DOCUMENT_OF_EVENT`), with the facts it states."""
    await schedule_render(
        uow=uow,
        tenant_id=event.tenant_id,
        branch_id=event.branch_id,
        facts=DOCUMENT_OF_EVENT[type(fact)](fact),
        version=1,
        now=event.now,
    )


async def schedule_void(*, uow: DocumentsUnitOfWork, event: EventContext, fact: DepositReturnVoided) -> None:
    """The voided return's DEPRR again, same number and date, as its next version marked void
    (version 2, unless an operator's re-render took it)."""
    receipt_id = document_id(event.tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, fact.receipt_number)
    original = await uow.jobs.of_version(receipt_id, 1)
    latest = await uow.jobs.latest_of(receipt_id)
    if original is None or latest is None or not isinstance(original.facts, DepositReturnFacts):
        raise OriginalDocumentMissing(f"{fact.receipt_number} was never scheduled; cannot void it")
    if version_status(latest.facts) == "void":
        return  # voided already
    added = await schedule_render(
        uow=uow,
        tenant_id=event.tenant_id,
        branch_id=event.branch_id,
        facts=voided_return_facts(original.facts, fact),
        version=latest.version + 1,
        now=event.now,
    )
    if not added:
        raise VersionTaken(f"version {latest.version + 1} of {fact.receipt_number} was taken meanwhile")


async def schedule_invoice_payment(
    *, uow: DocumentsUnitOfWork, event: EventContext, fact: PaymentRecorded
) -> None:
    """The invoice again as its next version, with this payment and the balance after it. Versions
    follow the payments in billing's order; a payment the invoice already shows schedules nothing."""
    invoice_id = document_id(event.tenant_id, DocumentKind.INVOICE, fact.invoice_number)
    latest = await uow.jobs.latest_of(invoice_id)
    if latest is None or not isinstance(latest.facts, InvoiceFacts):
        raise OriginalDocumentMissing(f"{fact.invoice_number} was never scheduled; cannot add a payment")
    if latest.facts.has_payment(fact.payment_id):
        return
    added = await schedule_render(
        uow=uow,
        tenant_id=event.tenant_id,
        branch_id=event.branch_id,
        facts=invoice_with_payment(latest.facts, fact),
        version=latest.version + 1,
        now=event.now,
    )
    if not added:
        raise VersionTaken(f"version {latest.version + 1} of {fact.invoice_number} was taken meanwhile")


async def schedule_job_report(
    *, uow: DocumentsUnitOfWork, event: EventContext, fact: JobReportPublished
) -> None:
    """The customer version of the AI job report, as version 1 of its document: the summary and
    sections only; the internal recommendations are dropped before anything is stored. It belongs
    to the job's branch when the event names none."""
    job = await uow.reference.job(event.tenant_id, fact.job_id)
    await schedule_render(
        uow=uow,
        tenant_id=event.tenant_id,
        branch_id=event.branch_id or (job.branch_id if job else None),
        facts=job_report_facts(fact, job_number=job.job_number if job else None),
        version=1,
        now=event.now,
    )


async def schedule_re_renders(
    *, uow: DocumentsUnitOfWork, criteria: ReRenderCriteria, now: datetime, batch: int
) -> int:
    """One batch of an operator's re-render: each document found drawn again, as its next version
    with the same facts (a named version's files never change), behind what customers wait for.
    Returns how many it scheduled; 0 once none is left, so running it again schedules nothing."""
    scheduled = 0
    for latest in await uow.jobs.re_renderable(criteria, limit=batch):
        scheduled += await schedule_render(
            uow=uow,
            tenant_id=latest.tenant_id,
            branch_id=latest.branch_id,
            facts=latest.facts,
            version=latest.version + 1,
            now=now,
            priority=Priority.RE_RENDER,
        )
    return scheduled
