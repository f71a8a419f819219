"""What the staff console's pages share: its dependencies, the session cookie and the session of a
request, the anti-forgery check of every form, the language, and rendering (money as the portal
shows it, dates in the Buddhist Era in Thai)."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import segno
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.portal import translations as tr
from services.portal.adapters.staff_api import ApiNotFound, ApiRefusal, ApiUnavailable, StaffApi, StaffCalls
from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import Business, browser_language, pick_language
from services.portal.domain.staff import (
    Paging,
    SessionLifetime,
    StaffSession,
    StaffSessionEnded,
    csrf_matches,
    csrf_token,
)
from services.portal.entrypoints.pages import LANG_COOKIE, PAGE_HEADERS, TEMPLATES_DIR, current_path
from services.portal.settings import Settings
from services.portal.use_cases import staff as staff_use_cases
from shared.contracts.deposits import DepositReturned
from shared.labels import DEPOSIT_STATUSES, label
from shared.money import format_thb
from shared.thai import format_date
from shared.uploads import within_limit
from shared.web import Now, engine_of

log = logging.getLogger(__name__)
STAFF_COOKIE = "staff_session"
_MAX_COOKIE_CHARS = 512
# The business's zone until its settings reach the portal (the operations system's default).
DEFAULT_ZONE = ZoneInfo(Business.timezone)


class FormRefused(Exception):
    """A POST without this session's anti-forgery token: answered 403, nothing written."""


@dataclass(frozen=True)
class Console:
    """The console's dependencies, built once by the composition root."""

    settings: Settings
    templates: Jinja2Templates
    cookies: URLSafeTimedSerializer
    api: StaffApi

    @classmethod
    def build(cls, settings: Settings, api: StaffApi) -> "Console":
        return cls(
            settings=settings,
            templates=Jinja2Templates(directory=TEMPLATES_DIR),
            cookies=URLSafeTimedSerializer(settings.session_secret.get_secret_value(), salt="staff-session"),
            api=api,
        )

    @property
    def lifetime(self) -> SessionLifetime:
        return self.settings.staff_session_lifetime

    def csrf(self, session: StaffSession) -> str:
        return csrf_token(self.settings.session_secret.get_secret_value(), session.session_hash)


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def _session_id(request: Request) -> str | None:
    raw = request.cookies.get(STAFF_COOKIE)
    if not raw or len(raw) > _MAX_COOKIE_CHARS:
        return None
    console = console_of(request)
    try:
        value = console.cookies.loads(raw, max_age=int(console.lifetime.absolute.total_seconds()))
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


async def staff_session(request: Request, now: Now) -> StaffSession:
    """The request's live staff session (seen now); StaffSessionEnded sends the browser to sign in."""
    session_id = _session_id(request)
    if session_id is None:
        raise StaffSessionEnded
    async with PortalUnitOfWork(engine_of(request)) as uow:
        session = await staff_use_cases.current_staff_session(
            uow=uow, session_id=session_id, lifetime=console_of(request).lifetime, now=now
        )
        business = await uow.read_model.business(session.principal.tenant_id)
        await uow.commit()
    request.state.staff_session = session
    request.state.business_zone = _zone_of(business)
    return session


def _zone_of(business: Business | None) -> ZoneInfo:
    """The business's time zone, which the console's dates and times are in."""
    if business is None:
        return DEFAULT_ZONE
    try:
        return ZoneInfo(business.timezone)
    except (ZoneInfoNotFoundError, ValueError):  # a zone the settings named wrongly: dates still show
        log.warning("business %s has an unknown time zone %r", business.tenant_id, business.timezone)
        return DEFAULT_ZONE


def business_zone(request: Request) -> ZoneInfo:
    return getattr(request.state, "business_zone", DEFAULT_ZONE)


SignedInStaff = Annotated[StaffSession, Depends(staff_session)]


def calls_for(request: Request, session: StaffSession) -> StaffCalls:
    return console_of(request).api.as_staff(session.principal)


async def count_unread(request: Request, session: StaffSession) -> None:
    """The Inbox tab's unread count, best effort: a page never fails for want of it."""
    try:
        inbox = await calls_for(request, session).inbox({"unread": "true", "limit": 1})
    except (ApiNotFound, ApiRefusal, ApiUnavailable):
        log.info("staff console: no unread count", exc_info=True)
        return
    request.state.unread = inbox.get("unread")


ListCall = Callable[[dict[str, str | int]], Awaitable[dict[str, Any]]]


