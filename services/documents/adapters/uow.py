import asyncio

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.documents.adapters.repository import Documents, ReferenceData, RenderJobs
from services.documents.adapters.tables import kernel
from shared.db import UnitOfWork

SOURCE = "mudjam/documents"


class DocumentsUnitOfWork(UnitOfWork):
    documents: Documents
    jobs: RenderJobs
    reference: ReferenceData

    def __init__(self, engine: AsyncEngine, *, jobs_ready: asyncio.Event | None = None) -> None:
        super().__init__(engine, kernel, SOURCE)
        self._jobs_ready = jobs_ready
        self._wake_after_commit = False

    def bind(self, conn: AsyncConnection) -> None:
        self.documents = Documents(conn)
        self.jobs = RenderJobs(conn)
        self.reference = ReferenceData(conn)
        self._wake_after_commit = False

    def wake_renderers(self) -> None:
        """Wakes this process's render workers once the transaction commits (not before: they
        would look for the job and not see it yet)."""
        self._wake_after_commit = True

    async def commit(self) -> None:
        await super().commit()
        if self._wake_after_commit and self._jobs_ready is not None:
            self._jobs_ready.set()
        self._wake_after_commit = False
