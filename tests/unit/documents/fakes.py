"""The documents unit of work in memory: render jobs by id and the versions recorded; and the
document storage in memory."""

import copy
from collections.abc import Iterator
from uuid import UUID

from services.documents.adapters.storage import StoredFileMissing
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

    async def version(self, document_id: UUID, version: int) -> DocumentVersion | None:
        return self.versions.get((document_id, version))

    async def save_files(self, document_id: UUID, version: DocumentVersion) -> None:
        assert (document_id, version.version) in self.versions
        self.versions[document_id, version.version] = version


class FakeDocumentsUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.jobs = FakeJobs()
        self.documents = FakeDocuments()
        self.renderers_woken = False

    def wake_renderers(self) -> None:
        self.renderers_woken = True


class FakeStagedFile:
    def __init__(self, storage: "FakeStorage", key: str) -> None:
        self._storage, self._key, self._chunks = storage, key, list[bytes]()
        storage.staged += 1

    def write(self, chunk: bytes) -> None:
        self._chunks.append(chunk)

    def commit(self) -> None:
        self._storage.files[self._key] = b"".join(self._chunks)
        self._storage.staged -= 1

    def discard(self) -> None:
        self._storage.staged -= 1


class FakeStorage:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.staged = 0  # files being written, neither committed nor discarded

    def put(self, key: str, content: bytes) -> None:
        self.files[key] = content

    def get(self, key: str) -> bytes:
        if key not in self.files:
            raise StoredFileMissing(key)
        return self.files[key]

    def exists(self, key: str) -> bool:
        return key in self.files

    def read_chunks(self, key: str, chunk_bytes: int = 4) -> Iterator[bytes]:
        content = self.get(key)
        for start in range(0, len(content), chunk_bytes):
            yield content[start : start + chunk_bytes]

    def stage(self, key: str) -> FakeStagedFile:
        return FakeStagedFile(self, key)
