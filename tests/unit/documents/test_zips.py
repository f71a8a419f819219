"""Zips that stream: the archive reads back with every member as stored, and its first bytes go out
before the last member is even listed (so a zip of thousands of documents never sits in memory)."""

import io
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from services.documents.adapters.zips import ZipMember, zip_stream
from tests.unit.documents.fakes import FakeStorage

MODIFIED = datetime(2026, 3, 25, 3, tzinfo=UTC)


def _storage(count: int) -> FakeStorage:
    storage = FakeStorage()
    for n in range(count):
        storage.put(f"t-1/receipt/RC-{n}/v1-th.pdf", f"%PDF-1.7 receipt {n} ".encode() * 50)
    return storage


async def _members(storage: FakeStorage, listed: list[str]) -> AsyncIterator[ZipMember]:
    for key in sorted(storage.files):
        listed.append(key)
        yield ZipMember(key.split("/")[2] + ".pdf", key, len(storage.files[key]), MODIFIED)


async def test_a_zip_holds_each_member_byte_for_byte_under_its_name() -> None:
    storage = _storage(3)

    archive = b"".join([chunk async for chunk in zip_stream(_members(storage, []), storage)])

    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert zipped.namelist() == ["RC-0.pdf", "RC-1.pdf", "RC-2.pdf"]
        for n in range(3):
            assert zipped.read(f"RC-{n}.pdf") == storage.files[f"t-1/receipt/RC-{n}/v1-th.pdf"]


async def test_the_zip_starts_going_out_before_the_last_member_is_listed() -> None:
    storage = _storage(40)
    listed: list[str] = []

    stream = zip_stream(_members(storage, listed), storage)
    first = await anext(stream)
    listed_when_it_started = len(listed)
    rest = [chunk async for chunk in stream]

    assert first
    assert listed_when_it_started < 40
    assert len(listed) == 40
    with zipfile.ZipFile(io.BytesIO(first + b"".join(rest))) as zipped:
        assert len(zipped.namelist()) == 40


async def test_an_empty_zip_is_a_valid_zip() -> None:
    storage = FakeStorage()

    archive = b"".join([chunk async for chunk in zip_stream(_members(storage, []), storage)])

    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert zipped.namelist() == []
