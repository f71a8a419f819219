"""`mudjam replay SERVICE`: rebuilds a service's read model from the topics.

Only the portal's state is a projection of other services' events (its links, slips, staff
sessions, page versions and payment reports are kept, see `PROJECTED_TABLES`); the other services
own their state, and their topics are built from it, not the other way round. The portal must be
stopped: its consumer group has to be empty, or live events and the replay would interleave on a
read model being emptied. The rebuild first empties the projected tables and forgets the applied
events in one transaction, then applies every event again through the portal's own consumer code,
oldest first. Interrupted, it can simply be run again."""

import asyncio
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from mudjam.ops import OpsError
from mudjam.service_databases import database_url
from shared.clock import Clock
from shared.contracts.catalogue import Topic
from shared.db import make_engine
from shared.messaging.replay import Progress, replay
from shared.settings import KafkaSettings

REPLAYABLE = ("portal",)


async def _alone_in(bootstrap: str, group: str, topics: tuple[Topic, ...], wait_s: float = 30) -> bool:
    """Joins the group for a moment: alone, it is given every partition, once the members that
    died have timed out. (Asking the broker who the members are is not enough: the embedded broker
    lists a killed member until someone joins.)"""
    probe = AIOKafkaConsumer(
        *(t.name for t in topics), bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await asyncio.wait_for(probe.start(), 120)  # waits for a first share of the partitions
    try:
        everything = {p for t in topics for p in probe.partitions_for_topic(t.name) or ()}
        deadline = time.monotonic() + wait_s
        while len(probe.assignment()) < len(everything):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.2)
        return True
    finally:
        await probe.stop()


async def replay_service(
    service: str, *, bootstrap: str, state_dir: Path, progress: Progress
) -> tuple[int, int]:
    """Rebuilds the service's read model; returns the events applied and the events that failed."""
    if service not in REPLAYABLE:
        raise OpsError(
            f"{service} owns its state (its events are built from it): only {', '.join(REPLAYABLE)} "
            "is rebuilt from the topics"
        )
    from services.portal import use_cases
    from services.portal.adapters.uow import PortalUnitOfWork
    from services.portal.bootstrap import CONSUMED_TOPICS, CONSUMER_GROUP
    from services.portal.entrypoints.events import HANDLERS
    from shared.messaging.consumer import EventConsumer

    if not await _alone_in(bootstrap, CONSUMER_GROUP, CONSUMED_TOPICS):
        raise OpsError(f"stop the {service} first: its consumer group {CONSUMER_GROUP} has other members")
    engine = make_engine(database_url(service, state_dir), pool_size=2)
    try:
        consumer = EventConsumer(
            CONSUMER_GROUP,
            uow_factory=lambda: PortalUnitOfWork(engine),
            handlers=HANDLERS,
            settings=KafkaSettings(bootstrap_servers=bootstrap),
            clock=Clock(),
        )
        async with PortalUnitOfWork(engine) as uow:
            await use_cases.forget_read_model(uow=uow, consumer=CONSUMER_GROUP)
            await uow.commit()
        return await replay(consumer, bootstrap, CONSUMED_TOPICS, progress)
    finally:
        await engine.dispose()
