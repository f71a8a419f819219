"""The customer portal (SPEC §6) as a customer meets it: a link from the business opens their pages,
which follow the staff's actions within seconds, in Thai or English, and never show anything
internal or anybody else's."""

import base64
import io
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.contracts.documents import DocumentKind, document_id
from shared.promptpay import promptpay_payload
from tests.conftest import Infrastructure
from tests.helpers import eventually, visible
from tests.system import DEMO_TENANT_SETTINGS, Customer, System

pytestmark = pytest.mark.e2e

PAGES = ("/", "/jobs", "/receipts", "/documents")


async def page_text(client: httpx.AsyncClient, path: str = "/") -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return visible(response.text)


async def shows(client: httpx.AsyncClient, path: str, *expected: str) -> str:
    """The page once it shows all of `expected` (the read model follows events within seconds)."""

    async def check() -> str:
        content = await page_text(client, path)
        missing = [e for e in expected if e not in content]
        assert not missing, f"{path} lacks {missing}: {content[:1500]}"
        return content

    return await eventually(check, timeout_s=15)


async def partial_return(
    system: System, customer: Customer, deposit: dict[str, Any], amount: str, note: str
) -> dict[str, Any]:
    body = {
        "kind": "partial",
        "amount": amount,
        "method": "bank_transfer",
        "reference": "SCB-4471",
        "note": note,
    }
    return await system.return_deposit(customer, deposit, body)


# The deposit section ---------------------------------------------------------------------------


async def test_a_partial_return_shows_the_returned_and_retained_amounts_with_the_reason(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    client = await system.portal_session(customer)
    await shows(client, "/", f"Hello, {customer.name}", "Held ฿20,000.00")

    returned = await partial_return(system, customer, deposit, "15000", "cracked filter")

    home = await shows(client, "/", "Returned ฿15,000.00", "Retained ฿5,000.00", "cracked filter")
    assert "Returned ฿15,000.00 · Retained ฿5,000.00 (cracked filter)" in home
    assert "Held ฿20,000.00" not in home
    receipts = await shows(client, "/receipts", returned["receipt_number"])
    assert deposit["collections"][0]["receipt_number"] in receipts
    assert "Ref. SCB-4471" in receipts
    assert "Ref. KBANK-778812" in receipts


async def test_a_voided_return_shows_as_void_and_the_deposit_as_held_again(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    returned = await partial_return(system, customer, deposit, "15000", "wrong amount entered")
    client = await system.portal_session(customer)
    await shows(client, "/", "Retained ฿5,000.00")

    voided = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit['id']}/returns/{returned['id']}/void",
        tenant_id,
        {"reason": "typo in amount"},
    )
    assert voided.status_code == 200, voided.text

    home = await shows(client, "/", "Held ฿20,000.00")
    assert "Retained" not in home
    receipts = await page_text(client, "/receipts")
    number = returned["receipt_number"]
    assert re.search(rf"{number} VOID", receipts), receipts
    assert "typo in amount" not in receipts  # the void reason is a staff matter


async def test_a_pending_deposit_shows_a_promptpay_qr_for_the_amount_still_due(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.pending_deposit(customer, Decimal("20000"))
    collected = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit['id']}/collections",
        tenant_id,
        {"amount": "5000", "method": "cash", "reference": "Cash, in person"},
    )
    assert collected.status_code == 201, collected.text
    client = await system.portal_session(customer)

    await shows(client, "/", "To pay ฿15,000.00", "Held ฿5,000.00")
    page = (await client.get("/")).text
    images = re.findall(r'<img class="qr" src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 1
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(images[0]))))
    expected = promptpay_payload(DEMO_TENANT_SETTINGS["promptpay_id"], Decimal("15000.00"))
    assert [code.text for code in decoded] == [expected]


async def test_with_nothing_open_the_home_page_thanks_the_customer_with_the_business_contact(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, name="Malee Sukjai")
    client = await system.portal_session(customer)

    home = await page_text(client)

    assert "Hello, Malee Sukjai" in home
    assert "You're all caught up" in home
    assert "Siam Tool Rentals Co., Ltd." in home
    assert DEMO_TENANT_SETTINGS["phone"] in home
    assert DEMO_TENANT_SETTINGS["email"] in home


