"""Links to one invoice or one signed quote: what they open, what issuing one checks, and that the
portal never takes in the AI job report's or the inspection's events (the privacy wall)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from services.portal import use_cases
from services.portal.domain import (
    Business,
    CustomerProfile,
    CustomerScope,
    Invoice,
    InvoiceNotFound,
    LinkScope,
    LinkScopeInvalid,
    LinkScopeKind,
    OutsideLinkScope,
    PortalLinkIssued,
    Quote,
    UnknownInvoice,
    UnknownQuote,
)
from services.portal.entrypoints import events
from services.portal.use_cases import Session
from shared.auth import Principal, Role
from shared.contracts.catalogue import JOBS
from shared.contracts.documents import DocumentKind, document_id
from shared.contracts.upstream import InspectionCompleted, JobReportPublished, QuoteSigned
from tests.unit.portal.fakes import FakePortalUnitOfWork

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
TENANT = "t-1"
SCOPE = CustomerScope(TENANT, "c-1")
NEIGHBOUR = CustomerScope(TENANT, "c-2")
STAFF = Principal("u-1", "Nok", TENANT, frozenset({"*"}), frozenset({Role.STAFF}))
NOTIFICATIONS = Principal(
    "service:notifications", "notifications", TENANT, frozenset({"*"}), frozenset({Role.SERVICE})
)


def _invoice(uow: FakePortalUnitOfWork, scope: CustomerScope = SCOPE) -> UUID:
    invoice = Invoice(
        invoice_id=uuid4(),
        number=f"INV-2026-{uuid4().hex[:4]}",
        kind="standard",
        issue_date=date(2026, 3, 12),
        due_date=date(2026, 4, 11),
        total=Decimal("107000"),
        balance=Decimal("107000"),
        document_id=uuid4(),
    )
    uow.invoices.rows[scope, invoice.invoice_id] = invoice
    return invoice.invoice_id


def _uow() -> FakePortalUnitOfWork:
    uow = FakePortalUnitOfWork()
    for scope in (SCOPE, NEIGHBOUR):
        uow.read_model.customers[TENANT, scope.customer_id] = CustomerProfile(
            TENANT, scope.customer_id, "Somchai", "en"
        )
    uow.read_model.quotes[TENANT, "q-1"] = Quote("q-1", "QT-2026-0007", "c-1", "job-1", NOW)
    uow.read_model.quotes[TENANT, "q-2"] = Quote("q-2", "QT-2026-0008", "c-2", None, NOW)
    return uow


def _session(access: LinkScope, quote_document_id: UUID | None = None) -> Session:
    return Session(
        link_id=uuid4(),
        expires_at=NOW + timedelta(days=30),
        business=Business(TENANT),
        customer=CustomerProfile(TENANT, "c-1", "Somchai", "en"),
        today=date(2026, 3, 12),
        access=access,
        quote_document_id=quote_document_id,
    )


def test_a_link_opens_the_whole_account_unless_it_names_an_invoice_or_a_quote() -> None:
    invoice_id = uuid4()

    assert LinkScope.of() == LinkScope(LinkScopeKind.CUSTOMER)
    assert LinkScope.of(invoice_id=invoice_id) == LinkScope(LinkScopeKind.INVOICE, invoice_id=invoice_id)
    assert LinkScope.of(quote_id="q-1") == LinkScope(LinkScopeKind.QUOTE, quote_id="q-1")


def test_a_link_to_both_an_invoice_and_a_quote_is_refused_naming_the_field() -> None:
    with pytest.raises(LinkScopeInvalid) as refused:
        LinkScope.of(invoice_id=uuid4(), quote_id="q-1")

    assert refused.value.field == "quote_id"


def test_an_invoice_link_opens_that_invoice_only_and_no_page_of_the_whole_account() -> None:
    mine, other = uuid4(), uuid4()
    scope = LinkScope.of(invoice_id=mine)

    assert scope.allows_invoice(mine)
    assert not scope.allows_invoice(other)
    assert LinkScope.of().allows_invoice(other)
    with pytest.raises(OutsideLinkScope):
        scope.require_whole_account()
    with pytest.raises(OutsideLinkScope):
        LinkScope.of(quote_id="q-1").require_whole_account()
    LinkScope.of().require_whole_account()


def test_a_scoped_link_lands_on_its_invoice_or_signed_quote() -> None:
    invoice_id, quote_document = uuid4(), uuid4()

    assert _session(LinkScope.of()).landing_path == "/"
    assert _session(LinkScope.of(invoice_id=invoice_id)).landing_path == f"/invoices/{invoice_id}"
    assert (
        _session(LinkScope.of(quote_id="q-1"), quote_document).landing_path == f"/documents/{quote_document}"
    )


def test_a_signed_quotes_document_is_named_by_its_number_like_every_document() -> None:
    quote = Quote("q-1", "QT-2026-0007", "c-1", None, NOW)

    assert quote.document_id(TENANT) == document_id(TENANT, DocumentKind.SIGNED_QUOTE, "QT-2026-0007")


@pytest.mark.parametrize("staff", [STAFF, NOTIFICATIONS], ids=["staff", "service"])
async def test_an_invoice_link_is_issued_for_the_customers_own_invoice_and_audited_with_its_scope(
    staff: Principal,
) -> None:
    uow = _uow()
    invoice_id = _invoice(uow)

    issued = await use_cases.issue_link(
        uow=uow, staff=staff, customer_id="c-1", invoice_id=invoice_id, expires_in_days=30, now=NOW
    )

    assert issued.link.scope == LinkScope(LinkScopeKind.INVOICE, invoice_id=invoice_id)
    assert uow.links.rows[issued.link.id].scope == issued.link.scope
    [recorded] = uow.recorded
    assert isinstance(recorded.fact, PortalLinkIssued)
    assert (recorded.fact.scope, recorded.fact.invoice_id, recorded.fact.quote_id) == (
        LinkScopeKind.INVOICE,
        invoice_id,
        None,
    )
    assert recorded.actor.user_id == staff.user_id


async def test_a_quote_link_is_issued_for_the_customers_own_signed_quote() -> None:
    uow = _uow()

    issued = await use_cases.issue_link(
        uow=uow, staff=STAFF, customer_id="c-1", quote_id="q-1", expires_in_days=7, now=NOW
    )

    assert issued.link.scope == LinkScope(LinkScopeKind.QUOTE, quote_id="q-1")


@pytest.mark.parametrize(
    ("which", "refused", "field"),
    [
        ("unknown invoice", UnknownInvoice, "invoice_id"),
        ("neighbour's invoice", UnknownInvoice, "invoice_id"),
        ("unknown quote", UnknownQuote, "quote_id"),
        ("neighbour's quote", UnknownQuote, "quote_id"),
        ("both", LinkScopeInvalid, "quote_id"),
    ],
)
async def test_a_link_to_an_invoice_or_quote_that_is_not_the_customers_is_refused_naming_the_field(
    which: str, refused: type[Exception], field: str
) -> None:
    uow = _uow()
    neighbours_invoice = _invoice(uow, NEIGHBOUR)
    own_invoice = _invoice(uow)
    target = {
        "unknown invoice": {"invoice_id": uuid4()},
        "neighbour's invoice": {"invoice_id": neighbours_invoice},
        "unknown quote": {"quote_id": "q-404"},
        "neighbour's quote": {"quote_id": "q-2"},
        "both": {"invoice_id": own_invoice, "quote_id": "q-1"},
    }[which]

    with pytest.raises(refused) as error:
        await use_cases.issue_link(
            uow=uow, staff=STAFF, customer_id="c-1", expires_in_days=30, now=NOW, **target
        )

    assert getattr(error.value, "field", None) == field
    assert (uow.recorded, uow.links.rows) == ([], {})


async def test_an_invoice_link_cannot_report_paying_another_invoice() -> None:
    uow = _uow()
    mine, other = _invoice(uow), _invoice(uow)
    session = _session(LinkScope.of(invoice_id=mine))

    with pytest.raises(InvoiceNotFound):
        await use_cases.report_paid(uow=uow, session=session, invoice_id=other, slip=None, now=NOW)
    outcome = await use_cases.report_paid(uow=uow, session=session, invoice_id=mine, slip=None, now=NOW)

    assert outcome.created
    assert [r.about.id for r in uow.recorded] == [mine]


async def test_pages_of_the_whole_account_are_outside_an_invoice_links_scope() -> None:
    uow = _uow()
    session = _session(LinkScope.of(invoice_id=_invoice(uow)))

    for page in (use_cases.home, use_cases.jobs, use_cases.invoices, use_cases.receipts, use_cases.documents):
        with pytest.raises(OutsideLinkScope):
            await page(uow=uow, session=session)  # type: ignore[operator]
    with pytest.raises(OutsideLinkScope):
        await use_cases.job(uow=uow, session=session, job_id="job-1")


def test_the_portal_never_takes_in_job_reports_or_inspections_though_its_jobs_topic_carries_them() -> None:
    handled = set(events.HANDLERS)

    assert {JobReportPublished, InspectionCompleted} <= set(JOBS.events)
    assert JobReportPublished not in handled
    assert InspectionCompleted not in handled
    assert QuoteSigned in handled
