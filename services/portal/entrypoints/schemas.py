"""Staff API schemas, one per use, apart from domain objects."""

from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.portal.domain import (
    LINK_DEFAULT_DAYS,
    LINK_MAX_DAYS,
    LINK_MIN_DAYS,
    LinkScope,
    LinkScopeKind,
    LinkState,
    PortalLink,
)
from shared.contracts.types import Id


class LinkCreateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: Id
    invoice_id: UUID | None = Field(
        None, description="Open only this invoice of the customer (its page, PDF, Pay and its receipts)"
    )
    quote_id: Id | None = Field(None, description="Open only this signed quote of the customer")
    expires_in_days: Annotated[int, Field(strict=True, ge=LINK_MIN_DAYS, le=LINK_MAX_DAYS)] = (
        LINK_DEFAULT_DAYS
    )


class LinkScopeOut(BaseModel):
    """What the link opens: the customer's whole account, one invoice or one signed quote."""

    # The default also reads the idempotency records of links issued before links had a scope.
    scope: LinkScopeKind = Field(
        LinkScopeKind.CUSTOMER, description="customer (the whole account), invoice or quote"
    )
    invoice_id: UUID | None = None
    quote_id: str | None = None

    @classmethod
    def scope_of(cls, scope: LinkScope) -> dict[str, object]:
        return {"scope": scope.kind, "invoice_id": scope.invoice_id, "quote_id": scope.quote_id}


class LinkIssuedOut(LinkScopeOut):
    id: UUID
    url: str = Field(description="The customer's link; shown only in this response")
    customer_id: str
    expires_at: datetime


class LinkIssuedRecord(LinkScopeOut):
    """What the idempotency record keeps of an issued link: the token only sealed (see
    `domain.seal_token`), so a replay can answer with the same URL."""

    id: UUID
    customer_id: str
    expires_at: datetime
    sealed_token: str


class StaffOut(BaseModel):
    user_id: str
    name: str


class LinkOut(LinkScopeOut):
    id: UUID
    customer_id: str
    status: LinkState
    created_at: datetime
    expires_at: datetime
    created_by: StaffOut
    revoked_at: datetime | None
    revoked_by: StaffOut | None

    @classmethod
    def of(cls, link: PortalLink, now: datetime) -> Self:
        return cls(
            id=link.id,
            customer_id=link.customer_id,
            status=link.state(now),
            created_at=link.created_at,
            expires_at=link.expires_at,
            created_by=StaffOut(**link.created_by.__dict__),
            revoked_at=link.revoked_at,
            revoked_by=StaffOut(**link.revoked_by.__dict__) if link.revoked_by else None,
            **cls.scope_of(link.scope),
        )


class LinkPageOut(BaseModel):
    items: list[LinkOut]
    limit: int
    offset: int
