"""Portal links follow staff branches (issue 10, item 4): a link opens a customer's whole account,
every branch's invoices with it, so staff limited to branch bkk issue, list, see and revoke links
only for customers of bkk, and an invoice link only for an invoice of bkk. What is another
branch's looks unknown, as everywhere in the staff APIs."""

from typing import Any

import httpx
import pytest

from tests.helpers import eventually
from tests.system import Customer, System

pytestmark = pytest.mark.e2e
BKK_CLERK: dict[str, Any] = {"roles": ("staff",), "branches": ("bkk",), "user_id": "clerk-bkk"}


async def _issue(system: System, customer: Customer, **who: Any) -> httpx.Response:
    return await system.command(
        "POST", "portal", "/v1/portal-links", customer.tenant_id, {"customer_id": customer.customer_id}, **who
    )


async def test_a_bkk_clerk_issues_lists_and_revokes_links_of_bkk_customers_only(system: System) -> None:
    tenant_id = await system.new_tenant()
    ours = await system.new_customer(tenant_id, branch_id="bkk")
    theirs = await system.new_customer(tenant_id, branch_id="cnx", name="Chiang Mai Canary")
    their_link = await system.portal_link(theirs)  # by staff of every branch, once the portal knows
    await system.portal_link(ours)

    refused = await _issue(system, theirs, **BKK_CLERK)
    issued = await _issue(system, ours, **BKK_CLERK)
    listed = await system.http.get(
        f"{system.url('portal')}/v1/portal-links", headers=system.staff(tenant_id, **BKK_CLERK)
    )
    seen = await system.http.get(
        f"{system.url('portal')}/v1/portal-links/{their_link['id']}",
        headers=system.staff(tenant_id, **BKK_CLERK),
    )
    revoked = await system.command(
        "POST",
        "portal",
        f"/v1/portal-links/{their_link['id']}/revoke",
        tenant_id,
        roles=("staff", "manager"),
        branches=("bkk",),
    )

    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "customer_id"
    assert issued.status_code == 201
    assert listed.status_code == 200
    customers = {link["customer_id"] for link in listed.json()["items"]}
    assert customers == {ours.customer_id}
    assert "Chiang Mai Canary" not in listed.text
    assert seen.status_code == 404
    assert revoked.status_code == 404
    still = await system.get("portal", f"/v1/portal-links/{their_link['id']}", tenant_id)
    assert still.json()["status"] == "active"


async def test_a_bkk_clerk_cannot_link_a_bkk_customers_invoice_of_branch_cnx(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, branch_id="bkk")
    invoice = await system.sent_invoice(customer, branch_id="cnx")
    body = {"customer_id": customer.customer_id, "invoice_id": invoice["id"]}

    async def linked_by_every_branch_staff() -> httpx.Response | None:
        answer = await system.command("POST", "portal", "/v1/portal-links", tenant_id, body)
        return answer if answer.status_code == 201 else None

    await eventually(linked_by_every_branch_staff)  # the portal has the invoice
    refused = await system.command("POST", "portal", "/v1/portal-links", tenant_id, body, **BKK_CLERK)

    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "invoice_id"


async def test_a_customer_of_the_whole_business_is_linked_by_staff_of_every_branch_only(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    everyones = await system.new_customer(tenant_id, branch_id=None)
    await system.portal_link(everyones)

    refused = await _issue(system, everyones, **BKK_CLERK)

    assert refused.status_code == 422
