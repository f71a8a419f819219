import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# A pooled connection idle longer than this is pinged before it is handed out. SQLAlchemy's
# pool_pre_ping pings at every checkout: with asyncpg that is three round trips (BEGIN, a query,
# ROLLBACK), as many as a cached portal page's own work. A connection in steady use is trusted; if
# the database restarted under it, the one statement that finds out fails and SQLAlchemy discards
# the whole pool, so later requests get new connections.
PING_AFTER_IDLE_S = 5.0


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size)
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: AsyncEngine) -> None:
    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def idle_from_now(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new (just connected), or in steady use
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and checks out another (a new one if need be).
            raise exc.DisconnectionError(f"connection idle {PING_AFTER_IDLE_S:g}+ s is gone") from error
