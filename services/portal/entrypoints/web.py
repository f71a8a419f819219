"""The customer's pages. Every page re-checks the session's link, and reads only the link's
customer's data (and, for a link to one invoice or quote, only what it opens). Path, query and form
values are parsed here by hand so that no input yields a 5xx: a malformed id is simply "not found",
a refused slip re-shows the invoice with the reason."""

import asyncio
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask

from services.portal import use_cases
from services.portal.adapters.links import LinkAccount
from services.portal.adapters.uow import PortalReads, PortalUnitOfWork
from services.portal.domain import (
    LANGUAGES,
    RECEIPT_KIND_ORDER,
    Cursor,
    DocumentNotFound,
    DocumentNotReady,
    InvoiceNotFound,
    JobNotFound,
    LinkState,
    NothingToPay,
    OutsideLinkScope,
    browser_language,
    pick_language,
)
from services.portal.entrypoints.cache import matches
from services.portal.entrypoints.pages import (
    LANG_COOKIE,
    LANG_COOKIE_MAX_AGE_S,
    PRIVATE_HEADERS,
    SESSION_COOKIE,
    cached_page,
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
    whole_number,
)
from services.portal.entrypoints.paid_form import FormExpired, SlipRefused, read_paid_form
from services.portal.use_cases import PortalClosed, Session
from shared.clients import DocumentNotAvailable
from shared.clock import Clock
from shared.web import engine_of

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_MAX_TOKEN_CHARS = 200
_YEARS = range(2000, 2201)
# A live stream ends after this (or when the link expires): the browser reconnects, and the
# reconnection checks the link again.
_LIVE_STREAM_MAX_S = 30 * 60
# Commits in quick succession (one event after another) cost the page at most one refetch per window.
_LIVE_COALESCE_S = 0.2
_LIVE_RETRY_MS = 5000


class PageNotFound(Exception):
    pass


def _uow(request: Request) -> PortalUnitOfWork:
    return PortalUnitOfWork(engine_of(request))


def _reads(request: Request) -> PortalReads:
    return PortalReads(engine_of(request))


async def _now(request: Request) -> datetime:
    """The portal's clock (an async dependency: a plain function would cost a worker thread)."""
    clock: Clock = request.app.state.clock
    return clock.now()


Now = Annotated[datetime, Depends(_now)]


async def customer_session(request: Request, now: Now) -> Session:
    link_id = session_link_id(request)
    if link_id is None:
        raise PortalClosed(None)

    async def read_account() -> LinkAccount | None:
        async with _reads(request) as uow:
            return await uow.links.account(link_id=link_id)

    account = await portal_of(request).live.accounts.account(link_id, read_account)
    session = use_cases.session_of(account, now)
    request.state.session = session
    return session


CustomerSession = Annotated[Session, Depends(customer_session)]


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise PageNotFound from None


def _year(value: str | None) -> int | None:
    year = whole_number(value, default=0)
    return year if year in _YEARS else None


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers=PRIVATE_HEADERS)


# Link and language -----------------------------------------------------------------------------


@router.get("/l/{token}")
async def open_link(token: str, request: Request, now: Now) -> Response:
    if len(token) > _MAX_TOKEN_CHARS:
        raise PortalClosed(None)
    async with _uow(request) as uow:
        session = await use_cases.open_link(uow=uow, token=token, now=now)
    portal = portal_of(request)
    lifetime = int((session.expires_at - now).total_seconds())
    response = _redirect(session.landing_path)
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
    response = _redirect(safe_next(next_path))
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


