"""A portal that holds a month-end rush (issue 9): a page the browser has is a 304 until what the
customer sees changes; the QR image is the same image with the same ETag; long lists show every
document once across their pages, in Thai and English; another customer never gets a cached page
or a 304 of someone else's."""

import re
from uuid import uuid4

import httpx
import pytest

from bench.portal_seed import seed_portal_customer
from shared.contracts.documents import DocumentKind
from tests.e2e.test_portal import shows
from tests.e2e.test_portal_invoices import Invoice
from tests.system import System

pytestmark = pytest.mark.e2e


async def _etag(client: httpx.AsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


async def test_a_page_the_browser_has_is_a_304_until_a_new_document_arrives(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = Invoice(system, customer, number=f"INV-2026-{uuid4().hex[:4]}")
    await invoice.send()
    client = await system.portal_session(customer)
    await shows(client, "/documents", "No documents yet")

    etag = await _etag(client, "/documents")
    again = await client.get("/documents", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert "private" in again.headers["cache-control"]

    await invoice.rendered(DocumentKind.INVOICE, invoice.number, invoice.total)
    await shows(client, "/documents", invoice.number)
    changed = await client.get("/documents", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert invoice.number in changed.text


async def test_the_qr_image_is_the_same_image_and_a_304_when_the_browser_has_it(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    invoice = Invoice(system, customer, number=f"INV-2026-{uuid4().hex[:4]}")
    await invoice.send()
    client = await system.portal_session(customer)
    await shows(client, invoice.path, invoice.number)

    first = await client.get(f"{invoice.path}/qr.png")
    second = await client.get(f"{invoice.path}/qr.png")
    assert first.status_code == second.status_code == 200
    assert first.headers["content-type"] == "image/png"
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    cached = await client.get(f"{invoice.path}/qr.png", headers={"If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304
    assert cached.content == b""

    # A payment changes the balance: the same address is another image.
    await invoice.pay("7000.00", f"RC-2026-{uuid4().hex[:4]}")
    await shows(client, invoice.path, "฿100,000.00")
    paid_part = await client.get(f"{invoice.path}/qr.png", headers={"If-None-Match": first.headers["etag"]})
    assert paid_part.status_code == 200
    assert paid_part.content != first.content


async def test_another_customer_never_gets_a_304_or_the_page_of_someone_else(system: System) -> None:
    tenant_id = await system.new_tenant()
    canary = f"Canary {uuid4().hex[:8]}"
    first = await system.new_customer(tenant_id, name=canary)
    second = await system.new_customer(tenant_id, name="Malee Sukjai")
    first_client = await system.portal_session(first)
    second_client = await system.portal_session(second)
    assert canary in (await first_client.get("/")).text
    for path in ("/", "/documents", "/receipts", "/invoices", "/jobs"):
        etag = await _etag(first_client, path)
        other = await second_client.get(path, headers={"If-None-Match": etag})
        assert other.status_code == 200, path
        assert other.headers["etag"] != etag
        assert canary not in other.text
    assert "Malee Sukjai" in (await second_client.get("/")).text


@pytest.mark.parametrize(("language", "next_label"), [("th", "เก่ากว่า"), ("en", "Older")])
async def test_a_long_list_shows_every_document_once_across_its_pages(
    system: System, language: str, next_label: str
) -> None:
    cookie, paths = await seed_portal_customer(system, documents=60, receipts=0, language=language)
    client = httpx.AsyncClient(
        base_url=system.url("portal"), headers={"Cookie": cookie.removeprefix("Cookie: ")}, timeout=30
    )
    seen: list[str] = []
    path: str | None = paths["documents"]
    async with client:
        while path is not None:
            page = await client.get(path)
            assert page.status_code == 200, page.text
            seen += re.findall(r'<span class="number">([^<]+)</span>', page.text)
            found = re.search(r'<a rel="next" href="([^"]+)">([^<]+)</a>', page.text)
            assert found is None or next_label in found[2]
            path = found[1].replace("&amp;", "&") if found else None
    assert len(seen) == 60
    assert len(set(seen)) == 60
