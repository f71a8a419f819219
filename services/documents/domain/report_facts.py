"""What the AI job report's customer version states: the summary and the sections, in both
languages, as the operations system published them. Pure.

The report's internal recommendations are for the rental business only: they are dropped here, and
these facts have no field that could hold them, so no stored row and no PDF ever carries them.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.clock import local_date
from shared.contracts.documents import DocumentKind
from shared.contracts.types import Language
from shared.contracts.upstream import Bilingual, JobReportPublished
from shared.money import ZERO


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BilingualFacts(_Fact):
    en: str
    th: str

    def of(self, language: Language) -> str:
        return self.th if language == "th" else self.en


class ReportSectionFacts(_Fact):
    title: BilingualFacts
    body: BilingualFacts


class JobReportFacts(_Fact):
    kind: Literal[DocumentKind.JOB_REPORT] = DocumentKind.JOB_REPORT
    report_id: str
    report_number: str
    job_id: str
    job_number: str  # as the job's own events name it; the job id when none arrived
    customer_id: str
    published_at: datetime
    summary: BilingualFacts
    sections: list[ReportSectionFacts] = []

    @property
    def number(self) -> str:
        return self.report_number

    def issued_on(self, timezone: str) -> date:
        return local_date(self.published_at, timezone)

    @property
    def amount_stated(self) -> Decimal:
        return ZERO

    @property
    def reference(self) -> str:
        return ""

    @property
    def related_number(self) -> str | None:
        return self.job_id


def _bilingual(text: Bilingual) -> BilingualFacts:
    return BilingualFacts(en=text.en, th=text.th)


def job_report_facts(event: JobReportPublished, *, job_number: str | None) -> JobReportFacts:
    """The customer version only: every field is named, so the internal recommendations stay behind."""
    return JobReportFacts(
        report_id=event.report_id,
        report_number=event.report_number,
        job_id=event.job_id,
        job_number=job_number or event.job_id,
        customer_id=event.customer_id,
        published_at=event.published_at,
        summary=_bilingual(event.customer_summary),
        sections=[
            ReportSectionFacts(title=_bilingual(s.title), body=_bilingual(s.body)) for s in event.sections
        ],
    )
