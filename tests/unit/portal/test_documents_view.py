"""What a customer sees of their documents: a job's signed quote, manifest, current invoice and AI job
report; documents as page images; a year of receipts with each type's total; long lists a page at a
time."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from services.portal.domain import (
    PAGE_SIZE,
    Cursor,
    Document,
    Invoice,
    Job,
    ListPage,
    ReceiptYear,
    Window,
    job_documents,
    page_number,
)
from shared.contracts.documents import DocumentKind


def _document(
    kind: DocumentKind, number: str, issued_on: date, job_id: str | None = "job-1", **more: object
) -> Document:
    return Document(
        document_id=uuid4(),
        kind=kind.value,
        number=number,
        version=1,
        status="issued",
        issued_on=issued_on,
        amount=Decimal("0"),
        reference="",
        languages=("en", "th"),
        job_id=job_id,
        **more,  # type: ignore[arg-type]
    )


def _invoice(number: str, issued_on: date, job_id: str | None = "job-1") -> Invoice:
    return Invoice(
        invoice_id=uuid4(),
        number=number,
        kind="standard",
        issue_date=issued_on,
        due_date=issued_on,
        total=Decimal("107000"),
        balance=Decimal("107000"),
        document_id=uuid4(),
        job_id=job_id,
    )


def _job(stage: str) -> Job:
    return Job(job_id="job-1", number="JOB-2026-0001", stage=stage)


def test_a_job_lists_its_signed_quote_its_manifest_and_its_latest_invoice() -> None:
    quote = _document(DocumentKind.SIGNED_QUOTE, "QT-0007", date(2026, 3, 1))
    manifest = _document(DocumentKind.DELIVERY_MANIFEST, "DM-0003", date(2026, 3, 2))
    other_jobs_manifest = _document(DocumentKind.DELIVERY_MANIFEST, "DM-0004", date(2026, 3, 5), "job-2")
    first, damage = _invoice("INV-2026-0001", date(2026, 3, 10)), _invoice("INV-2026-0009", date(2026, 3, 20))

    shown = job_documents(
        _job("on_site"),
        [quote, manifest, other_jobs_manifest],
        [first, damage, _invoice("INV-2026-0010", date(2026, 3, 25), "job-2")],
    )

    assert shown.signed_quote == quote
    assert shown.delivery_manifest == manifest
    assert shown.current_invoice == damage


def test_the_ai_job_report_shows_once_the_job_is_closed() -> None:
    report = _document(DocumentKind.JOB_REPORT, "RPT-0001", date(2026, 3, 30))

    assert job_documents(_job("returning"), [report], []).job_report is None
    assert job_documents(_job("cancelled"), [report], []).job_report is None
    assert job_documents(_job("closed"), [report], []).job_report == report


def test_a_job_with_nothing_yet_lists_nothing() -> None:
    shown = job_documents(_job("new"), [], [])

    assert (shown.signed_quote, shown.delivery_manifest, shown.current_invoice, shown.job_report) == (
        None,
        None,
        None,
        None,
    )


def test_a_document_shows_as_many_page_images_as_it_has_pages_in_the_language_shown() -> None:
    two_pages_in_thai = _document(DocumentKind.INVOICE, "INV-1", date(2026, 3, 1), pages={"th": 2, "en": 3})
    announced_before_pages_were_counted = _document(DocumentKind.INVOICE, "INV-2", date(2026, 3, 1))
    thai_only = _document(DocumentKind.INVOICE, "INV-3", date(2026, 3, 1), pages={"th": 4})
    thai_only = Document(**{**thai_only.__dict__, "languages": ("th",)})

    assert two_pages_in_thai.page_count("th") == 2
    assert two_pages_in_thai.page_count("en") == 3
    assert announced_before_pages_were_counted.page_count("en") == 1
    assert thai_only.page_count("en") == 4  # shown in the language it exists in


def test_a_year_of_receipts_totals_each_type_in_the_receipts_tab_order() -> None:
    year = ReceiptYear.of(
        2026,
        [2025, 2026, 2024],
        {"deposit_receipt": Decimal("20000"), "receipt": Decimal("57000.50")},
    )

    assert year.years == [2026, 2025, 2024]
    assert year.totals == [
        ("receipt", Decimal("57000.50")),
        ("prepayment_receipt", Decimal("0")),
        ("deposit_receipt", Decimal("20000")),
        ("deposit_return_receipt", Decimal("0")),
    ]
    assert year.has_receipts
    assert not ReceiptYear.of(2023, [2026], {}).has_receipts


@pytest.mark.parametrize(
    ("requested", "total", "shown"),
    [(1, 0, 1), (1, 120, 1), (3, 120, 3), (4, 120, 3), (0, 120, 1), (-5, 120, 1), (2, 50, 1), (2, 51, 2)],
)
def test_a_page_number_stays_within_the_pages_there_are(requested: int, total: int, shown: int) -> None:
    assert page_number(requested, total) == shown


def test_a_list_page_knows_how_many_pages_there_are() -> None:
    assert PAGE_SIZE == 50
    assert ListPage([], 1, 0).last == 1
    assert ListPage([], 1, 50).last == 1
    assert ListPage([], 1, 51).last == 2
    assert ListPage([], 3, 120).last == 3


def test_a_cursor_comes_back_from_its_token_and_anything_else_is_the_first_page() -> None:
    older = Cursor(True, ("2026-03-01", "DEPR-2026-0042", "deposit_receipt"))
    newer = Cursor(False, ("2026-03-01", "INV-2026-0001", "3f1c5c1e-0000-4000-8000-000000000000"))

    assert Cursor.parse(older.token) == older
    assert Cursor.parse(newer.token) == newer
    assert older.token.startswith("o.")
    assert newer.token.startswith("n.")
    for rubbish in (None, "", "o.", "x.abc", "o.!!!", "o." + "A" * 500, "n.bnVsbA", "o.WzFd"):
        assert Cursor.parse(rubbish) is None


def test_a_window_knows_where_it_stands_in_the_list() -> None:
    window = Window(["a", "b"], first=51, total=52)
    assert (window.first, window.last, window.total) == (51, 52, 52)
