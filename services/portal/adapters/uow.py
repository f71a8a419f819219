from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.portal.adapters.invoices import InvoiceStore, SlipStore
from services.portal.adapters.links import LinkRepository
from services.portal.adapters.read_model import ReadModel
from services.portal.adapters.staff_sessions import StaffSessionRepository
from services.portal.adapters.tables import kernel
from shared.db import UnitOfWork

SOURCE = "mudjam/portal"


class PortalUnitOfWork(UnitOfWork):
    links: LinkRepository
    read_model: ReadModel
    invoices: InvoiceStore
    slips: SlipStore
    staff_sessions: StaffSessionRepository

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, kernel, SOURCE)

    def bind(self, conn: AsyncConnection) -> None:
        self.links = LinkRepository(conn)
        self.read_model = ReadModel(conn)
        self.invoices = InvoiceStore(conn)
        self.slips = SlipStore(conn)
        self.staff_sessions = StaffSessionRepository(conn)


class PortalReads(PortalUnitOfWork):
    """The customer pages' reads: one pooled connection in autocommit, so a page's statements cost
    one round trip each (no BEGIN, no ROLLBACK). Nothing is written through it; a page whose reads
    race a projection's commit may show the newer state, never an older one than its version."""

    async def __aenter__(self) -> Self:
        conn = await self._engine.connect()
        self.conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        self.bind(self.conn)
        return self
