"""The staff console (issue 8) as a counter clerk and a manager meet it, over HTTP against the real
services: a sign-in link opens a session, the deposit list and page show only what the API lets the
staff member see, and the return panel, void and collect act through the deposits API, so nothing
is written that the API refuses and a forged form writes nothing at all."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from mudjam.cli import staff_sign_in_link
from shared.auth import issue_sign_in_token
from shared.settings import AuthSettings
from tests.e2e.test_portal import shows
from tests.helpers import eventually, slip_screenshot, visible
from tests.system import Customer, System

pytestmark = pytest.mark.e2e

ENGLISH = {"Accept-Language": "en"}
CLERK = {"roles": ["staff"], "branches": ["*"]}
MANAGER = {"roles": ["staff", "manager"], "branches": ["*"]}


def sign_in_path(system: System, tenant_id: str, *, roles: list[str], branches: list[str]) -> str:
    base = system.url("portal")
    link = staff_sign_in_link(
        tenant_id=tenant_id,
        branches=branches,
        roles=roles,
        user_id="clerk-1",
        name="Nok Counter",
        portal_public_url=base,
    )
    return link.removeprefix(base)


async def console(system: System, tenant_id: str, *, lang: str = "en", **who: Any) -> httpx.AsyncClient:
    """A staff member's browser, signed in through a fresh sign-in link."""
    client = httpx.AsyncClient(
        base_url=system.url("portal"), follow_redirects=True, timeout=30, cookies={"lang": lang}
    )
    opened = await client.get(sign_in_path(system, tenant_id, **(who or CLERK)))
    assert opened.status_code == 200, opened.text
    assert str(opened.url).endswith("/staff")
    return client


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} in the page"
    return found.group(1)


async def deposit_api(system: System, customer: Customer, deposit: dict[str, Any]) -> dict[str, Any]:
    response = await system.get("deposits", f"/v1/deposits/{deposit['id']}", customer.tenant_id)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def post_return(client: httpx.AsyncClient, deposit: dict[str, Any], **fields: str) -> httpx.Response:
    page = (await client.get(f"/staff/deposits/{deposit['id']}")).text
    form = {"csrf": hidden(page, "csrf"), "form_key": hidden(page, "form_key"), "action": "save", **fields}
    return await client.post(f"/staff/deposits/{deposit['id']}/returns", data=form)


async def held(
    system: System, tenant_id: str | None = None, *, branch_id: str = "bkk"
) -> tuple[Customer, dict[str, Any]]:
    tenant_id = tenant_id or await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="en")
    return customer, await system.held_deposit(customer, Decimal("20000"), branch_id=branch_id)


