"""Choosing the storage: s3 needs a bucket, and production refuses missing or weak S3 credentials."""

import pytest
from pydantic import ValidationError

from services.documents.adapters.storage import LocalFolderStorage, S3Storage
from services.documents.bootstrap import build_storage
from services.documents.settings import Settings

STRONG = "s3-secret-" + "x" * 40
JWT = "jwt-secret-of-production-" + "y" * 40


def test_local_storage_is_the_default() -> None:
    assert isinstance(build_storage(Settings()), LocalFolderStorage)


def test_s3_storage_is_chosen_by_setting() -> None:
    settings = Settings(storage="s3", s3_bucket="mudjam-docs", s3_endpoint_url="http://127.0.0.1:9000")
    storage = build_storage(settings)
    assert isinstance(storage, S3Storage)
    assert storage.bucket == "mudjam-docs"


def test_s3_without_a_bucket_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="DOCUMENTS_S3_BUCKET"):
        Settings(storage="s3")


def test_production_refuses_s3_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUDJAM_ENVIRONMENT", "production")
    monkeypatch.setenv("MUDJAM_AUTH_JWT_SECRET", JWT)
    with pytest.raises(ValidationError, match="DOCUMENTS_S3_ACCESS_KEY_ID"):
        Settings(storage="s3", s3_bucket="mudjam-docs")


def test_production_refuses_the_minio_dev_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUDJAM_ENVIRONMENT", "production")
    monkeypatch.setenv("MUDJAM_AUTH_JWT_SECRET", JWT)
    with pytest.raises(ValidationError, match="DOCUMENTS_S3_SECRET_ACCESS_KEY"):
        Settings(
            storage="s3",
            s3_bucket="mudjam-docs",
            s3_access_key_id="minioadmin",
            s3_secret_access_key="minioadmin",
        )


def test_production_accepts_strong_s3_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUDJAM_ENVIRONMENT", "production")
    monkeypatch.setenv("MUDJAM_AUTH_JWT_SECRET", JWT)
    settings = Settings(storage="s3", s3_bucket="docs", s3_access_key_id="AKIA1", s3_secret_access_key=STRONG)
    assert settings.s3_bucket == "docs"