@router.get("/live")
async def live(request: Request, session: CustomerSession, now: Now) -> EventSourceResponse:
    """Server-sent events: "changed" whenever the customer's read model changed, so the open page
    fetches itself again (live.js); "ready" on each (re)connection, after which it does so too."""
    live_updates = portal_of(request).live
    lifetime = min((session.expires_at - now).total_seconds(), _LIVE_STREAM_MAX_S)

    async def changes() -> AsyncIterator[ServerSentEvent]:
        async with live_updates.subscribe(session.scope) as changed:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + lifetime
            yield ServerSentEvent(data="", event="ready", retry=_LIVE_RETRY_MS)
            last_sent = -_LIVE_COALESCE_S
            while (remaining := deadline - loop.time()) > 0:
                try:
                    await asyncio.wait_for(changed.next(), remaining)
                except TimeoutError:
                    return
                # A change after a quiet spell goes at once (the customer waits for it); changes
                # close behind the last one sent are folded into one at the end of the window.
                if (wait := last_sent + _LIVE_COALESCE_S - loop.time()) > 0:
                    await asyncio.sleep(wait)
                changed.fold()
                last_sent = loop.time()
                yield ServerSentEvent(data="", event="changed")

    return EventSourceResponse(changes(), ping=15, headers=PRIVATE_HEADERS)


# Pages -----------------------------------------------------------------------------------------


@router.get("/")
async def home(request: Request, session: CustomerSession) -> Response:
    if not session.access.whole_account:
        return _redirect(session.landing_path)  # a link to one invoice or quote lands there

    async def render_page() -> Response:
        async with _reads(request) as uow:
            page = await use_cases.home(uow=uow, session=session)
        qr = deposit_qr_codes(session.business, page.deposits)
        invoice_qr = invoice_qr_codes(session.business, page.outstanding)
        csrf = form_token(request, session)
        return render_for(
            request, session, "home.html", tab="home", page=page, qr=qr, invoice_qr=invoice_qr, csrf=csrf
        )

    return await cached_page(request, session, render_page)


@router.get("/jobs")
async def jobs(request: Request, session: CustomerSession) -> Response:
    async def render_page() -> Response:
        async with _reads(request) as uow:
            groups = await use_cases.jobs(uow=uow, session=session)
        return render_for(request, session, "jobs.html", tab="jobs", groups=groups)

    return await cached_page(request, session, render_page)


@router.get("/jobs/{job_id}")
async def job(job_id: str, request: Request, session: CustomerSession) -> Response:
    if not _ID.fullmatch(job_id):
        raise PageNotFound

    async def render_page() -> Response:
        async with _reads(request) as uow:
            page = await use_cases.job(uow=uow, session=session, job_id=job_id)
        qr = deposit_qr_codes(session.business, page.deposits)
        return render_for(request, session, "job.html", tab="jobs", page=page, qr=qr)

    return await cached_page(request, session, render_page)


@router.get("/invoices")
async def invoices(request: Request, session: CustomerSession, page: str | None = None) -> Response:
    async def render_page() -> Response:
        async with _reads(request) as uow:
            found = await use_cases.invoices(uow=uow, session=session, page=whole_number(page, default=1))
        return render_for(request, session, "invoices.html", tab="invoices", invoices=found)

    return await cached_page(request, session, render_page)


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
) -> Response:
    the_id = _uuid(invoice_id)

    async def render_page() -> Response:
        async with _reads(request) as uow:
            page = await use_cases.invoice(uow=uow, session=session, invoice_id=the_id)
        return _invoice_page(request, session, page, pay_open=pay is not None)

    return await cached_page(request, session, render_page)


