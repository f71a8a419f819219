"""Documents the operations system produces and signs (a signed quote, a delivery manifest): kept
byte for byte as the next version of their document, once the file is shown to be what the event
claims — a PDF of the stated size and checksum, with pages. Pure.

A file that is not refuses the event for good (`UnprocessableEvent`: dead-lettered at once, staff
alerted); nothing is stored and the customer never sees it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Self
from uuid import UUID

from services.documents.domain.documents import DocumentVersion, StoredFile
from services.documents.domain.intake import mebibytes
from services.documents.domain.jobs import LANGUAGES
from shared.clock import local_date
from shared.contracts.documents import DocumentKind, DocumentRendered, document_id
from shared.contracts.envelope import Subject
from shared.contracts.upstream import DeliveryManifestSigned, FileRef, QuoteSigned
from shared.errors import UnprocessableEvent
from shared.money import ZERO

PDF_CONTENT_TYPE = "application/pdf"
PDF_SIGNATURE = b"%PDF-"
_DESCRIBED = {DocumentKind.SIGNED_QUOTE: "signed quote", DocumentKind.DELIVERY_MANIFEST: "delivery manifest"}


class UploadNotArrived(Exception):
    """The event names an upload documents does not have (yet): retried, then dead-lettered."""


class SignedVersionTaken(Exception):
    """Another consumer stored this version meanwhile (during a rebalance): retried, on top."""


@dataclass(frozen=True)
class SignedDocument:
    kind: DocumentKind
    number: str
    customer_id: str
    job_id: str | None
    signed_at: datetime
    file: FileRef

    @classmethod
    def of(cls, fact: QuoteSigned | DeliveryManifestSigned) -> Self:
        if isinstance(fact, QuoteSigned):
            kind, number = DocumentKind.SIGNED_QUOTE, fact.quote_number
        else:
            kind, number = DocumentKind.DELIVERY_MANIFEST, fact.manifest_number
        return cls(
            kind=kind,
            number=number,
            customer_id=fact.customer_id,
            job_id=fact.job_id,
            signed_at=fact.signed_at,
            file=fact.document,
        )

    @property
    def described(self) -> str:
        return f"{_DESCRIBED[self.kind]} {self.number}"

    def document_id_in(self, tenant_id: str) -> UUID:
        return document_id(tenant_id, self.kind, self.number)

    def subject(self, tenant_id: str, branch_id: str | None) -> Subject:
        """What its announcements are about: its document (also their key)."""
        return Subject("document", self.document_id_in(tenant_id), tenant_id, branch_id)

    def _refuse(self, why: str) -> UnprocessableEvent:
        return UnprocessableEvent(f"{self.described}: {why}")

    def check_claims(self, *, max_bytes: int) -> None:
        """What the event itself says must fit, before the file is even read."""
        claimed = self.file
        if claimed.content_type != PDF_CONTENT_TYPE:
            raise self._refuse(f"the file is declared as {claimed.content_type!r}, not {PDF_CONTENT_TYPE}")
        if claimed.size_bytes > max_bytes:
            raise self._refuse(f"the file is {claimed.size_bytes} bytes, over the {mebibytes(max_bytes)} cap")

    def unknown_key(self) -> UnprocessableEvent:
        return self._refuse(f"{self.file.key!r} is not a key the documents intake gives")

    def check_file(self, content: bytes, *, sha256: str, count_pages: Callable[[bytes], int | None]) -> int:
        """The number of pages of the file, if it is exactly the PDF the event states."""
        if len(content) != self.file.size_bytes:
            raise self._refuse(f"the file has {len(content)} bytes; the event states {self.file.size_bytes}")
        if sha256 != self.file.sha256:
            raise self._refuse("the file's sha256 is not the one the event states")
        if not content.startswith(PDF_SIGNATURE):
            raise self._refuse("the file is not a PDF")
        pages = count_pages(content)
        if pages is None:
            raise self._refuse("the file is not a PDF that can be opened")
        if pages < 1:
            raise self._refuse("the PDF has no pages")
        return pages

    def version(
        self, *, number: int, storage_key: str, pages: int, timezone: str, at: datetime
    ) -> DocumentVersion:
        """The version as signed: the same bytes serve either language, dated the day it was signed."""
        return DocumentVersion(
            version=number,
            status="issued",
            issued_on=local_date(self.signed_at, timezone),
            amount=ZERO,
            reference="",
            related_number=None,
            files=tuple(
                StoredFile(language, storage_key, self.file.sha256, self.file.size_bytes, pages)
                for language in LANGUAGES
            ),
            render_ms=0,
            rendered_at=at,
        )

    def announcement(self, tenant_id: str, version: DocumentVersion) -> DocumentRendered:
        return version.announcement(
            document_id=self.document_id_in(tenant_id),
            kind=self.kind,
            number=self.number,
            customer_id=self.customer_id,
            job_id=self.job_id,
        )