async def listed(
    call: ListCall, params: dict[str, str | int], paging: Paging
) -> tuple[dict[str, Any], Paging]:
    """One page of an API list ({"items", "total"} by limit and offset) and the page it is: asked
    past the end (the list shrank since its link was drawn), the last page instead."""
    found = await call({**params, **paging.api_params()})
    shown = paging.within(found["total"])
    if shown != paging and found["total"]:
        found = await call({**params, **shown.api_params()})
    return found, shown


async def each_item(
    call: ListCall, params: dict[str, str | int], *, page_size: int = 200
) -> AsyncIterator[dict[str, Any]]:
    """Every item of an API list, a page at a time, however long the list; stop early by leaving
    the loop (the next page is not asked for)."""
    offset = 0
    while True:
        found = await call({**params, "limit": page_size, "offset": offset})
        items = found["items"]
        for item in items:
            yield item
        offset += len(items)
        if not items or offset >= found["total"]:
            return


class FormTooLarge(Exception):
    """The posted form is over its byte limit (declared, or counted as its chunks arrive)."""


async def read_form(
    request: Request,
    session: StaffSession,
    *,
    max_files: int = 0,
    max_fields: int = 20,
    max_bytes: int | None = None,
) -> FormData:
    """The posted form, once its anti-forgery token is this session's; FormRefused otherwise, and
    FormTooLarge as soon as it is over `max_bytes`, before the rest of it is read."""
    source = within_limit(request, max_bytes, FormTooLarge) if max_bytes else request
    try:
        form = await source.form(max_files=max_files, max_fields=max_fields)
    except StarletteHTTPException:  # not a form a console page sends
        raise FormRefused from None
    if not csrf_matches(console_of(request).csrf(session), form.get("csrf")):
        await form.close()
        raise FormRefused
    return form


def console_qr(text: str) -> str:
    """A PNG data URI of the QR of `text`, made here (no outside service sees the link)."""
    return str(segno.make(text, error="m", micro=False).png_data_uri(scale=6, border=4))


def language(request: Request) -> str:
    return pick_language(
        request.cookies.get(LANG_COOKIE), None, None, browser_language(request.headers.get("accept-language"))
    )


def business_today(request: Request, now: datetime) -> date:
    return now.astimezone(business_zone(request)).date()


def _money(value: str | Decimal | None) -> str:
    return format_thb(Decimal(value)) if value not in (None, "") else ""


def _date(value: str | date | None, lang: str) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, lang, short=True)


def _moment(value: str | None, lang: str, zone: ZoneInfo) -> str:
    """A time as the business's clock shows it: "12 มี.ค. 2569 14:05" in Thai."""
    if not value:
        return ""
    at = datetime.fromisoformat(value).astimezone(zone)
    return f"{format_date(at.date(), lang, short=True)} {at:%H:%M}"


def audit_action(action: str, details: dict[str, Any] | None, lang: str) -> str:
    """An audit row's event as a clerk reads it ("Partly returned", "คืนเงินมัดจำบางส่วน"); a return
    says its kind; an event the console has no label for shows its type as recorded."""
    kind = (details or {}).get("kind") if action == DepositReturned.event_type else None
    for key in (f"staff.audit.action.{action}.{kind}", f"staff.audit.action.{action}"):
        if key in tr.MESSAGES:
            return tr.translate(key, lang)
    return action


def render_console(
    request: Request,
    template: str,
    *,
    session: StaffSession | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    console = console_of(request)
    lang = language(request)
    values = {
        "lang": lang,
        "t": tr.translator(lang),
        "money": _money,
        "date": partial(_date, lang=lang),
        "moment": partial(_moment, lang=lang, zone=business_zone(request)),
        "status": lambda value: label(DEPOSIT_STATUSES, value, lang),
        "method": partial(tr.method_label, lang=lang),
        "stage": partial(tr.stage_label, lang=lang),
        "kind": partial(tr.document_kind_label, lang=lang),
        "return_kind": partial(tr.return_kind_label, lang=lang),
        "audit_action": partial(audit_action, lang=lang),
        "invoice_status": partial(tr.billing_status_label, lang=lang),
        "staff": session.principal if session else None,
        "is_manager": session.is_manager if session else False,
        "csrf": console.csrf(session) if session else "",
        "path": current_path(request),
        "tab": None,
        "unread": getattr(request.state, "unread", None),
        **context,
    }
    return console.templates.TemplateResponse(
        request, template, values, status_code=status_code, headers=PAGE_HEADERS
    )
