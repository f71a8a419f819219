"""A document's pages as images, for phones whose browsers show no PDF inside a page. Each page is
drawn once per stored file and width, then served from storage: a version's files never change."""

import asyncio
import logging
from dataclasses import dataclass
from uuid import UUID

from services.documents.adapters.pdf import PageOutOfRange, page_png
from services.documents.adapters.storage import DocumentStorage, StoredFileMissing
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import DocumentNotRendered, PageNotFound, page_image_key
from services.documents.use_cases.queries import FileToServe, find_file
from shared.auth import Principal
from shared.contracts.types import Language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageToServe:
    file: FileToServe
    page: int
    width_px: int

    @property
    def image_key(self) -> str:
        return page_image_key(self.file.storage_key, self.page, self.width_px)

    @property
    def etag(self) -> str:
        """Names exactly this image: the PDF's checksum, the page and the width."""
        return f"{self.file.sha256[:32]}-p{self.page}-w{self.width_px}"


async def find_page(
    *,
    uow: DocumentsUnitOfWork,
    staff: Principal,
    document_id: UUID,
    page: int,
    language: Language | None,
    customer_id: str | None,
    version: int | None,
    width_px: int,
) -> PageToServe:
    """A page of the PDF `find_file` finds (same readers, same customer scoping); PageNotFound past
    the last page."""
    file = await find_file(
        uow=uow,
        staff=staff,
        document_id=document_id,
        language=language,
        customer_id=customer_id,
        version=version,
    )
    if file.pages is not None and page > file.pages:
        raise PageNotFound(f"This document has {file.pages} page(s)", field="page")
    return PageToServe(file, page, width_px)


async def page_image(*, storage: DocumentStorage, page: PageToServe) -> bytes:
    """The page as a PNG: from storage once drawn, else drawn from the PDF now and kept."""
    try:
        return await asyncio.to_thread(storage.get, page.image_key)
    except StoredFileMissing:
        pass
    try:
        pdf = await asyncio.to_thread(storage.get, page.file.storage_key)
    except StoredFileMissing as error:
        log.error("stored file %s is missing", page.file.storage_key)
        raise DocumentNotRendered("The file of this document is not available") from error
    try:
        png, _ = await asyncio.to_thread(page_png, pdf, page.page, width_px=page.width_px)
    except PageOutOfRange as error:
        raise PageNotFound(f"This document has no page {page.page}", field="page") from error
    await asyncio.to_thread(storage.put, page.image_key, png)
    return png
