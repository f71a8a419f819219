"""`mudjam documents re-render`: after a template fix, the documents the old templates drew are
drawn again as their next version, same facts; named versions never change; running it again
schedules nothing; a later void and a later payment take the versions after it."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.contracts.documents import DocumentKind
from tests.helpers import pdf_text
from tests.system import System

DEPRR = DocumentKind.DEPOSIT_RETURN_RECEIPT


async def _drawn_by_old_templates(system: System, tenant_id: str) -> None:
    """As if the tenant's documents had been drawn before a template fix."""
    engine = create_async_engine(system.stack.database_url("documents"))
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE document_versions v SET template_release = 'before-the-fix' FROM documents d "
                    "WHERE d.document_id = v.document_id AND d.tenant_id = :tenant_id"
                ),
                {"tenant_id": tenant_id},
            )
    finally:
        await engine.dispose()


async def test_documents_drawn_by_old_templates_are_drawn_again_once_as_their_next_version(
    system: System,
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)
    deposit = await system.held_deposit(customer, Decimal("20000"))
    returned = await system.return_deposit(
        customer,
        deposit,
        {"kind": "partial", "amount": "15000", "method": "cash", "reference": "Cash", "note": "dent"},
    )
    number = returned["receipt_number"]
    invoice = await system.sent_invoice(customer)
    await system.rendered_document(tenant_id, DEPRR, number)
    await system.rendered_document(tenant_id, DocumentKind.INVOICE, invoice["number"])
    first = await system.document_file(tenant_id, DEPRR, number, "th", version=1)
    await _drawn_by_old_templates(system, tenant_id)

    today = datetime.now(UTC).date().isoformat()
    scheduled = await system.mudjam(
        "documents", "re-render", "--kind", DEPRR, "--since", today, "--tenant", tenant_id
    )
    assert scheduled.returncode == 0, scheduled.stderr
    assert f"1 {DEPRR} document(s) scheduled to be drawn again" in scheduled.stdout

    document = await system.rendered_document(tenant_id, DEPRR, number, version=2)
    v1, v2 = document["versions"]
    assert (v2["status"], v2["amount"], v2["issued_on"]) == ("issued", v1["amount"], v1["issued_on"])
    again = await system.document_file(tenant_id, DEPRR, number, "th", version=1)
    assert again.content == first.content  # a named version never changes
    drawn = await system.document_file(tenant_id, DEPRR, number, "th", version=2)
    assert drawn.status_code == 200
    assert drawn.content.startswith(b"%PDF")

    nothing = await system.mudjam(
        "documents", "re-render", "--kind", DEPRR, "--since", today, "--tenant", tenant_id
    )
    assert nothing.returncode == 0, nothing.stderr
    assert "Nothing to re-render." in nothing.stdout
    invoice_versions = (await system.rendered_document(tenant_id, DocumentKind.INVOICE, invoice["number"]))[
        "versions"
    ]
    assert [v["version"] for v in invoice_versions] == [1]  # another kind is not touched

    # What happens to the documents later takes the versions after the re-render.
    voided = await system.command(
        "POST",
        "deposits",
        f"/v1/deposits/{deposit['id']}/returns/{returned['id']}/void",
        tenant_id,
        {"reason": "typo in amount"},
    )
    assert voided.status_code == 200, voided.text
    document = await system.rendered_document(tenant_id, DEPRR, number, version=3)
    assert [v["status"] for v in document["versions"]] == ["issued", "issued", "void"]

    invoice_scheduled = await system.mudjam(
        "documents", "re-render", "--kind", DocumentKind.INVOICE, "--since", today, "--tenant", tenant_id
    )
    assert invoice_scheduled.returncode == 0, invoice_scheduled.stderr
    await system.rendered_document(tenant_id, DocumentKind.INVOICE, invoice["number"], version=2)
    paid = await system.pay_invoice(tenant_id, invoice, amount="7000")
    assert paid.status_code == 201, paid.text
    await system.rendered_document(tenant_id, DocumentKind.INVOICE, invoice["number"], version=3)
    after_payment = await system.document_file(
        tenant_id, DocumentKind.INVOICE, invoice["number"], "en", version=3
    )
    assert after_payment.status_code == 200
    assert "7,000.00" in pdf_text(after_payment.content)  # the payment is on the version after the re-render
