"""What every service's HTTP side answers, and says it answers, when a request is refused: the
shared error body, documented on every operation with an example; a 422 naming the input at fault
for a body it cannot read, a date that is not YYYY-MM-DD, or text with control characters; and a
405 whose Allow lists every method of the path."""

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import jsonschema_rs
import pytest
from fastapi import APIRouter, FastAPI, Query
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import create_async_engine

from shared.clock import Clock
from shared.contracts.types import IsoDate, RequiredText, Text
from shared.money import PositiveMoney
from shared.settings import AuthSettings
from shared.web import Staff, create_app


@contextlib.asynccontextmanager
async def _no_lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield


class _NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: RequiredText


def _app() -> FastAPI:
    app = create_app(
        title="test",
        description="",
        engine=create_async_engine("postgresql+asyncpg://u:p@127.0.0.1:1/db"),
        broker=KafkaBroker(),
        lifespan=_no_lifespan,
        clock=Clock(),
        auth=AuthSettings(),
    )
    reads, writes = APIRouter(prefix="/v1/notes"), APIRouter(prefix="/v1/notes")

    @reads.get("")
    async def list_notes(since: Annotated[IsoDate | None, Query()] = None) -> dict[str, str]:
        return {"since": str(since)}

    @writes.post("", responses={409: {"description": "Closed"}})
    async def add_note(body: _NoteIn, staff: Staff) -> dict[str, str]:
        return {"note": body.note}

    @reads.post("/checks")
    async def check_note(body: _NoteIn) -> dict[str, str]:
        return {"note": body.note}

    app.include_router(reads)
    app.include_router(writes)
    return app


async def _call(method: str, path: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)


async def test_a_405_allows_every_method_of_the_path_even_across_routes() -> None:
    answer = await _call("DELETE", "/v1/notes")

    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"
    assert answer.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("body", [b"\xff\xfe{", b'{"note": '])
async def test_a_body_that_cannot_be_read_is_a_422_naming_the_body(body: bytes) -> None:
    answer = await _call("POST", "/v1/notes", content=body, headers={"content-type": "application/json"})

    assert answer.status_code in {401, 422}  # no token: either refusal is documented
    if answer.status_code == 422:
        assert answer.json()["error"]["field"] == "body"


@pytest.mark.parametrize("since", ["0", "2026-03-12T00:00:00", "12/03/2026"])
async def test_a_date_parameter_is_only_yyyy_mm_dd_and_its_refusal_names_it(since: str) -> None:
    answer = await _call("GET", "/v1/notes", params={"since": since})

    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "since")


async def test_every_operation_documents_its_refusals_with_the_error_body_and_an_example() -> None:
    document = (await _call("GET", "/openapi.json")).json()
    post = document["paths"]["/v1/notes"]["post"]["responses"]
    get = document["paths"]["/v1/notes"]["get"]["responses"]

    assert {"401", "403", "409", "413", "422"} <= set(post)
    assert "422" in get
    assert "401" not in get  # it takes no token
    for answer in (*(post[status] for status in post if status >= "400"), get["422"]):
        content = answer["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
        assert "error" in content["example"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def _accepted(kind: Any, value: object) -> bool:
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (PositiveMoney, ["0", "0.00", "0.01", "1500", "1500.5", "1500.505", "", "1e3", " 5", "01", 0, 0.1]),
        (Text, ["", "a", " a ", "a\nb", "a\x0bb", "\x00", "\x7f"]),
        (RequiredText, ["", " ", "\u3000", " a", "\ta\t", "a\x1f"]),
    ],
)
def test_what_is_accepted_is_what_the_published_schema_says(kind: Any, values: list[object]) -> None:
    schema = jsonschema_rs.validator_for(TypeAdapter(kind).json_schema())
    for value in values:
        assert _accepted(kind, value) == schema.is_valid(value), value


@pytest.mark.parametrize(
    ("body", "field"),
    [({"note": "a", "": 1}, "body"), ({"note": "a\x00"}, "note"), (["a"], "body"), ({}, "note")],
)
async def test_every_refused_body_names_the_input_at_fault(body: object, field: str) -> None:
    answer = await _call("POST", "/v1/notes/checks", json=body)

    assert (answer.status_code, answer.json()["error"]["field"]) == (422, field)
