"""What every service process runs besides its HTTP routes: the topics it needs, the Kafka broker
with its subscribers, the outbox relay and any background workers."""

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.contracts.catalogue import DEAD_LETTERS, Topic
from shared.db.tables import KernelTables
from shared.messaging.broker import declare_publishers, ensure_topics, make_broker
from shared.messaging.relay import OutboxRelay
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    service: str
    settings: ServiceSettings
    engine: AsyncEngine
    tables: KernelTables
    publishes: tuple[Topic, ...]
    broker: KafkaBroker = field(init=False)
    relay: OutboxRelay = field(init=False)
    workers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.broker = make_broker(self.settings.kafka, client_id=f"mudjam-{self.service}")
        # Every consumer may dead-letter, so every service can publish to the dead-letter topic.
        topics = tuple(dict.fromkeys((*self.publishes, DEAD_LETTERS)))
        publishers = declare_publishers(self.broker, topics)
        self.relay = OutboxRelay(self.engine, self.tables, publishers, service=self.service)

    @asynccontextmanager
    async def lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(self.settings.kafka)
        await self.broker.start()
        tasks = [asyncio.create_task(_forever(name, job)) for name, job in self._jobs()]
        # What was loaded to start (modules, the app, its routes and schemas) lives as long as the
        # process: out of the collector's sight, a full collection no longer walks it, so none
        # pauses a request for long.
        gc.collect()
        gc.freeze()
        log.info("%s started", self.service)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.broker.stop()
            await self.engine.dispose()

    def _jobs(self) -> list[tuple[str, Callable[[], Awaitable[None]]]]:
        return [("outbox relay", self.relay.run), *((job.__qualname__, job) for job in self.workers)]


async def _forever(name: str, job: Callable[[], Awaitable[None]]) -> None:
    """Background jobs restart after a crash instead of silently dying with the process alive."""
    while True:
        try:
            await job()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s crashed; restarting in 1 s", name)
            await asyncio.sleep(1)
