"""What the customer pages share: templates, the language of a request, the session cookie, the
forms' anti-forgery token, the PromptPay QR, the page-number query and the headers every private
page carries."""

import io
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import fontpkg_sarabun
import segno
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer

from services.portal import translations as tr
from services.portal.adapters.live import LiveUpdates
from services.portal.domain import (
    Business,
    CustomerProfile,
    DepositSection,
    Invoice,
    browser_language,
    pick_language,
)
from services.portal.entrypoints.cache import PageCache, conditional, release_id
from services.portal.settings import Settings
from services.portal.use_cases import Session
from shared.clients import DocumentsClient
from shared.labels import DEPOSIT_STATUSES, label
from shared.promptpay import InvalidPromptPayId, promptpay_payload

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Thai glyphs for any phone or desktop without a Thai font (served from the pinned font package).
FONTS_DIR = Path(fontpkg_sarabun.ROOT) / "files"
SESSION_COOKIE = "portal_session"
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600
_MAX_COOKIE_CHARS = 512

PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
PAGE_HEADERS = {
    **PRIVATE_HEADERS,
    # The one script (live.js) is ours; it reads /live and refetches the page it is on.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}
# A customer page the browser may keep but must check again (its ETag names the version of what the
# customer sees): only the customer's own browser, never a shared cache.
CACHED_PAGE_HEADERS = {
    **PAGE_HEADERS,
    "Cache-Control": "private, no-cache",
    "Vary": "Cookie",
}
_MAX_PAGE_NUMBER = 1_000_000
# The QR of one payload is drawn once per process: a business's PromptPay id and an amount.
_QR_CACHE_ENTRIES = 4096
_WHOLE_NUMBER = re.compile(r"[0-9]{1,7}")


@dataclass(frozen=True)
class Portal:
    """The web side's dependencies, built once by the composition root."""

    settings: Settings
    templates: Jinja2Templates
    cookies: URLSafeTimedSerializer
    forms: URLSafeTimedSerializer
    documents: DocumentsClient
    live: LiveUpdates
    pages: PageCache

    @classmethod
    def build(cls, settings: Settings, documents: DocumentsClient, live: LiveUpdates) -> "Portal":
        secret = settings.session_secret.get_secret_value()
        return cls(
            settings=settings,
            templates=Jinja2Templates(directory=TEMPLATES_DIR),
            cookies=URLSafeTimedSerializer(secret, salt="portal-session"),
            forms=URLSafeTimedSerializer(secret, salt="portal-form"),
            documents=documents,
            live=live,
            pages=PageCache(
                settings.page_cache_entries,
                release_id(TEMPLATES_DIR, Path(tr.__file__).resolve()),
            ),
        )


class RedactLinkTokens(logging.Filter):
    """Request logs name the path; a link's path is its credential, so it is logged as /l/… (and a
    staff sign-in link as /staff/sign-in/…)"""

    _TOKEN = re.compile(r"^(/l/|/staff/sign-in/).+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(
            isinstance(a, str) and self._TOKEN.match(a) for a in record.args
        ):
            record.args = tuple(self._TOKEN.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        return True


def portal_of(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def session_link_id(request: Request) -> UUID | None:
    """The link the session cookie names, if the cookie is ours, unaltered and not too old."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw or len(raw) > _MAX_COOKIE_CHARS:
        return None
    portal = portal_of(request)
    try:
        value = portal.cookies.loads(raw, max_age=portal.settings.session_max_age_s)
        return UUID(str(value))
    except (BadSignature, ValueError, TypeError):
        return None


def form_token(request: Request, session: Session) -> str:
    """A token bound to the session's link that every form posts back: with the SameSite=Lax session
    cookie, another site cannot make a customer's browser submit a form here."""
    return str(portal_of(request).forms.dumps(str(session.link_id)))


def valid_form_token(request: Request, session: Session, token: object) -> bool:
    if not isinstance(token, str) or len(token) > _MAX_COOKIE_CHARS:
        return False
    portal = portal_of(request)
    try:
        value = portal.forms.loads(token, max_age=portal.settings.session_max_age_s)
    except BadSignature:
        return False
    return bool(value == str(session.link_id))


def language_of(request: Request, customer: CustomerProfile | None, business: Business | None) -> str:
    return pick_language(
        request.cookies.get(LANG_COOKIE),
        customer.preferred_language if customer else None,
        business.default_language if business else None,
        browser_language(request.headers.get("accept-language")),
    )


def safe_next(target: str | None) -> str:
    """Only a path on this site: the language toggle must not become an open redirect."""
    if not target or len(target) > 300 or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


def whole_number(value: str | None, *, default: int) -> int:
    """A page number or year from the query; anything that is not one is the default."""
    if value is None or not _WHOLE_NUMBER.fullmatch(value):  # ASCII digits only: int() takes more
        return default
    return min(int(value), _MAX_PAGE_NUMBER)


def current_path(request: Request) -> str:
    """The page's path with its query (the language toggle returns to exactly this page)."""
    query = request.url.query
    return f"{request.url.path}?{query}" if query else request.url.path


def _payload(promptpay_id: str, amount: Decimal) -> str | None:
    try:
        return promptpay_payload(promptpay_id, amount)
    except InvalidPromptPayId:
        return None


@lru_cache(maxsize=_QR_CACHE_ENTRIES)
def _qr_data_uri(payload: str) -> str:
    return str(segno.make(payload, error="m", micro=False).png_data_uri(scale=6, border=4))


@lru_cache(maxsize=_QR_CACHE_ENTRIES)
def _qr_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def promptpay_qr(promptpay_id: str, amount: Decimal) -> str | None:
    """A PNG data URI of the PromptPay QR for the amount, or None when the business has no valid id
    (drawn once per payload and process)."""
    payload = _payload(promptpay_id, amount)
    return _qr_data_uri(payload) if payload else None


def promptpay_png(promptpay_id: str, amount: Decimal) -> bytes | None:
    """The same QR as a PNG file, for customers who save it and open it in their banking app."""
    payload = _payload(promptpay_id, amount)
    return _qr_png(payload) if payload else None


def deposit_qr_codes(business: Business, section: DepositSection) -> dict[UUID, str]:
    codes = {d.deposit_id: promptpay_qr(business.promptpay_id, d.amount_due) for d in section.pending}
    return {deposit_id: code for deposit_id, code in codes.items() if code}


def invoice_qr_codes(business: Business, invoices: list[Invoice]) -> dict[UUID, str]:
    """A QR for the balance of every invoice the customer can pay now (none while a report of
    paying it waits to be checked)."""
    codes = {i.invoice_id: promptpay_qr(business.promptpay_id, i.balance) for i in invoices if i.payable}
    return {invoice_id: code for invoice_id, code in codes.items() if code}


def render(
    request: Request,
    template: str,
    *,
    lang: str,
    business: Business | None,
    session: Session | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    portal = portal_of(request)
    values = {
        "lang": lang,
        "t": tr.translator(lang),
        "date": partial(tr.short_date, lang=lang),
        "money": tr.money,
        "stage": partial(tr.stage_label, lang=lang),
        "kind": partial(tr.document_kind_label, lang=lang),
        "method": partial(tr.method_label, lang=lang),
        "return_kind": partial(tr.return_kind_label, lang=lang),
        "status": lambda value: label(DEPOSIT_STATUSES, value, lang),
        "invoice_status": partial(tr.invoice_status_label, lang=lang),
        "year": partial(tr.year_label, lang=lang),
        "today": session.today if session else None,
        "business": business,
        "business_name": business.name(lang) if business else "",
        "customer": session.customer if session else None,
        "whole_account": session.access.whole_account if session else False,
        "landing_path": session.landing_path if session else "/",
        "path": current_path(request),
        "tab": None,
        **context,
    }
    return portal.templates.TemplateResponse(
        request, template, values, status_code=status_code, headers=PAGE_HEADERS
    )


def render_for(request: Request, session: Session, template: str, **context: Any) -> HTMLResponse:
    lang = language_of(request, session.customer, session.business)
    return render(request, template, lang=lang, business=session.business, session=session, **context)


async def cached_page(
    request: Request, session: Session, render_page: Callable[[], Awaitable[Response]]
) -> Response:
    """The customer's page for this version of what they see: a 304 when their browser has it,
    the bytes this process rendered before, or `render_page()` (its queries and template) once."""
    portal = portal_of(request)
    etag = portal.pages.etag(
        session.link_id,
        session.version,
        session.today.isoformat(),
        language_of(request, session.customer, session.business),
        current_path(request),
    )
    return await conditional(request, portal.pages, etag, CACHED_PAGE_HEADERS, render_page)
