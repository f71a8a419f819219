"""The job that renders one document version: pending → rendering → done | failed, with a lease,
bounded retries and backoff, in two steps: the customer's language first (announced at once), then
the other language at a lower priority. Pure."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from uuid import UUID

from services.documents.domain.facts import DocumentFacts
from shared.context import Trace
from shared.contracts.documents import DocumentKind, DocumentRenderFailed, document_id
from shared.contracts.envelope import Subject
from shared.contracts.types import Language

# Every version is rendered in both print orders (each PDF is bilingual): Thai first and English first.
LANGUAGES: tuple[Language, Language] = ("th", "en")

MAX_ERROR_CHARS = 2000


class RenderInputMissing(Exception):
    """A slice the document prints (tenant, customer) has not arrived yet: retry later."""


class OriginalDocumentMissing(Exception):
    """A void or a payment arrived for a document this service never scheduled (the consumer
    retries it)."""


class VersionTaken(Exception):
    """Another schedule took the document's next version meanwhile (the consumer retries, on top)."""


class Priority(IntEnum):
    """Due jobs are taken lowest first, then longest waiting: what a customer waits for comes first."""

    NEW_DOCUMENT = 0  # the customer's language of a document just issued (a receipt, a request)
    NEW_VERSION = 1  # the customer's language of a later version (an invoice after a payment, a void)
    OTHER_LANGUAGE = 2  # the second print order of a version already announced
    RE_RENDER = 3  # an operator's re-render after a template fix: behind everything else


def print_orders(preferred: Language) -> tuple[Language, ...]:
    """The order a version's languages are rendered in: the customer's first."""
    return (preferred, *(language for language in LANGUAGES if language != preferred))


class JobStatus(StrEnum):
    PENDING = "pending"
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff: initial, 2×, 4×… capped at max_delay."""

    max_attempts: int
    initial_delay: timedelta
    max_delay: timedelta

    def delay(self, attempts: int) -> timedelta:
        return min(self.initial_delay * 2 ** max(attempts - 1, 0), self.max_delay)

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


@dataclass
class RenderJob:
    """One version of one document to render: pending → rendering → done | failed."""

    id: UUID
    tenant_id: str
    branch_id: str | None
    document_id: UUID
    kind: DocumentKind
    number: str
    version: int
    customer_id: str
    facts: DocumentFacts
    status: JobStatus
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    locked_until: datetime | None = None
    claim_token: UUID | None = None
    last_error: str | None = None
    finished_at: datetime | None = None
    awaiting_input: bool = False  # failed because the tenant or customer was not known yet
    trace: Trace | None = None  # the request chain that caused the job
    priority: Priority = Priority.NEW_DOCUMENT
    rendered_languages: tuple[Language, ...] = ()  # rendered and announced, in that order

    @classmethod
    def new(
        cls,
        *,
        id: UUID,
        tenant_id: str,
        branch_id: str | None,
        facts: DocumentFacts,
        version: int,
        now: datetime,
        trace: Trace | None = None,
        priority: Priority | None = None,
    ) -> "RenderJob":
        return cls(
            id=id,
            tenant_id=tenant_id,
            branch_id=branch_id,
            document_id=document_id(tenant_id, facts.kind, facts.number),
            kind=facts.kind,
            number=facts.number,
            version=version,
            customer_id=facts.customer_id,
            facts=facts,
            status=JobStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            trace=trace,
            priority=priority
            if priority is not None
            else (Priority.NEW_DOCUMENT if version == 1 else Priority.NEW_VERSION),
        )

    @property
    def subject(self) -> Subject:
        """What the job's announcements are about: its document (also their key, so a document's
        versions reach subscribers in order)."""
        return Subject("document", self.document_id, self.tenant_id, self.branch_id)

    def lease_expired(self, now: datetime) -> bool:
        return self.status is JobStatus.RENDERING and (self.locked_until is None or self.locked_until < now)

    def claim(self, *, token: UUID, now: datetime, lease: timedelta) -> None:
        """Every claim counts as an attempt, so a document that kills its renderer is bounded too."""
        self.status = JobStatus.RENDERING
        self.attempts += 1
        self.awaiting_input = False
        self.claim_token = token
        self.locked_until = now + lease

    def claimed_by(self, token: UUID) -> bool:
        return self.status is JobStatus.RENDERING and self.claim_token == token

    def release(self) -> None:
        """Given back unrendered (the service is shutting down): due again, and not an attempt."""
        self.status = JobStatus.PENDING
        self.attempts = max(self.attempts - 1, 0)
        self.locked_until = self.claim_token = None

    def next_language(self, preferred: Language) -> Language:
        """The language this claim renders: the customer's first, then the other one (a job set to
        render again once done renders the customer's again)."""
        orders = print_orders(preferred)
        return next((lang for lang in orders if lang not in self.rendered_languages), orders[0])

    def language_rendered(self, language: Language, now: datetime) -> bool:
        """One language is stored and announced. Until every language is, the job is due again at
        once for the next, behind whatever a customer is waiting for, with its attempts afresh.
        True when the job is done."""
        if language not in self.rendered_languages:
            self.rendered_languages = (*self.rendered_languages, language)
        if all(lang in self.rendered_languages for lang in LANGUAGES):
            self.finish(now)
            return True
        self.status = JobStatus.PENDING
        self.priority = Priority.OTHER_LANGUAGE
        self.attempts = 0
        self.next_attempt_at = now
        self.locked_until = self.claim_token = None
        self.last_error = None
        return False

    def finish(self, now: datetime) -> None:
        self.status = JobStatus.DONE
        self.locked_until = self.claim_token = None
        self.last_error = None
        self.finished_at = now

    def fail(self, *, error: str, now: datetime, policy: RetryPolicy, awaiting_input: bool = False) -> bool:
        """Schedules the next attempt with backoff; True when the attempts are spent (dead letter).
        A job that was only waiting for the tenant or customer is retried when they arrive."""
        self.last_error = error[:MAX_ERROR_CHARS]
        self.awaiting_input = awaiting_input
        self.locked_until = self.claim_token = None
        if policy.exhausted(self.attempts):
            self.status = JobStatus.FAILED
            self.finished_at = now
            return True
        self.status = JobStatus.PENDING
        self.next_attempt_at = now + policy.delay(self.attempts)
        return False

    def render_failed(self) -> DocumentRenderFailed:
        """The announcement that rendering this version was given up (staff are alerted)."""
        return DocumentRenderFailed(
            document_id=self.document_id,
            kind=self.kind,
            number=self.number,
            version=self.version,
            attempts=self.attempts,
            error=self.last_error or "",
        )
