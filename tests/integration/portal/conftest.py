"""What the portal's integration tests share: the projection consumer on the module's database, and
a customer of a business of the test's own."""

from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import CustomerScope
from services.portal.entrypoints import events
from shared.clock import Clock
from shared.messaging.consumer import EventConsumer
from shared.settings import KafkaSettings


@pytest.fixture
def consumer(engine: AsyncEngine) -> EventConsumer:
    return EventConsumer(
        "portal.projection",
        uow_factory=lambda: PortalUnitOfWork(engine),
        handlers=events.HANDLERS,
        settings=KafkaSettings(),
        clock=Clock(),
    )


@pytest.fixture
def scope() -> CustomerScope:
    return CustomerScope(f"t-{uuid4().hex[:10]}", "c-1")
