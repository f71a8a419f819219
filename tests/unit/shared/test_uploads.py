"""Uploaded slips are accepted by content, and their QR's bank reference is read."""

import io

import pytest
import segno
import zxingcpp
from PIL import Image

from shared.images import QR_READ_MAX_SIDE, ImageRefused, accept_image, read_qr_codes
from shared.slips import slip_reference
from tests.helpers import slip_qr_text


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_png_is_accepted_by_its_bytes() -> None:
    accepted = accept_image(_png(), field="slip")
    assert (accepted.content_type, accepted.width, accepted.height) == ("image/png", 40, 30)


@pytest.mark.parametrize(
    "content",
    [b"", b"%PDF-1.7 not an image", b"GIF89a" + b"\x00" * 20, b"<svg xmlns='http://www.w3.org/2000/svg'/>"],
)
def test_what_is_not_a_photo_or_screenshot_is_refused_naming_the_field(content: bytes) -> None:
    with pytest.raises(ImageRefused) as refused:
        accept_image(content, field="slip")
    assert refused.value.field == "slip"


def test_an_oversized_image_is_refused() -> None:
    with pytest.raises(ImageRefused, match="larger than"):
        accept_image(_png() + b"\x00" * 2048, field="slip", max_bytes=1024)


def test_a_slip_qr_gives_the_banks_transaction_reference() -> None:
    assert slip_reference(slip_qr_text("2026112314552800001")) == "014-2026112314552800001"


@pytest.mark.parametrize(
    "text", ["hello", "00020101021129370016A000000677010111", slip_qr_text("X")[:-1] + "0"]
)
def test_other_qr_codes_or_a_bad_crc_give_no_reference(text: str) -> None:
    assert slip_reference(text) is None


def test_the_qr_on_a_screenshot_is_read() -> None:
    text = slip_qr_text("2026112314552800001")
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=5, border=4)
    assert read_qr_codes(accept_image(buffer.getvalue(), field="slip").content) == [text]


def _bomb_png(side: int) -> bytes:
    """A tiny PNG of side × side white pixels (it compresses to kilobytes)."""
    buffer = io.BytesIO()
    Image.new("1", (side, side), 1).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def test_a_tiny_png_of_forty_million_pixels_is_refused_before_it_is_decoded() -> None:
    bomb = _bomb_png(6300)
    assert len(bomb) < 64 * 1024
    with pytest.raises(ImageRefused, match="too many pixels") as refused:
        accept_image(bomb, field="slip")
    assert refused.value.field == "slip"


def test_a_twelve_megapixel_photo_of_a_slip_is_accepted_and_its_qr_read() -> None:
    text = slip_qr_text("2026112314552800001")
    photo = Image.new("RGB", (4000, 3000), "white")
    qr = io.BytesIO()
    segno.make(text, error="m").save(qr, kind="png", scale=12, border=4)
    photo.paste(Image.open(qr), (1500, 1000))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)

    accepted = accept_image(buffer.getvalue(), field="slip")

    assert (accepted.width, accepted.height) == (4000, 3000)
    assert read_qr_codes(accepted.content) == [text]


def test_a_large_photo_is_reduced_and_read_in_grey_before_its_qr_is_looked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The QR reader's cost grows with the pixels it is given: a 12-megapixel photo reaches it as a
    grey image at most QR_READ_MAX_SIDE on its longer side."""
    seen: list[tuple[str, tuple[int, int]]] = []

    def read_barcodes(image: Image.Image) -> list[object]:
        seen.append((image.mode, image.size))
        return []

    monkeypatch.setattr(zxingcpp, "read_barcodes", read_barcodes)
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(buffer, format="PNG")

    assert read_qr_codes(buffer.getvalue()) == []
    [(mode, size)] = seen
    assert mode == "L"
    assert max(size) <= QR_READ_MAX_SIDE
