"""Live pages: one LISTEN connection per portal process hears that a customer's read model changed
(the `portal_customer_changed` trigger notifies at commit, with the tenant and the customer) and
wakes that customer's open pages. Nothing polls. The same notifications (and the business's, with
no customer) keep the process's session accounts (`adapters.accounts`) current."""

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.portal.adapters.accounts import SessionAccounts
from services.portal.domain import CustomerScope

log = logging.getLogger(__name__)
CHANNEL = "portal_customer_changed"
_KEEPALIVE_S = 30.0
_RETRY_S = 1.0


class Changes:
    """One open page's stream of "something changed": changes while the page is busy fold into one."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        self._changed.set()

    @property
    def pending(self) -> bool:
        return self._changed.is_set()

    async def next(self) -> None:
        await self._changed.wait()
        self._changed.clear()

    def fold(self) -> None:
        """What changed since `next` returned goes with the refetch about to be asked for."""
        self._changed.clear()


class LiveUpdates:
    def __init__(self, engine: AsyncEngine, accounts: SessionAccounts) -> None:
        self._engine = engine
        self.accounts = accounts
        self._open: defaultdict[CustomerScope, set[Changes]] = defaultdict(set)
        self.listening = asyncio.Event()

    @asynccontextmanager
    async def subscribe(self, scope: CustomerScope) -> AsyncIterator[Changes]:
        changes = Changes()
        self._open[scope].add(changes)
        try:
            yield changes
        finally:
            self._open[scope].discard(changes)
            if not self._open[scope]:
                del self._open[scope]

    def changed(self, scope: CustomerScope) -> None:
        for changes in self._open.get(scope, ()):
            changes.notify()

    def _on_notify(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            data = json.loads(payload)
            tenant_id, customer_id = str(data["tenant_id"]), data["customer_id"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed %s notification", CHANNEL)
            return
        if customer_id is None:  # the business itself changed
            self.accounts.forget(tenant_id, None)
            return
        self.accounts.forget(tenant_id, str(customer_id))
        self.changed(CustomerScope(tenant_id, str(customer_id)))

    async def run(self) -> None:
        """Listens for as long as the process lives, reconnecting after a lost connection."""
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live updates lost their connection; reconnecting")
                await asyncio.sleep(_RETRY_S)

    async def _listen(self) -> None:
        async with self._engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            try:
                raw = (await conn.get_raw_connection()).driver_connection
                assert raw is not None
                await raw.add_listener(CHANNEL, self._on_notify)
                self.accounts.listening(True)
                # Whatever changed while no connection listened: every open page looks again.
                for streams in list(self._open.values()):
                    for changes in streams:
                        changes.notify()
                self.listening.set()
                while True:
                    await asyncio.sleep(_KEEPALIVE_S)
                    await conn.scalar(select(1))  # fails fast when the database went away
            finally:
                self.listening.clear()
                self.accounts.listening(False)
                # Closed rather than pooled, so the LISTEN ends with it.
                with contextlib.suppress(Exception):
                    await conn.invalidate()
