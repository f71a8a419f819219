"""Documents HTTP API for staff, for the portal and notifications (service tokens, scoped to the
tenant concerned) and for the operations system's uploads: thin routes that parse, call one use
case and map the result."""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from services.documents import use_cases
from services.documents.adapters.storage import DocumentStorage, StoredFileMissing
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.adapters.zips import ZipMember, zip_stream
from services.documents.domain import DocumentNotRendered
from services.documents.entrypoints.schemas import (
    BundleIn,
    DocumentOut,
    DocumentPageOut,
    IntakeOut,
    KindList,
    issue_dates,
    kinds_of,
)
from services.documents.settings import Settings
from shared.auth import Role
from shared.contracts.documents import DocumentKind
from shared.contracts.types import Id, IsoDate, Language
from shared.web import Staff, engine_of

log = logging.getLogger(__name__)
READERS = (Role.STAFF, Role.MANAGER, Role.SERVICE)
UPLOADERS = (Role.OPERATIONS, Role.SERVICE)
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or invalid bearer token"},
    403: {"description": "The token lacks the role"},
    404: {"description": "No such rendered document for your tenant (and the customer given)"},
    422: {"description": "Invalid input; the error names the field"},
}
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "The PDF"}}
PNG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/png": {}}, "description": "The page as an image"},
    304: {"description": "The image the caller has (If-None-Match) is still this page"},
}
ZIP: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {}}, "description": "One PDF per document, streamed"}
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        # Any content type: intake keeps the bytes; the event's claim is checked when it is applied.
        "description": "The file as signed (a PDF), as raw bytes",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
router = APIRouter(tags=["documents"], responses=RESPONSES)


def new_uow(request: Request) -> DocumentsUnitOfWork:
    return DocumentsUnitOfWork(engine_of(request))


def storage_of(request: Request) -> DocumentStorage:
    storage: DocumentStorage = request.app.state.document_storage
    return storage


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.documents_settings
    return settings


Uow = Annotated[DocumentsUnitOfWork, Depends(new_uow)]
Storage = Annotated[DocumentStorage, Depends(storage_of)]
ServiceSettings = Annotated[Settings, Depends(settings_of)]
CustomerFilter = Annotated[
    Id | None, Query(description="Only this customer's documents; another customer's look absent")
]
FirstLanguage = Annotated[
    Language | None, Query(description="Printed first; defaults to the customer's language")
]
VersionNamed = Annotated[int | None, Query(ge=1, le=10_000, description="Defaults to the latest")]


def _disposition(how: Literal["inline", "attachment"], name: str) -> str:
    """A header any browser reads: a number in Thai is given as UTF-8 too (RFC 6266)."""
    if name.isascii():
        return f'{how}; filename="{name}"'
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    return f"{how}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


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
    language: FirstLanguage = None,
    customer_id: CustomerFilter = None,
    version: VersionNamed = None,
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
            "Content-Disposition": _disposition("inline", file.download_name),
            "ETag": f'"{file.sha256}"',
            "Cache-Control": "private, no-cache",
        },
    )


