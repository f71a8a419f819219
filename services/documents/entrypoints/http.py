"""Documents HTTP API for staff and for the portal and notifications (service tokens, scoped to
the tenant concerned): thin routes that parse, call one use case and map the result."""

import asyncio
import io
import logging
import zipfile
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from services.documents import use_cases
from services.documents.adapters.storage import DocumentStorage, StoredFileMissing
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import DocumentNotRendered
from services.documents.entrypoints.schemas import BundleIn, DocumentOut, DocumentPageOut
from shared.auth import Role
from shared.contracts.documents import DocumentKind
from shared.contracts.types import Id, Language
from shared.web import Staff, engine_of

log = logging.getLogger(__name__)
READERS = (Role.STAFF, Role.MANAGER, Role.SERVICE)
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or invalid bearer token"},
    403: {"description": "The token lacks the role"},
    404: {"description": "No such rendered document for your tenant (and the customer given)"},
    422: {"description": "Invalid input; the error names the field"},
}
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "The PDF"}}
ZIP: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {}}, "description": "One PDF per document"}
}
router = APIRouter(tags=["documents"], responses=RESPONSES)


def new_uow(request: Request) -> DocumentsUnitOfWork:
    return DocumentsUnitOfWork(engine_of(request))


def storage_of(request: Request) -> DocumentStorage:
    storage: DocumentStorage = request.app.state.document_storage
    return storage


Uow = Annotated[DocumentsUnitOfWork, Depends(new_uow)]
Storage = Annotated[DocumentStorage, Depends(storage_of)]
CustomerFilter = Annotated[
    Id | None, Query(description="Only this customer's documents; another customer's look absent")
]


async def _read(storage: DocumentStorage, file: use_cases.FileToServe) -> bytes:
    try:
        return await asyncio.to_thread(storage.get, file.storage_key)
    except StoredFileMissing as error:
        log.error("stored file %s is missing", file.storage_key)
        raise DocumentNotRendered("The file of this document is not available") from error


@router.get(
    "/v1/documents/{document_id}/file",
    response_class=Response,
    responses=PDF,
    summary="A document's PDF: the latest version unless one is named",
)
async def document_file(
    document_id: UUID,
    staff: Staff,
    uow: Uow,
    storage: Storage,
    language: Annotated[
        Language | None, Query(description="Printed first; defaults to the customer's language")
    ] = None,
    customer_id: CustomerFilter = None,
    version: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> Response:
    staff.require_role(*READERS)
    async with uow:
        file = await use_cases.find_file(
            uow=uow,
            staff=staff,
            document_id=document_id,
            language=language,
            customer_id=customer_id,
            version=version,
        )
    return Response(
        await _read(storage, file),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{file.download_name}"',
            "ETag": f'"{file.sha256}"',
            "Cache-Control": "private, no-cache",
        },
    )


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    # PDFs are compressed already: storing them is as small and much faster.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


@router.post(
    "/v1/bundles",
    response_class=Response,
    responses=ZIP,
    summary="One zip of a customer's documents (latest versions), each PDF named by its number",
)
async def bundle(body: BundleIn, staff: Staff, uow: Uow, storage: Storage) -> Response:
    staff.require_role(*READERS)
    async with uow:
        files = await use_cases.find_bundle(
            uow=uow,
            staff=staff,
            customer_id=body.customer_id,
            document_ids=body.document_ids,
            language=body.language,
        )
    entries = [(file.download_name, await _read(storage, file)) for file in files]
    return Response(
        await asyncio.to_thread(_zip, entries),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="documents.zip"'},
    )


@router.get("/v1/documents", summary="List documents with their versions and render state, newest first")
async def list_documents(
    staff: Staff,
    uow: Uow,
    customer_id: CustomerFilter = None,
    kind: DocumentKind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DocumentPageOut:
    staff.require_role(*READERS)
    async with uow:
        found, total = await use_cases.list_documents(
            uow=uow, staff=staff, customer_id=customer_id, kind=kind, limit=limit, offset=offset
        )
    return DocumentPageOut(items=[DocumentOut.of(d) for d in found], total=total, limit=limit, offset=offset)


@router.get("/v1/documents/{document_id}", summary="A document with its versions and render state")
async def get_document(document_id: UUID, staff: Staff, uow: Uow) -> DocumentOut:
    staff.require_role(*READERS)
    async with uow:
        return DocumentOut.of(await use_cases.get_document(uow=uow, staff=staff, document_id=document_id))
