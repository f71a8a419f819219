"""Webhooks without a network: the URL policy (https in production, no private addresses unless
allowed, every refusal naming `url`), Standard Webhooks signatures a receiver verifies with the
library, the backoff schedule, and deliveries queued once per endpoint and event of the tenant."""

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from pydantic import ValidationError
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.notifications import use_cases
from services.notifications.adapters.webhooks import WebhookSender, checked_target, signed_headers
from services.notifications.domain import DeliveryFailed, RetryPolicy
from services.notifications.domain.webhooks import (
    DeliveryStatus,
    InvalidWebhook,
    UnsafeWebhookUrl,
    UrlPolicy,
    WebhookEndpoint,
    parse_url,
    refuse_unsafe_addresses,
    signing_secret,
)
from services.notifications.settings import Settings
from shared.actors import Actor
from shared.auth import Principal
from shared.contracts.envelope import EventContext
from tests.unit.fakes import event_context
from tests.unit.notifications.fakes import FakeUow
from tests.unit.notifications.test_sending import _returned

PRODUCTION = UrlPolicy(require_https=True, allow_private=False)
DEV = UrlPolicy(require_https=False, allow_private=False)
TESTS = UrlPolicy(require_https=False, allow_private=True)
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, first_delay=timedelta(seconds=10), max_delay=timedelta(seconds=30))
SECRET = signing_secret(b"k" * 32)


def _resolver(*answers: list[str]):
    """A DNS that gives each answer in turn (the last one from then on)."""
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    return resolve


# URL policy --------------------------------------------------------------------------------------


def test_production_refuses_plain_http_and_the_refusal_names_url() -> None:
    with pytest.raises(UnsafeWebhookUrl) as refused:
        parse_url("http://hooks.example.com/mudjam", PRODUCTION)

    assert refused.value.field == "url"
    assert "https://" in refused.value.message
    assert parse_url("https://hooks.example.com/mudjam", PRODUCTION).port == 443


@pytest.mark.parametrize(
    "url", ["ftp://hooks.example.com/x", "https://", "https://user:pw@hooks.example.com/", "not a url"]
)
def test_what_is_not_an_http_url_to_post_to_is_refused(url: str) -> None:
    with pytest.raises(UnsafeWebhookUrl) as refused:
        parse_url(url, DEV)
    assert refused.value.field == "url"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.10",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_loopback_private_and_link_local_addresses_are_refused_unless_allowed(address: str) -> None:
    with pytest.raises(UnsafeWebhookUrl) as refused:
        refuse_unsafe_addresses("hooks.example.com", [address], DEV)

    assert refused.value.field == "url"
    refuse_unsafe_addresses("hooks.example.com", [address], TESTS)  # dev and tests may allow them


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    refuse_unsafe_addresses("hooks.example.com", ["93.184.216.34", "2606:2800:220:1::1"], PRODUCTION)
    with pytest.raises(UnsafeWebhookUrl):
        refuse_unsafe_addresses("hooks.example.com", ["93.184.216.34", "10.0.0.7"], PRODUCTION)


async def test_a_host_name_is_resolved_and_every_address_checked() -> None:
    with pytest.raises(UnsafeWebhookUrl) as refused:
        await checked_target("https://internal.example.com/x", PRODUCTION, _resolver(["127.0.0.1"]))
    assert refused.value.field == "url"
    assert "127.0.0.1" in refused.value.message

    target, addresses = await checked_target(
        "https://hooks.example.com:8443/x", PRODUCTION, _resolver(["93.184.216.34"])
    )
    assert (target.host, target.port, addresses) == ("hooks.example.com", 8443, ["93.184.216.34"])


async def test_a_host_that_does_not_resolve_is_refused_naming_url() -> None:
    with pytest.raises(UnsafeWebhookUrl) as refused:
        await checked_target("https://no-such-host.invalid/x", PRODUCTION)
    assert refused.value.field == "url"


