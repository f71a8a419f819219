"""Portal use cases with an in-memory unit of work: what issuing and revoking a link and "I've paid"
record (the action, the subject, the actor), and that a second tap or revocation records nothing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.portal import use_cases
from services.portal.domain import (
    Business,
    CustomerProfile,
    CustomerScope,
    Invoice,
    LinkValidityInvalid,
    PortalLinkIssued,
    PortalLinkRevoked,
    Slip,
    UnknownCustomer,
)
from services.portal.entrypoints import events
from services.portal.use_cases import Session
from shared.auth import Principal
from shared.contracts.catalogue import EVENT_TYPES
from shared.contracts.portal import PaymentReported
from tests.unit.portal.fakes import FakePortalUnitOfWork

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
TENANT = "t-1"
SCOPE = CustomerScope(TENANT, "c-1")
STAFF = Principal("u-1", "Nok", TENANT, frozenset({"*"}), frozenset({"manager"}))


def _uow() -> FakePortalUnitOfWork:
    uow = FakePortalUnitOfWork()
    uow.read_model.customers[TENANT, "c-1"] = CustomerProfile(TENANT, "c-1", "Somchai", "th")
    return uow


async def test_issuing_a_link_records_portal_link_issued_about_the_link_by_the_staff_member() -> None:
    uow = _uow()

    issued = await use_cases.issue_link(uow=uow, staff=STAFF, customer_id="c-1", expires_in_days=30, now=NOW)

    [recorded] = uow.recorded
    assert isinstance(recorded.fact, PortalLinkIssued)
    assert recorded.fact.event_type == "portal_link.issued"
    assert (recorded.about.type, recorded.about.id, recorded.about.tenant_id) == (
        "portal_link",
        issued.link.id,
        TENANT,
    )
    assert (recorded.fact.customer_id, recorded.fact.expires_at) == ("c-1", NOW + timedelta(days=30))
    assert (recorded.actor.user_id, recorded.at) == ("u-1", NOW)
    assert uow.published == []  # an audit entry only: nothing goes on a topic
    assert issued.token not in uow.links.rows[issued.link.id].token_hash


@pytest.mark.parametrize(
    ("customer_id", "days", "refused"), [("c-404", 30, UnknownCustomer), ("c-1", 0, LinkValidityInvalid)]
)
async def test_a_refused_link_records_nothing(customer_id: str, days: int, refused: type[Exception]) -> None:
    uow = _uow()

    with pytest.raises(refused):
        await use_cases.issue_link(
            uow=uow, staff=STAFF, customer_id=customer_id, expires_in_days=days, now=NOW
        )

    assert (uow.recorded, uow.links.rows) == ([], {})


async def test_revoking_twice_records_one_portal_link_revoked() -> None:
    uow = _uow()
    issued = await use_cases.issue_link(uow=uow, staff=STAFF, customer_id="c-1", expires_in_days=30, now=NOW)

    for minutes in (1, 2):
        await use_cases.revoke_link(
            uow=uow, staff=STAFF, link_id=issued.link.id, now=NOW + timedelta(minutes=minutes)
        )

    revoked = [r for r in uow.recorded if isinstance(r.fact, PortalLinkRevoked)]
    assert [(r.fact.event_type, r.about.id, r.at) for r in revoked] == [
        ("portal_link.revoked", issued.link.id, NOW + timedelta(minutes=1))
    ]
    assert uow.links.rows[issued.link.id].revoked_at == NOW + timedelta(minutes=1)


def _invoice_for(uow: FakePortalUnitOfWork) -> UUID:
    invoice = Invoice(
        invoice_id=uuid4(),
        number="INV-2026-0042",
        kind="standard",
        issue_date=date(2026, 3, 12),
        due_date=date(2026, 4, 11),
        total=Decimal("107000"),
        balance=Decimal("57000"),
        document_id=uuid4(),
        branch_id="bkk",
    )
    uow.invoices.rows[SCOPE, invoice.invoice_id] = invoice
    return invoice.invoice_id


def _session() -> Session:
    return Session(
        link_id=uuid4(),
        expires_at=NOW + timedelta(days=30),
        business=Business(TENANT),
        customer=CustomerProfile(TENANT, "c-1", "Somchai", "th"),
        today=date(2026, 3, 12),
    )


async def test_ive_paid_publishes_payment_reported_about_the_invoice_and_its_branch_by_the_customer() -> None:
    uow = _uow()
    invoice_id = _invoice_for(uow)
    slip = Slip(uuid4(), b"\x89PNG fake", "image/png", reference="014-1")

    outcome = await use_cases.report_paid(
        uow=uow, session=_session(), invoice_id=invoice_id, slip=slip, now=NOW
    )

    [recorded] = uow.recorded
    assert isinstance(recorded.fact, PaymentReported)
    assert (recorded.about.type, recorded.about.id, recorded.about.tenant_id, recorded.about.branch_id) == (
        "invoice",
        invoice_id,
        TENANT,
        "bkk",
    )
    assert (recorded.actor.user_id, recorded.actor.name) == ("customer:c-1", "Somchai")
    assert (recorded.fact.report_id, recorded.fact.amount) == (outcome.report.report_id, Decimal("57000"))
    assert recorded.fact.slip is not None
    assert recorded.fact.slip.slip_id == slip.slip_id
    assert uow.slips.rows[slip.slip_id] == (slip, "bkk")


async def test_a_second_tap_returns_the_open_report_and_records_nothing() -> None:
    uow = _uow()
    invoice_id = _invoice_for(uow)

    first, again = [
        await use_cases.report_paid(uow=uow, session=_session(), invoice_id=invoice_id, slip=None, now=NOW)
        for _ in range(2)
    ]

    assert (first.created, again.created) == (True, False)
    assert again.report == first.report
    assert len(uow.published) == 1


def test_the_projection_applies_every_event_it_names_by_a_use_case_of_the_catalogue() -> None:
    handled: dict[Any, Any] = dict(events.HANDLERS)

    assert all(EVENT_TYPES[event.event_type] is event for event in handled)
    assert "invoice.overdue.v1" not in {event.event_type for event in handled}
    assert handled[next(e for e in handled if e.event_type == "job.closed.v1")] is use_cases.apply_job
