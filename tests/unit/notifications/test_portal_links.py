"""Notifications asks the portal for a link to one invoice (`shared.clients.PortalLinksClient`, the
`InvoiceLinks` adapter): with a service token of the tenant and the notice's idempotency key; an
invoice or customer the portal has not heard of yet, or a portal that cannot answer, is a failed
attempt the notice retries."""

import json
from uuid import uuid4

import httpx
import pytest

from services.notifications.adapters.portal_links import InvoiceLinks
from services.notifications.domain import DeliveryFailed
from shared.auth import Role, verify_token
from shared.clients import LinkNotYetPossible, PortalLinksClient
from shared.settings import AuthSettings
from shared.web import error_body

AUTH = AuthSettings()
INVOICE = uuid4()
ISSUED = {
    "id": str(uuid4()),
    "url": "https://portal.example/l/tok-42",
    "customer_id": "c-1",
    "expires_at": "2026-04-11T09:00:00Z",
    "scope": "invoice",
    "invoice_id": str(INVOICE),
    "quote_id": None,
}


def _client(answer: httpx.MockTransport) -> PortalLinksClient:
    return PortalLinksClient("http://portal", AUTH, service="notifications", transport=answer)


def _refused(status: int, field: str | None = None) -> httpx.MockTransport:
    # As the portal answers a refused domain rule: the message, and the field it names.
    message = f"No {field or 'such thing'} is known"
    fields = [(field, message)] if field else []
    return httpx.MockTransport(lambda _: httpx.Response(status, json=error_body("refused", message, fields)))


async def _link(client: PortalLinksClient) -> str:
    return await client.invoice_link(
        tenant_id="t-1", customer_id="c-1", invoice_id=INVOICE, idempotency_key="notice-1"
    )


async def test_an_invoice_link_is_asked_for_with_a_service_token_of_the_tenant_and_the_key() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=ISSUED)

    url = await _link(_client(httpx.MockTransport(answer)))

    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/v1/portal-links")
    assert json.loads(request.content) == {"customer_id": "c-1", "invoice_id": str(INVOICE)}
    assert request.headers["idempotency-key"] == "notice-1"
    principal = verify_token(
        AUTH.jwt_secret.get_secret_value(), request.headers["authorization"].removeprefix("Bearer ")
    )
    assert (principal.tenant_id, principal.user_id, principal.roles) == (
        "t-1",
        "service:notifications",
        {Role.SERVICE},
    )
    assert url == "https://portal.example/l/tok-42"


@pytest.mark.parametrize("field", ["invoice_id", "customer_id"])
async def test_an_invoice_or_customer_the_portal_has_not_heard_of_yet_is_not_yet_possible(field: str) -> None:
    with pytest.raises(LinkNotYetPossible, match=f"No {field} is known"):
        await _link(_client(_refused(422, field)))


@pytest.mark.parametrize(
    "answer",
    [
        _refused(422, "expires_in_days"),
        _refused(403),
        _refused(503),
        httpx.MockTransport(lambda _: httpx.Response(201, json={"scope": "invoice"})),
        httpx.MockTransport(lambda _: httpx.Response(201, text="<html>")),
    ],
    ids=["other-field", "forbidden", "unavailable", "no-url", "not-json"],
)
async def test_any_other_answer_than_a_link_is_an_http_error(answer: httpx.MockTransport) -> None:
    with pytest.raises(httpx.HTTPError):
        await _link(_client(answer))


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (_refused(422, "invoice_id"), "The portal cannot link invoice"),
        (_refused(503), "portal: HTTPStatusError"),
        (httpx.MockTransport(_unreachable), "portal: ConnectError: connection refused"),
    ],
    ids=["not-yet", "unavailable", "unreachable"],
)
async def test_every_failure_to_get_a_link_is_a_delivery_attempt_that_failed(
    answer: httpx.MockTransport, error: str
) -> None:
    links = InvoiceLinks(_client(answer))

    with pytest.raises(DeliveryFailed, match=error):
        await links.invoice_link(
            tenant_id="t-1", customer_id="c-1", invoice_id=INVOICE, idempotency_key="notice-1"
        )
