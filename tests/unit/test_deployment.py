"""docker-compose.yml, checked without a Docker engine: every service gets a configuration it accepts
in production and every setting it needs, Kafka keeps its data on a volume, every service has a
health check and starts after what it depends on is healthy, each service has a database role of
its own, and the mail catcher is a dev overlay only on 127.0.0.1."""

import importlib
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

from mudjam.stack import SERVICES
from shared.settings import DEV_ONLY_JWT_SECRET, DEV_ONLY_SESSION_SECRET

ROOT = Path(__file__).parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DEV_OVERLAY = yaml.safe_load((ROOT / "deploy" / "compose.dev.yml").read_text())
PORTS = {"portal": 8000, "deposits": 8001, "billing": 8002, "documents": 8003, "notifications": 8004}
DOTENV = {
    "MUDJAM_AUTH_JWT_SECRET": "3f6c1d9a0b7e4c2f8a5d6e1b9c0a7f3e",
    "PORTAL_SESSION_SECRET": "b84e2c7a1f0d9e3b6c5a4f2e1d0c9b8a",
    "MUDJAM_PORTAL_PUBLIC_URL": "https://portal.siam-rentals.co.th",
    "POSTGRES_PASSWORD": "pw-superuser",
    **{f"{service.upper()}_DB_PASSWORD": f"pw-{service}" for service in SERVICES},
    "NOTIFICATIONS_SMTP_HOST": "smtp.siam-rentals.co.th",
    "NOTIFICATIONS_SMTP_FROM": "billing@siam-rentals.co.th",
    "DOCUMENTS_S3_ACCESS_KEY_ID": "mudjam-documents",
    "DOCUMENTS_S3_SECRET_ACCESS_KEY": "9d1e4b7c2a0f5e8d3c6b1a4f7e0d2c5b",
}


