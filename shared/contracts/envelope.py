"""The event envelope every message on the bus carries (SPEC §2; CloudEvents naming), the facts
services record, what each fact is about, and the context a consumer hands each use case."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal, Self
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared.contracts.types import Id


class Fact(BaseModel):
    """Something that happened, past tense; frozen. Subclasses name their versioned type, which is
    also the action of the audit row the fact is recorded with."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    event_type: ClassVar[str]

    def audit_details(self) -> dict[str, Any]:
        """What the audit trail keeps of the fact: the fact itself, as published."""
        return self.model_dump(mode="json")


class EventPayload(Fact):
    """A fact published on a topic of the catalogue, for other services and integrators."""


class InternalFact(Fact):
    """A fact kept only in the owning service's audit trail (a draft edited, a link issued)."""


@dataclass(frozen=True)
class Subject:
    """What a fact is about: the audit trail's subject, and the tenant, branch and key its event
    carries. `stream` orders the event with another aggregate's (a payment report's invoice)."""

    type: str
    id: UUID | str
    tenant_id: str
    branch_id: str | None = None
    stream: UUID | str | None = None

    @property
    def key(self) -> str:
        return str(self.stream or self.id)


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: UUID
    type: str
    source: str
    time: AwareDatetime
    tenant_id: Id
    branch_id: Id | None = None
    subject: str
    correlation_id: str
    causation_id: str | None = None
    data: dict[str, Any]

    @classmethod
    def of(
        cls,
        payload: EventPayload,
        *,
        source: str,
        tenant_id: str,
        subject: str,
        time: datetime,
        correlation_id: str,
        branch_id: str | None = None,
        causation_id: str | None = None,
    ) -> Self:
        return cls(
            id=uuid4(),
            type=payload.event_type,
            source=source,
            time=time,
            tenant_id=tenant_id,
            branch_id=branch_id,
            subject=subject,
            correlation_id=correlation_id,
            causation_id=causation_id,
            data=payload.model_dump(mode="json"),
        )

    def payload(self) -> EventPayload | None:
        """The typed payload, or None for a type this build does not know (newer producers)."""
        from shared.contracts.catalogue import EVENT_TYPES

        model = EVENT_TYPES.get(self.type)
        return model.model_validate(self.data) if model else None

    def context(self, now: datetime) -> "EventContext":
        return EventContext(
            id=self.id,
            type=self.type,
            tenant_id=self.tenant_id,
            branch_id=self.branch_id,
            subject=self.subject,
            time=self.time,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            now=now,
        )


@dataclass(frozen=True)
class EventContext:
    """The envelope of the event a use case applies, without its data: whose it is (tenant,
    branch), what about (subject), when it happened (`time`) and when it is applied (`now`)."""

    id: UUID
    type: str
    tenant_id: str
    branch_id: str | None
    subject: str
    time: datetime
    correlation_id: str
    causation_id: str | None
    now: datetime
