"""The accounts of open sessions, kept in this process while it hears every change to them.

Every customer page re-checks its session's link with its account (one query). A page served from
the page cache does nothing else, so that query and its pooled connection were most of its cost.
This process's LISTEN connection (`adapters.live`) hears, at commit, every change to what an
account holds: a row the customer sees (their version), the link itself (a revocation) and the
business (its settings). Each forgets the entries concerned, so a page reads the account again
after any change and never serves one older than the database's last commit it could have heard
of. While the connection is not listening nothing is kept; an entry is also read again after
`ttl_s` whatever happens.
"""

import time
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable
from uuid import UUID

from services.portal.adapters.links import LinkAccount

Scope = tuple[str, str]  # tenant id, customer id


class SessionAccounts:
    def __init__(self, *, entries: int, ttl_s: float) -> None:
        self._entries, self._ttl_s = entries, ttl_s
        self._kept: OrderedDict[UUID, tuple[float, LinkAccount]] = OrderedDict()
        self._by_scope: defaultdict[Scope, set[UUID]] = defaultdict(set)
        # Counts what was forgotten: an account read while anything was is not kept, as the read
        # may have missed that change.
        self._forgotten = 0
        self._listening = False

    async def account(
        self, link_id: UUID, read: Callable[[], Awaitable[LinkAccount | None]]
    ) -> LinkAccount | None:
        kept = self._kept.get(link_id)
        if kept is not None and self._listening and time.monotonic() - kept[0] < self._ttl_s:
            self._kept.move_to_end(link_id)
            return kept[1]
        started, forgotten = time.monotonic(), self._forgotten
        account = await read()
        if account is not None and self._listening and forgotten == self._forgotten:
            self._keep(link_id, started, account)
        return account

    def _keep(self, link_id: UUID, read_at: float, account: LinkAccount) -> None:
        self._drop(link_id)
        self._kept[link_id] = (read_at, account)
        self._by_scope[(account.link.tenant_id, account.link.customer_id)].add(link_id)
        while len(self._kept) > self._entries:
            self._drop(next(iter(self._kept)))

    def _drop(self, link_id: UUID) -> None:
        kept = self._kept.pop(link_id, None)
        if kept is None:
            return
        scope = (kept[1].link.tenant_id, kept[1].link.customer_id)
        links = self._by_scope[scope]
        links.discard(link_id)
        if not links:
            del self._by_scope[scope]

    def forget(self, tenant_id: str, customer_id: str | None) -> None:
        """Something of this customer changed (or of the whole business, with no customer)."""
        self._forgotten += 1
        scopes = (
            [(tenant_id, customer_id)]
            if customer_id is not None
            else [scope for scope in self._by_scope if scope[0] == tenant_id]
        )
        for scope in scopes:
            for link_id in list(self._by_scope.get(scope, ())):
                self._drop(link_id)

    def forget_link(self, link_id: UUID) -> None:
        """This process changed the link (a revocation): not kept here from now on, before any
        notification of it arrives."""
        self._forgotten += 1
        self._drop(link_id)

    def listening(self, now_listening: bool) -> None:
        """Keeps accounts only while every change is heard; what was kept before is dropped."""
        self._forgotten += 1
        self._kept.clear()
        self._by_scope.clear()
        self._listening = now_listening

    def __len__(self) -> int:
        return len(self._kept)