@router.get("/invoices/{invoice_id}/qr.png")
async def invoice_qr(invoice_id: str, request: Request, session: CustomerSession) -> Response:
    """The PromptPay QR of the balance as an image to save (phones cannot scan their own screen)."""
    async with _uow(request) as uow:
        page = await use_cases.invoice(uow=uow, session=session, invoice_id=_uuid(invoice_id))
    invoice = page.invoice
    png = promptpay_png(session.business.promptpay_id, invoice.balance) if invoice.is_outstanding else None
    if png is None:
        raise PageNotFound
    # The image is drawn once per payload; its ETag is the image's, so a browser that has it gets a
    # 304, and a new balance (a new payload) is a new image at the same address.
    headers = {
        **PRIVATE_HEADERS,
        **_disposition(f"{invoice.number}-PromptPay.png", download=True),
        "Cache-Control": "private, no-cache",
        "ETag": f'"{hashlib.blake2b(png, digest_size=16).hexdigest()}"',
    }
    if matches(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(png, media_type="image/png", headers=headers)


@router.post("/invoices/{invoice_id}/paid")
async def report_paid(invoice_id: str, request: Request, session: CustomerSession, now: Now) -> Response:
    """I've paid, with an optional slip: recorded once however often it is tapped, then the invoice
    says the payment is being checked. A refused slip writes nothing."""
    invoice_uuid = _uuid(invoice_id)
    async with _uow(request) as uow:
        page = await use_cases.invoice(uow=uow, session=session, invoice_id=invoice_uuid)
    try:
        slip = await read_paid_form(request, session, read_reference=page.invoice.open_report is None)
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
    return _redirect(f"/invoices/{invoice_uuid}")


@router.get("/receipts")
async def receipts(
    request: Request, session: CustomerSession, year: str | None = None, at: str | None = None
) -> Response:
    async def render_page() -> Response:
        async with _reads(request) as uow:
            found = await use_cases.receipts(uow=uow, session=session, year=_year(year), at=Cursor.parse(at))
        return render_for(request, session, "receipts.html", tab="receipts", page=found)

    return await cached_page(request, session, render_page)


@router.get("/documents")
async def documents(request: Request, session: CustomerSession, at: str | None = None) -> Response:
    async def render_page() -> Response:
        async with _reads(request) as uow:
            found = await use_cases.documents(uow=uow, session=session, at=Cursor.parse(at))
        return render_for(request, session, "documents.html", tab="documents", documents=found)

    return await cached_page(request, session, render_page)


def _message(request: Request, session: Session, title: str, body: str, status_code: int) -> HTMLResponse:
    return render_for(
        request, session, "message.html", title_key=title, body_key=body, status_code=status_code
    )


def _disposition(filename: str, *, download: bool) -> dict[str, str]:
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return {"Content-Disposition": f'{"attachment" if download else "inline"}; filename="{safe_name}"'}


def _file(content: bytes, media_type: str, filename: str, *, download: bool) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={**PRIVATE_HEADERS, **_disposition(filename, download=download)},
    )


async def _bundle(request: Request, session: Session, filename: str, **selection: Any) -> Response:
    """A zip of the customer's documents streamed from the documents service as it makes it, so
    no number of documents is too many and the portal's memory stays flat."""
    lang = language_of(request, session.customer, session.business)
    try:
        stream = await portal_of(request).documents.customer_bundle(
            tenant_id=session.scope.tenant_id,
            customer_id=session.scope.customer_id,
            language=lang,
            **selection,
        )
    except DocumentNotAvailable:
        raise PageNotFound from None
    except httpx.HTTPError:
        log.warning("documents bundle unavailable", exc_info=True)
        return _message(request, session, "unavailable.title", "unavailable.body", 503)
    return StreamingResponse(
        stream.chunks(),
        media_type="application/zip",
        headers={**PRIVATE_HEADERS, **_disposition(filename, download=True)},
        background=BackgroundTask(stream.aclose),  # also when the customer leaves before the end
    )


@router.get("/documents.zip")
async def documents_zip(request: Request, session: CustomerSession) -> Response:
    async with _uow(request) as uow:
        found = await use_cases.documents(uow=uow, session=session)
    if not found.total:
        raise PageNotFound
    return await _bundle(request, session, f"documents-{session.today.isoformat()}.zip")


