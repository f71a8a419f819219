"""Damage beyond the deposit (docs/staff-console.md, part 3): from a deposit whose return kept money
on its job, one guided flow of three steps, each read back from the APIs so a reload resumes where
the work stands: 1 the damage invoice for the excess (billing drafts and sends it), 2 the tax invoice
covering the amount retained and the damage invoice, 3 the one email notifications sends the
customer with the three documents. Every form is CSRF-checked and carries its own Idempotency-Key,
so a double submit issues nothing twice; a refusal is shown beside the field it names."""

import asyncio
import logging
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.portal.adapters.staff_api import ApiNotFound, ApiRefusal, ApiUnavailable, StaffCalls
from services.portal.domain import staff as console
from services.portal.domain.staff import DamageForm, StaffSession
from services.portal.entrypoints.pages import PRIVATE_HEADERS
from services.portal.entrypoints.staff_pages import (
    SignedInStaff,
    calls_for,
    count_unread,
    each_item,
    read_form,
    render_console,
)
from shared.contracts.documents import DocumentKind, document_id

log = logging.getLogger(__name__)
router = APIRouter(prefix="/staff", include_in_schema=False)
# csrf, form_key, action, rows and four fields a row
_MAX_FIELDS = 4 + 4 * console.MAX_DAMAGE_ROWS


class NoDamageFlow(Exception):
    pass


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers=PRIVATE_HEADERS)


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise ApiNotFound(value) from None


async def _best_effort(call: Any, what: str) -> Any:
    try:
        return await call
    except (ApiNotFound, ApiRefusal, ApiUnavailable):
        log.info("staff console: %s unavailable", what, exc_info=True)
        return None


async def _damage_invoice(calls: StaffCalls, deposit: dict[str, Any]) -> dict[str, Any] | None:
    """The damage invoice naming this deposit: billing lists the job's invoices of the customer (every
    page of them); the damage ones are read in full for the deposit they name."""
    listed = each_item(calls.invoices, {"customer_id": deposit["customer_id"], "job_id": deposit["job_id"]})
    damage = [i async for i in listed if i.get("kind") == "damage"]
    full = await asyncio.gather(*(calls.invoice(UUID(i["id"])) for i in damage))
    return console.damage_invoice_of(list(full), str(deposit["id"]))


async def _retention(
    calls: StaffCalls, deposit: dict[str, Any], receipt_number: str
) -> dict[str, Any] | None:
    """Billing's record of the amount retained by this return (it follows deposits' event): None
    while billing has not heard of it. The customer's retentions are read until it is found."""
    async for retention in each_item(calls.retentions, {"customer_id": deposit["customer_id"]}):
        if retention["return_receipt_number"] == receipt_number:
            return dict(retention)
    return None


async def _rendered(
    calls: StaffCalls, session: StaffSession, kind: DocumentKind, number: str
) -> dict[str, Any]:
    the_id = document_id(session.principal.tenant_id, kind, number)
    known = await _best_effort(calls.document(the_id), f"document {number}")
    return {
        "id": str(the_id),
        "kind": kind.value,
        "number": number,
        "rendered": bool(known and known.get("latest_version")),
    }


async def _flow(calls: StaffCalls, session: StaffSession, deposit_id: UUID) -> dict[str, Any]:
    """Where the flow stands, read from the APIs (never from the browser)."""
    deposit = await calls.deposit(deposit_id)
    retained = console.retaining_return(deposit)
    if retained is None:
        raise NoDamageFlow
    invoice, retention = await asyncio.gather(
        _damage_invoice(calls, deposit), _retention(calls, deposit, retained["receipt_number"])
    )
    tax_invoice_id = (retention or {}).get("tax_invoice_id") or (invoice or {}).get("tax_invoice_id")
    tax_invoice = await calls.tax_invoice(UUID(str(tax_invoice_id))) if tax_invoice_id else None
    notice = None
    if tax_invoice:
        notices = await _best_effort(
            calls.notices({"customer_id": deposit["customer_id"], "limit": 50}), "notices"
        )
        notice = console.damage_notice((notices or {}).get("items", []), tax_invoice["number"])
    documents = [
        await _rendered(calls, session, DocumentKind.DEPOSIT_RETURN_RECEIPT, retained["receipt_number"])
    ]
    if invoice and invoice.get("number"):
        documents.append(await _rendered(calls, session, DocumentKind.INVOICE, invoice["number"]))
    if tax_invoice:
        documents.append(await _rendered(calls, session, DocumentKind.TAX_INVOICE, tax_invoice["number"]))
    estimates = [e for i in deposit.get("inspections", []) for e in i.get("damage_estimates", [])]
    return {
        "deposit": deposit,
        "retained": retained,
        "retention": retention,
        "invoice": invoice,
        "tax_invoice": tax_invoice,
        "notice": notice,
        "notice_state": console.notice_state(notice),
        "documents": {d["number"]: d for d in documents},
        "estimates": estimates,
        "step": console.damage_step(invoice, tax_invoice),
        # The return kept money but billing has not heard yet: nothing can be charged on it until then.
        "billing_waiting": retention is None and tax_invoice is None,
    }


