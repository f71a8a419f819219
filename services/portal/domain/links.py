"""Portal links: the customer's credential, kept only as a hash, valid for a bounded time, opening
the customer's whole account or one invoice or one signed quote, and the audit facts of issuing and
revoking one. Pure: no I/O, no clock."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Self
from uuid import UUID

from shared.actors import Actor
from shared.contracts.envelope import InternalFact, Subject
from shared.errors import NotFound, RuleViolation

LINK_DEFAULT_DAYS = 30
LINK_MIN_DAYS, LINK_MAX_DAYS = 1, 365


class LinkNotFound(NotFound):
    code = "portal_link_not_found"


class LinkValidityInvalid(RuleViolation):
    code = "expires_in_days_invalid"


class UnknownCustomer(RuleViolation):
    code = "unknown_customer"


class UnknownInvoice(RuleViolation):
    code = "unknown_invoice"


class UnknownQuote(RuleViolation):
    code = "unknown_quote"


class LinkScopeInvalid(RuleViolation):
    code = "link_scope_invalid"


class OutsideLinkScope(NotFound):
    """The page exists, but not for this link: it looks absent, like another customer's."""

    code = "outside_link_scope"


class LinkState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class LinkScopeKind(StrEnum):
    CUSTOMER = "customer"  # the customer's whole account
    INVOICE = "invoice"  # one invoice: its page, PDF, QR, Pay, I've paid and its receipts
    QUOTE = "quote"  # one signed quote's document


@dataclass(frozen=True)
class LinkScope:
    """What a link opens."""

    kind: LinkScopeKind = LinkScopeKind.CUSTOMER
    invoice_id: UUID | None = None
    quote_id: str | None = None

    @classmethod
    def of(cls, *, invoice_id: UUID | None = None, quote_id: str | None = None) -> Self:
        if invoice_id is not None and quote_id is not None:
            raise LinkScopeInvalid("A link opens one invoice or one quote, not both", field="quote_id")
        if invoice_id is not None:
            return cls(LinkScopeKind.INVOICE, invoice_id=invoice_id)
        if quote_id is not None:
            return cls(LinkScopeKind.QUOTE, quote_id=quote_id)
        return cls()

    @property
    def whole_account(self) -> bool:
        return self.kind is LinkScopeKind.CUSTOMER

    def require_whole_account(self) -> None:
        """Lists, jobs, deposits and zips are for a link to the whole account only."""
        if not self.whole_account:
            raise OutsideLinkScope("Not available with this link")

    def allows_invoice(self, invoice_id: UUID) -> bool:
        return self.whole_account or self.invoice_id == invoice_id


WHOLE_ACCOUNT = LinkScope()


class _LinkFact(InternalFact):
    customer_id: str
    expires_at: datetime
    scope: LinkScopeKind = LinkScopeKind.CUSTOMER
    invoice_id: UUID | None = None
    quote_id: str | None = None


class PortalLinkIssued(_LinkFact):
    event_type = "portal_link.issued"


class PortalLinkRevoked(_LinkFact):
    event_type = "portal_link.revoked"


def hash_token(token: str) -> str:
    """Links are stored by this hash only: a leaked table opens nobody's portal."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _pad(length: int, secret: bytes, link_id: UUID) -> bytes:
    return hmac.new(secret, b"portal-link-seal:" + link_id.bytes, hashlib.sha256).digest()[:length]


def seal_token(token: str, *, secret: bytes, link_id: UUID) -> str:
    """The token masked with a one-time pad keyed by the server secret and the (unique) link id, so
    a replayed issue response can show the link again while the database never holds it readable."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    if len(raw) > 32:
        raise ValueError("a sealed token is at most 32 bytes")
    masked = bytes(a ^ b for a, b in zip(raw, _pad(len(raw), secret, link_id), strict=True))
    return base64.urlsafe_b64encode(masked).decode().rstrip("=")


def unseal_token(sealed: str, *, secret: bytes, link_id: UUID) -> str:
    return seal_token(sealed, secret=secret, link_id=link_id)  # XOR with the same pad undoes it


def link_expiry(now: datetime, days: int) -> datetime:
    if not LINK_MIN_DAYS <= days <= LINK_MAX_DAYS:
        raise LinkValidityInvalid(
            f"A link is valid for {LINK_MIN_DAYS} to {LINK_MAX_DAYS} days", field="expires_in_days"
        )
    return now + timedelta(days=days)


@dataclass
class PortalLink:
    """A customer's credential: whoever holds the URL sees that customer's portal until it expires
    or staff revoke it."""

    id: UUID
    tenant_id: str
    customer_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    created_by: Actor
    revoked_at: datetime | None = None
    revoked_by: Actor | None = None
    scope: LinkScope = WHOLE_ACCOUNT

    @classmethod
    def issue(
        cls,
        *,
        id: UUID,
        tenant_id: str,
        customer_id: str,
        token: str,
        expires_in_days: int,
        at: datetime,
        by: Actor,
        scope: LinkScope = WHOLE_ACCOUNT,
    ) -> tuple["PortalLink", PortalLinkIssued]:
        """A link that opens one customer's portal (or the one invoice or quote of `scope`) for
        `expires_in_days`; only the token's hash is kept."""
        link = cls(
            id=id,
            tenant_id=tenant_id,
            customer_id=customer_id,
            token_hash=hash_token(token),
            created_at=at,
            expires_at=link_expiry(at, expires_in_days),
            created_by=by,
            scope=scope,
        )
        return link, PortalLinkIssued(**link._fact_fields())

    def _fact_fields(self) -> dict[str, object]:
        return {
            "customer_id": self.customer_id,
            "expires_at": self.expires_at,
            "scope": self.scope.kind,
            "invoice_id": self.scope.invoice_id,
            "quote_id": self.scope.quote_id,
        }

    @property
    def subject(self) -> Subject:
        return Subject("portal_link", self.id, self.tenant_id)

    def state(self, now: datetime) -> LinkState:
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if now >= self.expires_at:
            return LinkState.EXPIRED
        return LinkState.ACTIVE

    def revoke(self, *, at: datetime, by: Actor) -> PortalLinkRevoked | None:
        """Takes effect on the customer's next page; None when it was already revoked."""
        if self.revoked_at is not None:
            return None
        self.revoked_at, self.revoked_by = at, by
        return PortalLinkRevoked(**self._fact_fields())
