"""Documents and their rendered versions, found by id, listed, or paged through for a zip."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, func, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.documents.adapters.tables import (
    document_versions,
    documents,
    render_jobs,
)
from services.documents.domain import (
    Document,
    DocumentVersion,
    JobState,
    JobStatus,
    RenderJob,
    StoredFile,
)
from shared.contracts.documents import DocumentKind


def _version(row: Row[Any]) -> DocumentVersion:
    return DocumentVersion(
        version=row.version,
        status=row.status,
        issued_on=row.issued_on,
        amount=row.amount,
        reference=row.reference,
        related_number=row.related_number,
        files=tuple(StoredFile(**f) for f in row.files),
        render_ms=row.render_ms,
        rendered_at=row.rendered_at,
        template_release=row.template_release,
    )


@dataclass(frozen=True)
class DocumentFilter:
    tenant_id: str
    branches: frozenset[str] | None  # None: every branch
    customer_id: str | None = None
    kind: DocumentKind | None = None
    job_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class LatestVersionFilter:
    """A customer's documents for a zip: the latest rendered version of each, optionally of some
    kinds and issued within dates (inclusive)."""

    tenant_id: str
    branches: frozenset[str] | None
    customer_id: str
    kinds: frozenset[DocumentKind] = frozenset()  # empty: every kind
    issued_from: date | None = None
    issued_to: date | None = None


@dataclass(frozen=True)
class LatestVersion:
    document_id: UUID
    kind: DocumentKind
    number: str
    created_at: datetime
    version: DocumentVersion

    @property
    def position(self) -> tuple[date, datetime, UUID]:
        """Where it is in the newest-first order; the next page starts after it."""
        return self.version.issued_on, self.created_at, self.document_id


class Documents:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def ensure(self, job: RenderJob) -> None:
        await self.ensure_document(
            document_id=job.document_id,
            tenant_id=job.tenant_id,
            branch_id=job.branch_id,
            customer_id=job.customer_id,
            kind=job.kind,
            number=job.number,
            related_number=job.facts.related_number,
            job_id=job.facts.job_id,
            created_at=job.created_at,
        )

    async def ensure_document(
        self,
        *,
        document_id: UUID,
        tenant_id: str,
        branch_id: str | None,
        customer_id: str,
        kind: DocumentKind,
        number: str,
        related_number: str | None,
        job_id: str | None,
        created_at: datetime,
    ) -> None:
        await self._conn.execute(
            insert(documents)
            .values(
                document_id=document_id,
                tenant_id=tenant_id,
                branch_id=branch_id,
                customer_id=customer_id,
                kind=kind.value,
                number=number,
                related_number=related_number,
                job_id=job_id,
                created_at=created_at,
            )
            .on_conflict_do_nothing(index_elements=["document_id"])
        )

    async def add_version(self, document_id: UUID, version: DocumentVersion) -> bool:
        """False when the version is already recorded (and so already announced)."""
        added = await self._conn.execute(
            insert(document_versions)
            .values(
                document_id=document_id,
                version=version.version,
                status=version.status,
                issued_on=version.issued_on,
                amount=version.amount,
                reference=version.reference,
                related_number=version.related_number,
                files=[asdict(f) for f in version.files],
                render_ms=version.render_ms,
                rendered_at=version.rendered_at,
                template_release=version.template_release,
            )
            .on_conflict_do_nothing(index_elements=["document_id", "version"])
            .returning(document_versions.c.version)
        )
        return added.first() is not None

    async def version(self, document_id: UUID, version: int) -> DocumentVersion | None:
        row = (
            await self._conn.execute(
                select(document_versions).where(
                    document_versions.c.document_id == document_id, document_versions.c.version == version
                )
            )
        ).first()
        return _version(row) if row else None

    async def save_files(self, document_id: UUID, version: DocumentVersion) -> None:
        """A recorded version's files (and render time) after a later language was added."""
        t = document_versions.c
        await self._conn.execute(
            update(document_versions)
            .where(t.document_id == document_id, t.version == version.version)
            .values(files=[asdict(f) for f in version.files], render_ms=version.render_ms)
        )

    async def get(self, tenant_id: str, document_id: UUID) -> Document | None:
        found = await self.many(tenant_id, [document_id])
        return found[0] if found else None

    async def many(self, tenant_id: str, document_ids: list[UUID]) -> list[Document]:
        rows = (
            await self._conn.execute(
                select(documents).where(
                    documents.c.tenant_id == tenant_id, documents.c.document_id.in_(document_ids)
                )
            )
        ).all()
        return await self._load(rows)

    async def search(self, f: DocumentFilter) -> tuple[list[Document], int]:
        conditions = [documents.c.tenant_id == f.tenant_id]
        if f.branches is not None:
            conditions.append(documents.c.branch_id.in_(f.branches))
        if f.customer_id is not None:
            conditions.append(documents.c.customer_id == f.customer_id)
        if f.kind is not None:
            conditions.append(documents.c.kind == f.kind.value)
        if f.job_id is not None:
            conditions.append(documents.c.job_id == f.job_id)
        where = and_(*conditions)
        total = await self._conn.scalar(select(func.count()).select_from(documents).where(where))
        rows = (
            await self._conn.execute(
                select(documents)
                .where(where)
                .order_by(documents.c.created_at.desc(), documents.c.number.desc())
                .limit(f.limit)
                .offset(f.offset)
            )
        ).all()
        return await self._load(rows), int(total or 0)

    async def _load(self, rows: Sequence[Row[Any]]) -> list[Document]:
        ids = [row.document_id for row in rows]
        versions: dict[UUID, list[DocumentVersion]] = {i: [] for i in ids}
        jobs: dict[UUID, list[JobState]] = {i: [] for i in ids}
        if ids:
            for v in await self._conn.execute(
                select(document_versions)
                .where(document_versions.c.document_id.in_(ids))
                .order_by(document_versions.c.version)
            ):
                versions[v.document_id].append(_version(v))
            t = render_jobs.c
            for j in await self._conn.execute(
                select(t.document_id, t.version, t.status, t.attempts, t.last_error)
                .where(t.document_id.in_(ids))
                .order_by(t.version)
            ):
                jobs[j.document_id].append(JobState(j.version, JobStatus(j.status), j.attempts, j.last_error))
        return [
            Document(
                document_id=row.document_id,
                tenant_id=row.tenant_id,
                branch_id=row.branch_id,
                customer_id=row.customer_id,
                kind=DocumentKind(row.kind),
                number=row.number,
                related_number=row.related_number,
                created_at=row.created_at,
                job_id=row.job_id,
                versions=versions[row.document_id],
                jobs=jobs[row.document_id],
            )
            for row in rows
        ]

    async def latest_versions(
        self, f: LatestVersionFilter, *, after: tuple[date, datetime, UUID] | None, limit: int
    ) -> list[LatestVersion]:
        """One page of the customer's documents, newest first (by issue date), each with its latest
        rendered version; documents not rendered yet are left out. Keyset paging: the next page
        starts after the last one's `position`, so pages stay cheap however many there are."""
        d, v = documents.c, document_versions.c
        latest = (
            select(document_versions)
            .where(v.document_id == d.document_id)
            .order_by(v.version.desc())
            .limit(1)
            .lateral("latest")
        )
        conditions = [d.tenant_id == f.tenant_id, d.customer_id == f.customer_id]
        if f.branches is not None:
            conditions.append(d.branch_id.in_(f.branches))
        if f.kinds:
            conditions.append(d.kind.in_(sorted(k.value for k in f.kinds)))
        if f.issued_from is not None:
            conditions.append(latest.c.issued_on >= f.issued_from)
        if f.issued_to is not None:
            conditions.append(latest.c.issued_on <= f.issued_to)
        if after is not None:
            conditions.append(tuple_(latest.c.issued_on, d.created_at, d.document_id) < tuple_(*after))
        rows = await self._conn.execute(
            select(
                d.document_id,
                d.kind,
                d.number,
                d.created_at,
                *(c for c in latest.c if c.name != "document_id"),
            )
            .select_from(documents.join(latest, literal(True)))
            .where(*conditions)
            .order_by(latest.c.issued_on.desc(), d.created_at.desc(), d.document_id.desc())
            .limit(limit)
        )
        return [
            LatestVersion(
                document_id=row.document_id,
                kind=DocumentKind(row.kind),
                number=row.number,
                created_at=row.created_at,
                version=_version(row),
            )
            for row in rows
        ]
