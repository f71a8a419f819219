"""A customer's documents as one zip: chosen by id, or every document of the customer matching
kinds and dates. The zip streams, so the documents are listed page by page, each page in a short
transaction of its own: a download of thousands of documents holds no connection while it sends."""

from collections.abc import AsyncIterator, Callable
from datetime import date
from uuid import UUID

from services.documents.adapters.repository import LatestVersionFilter
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import BundleNames, DocumentNotFound
from services.documents.use_cases.queries import FileToServe, language_of_customer
from shared.auth import Principal
from shared.contracts.documents import DocumentKind
from shared.contracts.types import Language

PAGE_SIZE = 200


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
    names = BundleNames()
    files: list[FileToServe] = []
    for wanted_id in wanted:
        document = found.get(wanted_id)
        if document is None or not staff.can_see_branch(document.branch_id):
            raise DocumentNotFound(f"Document {wanted_id} not found")
        document.check_customer(customer_id)
        rendered = document.rendered_version()
        name = names.name(document.kind, document.number, rendered.status)
        files.append(FileToServe.of(rendered, language, name))
    return files


async def bundle_language(
    *, uow: DocumentsUnitOfWork, staff: Principal, customer_id: str, language: Language | None
) -> Language:
    """The language printed first in a customer's zip: the one asked for, else the customer's."""
    return language or await language_of_customer(uow, staff.tenant_id, customer_id)


async def customer_bundle(
    *,
    new_uow: Callable[[], DocumentsUnitOfWork],
    staff: Principal,
    customer_id: str,
    kinds: frozenset[DocumentKind],
    issued_from: date | None,
    issued_to: date | None,
    language: Language,
    page_size: int = PAGE_SIZE,
) -> AsyncIterator[FileToServe]:
    """Every document of the customer in the caller's branches matching the kinds (all when none)
    and issued between the dates (inclusive), newest first, each as its latest rendered version (a
    voided receipt included, named as void)."""
    criteria = LatestVersionFilter(
        tenant_id=staff.tenant_id,
        branches=staff.branch_scope,
        customer_id=customer_id,
        kinds=kinds,
        issued_from=issued_from,
        issued_to=issued_to,
    )
    names = BundleNames()
    after = None
    while True:
        async with new_uow() as uow:
            page = await uow.documents.latest_versions(criteria, after=after, limit=page_size)
        for found in page:
            name = names.name(found.kind, found.number, found.version.status)
            yield FileToServe.of(found.version, language, name)
        if len(page) < page_size:
            return
        after = page[-1].position
