"""Correlation and causation ids that follow a request through every event it causes."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from uuid import uuid4

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
causation_id: ContextVar[str | None] = ContextVar("causation_id", default=None)


def current_correlation_id() -> str:
    """The id of the request or event being handled; a fresh one outside any."""
    value = correlation_id.get()
    if value is None:
        value = str(uuid4())
        correlation_id.set(value)
    return value


@contextmanager
def bound(*, correlation: str, causation: str | None = None) -> Iterator[None]:
    tokens = correlation_id.set(correlation), causation_id.set(causation)
    try:
        yield
    finally:
        correlation_id.reset(tokens[0])
        causation_id.reset(tokens[1])


@dataclass(frozen=True)
class Trace:
    """The correlation and causation of the work in hand, kept with queued work (a render job, an
    email) so what the worker later logs and publishes stays in the same chain."""

    correlation_id: str
    causation_id: str | None = None

    @classmethod
    def current(cls) -> "Trace":
        return cls(current_correlation_id(), causation_id.get())

    def bound(self) -> AbstractContextManager[None]:
        return bound(correlation=self.correlation_id, causation=self.causation_id)
