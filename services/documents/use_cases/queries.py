"""What staff and services read: documents, their versions and render state, and their PDFs.
Everything is scoped to the caller's tenant and branches; anything else looks absent."""

from dataclasses import dataclass
from uuid import UUID

from services.documents.adapters.repository import DocumentFilter
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import Document, DocumentNotFound, download_name
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
        branches=staff.branch_scope,
        customer_id=customer_id,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    return await uow.documents.search(criteria)