def test_unknown_event_types_are_refused_naming_event_types() -> None:
    def register(event_types: list[str]) -> WebhookEndpoint:
        return WebhookEndpoint.register(
            id=uuid4(),
            tenant_id="t-1",
            url="https://hooks.example.com/",
            event_types=event_types,
            description=None,
            secret=SECRET,
            actor=Actor("u-1", "Nok"),
            now=NOW,
        )

    for wrong in ([], ["deposit.returned.v9"], ["customer.upserted.v1"]):
        with pytest.raises(InvalidWebhook) as refused:
            register(wrong)
        assert refused.value.field == "event_types"
    assert register(["deposit.returned.v1", "deposit.returned.v1"]).event_types == ("deposit.returned.v1",)


# Signing and sending -----------------------------------------------------------------------------


def test_the_headers_verify_with_the_standard_webhooks_library() -> None:
    body = json.dumps({"id": "e-1", "type": "deposit.returned.v1", "data": {"amount": "15000.00"}})
    headers = signed_headers(SECRET, message_id="e-1", timestamp=datetime.now(UTC), body=body)

    assert Webhook(SECRET).verify(body, headers) == json.loads(body)
    assert headers["webhook-id"] == "e-1"
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body.replace("15000", "15001"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing_secret(b"o" * 32)).verify(body, headers)


def test_a_secret_is_whsec_and_base64() -> None:
    assert SECRET.startswith("whsec_")
    Webhook(SECRET)  # the library takes it as it is shown


async def test_the_sender_posts_the_signed_body_to_the_checked_address_without_following_redirects() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"location": "http://169.254.169.254/"})

    sender = WebhookSender(
        policy=PRODUCTION,
        timeout_s=2,
        resolver=_resolver(["93.184.216.34"]),
        transport=httpx.MockTransport(answer),
    )
    body = '{"id":"e-1"}'
    status = await sender.post(
        url="https://hooks.example.com/in?x=1",
        secret=SECRET,
        message_id="e-1",
        body=body,
        now=datetime.now(UTC),
    )

    assert status == 302
    [request] = seen
    assert str(request.url) == "https://93.184.216.34/in?x=1"
    assert request.headers["host"] == "hooks.example.com"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert Webhook(SECRET).verify(request.content.decode(), dict(request.headers)) == {"id": "e-1"}


async def test_a_host_rebound_to_a_private_address_after_registration_is_not_called() -> None:
    seen: list[httpx.Request] = []
    rebinding = _resolver(["93.184.216.34"], ["127.0.0.1"])
    await checked_target("https://hooks.example.com/", PRODUCTION, rebinding)  # registration
    sender = WebhookSender(
        policy=PRODUCTION,
        timeout_s=2,
        resolver=rebinding,
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200)),
    )

    with pytest.raises(DeliveryFailed, match=r"127\.0\.0\.1"):
        await sender.post(
            url="https://hooks.example.com/",
            secret=SECRET,
            message_id="e-1",
            body="{}",
            now=datetime.now(UTC),
        )
    assert seen == []


# Backoff and the delivery log --------------------------------------------------------------------


class FakeSender:
    def __init__(self, *answers: int | DeliveryFailed) -> None:
        self.answers = list(answers)
        self.posts: list[dict] = []

    async def post(self, **attempt: object) -> int:
        self.posts.append(attempt)
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, DeliveryFailed):
            raise answer
        return answer


def _manager(tenant_id: str) -> Principal:
    return Principal("u-1", "Nok", tenant_id, frozenset({"*"}), frozenset({"manager"}))


async def _register(uow: FakeUow, tenant_id: str, event_types: list[str]) -> WebhookEndpoint:
    async def allowed(url: str) -> None:
        pass

    return await use_cases.register_webhook(
        uow=uow,
        staff=_manager(tenant_id),
        url=f"https://{tenant_id}.example.com/hooks",
        event_types=event_types,
        description=None,
        check_url=allowed,
        now=NOW,
    )


def _returned_event(tenant_id: str, event_id=None) -> EventContext:
    return dataclasses.replace(
        event_context(tenant_id, now=NOW, event_id=event_id), type="deposit.returned.v1"
    )


