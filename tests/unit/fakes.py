"""The kernel's unit of work in memory, for unit tests of use cases: it keeps what a use case
recorded (each fact with what it is about, who and when) and hands out numbers per sequence."""

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Self
from uuid import UUID, uuid4

from shared.actors import Actor
from shared.contracts.envelope import EventContext, EventPayload, Fact, Subject
from shared.numbering import NumberSequence


@dataclass(frozen=True)
class Recorded:
    fact: Fact
    about: Subject
    actor: Actor
    at: datetime


class FakeNumbers:
    def __init__(self) -> None:
        self.last: dict[tuple[str, NumberSequence], int] = {}

    async def next(self, *, tenant_id: str, sequence: NumberSequence) -> str:
        value = self.last.get((tenant_id, sequence), 0) + 1
        self.last[tenant_id, sequence] = value
        return sequence.format(value)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.recorded: list[Recorded] = []
        self.numbers = FakeNumbers()
        self.committed = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    async def commit(self) -> None:
        self.committed = True

    async def record(self, fact: Fact, *, about: Subject, actor: Actor, at: datetime) -> None:
        self.recorded.append(Recorded(fact, about, actor, at))

    @property
    def published(self) -> list[EventPayload]:
        return [r.fact for r in self.recorded if isinstance(r.fact, EventPayload)]


def event_context(
    tenant_id: str, *, now: datetime, branch_id: str | None = None, event_id: UUID | None = None
) -> EventContext:
    """An event of this tenant (and branch) applied at `now`; a new event unless `event_id` names
    one again (a redelivery)."""
    return EventContext(
        id=event_id or uuid4(),
        type="test.event.v1",
        tenant_id=tenant_id,
        branch_id=branch_id,
        subject="test",
        time=now,
        correlation_id="test",
        causation_id=None,
        now=now,
    )
