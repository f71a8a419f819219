from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.portal.adapters.tables import links
from services.portal.domain import LinkScope, LinkScopeKind, PortalLink
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
        self, tenant_id: str, customer_id: str | None, *, limit: int, offset: int
    ) -> list[PortalLink]:
        query = select(links).where(links.c.tenant_id == tenant_id)
        if customer_id is not None:
            query = query.where(links.c.customer_id == customer_id)
        query = query.order_by(links.c.created_at.desc(), links.c.id).limit(limit).offset(offset)
        return [_link(row) for row in await self._conn.execute(query)]
