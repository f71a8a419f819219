"""What a service recorded about a subject, read straight from its database."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import KernelTables


async def recorded(
    engine: AsyncEngine, kernel: KernelTables, subject_id: object
) -> tuple[list[Any], list[Any]]:
    """The audit rows about the subject and the outbox rows keyed by it, oldest first."""
    audit, outbox = kernel.audit_log, kernel.outbox
    async with engine.connect() as conn:
        audit_rows = (
            await conn.execute(
                select(audit).where(audit.c.subject_id == str(subject_id)).order_by(audit.c.id)
            )
        ).all()
        outbox_rows = (
            await conn.execute(select(outbox).where(outbox.c.key == str(subject_id)).order_by(outbox.c.seq))
        ).all()
    return list(audit_rows), list(outbox_rows)
