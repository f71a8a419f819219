"""HTTP schemas, one per use, apart from domain objects and events."""

from datetime import date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.documents.domain import Document, DocumentVersion, JobStatus
from shared.contracts.documents import DocumentKind
from shared.contracts.types import Id, Language
from shared.money import Money


class BundleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: Id
    document_ids: Annotated[list[UUID], Field(min_length=1, max_length=200)]
    language: Language = Field(description="The language printed first in every PDF")


class FileOut(BaseModel):
    language: Language
    sha256: str
    size_bytes: int


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
            files=[FileOut(language=f.language, sha256=f.sha256, size_bytes=f.size_bytes) for f in v.files],
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