@router.get("/receipts/{year}.zip")
async def receipts_zip(year: str, request: Request, session: CustomerSession) -> Response:
    """Every receipt of the year (RC, PREREC, DEPR, DEPRR) in one zip, for the bookkeeper."""
    the_year = _year(year)
    if the_year is None:
        raise PageNotFound
    async with _uow(request) as uow:
        receipt_year = await use_cases.receipt_year(uow=uow, session=session, year=the_year)
    if not receipt_year.has_receipts:
        raise PageNotFound
    return await _bundle(
        request,
        session,
        f"receipts-{the_year}.zip",
        kinds=[kind.value for kind in RECEIPT_KIND_ORDER],
        issued_from=date(the_year, 1, 1),
        issued_to=date(the_year, 12, 31),
    )


@router.get("/documents/{document_id}.pdf")
async def document_pdf(document_id: str, request: Request, session: CustomerSession) -> Response:
    """The PDF to download (phones show the pages as images; the PDF is for keeping)."""
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
    return _file(content, "application/pdf", f"{document.number}.pdf", download=True)


def _private(cache_control: str | None) -> str:
    """The documents service's caching, but never in a shared cache: the image is one customer's."""
    directives = [d.strip() for d in (cache_control or "no-cache").split(",") if d.strip()]
    kept = [d for d in directives if d.lower() not in {"public", "private"}]
    return ", ".join(["private", *kept])


@router.get("/documents/{document_id}/pages/{page}.png")
async def document_page_image(
    document_id: str,
    page: str,
    request: Request,
    session: CustomerSession,
    lang: str | None = None,
    v: str | None = None,
) -> Response:
    """One page of the document as an image, from the documents service, with its cache headers
    (a page the browser already has answers 304)."""
    async with _uow(request) as uow:
        document = await use_cases.customer_document(uow=uow, session=session, document_id=_uuid(document_id))
    language = lang if lang in LANGUAGES else language_of(request, session.customer, session.business)
    number = whole_number(page, default=0)
    if not 1 <= number <= document.page_count(language):
        raise PageNotFound
    version = whole_number(v, default=0)
    try:
        image = await portal_of(request).documents.page_png(
            tenant_id=session.scope.tenant_id,
            customer_id=session.scope.customer_id,
            document_id=document.document_id,
            page=number,
            language=document.language_for(language),
            version=version if 1 <= version <= document.version else None,
            if_none_match=request.headers.get("if-none-match"),
        )
    except DocumentNotAvailable:
        raise PageNotFound from None
    except httpx.HTTPError:
        log.warning("page %s of document %s unavailable", number, document.document_id, exc_info=True)
        return Response(status_code=503, headers=PRIVATE_HEADERS)
    headers = {
        **{name: value for name, value in PRIVATE_HEADERS.items() if name != "Cache-Control"},
        **image.cache_headers,
        "cache-control": _private(image.cache_headers.get("cache-control")),
    }
    if image.status_code == 304:
        return Response(status_code=304, headers=headers)
    return Response(image.content, media_type="image/png", headers=headers)


@router.get("/documents/{document_id}")
async def document_page(document_id: str, request: Request, session: CustomerSession) -> Response:
    """The document as page images (phones show no PDF inside a page), with its Download."""
    the_id = _uuid(document_id)

    async def render_page() -> Response:
        async with _reads(request) as uow:
            document = await use_cases.customer_document(uow=uow, session=session, document_id=the_id)
        return render_for(request, session, "document.html", tab="documents", document=document)

    return await cached_page(request, session, render_page)


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

    @app.exception_handler(DocumentNotReady)
    async def document_not_ready(request: Request, _: Exception) -> HTMLResponse:
        # Only a link's own document can be awaited so; its page updates itself once rendered.
        return _message(request, request.state.session, "doc.preparing", "pdf.preparing_body", 404)

    @app.exception_handler(PageNotFound)
    @app.exception_handler(JobNotFound)
    @app.exception_handler(DocumentNotFound)
    @app.exception_handler(InvoiceNotFound)
    @app.exception_handler(OutsideLinkScope)
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
