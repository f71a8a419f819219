"""The staff console's pages under /staff (docs/staff-console.md). Every read and write goes through
the services' own HTTP APIs as the signed-in staff member; the console's only table is its sessions.
Routes parse the request, make the API call and map its answer: an API refusal is shown beside the
field it names (or as a message), and nothing is written that the API did not accept."""

import asyncio
import logging
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from services.portal.adapters.staff_api import ApiNotFound, ApiRefusal, ApiUnavailable, StaffCalls
from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import staff as console
from services.portal.domain.staff import (
    CollectForm,
    ListFilters,
    Paging,
    PaymentForm,
    ReturnForm,
    StaffSession,
    StaffSessionEnded,
    StaffSignInRefused,
)
from services.portal.entrypoints.pages import PRIVATE_HEADERS
from services.portal.entrypoints.staff_pages import (
    STAFF_COOKIE,
    FormRefused,
    FormTooLarge,
    SignedInStaff,
    business_today,
    calls_for,
    console_of,
    console_qr,
    count_unread,
    language,
    listed,
    read_form,
    render_console,
)
from services.portal.translations import receipt_lines, translate
from services.portal.use_cases import staff as staff_use_cases
from shared.contracts.documents import DocumentKind, document_id
from shared.images import MAX_IMAGE_BYTES
from shared.uploads import FORM_OVERHEAD_BYTES
from shared.web import Now, engine_of

log = logging.getLogger(__name__)
router = APIRouter(prefix="/staff", include_in_schema=False)
PAGE_SIZE = 25
_MAX_TOKEN_CHARS = 2000
_MAX_FORM_BYTES = MAX_IMAGE_BYTES + FORM_OVERHEAD_BYTES


class ConsolePageNotFound(Exception):
    pass


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers=PRIVATE_HEADERS)


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise ConsolePageNotFound from None


# Signing in and out -----------------------------------------------------------------------------


def _sign_in_page(request: Request, message_key: str | None, status_code: int) -> HTMLResponse:
    response = render_console(
        request, "staff/sign_in.html", session=None, message_key=message_key, status_code=status_code
    )
    if request.cookies.get(STAFF_COOKIE):
        response.delete_cookie(STAFF_COOKIE, path="/staff", httponly=True, samesite="strict")
    return response


@router.get("/sign-in")
async def sign_in_page(
    request: Request, ended: str | None = None, signed_out: str | None = None
) -> HTMLResponse:
    key = "staff.sign_in.ended" if ended else "staff.signed_out" if signed_out else None
    return _sign_in_page(request, key, 200)


@router.get("/sign-in/{token}")
async def sign_in(token: str, request: Request, now: Now) -> Response:
    """A sign-in link opens a session; the token leaves the address bar with the redirect."""
    if len(token) > _MAX_TOKEN_CHARS:
        return _sign_in_page(request, "staff.sign_in.refused", 401)
    app = console_of(request)
    try:
        async with PortalUnitOfWork(engine_of(request)) as uow:
            signed_in = await staff_use_cases.sign_in(
                uow=uow, auth=app.settings.auth, token=token, lifetime=app.lifetime, now=now
            )
            await uow.commit()
    except StaffSignInRefused as refused:
        log.info("staff sign-in refused: %s", refused)
        return _sign_in_page(request, "staff.sign_in.refused", 401)
    response = _redirect("/staff")
    response.set_cookie(
        STAFF_COOKIE,
        app.cookies.dumps(signed_in.session_id),
        max_age=int(app.lifetime.absolute.total_seconds()),
        path="/staff",
        httponly=True,
        samesite="strict",
        secure=app.settings.secure_cookies or app.settings.environment == "production",
    )
    return response


@router.post("/sign-out")
async def sign_out(request: Request, session: SignedInStaff) -> Response:
    form = await read_form(request, session)
    await form.close()
    async with PortalUnitOfWork(engine_of(request)) as uow:
        await staff_use_cases.sign_out(uow=uow, session=session)
        await uow.commit()
    response = _redirect("/staff/sign-in?signed_out=1")
    response.delete_cookie(STAFF_COOKIE, path="/staff", httponly=True, samesite="strict")
    return response


