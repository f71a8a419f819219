"""What is inside a PDF, by PDFium (pypdfium2): its pages, and a page as a PNG for phones, whose
browsers often show no PDF inside a page.

PDFium is not thread-safe, so every call holds one lock; callers run these functions in a thread
(`asyncio.to_thread`), never on the event loop.
"""

import io
import threading

import pypdfium2 as pdfium

_PDFIUM = threading.Lock()
# A page image is at most this many times as tall as it is wide (A4 is 1.41), so a PDF with a
# ribbon-shaped page cannot make a bitmap of gigabytes.
MAX_ASPECT = 3


class PageOutOfRange(Exception):
    pass


def page_count(content: bytes) -> int | None:
    """The number of pages; None when PDFium cannot open the bytes as a PDF."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(content)
        except pdfium.PdfiumError:
            return None
        try:
            return len(document)
        finally:
            document.close()


def page_png(content: bytes, page: int, *, width_px: int) -> tuple[bytes, int]:
    """Page `page` (1-based) drawn `width_px` wide (less for a very tall page), as a PNG; and the
    number of pages. PageOutOfRange when the document has no such page."""
    with _PDFIUM:
        document = pdfium.PdfDocument(content)
        try:
            pages = len(document)
            if not 1 <= page <= pages:
                raise PageOutOfRange(f"page {page} of {pages}")
            pdf_page = document[page - 1]
            width_pt, height_pt = pdf_page.get_size()
            scale = min(width_px / width_pt, width_px * MAX_ASPECT / height_pt)
            png = io.BytesIO()
            pdf_page.render(scale=scale).to_pil().save(png, format="PNG")
            pdf_page.close()
        finally:
            document.close()
    return png.getvalue(), pages
