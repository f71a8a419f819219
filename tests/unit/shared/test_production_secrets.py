"""Production refuses the secrets anyone can read in this repository and secrets too short to sign
with, and names the setting; a bearer token issued for longer than the limit is refused."""

import importlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.auth import InvalidToken, issue_token, verify_token
from shared.settings import MIN_SECRET_BYTES, PUBLISHED_SECRETS

ROOT = Path(__file__).parents[3]
SERVICES = ("deposits", "billing", "documents", "notifications", "portal")
STRONG = "9d2f4b7c1e8a6d3f0b5c2e9a7d4f1b8c"
OTHER_STRONG = "1b8c4f7e2a9d6b3c0e5f8a1d4b7c2e9f"
NOW = datetime.now(UTC)


def _example_values() -> set[str]:
    lines = (ROOT / "deploy" / "env.example").read_text().splitlines()
    pairs = (line.lstrip("# ").split("=", 1) for line in lines if "=" in line)
    return {value for name, value in pairs if ("SECRET" in name or "PASSWORD" in name) and value}


def _production(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name in list(os.environ):
        if name.startswith(("MUDJAM_", "PORTAL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MUDJAM_ENVIRONMENT", "production")
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def _settings(service: str) -> object:
    return importlib.import_module(f"services.{service}.settings").Settings()


def test_every_secret_the_example_file_publishes_is_refused_in_production() -> None:
    assert _example_values() <= PUBLISHED_SECRETS


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("published", sorted(PUBLISHED_SECRETS))
def test_a_published_jwt_secret_is_refused_by_every_service(
    service: str, published: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _production(monkeypatch, MUDJAM_AUTH_JWT_SECRET=published, PORTAL_SESSION_SECRET=OTHER_STRONG)
    with pytest.raises(ValueError, match="MUDJAM_AUTH_JWT_SECRET is an example"):
        _settings(service)


@pytest.mark.parametrize("service", SERVICES)
def test_a_short_jwt_secret_is_refused_by_every_service(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _production(
        monkeypatch, MUDJAM_AUTH_JWT_SECRET="x" * (MIN_SECRET_BYTES - 1), PORTAL_SESSION_SECRET=OTHER_STRONG
    )
    with pytest.raises(ValueError, match="MUDJAM_AUTH_JWT_SECRET is too short"):
        _settings(service)


@pytest.mark.parametrize("session_secret", ["a", "change-me-to-another-long-random-string", STRONG])
def test_the_portal_refuses_a_weak_or_reused_session_secret(
    session_secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _production(monkeypatch, MUDJAM_AUTH_JWT_SECRET=STRONG, PORTAL_SESSION_SECRET=session_secret)
    with pytest.raises(ValueError, match="PORTAL_SESSION_SECRET"):
        _settings("portal")


@pytest.mark.parametrize("service", SERVICES)
def test_strong_secrets_of_your_own_are_accepted(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch, MUDJAM_AUTH_JWT_SECRET=STRONG, PORTAL_SESSION_SECRET=OTHER_STRONG)
    assert _settings(service).environment == "production"  # type: ignore[attr-defined]


@pytest.mark.parametrize("service", ["deposits", "portal"])
def test_a_production_start_with_the_example_secret_exits_at_once_naming_the_setting(service: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUDJAM_", service.upper() + "_"))}
    env |= {"MUDJAM_ENVIRONMENT": "production", "MUDJAM_AUTH_JWT_SECRET": "change-me-to-a-long-random-string"}
    started = subprocess.run(
        [sys.executable, "-m", f"services.{service}", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert f"mudjam {service}: refusing to start: MUDJAM_AUTH_JWT_SECRET is an example" in started.stderr
    assert "Traceback" not in started.stderr
    assert "change-me-to-a-long-random-string" not in started.stderr


def _token(ttl: timedelta) -> str:
    return issue_token(
        STRONG,
        user_id="u1",
        name="Somchai",
        tenant_id="t1",
        branches=["bkk"],
        roles=["manager"],
        now=NOW,
        ttl=ttl,
    )


def test_a_token_issued_for_a_year_is_refused_even_with_the_right_signature() -> None:
    with pytest.raises(InvalidToken, match="longer than"):
        verify_token(STRONG, _token(timedelta(days=365)))


def test_a_token_within_the_lifetime_limit_is_accepted() -> None:
    assert verify_token(STRONG, _token(timedelta(hours=12)), max_lifetime=timedelta(hours=12)).user_id == "u1"


def test_a_token_without_an_issue_time_is_refused() -> None:
    import jwt

    token = jwt.encode(
        {"sub": "u1", "tenant": "t1", "iss": "mudjam", "exp": 4102444800}, STRONG, algorithm="HS256"
    )
    with pytest.raises(InvalidToken, match="iat"):
        verify_token(STRONG, token)
