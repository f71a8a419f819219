"""Uploaded images (payment slips, proofs of payment): accepted by what the bytes are, never by the
file name or the declared content type, and read for a QR code."""

import io
import warnings
from dataclasses import dataclass

import zxingcpp
from PIL import Image, UnidentifiedImageError

from shared.errors import RuleViolation

ACCEPTED_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# A phone's screenshot or photo is at most about 12 million pixels (4000 × 3000); more is refused
# before decoding, as a tiny PNG of 6300 × 6300 would cost seconds of CPU and half a gigabyte.
MAX_IMAGE_PIXELS = 12_000_000
# The QR reader looks at the image reduced to at most this many pixels on its longer side: a slip's
# QR stays hundreds of pixels wide, and the decode costs a fraction of the full image's.
QR_READ_MAX_SIDE = 2048


class ImageRefused(RuleViolation):
    code = "image_refused"


@dataclass(frozen=True)
class AcceptedImage:
    content: bytes
    content_type: str
    width: int
    height: int


def accept_image(content: bytes, *, field: str, max_bytes: int = MAX_IMAGE_BYTES) -> AcceptedImage:
    """The upload as an image we accept, or ImageRefused naming the field."""
    if not content:
        raise ImageRefused("The file is empty", field=field)
    if len(content) > max_bytes:
        raise ImageRefused(f"The image is larger than {max_bytes // (1024 * 1024)} MB", field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ImageRefused("The image has too many pixels", field=field)
                image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise ImageRefused("The file is not a PNG, JPEG or WebP image", field=field) from error
    if kind not in ACCEPTED_FORMATS:
        raise ImageRefused("The file is not a PNG, JPEG or WebP image", field=field)
    return AcceptedImage(content, ACCEPTED_FORMATS[kind], width, height)


def read_qr_codes(content: bytes) -> list[str]:
    """The text of every QR code in an accepted image, read in grey on the image reduced to
    QR_READ_MAX_SIDE (a JPEG is decoded at the reduced size straight away)."""
    with Image.open(io.BytesIO(content)) as image:
        image.draft("L", (QR_READ_MAX_SIDE, QR_READ_MAX_SIDE))
        grey = image.convert("L")
    factor = -(-max(grey.size) // QR_READ_MAX_SIDE)  # ceiling division
    if factor > 1:
        grey = grey.reduce(factor)
    return [code.text for code in zxingcpp.read_barcodes(grey) if code.text]
