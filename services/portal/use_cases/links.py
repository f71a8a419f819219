"""Links (issue, revoke, list) and the sessions they open. Each use case runs inside the caller's
unit of work and never commits."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID, uuid4

from services.portal.adapters.links import LinkAccount
from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import (
    WHOLE_ACCOUNT,
    Business,
    CustomerProfile,
    CustomerScope,
    LinkNotFound,
    LinkScope,
    LinkScopeKind,
    LinkState,
    PortalLink,
    UnknownCustomer,
    UnknownInvoice,
    UnknownQuote,
    hash_token,
)
from shared.auth import Principal
from shared.clock import local_date


@dataclass(frozen=True)
class IssuedLink:
    link: PortalLink
    token: str  # shown once, in the link's URL; only its hash is stored


async def _visible_customer(
    uow: PortalUnitOfWork, staff: Principal, customer_id: str
) -> CustomerProfile | None:
    """The customer, if the staff member's branches include the customer's home branch: a link opens
    the customer's whole account, every branch's invoices with it. A customer of another branch (or of
    the whole business, for staff of some branches only) looks unknown, so it cannot be probed."""
    customer = await uow.read_model.customer(staff.tenant_id, customer_id)
    return customer if customer is not None and staff.can_see_branch(customer.branch_id) else None


async def _require_known(
    uow: PortalUnitOfWork, staff: Principal, customer: CustomerScope, scope: LinkScope
) -> None:
    """The invoice or quote a link opens is the customer's, and the portal has it to show."""
    if scope.invoice_id is not None:
        found = await uow.invoices.invoices(customer, scope.invoice_id)
        if not found or not staff.can_see_branch(found[0].branch_id):
            raise UnknownInvoice(
                f"No sent invoice {scope.invoice_id} of customer {customer.customer_id} is known",
                field="invoice_id",
            )
    if scope.quote_id is not None:
        quote = await uow.read_model.quote(customer.tenant_id, scope.quote_id)
        if quote is None or quote.customer_id != customer.customer_id:
            raise UnknownQuote(
                f"No signed quote {scope.quote_id} of customer {customer.customer_id} is known",
                field="quote_id",
            )


async def issue_link(
    *,
    uow: PortalUnitOfWork,
    staff: Principal,
    customer_id: str,
    expires_in_days: int,
    now: datetime,
    invoice_id: UUID | None = None,
    quote_id: str | None = None,
) -> IssuedLink:
    """Issues a link that opens one customer's portal, or only one of their invoices or signed
    quotes, until it expires or is revoked; only for a customer of the staff member's branches."""
    if await _visible_customer(uow, staff, customer_id) is None:
        raise UnknownCustomer(f"No customer {customer_id} is known for this business", field="customer_id")
    scope = LinkScope.of(invoice_id=invoice_id, quote_id=quote_id)
    await _require_known(uow, staff, CustomerScope(staff.tenant_id, customer_id), scope)
    token = secrets.token_urlsafe(32)
    link, issued = PortalLink.issue(
        id=uuid4(),
        tenant_id=staff.tenant_id,
        customer_id=customer_id,
        token=token,
        expires_in_days=expires_in_days,
        at=now,
        by=staff.actor,
        scope=scope,
    )
    await uow.links.add(link)
    await uow.record(issued, about=link.subject, actor=staff.actor, at=now)
    return IssuedLink(link, token)


async def revoke_link(*, uow: PortalUnitOfWork, staff: Principal, link_id: UUID, now: datetime) -> PortalLink:
    """Revokes a link; the customer's very next page shows "ask for a new link". Revoking twice is
    a no-op."""
    link = await uow.links.get(link_id, tenant_id=staff.tenant_id, for_update=True)
    if link is None or await _visible_customer(uow, staff, link.customer_id) is None:
        raise LinkNotFound("Portal link not found")
    revoked = link.revoke(at=now, by=staff.actor)
    if revoked is not None:
        await uow.links.save_revocation(link)
        await uow.record(revoked, about=link.subject, actor=staff.actor, at=now)
    return link


async def get_link(*, uow: PortalUnitOfWork, staff: Principal, link_id: UUID) -> PortalLink:
    link = await uow.links.get(link_id, tenant_id=staff.tenant_id)
    if link is None or await _visible_customer(uow, staff, link.customer_id) is None:
        raise LinkNotFound("Portal link not found")
    return link


async def list_links(
    *, uow: PortalUnitOfWork, staff: Principal, customer_id: str | None, limit: int, offset: int
) -> list[PortalLink]:
    """The links of the customers of the staff member's branches, newest first."""
    return await uow.links.search(
        staff.tenant_id, customer_id, branches=staff.branch_scope, limit=limit, offset=offset
    )


# Sessions ------------------------------------------------------------------------------------------


class PortalClosed(Exception):
    """The link is unknown, expired or revoked (or there is no session): the customer is asked to
    get a new link from the business, whose contact details are shown when known."""

    def __init__(
        self, state: LinkState | None, business: Business | None = None, language: str | None = None
    ) -> None:
        super().__init__(state.value if state else "unknown")
        self.state, self.business, self.language = state, business, language


@dataclass(frozen=True)
class Session:
    link_id: UUID
    expires_at: datetime
    business: Business
    customer: CustomerProfile
    today: date
    access: LinkScope = WHOLE_ACCOUNT  # what the link opens
    quote_document_id: UUID | None = None  # the signed quote a quote link opens
    # What the customer sees, as of this request: it changes whenever anything shown does (the
    # customer's change counter and the business's last change), so it names a cached page.
    version: str = ""

    @property
    def scope(self) -> CustomerScope:
        return self.customer.scope

    @property
    def landing_path(self) -> str:
        """Where the link takes the customer: home, or the one invoice or signed quote it opens."""
        if self.access.kind is LinkScopeKind.INVOICE:
            return f"/invoices/{self.access.invoice_id}"
        if self.access.kind is LinkScopeKind.QUOTE:
            return f"/documents/{self.quote_document_id}"
        return "/"


def _today(business: Business, now: datetime) -> date:
    try:
        return local_date(now, business.timezone)
    except (ValueError, KeyError):  # an unknown time zone name from upstream
        return local_date(now)


def _session(account: LinkAccount | None, now: datetime) -> Session:
    if account is None:
        raise PortalClosed(None)
    link, business, customer = account.link, account.business, account.customer
    state = link.state(now)
    if state is not LinkState.ACTIVE or customer is None:
        raise PortalClosed(state, business, customer.preferred_language if customer else None)
    business = business or Business(link.tenant_id)
    quote_document_id = None
    if link.scope.quote_id is not None:
        if account.quote is None:  # never so: a quote link is issued only for a known quote, kept for good
            raise PortalClosed(None, business, customer.preferred_language)
        quote_document_id = account.quote.document_id(link.tenant_id)
    return Session(
        link.id,
        link.expires_at,
        business,
        customer,
        _today(business, now),
        access=link.scope,
        quote_document_id=quote_document_id,
        version=account.version,
    )


async def open_link(*, uow: PortalUnitOfWork, token: str, now: datetime) -> Session:
    """The session a link's token opens, or PortalClosed."""
    return _session(await uow.links.account(token_hash=hash_token(token)), now)


def session_of(account: LinkAccount | None, now: datetime) -> Session:
    """The session a link's account opens now, or PortalClosed: every page checks it again (from
    the account as of the last change the process heard of), so a revocation or an expiry takes
    effect on the next page."""
    return _session(account, now)
