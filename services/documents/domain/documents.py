"""A rendered document: its versions, the files of each and where they are kept. Pure."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from services.documents.domain.jobs import JobStatus
from shared.contracts.documents import DocumentKind
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
