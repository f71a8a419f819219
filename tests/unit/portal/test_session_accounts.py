"""A portal process keeps its sessions' accounts only while it hears every change to them: a page
never opens on an account older than a change the process was told of (a revocation above all)."""

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from services.portal.adapters.accounts import SessionAccounts
from services.portal.adapters.links import LinkAccount
from services.portal.domain import PortalLink, hash_token
from shared.actors import Actor

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def _account(tenant_id: str = "t-1", customer_id: str = "c-1", version: str = "1-0") -> LinkAccount:
    link = PortalLink(
        id=uuid4(),
        tenant_id=tenant_id,
        customer_id=customer_id,
        token_hash=hash_token(uuid4().hex),
        created_at=NOW,
        expires_at=NOW + timedelta(days=30),
        created_by=Actor("staff-1", "Nok Staff"),
    )
    return LinkAccount(link, None, None, None, version)


class Database:
    """What the page would read: the account as the database holds it now, counting the reads."""

    def __init__(self, *accounts: LinkAccount) -> None:
        self.rows = {account.link.id: account for account in accounts}
        self.reads = 0

    def reader(self, link_id: UUID):  # type: ignore[no-untyped-def]
        async def read() -> LinkAccount | None:
            self.reads += 1
            return self.rows.get(link_id)

        return read


def _listening(entries: int = 100, ttl_s: float = 60) -> SessionAccounts:
    accounts = SessionAccounts(entries=entries, ttl_s=ttl_s)
    accounts.listening(True)
    return accounts


async def test_pages_of_an_unchanged_account_read_it_once() -> None:
    account = _account()
    database, accounts = Database(account), _listening()

    for _ in range(3):
        assert await accounts.account(account.link.id, database.reader(account.link.id)) == account

    assert database.reads == 1


async def test_a_change_to_the_customer_is_read_on_the_next_page_and_others_stay_kept() -> None:
    ours, theirs = _account(customer_id="c-1"), _account(customer_id="c-2")
    database, accounts = Database(ours, theirs), _listening()
    for account in (ours, theirs):
        await accounts.account(account.link.id, database.reader(account.link.id))

    changed = LinkAccount(ours.link, None, None, None, "2-0")  # a receipt arrived, say
    database.rows[ours.link.id] = changed
    accounts.forget("t-1", "c-1")

    assert await accounts.account(ours.link.id, database.reader(ours.link.id)) == changed
    assert await accounts.account(theirs.link.id, database.reader(theirs.link.id)) == theirs
    assert database.reads == 3


async def test_a_change_to_the_business_is_read_again_by_all_its_customers_only() -> None:
    first, second, elsewhere = _account("t-1", "c-1"), _account("t-1", "c-2"), _account("t-2", "c-1")
    database, accounts = Database(first, second, elsewhere), _listening()
    for account in (first, second, elsewhere):
        await accounts.account(account.link.id, database.reader(account.link.id))

    accounts.forget("t-1", None)
    for account in (first, second, elsewhere):
        await accounts.account(account.link.id, database.reader(account.link.id))

    assert database.reads == 3 + 2


async def test_an_account_read_while_a_change_arrived_is_not_kept() -> None:
    account = _account()
    accounts = _listening()
    reads = 0

    async def read_racing_a_change() -> LinkAccount:
        nonlocal reads
        reads += 1
        await asyncio.sleep(0)
        accounts.forget("t-1", "c-1")  # committed while this read was on its way
        return account

    await accounts.account(account.link.id, read_racing_a_change)
    await accounts.account(account.link.id, read_racing_a_change)

    assert reads == 2


async def test_nothing_is_kept_while_changes_could_go_unheard() -> None:
    account = _account()
    database, accounts = Database(account), SessionAccounts(entries=100, ttl_s=60)

    await accounts.account(account.link.id, database.reader(account.link.id))  # not listening yet
    accounts.listening(True)
    await accounts.account(account.link.id, database.reader(account.link.id))
    accounts.listening(False)  # the LISTEN connection was lost: what was kept may be stale
    await accounts.account(account.link.id, database.reader(account.link.id))

    assert database.reads == 3
    assert len(accounts) == 0


async def test_a_link_this_process_revoked_is_read_again_at_once() -> None:
    account = _account()
    database, accounts = Database(account), _listening()
    await accounts.account(account.link.id, database.reader(account.link.id))

    accounts.forget_link(account.link.id)
    await accounts.account(account.link.id, database.reader(account.link.id))

    assert database.reads == 2


async def test_an_account_is_read_again_after_its_time_and_the_oldest_go_first() -> None:
    account = _account()
    database, accounts = Database(account), _listening(ttl_s=0)
    await accounts.account(account.link.id, database.reader(account.link.id))
    await accounts.account(account.link.id, database.reader(account.link.id))
    assert database.reads == 2

    many = [_account(customer_id=f"c-{n}") for n in range(5)]
    database, accounts = Database(*many), _listening(entries=3)
    for kept in many:
        await accounts.account(kept.link.id, database.reader(kept.link.id))
    assert len(accounts) == 3
    await accounts.account(many[0].link.id, database.reader(many[0].link.id))
    assert database.reads == 6
