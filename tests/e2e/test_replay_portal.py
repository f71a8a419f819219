"""`mudjam replay portal`: the portal's read model, damaged, is rebuilt from the topics, and the
customer's pages are the same as before, byte for byte; their link and signed-in session, kept by
the portal itself, still work."""

import re
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.portal.bootstrap import CONSUMED_TOPICS
from tests.system import System

_FORM_TOKEN = re.compile(r'(<input type="hidden" name="csrf" value=")[^"]+"')


def _page(html: str) -> str:
    """The page without the "I've paid" form's token, which is signed afresh at each request."""
    return _FORM_TOKEN.sub(r'\1…"', html)


async def test_a_damaged_portal_read_model_is_rebuilt_from_the_topics_with_identical_pages(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id, language="th")
    job_id = f"J-{uuid4().hex[:6]}"
    async with system.ops() as ops:
        await ops.job(
            tenant_id,
            job_id=job_id,
            customer_id=customer.customer_id,
            stage="on_site",
            branch_id="bkk",
            equipment=[{"asset_id": "GEN-42", "name_en": "Generator", "name_th": "เครื่องปั่นไฟ"}],
        )
    held = await system.held_deposit(customer, Decimal("20000"))
    await system.return_deposit(
        customer,
        held,
        {
            "kind": "partial",
            "amount": "15000",
            "method": "cash",
            "reference": "Cash",
            "note": "cracked housing",
        },
    )
    await system.pending_deposit(customer, Decimal("5000"))
    invoice = await system.sent_invoice(customer)
    paid = await system.pay_invoice(tenant_id, invoice, amount="7000")
    assert paid.status_code == 201, paid.text
    await system.renders_settled()
    for topic in CONSUMED_TOPICS:
        await system.consumed("portal", topic.name)

    portal = await system.portal_session(customer)
    pages = (
        "/",
        "/jobs",
        f"/jobs/{job_id}",
        "/invoices",
        f"/invoices/{invoice['id']}",
        "/receipts",
        "/documents",
    )
    before = {page: _page((await portal.get(page)).text) for page in pages}
    assert "เครื่องปั่นไฟ" in before[f"/jobs/{job_id}"]
    assert invoice["number"] in before["/invoices"]

    stack = system.stack
    stack.stop("portal")
    engine = create_async_engine(stack.database_url("portal"))
    try:
        async with engine.begin() as conn:  # a read model gone wrong: rows lost, an amount changed
            for table in ("receipts", "documents", "jobs"):
                await conn.execute(text(f"DELETE FROM {table} WHERE tenant_id = :t"), {"t": tenant_id})
            await conn.execute(
                text("UPDATE invoices SET total = total + 1 WHERE tenant_id = :t"), {"t": tenant_id}
            )
    finally:
        await engine.dispose()

    replayed = await system.mudjam("replay", "portal")
    assert replayed.returncode == 0, replayed.stderr
    assert "events applied" in replayed.stdout
    stack.restart("portal")

    after = {page: _page((await portal.get(page)).text) for page in pages}  # the same session, kept
    await portal.aclose()
    for page in pages:
        assert after[page] == before[page], page
