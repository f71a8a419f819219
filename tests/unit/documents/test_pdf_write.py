"""A PDF's objects are serialised once per write (`pdf_write`), and the file is the same bytes."""

import pydyf

from services.documents.adapters import pdf_write
from services.documents.adapters.renderer import html_to_pdf, render_html
from services.documents.content import build_sheet
from tests.unit.documents import factories


def test_the_pydyf_functions_pdf_write_relies_on_are_the_ones_it_was_written_against() -> None:
    """On a pydyf upgrade this fails: check that `write` still changes no object while writing
    and that `data` is still computed from the object alone, then update the pin."""
    assert pydyf.__version__ == pdf_write.PYDYF_VERSION
    assert pdf_write.upstream_source_digests() == pdf_write.UPSTREAM_SOURCES


def test_a_document_is_the_same_file_with_each_object_serialised_once() -> None:
    sheet = build_sheet(
        facts=factories.invoice(),
        version=1,
        branch_id="bkk",
        tenant=factories.tenant(),
        customer=factories.customer(preferred_language="th"),
        language="th",
    )
    html = render_html(sheet)
    once = html_to_pdf(html)
    with pdf_write.as_shipped():
        twice = html_to_pdf(html)
    assert once == twice
