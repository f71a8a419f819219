from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, refuse_weak_secret


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DOCUMENTS_")

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/mudjam_documents"
    port: int = 8003
    storage_dir: Path = Path(".run/documents")
    # Where PDFs, signed uploads and page images are kept: `local` (storage_dir; one host, or a
    # volume every replica mounts) or `s3` (one bucket every host shares; storage_dir then keeps
    # only temporary files).
    storage: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_prefix: str = ""
    # None: AWS S3 itself; MinIO or another S3-compatible server: its URL.
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None
    # Concurrent requests to the bucket (render workers, downloads and zips share the pool).
    s3_max_connections: int = Field(20, ge=1, le=500)
    # Rendering is CPU-bound: each process renders one document at a time, off the event loop.
    render_processes: int = Field(1, ge=1, le=64)
    # With more than one render process, this many of their workers render only what a customer
    # waits for (a new document or version in the customer's language), never a second language,
    # so such a document never waits for a second-language render in progress.
    render_workers_for_customers: int = Field(1, ge=0, le=64)
    # What no customer waits for (a second language, a re-render) renders in processes this much
    # nicer (lower CPU priority), so it yields the host to the rest; 0 renders it like the others.
    render_background_nice: int = Field(10, ge=0, le=19)
    # A render process is replaced after this many documents, so a leak cannot grow without bound.
    render_max_tasks_per_child: int = Field(200, ge=1)
    render_timeout_s: float = Field(60.0, gt=0)
    render_max_attempts: int = Field(6, ge=1, le=100)
    render_retry_initial_delay_s: float = Field(1.0, gt=0)
    render_retry_max_delay_s: float = Field(60.0, gt=0)
    # A worker renews its claim every third of this while it renders; a job whose renderer died is
    # reclaimed by any replica once the lease runs out.
    render_lease_s: float = Field(15.0, ge=3)
    # New jobs of this replica wake its workers at once; this poll finds other replicas' jobs.
    render_poll_interval_s: float = Field(0.5, gt=0)
    queue_metrics_interval_s: float = Field(5.0, gt=0)
    # The largest signed document the operations system may upload (refused while it streams in).
    intake_max_bytes: int = Field(20 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024)
    # Page images for phones: drawn this wide (a very tall page narrower), cached per version.
    page_image_width_px: int = Field(1200, ge=200, le=4000)
    # How long a browser may keep the image of a named version (a version never changes).
    page_image_max_age_s: int = Field(365 * 24 * 3600, ge=0)

    @model_validator(mode="after")
    def _s3_is_configured(self) -> "Settings":
        if self.storage != "s3":
            return self
        if not self.s3_bucket:
            raise ValueError("DOCUMENTS_S3_BUCKET is required with DOCUMENTS_STORAGE=s3")
        if self.environment == "production":
            if self.s3_access_key_id is None or self.s3_secret_access_key is None:
                raise ValueError(
                    "DOCUMENTS_S3_ACCESS_KEY_ID and DOCUMENTS_S3_SECRET_ACCESS_KEY are required in production"
                )
            refuse_weak_secret("DOCUMENTS_S3_SECRET_ACCESS_KEY", self.s3_secret_access_key)
        return self
