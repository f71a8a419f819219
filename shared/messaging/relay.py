"""Publishes the outbox to Kafka in commit order and marks rows sent.

One relay per service leads at a time (a PostgreSQL advisory lock), so events of one aggregate
keep their order even with several replicas. A NOTIFY from the outbox trigger wakes it at once;
it also polls, in case a notification is missed.
"""

import asyncio
import contextlib
import logging
import zlib

from faststream.kafka.publisher import DefaultPublisher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db.tables import OUTBOX_CHANNEL, KernelTables
from shared.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        tables: KernelTables,
        publishers: dict[str, DefaultPublisher],
        *,
        service: str,
        batch_size: int = 200,
        poll_interval_s: float = 1.0,
    ) -> None:
        self._engine, self._table, self._publishers = engine, tables.outbox, publishers
        self._lock_key = zlib.crc32(f"mudjam-outbox-relay:{service}".encode())
        self._batch_size, self._poll_interval_s = batch_size, poll_interval_s
        self._wake = asyncio.Event()

    async def run(self) -> None:
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying")
                await asyncio.sleep(self._poll_interval_s)

    async def _lead(self) -> None:
        async with self._engine.connect() as listener:
            listener = await listener.execution_options(isolation_level="AUTOCOMMIT")
            try:
                if not await listener.scalar(select(func.pg_try_advisory_lock(self._lock_key))):
                    await asyncio.sleep(self._poll_interval_s)  # another replica leads
                    return
                raw = (await listener.get_raw_connection()).driver_connection
                assert raw is not None
                await raw.add_listener(OUTBOX_CHANNEL, self._on_notify)
                while True:
                    self._wake.clear()
                    if await self.publish_pending() < self._batch_size:
                        await self._measure_backlog(listener)
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._wake.wait(), self._poll_interval_s)
                    await _keep_alive(listener)
            finally:
                # Close this session rather than pool it: that releases the advisory lock and the
                # LISTEN, so this replica (or another) can lead again after an error or shutdown.
                await listener.invalidate()

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publishes one batch; returns how many rows it sent."""
        t = self._table
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(t.c.seq, t.c.topic, t.c.key, t.c.event_type, t.c.envelope)
                    .where(t.c.published_at.is_(None))
                    .order_by(t.c.seq)
                    .limit(self._batch_size)
                )
            ).all()
            if not rows:
                return 0
            confirmations = [
                await self._publishers[row.topic].publish(
                    row.envelope,
                    key=row.key.encode(),
                    headers={"ce_type": row.event_type, "content-type": "application/json"},
                    no_confirm=True,
                )
                for row in rows
            ]
            await asyncio.gather(*confirmations)
            await conn.execute(
                t.update().where(t.c.seq.in_([row.seq for row in rows])).values(published_at=func.now())
            )
        return len(rows)

    async def _measure_backlog(self, conn: AsyncConnection) -> None:
        """What is left to publish once the relay has caught up (rows committed meanwhile): the
        backlog and its oldest row's age, for /metrics. Only the leading replica measures."""
        t = self._table
        backlog, oldest = (
            await conn.execute(
                select(func.count(), func.extract("epoch", func.now() - func.min(t.c.created_at))).where(
                    t.c.published_at.is_(None)
                )
            )
        ).one()
        OUTBOX_BACKLOG.set(backlog)
        OUTBOX_OLDEST_AGE.set(float(oldest or 0))


async def _keep_alive(conn: AsyncConnection) -> None:
    # Fails fast when the database went away, so the lock is retaken on a fresh connection.
    await conn.scalar(select(1))
