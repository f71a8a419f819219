"""Zips that stream (stream-zip): each PDF read from storage in chunks, the members listed as they
come (page by page from the database), so memory stays flat however many documents a zip holds.

stream-zip is synchronous: it runs, one step at a time, in a small pool of threads of its own, so
zips being downloaded never take the threads other work needs; a step that needs the next member
asks the event loop for it.
"""

import asyncio
import contextlib
import stat
from collections.abc import AsyncIterator, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from stream_zip import ZIP_AUTO, stream_zip

from services.documents.adapters.storage import DocumentStorage

_ZIP_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="zip")
_FILE_MODE = stat.S_IFREG | 0o644
_CHUNK_BYTES = 256 * 1024
# A zip thread waiting for its next member gives up after this, so it cannot hang past the loop.
_NEXT_MEMBER_TIMEOUT_S = 120


@dataclass(frozen=True)
class ZipMember:
    name: str
    storage_key: str
    size_bytes: int
    modified_at: datetime


async def zip_stream(members: AsyncIterator[ZipMember], storage: DocumentStorage) -> AsyncIterator[bytes]:
    """The zip of the members, in order, as it is made."""
    loop = asyncio.get_running_loop()

    async def next_member() -> ZipMember | None:
        return await anext(members, None)

    def zip_members() -> Iterator[tuple[str, datetime, int, Any, Iterator[bytes]]]:
        while True:
            member = asyncio.run_coroutine_threadsafe(next_member(), loop).result(_NEXT_MEMBER_TIMEOUT_S)
            if member is None:
                return
            # Deflate at level 0: PDFs are compressed already, and it streams with sizes unknown.
            method = ZIP_AUTO(member.size_bytes, level=0)
            yield member.name, member.modified_at, _FILE_MODE, method, storage.read_chunks(member.storage_key)

    chunks = cast(Generator[bytes, None, None], stream_zip(zip_members(), chunk_size=_CHUNK_BYTES))
    try:
        while (chunk := await loop.run_in_executor(_ZIP_THREADS, next, chunks, None)) is not None:
            yield chunk
    finally:
        with contextlib.suppress(ValueError):  # still running in its thread: it ends on its own
            chunks.close()
