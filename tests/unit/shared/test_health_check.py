"""/healthz says whether the database answers, never why not: the reason can name the database's
host, user and database, which is for the log, not for whoever can reach the port."""

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import create_async_engine

from mudjam.stack import free_port
from shared.clock import Clock
from shared.settings import AuthSettings
from shared.web import create_app


@contextlib.asynccontextmanager
async def _no_lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield


async def test_an_unreachable_database_is_reported_without_its_address_or_user() -> None:
    engine = create_async_engine(
        f"postgresql+asyncpg://secret_owner:pw@127.0.0.1:{free_port()}/canary_database_name"
    )
    app = create_app(
        title="deposits",
        description="",
        engine=engine,
        broker=KafkaBroker(),
        lifespan=_no_lifespan,
        clock=Clock(),
        auth=AuthSettings(),
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get("/healthz")
    await engine.dispose()

    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "service": "deposits", "database": "unreachable"}
    for canary in ("secret_owner", "canary_database_name", "127.0.0.1", "Connect"):
        assert canary not in answer.text
