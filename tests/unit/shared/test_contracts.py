"""The envelope and catalogue integrators build on (SPEC §2)."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from shared.contracts.catalogue import EVENT_TYPES, TOPICS, topic_of
from shared.contracts.deposits import DepositRequested, DepositStatus
from shared.contracts.envelope import Envelope
from shared.contracts.upstream import CustomerUpserted


def test_every_event_type_is_past_tense_versioned_and_on_exactly_one_topic() -> None:
    seen = [event.event_type for topic in TOPICS for event in topic.events]
    assert len(seen) == len(set(seen)) == len(EVENT_TYPES)
    assert all(t.rsplit(".", 1)[-1].startswith("v") for t in seen)


def test_an_envelope_round_trips_with_its_typed_payload() -> None:
    payload = DepositRequested(
        deposit_id=uuid4(),
        deposit_number="DEP-2026-0001",
        customer_id="c1",
        status=DepositStatus.PENDING,
        amount=Decimal("20000"),
        requested_on=datetime(2026, 11, 23).date(),
    )
    envelope = Envelope.of(
        payload, source="test", tenant_id="t1", subject="d1", time=datetime.now(UTC), correlation_id="corr-1"
    )
    again = Envelope.model_validate_json(envelope.model_dump_json())
    assert again.payload() == payload
    assert again.data["amount"] == "20000.00"
    assert topic_of(payload).name == "mudjam.deposits.v1"


def test_an_unknown_event_type_is_not_an_error_for_older_consumers() -> None:
    envelope = Envelope.of(
        CustomerUpserted(customer_id="c1", name="A"),
        source="test",
        tenant_id="t1",
        subject="c1",
        time=datetime.now(UTC),
        correlation_id="corr",
    ).model_copy(update={"type": "customer.merged.v9"})
    assert envelope.payload() is None