# Deposits ---------------------------------------------------------------------------------------


@router.get("")
@router.get("/deposits")
async def deposits(request: Request, session: SignedInStaff, now: Now) -> HTMLResponse:
    """The dashboard figures over the deposit list, filtered and a page at a time."""
    await count_unread(request, session)
    filters = ListFilters.of(dict(request.query_params))
    calls = calls_for(request, session)
    dashboard = await calls.dashboard()
    filter_error: str | None = None
    paging = Paging(page=filters.page, size=PAGE_SIZE)
    try:
        found, paging = await listed(calls.deposits, filters.api_params(PAGE_SIZE), paging)
    except ApiRefusal as refusal:  # a filter the API cannot take (a malformed id): say which
        filter_error = refusal.message
        found = {"items": [], "total": 0}
    today = business_today(request, now)
    rows = [{"deposit": d, "deadline": console.return_deadline(d, today)} for d in found["items"]]
    return render_console(
        request,
        "staff/deposits.html",
        session=session,
        tab="deposits",
        dashboard=dashboard,
        rows=rows,
        total=found["total"],
        filters=filters,
        paging=paging,
        pages=paging.pages(found["total"]),
        statuses=console.DEPOSIT_STATUSES,
        filter_error=filter_error,
    )


async def _documents_of(
    calls: StaffCalls, session: StaffSession, deposit: dict[str, Any]
) -> list[dict[str, Any]]:
    """Every document of the deposit (DEP, each DEPR, each DEPRR), rendered or still being prepared.
    Their ids follow from their numbers, so each is asked for by id, however many the customer has."""
    tenant_id = session.principal.tenant_id
    wanted = [(DocumentKind.DEPOSIT_REQUEST, deposit["number"])]
    wanted += [(DocumentKind.DEPOSIT_RECEIPT, c["receipt_number"]) for c in deposit["collections"]]
    wanted += [(DocumentKind.DEPOSIT_RETURN_RECEIPT, r["receipt_number"]) for r in deposit["returns"]]

    async def known(the_id: UUID) -> dict[str, Any] | None:
        try:
            return await calls.document(the_id)
        except ApiNotFound:  # not rendered (or not announced) yet
            return None
        except ApiUnavailable:
            log.warning("document %s of deposit %s unavailable", the_id, deposit["id"], exc_info=True)
            return None

    ids = [document_id(tenant_id, kind, number) for kind, number in wanted]
    found = await asyncio.gather(*(known(the_id) for the_id in ids))
    rows = []
    for (kind, number), the_id, rendered in zip(wanted, ids, found, strict=True):
        rows.append(
            {
                "id": str(the_id),
                "kind": kind.value,
                "number": number,
                "rendered": bool(rendered and rendered.get("latest_version")),
                "void": bool(rendered and rendered.get("status") == "void"),
            }
        )
    return rows


async def _deposit_page(
    request: Request,
    session: StaffSession,
    deposit_id: UUID,
    *,
    now: datetime,
    status_code: int = 200,
    return_form: ReturnForm | None = None,
    collect_form: CollectForm | None = None,
    **context: Any,
) -> HTMLResponse:
    calls = calls_for(request, session)
    deposit = await calls.deposit(deposit_id)
    await count_unread(request, session)
    held = console.parse_amount(deposit["held_amount"]) or console.ZERO
    form = return_form or ReturnForm(amount=str(held))
    preview = console.receipt_preview(form, held)
    return render_console(
        request,
        "staff/deposit.html",
        session=session,
        tab="deposits",
        status_code=status_code,
        deposit=deposit,
        documents=await _documents_of(calls, session, deposit),
        standing_return=console.live_return(deposit),
        can_return=console.can_return(deposit),
        can_collect=console.can_collect(deposit),
        can_charge_damage=console.retaining_return(deposit) is not None,
        return_form=form,
        preview_lines=receipt_lines(preview.returned, preview.retained, preview.reason, language(request))
        if preview
        else [],
        collect_form=collect_form or CollectForm(amount=deposit["outstanding"]),
        return_kinds=console.RETURN_KINDS,
        refund_methods=console.REFUND_METHODS,
        collection_methods=console.COLLECTION_METHODS,
        today=business_today(request, now).isoformat(),
        form_key=str(uuid4()),
        errors=context.pop("errors", {}),
        **context,
    )


