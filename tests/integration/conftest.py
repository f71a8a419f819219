"""Integration tests run one service's storage and use cases on the real PostgreSQL (and, where they
consume, the real broker), in a database of the test module's own: the running services of the
end-to-end tier never see these rows. A module names its service and database:

    SERVICE, DATABASE = "deposits", "deposits_it"
"""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.settings import KafkaSettings
from tests.conftest import Infrastructure


@pytest.fixture(scope="module")
async def engine(infra: Infrastructure, request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    """The module's database, migrated with its service's schema once per session. A module may set
    POOL_SIZE for tests that hold many connections at once."""
    module = request.module
    url = infra.migrate(module.SERVICE, database=module.DATABASE)
    engine = make_engine(url, pool_size=getattr(module, "POOL_SIZE", 10))
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
def kafka(infra: Infrastructure) -> KafkaSettings:
    """The real broker, with quick group joins and retries so consumer tests stay short."""
    return KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap,
        session_timeout_ms=2000,
        heartbeat_interval_ms=500,
        max_attempts=3,
        retry_initial_delay_s=0.01,
        retry_max_delay_s=0.05,
    )
