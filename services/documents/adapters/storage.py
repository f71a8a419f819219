"""Where rendered PDFs, signed uploads and page images live, behind a small interface: a local folder
(one host, or a shared volume) or an S3-compatible bucket (several hosts). Writes are atomic: a reader
sees the old file or the new one, never a half-written one, and writing the same key again replaces it.
The methods block: callers run them off the event loop (`asyncio.to_thread`)."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client

CHUNK_BYTES = 256 * 1024


class StoredFileMissing(Exception):
    pass


class InvalidStorageKey(ValueError):
    pass


class StagedFile(Protocol):
    """A file being written under a key: invisible until committed, gone if discarded."""

    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> None: ...

    def discard(self) -> None: ...


class DocumentStorage(Protocol):
    def put(self, key: str, content: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def read_chunks(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The file in pieces, so a large one is never held whole; StoredFileMissing if absent."""
        ...

    def stage(self, key: str) -> StagedFile: ...


def checked_key(key: str) -> str:
    """The key if it names a file under the root (no absolute path, no `..`, no empty part)."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in {"", ".", ".."} or "\\" in p for p in parts):
        raise InvalidStorageKey(f"not a storage key: {key!r}")
    return key


class _LocalStagedFile:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self._temp = Path(temp)
        self._file: BinaryIO = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    def commit(self) -> None:
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._temp, self._path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        self._file.close()
        self._temp.unlink(missing_ok=True)


class LocalFolderStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*checked_key(key).split("/"))

    def stage(self, key: str) -> StagedFile:
        return _LocalStagedFile(self._path(key))

    def put(self, key: str, content: bytes) -> None:
        staged = self.stage(key)
        try:
            staged.write(content)
        except BaseException:
            staged.discard()
            raise
        staged.commit()

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as error:
            raise StoredFileMissing(key) from error

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def read_chunks(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        try:
            file = self._path(key).open("rb")
        except FileNotFoundError as error:
            raise StoredFileMissing(key) from error
        with file:
            while chunk := file.read(chunk_bytes):
                yield chunk


# Objects are absent as NoSuchKey from get_object and as a bare 404 from head_object.
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
# A staged file stays in memory up to this size, then spills to a temporary file on local disk.
_SPOOL_BYTES = 8 * 1024 * 1024


class _S3StagedFile:
    """Written to a local temporary file and uploaded on commit: the object appears whole or not at all
    (upload_fileobj switches to a multipart upload for a large file, completed only at its end)."""

    def __init__(self, client: "S3Client", bucket: str, key: str) -> None:
        self._client, self._bucket, self._key = client, bucket, key
        self._file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 (closed on commit or discard)

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    def commit(self) -> None:
        try:
            self._file.seek(0)
            self._client.upload_fileobj(self._file, self._bucket, self._key)
        finally:
            self._file.close()

    def discard(self) -> None:
        self._file.close()


class S3Storage:
    """An S3-compatible bucket (AWS S3, MinIO): what one documents host writes, every host serves."""

    def __init__(self, client: "S3Client", bucket: str, prefix: str = "") -> None:
        self._client, self.bucket = client, bucket
        self._prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _key(self, key: str) -> str:
        return self._prefix + checked_key(key)

    def stage(self, key: str) -> StagedFile:
        return _S3StagedFile(self._client, self.bucket, self._key(key))

    def put(self, key: str, content: bytes) -> None:
        self._client.put_object(Bucket=self.bucket, Key=self._key(key), Body=content)

    def _body(self, key: str) -> "StreamingBody":
        from botocore.exceptions import ClientError

        try:
            return self._client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING_CODES:
                raise StoredFileMissing(key) from error
            raise

    def get(self, key: str) -> bytes:
        body = self._body(key)
        with body:
            return body.read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING_CODES:
                return False
            raise
        return True

    def read_chunks(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        body = self._body(key)
        with body:
            yield from body.iter_chunks(chunk_bytes)


def s3_client(
    *,
    endpoint_url: str | None,
    region: str,
    access_key_id: str | None,
    secret_access_key: str | None,
    max_connections: int,
) -> "S3Client":
    """A client of the bucket's server; without keys, boto3's own chain (environment, instance role)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=Config(
            max_pool_connections=max_connections,
            retries={"mode": "standard", "max_attempts": 5},
            # Path-style addressing: MinIO and test servers have no per-bucket host names.
            s3={"addressing_style": "path"},
        ),
    )