@router.get("/deposits/{deposit_id}")
async def deposit_page(deposit_id: str, request: Request, session: SignedInStaff, now: Now) -> HTMLResponse:
    return await _deposit_page(
        request,
        session,
        _uuid(deposit_id),
        now=now,
        saved_return=request.query_params.get("returned"),
        saved_collection=request.query_params.get("collected"),
        voided=request.query_params.get("voided"),
        proof_refused=_proof_refusal(request.query_params.get("proof_refused")),
        proof_attached=request.query_params.get("proof_attached"),
        proof_only_refused=_proof_refusal(request.query_params.get("proof_not_attached")),
    )


def _proof_refusal(problem: str | None) -> str | None:
    """Why the proof was refused, from the redirect: one of the known reasons, never its text."""
    if not problem:
        return None
    return problem if problem in console.PROOF_PROBLEMS else "other"


def _refusal_context(refusal: ApiRefusal, shown: frozenset[str] | None = None) -> dict[str, Any]:
    """A 422 goes beside the field it names (when the form has it: `shown`); anything else (409,
    403, a field the form does not show) is the page's message."""
    field = refusal.field.split(".")[0] if refusal.field else None
    if refusal.status_code == 422 and field and (shown is None or field in shown):
        return {"errors": {field: refusal.message}}
    return {"refusal": refusal.message or refusal.code}


@router.post("/deposits/{deposit_id}/returns")
async def return_deposit(deposit_id: str, request: Request, session: SignedInStaff, now: Now) -> Response:
    """The return panel's Preview or Save. Save carries the form's own Idempotency-Key, so a double
    submit returns once; a refusal shows the panel again as typed, with nothing saved."""
    the_id = _uuid(deposit_id)
    form = await read_form(request, session)
    return_form = ReturnForm.of(dict(form))
    key = console.form_text(form.get("form_key")) or str(uuid4())
    action = form.get("action")
    await form.close()
    calls = calls_for(request, session)
    if action != "save":
        return await _deposit_page(
            request, session, the_id, return_form=return_form, return_open=True, now=now
        )
    deposit = await calls.deposit(the_id)
    held = console.parse_amount(deposit["held_amount"]) or console.ZERO
    try:
        returned = await calls.return_deposit(the_id, return_form.request_body(held), key=key)
    except ApiRefusal as refusal:
        return await _deposit_page(
            request,
            session,
            the_id,
            status_code=refusal.status_code,
            return_form=return_form,
            return_open=True,
            now=now,
            **_refusal_context(refusal),
        )
    number = returned["returns"][-1]["receipt_number"]
    return _redirect(f"/staff/deposits/{the_id}?returned={number}")


@router.post("/deposits/{deposit_id}/returns/{return_id}/void")
async def void_return(
    deposit_id: str, return_id: str, request: Request, session: SignedInStaff, now: Now
) -> Response:
    """Managers void a return with a reason; anybody else's POST gets the API's refusal."""
    the_id, the_return = _uuid(deposit_id), _uuid(return_id)
    form = await read_form(request, session)
    reason = console.form_text(form.get("reason"))
    key = console.form_text(form.get("form_key")) or str(uuid4())
    await form.close()
    try:
        voided = await calls_for(request, session).void_return(the_id, the_return, reason, key=key)
    except ApiRefusal as refusal:
        context = _refusal_context(refusal)
        errors = context.pop("errors", {})
        return await _deposit_page(
            request,
            session,
            the_id,
            status_code=refusal.status_code,
            void_error=errors.get("reason"),
            void_open=True,
            now=now,
            **context,
        )
    number = next((r["receipt_number"] for r in voided["returns"] if r["id"] == str(the_return)), "")
    return _redirect(f"/staff/deposits/{the_id}?voided={number}")


