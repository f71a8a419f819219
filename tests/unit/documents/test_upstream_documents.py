"""Documents from the operations system, with fakes: an upload is refused the moment it passes the
cap and kept only if it is the file its checksum names; a signed document's file must be exactly the
PDF its event states; the AI job report keeps its customer version only; every document tied to a
job says so."""

import hashlib
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from PIL import Image

from services.documents import use_cases
from services.documents.adapters.pdf import PageOutOfRange, page_count, page_png
from services.documents.domain import (
    FACTS,
    BundleNames,
    DocumentVersion,
    JobReportFacts,
    PageNotFound,
    RenderJob,
    SignedDocument,
    StoredFile,
    Upload,
    UploadChecksumMismatch,
    UploadEmpty,
    UploadTooLarge,
    download_name,
    intake_storage_key,
    job_report_facts,
    receipt_facts,
    storage_key,
)
from services.documents.entrypoints.schemas import kinds_of
from shared.auth import Principal
from shared.contracts.deposits import DepositCollected, DepositStatus, StaffRef
from shared.contracts.documents import DocumentKind
from shared.errors import RuleViolation, UnprocessableEvent
from tests.unit.documents import factories
from tests.unit.documents.fakes import FakeStorage

NOW = datetime(2026, 3, 25, 3, tzinfo=UTC)
SHA_OF_HELLO = hashlib.sha256(b"hello").hexdigest()
OPERATIONS = Principal("ops", "Operations", "t-1", frozenset({"*"}), frozenset({"operations"}))


async def _chunks(*chunks: bytes, pulled: list[bytes] | None = None) -> AsyncIterator[bytes]:
    for chunk in chunks:
        if pulled is not None:
            pulled.append(chunk)
        yield chunk


# The intake ---------------------------------------------------------------------------------------


def test_an_upload_is_refused_at_the_first_chunk_past_the_cap_naming_the_body() -> None:
    upload = Upload(sha256=SHA_OF_HELLO, max_bytes=10)
    upload.add(b"12345")
    upload.add(b"67890")

    with pytest.raises(UploadTooLarge) as refused:
        upload.add(b"!")

    assert refused.value.field == "body"


def test_a_declared_length_over_the_cap_is_refused_before_anything_is_read() -> None:
    with pytest.raises(UploadTooLarge):
        Upload(sha256=SHA_OF_HELLO, max_bytes=10).check_declared_size("11")
    Upload(sha256=SHA_OF_HELLO, max_bytes=10).check_declared_size("10")


def test_an_upload_that_is_not_the_file_its_path_names_is_refused_naming_sha256() -> None:
    upload = Upload(sha256=SHA_OF_HELLO, max_bytes=100)
    upload.add(b"hellO")

    with pytest.raises(UploadChecksumMismatch) as refused:
        upload.finish()

    assert refused.value.field == "sha256"


def test_an_empty_upload_is_refused() -> None:
    with pytest.raises(UploadEmpty):
        Upload(sha256=SHA_OF_HELLO, max_bytes=100).finish()


def test_an_upload_is_known_by_a_key_resolved_only_within_the_event_s_tenant() -> None:
    upload = Upload(sha256=SHA_OF_HELLO, max_bytes=100)
    upload.add(b"hel")
    upload.add(b"lo")

    receipt = upload.finish()

    assert (receipt.key, receipt.size_bytes) == (f"intake/{SHA_OF_HELLO}", 5)
    assert intake_storage_key("t-1", receipt.key) == f"t-1/intake/{SHA_OF_HELLO}"
    assert intake_storage_key("t-2", receipt.key) == f"t-2/intake/{SHA_OF_HELLO}"


@pytest.mark.parametrize(
    "key",
    ["t-1/intake/" + SHA_OF_HELLO, "intake/../t-2/x", "intake/" + SHA_OF_HELLO.upper(), "intake/", "x"],
)
def test_a_key_the_intake_never_gives_names_no_file(key: str) -> None:
    assert intake_storage_key("t-1", key) is None


async def test_an_upload_over_the_cap_stops_reading_and_keeps_nothing() -> None:
    storage = FakeStorage()
    pulled: list[bytes] = []

    with pytest.raises(UploadTooLarge):
        await use_cases.receive_upload(
            storage=storage,
            uploader=OPERATIONS,
            sha256=SHA_OF_HELLO,
            declared_length=None,
            chunks=_chunks(b"1234", b"5678", b"9", b"never read", pulled=pulled),
            max_bytes=8,
        )

    assert pulled == [b"1234", b"5678", b"9"]
    assert (storage.files, storage.staged) == ({}, 0)


async def test_an_upload_is_kept_once_and_uploading_it_again_is_harmless() -> None:
    storage = FakeStorage()

    async def upload() -> tuple[object, bool]:
        return await use_cases.receive_upload(
            storage=storage,
            uploader=OPERATIONS,
            sha256=SHA_OF_HELLO,
            declared_length="5",
            chunks=_chunks(b"he", b"llo"),
            max_bytes=8,
        )

    first, second = await upload(), await upload()

    assert (first[1], second[1]) == (True, False)
    assert storage.files == {f"t-1/intake/{SHA_OF_HELLO}": b"hello"}


