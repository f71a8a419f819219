"""The deposit rules over the staff API (SPEC §3, seed 001): refused input is 4xx naming the field,
a refused command writes nothing and publishes nothing, a deposit on a job is returned once the job
has closed, and staff deciding the return see what the job's inspection found."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.contracts.upstream import InspectionCompleted
from tests.conftest import Infrastructure
from tests.helpers import eventually, slip_screenshot
from tests.system import Customer, System

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


async def _held_on_quoted_job(system: System, customer: Customer, job_id: str) -> dict[str, Any]:
    """The deposit an accepted quote for the job asks for, once deposits has it, collected in full."""
    async with system.ops() as ops:
        await ops.quote_accepted(
            customer.tenant_id,
            branch_id="bkk",
            quote_id=f"Q-{uuid4().hex[:8]}",
            customer_id=customer.customer_id,
            deposit=Decimal("20000"),
            job_id=job_id,
        )

    async def requested() -> list[dict[str, Any]]:
        return list(
            (await system.get("deposits", "/v1/deposits", customer.tenant_id, job_id=job_id)).json()["items"]
        )

    [deposit] = await eventually(requested)
    collected = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit['id']}/collections",
        customer.tenant_id,
        {"method": "bank_transfer", "reference": "KBANK-778812"},
    )
    assert collected.status_code == 201, collected.text
    return dict(collected.json())


async def _job_at(system: System, customer: Customer, job_id: str, stage: str) -> None:
    """The operations system moves the job to the stage, and deposits has heard of it."""
    async with system.ops() as ops:
        await ops.job(
            customer.tenant_id,
            job_id=job_id,
            job_number="J-1001",
            customer_id=customer.customer_id,
            stage=stage,
            branch_id="bkk",
            closed_at=datetime.now(UTC) if stage == "closed" else None,
        )
    await system.job_known_to_deposits(customer.tenant_id, job_id, stage)


FULL_RETURN = {"kind": "full", "method": "bank_transfer", "reference": "SCB-REFUND-5521"}


async def test_a_deposit_on_a_job_is_returned_only_once_the_job_has_closed(
    system: System, infra: Infrastructure
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    job_id = f"J-{uuid4().hex[:8]}"
    deposit = await _held_on_quoted_job(system, customer, job_id)
    before = await _history(system, tenant_id, deposit["id"])
    published_before = await _published(infra, deposit["id"])

    unknown_status, unknown = await _return(system, tenant_id, deposit["id"], FULL_RETURN)
    await _job_at(system, customer, job_id, "on_site")
    on_site_status, on_site = await _return(system, tenant_id, deposit["id"], FULL_RETURN)

    assert (unknown_status, unknown["error"]["code"]) == (409, "job_not_closed")
    assert unknown["error"]["message"] == (
        f"The stage of job {job_id} is not known yet; return its deposit once the job has closed"
    )
    assert (on_site_status, on_site["error"]["code"]) == (409, "job_not_closed")
    assert on_site["error"]["message"] == "Job J-1001 is on site; return its deposit once the job has closed"
    after = await _history(system, tenant_id, deposit["id"])
    assert (after["status"], after["returns"], after["audit"]) == ("held", [], before["audit"])
    assert after["job"]["stage"] == "on_site"
    assert await _published(infra, deposit["id"]) == published_before

    await _job_at(system, customer, job_id, "closed")
    status, returned = await _return(system, tenant_id, deposit["id"], FULL_RETURN)

    assert status == 201, returned
    assert returned["status"] == "returned"
    assert re.fullmatch(r"DEPRR-\d{4}-0001", returned["returns"][0]["receipt_number"])
    assert returned["job"]["stage"] == "closed"
    assert returned["job_closed_on"] is not None
    assert (await _published(infra, deposit["id"]))[-1] == "deposit.returned.v1"


async def test_staff_deciding_a_return_see_what_the_job_s_inspection_found(system: System) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    job_id = f"J-{uuid4().hex[:8]}"
    deposit = await _held_on_quoted_job(system, customer, job_id)
    inspection = InspectionCompleted.model_validate(
        {
            "inspection_id": f"INSP-{uuid4().hex[:8]}",
            "job_id": job_id,
            "inspected_at": datetime.now(UTC).isoformat(),
            "conditions": [
                {"item": "Diesel generator 20 kVA", "condition": "good"},
                {"item": "Water pump 3 inch", "condition": "damaged", "notes": "cracked filter housing"},
            ],
            "damage_estimates": [
                {"description": "Filter housing", "amount": "4500.25"},
                {"description": "Cleaning", "amount": "500.50"},
            ],
        }
    )
    async with system.ops() as ops:
        await ops.publish(inspection, tenant_id=tenant_id, subject=job_id, branch_id="bkk")

    async def inspected() -> list[dict[str, Any]]:
        return list((await _history(system, tenant_id, deposit["id"]))["inspections"])

    [shown] = await eventually(inspected)
    assert [(c["item"], c["condition"], c["notes"]) for c in shown["conditions"]] == [
        ("Diesel generator 20 kVA", "good", ""),
        ("Water pump 3 inch", "damaged", "cracked filter housing"),
    ]
    assert [(e["description"], e["amount"]) for e in shown["damage_estimates"]] == [
        ("Filter housing", "4500.25"),
        ("Cleaning", "500.50"),
    ]
    assert shown["damage_estimate_total"] == "5000.75"


async def test_a_collection_proof_is_kept_when_it_is_an_image_and_refused_naming_the_file_otherwise(
    system: System, infra: Infrastructure
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    [collection] = deposit["collections"]
    path = f"{system.url('deposits')}/v1/deposits/{deposit['id']}/collections/{collection['id']}/proof"
    headers = system.staff(tenant_id)
    image = slip_screenshot()

    async def upload(content: bytes) -> Any:
        return await system.http.post(
            path,
            files={"file": ("slip.png", content, "image/png")},
            headers={**headers, "Idempotency-Key": uuid4().hex},
        )

    not_an_image = await upload(b"%PDF-1.7 not an image")
    too_large = await upload(image + b"\0" * (6 * 1024 * 1024))
    nothing_yet = await system.http.get(path, headers=headers)
    kept = await upload(image)
    downloaded = await system.http.get(path, headers=headers)

    assert collection["has_proof"] is False
    for refused in (not_an_image, too_large):
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == "file"
    assert "larger than 5 MB" in too_large.json()["error"]["message"]
    assert nothing_yet.status_code == 404
    assert kept.status_code == 201, kept.text
    assert kept.json()["collections"][0]["has_proof"] is True
    proof_entry = kept.json()["audit"][-1]
    assert (proof_entry["action"], proof_entry["actor_name"]) == (
        "deposit.collection_proof_attached",
        "Nok Staff",
    )
    assert proof_entry["details"]["receipt_number"] == collection["receipt_number"]
    assert (downloaded.status_code, downloaded.headers["content-type"]) == (200, "image/png")
    assert downloaded.content == image
    assert await _published(infra, deposit["id"]) == ["deposit.requested.v1", "deposit.collected.v1"]


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
