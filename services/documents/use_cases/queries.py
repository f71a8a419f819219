"""What staff and services read: documents, their versions and render state, and their PDFs.
Everything is scoped to the caller's tenant and branches; anything else looks absent."""

from dataclasses import dataclass
from datetime import datetime
from typing import Self
from uuid import UUID

from services.documents.adapters.repository import DocumentFilter
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import Document, DocumentNotFound, DocumentVersion, download_name
from shared.auth import Principal
from shared.contracts.documents import DocumentKind
from shared.contracts.types import Language


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
    size_bytes: int
    pages: int | None
    version: int
    rendered_at: datetime

    @classmethod
    def of(cls, version: DocumentVersion, language: Language, name: str) -> Self:
        stored = version.file(language)
        return cls(
            storage_key=stored.storage_key,
            download_name=name,
            sha256=stored.sha256,
            size_bytes=stored.size_bytes,
            pages=stored.pages,
            version=version.version,
            rendered_at=version.rendered_at,
        )


async def language_of_customer(uow: DocumentsUnitOfWork, tenant_id: str, customer_id: str) -> Language:
    """The customer's preferred language; the business's default for a customer not known here."""
    customer = await uow.reference.customer(tenant_id, customer_id)
    if customer is not None:
        return customer.preferred_language
    tenant = await uow.reference.tenant(tenant_id)
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
    language = language or await language_of_customer(uow, document.tenant_id, document.customer_id)
    return FileToServe.of(rendered, language, download_name(document.number, rendered.status))


async def list_documents(
    *,
    uow: DocumentsUnitOfWork,
    staff: Principal,
    customer_id: str | None,
    kind: DocumentKind | None,
    job_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Document], int]:
    """The documents of the caller's branches, newest first, with their versions and render state."""
    criteria = DocumentFilter(
        tenant_id=staff.tenant_id,
        branches=staff.branch_scope,
        customer_id=customer_id,
        kind=kind,
        job_id=job_id,
        limit=limit,
        offset=offset,
    )
    return await uow.documents.search(criteria)
