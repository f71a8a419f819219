"""Webhooks: the endpoints a tenant registers, the deliveries queued for them (one per endpoint and
event, retried with backoff) and the rule an endpoint's address must pass. Pure: no I/O, no clock;
host names are resolved by the caller and their addresses handed in."""

import base64
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from services.notifications.domain.notices import MAX_ERROR_CHARS, RetryPolicy
from shared.actors import Actor
from shared.contracts.catalogue import BILLING, DEPOSITS, DOCUMENTS
from shared.contracts.envelope import InternalFact
from shared.errors import NotFound, RuleViolation

# What a tenant may subscribe to: the events Mudjam itself publishes about its business. The
# upstream topics are the tenant's own operations system's (and carry private notes); dead letters
# carry raw messages of any kind.
WEBHOOK_TOPICS = (DEPOSITS, BILLING, DOCUMENTS)
WEBHOOK_EVENT_TYPES: frozenset[str] = frozenset(e.event_type for t in WEBHOOK_TOPICS for e in t.events)
SECRET_PREFIX = "whsec_"
MAX_URL_CHARS = 2000
MAX_DESCRIPTION_CHARS = 500


class WebhookNotFound(NotFound):
    code = "webhook_not_found"


class InvalidWebhook(RuleViolation):
    code = "invalid_webhook"


class UnsafeWebhookUrl(InvalidWebhook):
    """The address is one Mudjam must not call (plain http in production, a private network)."""

    code = "unsafe_webhook_url"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="url")


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # due for (another) attempt at next_attempt_at
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # gave up after the bounded attempts (or the endpoint was disabled)


@dataclass(frozen=True)
class UrlPolicy:
    """Where deliveries may go: production needs https and public addresses only; dev and tests
    may allow private ones (a receiver on 127.0.0.1)."""

    require_https: bool
    allow_private: bool


@dataclass(frozen=True)
class Target:
    """An endpoint's URL taken apart: what is connected to, and what the request names."""

    scheme: str
    host: str
    port: int


def parse_url(url: str, policy: UrlPolicy) -> Target:
    """The URL's scheme, host and port; UnsafeWebhookUrl when it is not an address to deliver to."""
    if len(url) > MAX_URL_CHARS or any(c.isspace() for c in url):
        raise UnsafeWebhookUrl("The URL must be one absolute http(s) URL of at most 2000 characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeWebhookUrl(f"The URL is not valid: {error}") from error
    allowed = ("https",) if policy.require_https else ("https", "http")
    if parts.scheme not in allowed:
        raise UnsafeWebhookUrl(f"The URL must start with {' or '.join(s + '://' for s in allowed)}")
    if not parts.hostname:
        raise UnsafeWebhookUrl("The URL has no host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeWebhookUrl("The URL must not carry a user name or password")
    if parts.fragment:
        raise UnsafeWebhookUrl("The URL must not have a #fragment")
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80))


def refuse_unsafe_addresses(host: str, addresses: Iterable[str], policy: UrlPolicy) -> None:
    """Every address the host resolves to must be public unless private ones are allowed: one
    private answer among public ones is enough to refuse (the rebinding trick)."""
    resolved = list(addresses)
    if not resolved:
        raise UnsafeWebhookUrl(f"The host {host} does not resolve to any address")
    if policy.allow_private:
        return
    for address in resolved:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise UnsafeWebhookUrl(
                f"The host {host} resolves to {ip}, a private, loopback or link-local address"
            )


def signing_secret(random_bytes: bytes) -> str:
    """The Standard Webhooks form of a secret: `whsec_` and the key's base64."""
    return SECRET_PREFIX + base64.b64encode(random_bytes).decode()


