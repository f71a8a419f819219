"""The HTTP side every service shares: one error shape, correlation ids, staff auth, idempotent
commands, health, metrics and the published contracts (OpenAPI and AsyncAPI)."""

import hashlib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar
from uuid import uuid4

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from faststream.specification.asyncapi.site import get_asyncapi_html
from prometheus_client import make_asgi_app
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import InvalidToken, Principal, Role, verify_token
from shared.clock import Clock
from shared.context import bound
from shared.db.stores import IdempotentRequest, StoredResponse
from shared.db.uow import UnitOfWork
from shared.errors import Conflict, DomainError, NotFound, PermissionDenied, RuleViolation, TooLarge
from shared.metrics import HTTP_REQUEST_SECONDS
from shared.settings import AuthSettings

log = logging.getLogger(__name__)
CORRELATION_HEADER = "X-Correlation-ID"
_CORRELATION = re.compile(r"[A-Za-z0-9._:-]{1,100}")  # a caller's id is kept only if it is a plain token
_STATUS = {NotFound: 404, Conflict: 409, RuleViolation: 422, PermissionDenied: 403, TooLarge: 413}
ModelT = TypeVar("ModelT", bound=BaseModel)
UowT = TypeVar("UowT", bound=UnitOfWork)


class NotAuthenticated(Exception):
    pass


class ErrorField(BaseModel):
    field: str = Field(description="The input at fault: a body field (dotted path), a parameter or `body`")
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, for clients: validation_error, not_found, conflict, …")
    message: str = Field(description="For people")
    fields: list[ErrorField]
    field: str | SkipJsonSchema[None] = Field(None, description="The first of `fields`; absent when none is")


class ErrorResponse(BaseModel):
    """The body of every error answer (4xx and 5xx) of every service."""

    error: ErrorDetail


def error_body(code: str, message: str, fields: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "fields": [{"field": f, "message": m} for f, m in fields],
    }
    if fields:
        body["field"] = fields[0][0]
    return {"error": body}


def _field_name(location: Sequence[Any]) -> str:
    parts = [str(p) for p in location]
    if len(parts) > 1 and parts[0] in {"query", "path", "header", "cookie"}:
        return parts[1]  # the parameter, not the index of a repeated one
    if parts and parts[0] == "body":
        parts = parts[1:] or parts
    if len(parts) == 1 and parts[0].isdigit():
        return "body"  # the offset of a JSON syntax error
    # A key with no name (an extra "" in the body) is still named: as the body.
    return ".".join(parts) or "body"


