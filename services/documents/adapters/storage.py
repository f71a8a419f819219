"""Where rendered PDFs live, behind a small interface (a local folder by default; an object store
fits the same two methods). Writes are atomic: a reader sees the old file or the new one, never a
half-written one, and writing the same key again replaces it."""

import os
import tempfile
from pathlib import Path
from typing import Protocol


class StoredFileMissing(Exception):
    pass


class InvalidStorageKey(ValueError):
    pass


class DocumentStorage(Protocol):
    def put(self, key: str, content: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...


class LocalFolderStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or key.startswith("/") or any(p in {"", ".", ".."} or "\\" in p for p in parts):
            raise InvalidStorageKey(f"not a storage key: {key!r}")
        return self.root.joinpath(*parts)

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as error:
            raise StoredFileMissing(key) from error
