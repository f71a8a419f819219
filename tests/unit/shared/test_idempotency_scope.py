"""Whose command an Idempotency-Key names: one user's, on one method and path."""

from shared.db.stores import IdempotentRequest


def _request(user_id: str = "u-1", target: str = "POST /v1/deposits/d-1/returns", key: str = "k-1") -> str:
    return IdempotentRequest.by(tenant_id="t-1", user_id=user_id, target=target, key=key, fingerprint="f").key


def test_the_same_key_on_the_same_resource_by_the_same_user_is_the_same_command() -> None:
    assert _request() == _request()


def test_the_same_key_from_another_user_or_on_another_resource_is_another_command() -> None:
    assert _request(user_id="u-2") != _request()
    assert _request(target="POST /v1/deposits/d-2/returns") != _request()
    assert _request(target="DELETE /v1/deposits/d-1/returns") != _request()
