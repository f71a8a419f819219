"""An operator's round trip with a dead letter: a bug makes the portal give up on a customer, the
operator finds it with `mudjam dead-letters list`, reads it with `show`, fixes the bug, re-drives it,
and the customer reaches the portal once; re-driving again changes nothing."""

from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mudjam.stack import SERVICES
from shared.contracts.catalogue import CUSTOMERS, DEAD_LETTERS
from tests.helpers import eventually
from tests.system import Customer, System

PORTAL = "portal.projection"


async def _sql(system: System, service: str, statement: str, **params: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(system.stack.database_url(service))
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_a_dead_letter_is_listed_shown_redriven_after_the_fix_and_applied_once(system: System) -> None:
    tenant_id = await system.new_tenant()
    bug = f"portal_bug_{uuid4().hex[:8]}"
    # The bug: the portal's projection fails on this tenant's customers named "Poison …".
    await _sql(
        system,
        "portal",
        f"""CREATE FUNCTION {bug}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF NEW.tenant_id = '{tenant_id}' AND NEW.name LIKE 'Poison%' THEN
                RAISE EXCEPTION 'portal bug: cannot project %', NEW.name;
            END IF;
            RETURN NEW; END $$""",
    )
    await _sql(
        system,
        "portal",
        f"CREATE TRIGGER {bug} BEFORE INSERT OR UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION {bug}()",
    )
    customer_id = f"c-{uuid4().hex[:10]}"
    async with system.ops() as ops:
        upserted = await ops.customer(
            tenant_id,
            customer_id,
            branch_id="bkk",
            name="Poison Canary",
            email=f"{customer_id}@customer.example",
        )

    async def dead_letter() -> dict:
        notices = [
            e
            for e in await system.events(DEAD_LETTERS.name)
            if e["data"]["original_event_id"] == str(upserted.id)
        ]
        assert notices, "not dead-lettered yet"
        return notices[0]

    notice = await eventually(dead_letter, timeout_s=60)
    assert notice["data"]["consumer"] == PORTAL

    listed = await system.mudjam("dead-letters", "list", "--tenant", tenant_id)
    assert listed.returncode == 0, listed.stderr
    (row,) = [line for line in listed.stdout.splitlines() if notice["id"] in line]
    assert PORTAL in row
    assert "customer.upserted.v1" in row
    assert "dead_lettered" in row

    shown = await system.mudjam("dead-letters", "show", notice["id"][:8])
    assert shown.returncode == 0, shown.stderr
    assert f"{CUSTOMERS.name}/" in shown.stdout
    assert str(upserted.id) in shown.stdout
    assert "portal bug: cannot project Poison Canary" in shown.stdout
    assert '"name": "Poison Canary"' in shown.stdout  # the original event, as the portal received it

    # Before the fix the portal does not know the customer: no link can be issued for them.
    refused = await system.http.post(
        f"{system.url('portal')}/v1/portal-links",
        json={"customer_id": customer_id},
        headers=system.staff(tenant_id),
    )
    assert refused.status_code == 422, refused.text

    await _sql(system, "portal", f"DROP TRIGGER {bug} ON customers")
    await _sql(system, "portal", f"DROP FUNCTION {bug}()")
    redriven = await system.mudjam("dead-letters", "redrive", notice["id"])
    assert redriven.returncode == 0, redriven.stderr
    assert f"{notice['id']}: re-driven and applied" in redriven.stdout

    # The customer now has the portal: a link opens their home page with their name.
    customer = Customer(tenant_id, customer_id, "Poison Canary", f"{customer_id}@customer.example", "en")
    portal = await system.portal_session(customer)
    home = await portal.get("/")
    await portal.aclose()
    assert "Poison Canary" in home.text

    again = await system.mudjam("dead-letters", "redrive", notice["id"])
    assert again.returncode == 0, again.stderr
    assert "already applied, not sent again" in again.stdout
    relisted = await system.mudjam("dead-letters", "list", "--tenant", tenant_id)
    (row,) = [line for line in relisted.stdout.splitlines() if notice["id"] in line]
    assert " applied " in row

    # Exactly once: the event went out twice (the original and the redrive), every consumer
    # recorded it once, and it was dead-lettered once.
    copies = [e for e in await system.events(CUSTOMERS.name) if e["id"] == str(upserted.id)]
    assert len(copies) == 2
    for service in SERVICES:
        recorded = await _sql(
            system, service, "SELECT outcome FROM processed_events WHERE event_id = :id", id=str(upserted.id)
        )
        assert recorded == [("applied",)], service
    assert [await dead_letter()] == [
        e
        for e in await system.events(DEAD_LETTERS.name)
        if e["data"]["original_event_id"] == str(upserted.id)
    ]
