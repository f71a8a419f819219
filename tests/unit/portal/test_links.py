"""Portal links: the link is the credential, kept only as a hash, valid for a bounded time."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.portal.domain import (
    LinkState,
    LinkValidityInvalid,
    PortalLink,
    hash_token,
    link_expiry,
    seal_token,
    unseal_token,
)
from shared.actors import Actor

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
STAFF = Actor("staff-1", "Nok Staff")
TOKEN = "Zq3x9-Ei2bWl1c0HqD4nT0mB8r2JfX7pY5sKvA6uLgE"


def _link(**overrides: object) -> PortalLink:
    fields: dict[str, object] = {
        "id": uuid4(),
        "tenant_id": "t-1",
        "customer_id": "c-1",
        "token_hash": hash_token(TOKEN),
        "created_at": NOW,
        "expires_at": NOW + timedelta(days=30),
        "created_by": STAFF,
    }
    return PortalLink(**{**fields, **overrides})  # type: ignore[arg-type]


def test_a_token_is_stored_as_its_sha256_hash() -> None:
    digest = hash_token(TOKEN)

    assert len(digest) == 64
    assert TOKEN not in digest
    assert digest == hash_token(TOKEN)
    assert digest != hash_token(TOKEN[:-1] + "F")


def test_a_link_lasts_30_days_by_default_and_between_1_and_365() -> None:
    assert link_expiry(NOW, 30) == NOW + timedelta(days=30)
    assert link_expiry(NOW, 1) == NOW + timedelta(days=1)
    assert link_expiry(NOW, 365) == NOW + timedelta(days=365)


@pytest.mark.parametrize("days", [0, -1, 366, 10_000])
def test_a_validity_outside_1_to_365_days_is_refused_naming_the_field(days: int) -> None:
    with pytest.raises(LinkValidityInvalid) as refused:
        link_expiry(NOW, days)

    assert refused.value.field == "expires_in_days"


def test_a_link_works_until_it_expires() -> None:
    link = _link()

    assert link.state(NOW) is LinkState.ACTIVE
    assert link.state(link.expires_at - timedelta(seconds=1)) is LinkState.ACTIVE
    assert link.state(link.expires_at) is LinkState.EXPIRED


def test_a_revoked_link_stops_working_at_once_and_revoking_again_changes_nothing() -> None:
    link = _link()

    assert link.revoke(at=NOW + timedelta(hours=1), by=STAFF) is not None
    assert link.state(NOW + timedelta(hours=1)) is LinkState.REVOKED
    assert link.revoke(at=NOW + timedelta(hours=2), by=Actor("staff-2", "Other")) is None
    assert link.revoked_at == NOW + timedelta(hours=1)
    assert link.revoked_by == STAFF


def test_a_sealed_token_is_unreadable_without_the_secret_and_opens_with_it() -> None:
    link_id = uuid4()
    sealed = seal_token(TOKEN, secret=b"server-secret", link_id=link_id)

    assert sealed != TOKEN
    assert unseal_token(sealed, secret=b"server-secret", link_id=link_id) == TOKEN
    assert unseal_token(sealed, secret=b"another-secret", link_id=link_id) != TOKEN
    assert seal_token(TOKEN, secret=b"server-secret", link_id=uuid4()) != sealed
