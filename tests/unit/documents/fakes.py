"""The documents unit of work in memory: render jobs by id and the versions recorded."""

import copy
from uuid import UUID

from services.documents.domain import DocumentVersion, RenderJob
from tests.unit.fakes import FakeUnitOfWork


class FakeJobs:
    def __init__(self) -> None:
        self.rows: dict[UUID, RenderJob] = {}

    async def add(self, job: RenderJob) -> bool:
        if await self.of_version(job.document_id, job.version):
            return False
        self.rows[job.id] = copy.deepcopy(job)
        return True

    async def of_version(self, document_id: UUID, version: int) -> RenderJob | None:
        return next(
            (
                copy.deepcopy(j)
                for j in self.rows.values()
                if (j.document_id, j.version) == (document_id, version)
            ),
            None,
        )

    async def latest_of(self, document_id: UUID) -> RenderJob | None:
        versions = [j for j in self.rows.values() if j.document_id == document_id]
        return copy.deepcopy(max(versions, key=lambda j: j.version)) if versions else None

    async def get_for_update(self, job_id: UUID) -> RenderJob | None:
        return copy.deepcopy(self.rows.get(job_id))

    async def save(self, job: RenderJob, *, locked_by: str | None = None) -> None:
        self.rows[job.id] = copy.deepcopy(job)


class FakeDocuments:
    def __init__(self) -> None:
        self.versions: dict[tuple[UUID, int], DocumentVersion] = {}

    async def ensure(self, job: RenderJob) -> None:
        pass

    async def add_version(self, document_id: UUID, version: DocumentVersion) -> bool:
        if (document_id, version.version) in self.versions:
            return False
        self.versions[document_id, version.version] = version
        return True


class FakeDocumentsUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.jobs = FakeJobs()
        self.documents = FakeDocuments()
        self.renderers_woken = False

    def wake_renderers(self) -> None:
        self.renderers_woken = True