def _invalid(fields: Sequence[tuple[str, str]]) -> JSONResponse:
    message = "; ".join(f"{f}: {m}" for f, m in fields) or "Invalid request"
    return JSONResponse(error_body("validation_error", message, fields), 422)


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> list[str]:
    # Asked of the routes themselves, each method in turn: included routers match as a whole.
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        status = next((code for kind, code in _STATUS.items() if isinstance(error, kind)), 400)
        fields = [(error.field, error.message)] if error.field else []
        return JSONResponse(error_body(error.code, error.message, fields), status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = [(_field_name(e.get("loc", ())), str(e.get("msg", "is invalid"))) for e in error.errors()]
        return _invalid(fields)

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(_: Request, error: NotAuthenticated) -> JSONResponse:
        return JSONResponse(
            error_body("not_authenticated", str(error)), 401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:
            # FastAPI's answer to a body it cannot read (not UTF-8, a broken form): invalid input
            # like any other, so a 422 naming the body, as malformed JSON already gets.
            return _invalid([("body", "The request body could not be read")])
        if error.status_code == 405:
            # Starlette names the methods of the first route of the path only; a path served by
            # several routes (GET and POST apart) allows all of theirs.
            return JSONResponse(
                error_body("method_not_allowed", f"{request.method} is not allowed here"),
                405,
                headers={"Allow": ", ".join(_allowed_methods(request))},
            )
        return JSONResponse(
            error_body(f"http_{error.status_code}", str(error.detail)),
            error.status_code,
            headers=error.headers,
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return JSONResponse(error_body("internal_error", "Something went wrong on our side"), 500)


class Correlation:
    """Each request runs under its correlation id (the caller's `X-Correlation-ID` when well formed,
    else a new one), which its response carries back; its line in the log and its latency metric
    are written when the response starts. Plain ASGI, not `BaseHTTPMiddleware`: that one runs every
    request in a task group with memory streams, a fifth of a cached portal page's CPU."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = Headers(scope=scope).get(CORRELATION_HEADER, "")
        correlation = offered if _CORRELATION.fullmatch(offered) else uuid4().hex
        started = time.perf_counter()

        async def send_with_correlation(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = time.perf_counter() - started
                status = message["status"]
                log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={"duration_ms": round(elapsed * 1000, 1)},
                )
                # By route template, never the path: ids in paths would make a series per resource.
                route = getattr(scope.get("route"), "path", "unmatched")
                HTTP_REQUEST_SECONDS.labels(scope["method"], route, str(status)).observe(elapsed)
                headers = MutableHeaders(scope=message)
                headers[CORRELATION_HEADER] = correlation
            await send(message)

        with bound(correlation=correlation):
            await self.app(scope, receive, send_with_correlation)


# What each error status means when a route says no more, and an example of its body.
_ERROR_DOCS: dict[int, tuple[str, dict[str, Any]]] = {
    401: (
        "No or invalid bearer token",
        error_body("not_authenticated", "A staff bearer token is required"),
    ),
    403: (
        "The token lacks the role, or the branch",
        error_body("forbidden", "This needs the role staff or manager"),
    ),
    404: (
        "Not found in your tenant and branches",
        error_body("not_found", "No such resource in your tenant and branches"),
    ),
    409: (
        "The state does not allow this",
        error_body("conflict", "Its state does not allow this; retrying will not help"),
    ),
    413: (
        "The request body is too large",
        error_body(
            "too_large",
            "The request body is larger than 8 MB",
            [("body", "The request body is larger than 8 MB")],
        ),
    ),
    422: (
        "Invalid input; the error names the field",
        error_body("validation_error", "customer_id: Field required", [("customer_id", "Field required")]),
    ),
}
_ERROR_REF = "#/components/schemas/ErrorResponse"
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Gives every operation of an OpenAPI document the error statuses it can answer (401 and 403
    when it takes a token, 422 when it takes any input, 413 when it takes a body, besides those its
    routes declare), each with the shared error body and an example. Idempotent."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorResponse.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )
    components.update(error_schema.pop("$defs", {}))
    components["ErrorResponse"] = error_schema
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _document_operation_errors(operation)
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)  # every 422 now carries the shared body instead
    return schema


def _document_operation_errors(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    statuses = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
    if operation.get("security"):
        statuses |= {401, 403}
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if operation.get("requestBody"):
        statuses.add(413)
    for status in sorted(statuses):
        description, example = _ERROR_DOCS.get(status, ("Refused", error_body(f"http_{status}", "Refused")))
        entry = responses.setdefault(str(status), {"description": description})
        declared = entry.get("content", {}).get("application/json", {}).get("schema", {})
        if not declared or declared.get("$ref", "").endswith(_FASTAPI_VALIDATION_SCHEMAS):
            entry["content"] = {"application/json": {"schema": {"$ref": _ERROR_REF}, "example": example}}
    operation["responses"] = dict(sorted(responses.items()))


class ServiceApp(FastAPI):
    """A service's FastAPI application, whose OpenAPI document documents every error it answers."""

    def openapi(self) -> dict[str, Any]:
        return document_errors(super().openapi())


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    service: str
    database: str | None = Field(None, description='"unreachable" when it is')


# Every request body is refused past this (documents' uploads set their own): a slip or a proof
# image of at most 5 MB and its form, with room to spare; JSON commands are a few kilobytes.
MAX_REQUEST_BYTES = 8 * 1024 * 1024


class BodyLimit:
    """Refuses a request body over `max_bytes` while it streams in, whatever route reads it: at once
    when it declares a larger Content-Length, else at the chunk that crosses the limit (a chunked
    body declares none), answering 413 naming `body` instead of anything the route would have said.
    Routes with a smaller cap (images) refuse earlier with their own message."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received, exceeded, started = 0, False, False

        async def receive_within_limit() -> Message:
            nonlocal received, exceeded
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                exceeded = True
                raise TooLarge("The request body is too large", field="body")
            return message

        async def send_unless_refused(message: Message) -> None:
            nonlocal started
            if not exceeded:
                started = started or message["type"] == "http.response.start"
                await send(message)

        try:
            await self.app(scope, receive_within_limit, send_unless_refused)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        megabytes = self.max_bytes / (1024 * 1024)
        message = f"The request body is larger than {megabytes:g} MB"
        response = JSONResponse(error_body("too_large", message, [("body", message)]), 413)
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)


def create_app(
    *,
    title: str,
    description: str,
    engine: AsyncEngine,
    broker: KafkaBroker,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    clock: Clock,
    auth: AuthSettings,
    version: str = "1.0.0",
    max_request_bytes: int = MAX_REQUEST_BYTES,
) -> FastAPI:
    app = ServiceApp(title=title, description=description, version=version, lifespan=lifespan)
    app.add_middleware(BodyLimit, max_bytes=max_request_bytes)
    app.state.engine, app.state.clock, app.state.auth_settings = engine, clock, auth
    install_error_handlers(app)
    app.add_middleware(Correlation)
    app.mount("/metrics", make_asgi_app())

    @app.get(
        "/healthz",
        tags=["operations"],
        summary="Liveness and database reachability",
        responses={
            200: {"model": Health},
            503: {"model": Health, "description": "The database is unreachable"},
        },
    )
    async def healthz() -> JSONResponse:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            # The reason goes to the log only: its text can name hosts, users and databases.
            log.exception("health check: the database is unreachable")
            return JSONResponse({"status": "unavailable", "service": title, "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "service": title})

    @app.get("/asyncapi.json", tags=["operations"], summary="The topics this service uses (AsyncAPI)")
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(AsyncAPI(broker, title=title, version=version).to_specification().to_jsonable())

    @app.get("/asyncapi", tags=["operations"], include_in_schema=False)
    async def asyncapi_html() -> HTMLResponse:
        return HTMLResponse(
            get_asyncapi_html(AsyncAPI(broker, title=title, version=version).to_specification())
        )

    return app


async def current_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))],
) -> Principal:
    """The staff principal of the bearer token, or 401."""
    if credentials is None:
        raise NotAuthenticated("A staff bearer token is required")
    settings: AuthSettings = request.app.state.auth_settings
    try:
        return verify_token(
            settings.jwt_secret.get_secret_value(),
            credentials.credentials,
            issuer=settings.jwt_issuer,
            max_lifetime=timedelta(seconds=settings.max_token_lifetime_s),
        )
    except InvalidToken as error:
        raise NotAuthenticated(f"Invalid bearer token: {error}") from error


async def optional_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))],
) -> Principal | None:
    """The staff principal when a bearer token is sent (401 if it is invalid), else None."""
    return None if credentials is None else await current_staff(request, credentials)


def current_time(request: Request) -> datetime:
    clock: Clock = request.app.state.clock
    return clock.now()


def engine_of(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


Staff = Annotated[Principal, Depends(current_staff)]


async def reading_staff(staff: Staff) -> Principal:
    """The principal of a read: staff, managers and Mudjam services of the tenant. The operations
    system's token (uploads) and a token with no role read nothing (403)."""
    staff.require_role(Role.STAFF, Role.MANAGER, Role.SERVICE)
    return staff


StaffReader = Annotated[Principal, Depends(reading_staff)]
Now = Annotated[datetime, Depends(current_time)]


IdempotencyKeyHeader = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="A unique key per command; a retried request with the same key acts once and "
        "gets the same response.",
    ),
]


async def idempotent_request(request: Request, staff: Principal, key: str) -> IdempotentRequest:
    """The command's idempotency record, fingerprinted by its method, path and body."""
    fingerprint = hashlib.sha256(
        request.method.encode() + b" " + str(request.url.path).encode() + b"\n" + await request.body()
    ).hexdigest()
    return IdempotentRequest.by(
        tenant_id=staff.tenant_id,
        user_id=staff.user_id,
        target=f"{request.method} {request.url.path}",
        key=key,
        fingerprint=fingerprint,
    )


async def run_command(
    uow: UowT,
    request: IdempotentRequest,
    action: Callable[[UowT], Awaitable[ModelT]],
    *,
    status_code: int = 200,
) -> JSONResponse:
    """Runs a command in one transaction with its idempotency record; a retry replays the response."""
    async with uow:
        stored = await uow.idempotency.claim(request)
        replayed = stored is not None
        if stored is None:
            result = await action(uow)
            stored = StoredResponse(status_code, result.model_dump(mode="json"))
            await uow.idempotency.complete(request, stored)
            await uow.commit()
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(stored.body, stored.status_code, headers=headers)