async def _proof(upload: object) -> tuple[bytes, str, str] | None:
    if not isinstance(upload, UploadFile):
        return None
    content = await upload.read(MAX_IMAGE_BYTES + 1)
    if not content:
        return None  # the browser sends an empty part when no file was chosen
    return content, upload.content_type or "application/octet-stream", upload.filename or "proof"


async def _attach_proof(
    calls: StaffCalls, deposit_id: UUID, collection_id: UUID, proof: tuple[bytes, str, str], key: str
) -> str | None:
    """The proof goes to the collection (just made, or one whose proof was refused or is to be
    replaced); a refused image leaves the collection standing and says why."""
    content, content_type, filename = proof
    try:
        await calls.attach_proof(
            deposit_id,
            collection_id,
            content=content,
            content_type=content_type,
            filename=filename,
            key=f"{key}:proof",
        )
    except ApiRefusal as refusal:
        return refusal.message or refusal.code
    return None


@router.post("/deposits/{deposit_id}/collections")
async def collect(deposit_id: str, request: Request, session: SignedInStaff, now: Now) -> Response:
    """Money received: amount (the outstanding by default), method, reference, date (may be
    back-dated), and an optional proof image attached to the collection once it is recorded."""
    the_id = _uuid(deposit_id)
    try:
        form = await read_form(request, session, max_files=1, max_bytes=_MAX_FORM_BYTES)
    except FormTooLarge:
        return await _deposit_page(
            request,
            session,
            the_id,
            status_code=413,
            errors={"proof": translate("staff.collect.proof_too_large", language(request))},
            collect_open=True,
            now=now,
        )
    collect_form = CollectForm.of(dict(form))
    key = console.form_text(form.get("form_key")) or str(uuid4())
    proof = await _proof(form.get("proof"))
    await form.close()
    calls = calls_for(request, session)
    try:
        collected = await calls.collect(the_id, collect_form.request_body(), key=key)
    except ApiRefusal as refusal:
        return await _deposit_page(
            request,
            session,
            the_id,
            status_code=refusal.status_code,
            collect_form=collect_form,
            collect_open=True,
            now=now,
            **_refusal_context(refusal),
        )
    number = collected["collections"][-1]["receipt_number"]
    target = f"/staff/deposits/{the_id}?collected={number}"
    collection_id = UUID(collected["collections"][-1]["id"])
    if proof and (problem := await _attach_proof(calls, the_id, collection_id, proof, key)):
        target += f"&proof_refused={console.proof_problem(problem)}"
        log.info("proof of %s refused: %s", number, problem)
    return _redirect(target)


@router.post("/deposits/{deposit_id}/collections/{collection_id}/proof")
async def attach_proof(
    deposit_id: str, collection_id: str, request: Request, session: SignedInStaff
) -> Response:
    """A proof image for a collection already recorded: after one was refused, or to replace it."""
    the_id, the_collection = _uuid(deposit_id), _uuid(collection_id)
    try:
        form = await read_form(request, session, max_files=1, max_bytes=_MAX_FORM_BYTES)
    except FormTooLarge:
        return _redirect(f"/staff/deposits/{the_id}?proof_not_attached=too_large")
    key = console.form_text(form.get("form_key")) or str(uuid4())
    proof = await _proof(form.get("proof"))
    await form.close()
    if proof is None:
        return _redirect(f"/staff/deposits/{the_id}?proof_not_attached=empty")
    calls = calls_for(request, session)
    deposit = await calls.deposit(the_id)
    number = next(
        (c["receipt_number"] for c in deposit["collections"] if c["id"] == str(the_collection)), None
    )
    if number is None:
        raise ConsolePageNotFound
    if problem := await _attach_proof(calls, the_id, the_collection, proof, key):
        log.info("proof of %s refused: %s", number, problem)
        return _redirect(f"/staff/deposits/{the_id}?proof_not_attached={console.proof_problem(problem)}")
    return _redirect(f"/staff/deposits/{the_id}?proof_attached={number}")


