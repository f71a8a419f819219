"""The deposit return rules over the staff API (SPEC §3): refused input is 4xx naming the field,
and a refused command writes nothing and publishes nothing."""

from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import Infrastructure
from tests.system import System

pytestmark = pytest.mark.e2e


async def _return(system: System, tenant_id: str, deposit_id: str, body: dict) -> tuple[int, dict]:
    response = await system.command("POST", "deposits", f"/v1/deposits/{deposit_id}/returns", tenant_id, body)
    return response.status_code, response.json()


async def _published(infra: Infrastructure, deposit_id: str) -> list[str]:
    """The events the deposits service has queued for publication about this deposit."""
    engine = create_async_engine(infra.database_url("deposits"))
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT event_type FROM outbox WHERE key = :key ORDER BY seq"), {"key": deposit_id}
            )
            return [row.event_type for row in rows]
    finally:
        await engine.dispose()


async def _history(system: System, tenant_id: str, deposit_id: str) -> dict:
    response = await system.get("deposits", f"/v1/deposits/{deposit_id}", tenant_id)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "partial", "amount": "5000", "method": "cash", "reference": "Cash, in person"}, "note"),
        ({"kind": "forfeit", "note": "   "}, "note"),
        ({"kind": "partial", "amount": "0", "method": "cash", "reference": "x", "note": "dent"}, "amount"),
        (
            {"kind": "partial", "amount": "20000", "method": "cash", "reference": "x", "note": "dent"},
            "amount",
        ),
        (
            {"kind": "partial", "amount": "25000", "method": "cash", "reference": "x", "note": "dent"},
            "amount",
        ),
        ({"kind": "partial", "amount": "-1", "method": "cash", "reference": "x", "note": "dent"}, "amount"),
        (
            {"kind": "partial", "amount": "100.005", "method": "cash", "reference": "x", "note": "dent"},
            "amount",
        ),
        ({"kind": "forfeit", "amount": "1", "note": "engine seized"}, "amount"),
        ({"kind": "full", "method": "cheque", "reference": "CHQ-1"}, "method"),
        ({"kind": "full", "method": "credit_card", "reference": "x"}, "method"),
        ({"kind": "full", "reference": "SLIP-1"}, "method"),
        ({"kind": "full", "method": "cash"}, "reference"),
        ({"kind": "everything", "method": "cash", "reference": "x"}, "kind"),
    ],
)
async def test_invalid_return_is_refused_naming_the_field_and_writes_nothing(
    system: System, infra: Infrastructure, body: dict, field: str
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    before = await _history(system, tenant_id, deposit["id"])
    published_before = await _published(infra, deposit["id"])

    status, error = await _return(system, tenant_id, deposit["id"], body)

    assert status == 422, error
    assert error["error"]["field"] == field
    after = await _history(system, tenant_id, deposit["id"])
    assert after["status"] == "held"
    assert after["returns"] == []
    assert after["audit"] == before["audit"]
    assert (
        await _published(infra, deposit["id"])
        == published_before
        == [
            "deposit.requested.v1",
            "deposit.collected.v1",
        ]
    )


async def test_a_refused_return_does_not_use_up_a_receipt_number(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    refused, _ = await _return(
        system, tenant_id, deposit["id"], {"kind": "partial", "amount": "1", "note": ""}
    )
    assert refused == 422

    status, returned = await _return(
        system, tenant_id, deposit["id"], {"kind": "full", "method": "cash", "reference": "Cash, in person"}
    )

    assert status == 201, returned
    assert returned["returns"][0]["receipt_number"].endswith("-0001")


async def test_full_return_refunds_the_held_total(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))

    status, returned = await _return(
        system, tenant_id, deposit["id"], {"kind": "full", "method": "promptpay", "reference": "PP-99"}
    )

    assert status == 201, returned
    assert returned["status"] == "returned"
    assert (returned["returns"][0]["returned_amount"], returned["returns"][0]["retained_amount"]) == (
        "20000.00",
        "0.00",
    )


async def test_partial_collection_leaves_the_deposit_partially_held(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit_id = (await system.pending_deposit(customer, Decimal("20000")))["id"]

    first = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit_id}/collections",
        tenant_id,
        {"amount": "5000", "method": "cash", "reference": "Cash, in person"},
    )
    over = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit_id}/collections",
        tenant_id,
        {"amount": "15000.01", "method": "cash"},
    )
    rest = await system.command(
        "POST", "deposits", f"/v1/deposits/{deposit_id}/collections", tenant_id, {"method": "promptpay"}
    )

    assert first.json()["status"] == "partially_held"
    assert first.json()["outstanding"] == "15000.00"
    assert over.status_code == 422
    assert over.json()["error"]["field"] == "amount"
    assert rest.json()["status"] == "held"
    assert [c["receipt_number"] for c in rest.json()["collections"]] == [
        c["receipt_number"] for c in first.json()["collections"]
    ] + [rest.json()["collections"][1]["receipt_number"]]
    assert rest.json()["collections"][1]["amount"] == "15000.00"


async def test_a_deposit_for_a_business_whose_settings_have_not_arrived_is_refused_until_they_do(
    system: System,
) -> None:
    tenant_id = f"t-unsettled-{uuid4().hex[:8]}"  # its settings are not published (yet)
    customer = await system.new_customer(tenant_id)
    body = {"customer_id": customer.customer_id, "branch_id": "bkk", "amount": "20000"}

    refused = await system.command("POST", "deposits", "/v1/deposits", tenant_id, body)
    listed = await system.get("deposits", "/v1/deposits", tenant_id)
    await system.publish_tenant(tenant_id)
    accepted = await system.command("POST", "deposits", "/v1/deposits", tenant_id, body)

    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "business_settings_pending"
    assert listed.json()["total"] == 0
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["number"].endswith("-0001")  # the refusal used no number
