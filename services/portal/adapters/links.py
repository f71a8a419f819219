from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.portal.adapters.tables import customer_versions, customers, links, quotes, tenants
from services.portal.domain import (
    Business,
    CustomerProfile,
    LinkScope,
    LinkScopeKind,
    PortalLink,
    Quote,
)
from shared.actors import Actor


def _link(row: Row[Any]) -> PortalLink:
    return PortalLink(
        id=row.id,
        tenant_id=row.tenant_id,
        customer_id=row.customer_id,
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        created_by=Actor(row.created_by_id, row.created_by_name),
        revoked_at=row.revoked_at,
        revoked_by=Actor(row.revoked_by_id, row.revoked_by_name) if row.revoked_by_id else None,
        scope=LinkScope(LinkScopeKind(row.scope), invoice_id=row.invoice_id, quote_id=row.quote_id),
    )


@dataclass(frozen=True)
class LinkAccount:
    """A link with everything a session needs of its account, read in one query: the business, the
    customer, the signed quote a quote link opens, and the version of what the customer sees (the
    customer's change counter and the business's last change), which names a cached page."""

    link: PortalLink
    business: Business | None
    customer: CustomerProfile | None
    quote: Quote | None
    version: str


_ACCOUNT = select(
    links,
    tenants.c.tenant_id.label("t_tenant_id"),
    tenants.c.business_name_en,
    tenants.c.business_name_th,
    tenants.c.phone,
    tenants.c.email,
    tenants.c.promptpay_id,
    tenants.c.default_language,
    tenants.c.timezone,
    tenants.c.as_of.label("business_as_of"),
    customers.c.customer_id.label("c_customer_id"),
    customers.c.name.label("customer_name"),
    customers.c.preferred_language,
    func.coalesce(customer_versions.c.version, 0).label("customer_version"),
    quotes.c.quote_id.label("q_quote_id"),
    quotes.c.number.label("quote_number"),
    quotes.c.customer_id.label("quote_customer_id"),
    quotes.c.job_id.label("quote_job_id"),
    quotes.c.signed_at.label("quote_signed_at"),
).select_from(
    links.outerjoin(tenants, tenants.c.tenant_id == links.c.tenant_id)
    .outerjoin(
        customers,
        and_(customers.c.tenant_id == links.c.tenant_id, customers.c.customer_id == links.c.customer_id),
    )
    .outerjoin(
        customer_versions,
        and_(
            customer_versions.c.tenant_id == links.c.tenant_id,
            customer_versions.c.customer_id == links.c.customer_id,
        ),
    )
    .outerjoin(quotes, and_(quotes.c.tenant_id == links.c.tenant_id, quotes.c.quote_id == links.c.quote_id))
)
# Built once: every page reads its session's account, and a statement built per call has its cache
# key worked out again each time (a tenth of a cached page's CPU).
_ACCOUNT_BY_LINK_ID = _ACCOUNT.where(links.c.id == bindparam("link_id"))
_ACCOUNT_BY_TOKEN_HASH = _ACCOUNT.where(links.c.token_hash == bindparam("token_hash"))


def _account(row: Row[Any]) -> LinkAccount:
    business = None
    if row.t_tenant_id is not None:
        business = Business(
            tenant_id=row.t_tenant_id,
            name_en=row.business_name_en,
            name_th=row.business_name_th,
            phone=row.phone,
            email=row.email,
            promptpay_id=row.promptpay_id,
            default_language=row.default_language,
            timezone=row.timezone,
        )
    customer = None
    if row.c_customer_id is not None:
        customer = CustomerProfile(row.tenant_id, row.customer_id, row.customer_name, row.preferred_language)
    quote = None
    if row.q_quote_id is not None:
        quote = Quote(
            row.q_quote_id, row.quote_number, row.quote_customer_id, row.quote_job_id, row.quote_signed_at
        )
    business_as_of = row.business_as_of.timestamp() if row.business_as_of is not None else 0
    return LinkAccount(_link(row), business, customer, quote, f"{row.customer_version}-{business_as_of}")


class LinkRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, link: PortalLink) -> None:
        await self._conn.execute(
            links.insert().values(
                id=link.id,
                tenant_id=link.tenant_id,
                customer_id=link.customer_id,
                token_hash=link.token_hash,
                created_at=link.created_at,
                expires_at=link.expires_at,
                created_by_id=link.created_by.user_id,
                created_by_name=link.created_by.name,
                scope=link.scope.kind.value,
                invoice_id=link.scope.invoice_id,
                quote_id=link.scope.quote_id,
            )
        )

    async def get(
        self, link_id: UUID, *, tenant_id: str | None = None, for_update: bool = False
    ) -> PortalLink | None:
        query = select(links).where(links.c.id == link_id)
        if tenant_id is not None:
            query = query.where(links.c.tenant_id == tenant_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return _link(row) if row else None

    async def account(
        self, *, link_id: UUID | None = None, token_hash: str | None = None
    ) -> LinkAccount | None:
        """The link (by id or by its token's hash) with its account, in one query."""
        if link_id is not None:
            result = await self._conn.execute(_ACCOUNT_BY_LINK_ID, {"link_id": link_id})
        else:
            result = await self._conn.execute(_ACCOUNT_BY_TOKEN_HASH, {"token_hash": token_hash})
        row = result.first()
        return _account(row) if row else None

    async def by_token_hash(self, token_hash: str) -> PortalLink | None:
        row = (await self._conn.execute(select(links).where(links.c.token_hash == token_hash))).first()
        return _link(row) if row else None

    async def save_revocation(self, link: PortalLink) -> None:
        assert link.revoked_by is not None
        await self._conn.execute(
            links.update()
            .where(links.c.id == link.id)
            .values(
                revoked_at=link.revoked_at,
                revoked_by_id=link.revoked_by.user_id,
                revoked_by_name=link.revoked_by.name,
            )
        )

    async def search(
        self,
        tenant_id: str,
        customer_id: str | None,
        *,
        branches: frozenset[str] | None,
        limit: int,
        offset: int,
    ) -> list[PortalLink]:
        """Links of the tenant (of one customer), of customers of these home branches only unless
        `branches` is None (every branch)."""
        query = select(links).where(links.c.tenant_id == tenant_id)
        if customer_id is not None:
            query = query.where(links.c.customer_id == customer_id)
        if branches is not None:
            query = query.where(
                select(customers.c.customer_id)
                .where(
                    customers.c.tenant_id == links.c.tenant_id,
                    customers.c.customer_id == links.c.customer_id,
                    customers.c.branch_id.in_(sorted(branches)),
                )
                .exists()
            )
        query = query.order_by(links.c.created_at.desc(), links.c.id).limit(limit).offset(offset)
        return [_link(row) for row in await self._conn.execute(query)]
