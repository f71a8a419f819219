from shared.db.engine import make_engine
from shared.db.stores import SYSTEM, Actor, IdempotentRequest, StoredResponse, format_document_number
from shared.db.tables import KernelTables, define_kernel_tables
from shared.db.uow import UnitOfWork

__all__ = [
    "SYSTEM",
    "Actor",
    "IdempotentRequest",
    "KernelTables",
    "StoredResponse",
    "UnitOfWork",
    "define_kernel_tables",
    "format_document_number",
    "make_engine",
]
