"""Publishes the upstream events of the operations system (SPEC §9), for demos, tests and
integrators who want to see the contract in action."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Self
from uuid import uuid4

from faststream.kafka import KafkaBroker

from shared.contracts import upstream
from shared.contracts.catalogue import EVENT_TYPES, topic_of
from shared.contracts.envelope import Envelope, EventPayload
from shared.messaging.broker import make_broker
from shared.settings import KafkaSettings

SOURCE = "mudjam/ops-tool"


class OpsPublisher:
    def __init__(self, bootstrap_servers: str) -> None:
        self._broker: KafkaBroker = make_broker(
            KafkaSettings(bootstrap_servers=bootstrap_servers), client_id="mudjam-ops"
        )

    async def __aenter__(self) -> Self:
        await self._broker.connect()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._broker.stop()

    async def publish(
        self, payload: EventPayload, *, tenant_id: str, subject: str, branch_id: str | None = None
    ) -> Envelope:
        envelope = Envelope.of(
            payload,
            source=SOURCE,
            tenant_id=tenant_id,
            branch_id=branch_id,
            subject=subject,
            time=datetime.now(UTC),
            correlation_id=str(uuid4()),
        )
        await self._broker.publish(
            envelope.model_dump(mode="json"),
            topic=topic_of(payload).name,
            key=subject.encode(),
            headers={"ce_type": envelope.type},
        )
        return envelope

    async def publish_raw(
        self,
        event_type: str,
        data: dict[str, Any],
        *,
        tenant_id: str,
        subject: str,
        branch_id: str | None = None,
    ) -> Envelope:
        """Any catalogued event from JSON, validated against its schema first."""
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type!r}; known: {', '.join(sorted(EVENT_TYPES))}")
        payload = EVENT_TYPES[event_type].model_validate(data)
        return await self.publish(payload, tenant_id=tenant_id, subject=subject, branch_id=branch_id)

    async def tenant(self, tenant_id: str, **settings: Any) -> Envelope:
        payload = upstream.TenantSettingsUpdated.model_validate(settings)
        return await self.publish(payload, tenant_id=tenant_id, subject=tenant_id)

    async def customer(self, tenant_id: str, customer_id: str, **fields: Any) -> Envelope:
        payload = upstream.CustomerUpserted.model_validate({"customer_id": customer_id, **fields})
        return await self.publish(payload, tenant_id=tenant_id, subject=customer_id)

    async def quote_accepted(
        self,
        tenant_id: str,
        *,
        branch_id: str,
        quote_id: str,
        customer_id: str,
        deposit: Decimal,
        job_id: str | None = None,
        quote_number: str | None = None,
        internal_notes: str = "",
    ) -> Envelope:
        payload = upstream.QuoteAccepted(
            quote_id=quote_id,
            quote_number=quote_number or quote_id,
            customer_id=customer_id,
            job_id=job_id,
            deposit_amount=deposit,
            accepted_at=datetime.now(UTC),
            internal_notes=internal_notes,
        )
        return await self.publish(payload, tenant_id=tenant_id, subject=quote_id, branch_id=branch_id)

    async def job(
        self,
        tenant_id: str,
        *,
        job_id: str,
        customer_id: str,
        stage: str,
        branch_id: str | None = None,
        job_number: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        equipment: list[dict[str, Any]] | None = None,
        internal_notes: str = "",
        closed_at: datetime | None = None,
    ) -> Envelope:
        fields: dict[str, Any] = {
            "job_id": job_id,
            "job_number": job_number or job_id,
            "customer_id": customer_id,
            "stage": stage,
            "start_date": start_date,
            "end_date": end_date,
            "equipment": equipment or [],
            "internal_notes": internal_notes,
        }
        payload: EventPayload
        if stage == "closed":
            payload = upstream.JobClosed.model_validate(
                {**fields, "closed_at": closed_at or datetime.now(UTC)}
            )
        else:
            payload = upstream.JobStageChanged.model_validate(fields)
        return await self.publish(payload, tenant_id=tenant_id, subject=job_id, branch_id=branch_id)
