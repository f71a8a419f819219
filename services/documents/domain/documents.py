"""A rendered document: its versions (each announced once), the files of each and where they are
kept, the names it is downloaded under. Pure."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Self
from uuid import UUID

from services.documents.domain.facts import version_status
from services.documents.domain.jobs import JobStatus, RenderJob
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered
from shared.contracts.types import Language
from shared.errors import NotFound


class DocumentNotFound(NotFound):
    code = "document_not_found"


class DocumentNotRendered(NotFound):
    code = "document_not_rendered"


class PageNotFound(NotFound):
    code = "page_not_found"


@dataclass(frozen=True)
class StoredFile:
    language: Language  # printed first; the other language follows beneath
    storage_key: str
    sha256: str
    size_bytes: int
    pages: int | None = None  # None: rendered before page counts were kept


@dataclass(frozen=True)
class DocumentVersion:
    version: int
    status: Literal["issued", "void"]
    issued_on: date
    amount: Decimal
    reference: str
    related_number: str | None
    files: tuple[StoredFile, ...]
    render_ms: int
    rendered_at: datetime
    template_release: str | None = None  # None: drawn before releases were kept

    @classmethod
    def rendered_by(
        cls,
        job: RenderJob,
        *,
        files: list[StoredFile],
        timezone: str,
        render_ms: int,
        at: datetime,
        template_release: str,
        earlier: "DocumentVersion | None" = None,
    ) -> tuple[Self, DocumentRendered]:
        """The version a job rendered into these files, and the event announcing it. A later step of
        the job adds its files to the version announced `earlier` (same version, announced again
        with every file it now has; its render time is the steps' sum)."""
        facts = job.facts
        if earlier is not None:
            added = {f.language for f in files}
            files = [*(f for f in earlier.files if f.language not in added), *files]
            render_ms += earlier.render_ms
            at = earlier.rendered_at
        version = cls(
            version=job.version,
            status=version_status(facts),
            issued_on=facts.issued_on(timezone),
            amount=facts.amount_stated,
            reference=facts.reference,
            related_number=facts.related_number,
            files=tuple(files),
            render_ms=render_ms,
            rendered_at=at,
            template_release=template_release,
        )
        rendered = version.announcement(
            document_id=job.document_id,
            kind=job.kind,
            number=job.number,
            customer_id=job.customer_id,
            job_id=facts.job_id,
        )
        return version, rendered

    def announcement(
        self, *, document_id: UUID, kind: DocumentKind, number: str, customer_id: str, job_id: str | None
    ) -> DocumentRendered:
        """`document.rendered.v1` for this version of the document."""
        return DocumentRendered(
            document_id=document_id,
            kind=kind,
            number=number,
            version=self.version,
            status=self.status,
            customer_id=customer_id,
            issued_on=self.issued_on,
            amount=self.amount,
            reference=self.reference,
            related_number=self.related_number,
            job_id=job_id,
            files=[
                DocumentFile(
                    language=f.language,
                    storage_key=f.storage_key,
                    sha256=f.sha256,
                    size_bytes=f.size_bytes,
                    pages=f.pages,
                )
                for f in self.files
            ],
            render_ms=self.render_ms,
        )

    def file(self, language: Language) -> StoredFile:
        """The file printed in `language` first. Every file is bilingual, so until that print order
        is rendered (it follows the customer's own) the one there is serves."""
        found = next((f for f in self.files if f.language == language), None)
        if found is None and self.files:
            return self.files[0]
        if found is None:
            raise DocumentNotRendered(f"Version {self.version} has no {language} file")
        return found


@dataclass(frozen=True)
class JobState:
    version: int
    status: JobStatus
    attempts: int
    last_error: str | None


@dataclass
class Document:
    document_id: UUID
    tenant_id: str
    branch_id: str | None
    customer_id: str
    kind: DocumentKind
    number: str
    related_number: str | None
    created_at: datetime
    job_id: str | None = None
    versions: list[DocumentVersion] = field(default_factory=list)  # oldest first
    jobs: list[JobState] = field(default_factory=list)

    @property
    def latest(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None

    def rendered_version(self, version: int | None = None) -> DocumentVersion:
        """The latest rendered version, or the one named; not found while it is still rendering."""
        found = (
            self.latest if version is None else next((v for v in self.versions if v.version == version), None)
        )
        if found is None:
            which = "This document" if version is None else f"Version {version} of this document"
            raise DocumentNotRendered(f"{which} is not rendered (yet)")
        return found

    @property
    def next_version(self) -> int:
        return self.versions[-1].version + 1 if self.versions else 1

    def has_content(self, sha256: str) -> bool:
        """True when some version already is this file (a signed document delivered again)."""
        return any(f.sha256 == sha256 for v in self.versions for f in v.files)

    def check_customer(self, customer_id: str | None) -> None:
        # Another customer's document looks absent, so a customer cannot probe for numbers.
        if customer_id is not None and customer_id != self.customer_id:
            raise DocumentNotFound("Document not found")


# Numbers of our own (DEPRR-2026-0001) are plain tokens; an upstream number is free text, so one
# that is not a plain token is stored under a digest of itself (a "/" must never make a folder).
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# Characters no file name may hold on the systems customers download to.
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _key_segment(number: str) -> str:
    return number if _PLAIN.fullmatch(number) else "n-" + hashlib.sha256(number.encode()).hexdigest()[:32]


def storage_key(tenant_id: str, kind: DocumentKind, number: str, version: int, language: Language) -> str:
    """One key per version and language: a re-render overwrites, never duplicates."""
    return f"{tenant_id}/{kind.value}/{_key_segment(number)}/v{version}-{language}.pdf"


def signed_file_key(tenant_id: str, kind: DocumentKind, number: str, sha256: str) -> str:
    """A signed document's file, by its content: storing it again (two consumers during a
    rebalance) writes the same bytes, never over another version's."""
    return f"{tenant_id}/{kind.value}/{_key_segment(number)}/{sha256}.pdf"


def page_image_key(pdf_key: str, page: int, width_px: int) -> str:
    """Where the PNG of one page of one stored PDF is cached (a version's files never change)."""
    return f"{pdf_key.removesuffix('.pdf')}-p{page}-w{width_px}.png"


def download_name(number: str, status: str) -> str:
    name = _NOT_IN_FILE_NAMES.sub("-", number)
    return f"{name}-VOID.pdf" if status == "void" else f"{name}.pdf"


class BundleNames:
    """The names of a zip's PDFs: each document's download name; two kinds sharing a configured
    prefix (so the same number) are told apart by the kind."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def name(self, kind: DocumentKind, number: str, status: str) -> str:
        name = download_name(number, status)
        if name in self._taken:
            name = f"{kind.value}-{name}"
        self._taken.add(name)
        return name
