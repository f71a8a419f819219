"""The AI job report's customer version as a PDF (SPEC §5, §6): the business, the job and the
report, the summary and sections in the customer's language first and the other beneath, dated in
the Buddhist Era on the Thai part, and never the internal recommendations."""

from services.documents.adapters.renderer import html_to_pdf, render_html
from services.documents.content import Sheet, build_sheet
from services.documents.domain import job_report_facts
from shared.contracts.types import Language
from tests.helpers import pdfium_text
from tests.unit.documents import factories

REPORT = factories.job_report_published()
SUMMARY = REPORT.customer_summary


def _sheet(language: Language) -> Sheet:
    return build_sheet(
        facts=job_report_facts(REPORT, job_number="JOB-1000"),
        version=1,
        branch_id="bkk",
        tenant=factories.tenant(),
        customer=factories.customer(preferred_language=language),
        language=language,
    )


def test_the_report_states_the_job_the_report_and_its_date_in_each_language() -> None:
    thai, english = _sheet("th").parts

    assert [(row.label, row.value) for row in thai.rows] == [
        ("เลขที่งาน", "JOB-1000"),
        ("เลขที่รายงาน", "RPT-2026-0003"),
        ("วันที่", "28 มีนาคม 2569"),
    ]
    assert [(row.label, row.value) for row in english.rows][2] == ("Date", "28 March 2026")
    assert [(s.title, s.body) for s in english.sections] == [
        ("Summary", SUMMARY.en),
        ("Fuel use", "Fuel use was 8% below the model's rating."),
    ]
    assert thai.sections[0].body == SUMMARY.th


def test_the_report_pdf_reads_the_customer_s_language_first_and_holds_no_recommendation() -> None:
    for language, first, second in (("th", SUMMARY.th, SUMMARY.en), ("en", SUMMARY.en, SUMMARY.th)):
        text = pdfium_text(html_to_pdf(render_html(_sheet(language))))

        assert "Siam Tool Rentals Co., Ltd." in text
        assert "RPT-2026-0003" in text
        assert "JOB-1000" in text
        assert text.index(first) < text.index(second)
        assert factories.RECOMMENDATION_CANARY not in text
        assert "CANARY" not in text
