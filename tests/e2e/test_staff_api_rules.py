"""Rules of the staff APIs every service holds (issue 10, item 7): idempotency keys belong to the
staff member who sent them, so another user's request with the same key acts on its own and never
receives the first user's response; and reads need a staff, manager or service role, so the
operations system's upload token (or a token with no role) reads nothing."""

from decimal import Decimal

import pytest

from tests.system import System

pytestmark = pytest.mark.e2e


async def test_another_staff_member_with_the_same_key_gets_a_link_of_their_own(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    await system.portal_link(customer)  # the portal knows the customer
    body = {"customer_id": customer.customer_id}

    first = await system.command(
        "POST", "portal", "/v1/portal-links", tenant_id, body, key="k-1", user_id="a"
    )
    retried = await system.command(
        "POST", "portal", "/v1/portal-links", tenant_id, body, key="k-1", user_id="a"
    )
    other = await system.command(
        "POST", "portal", "/v1/portal-links", tenant_id, body, key="k-1", user_id="b"
    )

    assert first.status_code == retried.status_code == other.status_code == 201
    assert retried.json()["url"] == first.json()["url"]
    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert other.json()["id"] != first.json()["id"]
    assert other.json()["url"] != first.json()["url"]
    assert "Idempotent-Replayed" not in other.headers


async def test_the_same_key_from_two_staff_members_returns_two_deposits(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    first_deposit = await system.held_deposit(customer, Decimal("1000"))
    second_deposit = await system.held_deposit(customer, Decimal("2000"))
    full = {"kind": "full", "method": "cash", "reference": "Cash"}

    by_a = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{first_deposit['id']}/returns",
        tenant_id,
        full,
        key="r",
        user_id="a",
    )
    by_b = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{second_deposit['id']}/returns",
        tenant_id,
        full,
        key="r",
        user_id="b",
    )

    assert by_a.status_code == by_b.status_code == 201
    assert by_b.json()["id"] == second_deposit["id"]
    assert by_b.json()["returns"][0]["returned_amount"] == "2000.00"


READS = [
    ("deposits", "/v1/deposits"),
    ("deposits", "/v1/deposits/dashboard"),
    ("billing", "/v1/invoices"),
    ("billing", "/v1/reported-payments"),
    ("billing", "/v1/retentions"),
    ("notifications", "/v1/inbox"),
    ("notifications", "/v1/notices"),
    ("notifications", "/v1/webhooks"),
    ("documents", "/v1/documents"),
    ("portal", "/v1/portal-links"),
]


@pytest.mark.parametrize(("service", "path"), READS, ids=[f"{s} {p}" for s, p in READS])
async def test_reads_need_a_staff_role_the_operations_token_reads_nothing(
    system: System, service: str, path: str
) -> None:
    tenant_id = "t-roles"
    url = f"{system.url(service)}{path}"

    as_staff = await system.http.get(url, headers=system.staff(tenant_id, roles=("staff",)))
    as_operations = await system.http.get(url, headers=system.staff(tenant_id, roles=("operations",)))
    with_no_role = await system.http.get(url, headers=system.staff(tenant_id, roles=()))

    assert as_staff.status_code == 200, as_staff.text
    assert as_operations.status_code == with_no_role.status_code == 403
    assert as_operations.json()["error"]["code"] == "forbidden"
