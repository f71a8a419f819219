"""Small helpers for tests that wait on asynchronous effects."""

import asyncio
import base64
import html
import io
import re
import subprocess
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from typing import TypeVar

import pypdfium2 as pdfium
import segno
import zxingcpp
from PIL import Image, ImageDraw
from starlette.requests import Request
from starlette.types import Message

from shared.promptpay import crc16_ccitt_false

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T]], *, timeout_s: float = 20, interval_s: float = 0.1
) -> T:
    """Retries `check` until it returns something truthy without raising AssertionError."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    last: object = None
    while True:
        try:
            last = await check()
            if last:
                return last  # type: ignore[return-value]
        except AssertionError as error:
            last = error
        if loop.time() > deadline:
            if isinstance(last, AssertionError):
                raise last
            raise AssertionError(f"condition not met within {timeout_s} s; last result: {last!r}")
        await asyncio.sleep(interval_s)


def visible(page: str) -> str:
    """The text a person reads on an HTML page: tags dropped, entities decoded, spaces collapsed."""
    without_scripts = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", without_scripts))).strip()


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as poppler's `pdftotext -raw` reads it."""
    assert pdf.startswith(b"%PDF"), pdf[:100]
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode()


def pdfium_text(pdf: bytes) -> str:
    """The PDF's text layer as PDFium (pypdfium2) reads it, page after page."""
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def pdf_fonts(pdf: bytes) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of every font `pdffonts` lists."""
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [(row[0], row[-5]) for row in rows]


def qr_payloads(page: str, number: str) -> list[str]:
    """The decoded text of every QR shown on the page for the invoice."""
    images = re.findall(
        rf'<img class="qr" src="data:image/png;base64,([^"]+)"[^>]*data-invoice="{re.escape(number)}"', page
    )
    return [
        code.text
        for image in images
        for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(image))))
    ]


def slip_qr_text(reference: str, bank: str = "014") -> str:
    """The "mini QR" Thai banks print on a transfer slip."""
    inner = f"000600000101{len(bank):02d}{bank}02{len(reference):02d}{reference}"
    body = f"00{len(inner):02d}{inner}5102TH9104"
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def slip_screenshot(reference: str = "2026112314552800001") -> bytes:
    """A phone screenshot of a bank's transfer confirmation, with its slip QR."""
    screen = Image.new("RGB", (540, 960), "white")
    draw = ImageDraw.Draw(screen)
    draw.text((40, 60), "Transfer successful", fill="black")
    draw.text((40, 100), "107,000.00 THB", fill="black")
    qr = io.BytesIO()
    segno.make(slip_qr_text(reference), error="m").save(qr, kind="png", scale=6, border=4)
    screen.paste(Image.open(qr), (120, 400))
    out = io.BytesIO()
    screen.save(out, format="PNG")
    return out.getvalue()


# Uploads arriving in chunks ------------------------------------------------------------------------

BOUNDARY = "mudjamboundary"
CHUNK = 64 * 1024


def multipart_form(content: bytes, field: str = "file") -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="slip.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


class ChunkedUpload:
    """A client sending a body in chunks of CHUNK bytes, with or without declaring its length;
    counts how much of it the server asked for."""

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


class _PageTexts(HTMLParser):
    """The text nodes of the page's body as printed: spaces collapsed, a part's headings in capitals
    (document.css `.part h2 { text-transform: uppercase }`)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._open: list[tuple[str, str]] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._in_body = True
        if tag not in {"br", "img", "meta", "link", "hr"}:
            self._open.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not (self._in_body and text) or any(tag in {"style", "script"} for tag, _ in self._open):
            return
        if self._open[-1][0] == "h2" and any("part" in classes.split() for _, classes in self._open):
            text = text.upper()
        self.texts.append(text)


def page_texts(html: str) -> list[str]:
    parser = _PageTexts()
    parser.feed(html)
    return parser.texts


def readings(extracted: str) -> tuple[str, str]:
    """The extracted text with its line breaks read two ways, no character changed: as spaces (the
    line broke at a space) and, between two Thai letters, as nothing (a Thai line breaks between
    words, where the page has no space)."""
    thai_joined = re.sub(r"(?<=[\u0e00-\u0e7f])[ \t]*(?:\r?\n)+[ \t]*(?=[\u0e00-\u0e7f])", "", extracted)
    return " ".join(extracted.split()), " ".join(thai_joined.split())


def found_in(text: str, extracted: str) -> bool:
    """Whether an extracted text layer holds `text` exactly, however its lines broke."""
    return any(text in reading for reading in readings(extracted))
