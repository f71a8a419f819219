"""The staff console's forms with a proof image hold their 5 MB cap while the body streams in: a
chunked 60 MB upload is refused at the chunk that crosses the cap, never spooled whole."""

from typing import Any

import pytest

from services.portal.entrypoints.staff_pages import FormTooLarge, read_form
from tests.helpers import CHUNK, ChunkedUpload, multipart_form

LIMIT = 5 * 1024 * 1024 + 64 * 1024


@pytest.mark.parametrize("declare_length", [False, True], ids=["chunked", "declared"])
async def test_a_sixty_megabyte_proof_is_refused_without_reading_it_all(declare_length: bool) -> None:
    upload = ChunkedUpload(
        multipart_form(b"\0" * (60 * 1024 * 1024), field="proof"), declare_length=declare_length
    )
    session: Any = object()  # the cap is checked before the form's token is

    with pytest.raises(FormTooLarge):
        await read_form(upload.request, session, max_files=1, max_bytes=LIMIT)

    assert upload.sent <= LIMIT + CHUNK
