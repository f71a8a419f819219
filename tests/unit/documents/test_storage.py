"""The local folder storage: atomic writes, overwrites by key, and keys that cannot escape it."""

from pathlib import Path

import pytest

from services.documents.adapters.storage import InvalidStorageKey, LocalFolderStorage, StoredFileMissing

KEY = "t-1/deposit_return_receipt/DEPRR-2026-0001/v1-th.pdf"


def test_a_stored_file_reads_back_as_written(tmp_path: Path) -> None:
    storage = LocalFolderStorage(tmp_path)

    storage.put(KEY, b"%PDF-1.7 first")

    assert storage.get(KEY) == b"%PDF-1.7 first"
    assert (tmp_path / KEY).is_file()


def test_storing_a_key_again_replaces_the_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    storage = LocalFolderStorage(tmp_path)
    storage.put(KEY, b"%PDF-1.7 first")

    storage.put(KEY, b"%PDF-1.7 again")

    assert storage.get(KEY) == b"%PDF-1.7 again"
    assert [p.name for p in (tmp_path / KEY).parent.iterdir()] == ["v1-th.pdf"]


def test_a_missing_file_is_reported_as_missing(tmp_path: Path) -> None:
    with pytest.raises(StoredFileMissing):
        LocalFolderStorage(tmp_path).get(KEY)


@pytest.mark.parametrize(
    "key", ["", "/etc/passwd", "t-1/../../escape.pdf", "t-1//x.pdf", "./x.pdf", "a\\..\\b"]
)
def test_a_key_cannot_leave_the_storage_folder(tmp_path: Path, key: str) -> None:
    storage = LocalFolderStorage(tmp_path / "root")

    with pytest.raises(InvalidStorageKey):
        storage.put(key, b"x")
    assert not (tmp_path / "escape.pdf").exists()
