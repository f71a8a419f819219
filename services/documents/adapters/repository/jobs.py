"""Render jobs: one per document version, claimed by workers for a lease."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.documents.adapters.tables import (
    document_versions,
    render_jobs,
)
from services.documents.domain import (
    FACTS,
    JobStatus,
    Priority,
    RenderJob,
)
from shared.context import Trace
from shared.contracts.documents import DocumentKind


def _job(row: Row[Any]) -> RenderJob:
    return RenderJob(
        id=row.id,
        tenant_id=row.tenant_id,
        branch_id=row.branch_id,
        document_id=row.document_id,
        kind=DocumentKind(row.kind),
        number=row.number,
        version=row.version,
        customer_id=row.customer_id,
        facts=FACTS.validate_python(row.facts),
        status=JobStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        locked_until=row.locked_until,
        claim_token=row.claim_token,
        last_error=row.last_error,
        finished_at=row.finished_at,
        awaiting_input=row.awaiting_input,
        trace=Trace(row.correlation_id, row.causation_id) if row.correlation_id else None,
        priority=Priority(row.priority),
        rendered_languages=tuple(row.rendered_languages),
    )


@dataclass(frozen=True)
class QueueStats:
    waiting: int  # pending or rendering
    oldest_due_at: datetime | None  # the longest-waiting job that is due now


@dataclass(frozen=True)
class ReRenderCriteria:
    """Documents of a kind whose latest version was drawn since a moment by other templates than
    the release at hand, and with nothing newer scheduled (so neither drawn again nor waiting)."""

    kind: DocumentKind
    since: datetime
    release: str
    tenant_id: str | None = None  # None: every tenant's

    def where(self) -> Any:
        j, v = render_jobs.c, document_versions.c
        later = render_jobs.alias("later")
        return and_(
            j.kind == self.kind,
            j.status == JobStatus.DONE,
            v.rendered_at >= self.since,
            v.template_release.is_distinct_from(self.release),
            *([j.tenant_id == self.tenant_id] if self.tenant_id else []),
            ~select(later.c.id)
            .where(later.c.document_id == j.document_id, later.c.version > j.version)
            .exists(),
        )


class RenderJobs:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _re_renderable(self, criteria: ReRenderCriteria) -> Any:
        j, v = render_jobs.c, document_versions.c
        return render_jobs.join(
            document_versions, and_(v.document_id == j.document_id, v.version == j.version)
        ), criteria.where()

    async def count_re_renderable(self, criteria: ReRenderCriteria) -> int:
        joined, where = self._re_renderable(criteria)
        return int(await self._conn.scalar(select(func.count()).select_from(joined).where(where)) or 0)

    async def re_renderable(self, criteria: ReRenderCriteria, *, limit: int) -> list[RenderJob]:
        """The latest jobs of such documents, oldest document first."""
        joined, where = self._re_renderable(criteria)
        rows = await self._conn.execute(
            select(render_jobs)
            .select_from(joined)
            .where(where)
            .order_by(render_jobs.c.created_at)
            .limit(limit)
        )
        return [_job(row) for row in rows]

    async def add(self, job: RenderJob) -> bool:
        """False when this version already has a job (a redelivered or replayed event)."""
        added = await self._conn.execute(
            insert(render_jobs)
            .values(
                id=job.id,
                document_id=job.document_id,
                version=job.version,
                tenant_id=job.tenant_id,
                branch_id=job.branch_id,
                customer_id=job.customer_id,
                kind=job.kind.value,
                number=job.number,
                facts=FACTS.dump_python(job.facts, mode="json"),
                status=job.status.value,
                attempts=job.attempts,
                next_attempt_at=job.next_attempt_at,
                created_at=job.created_at,
                correlation_id=job.trace.correlation_id if job.trace else None,
                causation_id=job.trace.causation_id if job.trace else None,
                priority=job.priority.value,
                rendered_languages=list(job.rendered_languages),
            )
            .on_conflict_do_nothing(index_elements=["document_id", "version"])
            .returning(render_jobs.c.id)
        )
        return added.first() is not None

    async def of_version(self, document_id: UUID, version: int) -> RenderJob | None:
        row = (
            await self._conn.execute(
                select(render_jobs).where(
                    render_jobs.c.document_id == document_id, render_jobs.c.version == version
                )
            )
        ).first()
        return _job(row) if row else None

    async def latest_of(self, document_id: UUID) -> RenderJob | None:
        """The job of the document's highest version scheduled so far."""
        row = (
            await self._conn.execute(
                select(render_jobs)
                .where(render_jobs.c.document_id == document_id)
                .order_by(render_jobs.c.version.desc())
                .limit(1)
            )
        ).first()
        return _job(row) if row else None

    async def get_for_update(self, job_id: UUID) -> RenderJob | None:
        row = (
            await self._conn.execute(select(render_jobs).where(render_jobs.c.id == job_id).with_for_update())
        ).first()
        return _job(row) if row else None

    async def next_due(self, now: datetime, *, max_priority: Priority | None = None) -> RenderJob | None:
        """The due job of the most urgent priority, longest waiting first, that no other worker
        holds: pending and due, or rendering with an expired lease (its renderer died). Locked rows
        are skipped, so replicas share the queue. `max_priority`: only jobs at least that urgent."""
        t = render_jobs.c
        due = or_(
            and_(t.status == JobStatus.PENDING.value, t.next_attempt_at <= now),
            and_(t.status == JobStatus.RENDERING.value, t.locked_until < now),
        )
        if max_priority is not None:
            due = and_(due, t.priority <= max_priority.value)
        query = (
            select(render_jobs)
            .where(due)
            .order_by(t.priority, t.next_attempt_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = (await self._conn.execute(query)).first()
        return _job(row) if row else None

    async def renew_lease(self, job_id: UUID, claim_token: UUID, locked_until: datetime) -> bool:
        """Extends a claim still held under this token; False once it was lost."""
        t = render_jobs.c
        renewed = await self._conn.execute(
            update(render_jobs)
            .where(t.id == job_id, t.claim_token == claim_token, t.status == JobStatus.RENDERING.value)
            .values(locked_until=locked_until)
            .returning(t.id)
        )
        return renewed.first() is not None

    async def save(self, job: RenderJob, *, locked_by: str | None = None) -> None:
        await self._conn.execute(
            update(render_jobs)
            .where(render_jobs.c.id == job.id)
            .values(
                status=job.status.value,
                attempts=job.attempts,
                next_attempt_at=job.next_attempt_at,
                locked_until=job.locked_until,
                claim_token=job.claim_token,
                locked_by=locked_by,
                last_error=job.last_error,
                finished_at=job.finished_at,
                awaiting_input=job.awaiting_input,
                priority=job.priority.value,
                rendered_languages=list(job.rendered_languages),
            )
        )

    async def retry_waiting_now(self, tenant_id: str, now: datetime, customer_id: str | None = None) -> int:
        """The tenant's (or customer's) details have arrived: jobs backing off are due now, and jobs
        that gave up waiting for those details start over."""
        t = render_jobs.c
        failed_waiting = and_(t.status == JobStatus.FAILED.value, t.awaiting_input)
        conditions = [
            t.tenant_id == tenant_id,
            or_(and_(t.status == JobStatus.PENDING.value, t.next_attempt_at > now), failed_waiting),
        ]
        if customer_id is not None:
            conditions.append(t.customer_id == customer_id)
        result = await self._conn.execute(
            update(render_jobs)
            .where(*conditions)
            .values(
                attempts=case((failed_waiting, 0), else_=t.attempts),
                status=JobStatus.PENDING.value,
                next_attempt_at=now,
                finished_at=None,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def stats(self, now: datetime) -> QueueStats:
        t = render_jobs.c
        waiting_statuses = [JobStatus.PENDING.value, JobStatus.RENDERING.value]
        row = (
            await self._conn.execute(
                select(
                    func.count().filter(t.status.in_(waiting_statuses)),
                    func.min(t.next_attempt_at).filter(
                        t.status == JobStatus.PENDING.value, t.next_attempt_at <= now
                    ),
                ).where(t.status.in_(waiting_statuses))
            )
        ).one()
        return QueueStats(int(row[0] or 0), row[1])
