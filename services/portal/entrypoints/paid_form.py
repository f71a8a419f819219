"""The "I've paid" form: its anti-forgery token and its optional slip screenshot, accepted by its
bytes (PNG, JPEG or WebP, at most 5 MB) and read for the bank's transaction reference."""

import logging
from uuid import uuid4

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.portal.domain import Slip
from services.portal.entrypoints.pages import valid_form_token
from services.portal.use_cases import Session
from shared.images import MAX_IMAGE_BYTES, ImageRefused, accept_image, read_qr_codes
from shared.slips import slip_reference
from shared.uploads import FORM_OVERHEAD_BYTES, within_limit

log = logging.getLogger(__name__)
# The slip's cap plus room for the rest of the form; a larger request is refused unread, and a
# chunked one at the chunk that crosses it.
MAX_FORM_BYTES = MAX_IMAGE_BYTES + FORM_OVERHEAD_BYTES
# Slips read for their QR at once, per process: a rush of uploads queues here instead of taking
# every thread and core from the pages.
QR_READERS = anyio.CapacityLimiter(2)


def _read_slip_reference(content: bytes) -> str | None:
    """The bank's transaction reference from the slip's QR code, if it has a readable one."""
    try:
        codes = read_qr_codes(content)
    except Exception:  # an unreadable QR never refuses the slip; staff still see the image
        log.warning("could not read the QR codes of a slip", exc_info=True)
        return None
    return next((ref for ref in map(slip_reference, codes) if ref), None)


async def _slip(upload: object, *, read_reference: bool) -> Slip | None:
    """The uploaded slip, None when no file was chosen, or ImageRefused naming the field; its QR is
    read only when `read_reference`, at most QR_READERS at a time."""
    if isinstance(upload, UploadFile):
        content = await upload.read(MAX_IMAGE_BYTES + 1)
        if not content and not upload.filename:
            return None  # the browser sends an empty part when no file was chosen
    elif isinstance(upload, str) and upload:
        content = upload.encode()
    else:
        return None
    accepted = await run_in_threadpool(accept_image, content, field="slip")
    reference = (
        await anyio.to_thread.run_sync(_read_slip_reference, accepted.content, limiter=QR_READERS)
        if read_reference
        else None
    )
    return Slip(
        slip_id=uuid4(), content=accepted.content, content_type=accepted.content_type, reference=reference
    )


class SlipRefused(Exception):
    """The form or its slip is refused: the invoice is shown again with the reason (a label key)."""

    def __init__(self, error_key: str, status_code: int) -> None:
        super().__init__(error_key)
        self.error_key, self.status_code = error_key, status_code


class FormExpired(Exception):
    """The form does not carry this session's token: it was not sent from the customer's own page."""


async def read_paid_form(request: Request, session: Session, *, read_reference: bool = True) -> Slip | None:
    """The slip an I've paid form carries (None when no file was chosen); FormExpired without this
    session's form token, SlipRefused for what is not a slip we accept. Its QR is not read when
    `read_reference` is false (a report is open already: the slip will not be kept)."""
    capped = within_limit(request, MAX_FORM_BYTES, lambda: SlipRefused("paid.slip_too_large", 422))
    try:
        form = await capped.form(max_files=1, max_fields=10)
    except StarletteHTTPException:  # not a form this page sends
        raise SlipRefused("paid.form_invalid", 400) from None
    try:
        if not valid_form_token(request, session, form.get("csrf")):
            raise FormExpired
        upload = form.get("slip")
        try:
            return await _slip(upload, read_reference=read_reference)
        except ImageRefused:
            too_large = isinstance(upload, UploadFile) and (upload.size or 0) > MAX_IMAGE_BYTES
            raise SlipRefused("paid.slip_too_large" if too_large else "paid.slip_refused", 422) from None
    finally:
        await form.close()