# Signed documents: the file must be exactly the PDF the event states -----------------------------


def _signed(content: bytes, **file: object) -> SignedDocument:
    return SignedDocument.of(factories.quote_signed(content, document=factories.file_ref(content, **file)))


def _check(signed: SignedDocument, content: bytes) -> int:
    return signed.check_file(content, sha256=hashlib.sha256(content).hexdigest(), count_pages=page_count)


def test_a_signed_pdf_is_accepted_with_its_page_count() -> None:
    pdf = factories.pdf_bytes(pages=3)

    assert _check(_signed(pdf), pdf) == 3


def test_a_text_file_posing_as_a_pdf_is_refused_naming_the_document() -> None:
    text = b"Signed by phone, see attached\n"

    with pytest.raises(UnprocessableEvent, match=r"^signed quote Q-2026-0007: the file is not a PDF$"):
        _check(_signed(text), text)


def test_a_file_that_only_starts_like_a_pdf_is_refused() -> None:
    fake = b"%PDF-1.7\nnot really a PDF at all"

    with pytest.raises(UnprocessableEvent, match="not a PDF that can be opened"):
        _check(_signed(fake), fake)


def test_a_file_of_another_size_or_checksum_than_the_event_states_is_refused() -> None:
    pdf = factories.pdf_bytes()
    manifest = SignedDocument.of(factories.manifest_signed(pdf))

    with pytest.raises(UnprocessableEvent, match=r"^delivery manifest DM-2026-0042: the file has"):
        _check(manifest, pdf + b"\n")
    with pytest.raises(UnprocessableEvent, match="sha256 is not the one the event states"):
        manifest.check_file(pdf, sha256="0" * 64, count_pages=page_count)


def test_a_file_claimed_as_another_type_or_over_the_cap_is_refused_before_it_is_read() -> None:
    pdf = factories.pdf_bytes()

    with pytest.raises(UnprocessableEvent, match="declared as 'text/plain', not application/pdf"):
        _signed(pdf, content_type="text/plain").check_claims(max_bytes=1024 * 1024)
    with pytest.raises(UnprocessableEvent, match=r"over the 0\.5 MiB cap"):
        _signed(pdf, size_bytes=600_000).check_claims(max_bytes=512 * 1024)
    _signed(pdf).check_claims(max_bytes=len(pdf))


def test_a_signed_version_serves_the_same_bytes_in_both_languages_dated_the_day_it_was_signed() -> None:
    pdf = factories.pdf_bytes(pages=2)
    signed = _signed(pdf)

    version = signed.version(number=1, storage_key="t-1/k.pdf", pages=2, timezone="Asia/Bangkok", at=NOW)
    rendered = signed.announcement("t-1", version)

    assert version.issued_on == date(2026, 3, 25)  # 18:30 UTC on the 24th is the 25th in Bangkok
    assert {(f.language, f.storage_key, f.pages) for f in rendered.files} == {
        ("th", "t-1/k.pdf", 2),
        ("en", "t-1/k.pdf", 2),
    }
    assert (rendered.kind, rendered.number, rendered.job_id, rendered.amount, rendered.status) == (
        DocumentKind.SIGNED_QUOTE,
        "Q-2026-0007",
        "J-1000",
        0,
        "issued",
    )


# The AI job report: the customer version only -----------------------------------------------------


def test_the_job_report_facts_keep_the_customer_version_and_drop_the_internal_recommendations() -> None:
    facts = job_report_facts(factories.job_report_published(), job_number="JOB-1000")

    stored = FACTS.dump_json(facts).decode()

    assert factories.RECOMMENDATION_CANARY not in stored
    assert "internal_recommendations" not in JobReportFacts.model_fields
    assert (facts.number, facts.job_number, facts.job_id, facts.related_number) == (
        "RPT-2026-0003",
        "JOB-1000",
        "J-1000",
        "J-1000",
    )
    assert facts.summary.of("th").startswith("เครื่องปั่นไฟ")
    assert facts.issued_on("Asia/Bangkok") == date(2026, 3, 28)


def test_the_job_report_facts_cannot_be_given_the_recommendations() -> None:
    facts = job_report_facts(factories.job_report_published(), job_number=None)

    with pytest.raises(ValueError, match="internal_recommendations"):
        FACTS.validate_python(
            {**facts.model_dump(mode="json"), "internal_recommendations": [factories.RECOMMENDATION_CANARY]}
        )
    assert facts.job_number == "J-1000"  # no job event arrived: the id stands in


# Every document tied to a job says so -------------------------------------------------------------


