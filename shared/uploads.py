"""An image uploaded as a multipart form's file, read with its size cap held while the body streams
in: a request larger than the cap allows is refused at the chunk that crosses it (or at once, when
it declares its length), never spooled whole to disk first."""

import hashlib
from collections.abc import Callable
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message

from shared.auth import Principal
from shared.db import IdempotentRequest
from shared.images import MAX_IMAGE_BYTES, ImageRefused

FORM_OVERHEAD_BYTES = 64 * 1024  # the part's headers and the boundaries around the file


def image_form_schema(field: str = "file", description: str = "") -> dict[str, Any]:
    """The OpenAPI request body of a form carrying one image, for a route reading it itself."""
    image = {"type": "string", "format": "binary", "description": description}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "required": [field], "properties": {field: image}}
                }
            },
        }
    }


def within_limit(request: Request, limit: int, refusal: Callable[[], Exception]) -> Request:
    """The request with its body capped while it streams in: `refusal()` is raised at once when it
    declares more than `limit` bytes, else at the chunk that crosses the limit (a chunked body, which
    declares none), so the rest is never read or spooled to disk."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise refusal()
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise refusal()
        return message

    return Request(request.scope, receive_within_limit)


async def read_uploaded_image(
    request: Request, *, field: str = "file", max_bytes: int = MAX_IMAGE_BYTES
) -> bytes:
    """The bytes of the form's file `field`, at most `max_bytes` + 1 of them, so that `accept_image`
    refuses an image over the cap; ImageRefused naming the field when the request is too large for
    the cap or carries no such file."""
    too_large = f"The image is larger than {max_bytes // (1024 * 1024)} MB"
    capped = within_limit(
        request, max_bytes + FORM_OVERHEAD_BYTES, lambda: ImageRefused(too_large, field=field)
    )
    form = await capped.form(max_files=1, max_fields=10)
    try:
        upload = form.get(field)
        if not isinstance(upload, UploadFile):
            raise ImageRefused(f"Send the image as the form's file {field!r}", field=field)
        return await upload.read(max_bytes + 1)
    finally:
        await form.close()


def idempotent_upload(request: Request, staff: Principal, key: str, content: bytes) -> IdempotentRequest:
    """The upload command's idempotency record: the form was consumed by parsing, so the request is
    fingerprinted by the file it carries."""
    fingerprint = hashlib.sha256(f"POST {request.url.path}\n".encode() + content).hexdigest()
    return IdempotentRequest.by(
        tenant_id=staff.tenant_id,
        user_id=staff.user_id,
        target=f"{request.method} {request.url.path}",
        key=key,
        fingerprint=fingerprint,
    )
