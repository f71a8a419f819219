from datetime import timedelta

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_")

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/mudjam_notifications"
    port: int = 8004
    # Dev default: the local mail sink (`mudjam dev up`); production sets a real relay.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_from: str = "no-reply@mudjam.local"
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_s: float = 30.0
    # The right-hand side of every Message-ID, which is derived from the notice id (kept short so
    # the header is never folded).
    message_id_domain: str = "mudjam.local"
    send_poll_interval_s: float = 1.0
    send_max_attempts: int = Field(6, ge=1, le=50)
    send_first_retry: timedelta = timedelta(seconds=30)
    send_max_retry: timedelta = timedelta(hours=1)
    documents_timeout_s: float = 30.0
    portal_timeout_s: float = 30.0
    # Webhooks: each attempt's timeout, and the backoff between attempts (doubling to the ceiling).
    webhook_timeout_s: float = Field(5.0, gt=0, le=60)
    webhook_poll_interval_s: float = 1.0
    # Senders working at once (each holds a database connection while it waits for an endpoint),
    # so one slow endpoint does not hold up every other tenant's deliveries.
    webhook_senders: int = Field(4, ge=1, le=16)
    webhook_max_attempts: int = Field(8, ge=1, le=50)
    webhook_first_retry: timedelta = timedelta(seconds=10)
    webhook_max_retry: timedelta = timedelta(hours=1)
    # Dev and tests only: endpoints on private, loopback and link-local addresses (a receiver on
    # 127.0.0.1). Production refuses it, and plain http.
    webhook_allow_private_addresses: bool = False

    @model_validator(mode="after")
    def _no_private_webhooks_in_production(self) -> "Settings":
        if self.environment == "production" and self.webhook_allow_private_addresses:
            raise ValueError("NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES is for dev and tests only")
        return self
