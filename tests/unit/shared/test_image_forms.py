"""An image uploaded in a form is read with its size cap held while the body streams in: a request
too large for the cap is refused without reading (or reading on) the rest of it."""

import pytest

from shared.images import MAX_IMAGE_BYTES, ImageRefused
from shared.uploads import read_uploaded_image
from tests.helpers import CHUNK, ChunkedUpload, multipart_form, slip_screenshot


async def test_the_form_s_image_is_read_whole() -> None:
    image = slip_screenshot()
    upload = ChunkedUpload(multipart_form(image), declare_length=True)

    assert await read_uploaded_image(upload.request) == image


async def test_a_request_declaring_more_than_the_cap_is_refused_unread() -> None:
    upload = ChunkedUpload(multipart_form(b"\0" * (MAX_IMAGE_BYTES + 200_000)), declare_length=True)

    with pytest.raises(ImageRefused) as refused:
        await read_uploaded_image(upload.request)

    assert (refused.value.field, refused.value.message) == ("file", "The image is larger than 5 MB")
    assert upload.sent == 0


async def test_a_streamed_request_is_refused_at_the_chunk_that_crosses_the_cap() -> None:
    upload = ChunkedUpload(multipart_form(b"\0" * (4 * MAX_IMAGE_BYTES)), declare_length=False)

    with pytest.raises(ImageRefused) as refused:
        await read_uploaded_image(upload.request)

    assert refused.value.field == "file"
    assert MAX_IMAGE_BYTES < upload.sent <= MAX_IMAGE_BYTES + 64 * 1024 + CHUNK


async def test_a_form_without_the_file_is_refused_naming_it() -> None:
    upload = ChunkedUpload(multipart_form(slip_screenshot(), field="slip"), declare_length=True)

    with pytest.raises(ImageRefused) as refused:
        await read_uploaded_image(upload.request)

    assert refused.value.field == "file"
