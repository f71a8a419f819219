"""HTTP schemas, one per use, apart from domain objects and events."""

from datetime import date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.documents.domain import Document, DocumentVersion, JobStatus
from shared.contracts.documents import DocumentKind
from shared.contracts.types import Id, Language
from shared.errors import RuleViolation
from shared.money import Money

MAX_KIND_FILTERS = 20
_KIND = "|".join(kind.value for kind in DocumentKind)
# One value of `kinds`: known kinds separated by commas, or nothing (every kind).
KindList = Annotated[str, StringConstraints(max_length=400, pattern=rf"^(({_KIND})(,({_KIND}))*)?$")]


class BundleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: Id
    # Bounded because the whole body is parsed before it is checked; a customer's every document is
    # GET /v1/bundles/customer, with no cap.
    document_ids: Annotated[list[UUID], Field(min_length=1, max_length=200)]
    language: Language = Field(description="The language printed first in every PDF")


def kinds_of(values: list[str]) -> frozenset[DocumentKind]:
    """`kinds` as given: repeated, or separated by commas; empty means every kind."""
    names = {name.strip() for value in values for name in value.split(",") if name.strip()}
    if len(names) > MAX_KIND_FILTERS:
        raise RuleViolation(f"At most {MAX_KIND_FILTERS} kinds", field="kinds")
    known = {kind.value for kind in DocumentKind}
    unknown = sorted(set(names) - known)
    if unknown:
        raise RuleViolation(
            f"Unknown kind {', '.join(unknown)}; known: {', '.join(sorted(known))}", field="kinds"
        )
    return frozenset(DocumentKind(name) for name in names)


def issue_dates(issued_from: date | None, issued_to: date | None) -> None:
    if issued_from is not None and issued_to is not None and issued_to < issued_from:
        raise RuleViolation("issued_to is before issued_from", field="issued_to")


class IntakeOut(BaseModel):
    key: str = Field(description="What the event's FileRef.key carries")
    sha256: str
    size_bytes: int


class FileOut(BaseModel):
    language: Language
    sha256: str
    size_bytes: int
    pages: int | None = Field(description="None for files rendered before pages were counted")


class VersionOut(BaseModel):
    version: int
    status: Literal["issued", "void"]
    issued_on: date
    amount: Money
    reference: str
    related_number: str | None
    files: list[FileOut]
    render_ms: int
    rendered_at: datetime

    @classmethod
    def of(cls, v: DocumentVersion) -> Self:
        return cls(
            version=v.version,
            status=v.status,
            issued_on=v.issued_on,
            amount=v.amount,
            reference=v.reference,
            related_number=v.related_number,
            files=[
                FileOut(language=f.language, sha256=f.sha256, size_bytes=f.size_bytes, pages=f.pages)
                for f in v.files
            ],
            render_ms=v.render_ms,
            rendered_at=v.rendered_at,
        )


class RenderStateOut(BaseModel):
    version: int
    status: JobStatus
    attempts: int
    last_error: str | None


class DocumentOut(BaseModel):
    document_id: UUID
    kind: DocumentKind
    number: str
    customer_id: str
    branch_id: str | None
    related_number: str | None
    job_id: str | None = Field(description="The job the document is tied to, if any")
    status: Literal["issued", "void"] | None = Field(description="Of the latest rendered version")
    latest_version: int | None
    created_at: datetime
    versions: list[VersionOut]
    rendering: list[RenderStateOut] = Field(description="The render job of every version")

    @classmethod
    def of(cls, d: Document) -> Self:
        latest = d.latest
        return cls(
            document_id=d.document_id,
            kind=d.kind,
            number=d.number,
            customer_id=d.customer_id,
            branch_id=d.branch_id,
            related_number=d.related_number,
            job_id=d.job_id,
            status=latest.status if latest else None,
            latest_version=latest.version if latest else None,
            created_at=d.created_at,
            versions=[VersionOut.of(v) for v in d.versions],
            rendering=[
                RenderStateOut(
                    version=j.version, status=j.status, attempts=j.attempts, last_error=j.last_error
                )
                for j in d.jobs
            ],
        )


class DocumentPageOut(BaseModel):
    items: list[DocumentOut]
    total: int
    limit: int
    offset: int
