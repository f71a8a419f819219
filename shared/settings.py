"""Settings every service shares. Each service subclasses `ServiceSettings` with its own env prefix;
Kafka and auth settings are common to all services and read from `MUDJAM_KAFKA_*` / `MUDJAM_AUTH_*`."""

from datetime import timedelta
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Dev-only signing secret, so `make run` works with no configuration. Production refuses it.
DEV_ONLY_JWT_SECRET = "dev-only-insecure-jwt-secret-do-not-use-in-production"
DEV_ONLY_SESSION_SECRET = "dev-only-insecure-portal-session-secret-do-not-use-in-production"

# A secret an HS256 key is made of needs at least this many bytes (RFC 7518 §3.2: the hash's size).
MIN_SECRET_BYTES = 32
# Secrets anyone can read in this repository (deploy/env.example, the dev defaults); production refuses
# each of them however long it is. A unit test keeps this list equal to deploy/env.example's values.
PUBLISHED_SECRETS = frozenset(
    {
        DEV_ONLY_JWT_SECRET,
        DEV_ONLY_SESSION_SECRET,
        "change-me-to-a-long-random-string",
        "change-me-to-another-long-random-string",
        "change-me",
    }
)


def refuse_weak_secret(setting: str, secret: SecretStr) -> None:
    """Production's rule for a signing secret: ValueError naming the setting when it is published in
    this repository or shorter than MIN_SECRET_BYTES."""
    value = secret.get_secret_value()
    if value in PUBLISHED_SECRETS:
        raise ValueError(
            f"{setting} is an example or dev value from the repository: set a secret of your own"
        )
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise ValueError(
            f"{setting} is too short: at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)"
        )


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUDJAM_KAFKA_")

    bootstrap_servers: str = "127.0.0.1:9092"
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 3_000
    replication_factor: int = 1
    # How long a consumer's fetch waits at the broker for data, and how much it waits for. Kafka
    # answers a waiting fetch as soon as `fetch_min_bytes` arrive, so there the wait costs nothing:
    # set MUDJAM_KAFKA_FETCH_MAX_WAIT_MS=500 (Kafka's default; fewer idle fetches). The embedded
    # tansu broker answers only when the wait is over, so every hop between services costs up to
    # this wait: 50 ms halves a hop of the 500 ms default without burning the broker's CPU (10 ms
    # does burn it).
    fetch_max_wait_ms: int = Field(50, ge=0, le=60_000)
    fetch_min_bytes: int = Field(1, ge=1)
    # Bounded retries with backoff before a message goes to the dead-letter topic.
    max_attempts: int = 5
    retry_initial_delay_s: float = 0.2
    retry_max_delay_s: float = 5.0


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUDJAM_AUTH_")

    jwt_secret: SecretStr = SecretStr(DEV_ONLY_JWT_SECRET)
    jwt_issuer: str = "mudjam"
    token_ttl_s: int = 12 * 3600
    # A bearer token is refused when it was issued for longer than this (or carries no issue time),
    # so a leaked or hand-made token cannot stay valid for a year.
    max_token_lifetime_s: int = Field(24 * 3600, gt=0)


class ServiceUrls(BaseSettings):
    """Where services reach each other over HTTP, and the portal's public address for links."""

    model_config = SettingsConfigDict(env_prefix="MUDJAM_")

    deposits_url: str = "http://127.0.0.1:8001"
    billing_url: str = "http://127.0.0.1:8002"
    documents_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"
    portal_url: str = "http://127.0.0.1:8000"  # its API, for services (notifications' invoice links)
    portal_public_url: str = "http://localhost:8000"


class ServiceSettings(BaseSettings):
    environment: Literal["dev", "production"] = Field("dev", validation_alias="MUDJAM_ENVIRONMENT")
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    database_pool_size: int = 10
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = Field("INFO", validation_alias="MUDJAM_LOG_LEVEL")
    # Dev and tests only: moves every service's clock, e.g. to see invoices fall overdue.
    clock_offset: timedelta = Field(timedelta(0), validation_alias="MUDJAM_CLOCK_OFFSET")
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    urls: ServiceUrls = Field(default_factory=ServiceUrls)

    @model_validator(mode="after")
    def _no_dev_secret_in_production(self) -> "ServiceSettings":
        if self.environment == "production":
            refuse_weak_secret("MUDJAM_AUTH_JWT_SECRET", self.auth.jwt_secret)
        if self.environment == "production" and self.clock_offset:
            raise ValueError("MUDJAM_CLOCK_OFFSET is for dev and tests only")
        return self