async def test_a_sign_in_link_opens_a_strict_http_only_session_and_leaves_the_address_bar(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    async with httpx.AsyncClient(base_url=system.url("portal"), timeout=30, headers=ENGLISH) as client:
        opened = await client.get(sign_in_path(system, tenant_id, **CLERK))
        assert opened.status_code == 303
        assert opened.headers["location"] == "/staff"
        cookie = opened.headers["set-cookie"]
        assert cookie.startswith("staff_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
        home = await client.get("/staff")
        assert home.status_code == 200
        assert "Signed in as Nok Counter" in visible(home.text)


async def test_an_expired_or_tampered_link_shows_the_sign_in_page_never_a_5xx(system: System) -> None:
    tenant_id = await system.new_tenant()
    auth = AuthSettings()
    expired = issue_sign_in_token(
        auth.jwt_secret.get_secret_value(),
        user_id="u",
        name="U",
        tenant_id=tenant_id,
        branches=["*"],
        roles=["staff"],
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    good = sign_in_path(system, tenant_id, **CLERK)
    tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    bearer = system.staff(tenant_id)["Authorization"].removeprefix("Bearer ")
    async with httpx.AsyncClient(base_url=system.url("portal"), timeout=30, headers=ENGLISH) as client:
        for path in (f"/staff/sign-in/{expired}", tampered, f"/staff/sign-in/{bearer}", "/staff/sign-in/x"):
            refused = await client.get(path)
            assert refused.status_code == 401, path
            assert "This sign-in link is not valid or has expired. Please ask for a new link." in visible(
                refused.text
            )
            assert "staff_session" not in refused.headers.get("set-cookie", "")


async def test_a_stale_session_or_none_or_a_customers_goes_to_the_sign_in_page(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    customer_browser = await system.portal_session(customer)
    for client in (
        customer_browser,
        httpx.AsyncClient(base_url=system.url("portal"), timeout=30, cookies={"staff_session": "made-up"}),
    ):
        page = await client.get("/staff", follow_redirects=True, headers=ENGLISH)
        assert page.status_code == 200
        assert str(page.url).endswith("/staff/sign-in?ended=1")
        assert "Please ask for a new sign-in link" in visible(page.text)
    # A signed-out session is stale too.
    clerk = await console(system, tenant_id)
    home = (await clerk.get("/staff")).text
    signed_out = await clerk.post("/staff/sign-out", data={"csrf": hidden(home, "csrf")})
    assert "You have signed out" in visible(signed_out.text)
    assert str((await clerk.get("/staff")).url).endswith("/staff/sign-in?ended=1")


async def test_a_post_without_its_csrf_token_is_refused_and_writes_nothing(system: System) -> None:
    customer, deposit = await held(system)
    clerk = await console(system, customer.tenant_id)
    page = (await clerk.get(f"/staff/deposits/{deposit['id']}")).text
    form = {"form_key": hidden(page, "form_key"), "action": "save", "kind": "full", "method": "cash"}
    for csrf in ({}, {"csrf": "0" * 64}, {"csrf": hidden(page, "csrf") + "x"}):
        refused = await clerk.post(f"/staff/deposits/{deposit['id']}/returns", data={**form, **csrf})
        assert refused.status_code == 403
        assert "Nothing was saved" in visible(refused.text)
    assert (await clerk.post("/staff/sign-out", data={})).status_code == 403
    after = await deposit_api(system, customer, deposit)
    assert after["status"] == "held"
    assert after["returns"] == []


async def test_a_clerk_of_branch_bkk_never_sees_a_cnx_deposit(system: System) -> None:
    tenant_id = await system.new_tenant()
    _, in_bkk = await held(system, tenant_id, branch_id="bkk")
    _, in_cnx = await held(system, tenant_id, branch_id="cnx")
    clerk = await console(system, tenant_id, roles=["staff"], branches=["bkk"])
    listed = visible((await clerk.get("/staff")).text)
    assert in_bkk["number"] in listed
    assert in_cnx["number"] not in listed
    hidden_page = await clerk.get(f"/staff/deposits/{in_cnx['id']}")
    assert hidden_page.status_code == 404
    assert "There is no such item in your branches" in visible(hidden_page.text)
    assert (await clerk.get("/staff/deposits/not-a-uuid")).status_code == 404


async def test_the_return_panel_returns_15000_of_20000_and_the_customer_sees_the_deduction(
    system: System,
) -> None:
    customer, deposit = await held(system)
    clerk = await console(system, customer.tenant_id)
    page = visible((await clerk.get(f"/staff/deposits/{deposit['id']}")).text)
    assert "Return deposit" in page
    assert "฿20,000.00" in page

    fields = {"kind": "partial", "amount": "15000", "method": "bank_transfer", "reference": "SCB-4471"}
    preview = await post_return(clerk, deposit, **fields, note="cracked filter", action="preview")
    assert "Retained ฿5,000.00 (cracked filter)" in visible(preview.text)
    assert (await deposit_api(system, customer, deposit))["returns"] == []  # a preview saves nothing

    saved = await post_return(clerk, deposit, **fields, note="cracked filter")
    assert saved.status_code == 200
    after = await deposit_api(system, customer, deposit)
    number = after["returns"][0]["receipt_number"]
    assert number.startswith("DEPRR-")
    assert f"Return saved: {number}" in visible(saved.text)

    async def view_link() -> str:
        page = (await clerk.get(str(saved.url))).text
        assert "View" in visible(page.split("Return saved", 1)[1].split("</p>", 1)[0])
        return page

    trail = (await eventually(view_link, timeout_s=90, interval_s=0.5)).split('class="audit"', 1)[1]
    assert [visible(a) for a in re.findall(r'<td data-action="[^"]+">([^<]*)</td>', trail)] == [
        "Deposit requested",
        "Deposit collected",
        "Partly returned",
    ]
    assert ".v1" not in visible(trail)

    portal = await system.portal_session(customer)
    home = await shows(portal, "/", "Returned ฿15,000.00", "Retained ฿5,000.00")
    assert "Returned ฿15,000.00 · Retained ฿5,000.00 (cracked filter)" in home


async def test_a_partial_return_without_a_note_shows_the_error_beside_the_note_and_saves_nothing(
    system: System,
) -> None:
    customer, deposit = await held(system)
    clerk = await console(system, customer.tenant_id)
    refused = await post_return(
        clerk, deposit, kind="partial", amount="15000", method="bank_transfer", reference="SCB-4471", note=""
    )
    assert refused.status_code == 422
    note_at, error_at = refused.text.index('name="note"'), refused.text.index('id="note-error"')
    assert note_at < error_at < refused.text.index('value="save"')  # beside the note, in the panel
    assert "Say why" in visible(refused.text[error_at:]) or "note" in visible(refused.text[error_at:])
    assert 'value="15000"' in refused.text  # the form keeps what was typed
    assert 'value="SCB-4471"' in refused.text
    after = await deposit_api(system, customer, deposit)
    assert (after["status"], after["returns"]) == ("held", [])


async def test_a_manager_voids_the_return_and_a_clerk_sees_no_void_and_is_refused(system: System) -> None:
    customer, deposit = await held(system)
    returned = await system.return_deposit(
        customer,
        deposit,
        {
            "kind": "partial",
            "amount": "15000",
            "method": "cash",
            "reference": "Cash",
            "note": "cracked filter",
        },
    )
    clerk = await console(system, customer.tenant_id, **CLERK)
    page = (await clerk.get(f"/staff/deposits/{deposit['id']}")).text
    assert "/void" not in page
    assert ">Void<" not in page
    forged = await clerk.post(
        f"/staff/deposits/{deposit['id']}/returns/{returned['id']}/void",
        data={"csrf": hidden(page, "csrf"), "form_key": "k-1", "reason": "wrong amount"},
    )
    assert forged.status_code == 403
    assert "Not saved" in visible(forged.text)
    assert (await deposit_api(system, customer, deposit))["status"] == "partially_returned"

    manager = await console(system, customer.tenant_id, **MANAGER)
    page = (await manager.get(f"/staff/deposits/{deposit['id']}")).text
    assert f"/returns/{returned['id']}/void" in page
    void_url = f"/staff/deposits/{deposit['id']}/returns/{returned['id']}/void"
    no_reason = await manager.post(
        void_url, data={"csrf": hidden(page, "csrf"), "form_key": "k-2", "reason": ""}
    )
    assert no_reason.status_code == 422
    voided = await manager.post(
        void_url, data={"csrf": hidden(page, "csrf"), "form_key": "k-3", "reason": "wrong amount"}
    )
    assert voided.status_code == 200
    assert f"Return {returned['receipt_number']} voided; the deposit is held again." in visible(voided.text)
    after = await deposit_api(system, customer, deposit)
    assert after["status"] == "held"
    assert after["returns"][0]["void"] is True
    assert "Return deposit" in visible(voided.text)


async def test_collect_records_the_outstanding_amount_back_dated(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.pending_deposit(customer, Decimal("20000"))
    clerk = await console(system, tenant_id)
    page = (await clerk.get(f"/staff/deposits/{deposit['id']}")).text
    assert 'name="amount" inputmode="decimal" value="20000.00"' in page
    back_dated = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    form = {
        "csrf": hidden(page, "csrf"),
        "form_key": hidden(page, "form_key"),
        "amount": "20000.00",
        "method": "cheque",
        "reference": "CHQ-0042",
        "collected_on": back_dated,
    }
    saved = await clerk.post(f"/staff/deposits/{deposit['id']}/collections", data=form)
    assert saved.status_code == 200
    after = await deposit_api(system, customer, deposit)
    assert after["status"] == "held"
    assert after["collections"][0]["collected_on"] == back_dated
    assert f"Collection saved: {after['collections'][0]['receipt_number']}" in visible(saved.text)
    again = await clerk.post(f"/staff/deposits/{deposit['id']}/collections", data=form)  # a double submit
    assert again.status_code == 200
    assert len((await deposit_api(system, customer, deposit))["collections"]) == 1


async def test_a_proof_image_refused_after_the_collection_was_saved_says_why(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    english = await console(system, tenant_id)
    thai = await console(system, tenant_id, lang="th")

    async def collect(
        client: httpx.AsyncClient, amount: str, proof: tuple[str, bytes, str]
    ) -> httpx.Response:
        deposit = await system.pending_deposit(customer, Decimal(amount))
        page = (await client.get(f"/staff/deposits/{deposit['id']}")).text
        form = {
            "csrf": hidden(page, "csrf"),
            "form_key": hidden(page, "form_key"),
            "amount": amount,
            "method": "bank_transfer",
            "reference": "SCB-1",
        }
        return await client.post(
            f"/staff/deposits/{deposit['id']}/collections", data=form, files={"proof": proof}
        )

    not_an_image = ("slip.png", b"%PDF-1.7 a statement, not a photo", "image/png")
    saved = await collect(english, "1000", not_an_image)
    assert saved.status_code == 200
    assert re.search(r"Collection saved: DEPR-\S+", visible(saved.text))
    assert (
        "The collection was saved, but the proof image was refused: it is not a PNG, JPEG or WebP image."
        in visible(saved.text)
    )
    thai_saved = await collect(thai, "2000", not_an_image)
    assert "บันทึกการรับเงินแล้ว แต่ไม่รับรูปหลักฐาน: ไฟล์ไม่ใช่รูป PNG, JPEG หรือ WebP" in visible(thai_saved.text)

    forged = await english.get(str(saved.url).replace("proof_refused=not_image", "proof_refused=Call+0800"))
    assert "Call" not in visible(forged.text)  # the reason is one the console knows, never the link's text
    assert "the deposits service did not accept it." in visible(forged.text)

    kept = await collect(english, "3000", ("slip.png", slip_screenshot(), "image/png"))
    assert "refused" not in visible(kept.text)
    assert ">Proof</a>" in kept.text

    # The refused one gets its proof later, from the collection's Attach proof.
    assert ">Proof</a>" not in saved.text
    attach = re.search(r'action="(/staff/deposits/[^"]+/collections/[^"]+/proof)"', saved.text)
    assert attach, "no Attach proof on the collection"
    section = saved.text[saved.text.index(attach.group(0)) :]
    form = {"csrf": hidden(section, "csrf"), "form_key": hidden(section, "form_key")}
    refused = await english.post(attach.group(1), data=form, files={"proof": not_an_image})
    assert "The proof image was refused: it is not a PNG, JPEG or WebP image." in visible(refused.text)
    attached = await english.post(
        attach.group(1),
        data=form | {"form_key": "k-2"},
        files={"proof": ("slip.png", slip_screenshot(), "image/png")},
    )
    assert re.search(r"Proof attached to DEPR-\S+", visible(attached.text))
    assert ">Proof</a>" in attached.text
    no_token = await english.post(attach.group(1), data={"form_key": "k-3"}, files={"proof": not_an_image})
    assert no_token.status_code == 403


async def test_the_deposit_list_and_the_inbox_come_a_page_at_a_time_keeping_the_filters(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    numbers = {(await system.pending_deposit(customer, Decimal(100 + n)))["number"] for n in range(26)}
    clerk = await console(system, tenant_id)

    def listed(page: str) -> set[str]:
        return set(re.findall(r"DEP-\d{4}-\d{4,}", visible(page)))

    first = (await clerk.get("/staff?status=pending")).text
    assert "Page 1 of 2" in visible(first)
    assert 'href="/staff?status=pending&amp;page=2"' in first  # Next keeps the filter
    second = (await clerk.get("/staff?status=pending&page=2")).text
    assert "Page 2 of 2" in visible(second)
    assert 'href="/staff?status=pending&amp;page=1"' in second  # Previous
    assert len(listed(first)) == 25
    assert listed(first) | listed(second) == numbers
    assert not listed(first) & listed(second)
    past_the_end = (await clerk.get("/staff?status=pending&page=9")).text
    assert listed(past_the_end) == listed(second)  # the last page there is
    assert "Page 1 of 1" not in visible((await clerk.get("/staff/inbox")).text)  # one page, no pager


async def test_the_console_speaks_thai_and_english(system: System) -> None:
    customer, deposit = await held(system)
    english = await console(system, customer.tenant_id, lang="en")
    thai = await console(system, customer.tenant_id, lang="th")
    assert "Held" in visible((await english.get("/staff")).text)
    thai_list = visible((await thai.get("/staff")).text)
    assert "เงินมัดจำ" in thai_list
    assert "ออกจากระบบ" in thai_list
    thai_page = visible((await thai.get(f"/staff/deposits/{deposit['id']}")).text)
    assert "คืนเงินมัดจำ" in thai_page
    assert "฿20,000.00" in thai_page
    assert str(datetime.now(UTC).year + 543) in thai_page  # Buddhist Era dates
    assert "ขอรับเงินมัดจำ" in thai_page  # the audit trail in words
    assert "รับเงินมัดจำแล้ว" in thai_page
    assert "deposit.requested.v1" not in thai_page
    toggled = await thai.get(f"/lang/en?next=/staff/deposits/{deposit['id']}")
    assert "Return deposit" in visible(toggled.text)


async def test_the_console_shows_times_on_the_business_s_clock(system: System) -> None:
    tenant_id = await system.new_tenant(timezone="Asia/Tokyo")  # UTC+9, two hours ahead of Bangkok
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    requested_at = datetime.fromisoformat(
        next(e for e in deposit["audit"] if e["action"] == "deposit.requested.v1")["at"]
    )
    client = await console(system, tenant_id)

    page = visible((await client.get(f"/staff/deposits/{deposit['id']}")).text)

    tokyo = requested_at.astimezone(ZoneInfo("Asia/Tokyo"))
    bangkok = requested_at.astimezone(ZoneInfo("Asia/Bangkok"))
    assert f"{tokyo:%H:%M}" in page
    assert f"{bangkok:%H:%M}" not in page
