"""HTTP clients one Mudjam service uses to call another with a service token of the tenant: the
documents service, for services that show or send a customer's PDFs (one PDF, one page of it as an
image, a zip of chosen documents, or a customer's whole bundle as a stream), and the portal, for
notifications' links to one invoice.

The transport is injectable (httpx.MockTransport in unit tests)."""

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

import httpx

from shared.auth import service_token
from shared.settings import AuthSettings


class DocumentNotAvailable(Exception):
    pass


class LinkNotYetPossible(Exception):
    """The portal does not know the customer or the sent invoice yet (it learns both from events):
    the same link can be asked for again later."""


# What a page image's answer carries for the browser's cache, passed on as documents sent it.
CACHE_HEADERS = ("etag", "cache-control", "last-modified", "expires")


@dataclass(frozen=True)
class PageImage:
    status_code: int  # 200, or 304 when the caller's copy (If-None-Match) is still current
    content: bytes
    cache_headers: dict[str, str]


class DocumentStream:
    """An answer from documents still arriving: its bytes as they come, so a zip of any size passes
    through in constant memory. Iterate `chunks()` once, or `aclose()` it."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes():
                yield chunk
        finally:
            await self._response.aclose()

    async def aclose(self) -> None:
        await self._response.aclose()


class _ServiceClient:
    """A client of another Mudjam service, calling it with a service token of the tenant."""

    def __init__(
        self,
        base_url: str,
        auth: AuthSettings,
        *,
        service: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = 30,
    ) -> None:
        self._auth, self._service = auth, service
        self._http = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=timeout_s)

    async def aclose(self) -> None:
        await self._http.aclose()

    def _headers(self, tenant_id: str) -> dict[str, str]:
        # Tokens are dated by the wall clock, never a service's business clock (which dev and tests
        # may move), so the receiving service always accepts them.
        token = service_token(
            self._auth.jwt_secret.get_secret_value(),
            service=self._service,
            tenant_id=tenant_id,
            now=datetime.now(UTC),
            issuer=self._auth.jwt_issuer,
        )
        return {"Authorization": f"Bearer {token}"}


class DocumentsClient(_ServiceClient):
    async def pdf(
        self,
        *,
        tenant_id: str,
        customer_id: str,
        document_id: UUID,
        language: str,
        version: int | None = None,
    ) -> bytes:
        """The customer's PDF (latest version unless one is named); DocumentNotAvailable if not theirs."""
        params: dict[str, str | int] = {"language": language, "customer_id": customer_id}
        if version is not None:
            params["version"] = version
        response = await self._http.get(
            f"/v1/documents/{document_id}/file", params=params, headers=self._headers(tenant_id)
        )
        if response.status_code == 404:
            raise DocumentNotAvailable(str(document_id))
        response.raise_for_status()
        return response.content

    async def bundle(
        self, *, tenant_id: str, customer_id: str, document_ids: list[UUID], language: str
    ) -> bytes:
        """One zip of the customer's documents, latest versions."""
        response = await self._http.post(
            "/v1/bundles",
            json={
                "customer_id": customer_id,
                "document_ids": [str(d) for d in document_ids],
                "language": language,
            },
            headers=self._headers(tenant_id),
        )
        response.raise_for_status()
        return response.content

    async def page_png(
        self,
        *,
        tenant_id: str,
        customer_id: str,
        document_id: UUID,
        page: int,
        language: str,
        version: int | None = None,
        if_none_match: str | None = None,
    ) -> PageImage:
        """One page of the customer's document as a PNG (latest version unless one is named), with
        its cache headers; DocumentNotAvailable if it is not theirs or has no such page."""
        params: dict[str, str | int] = {"language": language, "customer_id": customer_id}
        if version is not None:
            params["version"] = version
        headers = self._headers(tenant_id)
        if if_none_match:
            headers["If-None-Match"] = if_none_match
        response = await self._http.get(
            f"/v1/documents/{document_id}/pages/{page}.png", params=params, headers=headers
        )
        if response.status_code == 404:
            raise DocumentNotAvailable(f"{document_id} page {page}")
        if response.status_code != 304:
            response.raise_for_status()
        cache = {name: response.headers[name] for name in CACHE_HEADERS if name in response.headers}
        return PageImage(response.status_code, response.content, cache)

    async def customer_bundle(
        self,
        *,
        tenant_id: str,
        customer_id: str,
        language: str,
        kinds: Iterable[str] = (),
        issued_from: date | None = None,
        issued_to: date | None = None,
    ) -> DocumentStream:
        """The customer's latest documents (of those kinds, issued in those dates, when given) as one
        zip, streamed; DocumentNotAvailable when none match."""
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("customer_id", customer_id),
            ("language", language),
        ]
        params += [("kinds", kind) for kind in kinds]
        if issued_from is not None:
            params.append(("issued_from", issued_from.isoformat()))
        if issued_to is not None:
            params.append(("issued_to", issued_to.isoformat()))
        request = self._http.build_request(
            "GET", "/v1/bundles/customer", params=params, headers=self._headers(tenant_id)
        )
        response = await self._http.send(request, stream=True)
        if response.status_code == 404:
            await response.aclose()
            raise DocumentNotAvailable(f"no documents of {customer_id}")
        if response.is_error:
            await response.aread()
            await response.aclose()
            response.raise_for_status()
        return DocumentStream(response)


# The fields of a portal's 422 that mean "not known here yet" rather than "never valid".
_NOT_YET_KNOWN_FIELDS = frozenset({"customer_id", "invoice_id"})


class PortalLinksClient(_ServiceClient):
    """Issues portal links on behalf of a Mudjam service (notifications' invoice emails)."""

    async def invoice_link(
        self,
        *,
        tenant_id: str,
        customer_id: str,
        invoice_id: UUID,
        idempotency_key: str,
        expires_in_days: int | None = None,
    ) -> str:
        """The URL of a link that opens only this invoice of the customer. The same idempotency key
        (and arguments) gives the same link again. LinkNotYetPossible while the portal does not know
        the customer or the sent invoice; other failures raise httpx errors."""
        body: dict[str, str | int] = {"customer_id": customer_id, "invoice_id": str(invoice_id)}
        if expires_in_days is not None:
            body["expires_in_days"] = expires_in_days
        response = await self._http.post(
            "/v1/portal-links",
            json=body,
            headers={
                **self._headers(tenant_id),
                "Idempotency-Key": idempotency_key,
            },
        )
        if response.status_code == 422:
            error = _error_of(response)
            if error.get("field") in _NOT_YET_KNOWN_FIELDS:
                raise LinkNotYetPossible(str(error.get("message") or f"invoice {invoice_id}"))
        response.raise_for_status()
        try:
            url = response.json()["url"]
        except (ValueError, KeyError, TypeError) as error:
            raise httpx.DecodingError(
                f"the portal's link has no url: {error}", request=response.request
            ) from error
        if not isinstance(url, str) or not url:
            raise httpx.DecodingError("the portal's link has no url", request=response.request)
        return url


def _error_of(response: httpx.Response) -> dict[str, object]:
    """The `error` object of a Mudjam error answer; empty when the body is not one."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}
