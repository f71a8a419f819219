"""Where rendered PDFs, signed uploads and page images live, behind a small interface (a local folder
by default; an object store fits the same methods). Writes are atomic: a reader sees the old file or
the new one, never a half-written one, and writing the same key again replaces it."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

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
        parts = key.split("/")
        if not key or key.startswith("/") or any(p in {"", ".", ".."} or "\\" in p for p in parts):
            raise InvalidStorageKey(f"not a storage key: {key!r}")
        return self.root.joinpath(*parts)

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
