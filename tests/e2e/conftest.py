from collections.abc import AsyncIterator

import pytest

from tests.system import System


@pytest.fixture(autouse=True)
async def renders_settle(system: System) -> AsyncIterator[None]:
    """After each test, wait until the documents it caused are rendered, so the next test does not
    wait behind another test's render queue (every test pays for its own PDFs)."""
    yield
    await system.renders_settled()
