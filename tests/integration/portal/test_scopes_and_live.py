"""The portal's read model and link scopes on the real PostgreSQL: a job's documents, a year of
receipts with its totals, long lists a page at a time, links that open one invoice or one signed
quote and nothing else, and the notification each committed change sends the customer's open
pages (and that nothing else sends one)."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.portal import use_cases
from services.portal.adapters.accounts import SessionAccounts
from services.portal.adapters.links import LinkAccount
from services.portal.adapters.live import LiveUpdates
from services.portal.adapters.uow import PortalReads, PortalUnitOfWork
from services.portal.domain import (
    Business,
    Cursor,
    CustomerProfile,
    CustomerScope,
    DocumentNotFound,
    DocumentNotReady,
    InvoiceNotFound,
    LinkScope,
    LinkScopeKind,
    OutsideLinkScope,
    UnknownInvoice,
)
from services.portal.use_cases import Session
from shared.auth import Principal, Role
from shared.contracts import billing
from shared.contracts import deposits as deposit_facts
from shared.contracts.documents import DocumentFile, DocumentKind, DocumentRendered, document_id
from shared.contracts.envelope import Envelope, EventPayload
from shared.contracts.upstream import CustomerUpserted, FileRef, JobClosed, JobStageChanged, QuoteSigned
from shared.messaging.consumer import EventConsumer
from tests.helpers import eventually

pytestmark = pytest.mark.integration
SERVICE, DATABASE = "portal", "portal_it"
T0 = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
STAFF_REF = deposit_facts.StaffRef(user_id="u-1", name="Nok Staff")
VAT = billing.VatBreakdown(rate=Decimal("0.07"), rounding="satang")
NOTIFY_WAIT_S = 10


class Story:
    """Facts about one customer, each stamped a minute after the one before."""

    def __init__(self, scope: CustomerScope) -> None:
        self.scope, self.minute = scope, 0

    def event(self, payload: EventPayload) -> Envelope:
        self.minute += 1
        return Envelope.of(
            payload,
            source="tests",
            tenant_id=self.scope.tenant_id,
            branch_id="bkk",
            subject="s",
            time=T0 + timedelta(minutes=self.minute),
            correlation_id=str(uuid4()),
        )

    def customer(self) -> Envelope:
        return self.event(CustomerUpserted(customer_id=self.scope.customer_id, name="Somchai"))

    def job(self, stage: str, job_id: str = "job-1") -> Envelope:
        common = {"job_id": job_id, "job_number": "JOB-2026-0001", "customer_id": self.scope.customer_id}
        if stage == "closed":
            return self.event(JobClosed(**common, closed_at=T0))
        return self.event(JobStageChanged(**common, stage=stage))

    def rendered(
        self,
        kind: DocumentKind,
        number: str,
        *,
        job_id: str | None = None,
        pages: dict[str, int] | None = None,
        issued_on: date = date(2026, 3, 12),
    ) -> Envelope:
        files = [
            DocumentFile(
                language=lang,
                storage_key=f"k/{number}/{lang}",
                sha256="0" * 64,
                size_bytes=1,
                pages=(pages or {}).get(lang),
            )
            for lang in ("th", "en")
        ]
        return self.event(
            DocumentRendered(
                document_id=document_id(self.scope.tenant_id, kind, number),
                kind=kind,
                number=number,
                version=1,
                status="issued",
                customer_id=self.scope.customer_id,
                issued_on=issued_on,
                amount=Decimal("0"),
                reference="",
                job_id=job_id,
                files=files,
                render_ms=5,
            )
        )

    def invoice_sent(
        self, invoice_id: UUID, number: str, issued_on: date, job_id: str | None = "job-1"
    ) -> Envelope:
        return self.event(
            billing.InvoiceSent(
                invoice_id=invoice_id,
                number=number,
                kind="standard",
                customer_id=self.scope.customer_id,
                job_id=job_id,
                issue_date=issued_on,
                due_date=issued_on + timedelta(days=30),
                lines=[],
                subtotal=Decimal("100000"),
                vat=VAT,
                vat_amount=Decimal("7000"),
                total=Decimal("107000"),
                prepayments=[],
                paid_total=Decimal("0"),
                balance=Decimal("107000"),
                sent_by=STAFF_REF,
            )
        )

    def payment(
        self, invoice_id: UUID, invoice_number: str, receipt: str, amount: str, paid_on: date
    ) -> Envelope:
        return self.event(
            billing.PaymentRecorded(
                invoice_id=invoice_id,
                invoice_number=invoice_number,
                customer_id=self.scope.customer_id,
                payment_id=uuid4(),
                receipt_number=receipt,
                amount=Decimal(amount),
                method="bank_transfer",
                reference="KBANK-1",
                paid_on=paid_on,
                recorded_by=STAFF_REF,
                paid_total=Decimal(amount),
                balance=Decimal("107000") - Decimal(amount),
                status="partial",
            )
        )

    def prepayment(self, receipt: str, amount: str, paid_on: date) -> Envelope:
        return self.event(
            billing.PrepaymentRecorded(
                prepayment_id=uuid4(),
                receipt_number=receipt,
                customer_id=self.scope.customer_id,
                job_id="job-1",
                amount=Decimal(amount),
                vat=VAT,
                vat_amount=Decimal("0"),
                method="promptpay",
                reference="SCB-1",
                paid_on=paid_on,
                recorded_by=STAFF_REF,
            )
        )

    def _deposit(self, deposit_id: UUID) -> dict[str, Any]:
        return {
            "deposit_id": deposit_id,
            "deposit_number": f"DEP-{deposit_id.hex[:6]}",
            "customer_id": self.scope.customer_id,
            "job_id": "job-1",
        }

    def collected(self, deposit_id: UUID, receipt: str, amount: str, collected_on: date) -> Envelope:
        return self.event(
            deposit_facts.DepositCollected(
                **self._deposit(deposit_id),
                status="held",
                collection_id=uuid4(),
                receipt_number=receipt,
                amount=Decimal(amount),
                method="bank_transfer",
                reference="KBANK-1",
                collected_on=collected_on,
                collected_at=T0,
                collected_by=STAFF_REF,
                amount_requested=Decimal(amount),
                total_collected=Decimal(amount),
            )
        )

    def returned(self, deposit_id: UUID, return_id: UUID, receipt: str, amount: str, on: date) -> Envelope:
        return self.event(
            deposit_facts.DepositReturned(
                **self._deposit(deposit_id),
                status="partially_returned",
                return_id=return_id,
                receipt_number=receipt,
                collection_receipt_numbers=[],
                kind="partial",
                held_amount=Decimal("20000"),
                returned_amount=Decimal(amount),
                retained_amount=Decimal("20000") - Decimal(amount),
                reason="cracked filter",
                method="bank_transfer",
                reference="SCB-1",
                returned_on=on,
                returned_at=T0,
                returned_by=STAFF_REF,
            )
        )

    def voided(self, deposit_id: UUID, return_id: UUID, receipt: str) -> Envelope:
        return self.event(
            deposit_facts.DepositReturnVoided(
                **self._deposit(deposit_id),
                status="held",
                return_id=return_id,
                receipt_number=receipt,
                reason="typo",
                voided_at=T0,
                voided_by=STAFF_REF,
            )
        )

    def quote_signed(self, quote_id: str, number: str) -> Envelope:
        return self.event(
            QuoteSigned(
                quote_id=quote_id,
                quote_number=number,
                customer_id=self.scope.customer_id,
                job_id="job-1",
                signed_at=T0,
                document=FileRef(key="intake/x", sha256="a" * 64, size_bytes=10),
            )
        )


def _session(scope: CustomerScope, today: date = date(2026, 3, 12)) -> Session:
    return Session(
        link_id=uuid4(),
        expires_at=T0 + timedelta(days=30),
        business=Business(scope.tenant_id),
        customer=CustomerProfile(scope.tenant_id, scope.customer_id, "Somchai", "en"),
        today=today,
    )


async def _apply(consumer: EventConsumer, *envelopes: Envelope) -> None:
    for envelope in envelopes:
        assert await consumer.apply(envelope)


# A job's documents ---------------------------------------------------------------------------------


async def test_a_closed_jobs_page_lists_its_signed_quote_manifest_current_invoice_and_job_report(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = Story(scope)
    first, damage = uuid4(), uuid4()
    await _apply(
        consumer,
        story.customer(),
        story.job("on_site"),
        story.rendered(DocumentKind.SIGNED_QUOTE, "QT-2026-0007", job_id="job-1", pages={"th": 2, "en": 3}),
        story.rendered(DocumentKind.DELIVERY_MANIFEST, "DM-2026-0003", job_id="job-1"),
        story.rendered(DocumentKind.DELIVERY_MANIFEST, "DM-2026-0009", job_id="job-2"),
        story.invoice_sent(first, "INV-2026-0001", date(2026, 3, 10)),
        story.invoice_sent(damage, "INV-2026-0009", date(2026, 3, 20)),
        story.rendered(DocumentKind.JOB_REPORT, "RPT-2026-0001", job_id="job-1"),
    )

    async with PortalUnitOfWork(engine) as uow:
        open_job = await use_cases.job(uow=uow, session=_session(scope), job_id="job-1")
    await _apply(consumer, story.job("closed"))
    async with PortalUnitOfWork(engine) as uow:
        closed_job = await use_cases.job(uow=uow, session=_session(scope), job_id="job-1")

    documents = closed_job.documents
    assert documents.signed_quote is not None
    assert (documents.signed_quote.number, documents.signed_quote.job_id) == ("QT-2026-0007", "job-1")
    assert dict(documents.signed_quote.pages) == {"th": 2, "en": 3}
    assert documents.signed_quote.page_count("en") == 3
    assert documents.delivery_manifest is not None
    assert documents.delivery_manifest.number == "DM-2026-0003"
    assert documents.current_invoice is not None
    assert documents.current_invoice.invoice_id == damage
    assert documents.job_report is not None
    assert documents.job_report.number == "RPT-2026-0001"
    assert open_job.documents.job_report is None  # only once the job is closed


# Receipts by year ----------------------------------------------------------------------------------


async def test_a_years_receipts_are_listed_with_each_types_total_leaving_out_void_ones(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = Story(scope)
    invoice, deposit, voided_return, live_return = uuid4(), uuid4(), uuid4(), uuid4()
    await _apply(
        consumer,
        story.payment(invoice, "INV-2025-0100", "RC-2025-0100", "1000", date(2025, 12, 31)),
        story.payment(invoice, "INV-2025-0100", "RC-2026-0001", "500.25", date(2026, 1, 1)),
        story.prepayment("PREREC-2026-0001", "300", date(2026, 2, 1)),
        story.collected(deposit, "DEPR-2026-0001", "20000", date(2026, 2, 2)),
        story.returned(deposit, voided_return, "DEPRR-2026-0001", "15000", date(2026, 3, 1)),
        story.voided(deposit, voided_return, "DEPRR-2026-0001"),
        story.returned(deposit, live_return, "DEPRR-2026-0002", "14000", date(2026, 3, 2)),
    )

    async with PortalUnitOfWork(engine) as uow:
        this_year = await use_cases.receipts(uow=uow, session=_session(scope))
        last_year = await use_cases.receipts(uow=uow, session=_session(scope), year=2025)
        empty_year = await use_cases.receipts(uow=uow, session=_session(scope), year=2019)

    assert this_year.year.year == 2026  # this year in the business's time zone by default
    assert this_year.year.years == [2026, 2025]
    assert [r.number for r in this_year.receipts.items] == [
        "DEPRR-2026-0002",
        "DEPRR-2026-0001",
        "DEPR-2026-0001",
        "PREREC-2026-0001",
        "RC-2026-0001",
    ]
    assert [r.void for r in this_year.receipts.items][:2] == [False, True]
    assert this_year.year.totals == [
        ("receipt", Decimal("500.25")),
        ("prepayment_receipt", Decimal("300")),
        ("deposit_receipt", Decimal("20000")),
        ("deposit_return_receipt", Decimal("14000")),
    ]
    assert [r.number for r in last_year.receipts.items] == ["RC-2025-0100"]
    assert last_year.year.totals[0] == ("receipt", Decimal("1000"))
    assert empty_year.receipts.items == []
    assert not empty_year.year.has_receipts


async def test_a_receipt_is_listed_in_the_year_of_the_date_on_its_document_once_rendered(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = Story(scope)
    # Collected on the last day of 2025, its receipt issued (and dated) on 2 January 2026.
    await _apply(consumer, story.collected(uuid4(), "DEPR-2026-0001", "20000", date(2025, 12, 31)))
    async with PortalUnitOfWork(engine) as uow:
        before = await use_cases.receipts(uow=uow, session=_session(scope), year=2025)
    await _apply(
        consumer, story.rendered(DocumentKind.DEPOSIT_RECEIPT, "DEPR-2026-0001", issued_on=date(2026, 1, 2))
    )
    async with PortalUnitOfWork(engine) as uow:
        in_2025 = await use_cases.receipts(uow=uow, session=_session(scope), year=2025)
        in_2026 = await use_cases.receipts(uow=uow, session=_session(scope), year=2026)

    assert [r.number for r in before.receipts.items] == ["DEPR-2026-0001"]
    assert in_2025.receipts.items == []
    assert [(r.number, r.issued_on) for r in in_2026.receipts.items] == [("DEPR-2026-0001", date(2026, 1, 2))]
    assert in_2026.year.years == [2026]
    assert in_2026.year.totals[2] == ("deposit_receipt", Decimal("20000"))


async def test_long_lists_come_fifty_to_a_page_newest_first_with_none_missed_or_repeated(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = Story(scope)
    await _apply(
        consumer,
        *(
            story.collected(uuid4(), f"DEPR-2026-{n:04d}", "100", date(2026, 1, 1) + timedelta(days=n % 300))
            for n in range(1, 121)
        ),
        *(
            story.rendered(DocumentKind.DEPOSIT_RECEIPT, f"DEPR-2026-{n:04d}", issued_on=date(2026, 1, 1))
            for n in range(1, 56)
        ),
    )

    async with PortalUnitOfWork(engine) as uow:
        receipt_pages = [await use_cases.receipts(uow=uow, session=_session(scope), year=2026)]
        while (older := receipt_pages[-1].receipts.older) is not None:
            receipt_pages.append(
                await use_cases.receipts(uow=uow, session=_session(scope), year=2026, at=older)
            )
        # Back from the last page: the page before it, exactly.
        newer = receipt_pages[-1].receipts.newer
        assert newer is not None
        back = await use_cases.receipts(uow=uow, session=_session(scope), year=2026, at=newer)
        # A cursor past the end, or of nothing, shows the first page.
        beyond = await use_cases.receipts(
            uow=uow,
            session=_session(scope),
            year=2026,
            at=Cursor(True, ("2026-01-01", "DEPR-2026-0000", "z")),
        )
        document_pages = [await use_cases.documents(uow=uow, session=_session(scope))]
        while (older_document := document_pages[-1].older) is not None:
            document_pages.append(
                await use_cases.documents(uow=uow, session=_session(scope), at=older_document)
            )

    listed = [[r.number for r in page.receipts.items] for page in receipt_pages]
    assert [len(numbers) for numbers in listed] == [50, 50, 20]
    assert [page.receipts.first for page in receipt_pages] == [1, 51, 101]
    assert {page.receipts.total for page in receipt_pages} == {120}
    assert receipt_pages[0].receipts.newer is None
    assert [r.number for r in back.receipts.items] == listed[1]
    assert [r.number for r in beyond.receipts.items] == listed[0]
    every = listed[0] + listed[1] + listed[2]
    assert sorted(every) == sorted(f"DEPR-2026-{n:04d}" for n in range(1, 121))
    issued = [r.issued_on for page in receipt_pages for r in page.receipts.items]
    assert issued == sorted(issued, reverse=True)
    assert [len(page.items) for page in document_pages] == [50, 5]
    assert not {d.number for d in document_pages[0].items} & {d.number for d in document_pages[1].items}


# Links to one invoice or one quote -----------------------------------------------------------------


async def _link_session(engine: AsyncEngine, scope: CustomerScope, **target: object) -> Session:
    staff = Principal("u-1", "Nok", scope.tenant_id, frozenset({"*"}), frozenset({Role.STAFF}))
    async with PortalUnitOfWork(engine) as uow:
        issued = await use_cases.issue_link(
            uow=uow, staff=staff, customer_id=scope.customer_id, expires_in_days=30, now=T0, **target
        )
        await uow.commit()
    async with PortalUnitOfWork(engine) as uow:
        stored = await uow.links.get(issued.link.id)
        assert stored is not None
        assert stored.scope == issued.link.scope
        return await use_cases.open_link(uow=uow, token=issued.token, now=T0 + timedelta(hours=1))


async def test_an_invoice_link_opens_that_invoice_its_documents_and_its_receipts_only(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = Story(scope)
    mine, other, deposit = uuid4(), uuid4(), uuid4()
    await _apply(
        consumer,
        story.customer(),
        story.invoice_sent(mine, "INV-2026-0042", date(2026, 3, 12)),
        story.invoice_sent(other, "INV-2026-0043", date(2026, 3, 12)),
        story.payment(mine, "INV-2026-0042", "RC-2026-0001", "7000", date(2026, 3, 13)),
        story.payment(other, "INV-2026-0043", "RC-2026-0002", "9000", date(2026, 3, 13)),
        story.collected(deposit, "DEPR-2026-0001", "20000", date(2026, 3, 1)),
        *(
            story.rendered(kind, number)
            for kind, number in [
                (DocumentKind.INVOICE, "INV-2026-0042"),
                (DocumentKind.INVOICE, "INV-2026-0043"),
                (DocumentKind.RECEIPT, "RC-2026-0001"),
                (DocumentKind.RECEIPT, "RC-2026-0002"),
                (DocumentKind.DEPOSIT_RECEIPT, "DEPR-2026-0001"),
            ]
        ),
    )
    tenant = scope.tenant_id

    session = await _link_session(engine, scope, invoice_id=mine)

    assert session.access == LinkScope(LinkScopeKind.INVOICE, invoice_id=mine)
    assert session.landing_path == f"/invoices/{mine}"
    async with PortalUnitOfWork(engine) as uow:
        page = await use_cases.invoice(uow=uow, session=session, invoice_id=mine)
        assert [r.number for r in page.payments] == ["RC-2026-0001"]
        assert page.document is not None
        for number, kind in [("INV-2026-0042", DocumentKind.INVOICE), ("RC-2026-0001", DocumentKind.RECEIPT)]:
            opened = await use_cases.customer_document(
                uow=uow, session=session, document_id=document_id(tenant, kind, number)
            )
            assert opened.number == number
        with pytest.raises(InvoiceNotFound):
            await use_cases.invoice(uow=uow, session=session, invoice_id=other)
        for number, kind in [
            ("INV-2026-0043", DocumentKind.INVOICE),
            ("RC-2026-0002", DocumentKind.RECEIPT),
            ("DEPR-2026-0001", DocumentKind.DEPOSIT_RECEIPT),
        ]:
            with pytest.raises(DocumentNotFound):
                await use_cases.customer_document(
                    uow=uow, session=session, document_id=document_id(tenant, kind, number)
                )
        with pytest.raises(OutsideLinkScope):
            await use_cases.home(uow=uow, session=session)
        with pytest.raises(OutsideLinkScope):
            await use_cases.receipt_year(uow=uow, session=session, year=2026)


async def test_a_link_to_an_invoice_the_portal_has_not_seen_sent_is_refused_naming_the_field(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = Story(scope)
    heard_of_only_by_its_payment = uuid4()
    await _apply(
        consumer,
        story.customer(),
        story.payment(heard_of_only_by_its_payment, "INV-2026-0050", "RC-2026-0009", "100", date(2026, 3, 1)),
    )

    with pytest.raises(UnknownInvoice) as refused:
        await _link_session(engine, scope, invoice_id=heard_of_only_by_its_payment)

    assert refused.value.field == "invoice_id"


async def test_a_quote_link_opens_the_signed_quote_once_rendered_and_nothing_else(
    consumer: EventConsumer, engine: AsyncEngine, scope: CustomerScope
) -> None:
    story = Story(scope)
    await _apply(
        consumer,
        story.customer(),
        story.quote_signed("q-1", "QT-2026-0007"),
        story.rendered(DocumentKind.SIGNED_QUOTE, "QT-2026-0001", job_id="job-1"),  # an older quote's
    )
    session = await _link_session(engine, scope, quote_id="q-1")
    quote_document = document_id(scope.tenant_id, DocumentKind.SIGNED_QUOTE, "QT-2026-0007")

    assert session.landing_path == f"/documents/{quote_document}"
    async with PortalUnitOfWork(engine) as uow:
        with pytest.raises(DocumentNotReady):
            await use_cases.customer_document(uow=uow, session=session, document_id=quote_document)
    await _apply(consumer, story.rendered(DocumentKind.SIGNED_QUOTE, "QT-2026-0007", job_id="job-1"))
    async with PortalUnitOfWork(engine) as uow:
        opened = await use_cases.customer_document(uow=uow, session=session, document_id=quote_document)
        with pytest.raises(DocumentNotFound):
            await use_cases.customer_document(
                uow=uow,
                session=session,
                document_id=document_id(scope.tenant_id, DocumentKind.SIGNED_QUOTE, "QT-2026-0001"),
            )
        with pytest.raises(OutsideLinkScope):
            await use_cases.documents(uow=uow, session=session)

    assert opened.number == "QT-2026-0007"


# Live pages ----------------------------------------------------------------------------------------


@pytest.fixture
async def live(engine: AsyncEngine) -> AsyncIterator[LiveUpdates]:
    updates = LiveUpdates(engine, SessionAccounts(entries=100, ttl_s=60))
    task = asyncio.create_task(updates.run())
    await asyncio.wait_for(updates.listening.wait(), NOTIFY_WAIT_S)
    yield updates
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_committed_change_wakes_that_customers_open_pages_and_nobody_elses(
    consumer: EventConsumer, live: LiveUpdates, scope: CustomerScope
) -> None:
    neighbour = CustomerScope(scope.tenant_id, "c-2")
    story = Story(scope)

    async with (
        live.subscribe(scope) as mine,
        live.subscribe(scope) as my_other_tab,
        live.subscribe(neighbour) as theirs,
    ):
        await consumer.apply(story.job("on_site"))

        await asyncio.wait_for(mine.next(), NOTIFY_WAIT_S)
        await asyncio.wait_for(my_other_tab.next(), NOTIFY_WAIT_S)
        assert not theirs.pending


async def test_nothing_is_sent_for_a_rolled_back_change_a_replay_or_a_stale_snapshot(
    consumer: EventConsumer, engine: AsyncEngine, live: LiveUpdates, scope: CustomerScope
) -> None:
    neighbour = CustomerScope(scope.tenant_id, "c-2")
    story, neighbours = Story(scope), Story(neighbour)
    current = story.job("returning")
    stale = story.event(JobStageChanged(job_id="job-1", job_number="J", customer_id="c-1", stage="new"))
    stale = stale.model_copy(update={"time": T0})  # older than what the portal has

    async with live.subscribe(scope) as mine, live.subscribe(neighbour) as theirs:
        await consumer.apply(current)
        await asyncio.wait_for(mine.next(), NOTIFY_WAIT_S)

        async with PortalUnitOfWork(engine) as uow:  # never committed
            await use_cases.apply_customer(
                uow=uow,
                event=story.customer().context(now=T0),
                fact=CustomerUpserted(customer_id="c-1", name="X"),
            )
        assert not await consumer.apply(current)  # a replay writes nothing
        assert await consumer.apply(stale)  # applied, and changes nothing
        await consumer.apply(neighbours.job("on_site"))  # notifications arrive in commit order

        await asyncio.wait_for(theirs.next(), NOTIFY_WAIT_S)
        assert not mine.pending


async def test_a_kept_session_account_is_read_again_once_its_link_or_its_business_changed(
    consumer: EventConsumer, engine: AsyncEngine, live: LiveUpdates, scope: CustomerScope
) -> None:
    """Another portal process revokes the link, or the business's settings arrive: this process
    hears it from the database and the customer's next page opens on the account as it is now."""
    await consumer.apply(Story(scope).customer())
    session = await _link_session(engine, scope)
    reads = 0

    async def read() -> LinkAccount | None:
        nonlocal reads
        reads += 1
        async with PortalReads(engine) as uow:
            return await uow.links.account(link_id=session.link_id)

    async def kept() -> LinkAccount | None:
        """The account once a page finds it kept (the setup's own notifications heard)."""
        account = await live.accounts.account(session.link_id, read)
        before = reads
        await live.accounts.account(session.link_id, read)
        return account if reads == before else None

    account = await eventually(kept, timeout_s=NOTIFY_WAIT_S)
    assert account.link.revoked_at is None
    assert account.business is None

    async with engine.begin() as conn:  # as another process commits it
        await conn.execute(
            text(
                "UPDATE portal_links SET revoked_at = now(), revoked_by_id = 'm-1',"
                " revoked_by_name = 'Manager' WHERE id = :id"
            ),
            {"id": session.link_id},
        )

    async def revoked() -> bool:
        account = await live.accounts.account(session.link_id, read)
        return account is not None and account.link.revoked_at is not None

    await eventually(revoked, timeout_s=NOTIFY_WAIT_S)

    await eventually(kept, timeout_s=NOTIFY_WAIT_S)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO tenants (tenant_id, business_name_en, business_name_th, phone, email,"
                " promptpay_id, default_language, timezone, as_of) VALUES (:tenant_id, 'Siam Tools',"
                " 'สยามทูลส์', '02', 'a@b.example', '0812345678', 'th', 'Asia/Bangkok', now())"
            ),
            {"tenant_id": scope.tenant_id},
        )

    async def business_known() -> bool:
        account = await live.accounts.account(session.link_id, read)
        return account is not None and account.business is not None

    await eventually(business_known, timeout_s=NOTIFY_WAIT_S)
