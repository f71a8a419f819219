"""Webhook deliveries over HTTP: the endpoint's host is resolved and every address checked, at
registration and again at each attempt, and the request connects to the address just checked
(DNS cannot rebind in between); Standard Webhooks signatures; httpx with a short timeout, no
redirects and no proxies from the environment."""

import asyncio
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import httpx
from standardwebhooks import Webhook

from services.notifications.domain import DeliveryFailed
from services.notifications.domain.webhooks import (
    Target,
    UnsafeWebhookUrl,
    UrlPolicy,
    parse_url,
    refuse_unsafe_addresses,
)

# (host, port) → every address it resolves to.
Resolver = Callable[[str, int], Awaitable[list[str]]]
USER_AGENT = "Mudjam-Webhooks/1"


async def resolve(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as error:  # gaierror is an OSError
        raise UnsafeWebhookUrl(f"The host {host} does not resolve") from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def checked_target(
    url: str, policy: UrlPolicy, resolver: Resolver = resolve
) -> tuple[Target, list[str]]:
    """The URL's target and its addresses, every one of them allowed; UnsafeWebhookUrl (naming
    the field `url`) otherwise."""
    target = parse_url(url, policy)
    addresses = await resolver(target.host, target.port)
    refuse_unsafe_addresses(target.host, addresses, policy)
    return target, addresses


def signed_headers(secret: str, *, message_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt: the id, the time it is sent and the signature
    of `{id}.{timestamp}.{body}`."""
    at = timestamp.astimezone(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


def _pinned(url: str, address: str) -> str:
    """The URL with its host replaced by the checked address (the Host header keeps the name)."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


class WebhookSender:
    def __init__(
        self,
        *,
        policy: UrlPolicy,
        timeout_s: float,
        resolver: Resolver = resolve,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._policy, self._timeout_s, self._resolver, self._transport = (
            policy,
            timeout_s,
            resolver,
            transport,
        )

    async def post(self, *, url: str, secret: str, message_id: str, body: str, now: datetime) -> int:
        """POSTs one signed attempt; the HTTP status the endpoint answered. DeliveryFailed when the
        URL is refused now or the endpoint could not be reached in time."""
        try:
            target, addresses = await checked_target(url, self._policy, self._resolver)
        except UnsafeWebhookUrl as error:
            raise DeliveryFailed(error.message) from error
        headers = {
            **signed_headers(secret, message_id=message_id, timestamp=now, body=body),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "host": urlsplit(url).netloc,
        }
        # TLS still checks the certificate against the host's name, sent as SNI.
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        async with httpx.AsyncClient(
            transport=self._transport, timeout=self._timeout_s, follow_redirects=False, trust_env=False
        ) as client:
            try:
                async with client.stream(
                    "POST",
                    _pinned(url, addresses[0]),
                    content=body.encode(),
                    headers=headers,
                    extensions=extensions,
                ) as response:
                    return response.status_code
            except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as error:
                raise DeliveryFailed(
                    f"Could not reach the endpoint: {type(error).__name__} {error}".strip()
                ) from error
