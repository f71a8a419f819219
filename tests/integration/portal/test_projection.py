"""The portal's read model on the real PostgreSQL: events of different topics in any order, replays
and stale snapshots all end in what the customer should see, and nothing internal is stored."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import CustomerScope, Deposit, Document, Receipt
from shared.contracts import deposits as facts
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered, document_id
from shared.contracts.envelope import Envelope, EventPayload
from shared.contracts.upstream import CustomerUpserted, JobEquipment, JobStageChanged
from shared.messaging.consumer import EventConsumer

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "portal", "portal_it"
T0 = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
STAFF = facts.StaffRef(user_id="u-1", name="Nok Staff")


def _event(scope: CustomerScope, payload: EventPayload, minutes: int) -> Envelope:
    return Envelope.of(
        payload,
        source="tests",
        tenant_id=scope.tenant_id,
        subject="s",
        time=T0 + timedelta(minutes=minutes),
        correlation_id=str(uuid4()),
    )


class DepositStory:
    """The facts of one deposit, each stamped a minute after the one before."""

    def __init__(self, scope: CustomerScope) -> None:
        self.scope, self.deposit_id, self.return_id = scope, uuid4(), uuid4()
        self.common = {
            "deposit_id": self.deposit_id,
            "deposit_number": "DEP-2026-0001",
            "customer_id": scope.customer_id,
            "job_id": "job-1",
        }

    def requested(self) -> Envelope:
        fact = facts.DepositRequested(
            **self.common, status="pending", amount=Decimal("20000"), requested_on=date(2026, 3, 1)
        )
        return _event(self.scope, fact, 1)

    def collected(self) -> Envelope:
        fact = facts.DepositCollected(
            **self.common,
            status="held",
            collection_id=uuid4(),
            receipt_number="DEPR-2026-0001",
            amount=Decimal("20000"),
            method="bank_transfer",
            reference="KBANK-1",
            collected_on=date(2026, 3, 2),
            collected_at=T0,
            collected_by=STAFF,
            amount_requested=Decimal("20000"),
            total_collected=Decimal("20000"),
        )
        return _event(self.scope, fact, 2)

    def returned(self) -> Envelope:
        fact = facts.DepositReturned(
            **self.common,
            status="partially_returned",
            return_id=self.return_id,
            receipt_number="DEPRR-2026-0001",
            collection_receipt_numbers=["DEPR-2026-0001"],
            kind="partial",
            held_amount=Decimal("20000"),
            returned_amount=Decimal("15000"),
            retained_amount=Decimal("5000"),
            reason="cracked filter",
            method="bank_transfer",
            reference="SCB-1",
            returned_on=date(2026, 3, 10),
            returned_at=T0,
            returned_by=STAFF,
        )
        return _event(self.scope, fact, 3)

    def voided(self) -> Envelope:
        fact = facts.DepositReturnVoided(
            **self.common,
            status="held",
            return_id=self.return_id,
            receipt_number="DEPRR-2026-0001",
            reason="typo",
            voided_at=T0,
            voided_by=STAFF,
        )
        return _event(self.scope, fact, 4)


def _rendered(
    scope: CustomerScope,
    number: str,
    version: int,
    status: str = "issued",
    languages: tuple[str, ...] = ("th", "en"),
) -> Envelope:
    kind = DocumentKind.DEPOSIT_RECEIPT
    fact = DocumentRendered(
        document_id=document_id(scope.tenant_id, kind, number),
        kind=kind,
        number=number,
        version=version,
        status=status,
        customer_id=scope.customer_id,
        issued_on=date(2026, 3, 2),
        amount=Decimal("20000"),
        reference="DEP-2026-0001",
        files=[
            DocumentFile(language=lang, storage_key=f"k/{lang}", sha256="0" * 64, size_bytes=1)
            for lang in languages
        ],
        render_ms=5,
    )
    return _event(scope, fact, 10 + version)


async def _view(
    engine: AsyncEngine, scope: CustomerScope
) -> tuple[list[Deposit], list[Receipt], list[Document]]:
    async with PortalUnitOfWork(engine) as uow:
        return (
            await uow.read_model.deposits(scope),
            await uow.read_model.receipts(scope),
            await uow.read_model.documents(scope),
        )


async def test_deposit_events_in_reverse_order_end_in_the_latest_state(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = DepositStory(scope)

    for envelope in (story.returned(), story.collected(), story.requested()):
        assert await consumer.apply(envelope)

    [deposit], receipts, _ = await _view(engine, scope)
    assert deposit.status == "partially_returned"
    assert (deposit.amount_requested, deposit.collected) == (Decimal("20000"), Decimal("20000"))
    assert deposit.requested_on == date(2026, 3, 1)
    assert deposit.returned is not None
    assert (deposit.returned.returned_amount, deposit.returned.retained_amount) == (
        Decimal(15000),
        Decimal(5000),
    )
    assert deposit.returned.reason == "cracked filter"
    assert [(r.number, r.amount, r.void) for r in receipts] == [
        ("DEPRR-2026-0001", Decimal("15000"), False),
        ("DEPR-2026-0001", Decimal("20000"), False),
    ]


async def test_a_void_that_arrives_before_its_return_leaves_the_deposit_held(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = DepositStory(scope)

    for envelope in (story.requested(), story.collected(), story.voided(), story.returned()):
        await consumer.apply(envelope)

    [deposit], receipts, _ = await _view(engine, scope)
    assert deposit.status == "held"
    assert deposit.returned is None
    assert {r.number: r.void for r in receipts} == {"DEPRR-2026-0001": True, "DEPR-2026-0001": False}
    assert next(r for r in receipts if r.void).amount == Decimal("15000")


async def test_a_voided_return_clears_the_returned_amounts(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = DepositStory(scope)

    for envelope in (story.requested(), story.collected(), story.returned(), story.voided()):
        await consumer.apply(envelope)

    [deposit], receipts, _ = await _view(engine, scope)
    assert deposit.status == "held"
    assert deposit.returned is None
    assert {r.number: r.void for r in receipts}["DEPRR-2026-0001"] is True


async def test_redelivered_events_change_nothing(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = DepositStory(scope)
    envelopes = [story.requested(), story.collected(), _rendered(scope, "DEPR-2026-0001", 1)]
    for envelope in envelopes:
        await consumer.apply(envelope)
    before = await _view(engine, scope)

    replayed = [await consumer.apply(envelope) for envelope in envelopes]

    assert replayed == [False, False, False]
    assert await _view(engine, scope) == before


async def test_the_latest_document_version_wins_and_a_receipt_shows_its_pdf_whichever_came_first(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = DepositStory(scope)

    for envelope in (_rendered(scope, "DEPR-2026-0001", 2, "void"), _rendered(scope, "DEPR-2026-0001", 1)):
        await consumer.apply(envelope)
    *_, documents = await _view(engine, scope)
    await consumer.apply(story.collected())
    _, receipts, _ = await _view(engine, scope)

    assert [(d.number, d.version, d.status, d.languages) for d in documents] == [
        ("DEPR-2026-0001", 2, "void", ("en", "th"))
    ]
    assert [(r.number, r.pdf_ready) for r in receipts] == [("DEPR-2026-0001", True)]


async def test_a_version_in_the_customer_s_language_is_offered_at_once_and_the_other_once_announced(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    await consumer.apply(_rendered(scope, "DEPR-2026-0001", 1, languages=("th",)))
    *_, [first] = await _view(engine, scope)
    await consumer.apply(_rendered(scope, "DEPR-2026-0001", 1, languages=("th", "en")))
    *_, [both] = await _view(engine, scope)

    assert (first.version, first.languages, first.language_for("en")) == (1, ("th",), "th")
    assert (both.version, both.languages, both.language_for("en")) == (1, ("en", "th"), "en")


async def test_another_customers_rows_are_never_read(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    await consumer.apply(DepositStory(scope).collected())
    await consumer.apply(_rendered(scope, "DEPR-2026-0001", 1))
    neighbour = CustomerScope(scope.tenant_id, "c-2")
    other_tenant = CustomerScope(f"t-{uuid4().hex[:10]}", scope.customer_id)

    assert await _view(engine, neighbour) == ([], [], [])
    assert await _view(engine, other_tenant) == ([], [], [])


async def test_a_stale_job_snapshot_never_replaces_a_newer_one_and_nothing_internal_is_stored(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    def snapshot(stage: str) -> JobStageChanged:
        return JobStageChanged(
            job_id="job-1",
            job_number="JOB-2026-0001",
            customer_id=scope.customer_id,
            stage=stage,
            equipment=[
                JobEquipment(asset_id="ASSET-SECRET-77", name_en="Plate compactor", name_th="เครื่องตบดิน")
            ],
            internal_notes="INTERNAL-NOTE scratched the van",
        )

    customer = CustomerUpserted(customer_id=scope.customer_id, name="Somchai", private_notes="PRIVATE-NOTE")
    await consumer.apply(_event(scope, customer, 1))
    await consumer.apply(_event(scope, snapshot("on_site"), 5))
    await consumer.apply(_event(scope, snapshot("picking"), 3))

    async with PortalUnitOfWork(engine) as uow:
        [job] = await uow.read_model.jobs(scope)
    async with engine.connect() as conn:
        stored = " ".join(
            [
                str((await conn.execute(text(f"SELECT json_agg(t)::text FROM {table} t"))).scalar())
                for table in ("jobs", "customers")
            ]
        )
    assert job.stage == "on_site"
    assert [e.name_en for e in job.equipment] == ["Plate compactor"]
    assert "Plate compactor" in stored
    assert not [s for s in ("ASSET-SECRET-77", "INTERNAL-NOTE", "PRIVATE-NOTE") if s in stored]
