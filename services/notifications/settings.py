from datetime import timedelta

from pydantic import Field, SecretStr
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