# Jobs ------------------------------------------------------------------------------------------


async def test_jobs_are_grouped_with_friendly_stages_dates_and_equipment(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    today = date.today()
    async with system.ops() as ops:
        await ops.job(
            tenant_id,
            job_id="job-active",
            job_number="JOB-2026-0101",
            customer_id=customer.customer_id,
            stage="on_site",
            start_date=today - timedelta(days=2),
            end_date=date(2031, 3, 12),
            equipment=[
                {"asset_id": "GEN-0001", "name_en": "Generator 20 kVA", "name_th": "เครื่องปั่นไฟ 20 kVA"}
            ],
        )
        await ops.job(
            tenant_id,
            job_id="job-upcoming",
            job_number="JOB-2026-0102",
            customer_id=customer.customer_id,
            stage="new",
            start_date=today + timedelta(days=20),
            end_date=today + timedelta(days=25),
        )
        await ops.job(
            tenant_id,
            job_id="job-past",
            job_number="JOB-2026-0099",
            customer_id=customer.customer_id,
            stage="closed",
            start_date=today - timedelta(days=30),
            end_date=today - timedelta(days=20),
        )
    client = await system.portal_session(customer)

    jobs = await shows(client, "/jobs", "JOB-2026-0101", "JOB-2026-0102", "JOB-2026-0099")
    active, upcoming, past = (jobs.index(heading) for heading in (" Active ", " Upcoming ", " Past "))
    assert active < jobs.index("JOB-2026-0101") < upcoming < jobs.index("JOB-2026-0102") < past
    assert past < jobs.index("JOB-2026-0099")
    assert "Active rental — equipment delivered" in jobs
    assert "Ends 12 Mar 2031" in jobs
    home = await page_text(client)
    assert "JOB-2026-0101" in home
    assert "JOB-2026-0102" in home
    assert "JOB-2026-0099" not in home
    detail = await page_text(client, "/jobs/job-active")
    assert "Active rental — equipment delivered" in detail
    assert "Generator 20 kVA" in detail


async def test_a_job_shows_its_own_deposit(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    async with system.ops() as ops:
        await ops.job(
            tenant_id, job_id="job-9", job_number="JOB-9", customer_id=customer.customer_id, stage="on_site"
        )
        await ops.quote_accepted(
            tenant_id,
            branch_id="bkk",
            quote_id=f"q-{uuid4().hex[:6]}",
            customer_id=customer.customer_id,
            deposit=Decimal("8000"),
            job_id="job-9",
        )
    client = await system.portal_session(customer)

    detail = await shows(client, "/jobs/job-9", "To pay ฿8,000.00")

    assert 'class="qr"' in (await client.get("/jobs/job-9")).text
    assert "JOB-9" in detail


# Language --------------------------------------------------------------------------------------


async def test_the_thai_toggle_switches_labels_and_dates_to_thai_and_buddhist_era(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    returned = await partial_return(system, customer, deposit, "15000", "cracked filter")
    client = await system.portal_session(customer)
    english = await shows(client, "/receipts", returned["receipt_number"], "Deposit Return Receipt")
    ce_year = str(date.today().year)

    switched = await client.get("/lang/th", params={"next": "/receipts"})

    assert switched.url.path == "/receipts"
    thai = visible(switched.text)
    assert "ใบคืนเงินมัดจำ" in thai
    assert all(label in thai for label in ("หน้าแรก", "ใบเสร็จ", "เอกสาร"))
    assert str(date.today().year + 543) in thai
    assert f" {ce_year} " not in f" {thai} "
    assert "Deposit Return Receipt" not in thai
    assert "Receipts" not in thai
    assert f" {ce_year} " in f" {english} "
    home = await page_text(client, "/")
    assert "คืนแล้ว ฿15,000.00 · หักไว้ ฿5,000.00 (cracked filter)" in home
    back = await client.get("/lang/en", params={"next": "/"})
    assert "Returned ฿15,000.00" in visible(back.text)


async def test_a_thai_customer_sees_thai_first(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th", name="สมศรี ใจดี")
    client = await system.portal_session(customer)

    home = await page_text(client)

    assert "สวัสดี สมศรี ใจดี" in home
    assert "บริษัท สยามทูลเรนทัล จำกัด" in home


# Links and sessions ----------------------------------------------------------------------------


async def _expire(infra: Infrastructure, link_id: str) -> None:
    """Moves a link's expiry into the past: the test stands in for 30 days passing."""
    engine = create_async_engine(infra.database_url("portal"))
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE portal_links SET expires_at = now() - interval '1 minute' WHERE id = :id"),
                {"id": link_id},
            )
    finally:
        await engine.dispose()


async def test_an_expired_link_asks_for_a_new_one_from_the_business(
    system: System, infra: Infrastructure
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    issued = await system.portal_link(customer)
    client = httpx.AsyncClient(base_url=system.url("portal"), follow_redirects=True, timeout=30)
    assert (await client.get(system.portal_path(issued["url"]))).status_code == 200

    await _expire(infra, issued["id"])

    for response in (await client.get("/"), await client.get(system.portal_path(issued["url"]))):
        assert response.status_code == 410
        closed = visible(response.text)
        assert "This link has expired — ask Siam Tool Rentals Co., Ltd. for a new link" in closed
        assert DEMO_TENANT_SETTINGS["phone"] in closed
        assert customer.name not in closed
    listed = await system.get("portal", "/v1/portal-links", tenant_id, customer_id=customer.customer_id)
    assert {link["id"]: link["status"] for link in listed.json()["items"]}[issued["id"]] == "expired"


async def test_a_revoked_link_stops_working_on_the_next_page(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th")
    issued = await system.portal_link(customer)
    client = httpx.AsyncClient(base_url=system.url("portal"), follow_redirects=True, timeout=30)
    assert (await client.get(system.portal_path(issued["url"]))).status_code == 200

    revoked = await system.command("POST", "portal", f"/v1/portal-links/{issued['id']}/revoke", tenant_id)

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    response = await client.get("/receipts")
    assert response.status_code == 410
    assert "ลิงก์นี้หมดอายุแล้ว — กรุณาขอลิงก์ใหม่จาก บริษัท สยามทูลเรนทัล จำกัด" in visible(response.text)
    assert (await client.get(system.portal_path(issued["url"]))).status_code == 410


@pytest.mark.parametrize(
    ("path", "cookies"),
    [
        ("/", {}),
        ("/receipts", {"portal_session": "forged.value.here"}),
        ("/documents", {"portal_session": "x" * 5000}),
        ("/l/not-a-real-token", {}),
        ("/l/" + "a" * 1000, {}),
    ],
)
async def test_no_session_or_an_unknown_link_shows_the_friendly_page(
    system: System, path: str, cookies: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=system.url("portal"), cookies=cookies, timeout=30) as client:
        thai = await client.get(path)
        english = await client.get(path, headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert (thai.status_code, english.status_code) == (403, 403)
    assert "ลิงก์นี้หมดอายุแล้ว — กรุณาขอลิงก์ใหม่จาก ร้านที่ส่งลิงก์ให้คุณ" in visible(thai.text)
    assert "This link has expired — ask the business that sent it for a new link" in visible(english.text)


async def test_staff_issue_list_and_revoke_links_within_their_tenant(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    key = uuid4().hex
    await system.portal_link(customer)

    first = await system.command(
        "POST", "portal", "/v1/portal-links", tenant_id, {"customer_id": customer.customer_id}, key=key
    )
    replay = await system.command(
        "POST", "portal", "/v1/portal-links", tenant_id, {"customer_id": customer.customer_id}, key=key
    )
    other_tenant = await system.new_tenant()
    outsider_revoke = await system.command(
        "POST", "portal", f"/v1/portal-links/{first.json()['id']}/revoke", other_tenant
    )
    outsider_list = await system.get(
        "portal", "/v1/portal-links", other_tenant, customer_id=customer.customer_id
    )
    clerk_revoke = await system.command(
        "POST", "portal", f"/v1/portal-links/{first.json()['id']}/revoke", tenant_id, roles=("staff",)
    )

    assert first.status_code == 201
    link = first.json()
    assert link["url"].startswith(system.stack.env_for("portal")["MUDJAM_PORTAL_PUBLIC_URL"] + "/l/")
    assert link["customer_id"] == customer.customer_id
    assert replay.status_code == 201
    assert replay.json() == link
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert outsider_revoke.status_code == 404
    assert outsider_list.json()["items"] == []
    assert clerk_revoke.status_code == 403
    listed = (
        await system.get("portal", "/v1/portal-links", tenant_id, customer_id=customer.customer_id)
    ).json()
    assert len(listed["items"]) == 2
    assert {item["status"] for item in listed["items"]} == {"active"}
    assert listed["items"][0]["created_by"]["name"] == "Nok Staff"


async def test_the_token_is_kept_only_as_a_hash(system: System, infra: Infrastructure) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    token = (await system.portal_link(customer))["url"].rsplit("/", 1)[1]

    engine = create_async_engine(infra.database_url("portal"))
    try:
        async with engine.connect() as conn:
            dumps = [
                str((await conn.execute(text(f"SELECT json_agg(t)::text FROM {table} t"))).scalar())
                for table in ("portal_links", "idempotency_keys", "audit_log")
            ]
    finally:
        await engine.dispose()

    assert len(token) >= 43
    assert all(token not in dump for dump in dumps)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer_id": "c-never-heard-of"}, "customer_id"),
        ({"customer_id": "c-x", "expires_in_days": 0}, "expires_in_days"),
        ({"customer_id": "c-x", "expires_in_days": 366}, "expires_in_days"),
        ({"customer_id": "c-x", "expires_in_days": "thirty"}, "expires_in_days"),
        ({"customer_id": "bad id!"}, "customer_id"),
        ({}, "customer_id"),
    ],
)
async def test_an_invalid_link_request_is_refused_naming_the_field(
    system: System, body: dict, field: str
) -> None:
    tenant_id = await system.new_tenant()

    response = await system.command("POST", "portal", "/v1/portal-links", tenant_id, body)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


# The privacy wall ------------------------------------------------------------------------------


async def test_internal_fields_and_other_customers_never_reach_the_portal(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, private_notes="PRIVATE-NOTE slow payer, call the boss")
    neighbour = await system.new_customer(tenant_id, name="Neighbour Construction")
    async with system.ops() as ops:
        await ops.job(
            tenant_id,
            job_id="job-secret",
            job_number="JOB-2026-0500",
            customer_id=customer.customer_id,
            stage="on_site",
            equipment=[
                {
                    "asset_id": "ASSET-SECRET-77",
                    "name_en": "Plate compactor",
                    "name_th": "เครื่องตบดิน",
                    "quantity": 2,
                }
            ],
            internal_notes="INTERNAL-NOTE scratched the van door",
        )
        await ops.job(
            tenant_id,
            job_id="job-neighbour",
            job_number="JOB-2026-0501",
            customer_id=neighbour.customer_id,
            stage="on_site",
        )
        await ops.quote_accepted(
            tenant_id,
            branch_id="bkk",
            quote_id=f"q-{uuid4().hex[:6]}",
            customer_id=customer.customer_id,
            deposit=Decimal("3000"),
            job_id="job-secret",
            internal_notes="INTERNAL-QUOTE discount approved by Lek",
        )
    neighbour_deposit = await system.held_deposit(neighbour, Decimal("7777"))
    client = await system.portal_session(customer)
    await shows(client, "/jobs/job-secret", "Plate compactor × 2", "To pay ฿3,000.00")
    # The neighbour's job and deposit are in the portal too: they are kept from this customer, not absent.
    await shows(await system.portal_session(neighbour), "/", "JOB-2026-0501", "Held ฿7,777.00")

    secrets = [
        "ASSET-SECRET-77",
        "PRIVATE-NOTE",
        "INTERNAL-NOTE",
        "INTERNAL-QUOTE",
        "Neighbour Construction",
        "JOB-2026-0501",
        "7,777.00",
        neighbour_deposit["number"],
        "Nok Staff",
    ]
    for lang in ("en", "th"):
        await client.get(f"/lang/{lang}")
        for path in (*PAGES, "/jobs/job-secret"):
            page = (await client.get(path)).text
            leaked = [s for s in secrets if s in page]
            assert not leaked, f"{path} ({lang}) shows {leaked}"
    assert "เครื่องตบดิน × 2" in (await client.get("/jobs/job-secret")).text
    assert (await client.get("/jobs/job-neighbour")).status_code == 404


async def _rendered(client: httpx.AsyncClient, document: str) -> httpx.Response:
    """The PDF once the documents service has rendered it and the portal has heard so."""

    async def fetch() -> httpx.Response:
        response = await client.get(f"/documents/{document}.pdf")
        assert response.status_code == 200, response.status_code
        return response

    return await eventually(fetch, timeout_s=30)


async def test_a_customer_cannot_open_another_customers_document(system: System) -> None:
    tenant_id = await system.new_tenant()
    owner = await system.new_customer(tenant_id)
    other = await system.new_customer(tenant_id, name="Somsak Other")
    deposit = await system.held_deposit(owner, Decimal("20000"))
    number = deposit["collections"][0]["receipt_number"]
    receipt = document_id(tenant_id, DocumentKind.DEPOSIT_RECEIPT, number)
    await _rendered(await system.portal_session(owner), str(receipt))
    client = await system.portal_session(other)

    for path in (f"/documents/{receipt}", f"/documents/{receipt}.pdf", f"/documents/{receipt}/pages/1.png"):
        response = await client.get(path)
        assert response.status_code == 404
        assert "This page or document is not available." in visible(response.text)
    assert number not in (await client.get("/receipts")).text
    assert number not in (await client.get("/documents")).text
    assert (await client.get("/documents.zip")).status_code == 404


async def test_receipts_open_as_page_images_download_and_bundle_as_a_zip(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th")
    deposit = await system.held_deposit(customer, Decimal("20000"))
    number = deposit["collections"][0]["receipt_number"]
    receipt = document_id(tenant_id, DocumentKind.DEPOSIT_RECEIPT, number)
    client = await system.portal_session(customer)

    download = await _rendered(client, str(receipt))
    view = await client.get(f"/documents/{receipt}")
    image = await client.get(f"/documents/{receipt}/pages/1.png", params={"lang": "th"})
    receipts = await shows(client, "/receipts", number, "ดู", "ดาวน์โหลด")
    documents = await shows(client, "/documents", deposit["number"], number, "ดาวน์โหลดทั้งหมด (zip)")
    bundle = await client.get("/documents.zip")

    assert view.headers["content-type"].startswith("text/html")
    assert f'<img class="page" src="/documents/{receipt}/pages/1.png?lang=th' in view.text
    assert f'href="/documents/{receipt}.pdf"' in view.text
    assert (image.headers["content-type"], image.content[:4]) == ("image/png", b"\x89PNG")
    assert "private" in image.headers["cache-control"]
    revalidated = await client.get(
        f"/documents/{receipt}/pages/1.png",
        params={"lang": "th"},
        headers={"If-None-Match": image.headers["etag"]},
    )
    assert revalidated.status_code == 304
    assert download.headers["content-disposition"] == f'attachment; filename="{number}.pdf"'
    assert download.content.startswith(b"%PDF")
    assert "กำลังจัดทำไฟล์ PDF" not in receipts.split(number, 1)[1][:300]
    assert "ใบแจ้งเงินมัดจำ" in documents
    assert bundle.status_code == 200
    assert bundle.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert any(number in name for name in names)
    assert any(deposit["number"] in name for name in names)


async def test_odd_input_never_breaks_a_page(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    client = await system.portal_session(customer)

    for path, expected in [
        ("/documents/not-a-uuid", 404),
        (f"/documents/{uuid4()}", 404),
        (f"/documents/{uuid4()}?download=%FF%FE", 404),
        ("/jobs/%00", 404),
        ("/jobs/" + "j" * 300, 404),
        ("/jobs/no-such-job", 404),
        ("/?lang=zz", 200),
        ("/receipts?page=-1", 200),
    ]:
        response = await client.get(path)
        assert response.status_code == expected, (path, response.status_code, response.text[:300])

    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = await client.get("/lang/th", params={"next": target}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
    odd_lang = await client.get("/lang/xx", follow_redirects=False)
    assert odd_lang.status_code == 303
    client.cookies.set("lang", "<script>")
    assert (await client.get("/")).status_code == 200