async def test_a_failing_endpoint_is_retried_with_exponential_backoff_then_fails() -> None:
    uow = FakeUow()
    await _register(uow, "t-1", ["deposit.returned.v1"])
    await use_cases.queue_webhooks(uow=uow, event=_returned_event("t-1"), fact=_returned())
    sender = FakeSender(500, DeliveryFailed("Could not reach the endpoint: ConnectTimeout"), 503, 500)
    delivering = use_cases.WebhookDelivering(sender=sender, policy=POLICY)

    now, waits = NOW, []
    while (
        delivery := await use_cases.deliver_next_webhook(uow=uow, delivering=delivering, now=now)
    ) is not None:
        if delivery.next_attempt_at is None:
            break
        waits.append(delivery.next_attempt_at - now)
        assert (
            await use_cases.deliver_next_webhook(uow=uow, delivering=delivering, now=now) is None
        )  # not yet due
        now = delivery.next_attempt_at

    assert waits == [timedelta(seconds=10), timedelta(seconds=20), timedelta(seconds=30)]
    assert delivery is not None
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 4, 500)
    assert delivery.last_error == "The endpoint answered HTTP 500"
    assert len(sender.posts) == 4


async def test_a_retry_after_a_500_is_delivered_under_the_same_webhook_id() -> None:
    uow = FakeUow()
    await _register(uow, "t-1", ["deposit.returned.v1"])
    event = _returned_event("t-1")
    await use_cases.queue_webhooks(uow=uow, event=event, fact=_returned())
    sender = FakeSender(500, 204)
    delivering = use_cases.WebhookDelivering(sender=sender, policy=POLICY)

    first = await use_cases.deliver_next_webhook(uow=uow, delivering=delivering, now=NOW)
    assert first is not None
    assert (first.status, first.last_status_code) == (DeliveryStatus.PENDING, 500)
    second = await use_cases.deliver_next_webhook(
        uow=uow, delivering=delivering, now=NOW + timedelta(seconds=10)
    )

    assert second is not None
    assert (second.status, second.attempts, second.last_status_code) == (DeliveryStatus.DELIVERED, 2, 204)
    assert [p["message_id"] for p in sender.posts] == [str(event.id)] * 2
    assert json.loads(str(sender.posts[0]["body"]))["data"]["retained_amount"] == "5000.00"


async def test_an_event_is_queued_once_per_subscribed_endpoint_of_its_own_tenant() -> None:
    uow = FakeUow()
    mine = await _register(uow, "t-1", ["deposit.returned.v1"])
    await _register(uow, "t-1", ["invoice.sent.v1"])
    await _register(uow, "t-2", ["deposit.returned.v1"])
    disabled = await _register(uow, "t-1", ["deposit.returned.v1"])
    await use_cases.disable_webhook(uow=uow, staff=_manager("t-1"), endpoint_id=disabled.id, now=NOW)
    event = _returned_event("t-1")

    queued = await use_cases.queue_webhooks(uow=uow, event=event, fact=_returned())
    again = await use_cases.queue_webhooks(uow=uow, event=event, fact=_returned())  # redelivered

    assert [d.endpoint_id for d in queued] == [mine.id]
    assert again == []
    assert [d.endpoint_id for d in uow.webhooks.deliveries.values()] == [mine.id]


def test_production_refuses_to_allow_private_webhook_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", raising=False)
    monkeypatch.setenv("MUDJAM_AUTH_JWT_SECRET", "9d2f4b7c1e8a6d3f0b5c2e9a7d4f1b8c")
    monkeypatch.setenv("MUDJAM_ENVIRONMENT", "production")
    assert Settings().webhook_allow_private_addresses is False
    monkeypatch.setenv("NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true")
    with pytest.raises(ValidationError, match="NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES"):
        Settings()


async def test_an_endpoint_that_cannot_be_reached_is_a_failed_attempt_not_a_crash() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    sender = WebhookSender(
        policy=TESTS, timeout_s=2, resolver=_resolver(["127.0.0.1"]), transport=httpx.MockTransport(refuse)
    )

    with pytest.raises(DeliveryFailed, match="ConnectError Connection refused"):
        await sender.post(
            url="http://127.0.0.1:9/", secret=SECRET, message_id="e-1", body="{}", now=datetime.now(UTC)
        )
