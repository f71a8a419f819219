"""Every document's PDF reads back, in PDFium and in poppler, exactly what its page says: each text
of the page (labels and values, Thai and English) is found in the extracted text, ำ, tone marks and
all, with no normalising on either side."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from services.documents.adapters.renderer import html_to_pdf, render_html
from services.documents.content import Sheet, build_sheet
from services.documents.domain import job_report_facts
from shared.contracts.types import Language
from tests.helpers import pdf_text, pdfium_text
from tests.unit.documents import factories

DOCUMENTS = {
    "deposit request": lambda: factories.request(),
    "deposit receipt (DEPR)": lambda: factories.receipt(),
    "deposit return receipt (DEPRR)": lambda: factories.deposit_return(),
    "voided DEPRR": lambda: factories.deposit_return(void=factories.void()),
    "invoice": lambda: factories.invoice(),
    "invoice with a pre-payment, paid": lambda: factories.prepaid_invoice(
        paid_total=Decimal("107000.00"), balance=Decimal("0.00")
    ),
    "receipt (RC)": lambda: factories.payment_receipt(),
    "pre-payment receipt": lambda: factories.prepayment_receipt(),
    "tax invoice": lambda: factories.tax_invoice(),
    "job report": lambda: job_report_facts(factories.job_report_published(), job_number="JOB-1000"),
}


def sheet(document: str, language: Language) -> Sheet:
    return build_sheet(
        facts=DOCUMENTS[document](),  # type: ignore[no-untyped-call]
        version=1,
        branch_id="bkk",
        tenant=factories.tenant(),
        customer=factories.customer(preferred_language=language),
        language=language,
    )


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


def found(text: str, extracted: str) -> bool:
    return any(text in reading for reading in readings(extracted))


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_text_of_the_page_reads_back_exactly_in_pdfium_and_poppler(
    document: str, language: Language
) -> None:
    html = render_html(sheet(document, language))
    texts = page_texts(html)
    pdf = html_to_pdf(html)

    assert any("ำ" in text for text in texts)  # the letter every PDF used to lose
    for extractor, extracted in (("pdfium", pdfium_text(pdf)), ("pdftotext", pdf_text(pdf))):
        missing = [text for text in texts if not found(text, extracted)]
        assert not missing, (extractor, missing, extracted)
