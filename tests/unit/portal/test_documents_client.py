"""The portal's calls to the documents service (`shared.clients.DocumentsClient`): a page of a
document as an image with its cache headers, and a customer's bundle streamed as it arrives."""

from collections.abc import AsyncIterator
from datetime import date
from uuid import uuid4

import httpx
import pytest

from shared.auth import Role, verify_token
from shared.clients import DocumentNotAvailable, DocumentsClient
from shared.settings import AuthSettings

AUTH = AuthSettings()
DOCUMENT = uuid4()


def _client(handler: httpx.MockTransport) -> DocumentsClient:
    return DocumentsClient("http://documents", AUTH, service="portal", transport=handler)


def _service_tenant(request: httpx.Request) -> str:
    principal = verify_token(
        AUTH.jwt_secret.get_secret_value(), request.headers["authorization"].removeprefix("Bearer ")
    )
    assert principal.roles == {Role.SERVICE}
    return principal.tenant_id


async def test_a_page_image_is_asked_for_the_customer_with_a_service_token_and_keeps_its_cache_headers() -> (
    None
):
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            content=b"\x89PNG page 2",
            headers={"content-type": "image/png", "etag": '"abc"', "cache-control": "private, no-cache"},
        )

    client = _client(httpx.MockTransport(answer))
    image = await client.page_png(
        tenant_id="t-1", customer_id="c-1", document_id=DOCUMENT, page=2, language="th", version=3
    )

    [request] = seen
    assert request.url.path == f"/v1/documents/{DOCUMENT}/pages/2.png"
    assert dict(request.url.params) == {"language": "th", "customer_id": "c-1", "version": "3"}
    assert _service_tenant(request) == "t-1"
    assert (image.status_code, image.content) == (200, b"\x89PNG page 2")
    assert image.cache_headers == {"etag": '"abc"', "cache-control": "private, no-cache"}


async def test_a_page_the_browser_already_has_answers_not_modified() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["if-none-match"] == '"abc"'
        return httpx.Response(304, headers={"etag": '"abc"'})

    image = await _client(httpx.MockTransport(answer)).page_png(
        tenant_id="t-1", customer_id="c-1", document_id=DOCUMENT, page=1, language="en", if_none_match='"abc"'
    )

    assert (image.status_code, image.content, image.cache_headers) == (304, b"", {"etag": '"abc"'})


async def test_a_page_that_is_not_the_customers_is_not_available() -> None:
    client = _client(httpx.MockTransport(lambda _: httpx.Response(404)))

    with pytest.raises(DocumentNotAvailable):
        await client.page_png(tenant_id="t-1", customer_id="c-1", document_id=DOCUMENT, page=9, language="en")


class _Chunks(httpx.AsyncByteStream):
    """A body that arrives in pieces, counting how many the reader has taken."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks, self.taken, self.closed = chunks, 0, False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.taken += 1
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


async def test_a_customers_bundle_streams_the_zip_as_it_arrives() -> None:
    body = _Chunks([b"PK\x03\x04", b"first pdf", b"second pdf"])
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "application/zip"}, stream=body)

    stream = await _client(httpx.MockTransport(answer)).customer_bundle(
        tenant_id="t-1",
        customer_id="c-1",
        language="th",
        kinds=["receipt", "deposit_receipt"],
        issued_from=date(2026, 1, 1),
        issued_to=date(2026, 12, 31),
    )

    assert body.taken == 0  # nothing read before the portal starts answering
    received = [chunk async for chunk in stream.chunks()]
    [request] = seen
    assert request.url.path == "/v1/bundles/customer"
    assert request.url.params.multi_items() == [
        ("customer_id", "c-1"),
        ("language", "th"),
        ("kinds", "receipt"),
        ("kinds", "deposit_receipt"),
        ("issued_from", "2026-01-01"),
        ("issued_to", "2026-12-31"),
    ]
    assert _service_tenant(request) == "t-1"
    assert b"".join(received) == b"PK\x03\x04first pdfsecond pdf"
    assert body.closed


async def test_a_bundle_with_nothing_in_it_is_not_available_and_a_failure_raises() -> None:
    empty = _client(httpx.MockTransport(lambda _: httpx.Response(404)))
    failing = _client(httpx.MockTransport(lambda _: httpx.Response(500, text="boom")))

    with pytest.raises(DocumentNotAvailable):
        await empty.customer_bundle(tenant_id="t-1", customer_id="c-1", language="en")
    with pytest.raises(httpx.HTTPStatusError):
        await failing.customer_bundle(tenant_id="t-1", customer_id="c-1", language="en")
