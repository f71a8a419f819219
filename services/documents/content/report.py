"""What the AI job report's customer version says: the job, the report's number and date, the
summary and the sections, each in one language. Pure. (Its internal recommendations never reach
these facts.)"""

from services.documents.content.common import Layout, Part, Row, Section, format_day, text
from services.documents.domain import LANGUAGES, JobReportFacts
from shared.contracts.types import Language
from shared.labels import DOCUMENT_KINDS, label


def report_part(facts: JobReportFacts, language: Language, timezone: str) -> Part:
    return Part(
        language=language,
        heading=text("details", language),
        title=label(DOCUMENT_KINDS, facts.kind, language),
        rows=(
            Row(text("job_number", language), facts.job_number),
            Row(text("report_number", language), facts.report_number),
            Row(text("date", language), format_day(facts.issued_on(timezone), language)),
        ),
        amounts=(),
        sections=(
            Section(text("summary", language), facts.summary.of(language)),
            *(Section(s.title.of(language), s.body.of(language)) for s in facts.sections),
        ),
    )


def report_layout(facts: JobReportFacts) -> Layout:
    return Layout(title={lang: label(DOCUMENT_KINDS, facts.kind, lang) for lang in LANGUAGES})
