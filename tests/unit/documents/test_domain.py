"""Documents' rules without I/O: what each version states and announces, the render job's life,
and where its files are kept."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from services.documents.domain import (
    FACTS,
    Document,
    DocumentNotFound,
    DocumentNotRendered,
    DocumentVersion,
    JobStatus,
    Priority,
    RenderJob,
    RetryPolicy,
    StoredFile,
    download_name,
    receipt_facts,
    return_facts,
    storage_key,
    version_status,
    voided_return_facts,
)
from shared.contracts.deposits import (
    CollectionMethod,
    DepositCollected,
    DepositReturned,
    DepositReturnVoided,
    DepositStatus,
    ReturnKind,
    StaffRef,
)
from shared.contracts.documents import DocumentKind, document_id
from tests.unit.documents import factories

NOW = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, initial_delay=timedelta(seconds=1), max_delay=timedelta(seconds=5))
STAFF = StaffRef(user_id="u-1", name="Nok Staff")


def _job(facts: object = None, version: int = 1) -> RenderJob:
    return RenderJob.new(
        id=uuid4(),
        tenant_id="t-1",
        branch_id="bkk",
        facts=facts or factories.deposit_return(),  # type: ignore[arg-type]
        version=version,
        now=NOW,
    )


def test_retries_back_off_exponentially_up_to_the_cap() -> None:
    assert [POLICY.delay(n).total_seconds() for n in range(1, 6)] == [1, 2, 4, 5, 5]


def test_a_job_is_retried_with_backoff_until_its_attempts_are_spent() -> None:
    job = _job()
    outcomes = []
    for attempt in range(POLICY.max_attempts):
        job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))
        gave_up = job.fail(error=f"boom {attempt}", now=NOW, policy=POLICY)
        outcomes.append((gave_up, job.status, job.attempts))

    assert outcomes == [
        (False, JobStatus.PENDING, 1),
        (False, JobStatus.PENDING, 2),
        (False, JobStatus.PENDING, 3),
        (True, JobStatus.FAILED, 4),
    ]
    assert job.last_error == "boom 3"


def test_a_failed_attempt_is_due_again_after_its_backoff() -> None:
    job = _job()
    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))
    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))

    job.fail(error="tenant unknown", now=NOW, policy=POLICY)

    assert job.next_attempt_at == NOW + timedelta(seconds=2)
    assert job.claim_token is None


def test_a_job_that_failed_for_want_of_its_customer_is_marked_to_retry_when_the_customer_arrives() -> None:
    job = _job()
    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))
    job.fail(error="customer c-1 has not arrived yet", now=NOW, policy=POLICY, awaiting_input=True)
    waiting = job.awaiting_input

    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))

    assert (waiting, job.awaiting_input) == (True, False)


def test_only_the_worker_holding_the_claim_may_finish_a_job() -> None:
    job = _job()
    first, second = uuid4(), uuid4()
    job.claim(token=first, now=NOW, lease=timedelta(seconds=90))
    later = NOW + timedelta(seconds=91)

    assert job.lease_expired(later)
    job.claim(token=second, now=later, lease=timedelta(seconds=90))

    assert not job.claimed_by(first)
    assert job.claimed_by(second)
    assert job.attempts == 2


def test_a_job_given_back_at_shutdown_is_due_at_once_and_not_counted_as_an_attempt() -> None:
    job = _job()
    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))

    job.release()

    assert (job.status, job.attempts, job.claim_token) == (JobStatus.PENDING, 0, None)
    assert job.next_attempt_at <= NOW


def test_a_version_is_rendered_in_the_customer_s_language_first_then_in_the_other() -> None:
    job = _job()
    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))
    first = job.next_language("en")

    done = job.language_rendered(first, NOW)

    assert (first, done, job.status, job.claim_token) == ("en", False, JobStatus.PENDING, None)
    assert job.next_attempt_at <= NOW
    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))
    second = job.next_language("en")
    assert (second, job.language_rendered(second, NOW), job.status) == ("th", True, JobStatus.DONE)
    assert job.rendered_languages == ("en", "th")


def test_the_second_language_starts_with_fresh_attempts_behind_what_customers_wait_for() -> None:
    job = _job()
    for _ in range(3):
        job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))
        job.fail(error="boom", now=NOW, policy=POLICY)
    job.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))

    job.language_rendered(job.next_language("th"), NOW)

    assert (job.attempts, job.last_error, job.priority) == (0, None, Priority.OTHER_LANGUAGE)


def test_new_documents_come_before_new_versions_and_those_before_second_languages() -> None:
    new_document, new_version = _job(version=1), _job(version=2)
    second_language = _job()
    second_language.claim(token=uuid4(), now=NOW, lease=timedelta(seconds=90))
    second_language.language_rendered("th", NOW)

    queue = sorted(
        [second_language, new_version, new_document], key=lambda j: (j.priority, j.next_attempt_at)
    )

    assert queue == [new_document, new_version, second_language]


def test_the_second_step_adds_its_file_to_the_version_announced_first() -> None:
    job = _job()
    thai = StoredFile("th", "k/v1-th.pdf", "aa", 10, 1)
    english = StoredFile("en", "k/v1-en.pdf", "bb", 11, 1)
    earlier, first = DocumentVersion.rendered_by(
        job, files=[thai], timezone="Asia/Bangkok", render_ms=40, at=NOW, template_release="r1"
    )
    later = NOW + timedelta(seconds=1)

    version, again = DocumentVersion.rendered_by(
        job,
        files=[english],
        timezone="Asia/Bangkok",
        render_ms=50,
        at=later,
        template_release="r1",
        earlier=earlier,
    )

    assert [f.language for f in first.files] == ["th"]
    assert [f.language for f in again.files] == ["th", "en"]
    assert (version.render_ms, version.rendered_at, again.version) == (90, NOW, first.version)


def test_until_the_other_print_order_exists_the_one_there_is_is_served() -> None:
    job = _job()
    version, _ = DocumentVersion.rendered_by(
        job,
        files=[StoredFile("th", "k/v1-th.pdf", "aa", 10, 1)],
        timezone="Asia/Bangkok",
        render_ms=40,
        at=NOW,
        template_release="r1",
    )

    assert version.file("en").storage_key == "k/v1-th.pdf"


def test_a_job_names_its_document_by_the_shared_document_id() -> None:
    job = _job(factories.receipt())

    assert job.document_id == document_id("t-1", DocumentKind.DEPOSIT_RECEIPT, "DEPR-2026-0001")
    assert (job.kind, job.number, job.customer_id) == (DocumentKind.DEPOSIT_RECEIPT, "DEPR-2026-0001", "c-1")


def test_each_kind_announces_the_amount_reference_and_related_number_of_its_fact() -> None:
    request, receipt, deposit_return = factories.request(), factories.receipt(), factories.deposit_return()

    announced = [(f.amount_stated, f.reference, f.related_number) for f in (request, receipt, deposit_return)]

    assert announced == [
        (Decimal("20000.00"), "", None),
        (Decimal("20000.00"), "KBANK-778812", "DEP-2026-0001"),
        (Decimal("15000.00"), "SLIP-2026-77", "DEP-2026-0001"),
    ]


def test_a_deposit_receipt_is_dated_by_the_business_day_of_collection_in_the_tenant_time_zone() -> None:
    # 18:30 UTC on 12 March is 01:30 on 13 March in Bangkok.
    late = factories.receipt(collected_at=datetime(2026, 3, 12, 18, 30, tzinfo=UTC))

    assert late.issued_on("Asia/Bangkok") == date(2026, 3, 13)
    assert late.issued_on("UTC") == date(2026, 3, 12)


def test_a_voided_return_keeps_its_number_and_date_and_is_void() -> None:
    original = factories.deposit_return()
    event = DepositReturnVoided(
        deposit_id=original.deposit_id,
        deposit_number=original.deposit_number,
        customer_id="c-1",
        status=DepositStatus.HELD,
        return_id=uuid4(),
        receipt_number=original.receipt_number,
        reason="Wrong amount entered",
        voided_at=NOW,
        voided_by=STAFF,
    )

    voided = voided_return_facts(original, event)

    assert (voided.number, voided.issued_on("Asia/Bangkok")) == (original.number, original.returned_on)
    assert (version_status(original), version_status(voided)) == ("issued", "void")
    assert voided.void is not None
    assert voided.void.reason == "Wrong amount entered"


def test_facts_survive_the_round_trip_through_the_job_row() -> None:
    voided = factories.deposit_return(void=factories.void())

    stored = FACTS.dump_python(voided, mode="json")

    assert stored["returned_amount"] == "15000.00"
    assert FACTS.validate_python(stored) == voided


def test_facts_of_a_deposit_event_keep_only_what_the_document_prints() -> None:
    collected = DepositCollected(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0009",
        customer_id="c-1",
        status=DepositStatus.HELD,
        collection_id=uuid4(),
        receipt_number="DEPR-2026-0011",
        amount=Decimal("500.25"),
        method=CollectionMethod.CASH,
        reference="Cash, in person",
        collected_on=date(2026, 3, 1),
        collected_at=NOW,
        collected_by=STAFF,
        amount_requested=Decimal("1000.00"),
        total_collected=Decimal("500.25"),
    )
    returned = DepositReturned(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0009",
        customer_id="c-1",
        status=DepositStatus.FORFEITED,
        return_id=uuid4(),
        receipt_number="DEPRR-2026-0004",
        collection_receipt_numbers=["DEPR-2026-0010", "DEPR-2026-0011"],
        kind=ReturnKind.FORFEIT,
        held_amount=Decimal("1000.00"),
        returned_amount=Decimal("0.00"),
        retained_amount=Decimal("1000.00"),
        reason="Engine seized",
        method=None,
        reference="",
        returned_on=date(2026, 3, 12),
        returned_at=NOW,
        returned_by=STAFF,
    )

    receipt, deposit_return = receipt_facts(collected), return_facts(returned)

    assert (receipt.number, receipt.amount, receipt.collected_by) == (
        "DEPR-2026-0011",
        Decimal("500.25"),
        "Nok Staff",
    )
    assert deposit_return.collection_receipt_numbers == ["DEPR-2026-0010", "DEPR-2026-0011"]
    assert (deposit_return.return_kind, deposit_return.method) == (ReturnKind.FORFEIT, None)
    assert deposit_return.amount_stated == Decimal("0.00")


def test_one_storage_key_per_version_and_language() -> None:
    key = storage_key("t-1", DocumentKind.DEPOSIT_RETURN_RECEIPT, "DEPRR-2026-0001", 2, "th")

    assert key == "t-1/deposit_return_receipt/DEPRR-2026-0001/v2-th.pdf"


def test_a_void_version_downloads_with_void_in_its_name() -> None:
    assert download_name("DEPRR-2026-0001", "issued") == "DEPRR-2026-0001.pdf"
    assert download_name("DEPRR-2026-0001", "void") == "DEPRR-2026-0001-VOID.pdf"


def _document(*versions: int) -> Document:
    return Document(
        document_id=UUID(int=7),
        tenant_id="t-1",
        branch_id="bkk",
        customer_id="c-1",
        kind=DocumentKind.DEPOSIT_RETURN_RECEIPT,
        number="DEPRR-2026-0001",
        related_number="DEP-2026-0001",
        created_at=NOW,
        versions=[
            DocumentVersion(
                version=v,
                status="void" if v == 2 else "issued",
                issued_on=date(2026, 3, 12),
                amount=Decimal("15000.00"),
                reference="SLIP",
                related_number="DEP-2026-0001",
                files=(
                    StoredFile("th", f"k/v{v}-th.pdf", "aa", 10),
                    StoredFile("en", f"k/v{v}-en.pdf", "bb", 11),
                ),
                render_ms=900,
                rendered_at=NOW,
            )
            for v in versions
        ],
    )


def test_the_latest_version_is_served_unless_one_is_named() -> None:
    document = _document(1, 2)

    assert document.rendered_version().version == 2
    assert document.rendered_version(1).file("en").storage_key == "k/v1-en.pdf"
    with pytest.raises(DocumentNotRendered):
        document.rendered_version(3)


def test_a_document_not_rendered_yet_is_not_found() -> None:
    with pytest.raises(DocumentNotRendered):
        _document().rendered_version()


def test_another_customers_document_looks_absent() -> None:
    document = _document(1)

    document.check_customer("c-1")
    document.check_customer(None)
    with pytest.raises(DocumentNotFound):
        document.check_customer("c-2")
