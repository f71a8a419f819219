from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BILLING_")

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/mudjam_billing"
    port: int = 8002
    overdue_check_interval_s: float = 60.0
