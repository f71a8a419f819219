"""Every document's PDF reads back, in PDFium and in poppler, exactly what its page says: each text
of the page (labels and values, Thai and English) is found in the extracted text, ำ, tone marks and
all, with no normalising on either side."""

from decimal import Decimal

import pytest

from services.documents.adapters.renderer import html_to_pdf, render_html
from services.documents.content import Sheet, build_sheet
from services.documents.domain import job_report_facts
from shared.contracts.types import Language
from tests.helpers import found_in, page_texts, pdf_text, pdfium_text
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
        missing = [text for text in texts if not found_in(text, extracted)]
        assert not missing, (extractor, missing, extracted)