@router.get(
    "/v1/documents/{document_id}/pages/{page}.png",
    response_class=Response,
    responses=PNG,
    summary="One page of a document's PDF as a PNG, for phones (same readers and scoping as /file)",
)
async def document_page(
    document_id: UUID,
    page: Annotated[int, Path(ge=1, le=10_000, description="1 for the first page")],
    staff: Staff,
    uow: Uow,
    storage: Storage,
    settings: ServiceSettings,
    language: FirstLanguage = None,
    customer_id: CustomerFilter = None,
    version: VersionNamed = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    staff.require_role(*READERS)
    async with uow:
        found = await use_cases.find_page(
            uow=uow,
            staff=staff,
            document_id=document_id,
            page=page,
            language=language,
            customer_id=customer_id,
            version=version,
            width_px=settings.page_image_width_px,
        )
    etag = f'"{found.etag}"'
    # A named version never changes; the latest may be superseded, so it is checked each time.
    cache = (
        f"private, max-age={settings.page_image_max_age_s}, immutable"
        if version is not None
        else "private, max-age=0, must-revalidate"
    )
    headers = {"ETag": etag, "Cache-Control": cache, "X-Document-Version": str(found.file.version)}
    if found.file.pages is not None:
        headers["X-Page-Count"] = str(found.file.pages)
    if if_none_match is not None and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(
        await use_cases.page_image(storage=storage, page=found), media_type="image/png", headers=headers
    )


async def _members(files: AsyncIterator[use_cases.FileToServe]) -> AsyncIterator[ZipMember]:
    async for file in files:
        yield ZipMember(file.download_name, file.storage_key, file.size_bytes, file.rendered_at)


async def _listed(files: list[use_cases.FileToServe]) -> AsyncIterator[use_cases.FileToServe]:
    for file in files:
        yield file


def _zip_response(files: AsyncIterator[use_cases.FileToServe], storage: DocumentStorage) -> StreamingResponse:
    return StreamingResponse(
        zip_stream(_members(files), storage),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="documents.zip"', "Cache-Control": "private"},
    )


@router.post(
    "/v1/bundles",
    response_class=StreamingResponse,
    responses=ZIP,
    summary="One zip of chosen documents of a customer (latest versions), each PDF named by its number",
)
async def bundle(body: BundleIn, staff: Staff, uow: Uow, storage: Storage) -> StreamingResponse:
    staff.require_role(*READERS)
    async with uow:
        files = await use_cases.find_bundle(
            uow=uow,
            staff=staff,
            customer_id=body.customer_id,
            document_ids=body.document_ids,
            language=body.language,
        )
    return _zip_response(_listed(files), storage)


@router.get(
    "/v1/bundles/customer",
    response_class=StreamingResponse,
    responses=ZIP,
    summary="One zip of every document of a customer matching kinds and issue dates, newest first, "
    "with no cap on their number",
)
async def customer_bundle(
    request: Request,
    staff: Staff,
    uow: Uow,
    storage: Storage,
    customer_id: Annotated[Id, Query(description="Whose documents")],
    kinds: Annotated[
        list[KindList],
        Query(description="Only these kinds (repeat it, or separate with commas); all by default"),
    ] = [],  # noqa: B006 (FastAPI copies query defaults)
    issued_from: Annotated[IsoDate | None, Query(description="Issued on or after")] = None,
    issued_to: Annotated[IsoDate | None, Query(description="Issued on or before")] = None,
    language: FirstLanguage = None,
) -> StreamingResponse:
    staff.require_role(*READERS)
    wanted_kinds = kinds_of(kinds)
    issue_dates(issued_from, issued_to)
    async with uow:
        first = await use_cases.bundle_language(
            uow=uow, staff=staff, customer_id=customer_id, language=language
        )
    files = use_cases.customer_bundle(
        new_uow=lambda: new_uow(request),
        staff=staff,
        customer_id=customer_id,
        kinds=wanted_kinds,
        issued_from=issued_from,
        issued_to=issued_to,
        language=first,
    )
    return _zip_response(files, storage)


@router.put(
    "/v1/intake/{sha256}",
    status_code=201,
    responses={
        200: {"description": "This file was uploaded before; nothing changed"},
        413: {"description": "The file is over the intake cap (refused as it streams in)"},
    },
    openapi_extra=UPLOAD_BODY,
    summary="The operations system uploads a signed document (the raw file), then names its key in "
    "the event (FileRef)",
)
async def intake(
    sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="The file's sha256, lowercase hex")],
    request: Request,
    staff: Staff,
    storage: Storage,
    settings: ServiceSettings,
) -> JSONResponse:
    staff.require_role(*UPLOADERS)
    receipt, new = await use_cases.receive_upload(
        storage=storage,
        uploader=staff,
        sha256=sha256,
        declared_length=request.headers.get("content-length"),
        chunks=request.stream(),
        max_bytes=settings.intake_max_bytes,
    )
    out = IntakeOut(key=receipt.key, sha256=receipt.sha256, size_bytes=receipt.size_bytes)
    return JSONResponse(out.model_dump(), status_code=201 if new else 200)


@router.get("/v1/documents", summary="List documents with their versions and render state, newest first")
async def list_documents(
    staff: Staff,
    uow: Uow,
    customer_id: CustomerFilter = None,
    kind: DocumentKind | None = None,
    job_id: Annotated[Id | None, Query(description="Only the documents of this job")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DocumentPageOut:
    staff.require_role(*READERS)
    async with uow:
        found, total = await use_cases.list_documents(
            uow=uow,
            staff=staff,
            customer_id=customer_id,
            kind=kind,
            job_id=job_id,
            limit=limit,
            offset=offset,
        )
    return DocumentPageOut(items=[DocumentOut.of(d) for d in found], total=total, limit=limit, offset=offset)


@router.get("/v1/documents/{document_id}", summary="A document with its versions and render state")
async def get_document(document_id: UUID, staff: Staff, uow: Uow) -> DocumentOut:
    staff.require_role(*READERS)
    async with uow:
        return DocumentOut.of(await use_cases.get_document(uow=uow, staff=staff, document_id=document_id))
