from datetime import timedelta

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from services.portal.domain.staff import SessionLifetime
from shared.settings import DEV_ONLY_SESSION_SECRET, ServiceSettings, refuse_weak_secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_")

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/mudjam_portal"
    port: int = 8000
    # Signs session cookies and sealed link tokens; the dev default lets `make run` work with no
    # configuration, and production refuses it.
    session_secret: SecretStr = SecretStr(DEV_ONLY_SESSION_SECRET)
    # A session cookie outlives neither its link nor this.
    session_max_age_s: int = 365 * 24 * 3600
    # A staff console session ends after this long unused, and after the absolute limit in any case.
    staff_session_idle_s: int = 30 * 60
    staff_session_absolute_s: int = 12 * 3600
    # HTTP worker processes (`python -m services.portal` runs this many uvicorn workers on the one
    # port); None: one per core. Each has its own LISTEN connection for live pages and its own
    # member of the projection's consumer group.
    workers: int | None = None
    # Rendered customer pages each worker keeps (named by the version of what the customer sees).
    page_cache_entries: int = 1024
    # Session accounts each worker keeps while its LISTEN connection hears every change to them
    # (adapters.accounts); each is read again after the TTL in any case.
    account_cache_entries: int = Field(4096, ge=0)
    account_cache_ttl_s: float = Field(10.0, ge=0)

    @field_validator("workers", mode="before")
    @classmethod
    def _empty_is_one_per_core(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _no_dev_session_secret_in_production(self) -> "Settings":
        if self.environment == "production":
            refuse_weak_secret("PORTAL_SESSION_SECRET", self.session_secret)
            if self.session_secret == self.auth.jwt_secret:
                raise ValueError("PORTAL_SESSION_SECRET must differ from MUDJAM_AUTH_JWT_SECRET")
        return self

    @property
    def staff_session_lifetime(self) -> SessionLifetime:
        return SessionLifetime(
            idle=timedelta(seconds=self.staff_session_idle_s),
            absolute=timedelta(seconds=self.staff_session_absolute_s),
        )

    @property
    def secure_cookies(self) -> bool:
        return self.urls.portal_public_url.startswith("https://")
