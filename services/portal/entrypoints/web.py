"""The customer's pages. Every page re-checks the session's link, and reads only the link's
customer's data. Path, query and form values are parsed here by hand so that no input yields a 5xx:
a malformed id is simply "not found", a refused slip re-shows the invoice with the reason."""

import logging
import re
from typing import Annotated
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.portal import use_cases
from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import (
    LANGUAGES,
    DocumentNotFound,
    InvoiceNotFound,
    JobNotFound,
    LinkState,
    NothingToPay,
    browser_language,
    pick_language,
)
from services.portal.entrypoints.pages import (
    LANG_COOKIE,
    LANG_COOKIE_MAX_AGE_S,
    PRIVATE_HEADERS,
    SESSION_COOKIE,
    deposit_qr_codes,
    form_token,
    invoice_qr_codes,
    language_of,
    portal_of,
    promptpay_png,
    render,
    render_for,
    safe_next,
    session_link_id,
)
from services.portal.entrypoints.paid_form import FormExpired, SlipRefused, read_paid_form
from services.portal.use_cases import PortalClosed, Session
from shared.clients import DocumentNotAvailable
from shared.web import Now, engine_of

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_MAX_TOKEN_CHARS = 200


class PageNotFound(Exception):
    pass


def _uow(request: Request) -> PortalUnitOfWork:
    return PortalUnitOfWork(engine_of(request))


async def customer_session(request: Request, now: Now) -> Session:
    link_id = session_link_id(request)
    if link_id is None:
        raise PortalClosed(None)
    async with _uow(request) as uow:
        session = await use_cases.current_session(uow=uow, link_id=link_id, now=now)
    request.state.session = session
    return session


CustomerSession = Annotated[Session, Depends(customer_session)]


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise PageNotFound from None


# Link and language -----------------------------------------------------------------------------


@router.get("/l/{token}")
async def open_link(token: str, request: Request, now: Now) -> Response:
    if len(token) > _MAX_TOKEN_CHARS:
        raise PortalClosed(None)
    async with _uow(request) as uow:
        session = await use_cases.open_link(uow=uow, token=token, now=now)
    portal = portal_of(request)
    lifetime = int((session.expires_at - now).total_seconds())
    response = RedirectResponse("/", status_code=303, headers=PRIVATE_HEADERS)
    response.set_cookie(
        SESSION_COOKIE,
        portal.cookies.dumps(str(session.link_id)),
        max_age=max(1, min(lifetime, portal.settings.session_max_age_s)),
        httponly=True,
        samesite="lax",
        secure=portal.settings.secure_cookies,
    )
    return response


@router.get("/lang/{code}")
async def switch_language(
    code: str, request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    response = RedirectResponse(safe_next(next_path), status_code=303, headers=PRIVATE_HEADERS)
    if code in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=LANG_COOKIE_MAX_AGE_S,
            httponly=True,
            samesite="lax",
            secure=portal_of(request).settings.secure_cookies,
        )
    return response


# Pages -----------------------------------------------------------------------------------------


@router.get("/")
async def home(request: Request, session: CustomerSession) -> HTMLResponse:
    async with _uow(request) as uow:
        page = await use_cases.home(uow=uow, session=session)
    qr = deposit_qr_codes(session.business, page.deposits)
    invoice_qr = invoice_qr_codes(session.business, page.outstanding)
    csrf = form_token(request, session)
    return render_for(
        request, session, "home.html", tab="home", page=page, qr=qr, invoice_qr=invoice_qr, csrf=csrf
    )


@router.get("/jobs")
async def jobs(request: Request, session: CustomerSession) -> HTMLResponse:
    async with _uow(request) as uow:
        groups = await use_cases.jobs(uow=uow, session=session)
    return render_for(request, session, "jobs.html", tab="jobs", groups=groups)


@router.get("/jobs/{job_id}")
async def job(job_id: str, request: Request, session: CustomerSession) -> HTMLResponse:
    if not _ID.fullmatch(job_id):
        raise PageNotFound
    async with _uow(request) as uow:
        page = await use_cases.job(uow=uow, session=session, job_id=job_id)
    qr = deposit_qr_codes(session.business, page.deposits)
    return render_for(request, session, "job.html", tab="jobs", page=page, qr=qr)


@router.get("/invoices")
async def invoices(request: Request, session: CustomerSession) -> HTMLResponse:
    async with _uow(request) as uow:
        found = await use_cases.invoices(uow=uow, session=session)
    return render_for(request, session, "invoices.html", tab="invoices", invoices=found)