@router.get("/deposits/{deposit_id}/collections/{collection_id}/proof")
async def collection_proof(
    deposit_id: str, collection_id: str, request: Request, session: SignedInStaff
) -> Response:
    proof = await calls_for(request, session).collection_proof(_uuid(deposit_id), _uuid(collection_id))
    return Response(proof.content, media_type=proof.media_type, headers=PRIVATE_HEADERS)


# Documents ---------------------------------------------------------------------------------------


def _document_language(request: Request) -> str:
    return language(request)


@router.get("/documents/{document_id}.pdf")
async def document_pdf(document_id: str, request: Request, session: SignedInStaff) -> Response:
    pdf = await calls_for(request, session).document_pdf(_uuid(document_id), _document_language(request))
    return Response(
        pdf.content,
        media_type="application/pdf",
        headers={**PRIVATE_HEADERS, "Content-Disposition": f'attachment; filename="{document_id}.pdf"'},
    )


@router.get("/documents/{document_id}/pages/{page}.png")
async def document_page_image(
    document_id: str, page: str, request: Request, session: SignedInStaff
) -> Response:
    if not page.isascii() or not page.isdigit() or not 1 <= int(page) <= 10_000:
        raise ConsolePageNotFound
    image = await calls_for(request, session).document_page(
        _uuid(document_id), int(page), _document_language(request)
    )
    return Response(image.content, media_type="image/png", headers=PRIVATE_HEADERS)


@router.get("/documents/{document_id}")
async def document_page(document_id: str, request: Request, session: SignedInStaff) -> HTMLResponse:
    """A document as images of its pages (phones show no PDF inside a page), with Download."""
    document = await calls_for(request, session).document(_uuid(document_id))
    await count_unread(request, session)
    lang = _document_language(request)
    latest = document["versions"][-1] if document.get("versions") else None
    files = {f["language"]: f for f in latest["files"]} if latest else {}
    file = files.get(lang) or next(iter(files.values()), None)
    pages = (file.get("pages") or 1) if file else 0
    return render_console(
        request,
        "staff/document.html",
        session=session,
        tab="deposits",
        document=document,
        pages=pages,
        back=request.query_params.get("deposit", ""),
    )


# Reported payments ------------------------------------------------------------------------------

REPORTS_PAGE_SIZE = 25
_PAYMENT_FIELDS = frozenset({"amount", "method", "reference", "report_id"})


