"""A PDF's objects are serialised once per write and deflated at zlib's default level
(`pdf_write`): the same file as pydyf writes it but for the deflated bytes."""

import pydyf
import pytest
from PIL import ImageChops

from services.documents.adapters import pdf_write
from services.documents.adapters.renderer import html_to_pdf, render_html
from services.documents.content import build_sheet
from tests.helpers import pdfium_text
from tests.unit.documents import factories
from tests.unit.documents.test_pdf_text import page_images


def _invoice_html() -> str:
    sheet = build_sheet(
        facts=factories.invoice(),
        version=1,
        branch_id="bkk",
        tenant=factories.tenant(),
        customer=factories.customer(preferred_language="th"),
        language="th",
    )
    return render_html(sheet)


def test_the_pydyf_functions_pdf_write_relies_on_are_the_ones_it_was_written_against() -> None:
    """On a pydyf upgrade this fails: check that `write` still changes no object while writing
    and that `data` is still computed from the object alone, then update the pin."""
    assert pydyf.__version__ == pdf_write.PYDYF_VERSION
    assert pdf_write.upstream_source_digests() == pdf_write.UPSTREAM_SOURCES


def test_a_document_is_the_same_file_with_each_object_serialised_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    html = _invoice_html()
    monkeypatch.setattr(pdf_write, "DEFLATE_LEVEL", 9)
    once = html_to_pdf(html)
    with pdf_write.as_shipped():
        twice = html_to_pdf(html)
    assert once == twice


def test_a_document_deflated_at_the_default_level_reads_and_looks_the_same() -> None:
    html = _invoice_html()
    ours = html_to_pdf(html)
    with pdf_write.as_shipped():
        shipped = html_to_pdf(html)

    assert ours != shipped
    assert pdfium_text(ours) == pdfium_text(shipped)
    for mine, theirs in zip(page_images(ours), page_images(shipped), strict=True):
        assert ImageChops.difference(mine, theirs).getbbox() is None
