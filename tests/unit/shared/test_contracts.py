"""The envelope and catalogue integrators build on (SPEC §2)."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.contracts.catalogue import EVENT_TYPES, TOPICS, topic_of
from shared.contracts.deposits import DepositRequested, DepositStatus
from shared.contracts.envelope import Envelope
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated


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


def _tenant_settings(timezone: str) -> TenantSettingsUpdated:
    return TenantSettingsUpdated(
        business_name_en="Siam Rentals",
        business_name_th="สยามเรนทัล",
        address_en="1 Rama IV",
        address_th="1 พระราม 4",
        tax_id="0105555555555",
        timezone=timezone,
    )


@pytest.mark.parametrize("misspelt", ["Asia/Bankok", "Bangkok", "asia/bangkok ", "../../etc/passwd", ""])
def test_a_business_whose_time_zone_does_not_exist_is_refused_where_its_settings_are_parsed(
    misspelt: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        _tenant_settings(misspelt)
    assert refused.value.errors()[0]["loc"] == ("timezone",)


@pytest.mark.parametrize("zone", ["Asia/Bangkok", "Asia/Ho_Chi_Minh", "UTC"])
def test_a_business_on_a_real_time_zone_is_accepted(zone: str) -> None:
    assert _tenant_settings(zone).timezone == zone
