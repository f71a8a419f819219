"""The event envelope every message on the bus carries (SPEC §2; CloudEvents naming)."""

from datetime import datetime
from typing import Any, ClassVar, Literal, Self
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared.contracts.types import Id


class EventPayload(BaseModel):
    """A fact that happened, past tense; frozen. Subclasses name their versioned type."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    event_type: ClassVar[str]


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
