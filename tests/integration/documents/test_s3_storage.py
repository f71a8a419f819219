"""The S3 storage against a real S3 server (moto's, on a free port): what one host writes another
reads, staged uploads appear only when committed, large files stream back in chunks."""

from collections.abc import Iterator
from uuid import uuid4

import pytest
from moto.server import ThreadedMotoServer

from mudjam.stack import free_port
from services.documents.adapters.storage import InvalidStorageKey, S3Storage, StoredFileMissing, s3_client

KEY = "t-1/deposit_return_receipt/DEPRR-2026-0001/v1-th.pdf"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _storage(endpoint: str, bucket: str) -> S3Storage:
    client = s3_client(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="test-key",
        secret_access_key="test-secret",
        max_connections=4,
    )
    return S3Storage(client, bucket, prefix="documents")


@pytest.fixture
def storage(endpoint: str) -> S3Storage:
    bucket = f"mudjam-{uuid4().hex[:12]}"
    store = _storage(endpoint, bucket)
    store._client.create_bucket(Bucket=bucket)
    return store


def test_a_file_put_by_one_host_is_read_by_another(storage: S3Storage, endpoint: str) -> None:
    storage.put(KEY, b"%PDF-1.7 first")

    other_host = _storage(endpoint, storage.bucket)

    assert other_host.exists(KEY)
    assert other_host.get(KEY) == b"%PDF-1.7 first"


def test_putting_a_key_again_replaces_the_file(storage: S3Storage) -> None:
    storage.put(KEY, b"%PDF-1.7 first")
    storage.put(KEY, b"%PDF-1.7 again")

    assert storage.get(KEY) == b"%PDF-1.7 again"


def test_a_missing_key_is_reported_as_missing(storage: S3Storage) -> None:
    assert not storage.exists(KEY)
    with pytest.raises(StoredFileMissing):
        storage.get(KEY)
    with pytest.raises(StoredFileMissing):
        list(storage.read_chunks(KEY))


def test_a_staged_file_is_invisible_until_committed(storage: S3Storage) -> None:
    staged = storage.stage(KEY)
    staged.write(b"%PDF-1.7 ")
    staged.write(b"signed")

    assert not storage.exists(KEY)
    staged.commit()
    assert storage.get(KEY) == b"%PDF-1.7 signed"


def test_a_discarded_staged_file_leaves_nothing(storage: S3Storage) -> None:
    staged = storage.stage(KEY)
    staged.write(b"%PDF-1.7 half")

    staged.discard()

    assert not storage.exists(KEY)


def test_a_large_staged_file_is_uploaded_whole(storage: S3Storage) -> None:
    content = bytes(range(256)) * (40 * 1024 + 7)  # ~10 MB: spills to disk, a multipart upload
    staged = storage.stage(KEY)
    for start in range(0, len(content), 1024 * 1024):
        staged.write(content[start : start + 1024 * 1024])
    staged.commit()

    assert storage.get(KEY) == content


def test_a_file_streams_back_in_chunks(storage: S3Storage) -> None:
    content = b"x" * (600 * 1024 + 5)
    storage.put(KEY, content)

    chunks = list(storage.read_chunks(KEY, chunk_bytes=256 * 1024))

    assert [len(c) for c in chunks] == [256 * 1024, 256 * 1024, 88 * 1024 + 5]
    assert b"".join(chunks) == content


def test_a_key_cannot_escape_the_prefix(storage: S3Storage) -> None:
    with pytest.raises(InvalidStorageKey):
        storage.put("t-1/../../escape.pdf", b"x")