async def _invoices_of(calls: StaffCalls, reports: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each reported invoice as billing has it now (its balance and customer), best effort."""

    async def one(the_id: str) -> dict[str, Any] | None:
        try:
            return await calls.invoice(UUID(the_id))
        except (ApiNotFound, ApiUnavailable, ApiRefusal):
            log.warning("invoice %s of a report unavailable", the_id, exc_info=True)
            return None

    ids = sorted({r["invoice_id"] for r in reports})
    found = await asyncio.gather(*(one(the_id) for the_id in ids))
    return {the_id: invoice for the_id, invoice in zip(ids, found, strict=True) if invoice}


async def _payments_page(
    request: Request,
    session: StaffSession,
    *,
    status_code: int = 200,
    failed: str | None = None,
    payment_form: PaymentForm | None = None,
    errors: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The open "I've paid" reports, newest first, each with Record payment and Dismiss; `failed`
    is the report whose form the API refused, shown again as typed with the error beside its field."""
    invoice_param = request.query_params.get("invoice_id")
    invoice_id = _uuid(invoice_param) if invoice_param else None
    calls = calls_for(request, session)
    params: dict[str, str | int] = {"status": "open"}
    if invoice_id:
        params["invoice_id"] = str(invoice_id)
    paging = Paging.of(request.query_params.get("page"), REPORTS_PAGE_SIZE)
    found, paging = await listed(calls.reports, params, paging)
    await count_unread(request, session)
    invoices = await _invoices_of(calls, found["items"])
    if invoice_id and str(invoice_id) not in invoices:
        invoices[str(invoice_id)] = await calls.invoice(invoice_id)  # not found: the API's 404
    rows = [
        {
            "report": r,
            "invoice": invoices.get(r["invoice_id"]),
            "form": payment_form if failed == r["id"] and payment_form else PaymentForm.for_report(r),
            "errors": (errors or {}) if failed == r["id"] else {},
        }
        for r in found["items"]
    ]
    return render_console(
        request,
        "staff/payments.html",
        session=session,
        tab="payments",
        status_code=status_code,
        rows=rows,
        total=found["total"],
        paging=paging,
        pages=paging.pages(found["total"]),
        list_query=f"invoice_id={invoice_id}" if invoice_id else "",
        page_suffix=_page_suffix(paging),
        invoice=invoices.get(str(invoice_id)) if invoice_id else None,
        failed=failed,
        payment_methods=console.PAYMENT_METHODS,
        form_key=str(uuid4()),
        **context,
    )


def _page_suffix(paging: Paging) -> str:
    """The page a form was on, for its action: a refusal shows that page again, and so does the
    redirect after the form succeeds."""
    return f"?page={paging.page}" if paging.page > 1 else ""


def _after(path: str, request: Request) -> str:
    page = console.page_number(request.query_params.get("page"))
    return f"{path}&page={page}" if page > 1 else path


@router.get("/payments")
async def payments(request: Request, session: SignedInStaff) -> HTMLResponse:
    return await _payments_page(
        request,
        session,
        recorded=request.query_params.get("recorded"),
        dismissed=request.query_params.get("dismissed"),
    )


@router.get("/slips/{slip_id}")
async def slip(slip_id: str, request: Request, session: SignedInStaff) -> Response:
    """The customer's slip, from the portal's own staff API as this staff member."""
    image = await calls_for(request, session).slip(_uuid(slip_id))
    return Response(image.content, media_type=image.media_type, headers=PRIVATE_HEADERS)


@router.post("/payments/{report_id}/payment")
async def record_payment(report_id: str, request: Request, session: SignedInStaff) -> Response:
    """Record the payment a customer reported: billing issues the RC and closes the report. The
    form's own Idempotency-Key makes a double submit record once."""
    the_report = _uuid(report_id)
    form = await read_form(request, session)
    payment_form = PaymentForm.of(dict(form))
    invoice_id = _uuid(console.form_text(form.get("invoice_id")))
    key = console.form_text(form.get("form_key")) or str(uuid4())
    await form.close()
    try:
        recorded = await calls_for(request, session).record_payment(
            invoice_id, payment_form.request_body(str(the_report)), key=key
        )
    except ApiRefusal as refusal:
        context = _refusal_context(refusal, _PAYMENT_FIELDS)
        return await _payments_page(
            request,
            session,
            status_code=refusal.status_code,
            failed=str(the_report),
            payment_form=payment_form,
            **context,
        )
    number = next(
        (p["receipt_number"] for p in recorded["payments"] if p.get("report_id") == str(the_report)),
        recorded["payments"][-1]["receipt_number"] if recorded["payments"] else "",
    )
    return _redirect(_after(f"/staff/payments?recorded={number}", request))


@router.post("/payments/{report_id}/dismiss")
async def dismiss_report(report_id: str, request: Request, session: SignedInStaff) -> Response:
    """Dismiss a report with the reason (kept internal); billing refuses one without a reason."""
    the_report = _uuid(report_id)
    form = await read_form(request, session)
    reason = console.form_text(form.get("reason"))
    key = console.form_text(form.get("form_key")) or str(uuid4())
    await form.close()
    try:
        dismissed = await calls_for(request, session).dismiss_report(the_report, reason, key=key)
    except ApiRefusal as refusal:
        context = _refusal_context(refusal, frozenset({"reason"}))
        return await _payments_page(
            request,
            session,
            status_code=refusal.status_code,
            failed=str(the_report),
            dismiss_open=True,
            **context,
        )
    return _redirect(_after(f"/staff/payments?dismissed={dismissed['invoice_number']}", request))


# The inbox --------------------------------------------------------------------------------------

INBOX_PAGE_SIZE = 25


@router.get("/inbox")
async def inbox(request: Request, session: SignedInStaff) -> HTMLResponse:
    """Staff alerts of the member's branches, newest first, unread marked, each leading to its page."""
    paging = Paging.of(request.query_params.get("page"), INBOX_PAGE_SIZE)
    found, paging = await listed(calls_for(request, session).inbox, {}, paging)
    request.state.unread = found["unread"]
    rows = [{"alert": a, "target": console.alert_target(a)} for a in found["items"]]
    return render_console(
        request,
        "staff/inbox.html",
        session=session,
        tab="inbox",
        rows=rows,
        total=found["total"],
        unread_total=found["unread"],
        paging=paging,
        pages=paging.pages(found["total"]),
    )


@router.post("/inbox/{alert_id}/read")
async def mark_read(alert_id: str, request: Request, session: SignedInStaff) -> Response:
    the_alert = _uuid(alert_id)
    form = await read_form(request, session)
    page = console.form_text(form.get("page"))
    await form.close()
    # Marking read is idempotent in the API (the first read time stays): one key per alert.
    await calls_for(request, session).mark_read(the_alert, key=f"read:{the_alert}")
    suffix = f"?page={page}" if page.isascii() and page.isdigit() and page != "1" else ""
    return _redirect(f"/staff/inbox{suffix}#alert-{the_alert}")


# Portal links at the counter --------------------------------------------------------------------


@router.post("/portal-links")
async def portal_link(request: Request, session: SignedInStaff) -> HTMLResponse:
    """A customer's portal link (or one invoice's) from the portal's own API, shown as a QR to scan
    and as text to copy; the link is the credential, so it is shown once and never stored here."""
    form = await read_form(request, session)
    customer_id = console.form_text(form.get("customer_id"))
    invoice_text = console.form_text(form.get("invoice_id"))
    back = console.safe_back(console.form_text(form.get("back")))
    key = console.form_text(form.get("form_key")) or str(uuid4())
    await form.close()
    invoice_id = _uuid(invoice_text) if invoice_text else None
    try:
        issued = await calls_for(request, session).issue_portal_link(
            customer_id, invoice_id, key=f"{key}:link"
        )
    except ApiRefusal as refusal:
        return render_console(
            request,
            "staff/portal_link.html",
            session=session,
            status_code=refusal.status_code,
            refusal=refusal.message or refusal.code,
            back=back,
            issued=None,
        )
    return render_console(
        request,
        "staff/portal_link.html",
        session=session,
        issued=issued,
        qr=console_qr(issued["url"]),
        back=back,
    )


# Refusals ---------------------------------------------------------------------------------------


def install(app: FastAPI) -> None:
    """The console's refusals as pages: a session that ended goes to sign-in, a forged form is a 403,
    what the staff member may not see is "not found"."""

    @app.exception_handler(StaffSessionEnded)
    async def session_ended(_request: Request, _: Exception) -> Response:
        response = _redirect("/staff/sign-in?ended=1")
        response.delete_cookie(STAFF_COOKIE, path="/staff", httponly=True, samesite="strict")
        return response

    def _message(request: Request, title: str, body: str, status_code: int) -> HTMLResponse:
        session: StaffSession | None = getattr(request.state, "staff_session", None)
        return render_console(
            request,
            "staff/message.html",
            session=session,
            title_key=title,
            body_key=body,
            status_code=status_code,
        )

    @app.exception_handler(FormRefused)
    async def form_refused(request: Request, _: Exception) -> HTMLResponse:
        return _message(request, "staff.forbidden.title", "staff.forbidden.body", 403)

    @app.exception_handler(ApiNotFound)
    @app.exception_handler(ConsolePageNotFound)
    async def not_found(request: Request, _: Exception) -> HTMLResponse:
        return _message(request, "staff.not_found.title", "staff.not_found.body", 404)

    @app.exception_handler(ApiUnavailable)
    async def unavailable(request: Request, error: Exception) -> HTMLResponse:
        log.warning("staff console: %s", error)
        return _message(request, "unavailable.title", "staff.unavailable.body", 503)

    @app.exception_handler(ApiRefusal)
    async def refused(request: Request, refusal: ApiRefusal) -> HTMLResponse:
        # A read the API refuses (the token lacks the role): shown as a refusal, never a 5xx.
        return _message(request, "staff.forbidden.title", "staff.not_found.body", refusal.status_code)
