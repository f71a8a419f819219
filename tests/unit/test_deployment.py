"""docker-compose.yml gives every service a configuration it accepts in production (no Docker
engine is needed to check that)."""

import importlib
import os
import re
from pathlib import Path

import pytest
import yaml

from mudjam.stack import SERVICES

COMPOSE = yaml.safe_load((Path(__file__).parents[2] / "docker-compose.yml").read_text())
DOTENV = {
    "MUDJAM_AUTH_JWT_SECRET": "3f6c1d9a0b7e4c2f8a5d6e1b9c0a7f3e",
    "POSTGRES_PASSWORD": "pw",
    "PORTAL_SESSION_SECRET": "b84e2c7a1f0d9e3b6c5a4f2e1d0c9b8a",
}


def _interpolate(value: str, dotenv: dict[str, str]) -> str:
    def variable(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(3) or ""
        if name in dotenv:
            return dotenv[name]
        if match.group(2) == ":?":
            raise ValueError(f"compose refuses to start without {name}")
        return default

    return re.sub(r"\$\{([A-Z_]+)(?:(:[-?])([^}]*))?\}", variable, value)


@pytest.mark.parametrize("service", SERVICES)
def test_compose_configures_each_service_for_production(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = {
        k: _interpolate(str(v), DOTENV) for k, v in COMPOSE["services"][service]["environment"].items()
    }
    for name in list(os.environ):
        if name.startswith(("MUDJAM_", f"{service.upper()}_")):
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = importlib.import_module(f"services.{service}.settings").Settings()

    assert settings.environment == "production"
    assert settings.host == "0.0.0.0"
    assert f"@postgres:5432/mudjam_{service}" in settings.database_url
    assert settings.kafka.bootstrap_servers == "kafka:9092"


def test_compose_refuses_to_start_without_the_secrets() -> None:
    deposits = COMPOSE["services"]["deposits"]["environment"]
    with pytest.raises(ValueError, match="MUDJAM_AUTH_JWT_SECRET"):
        _interpolate(deposits["MUDJAM_AUTH_JWT_SECRET"], {})


def test_documents_can_scale_it_has_no_host_port_and_shares_its_storage() -> None:
    documents = COMPOSE["services"]["documents"]
    assert "ports" not in documents
    assert documents["volumes"] == ["documents-data:/data/documents"]
