"""Races and retries on the staff API: numbers never repeat or skip, a deposit is returned once,
and a retried command acts once (SPEC §3, §5)."""

import asyncio
from decimal import Decimal

import pytest

from tests.system import System

pytestmark = pytest.mark.e2e

FULL_RETURN = {"kind": "full", "method": "bank_transfer", "reference": "SCB-REFUND-1"}


async def test_fifty_concurrent_returns_get_fifty_consecutive_deprr_numbers(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposits = [await system.held_deposit(customer, Decimal("1000")) for _ in range(50)]

    responses = await asyncio.gather(
        *(
            system.command("POST", "deposits", f"/v1/deposits/{d['id']}/returns", tenant_id, FULL_RETURN)
            for d in deposits
        )
    )

    assert [r.status_code for r in responses] == [201] * 50
    numbers = sorted(r.json()["returns"][0]["receipt_number"] for r in responses)
    year = numbers[0].split("-")[1]
    assert numbers == [f"DEPRR-{year}-{i:04d}" for i in range(1, 51)]
    # Each deposit's request, receipt and return receipt.
    await system.drop_queued_renders(tenant_id, scheduled=50 * 3)


async def test_two_staff_returning_one_deposit_at_once_one_succeeds_the_other_gets_conflict(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    path = f"/v1/deposits/{deposit['id']}/returns"
    partial = {"kind": "partial", "amount": "15000", "method": "cash", "reference": "Cash", "note": "dent"}

    first, second = await asyncio.gather(
        system.command("POST", "deposits", path, tenant_id, FULL_RETURN, user_id="staff-a"),
        system.command("POST", "deposits", path, tenant_id, partial, user_id="staff-b"),
    )

    assert sorted([first.status_code, second.status_code]) == [201, 409]
    detail = (await system.get("deposits", f"/v1/deposits/{deposit['id']}", tenant_id)).json()
    assert len(detail["returns"]) == 1


async def test_a_retried_return_with_the_same_idempotency_key_acts_once(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    path = f"/v1/deposits/{deposit['id']}/returns"

    first = await system.command("POST", "deposits", path, tenant_id, FULL_RETURN, key="retry-me")
    concurrent = await asyncio.gather(
        *(system.command("POST", "deposits", path, tenant_id, FULL_RETURN, key="retry-me") for _ in range(3))
    )

    assert first.status_code == 201
    assert all(r.status_code == 201 and r.json() == first.json() for r in concurrent)
    assert all(r.headers.get("Idempotent-Replayed") == "true" for r in concurrent)
    detail = (await system.get("deposits", f"/v1/deposits/{deposit['id']}", tenant_id)).json()
    assert len(detail["returns"]) == 1
    assert [a["action"] for a in detail["audit"]].count("deposit.returned.v1") == 1


async def test_reusing_an_idempotency_key_for_a_different_request_is_refused(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    path = f"/v1/deposits/{deposit['id']}/returns"
    await system.command("POST", "deposits", path, tenant_id, FULL_RETURN, key="k1")

    other = await system.command(
        "POST", "deposits", path, tenant_id, {**FULL_RETURN, "reference": "different"}, key="k1"
    )

    assert other.status_code == 422
    assert other.json()["error"]["field"] == "Idempotency-Key"


async def test_voiding_a_return_holds_the_deposit_again_and_never_reuses_its_number(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    returns = f"/v1/deposits/{deposit['id']}/returns"
    first = (await system.command("POST", "deposits", returns, tenant_id, FULL_RETURN)).json()["returns"][0]

    by_staff = await system.command(
        "POST", "deposits", f"{returns}/{first['id']}/void", tenant_id, {"reason": "wrong"}, roles=("staff",)
    )
    voided = await system.command(
        "POST",
        "deposits",
        f"{returns}/{first['id']}/void",
        tenant_id,
        {"reason": "refund went to the wrong account"},
    )
    again = await system.command(
        "POST",
        "deposits",
        returns,
        tenant_id,
        {"kind": "partial", "amount": "12000", "method": "cash", "reference": "Cash", "note": "missing hose"},
    )

    assert by_staff.status_code == 403
    assert voided.status_code == 200
    assert voided.json()["status"] == "held"
    assert voided.json()["returns"][0]["void"] is True
    second = again.json()["returns"][1]
    assert again.json()["status"] == "partially_returned"
    assert second["receipt_number"] != first["receipt_number"]
    assert int(second["receipt_number"][-4:]) == int(first["receipt_number"][-4:]) + 1


async def test_staff_see_only_their_branches_and_tenant(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("500"), branch_id="cnx")
    other_tenant = await system.new_tenant()

    bangkok_only = await system.http.get(
        f"{system.url('deposits')}/v1/deposits/{deposit['id']}",
        headers=system.staff(tenant_id, branches=("bkk",)),
    )
    other_business = await system.get("deposits", f"/v1/deposits/{deposit['id']}", other_tenant)
    listed = await system.http.get(
        f"{system.url('deposits')}/v1/deposits", headers=system.staff(tenant_id, branches=("bkk",))
    )

    assert bangkok_only.status_code == 404
    assert other_business.status_code == 404
    assert deposit["id"] not in [d["id"] for d in listed.json()["items"]]