def interpolate(value: str, dotenv: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`."""

    def variable(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(3) or ""
        if dotenv.get(name):
            return dotenv[name]
        if match.group(2) == ":?":
            raise ValueError(f"compose refuses to start without {name}")
        return default

    return re.sub(r"\$\{([A-Z_]+)(?:(:[-?])([^}]*))?\}", variable, value)


def service_environment(service: str, dotenv: dict[str, str] = DOTENV) -> dict[str, str]:
    return {k: interpolate(str(v), dotenv) for k, v in COMPOSE["services"][service]["environment"].items()}


def _settings_class(service: str) -> type[BaseSettings]:
    return importlib.import_module(f"services.{service}.settings").Settings  # type: ignore[no-any-return]


def _env_names(settings: type[BaseSettings]) -> dict[str, Any]:
    """Every environment variable a settings class reads, with its default."""
    prefix = settings.model_config.get("env_prefix", "")
    names: dict[str, Any] = {}
    for name, field in settings.model_fields.items():
        nested = field.default_factory
        if isinstance(nested, type) and issubclass(nested, BaseSettings):
            names |= _env_names(nested)
            continue
        alias = field.validation_alias
        names[alias if isinstance(alias, str) else f"{prefix}{name}".upper()] = field.default
    return names


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    def apply(service: str) -> BaseSettings:
        for name in list(os.environ):
            if name.startswith(("MUDJAM_", f"{service.upper()}_")):
                monkeypatch.delenv(name)
        for name, value in service_environment(service).items():
            monkeypatch.setenv(name, value)
        return _settings_class(service)()

    return apply


@pytest.mark.parametrize("service", SERVICES)
def test_compose_configures_each_service_for_production(service: str, production_env: Any) -> None:
    settings = production_env(service)

    assert settings.environment == "production"
    assert settings.host == "0.0.0.0"
    assert settings.port == PORTS[service]
    assert settings.kafka.bootstrap_servers == "kafka:9092"


@pytest.mark.parametrize("service", SERVICES)
def test_every_variable_compose_sets_is_one_the_service_reads(service: str) -> None:
    reads = _env_names(_settings_class(service))
    assert set(service_environment(service)) - set(reads) == set()


@pytest.mark.parametrize("service", SERVICES)
def test_compose_sets_every_setting_whose_default_only_suits_a_dev_machine(service: str) -> None:
    dev_only = {
        name
        for name, default in _env_names(_settings_class(service)).items()
        if any(marker in str(default) for marker in ("127.0.0.1", "localhost", DEV_ONLY_JWT_SECRET))
        or DEV_ONLY_SESSION_SECRET in str(default)
    }
    assert dev_only - set(service_environment(service)) == set()


@pytest.mark.parametrize(
    "secret", ["MUDJAM_AUTH_JWT_SECRET", "MUDJAM_PORTAL_PUBLIC_URL", "DEPOSITS_DB_PASSWORD"]
)
def test_compose_refuses_to_start_without_what_has_no_safe_default(secret: str) -> None:
    with pytest.raises(ValueError, match=secret):
        service_environment("deposits", {k: v for k, v in DOTENV.items() if k != secret})


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_connects_as_its_own_database_role_with_its_own_password(service: str) -> None:
    url = service_environment(service)[f"{service.upper()}_DATABASE_URL"]
    assert f"://mudjam_{service}:pw-{service}@postgres:5432/mudjam_{service}" in url
    postgres = COMPOSE["services"]["postgres"]
    assert f"{service.upper()}_DB_PASSWORD" in postgres["environment"]
    assert any("init-databases.sh:/docker-entrypoint-initdb.d/" in volume for volume in postgres["volumes"])


def test_kafka_keeps_its_log_on_the_volume_under_a_fixed_cluster_id() -> None:
    kafka = COMPOSE["services"]["kafka"]
    mounts = dict(volume.split(":", 1) for volume in kafka["volumes"])
    assert mounts["kafka-data"] == kafka["environment"]["KAFKA_LOG_DIRS"]
    assert "kafka-data" in COMPOSE["volumes"]
    assert interpolate(kafka["environment"]["CLUSTER_ID"], {})


def test_kafka_has_a_listener_for_the_host_on_loopback_only() -> None:
    kafka = COMPOSE["services"]["kafka"]["environment"]
    assert "HOST://:29092" in kafka["KAFKA_LISTENERS"]
    assert "HOST://127.0.0.1:29092" in interpolate(kafka["KAFKA_ADVERTISED_LISTENERS"], {})
    assert "HOST:PLAINTEXT" in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
    assert COMPOSE["services"]["kafka"]["ports"] == ["127.0.0.1:29092:29092"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_a_health_check_on_its_own_healthz(service: str) -> None:
    check = COMPOSE["services"][service]["healthcheck"]
    assert f"http://127.0.0.1:{PORTS[service]}/healthz" in " ".join(check["test"])
    assert check["retries"] >= 3


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_starts_once_what_it_depends_on_is_healthy(service: str) -> None:
    depends = COMPOSE["services"][service]["depends_on"]
    assert {"postgres", "kafka"} <= set(depends)
    assert all(condition == {"condition": "service_healthy"} for condition in depends.values())
    assert all("healthcheck" in COMPOSE["services"][name] for name in depends)


def test_the_services_that_call_documents_start_after_it() -> None:
    for caller in ("portal", "notifications"):
        assert "documents" in COMPOSE["services"][caller]["depends_on"]
    assert "portal" in COMPOSE["services"]["notifications"]["depends_on"]


def test_the_mail_catcher_is_a_dev_overlay_on_loopback_only() -> None:
    assert "mail" not in COMPOSE["services"]
    assert DEV_OVERLAY["services"]["mail"]["ports"] == ["127.0.0.1:8025:8025"]
    assert DEV_OVERLAY["services"]["notifications"]["environment"]["NOTIFICATIONS_SMTP_HOST"] == "mail"
    with pytest.raises(ValueError, match="NOTIFICATIONS_SMTP_HOST"):
        service_environment(
            "notifications", {k: v for k, v in DOTENV.items() if k != "NOTIFICATIONS_SMTP_HOST"}
        )


def test_documents_can_scale_it_has_no_host_port() -> None:
    assert "ports" not in COMPOSE["services"]["documents"]