async def _page(
    request: Request,
    session: StaffSession,
    deposit_id: UUID,
    *,
    status_code: int = 200,
    form: DamageForm | None = None,
    **context: Any,
) -> Response:
    calls = calls_for(request, session)
    try:
        flow = await _flow(calls, session, deposit_id)
    except NoDamageFlow:  # nothing retained (or no job): no damage to charge beyond it
        return _redirect(f"/staff/deposits/{deposit_id}")
    await count_unread(request, session)
    invoice = flow["invoice"]
    if form is None:
        form = DamageForm.of_invoice(invoice) if invoice else DamageForm.blank_rows()
    return render_console(
        request,
        "staff/damage.html",
        session=session,
        tab="deposits",
        status_code=status_code,
        form=form,
        form_key=str(uuid4()),
        errors=context.pop("errors", {}),
        **flow,
        **context,
    )


@router.get("/deposits/{deposit_id}/damage")
async def damage_page(deposit_id: str, request: Request, session: SignedInStaff) -> Response:
    query = request.query_params
    return await _page(
        request,
        session,
        _uuid(deposit_id),
        saved=query.get("saved"),
        sent=query.get("sent"),
        issued=query.get("issued"),
    )


def _refused(refusal: ApiRefusal, form: DamageForm) -> dict[str, Any]:
    """A 422 naming a line's field goes beside that row's field; one naming the lines as a whole
    beside the lines; anything else is the page's message."""
    if refusal.status_code == 422:
        key = form.error_key(refusal.field)
        if key:
            return {"errors": {key: refusal.message}}
        if refusal.field == "lines":
            return {"errors": {"lines": refusal.message}}
    return {"refusal": refusal.message or refusal.code}


@router.post("/deposits/{deposit_id}/damage/invoice")
async def damage_invoice(deposit_id: str, request: Request, session: SignedInStaff) -> Response:
    """Step 1: Add line re-renders with another row; Save drafts the damage invoice (or replaces a
    draft's lines); Send does that and sends it (INV number). Keys derive from the rendered form's,
    so a double submit drafts and sends once."""
    the_id = _uuid(deposit_id)
    fields = await read_form(request, session, max_fields=_MAX_FIELDS)
    form = DamageForm.of(dict(fields))
    key = console.form_text(fields.get("form_key")) or str(uuid4())
    action = fields.get("action")
    await fields.close()
    if action == "add":
        return await _page(request, session, the_id, form=form.with_row())
    calls = calls_for(request, session)
    try:
        flow = await _flow(calls, session, the_id)
    except NoDamageFlow:
        return _redirect(f"/staff/deposits/{the_id}")
    invoice, deposit = flow["invoice"], flow["deposit"]
    if invoice and invoice.get("number"):  # already sent: nothing is issued twice
        return _redirect(f"/staff/deposits/{the_id}/damage")
    try:
        if invoice:
            invoice = await calls.edit_lines(UUID(invoice["id"]), form.request_lines(), key=f"{key}:lines")
        else:
            invoice = await calls.draft_invoice(
                {
                    "customer_id": deposit["customer_id"],
                    "branch_id": deposit["branch_id"],
                    "job_id": deposit["job_id"],
                    "kind": "damage",
                    "related_deposit_id": str(the_id),
                    "lines": form.request_lines(),
                },
                key=f"{key}:draft",
            )
        if action == "send":
            invoice = await calls.send_invoice(UUID(invoice["id"]), key=f"{key}:send")
    except ApiRefusal as refusal:
        if console.billing_not_yet_heard(refusal.code, refusal.field):
            # Not a mistake in the lines: billing is a moment behind deposits. The lines are kept.
            return await _page(request, session, the_id, status_code=409, form=form, retry_soon=True)
        return await _page(
            request, session, the_id, status_code=refusal.status_code, form=form, **_refused(refusal, form)
        )
    if action == "send":
        return _redirect(f"/staff/deposits/{the_id}/damage?sent={invoice['number']}")
    return _redirect(f"/staff/deposits/{the_id}/damage?saved=1")


@router.post("/deposits/{deposit_id}/damage/tax-invoice")
async def damage_tax_invoice(deposit_id: str, request: Request, session: SignedInStaff) -> Response:
    """Step 2: one tax invoice covering the amount retained (its DEPRR) and the damage invoice."""
    the_id = _uuid(deposit_id)
    fields = await read_form(request, session)
    key = console.form_text(fields.get("form_key")) or str(uuid4())
    await fields.close()
    calls = calls_for(request, session)
    try:
        flow = await _flow(calls, session, the_id)
    except NoDamageFlow:
        return _redirect(f"/staff/deposits/{the_id}")
    invoice = flow["invoice"]
    if flow["tax_invoice"] or not invoice or not invoice.get("number"):
        return _redirect(f"/staff/deposits/{the_id}/damage")
    try:
        issued = await calls.issue_tax_invoice(
            [invoice["id"]], [flow["retained"]["receipt_number"]], key=f"{key}:tax-invoice"
        )
    except ApiRefusal as refusal:
        if console.billing_not_yet_heard(refusal.code, refusal.field):
            return _redirect(f"/staff/deposits/{the_id}/damage")  # the page waits for billing
        return await _page(
            request,
            session,
            the_id,
            status_code=refusal.status_code,
            refusal=refusal.message or refusal.code,
        )
    return _redirect(f"/staff/deposits/{the_id}/damage?issued={issued['number']}")