def _invoice_page(
    request: Request,
    session: Session,
    page: use_cases.InvoicePage,
    *,
    pay_open: bool,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render_for(
        request,
        session,
        "invoice.html",
        tab="invoices",
        page=page,
        invoice_qr=invoice_qr_codes(session.business, [page.invoice]),
        csrf=form_token(request, session),
        pay_open=pay_open or error is not None,
        error=error,
        path=f"/invoices/{page.invoice.invoice_id}",
        status_code=status_code,
    )


@router.get("/invoices/{invoice_id}")
async def invoice(
    invoice_id: str, request: Request, session: CustomerSession, pay: str | None = None
) -> HTMLResponse:
    async with _uow(request) as uow:
        page = await use_cases.invoice(uow=uow, session=session, invoice_id=_uuid(invoice_id))
    return _invoice_page(request, session, page, pay_open=pay is not None)


@router.get("/invoices/{invoice_id}/qr.png")
async def invoice_qr(invoice_id: str, request: Request, session: CustomerSession) -> Response:
    """The PromptPay QR of the balance as an image to save (phones cannot scan their own screen)."""
    async with _uow(request) as uow:
        page = await use_cases.invoice(uow=uow, session=session, invoice_id=_uuid(invoice_id))
    invoice = page.invoice
    png = promptpay_png(session.business.promptpay_id, invoice.balance) if invoice.is_outstanding else None
    if png is None:
        raise PageNotFound
    return _file(png, "image/png", f"{invoice.number}-PromptPay.png", download=True)


@router.post("/invoices/{invoice_id}/paid")
async def report_paid(invoice_id: str, request: Request, session: CustomerSession, now: Now) -> Response:
    """I've paid, with an optional slip: recorded once however often it is tapped, then the invoice
    says the payment is being checked. A refused slip writes nothing."""
    invoice_uuid = _uuid(invoice_id)
    async with _uow(request) as uow:
        page = await use_cases.invoice(uow=uow, session=session, invoice_id=invoice_uuid)
    try:
        slip = await read_paid_form(request, session)
    except FormExpired:
        return _message(request, session, "form_expired.title", "form_expired.body", 403)
    except SlipRefused as refused:
        return _invoice_page(
            request, session, page, pay_open=True, error=refused.error_key, status_code=refused.status_code
        )
    try:
        async with _uow(request) as uow:
            await use_cases.report_paid(uow=uow, session=session, invoice_id=invoice_uuid, slip=slip, now=now)
            await uow.commit()
    except NothingToPay:
        pass  # paid meanwhile: the invoice page says so
    return RedirectResponse(f"/invoices/{invoice_uuid}", status_code=303, headers=PRIVATE_HEADERS)


@router.get("/receipts")
async def receipts(request: Request, session: CustomerSession) -> HTMLResponse:
    async with _uow(request) as uow:
        found = await use_cases.receipts(uow=uow, session=session)
    return render_for(request, session, "receipts.html", tab="receipts", receipts=found)


@router.get("/documents")
async def documents(request: Request, session: CustomerSession) -> HTMLResponse:
    async with _uow(request) as uow:
        found = await use_cases.documents(uow=uow, session=session)
    return render_for(request, session, "documents.html", tab="documents", documents=found)


def _message(request: Request, session: Session, title: str, body: str, status_code: int) -> HTMLResponse:
    return render_for(
        request, session, "message.html", title_key=title, body_key=body, status_code=status_code
    )


def _file(content: bytes, media_type: str, filename: str, *, download: bool) -> Response:
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    disposition = "attachment" if download else "inline"
    return Response(
        content,
        media_type=media_type,
        headers={**PRIVATE_HEADERS, "Content-Disposition": f'{disposition}; filename="{safe_name}"'},
    )


@router.get("/documents.zip")
async def documents_zip(request: Request, session: CustomerSession) -> Response:
    async with _uow(request) as uow:
        found = await use_cases.documents(uow=uow, session=session)
    if not found:
        raise PageNotFound
    lang = language_of(request, session.customer, session.business)
    try:
        content = await portal_of(request).documents.bundle(
            tenant_id=session.scope.tenant_id,
            customer_id=session.scope.customer_id,
            document_ids=[d.document_id for d in found],
            language=lang,
        )
    except httpx.HTTPError:
        log.warning("documents bundle unavailable", exc_info=True)
        return _message(request, session, "unavailable.title", "unavailable.body", 503)
    return _file(content, "application/zip", f"documents-{session.today.isoformat()}.zip", download=True)


@router.get("/documents/{document_id}")
async def document_pdf(
    document_id: str, request: Request, session: CustomerSession, download: str | None = None
) -> Response:
    async with _uow(request) as uow:
        document = await use_cases.customer_document(uow=uow, session=session, document_id=_uuid(document_id))
    lang = language_of(request, session.customer, session.business)
    try:
        content = await portal_of(request).documents.pdf(
            tenant_id=session.scope.tenant_id,
            customer_id=session.scope.customer_id,
            document_id=document.document_id,
            language=document.language_for(lang),
        )
    except DocumentNotAvailable:
        return _message(request, session, "doc.preparing", "pdf.preparing_body", 404)
    except httpx.HTTPError:
        log.warning("document %s unavailable", document.document_id, exc_info=True)
        return _message(request, session, "unavailable.title", "unavailable.body", 503)
    wants_download = (download or "").lower() in {"1", "true", "yes"}
    return _file(content, "application/pdf", f"{document.number}.pdf", download=wants_download)


# Refusals --------------------------------------------------------------------------------------


def install(app: FastAPI) -> None:
    """HTML answers for the pages' refusals (the staff API keeps the JSON error shape)."""

    @app.exception_handler(PortalClosed)
    async def portal_closed(request: Request, closed: PortalClosed) -> HTMLResponse:
        business = closed.business
        lang = pick_language(
            request.cookies.get(LANG_COOKIE),
            closed.language,
            business.default_language if business else None,
            browser_language(request.headers.get("accept-language")),
        )
        gone = closed.state in {LinkState.EXPIRED, LinkState.REVOKED}
        response = render(
            request, "closed.html", lang=lang, business=business, status_code=410 if gone else 403
        )
        if request.cookies.get(SESSION_COOKIE):
            response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
        return response

    @app.exception_handler(PageNotFound)
    @app.exception_handler(JobNotFound)
    @app.exception_handler(DocumentNotFound)
    @app.exception_handler(InvoiceNotFound)
    async def page_not_found(request: Request, _: Exception) -> HTMLResponse:
        session: Session | None = getattr(request.state, "session", None)
        if session is None:
            return render(
                request,
                "message.html",
                lang=language_of(request, None, None),
                business=None,
                title_key="not_found.title",
                body_key="not_found.body",
                status_code=404,
            )
        return _message(request, session, "not_found.title", "not_found.body", 404)
