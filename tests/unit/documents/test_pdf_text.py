"""Thai in a PDF's text layer reads back as written (issue 9 §7): ำ, tone marks over vowels, every
cluster in order, in PDFium and in poppler; and the WeasyPrint functions pdf_text replaces are the
ones it was written against."""

import subprocess

import pypdfium2 as pdfium
import pytest
import weasyprint
from PIL import Image, ImageChops

from services.documents.adapters import pdf_text
from services.documents.adapters.renderer import font_faces, html_to_pdf, render_html
from services.documents.content import build_sheet
from tests.helpers import pdf_text as poppler_text
from tests.helpers import pdfium_text
from tests.unit.documents import factories

STRESS = (
    "บริษัท ตัวอย่าง จำกัด",
    "มัดจำ",
    "จำนวนเงิน",
    "น้ำมัน",
    "ผู้เช่า",
    "ที่อยู่",
    "กรุงเทพมหานคร",
    "เครื่องปั่นไฟ",
    "ไม่",
    "ใช่",
    "ฤดู",
    "ทำน้ำดื่ม ค่ำคืน กำไร",
    "Receipt No. RC-2026-0001 ฿1,070.00",
)


def _pdf(lines: tuple[str, ...]) -> bytes:
    faces = "".join(
        f'@font-face {{ font-family: Sarabun; src: url("{face["url"]}"); font-weight: {face["weight"]}; }}'
        for face in font_faces()
    )
    body = "".join(
        f'<p style="font-weight: {weight}">{line}</p>' for weight in (300, 400, 600, 700) for line in lines
    )
    return html_to_pdf(
        f"<html><head><style>{faces} body {{ font-family: Sarabun }}</style></head>{body}</html>"
    )


def test_the_replaced_weasyprint_functions_are_the_ones_pdf_text_was_written_against() -> None:
    """On a WeasyPrint upgrade this fails: compare upstream's new draw_first_line and
    _build_vector_font_dictionary with pdf_text's copies, port the change, then update the pin."""
    assert weasyprint.__version__ == pdf_text.WEASYPRINT_VERSION
    assert pdf_text.upstream_source_digests() == pdf_text.UPSTREAM_SOURCES


def test_thai_reads_back_letter_for_letter_in_pdfium_and_poppler_in_every_weight() -> None:
    pdf = _pdf(STRESS)
    layout = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()

    for extractor, text in (
        ("pdfium", pdfium_text(pdf)),
        ("pdftotext -raw", poppler_text(pdf)),
        ("pdftotext", layout),
    ):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines == list(STRESS) * 4, extractor


def test_a_glyph_drawn_for_two_texts_reads_as_each() -> None:
    """SARA AA is drawn for า and, with NIKHAHIT, for ำ: each place reads as its own letter."""
    lines = ("ตา", "ตำ", "ตา ตำ ตา")

    pdf = _pdf(lines)

    assert [line for line in pdfium_text(pdf).splitlines() if line.strip()] == list(lines) * 4
    assert [line for line in poppler_text(pdf).splitlines() if line.strip()] == list(lines) * 4


def page_images(pdf: bytes) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=3).to_pil().convert("L") for page in document]
    finally:
        document.close()


def test_the_pages_look_as_weasyprint_draws_them_without_the_fix() -> None:
    """The same glyphs at the same places: at 216 dpi no pixel differs by more than 1/255 (PDFium
    places a split text run's glyphs to within float rounding)."""
    html = render_html(
        build_sheet(
            facts=factories.tax_invoice(),
            version=1,
            branch_id="bkk",
            tenant=factories.tenant(),
            customer=factories.customer(),
            language="th",
        )
    )
    fixed = html_to_pdf(html)
    with pdf_text.as_shipped():
        shipped = html_to_pdf(html)

    assert pdfium_text(fixed) != pdfium_text(shipped)
    for ours, theirs in zip(page_images(fixed), page_images(shipped), strict=True):
        assert ImageChops.difference(ours, theirs).getextrema()[1] <= 1


def test_a_line_drawn_from_the_layout_shaped_at_layout_is_the_same_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reusing each line's Pango layout from layout (instead of shaping it again to draw it) makes
    the same PDF, byte for byte: Thai in every weight, and a whole document (floats, tables)."""
    from weasyprint.text.line_break import Layout

    html = render_html(
        build_sheet(
            facts=factories.invoice(),
            version=1,
            branch_id="bkk",
            tenant=factories.tenant(),
            customer=factories.customer(),
            language="th",
        )
    )
    pdf_text.install()
    reused = (_pdf(STRESS), html_to_pdf(html))
    monkeypatch.setattr(Layout, "reactivate", pdf_text._original_reactivate)
    monkeypatch.setattr(Layout, "deactivate", pdf_text._original_deactivate)
    shaped_again = (_pdf(STRESS), html_to_pdf(html))

    assert reused == shaped_again


@pytest.mark.parametrize(
    ("text", "glyphs", "shared_out"),
    [
        ("ก", 1, ["ก"]),
        ("ำ", 2, ["", "ำ"]),  # NIKHAHIT, SARA AA
        ("้ำ", 3, ["", "้", "ำ"]),  # น้ำ: NIKHAHIT moved before the tone mark, then SARA AA
        ("ffi", 1, ["ffi"]),  # a ligature
        ("ffi", 2, ["f", "fi"]),
    ],
)
def test_a_cluster_s_text_is_shared_out_over_its_glyphs_in_drawing_order(
    text: str, glyphs: int, shared_out: list[str]
) -> None:
    assert pdf_text.glyph_texts(text, glyphs) == shared_out
    assert "".join(shared_out) == text
