from shared.db.engine import make_engine
from shared.db.stores import IdempotentRequest, StoredResponse
from shared.db.tables import KernelTables, define_kernel_tables
from shared.db.uow import UnitOfWork

__all__ = [
    "IdempotentRequest",
    "KernelTables",
    "StoredResponse",
    "UnitOfWork",
    "define_kernel_tables",
    "make_engine",
]
