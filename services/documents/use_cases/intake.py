"""The operations system's uploads (the claim check's receiving side): a file is kept in its
tenant's intake area, under its checksum, until an event names it."""

import asyncio
from collections.abc import AsyncIterable

from services.documents.adapters.storage import DocumentStorage
from services.documents.domain import IntakeReceipt, Upload, intake_key, intake_storage_key
from shared.auth import Principal


async def receive_upload(
    *,
    storage: DocumentStorage,
    uploader: Principal,
    sha256: str,
    declared_length: str | None,
    chunks: AsyncIterable[bytes],
    max_bytes: int,
) -> tuple[IntakeReceipt, bool]:
    """Keeps the upload, atomically, if it is exactly the file its checksum names and within the cap
    (which holds as it streams in: refused at the first byte over it); nothing is kept otherwise.
    The same upload again is harmless. True when it was not there before."""
    upload = Upload(sha256=sha256, max_bytes=max_bytes)
    upload.check_declared_size(declared_length)
    key = intake_storage_key(uploader.tenant_id, intake_key(sha256))
    assert key is not None  # the route accepts only a sha256
    staged = await asyncio.to_thread(storage.stage, key)
    try:
        async for chunk in chunks:
            upload.add(chunk)
            await asyncio.to_thread(staged.write, chunk)
        receipt = upload.finish()
    except BaseException:
        await asyncio.to_thread(staged.discard)
        raise
    new = not await asyncio.to_thread(storage.exists, key)
    await asyncio.to_thread(staged.commit)
    return receipt, new