def _event_types(names: Iterable[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(names))
    if not wanted:
        raise InvalidWebhook("Name at least one event type", field="event_types")
    unknown = sorted(set(wanted) - WEBHOOK_EVENT_TYPES)
    if unknown:
        raise InvalidWebhook(
            f"Unknown event type(s) {', '.join(unknown)}; one of: {', '.join(sorted(WEBHOOK_EVENT_TYPES))}",
            field="event_types",
        )
    return wanted


class WebhookEndpointRegistered(InternalFact):
    """Audited: who registered which URL for which events (never the secret)."""

    event_type = "webhook_endpoint.registered"
    url: str
    event_types: tuple[str, ...]
    description: str | None


class WebhookEndpointDisabled(InternalFact):
    event_type = "webhook_endpoint.disabled"
    url: str


@dataclass
class WebhookEndpoint:
    id: UUID
    tenant_id: str
    url: str
    event_types: tuple[str, ...]
    description: str | None
    secret: str
    created_at: datetime
    created_by: str
    disabled_at: datetime | None = None
    events: list[InternalFact] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def register(
        cls,
        *,
        id: UUID,
        tenant_id: str,
        url: str,
        event_types: Iterable[str],
        description: str | None,
        secret: str,
        actor: Actor,
        now: datetime,
    ) -> "WebhookEndpoint":
        """A new enabled endpoint; the URL has passed the policy already (it needs the resolver)."""
        if description is not None and len(description) > MAX_DESCRIPTION_CHARS:
            raise InvalidWebhook("The description is longer than 500 characters", field="description")
        endpoint = cls(
            id=id,
            tenant_id=tenant_id,
            url=url,
            event_types=_event_types(event_types),
            description=description or None,
            secret=secret,
            created_at=now,
            created_by=actor.user_id,
        )
        endpoint.events.append(
            WebhookEndpointRegistered(url=url, event_types=endpoint.event_types, description=description)
        )
        return endpoint

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def subscribes_to(self, event_type: str) -> bool:
        return self.enabled and event_type in self.event_types

    def disable(self, now: datetime) -> bool:
        """Stops new deliveries (queued ones fail); False when it was disabled already."""
        if not self.enabled:
            return False
        self.disabled_at = now
        self.events.append(WebhookEndpointDisabled(url=self.url))
        return True


@dataclass
class WebhookDelivery:
    """One event for one endpoint; its id is the `webhook-id`, the event's id, the same on every
    attempt so the receiver can drop a retry it already handled."""

    id: UUID
    endpoint_id: UUID
    tenant_id: str
    event_id: UUID
    event_type: str
    payload: Mapping[str, Any]
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None

    @classmethod
    def queue(
        cls,
        *,
        id: UUID,
        endpoint: WebhookEndpoint,
        event_id: UUID,
        event_type: str,
        payload: Mapping[str, Any],
        now: datetime,
    ) -> "WebhookDelivery":
        return cls(
            id=id,
            endpoint_id=endpoint.id,
            tenant_id=endpoint.tenant_id,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )

    def record_answer(self, status_code: int, *, policy: RetryPolicy, now: datetime) -> None:
        """The endpoint answered: 2xx is delivered, anything else (a redirect too) is retried."""
        if 200 <= status_code < 300:
            self.last_status_code = status_code
            self.attempts += 1
            self.last_attempt_at = now
            self.status = DeliveryStatus.DELIVERED
            self.delivered_at = now
            self.next_attempt_at = None
            self.last_error = None
            return
        self.record_failure(
            f"The endpoint answered HTTP {status_code}", status_code=status_code, policy=policy, now=now
        )

    def record_failure(
        self, error: str, *, policy: RetryPolicy, now: datetime, status_code: int | None = None
    ) -> bool:
        """Counts a failed attempt (with the HTTP status, if the endpoint answered at all) and
        schedules the next; True when it gave up (now failed)."""
        self.attempts += 1
        self.last_status_code = status_code
        self.last_attempt_at = now
        self.last_error = error[:MAX_ERROR_CHARS]
        if self.attempts >= policy.max_attempts:
            self.status = DeliveryStatus.FAILED
            self.next_attempt_at = None
            return True
        self.next_attempt_at = now + policy.delay_after(self.attempts)
        return False

    def give_up(self, reason: str) -> None:
        """Ends a delivery without another attempt (its endpoint was disabled)."""
        self.status = DeliveryStatus.FAILED
        self.last_error = reason
        self.next_attempt_at = None
