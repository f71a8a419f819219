from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.deposits.adapters.repository import DepositRepository, ReferenceData
from services.deposits.adapters.tables import kernel
from shared.db import UnitOfWork

SOURCE = "mudjam/deposits"


class DepositsUnitOfWork(UnitOfWork):
    deposits: DepositRepository
    reference: ReferenceData

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, kernel, SOURCE)

    def bind(self, conn: AsyncConnection) -> None:
        self.deposits = DepositRepository(conn)
        self.reference = ReferenceData(conn)