def test_a_deposit_receipt_announces_its_job_and_the_pages_of_each_file() -> None:
    stated = factories.receipt()
    collected = DepositCollected(
        deposit_id=stated.deposit_id,
        deposit_number=stated.deposit_number,
        customer_id=stated.customer_id,
        job_id="J-1000",
        status=DepositStatus.HELD,
        collection_id=uuid4(),
        receipt_number=stated.receipt_number,
        amount=stated.amount,
        method=stated.method,
        reference=stated.payment_reference,
        collected_on=stated.collected_on,
        collected_at=stated.collected_at,
        collected_by=StaffRef(user_id="u-1", name=stated.collected_by),
        amount_requested=stated.amount_requested,
        total_collected=stated.total_collected,
    )
    job = RenderJob.new(
        id=uuid4(), tenant_id="t-1", branch_id="bkk", facts=receipt_facts(collected), version=1, now=NOW
    )
    files = [StoredFile("th", "k-th.pdf", "aa", 10, 1), StoredFile("en", "k-en.pdf", "bb", 10, 1)]

    _, rendered = DocumentVersion.rendered_by(
        job, files=files, timezone="Asia/Bangkok", render_ms=5, at=NOW, template_release="r1"
    )

    assert rendered.job_id == "J-1000"
    assert [f.pages for f in rendered.files] == [1, 1]


def test_facts_stored_before_jobs_were_kept_still_read_back_without_a_job() -> None:
    stored = factories.receipt().model_dump(mode="json")
    stored.pop("job_id")

    assert FACTS.validate_python(stored).job_id is None


# Names, keys and pages -----------------------------------------------------------------------------


def test_a_zip_tells_two_kinds_of_the_same_number_apart_and_marks_a_void_version() -> None:
    names = BundleNames()

    assert [
        names.name(DocumentKind.RECEIPT, "R-2026-0001", "issued"),
        names.name(DocumentKind.DEPOSIT_RECEIPT, "R-2026-0001", "issued"),
        names.name(DocumentKind.DEPOSIT_RETURN_RECEIPT, "DEPRR-2026-0002", "void"),
    ] == ["R-2026-0001.pdf", "deposit_receipt-R-2026-0001.pdf", "DEPRR-2026-0002-VOID.pdf"]


def test_an_upstream_number_that_is_not_a_plain_token_makes_no_folder_and_no_broken_file_name() -> None:
    key = storage_key("t-1", DocumentKind.SIGNED_QUOTE, "Q/2026/../7", 1, "th")

    assert key.count("/") == 3
    assert ".." not in key
    assert storage_key("t-1", DocumentKind.RECEIPT, "RC-2026-0001", 1, "th") == (
        "t-1/receipt/RC-2026-0001/v1-th.pdf"
    )
    assert download_name('Q/2026:"7"', "issued") == "Q-2026--7-.pdf"


def test_a_page_is_drawn_at_the_width_asked_and_a_missing_page_is_out_of_range() -> None:
    pdf = factories.pdf_bytes(pages=2)

    png, pages = page_png(pdf, 2, width_px=600)

    assert pages == 2
    assert Image.open(io.BytesIO(png)).size == (600, 850)  # A4: 600 × 842/595
    with pytest.raises(PageOutOfRange):
        page_png(pdf, 3, width_px=600)


def test_a_ribbon_shaped_page_is_drawn_no_taller_than_three_widths() -> None:
    png, _ = page_png(factories.pdf_bytes(width=100, height=20_000), 1, width_px=400)

    width, height = Image.open(io.BytesIO(png)).size
    assert height <= 1200
    assert width < 400


@pytest.mark.parametrize(
    ("given", "kinds"),
    [
        ([], set()),
        (["receipt,deposit_receipt"], {DocumentKind.RECEIPT, DocumentKind.DEPOSIT_RECEIPT}),
        (["receipt", "signed_quote"], {DocumentKind.RECEIPT, DocumentKind.SIGNED_QUOTE}),
    ],
)
def test_kinds_are_given_repeated_or_separated_by_commas(given: list[str], kinds: set[DocumentKind]) -> None:
    assert kinds_of(given) == kinds


def test_an_unknown_kind_is_refused_naming_kinds() -> None:
    with pytest.raises(RuleViolation) as refused:
        kinds_of(["receipt,recipe"])

    assert refused.value.field == "kinds"
    assert "recipe" in refused.value.message


async def test_a_page_is_drawn_once_then_served_from_storage() -> None:
    storage = FakeStorage()
    storage.put("t-1/job_report/RPT-1/v1-th.pdf", factories.pdf_bytes(pages=2))
    stored = StoredFile("th", "t-1/job_report/RPT-1/v1-th.pdf", "ab" * 32, 1, None)  # pages not counted
    version = DocumentVersion(1, "issued", date(2026, 3, 28), Decimal(0), "", None, (stored,), 1, NOW)
    page = use_cases.PageToServe(use_cases.FileToServe.of(version, "th", "RPT-1.pdf"), 2, 300)

    drawn = await use_cases.page_image(storage=storage, page=page)
    del storage.files["t-1/job_report/RPT-1/v1-th.pdf"]
    served = await use_cases.page_image(storage=storage, page=page)

    assert served == drawn
    assert Image.open(io.BytesIO(served)).width == 300
    assert page.image_key == "t-1/job_report/RPT-1/v1-th-p2-w300.png"
    beyond = use_cases.PageToServe(page.file, 3, 300)
    storage.put("t-1/job_report/RPT-1/v1-th.pdf", factories.pdf_bytes(pages=2))
    with pytest.raises(PageNotFound):
        await use_cases.page_image(storage=storage, page=beyond)
