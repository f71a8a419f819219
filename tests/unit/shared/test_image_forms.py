"""An image uploaded in a form is read with its size cap held while the body streams in: a request
too large for the cap is refused without reading (or reading on) the rest of it."""

import pytest
from starlette.requests import Request
from starlette.types import Message

from shared.images import MAX_IMAGE_BYTES, ImageRefused
from shared.uploads import read_uploaded_image
from tests.helpers import slip_screenshot

BOUNDARY = "mudjamboundary"
CHUNK = 64 * 1024


def _form(content: bytes, field: str = "file") -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="slip.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


class _Upload:
    """A client sending a body in chunks; counts how much of it the server asked for."""

    def __init__(self, body: bytes, *, declare_length: bool) -> None:
        self.body, self.sent = body, 0
        headers = [(b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode())]
        if declare_length:
            headers.append((b"content-length", str(len(body)).encode()))
        self.request = Request({"type": "http", "method": "POST", "headers": headers}, self.receive)

    async def receive(self) -> Message:
        chunk = self.body[self.sent : self.sent + CHUNK]
        self.sent += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": self.sent < len(self.body)}


async def test_the_form_s_image_is_read_whole() -> None:
    image = slip_screenshot()
    upload = _Upload(_form(image), declare_length=True)

    assert await read_uploaded_image(upload.request) == image


async def test_a_request_declaring_more_than_the_cap_is_refused_unread() -> None:
    upload = _Upload(_form(b"\0" * (MAX_IMAGE_BYTES + 200_000)), declare_length=True)

    with pytest.raises(ImageRefused) as refused:
        await read_uploaded_image(upload.request)

    assert (refused.value.field, refused.value.message) == ("file", "The image is larger than 5 MB")
    assert upload.sent == 0


async def test_a_streamed_request_is_refused_at_the_chunk_that_crosses_the_cap() -> None:
    upload = _Upload(_form(b"\0" * (4 * MAX_IMAGE_BYTES)), declare_length=False)

    with pytest.raises(ImageRefused) as refused:
        await read_uploaded_image(upload.request)

    assert refused.value.field == "file"
    assert MAX_IMAGE_BYTES < upload.sent <= MAX_IMAGE_BYTES + 64 * 1024 + CHUNK


async def test_a_form_without_the_file_is_refused_naming_it() -> None:
    upload = _Upload(_form(slip_screenshot(), field="slip"), declare_length=True)

    with pytest.raises(ImageRefused) as refused:
        await read_uploaded_image(upload.request)

    assert refused.value.field == "file"
