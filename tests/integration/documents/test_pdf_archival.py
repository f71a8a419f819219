"""Documents are archival PDFs (issue 9 §8): PDF/A-3b, identified as such in their XMP metadata, with
an sRGB output intent and every font embedded, so a business can keep them the Revenue
Department's five years and still read them. (`html_to_pdf` writes every document so; the
documents whose text test_pdf_text_documents reads back are these PDF/A files.)"""

import contextlib
import re
import zlib
from xml.etree import ElementTree

import pytest

from services.documents.adapters.renderer import html_to_pdf, render_html
from shared.contracts.types import Language
from tests.helpers import pdf_fonts
from tests.integration.documents.test_pdf_text_documents import DOCUMENTS, sheet

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def streams(pdf: bytes) -> list[bytes]:
    """The file's streams, inflated where compressed (object streams hold the catalog)."""
    found = []
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = stream.group(1)
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        found.append(data)
    return found


def xmp_metadata(pdf: bytes) -> ElementTree.Element:
    """The document's XMP packet."""
    for data in streams(pdf):
        if b"<x:xmpmeta" in data:
            start, end = data.index(b"<x:xmpmeta"), data.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
            return ElementTree.fromstring(data[start:end])
    raise AssertionError("no XMP metadata")


def output_intents(pdf: bytes) -> list[bytes]:
    """The output condition of each PDF/A output intent (/S /GTS_PDFA1) of the catalog."""
    return [
        intent
        for data in [pdf, *streams(pdf)]
        for intent in re.findall(rb"/S /GTS_PDFA1/OutputConditionIdentifier \(([^)]*)\)", data)
    ]


def pdfa_identification(pdf: bytes) -> tuple[str | None, str | None]:
    """(pdfaid:part, pdfaid:conformance) as the XMP metadata states them."""
    part = conformance = None
    for description in xmp_metadata(pdf).iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        part = description.get(f"{PDFAID}part", part)
        conformance = description.get(f"{PDFAID}conformance", conformance)
    return part, conformance


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_document_is_pdf_a_3b_with_every_font_embedded(document: str, language: Language) -> None:
    pdf = html_to_pdf(render_html(sheet(document, language)))

    assert pdfa_identification(pdf) == ("3", "B")
    assert output_intents(pdf) == [b"IEC 61966-2-1 Default RGB Colour Space - sRGB"]
    fonts = pdf_fonts(pdf)
    assert fonts, document
    assert all(embedded == "yes" for _, embedded in fonts), fonts
