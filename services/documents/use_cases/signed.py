"""Signed quotes and delivery manifests from the operations system: the file the event names is
checked and kept byte for byte as the next version of its document, in the transaction that records
the event as applied."""

import asyncio
import hashlib

from services.documents.adapters.pdf import page_count
from services.documents.adapters.storage import DocumentStorage, StoredFileMissing
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import (
    RenderInputMissing,
    SignedDocument,
    SignedVersionTaken,
    UploadNotArrived,
    intake_storage_key,
    signed_file_key,
)
from shared.actors import SYSTEM
from shared.contracts.envelope import EventContext
from shared.contracts.upstream import DeliveryManifestSigned, QuoteSigned


def _inspect(signed: SignedDocument, content: bytes) -> int:
    return signed.check_file(content, sha256=hashlib.sha256(content).hexdigest(), count_pages=page_count)


async def accept_signed_document(
    *,
    uow: DocumentsUnitOfWork,
    event: EventContext,
    fact: QuoteSigned | DeliveryManifestSigned,
    storage: DocumentStorage,
    max_bytes: int,
) -> None:
    """The uploaded file as the next version of the quote's or manifest's document, announced once.
    A file that is not the PDF the event states refuses the event for good (UnprocessableEvent):
    nothing is stored and the customer never sees it. The same file delivered again adds nothing."""
    signed = SignedDocument.of(fact)
    signed.check_claims(max_bytes=max_bytes)
    source = intake_storage_key(event.tenant_id, signed.file.key)
    if source is None:
        raise signed.unknown_key()
    document_id = signed.document_id_in(event.tenant_id)
    document = await uow.documents.get(event.tenant_id, document_id)
    if document is not None and document.has_content(signed.file.sha256):
        return
    tenant = await uow.reference.tenant(event.tenant_id)
    if tenant is None:
        raise RenderInputMissing(f"the settings of tenant {event.tenant_id} have not arrived yet")
    try:
        content = await asyncio.to_thread(storage.get, source)
    except StoredFileMissing as error:
        raise UploadNotArrived(f"{signed.described}: no upload {signed.file.key} in this tenant") from error
    pages = await asyncio.to_thread(_inspect, signed, content)

    key = signed_file_key(event.tenant_id, signed.kind, signed.number, signed.file.sha256)
    await asyncio.to_thread(storage.put, key, content)
    job = await uow.reference.job(event.tenant_id, signed.job_id) if signed.job_id else None
    branch_id = event.branch_id or (job.branch_id if job else None)
    version = signed.version(
        number=document.next_version if document else 1,
        storage_key=key,
        pages=pages,
        timezone=tenant.timezone,
        at=event.now,
    )
    await uow.documents.ensure_document(
        document_id=document_id,
        tenant_id=event.tenant_id,
        branch_id=branch_id,
        customer_id=signed.customer_id,
        kind=signed.kind,
        number=signed.number,
        related_number=None,
        job_id=signed.job_id,
        created_at=event.now,
    )
    if not await uow.documents.add_version(document_id, version):
        raise SignedVersionTaken(f"version {version.version} of {signed.described} was taken meanwhile")
    await uow.record(
        signed.announcement(event.tenant_id, version),
        about=signed.subject(event.tenant_id, document.branch_id if document else branch_id),
        actor=SYSTEM,
        at=event.now,
    )
