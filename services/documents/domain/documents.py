"""A rendered document: its versions (each announced once), the files of each and where they are
kept. Pure."""

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

LANGUAGES: tuple[Language, Language] = ("th", "en")


class DocumentNotFound(NotFound):
    code = "document_not_found"


class DocumentNotRendered(NotFound):
    code = "document_not_rendered"


@dataclass(frozen=True)
class StoredFile:
    language: Language  # printed first; the other language follows beneath
    storage_key: str
    sha256: str
    size_bytes: int


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

    @classmethod
    def rendered_by(
        cls, job: RenderJob, *, files: list[StoredFile], timezone: str, render_ms: int, at: datetime
    ) -> tuple[Self, DocumentRendered]:
        """The version a job rendered into these files, and the event announcing it."""
        facts = job.facts
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
        )
        rendered = DocumentRendered(
            document_id=job.document_id,
            kind=job.kind,
            number=job.number,
            version=job.version,
            status=version.status,
            customer_id=job.customer_id,
            issued_on=version.issued_on,
            amount=version.amount,
            reference=version.reference,
            related_number=version.related_number,
            files=[
                DocumentFile(
                    language=f.language, storage_key=f.storage_key, sha256=f.sha256, size_bytes=f.size_bytes
                )
                for f in files
            ],
            render_ms=render_ms,
        )
        return version, rendered

    def file(self, language: Language) -> StoredFile:
        found = next((f for f in self.files if f.language == language), None)
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

    def check_customer(self, customer_id: str | None) -> None:
        # Another customer's document looks absent, so a customer cannot probe for numbers.
        if customer_id is not None and customer_id != self.customer_id:
            raise DocumentNotFound("Document not found")


def storage_key(tenant_id: str, kind: DocumentKind, number: str, version: int, language: Language) -> str:
    """One key per version and language: a re-render overwrites, never duplicates."""
    return f"{tenant_id}/{kind.value}/{number}/v{version}-{language}.pdf"


def download_name(number: str, status: str) -> str:
    return f"{number}-VOID.pdf" if status == "void" else f"{number}.pdf"
