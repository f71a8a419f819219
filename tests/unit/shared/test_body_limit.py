"""Every service refuses a request body over its limit while the body streams in: a chunked body
(which declares no length) is cut off at the chunk that crosses the limit with a 413 naming `body`,
and a body declaring a larger length is refused before any of it is read."""

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import create_async_engine

from shared.clock import Clock
from shared.settings import AuthSettings
from shared.web import create_app

LIMIT = 1024 * 1024
CHUNK = 64 * 1024


class Note(BaseModel):
    text: str


@contextlib.asynccontextmanager
async def _no_lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield


def _app() -> FastAPI:
    app = create_app(
        title="deposits",
        description="",
        engine=create_async_engine("postgresql+asyncpg://u@127.0.0.1:1/d"),
        broker=KafkaBroker(),
        lifespan=_no_lifespan,
        clock=Clock(),
        auth=AuthSettings(),
        max_request_bytes=LIMIT,
    )

    @app.post("/notes")
    async def take(note: Note) -> dict[str, int]:
        return {"length": len(note.text)}

    return app


class _Sender:
    """A chunked JSON body of `size` bytes; counts what the server read of it."""

    def __init__(self, size: int) -> None:
        self.size, self.sent = size, 0

    async def chunks(self) -> AsyncIterator[bytes]:
        body = b'{"text": "' + b"x" * (self.size - 12) + b'"}'
        for start in range(0, len(body), CHUNK):
            self.sent += len(body[start : start + CHUNK])
            yield body[start : start + CHUNK]


async def _post(content: object, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post(
            "/notes", content=content, headers={"content-type": "application/json", **headers}
        )


async def test_a_body_within_the_limit_is_served() -> None:
    sender = _Sender(LIMIT // 2)
    answer = await _post(sender.chunks())
    assert answer.status_code == 200
    assert answer.json() == {"length": LIMIT // 2 - 12}


async def test_a_chunked_body_over_the_limit_is_refused_at_the_chunk_that_crosses_it() -> None:
    sender = _Sender(20 * LIMIT)
    answer = await _post(sender.chunks())
    assert answer.status_code == 413
    assert answer.json()["error"]["field"] == "body"
    assert sender.sent <= LIMIT + CHUNK


async def test_a_body_declaring_more_than_the_limit_is_refused_unread() -> None:
    answer = await _post(b"{}", **{"content-length": str(LIMIT + 1)})
    assert answer.status_code == 413
    assert answer.json()["error"]["message"] == "The request body is larger than 1 MB"
