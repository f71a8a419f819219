"""The "I've paid" form's 5 MB slip cap holds while the body streams in: a chunked upload of 60 MB
(which declares no length) is refused at the chunk that crosses the cap, never spooled whole."""

from typing import Any

import pytest

from services.portal.entrypoints.paid_form import MAX_FORM_BYTES, SlipRefused, read_paid_form
from tests.helpers import CHUNK, ChunkedUpload, multipart_form

SIXTY_MB = 60 * 1024 * 1024


@pytest.mark.parametrize("declare_length", [False, True], ids=["chunked", "declared"])
async def test_a_sixty_megabyte_slip_is_refused_without_reading_it_all(declare_length: bool) -> None:
    upload = ChunkedUpload(multipart_form(b"\0" * SIXTY_MB, field="slip"), declare_length=declare_length)
    session: Any = object()  # the cap is checked before the form's token is

    with pytest.raises(SlipRefused) as refused:
        await read_paid_form(upload.request, session)

    assert refused.value.error_key == "paid.slip_too_large"
    assert upload.sent <= MAX_FORM_BYTES + CHUNK
