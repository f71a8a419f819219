"""The staff console's sessions: a row per signed-in browser, found by the hash of its id."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.portal.adapters.tables import staff_sessions
from services.portal.domain.staff import StaffSession
from shared.auth import Principal


def _session(row: Row[Any]) -> StaffSession:
    return StaffSession(
        session_hash=row.session_hash,
        principal=Principal(
            user_id=row.user_id,
            name=row.name,
            tenant_id=row.tenant_id,
            branches=frozenset(row.branches),
            roles=frozenset(row.roles),
        ),
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
    )


class StaffSessionRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, session: StaffSession) -> None:
        p = session.principal
        await self._conn.execute(
            staff_sessions.insert().values(
                session_hash=session.session_hash,
                tenant_id=p.tenant_id,
                user_id=p.user_id,
                name=p.name,
                branches=sorted(p.branches),
                roles=sorted(p.roles),
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
            )
        )

    async def get(self, session_hash: str) -> StaffSession | None:
        row = (
            await self._conn.execute(
                select(staff_sessions).where(staff_sessions.c.session_hash == session_hash)
            )
        ).first()
        return _session(row) if row else None

    async def touch(self, session_hash: str, now: datetime) -> None:
        await self._conn.execute(
            update(staff_sessions)
            .where(staff_sessions.c.session_hash == session_hash)
            .values(last_seen_at=now)
        )

    async def remove(self, session_hash: str) -> None:
        await self._conn.execute(delete(staff_sessions).where(staff_sessions.c.session_hash == session_hash))

    async def remove_ended(self, *, idle_since: datetime, created_before: datetime) -> None:
        """Sessions nobody can use any more leave no rows behind."""
        await self._conn.execute(
            delete(staff_sessions).where(
                (staff_sessions.c.last_seen_at < idle_since) | (staff_sessions.c.created_at < created_before)
            )
        )
