"""The customer's view of their account: which jobs are active, what is owed or held, what was
returned, their receipts (by year, with each type's total) and documents, and long lists a page at
a time. Pure: no I/O, no clock."""

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar
from uuid import UUID

from services.portal.domain.invoices import Invoice
from services.portal.domain.reference import Job
from shared.contracts.deposits import DepositStatus, ReturnKind
from shared.contracts.documents import DocumentKind
from shared.errors import NotFound
from shared.money import ZERO

LANGUAGES = ("th", "en")
HOLDING = frozenset({DepositStatus.PARTIALLY_HELD, DepositStatus.HELD})
OWING = frozenset({DepositStatus.PENDING, DepositStatus.PARTIALLY_HELD})
SETTLED = frozenset({DepositStatus.RETURNED, DepositStatus.PARTIALLY_RETURNED, DepositStatus.FORFEITED})


class JobNotFound(NotFound):
    code = "job_not_found"


class DocumentNotFound(NotFound):
    code = "document_not_found"


class DocumentNotReady(NotFound):
    """A document the link opens that the documents service has not announced yet."""

    code = "document_not_ready"


T = TypeVar("T")
PAGE_SIZE = 50


@dataclass(frozen=True)
class ListPage(Generic[T]):
    """One page of a long list: its items, which page it is (from 1) and how many there are."""

    items: list[T]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))


def page_number(requested: int, total: int, size: int = PAGE_SIZE) -> int:
    """The page to show: the one asked for, kept within the pages there are."""
    return min(max(1, requested), max(1, -(-total // size)))


@dataclass(frozen=True)
class Cursor:
    """Where a page of a newest-first list starts: just older than the key (`older`), or just newer
    (the page before it). The key is the sort key of an item, so a page stays the same page
    whatever arrives meanwhile (keyset pagination: nothing is repeated or skipped)."""

    older: bool
    key: tuple[str, ...]

    @property
    def token(self) -> str:
        raw = json.dumps(list(self.key), separators=(",", ":")).encode()
        return ("o." if self.older else "n.") + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str | None) -> "Cursor | None":
        """The cursor of an `at=` query value; None (the first page) for anything else."""
        if not token or len(token) > 400 or token[:2] not in {"o.", "n."}:
            return None
        try:
            body = token[2:]
            key = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(key, list) or not key or not all(isinstance(part, str) for part in key):
            return None
        return cls(token.startswith("o."), tuple(key))


@dataclass(frozen=True)
class Window(Generic[T]):
    """One page of a long newest-first list: its items, where the first stands in the list (from 1),
    how many there are, and the cursors of the newer and older pages (None at either end)."""

    items: list[T]
    first: int
    total: int
    newer: Cursor | None = None
    older: Cursor | None = None

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1


# Language --------------------------------------------------------------------------------------------


def pick_language(
    cookie: str | None, preferred: str | None, default: str | None = None, browser: str | None = None
) -> str:
    """The toggle's choice, else the customer's preferred language, else the browser's (when the
    customer is unknown), else the business's, else Thai."""
    for candidate in (cookie, preferred, browser, default):
        if candidate in LANGUAGES:
            return str(candidate)
    return "th"


def browser_language(accept_language: str | None) -> str | None:
    """The first of Thai or English the browser's Accept-Language header asks for, by weight."""
    weighted = []
    for position, part in enumerate((accept_language or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES and weight > 0:
            weighted.append((-weight, position, primary))
    return min(weighted)[2] if weighted else None


@dataclass(frozen=True)
class JobGroups:
    active: list[Job]
    upcoming: list[Job]
    past: list[Job]

    @property
    def open(self) -> list[Job]:
        return self.active + self.upcoming


def group_jobs(jobs: list[Job], today: date) -> JobGroups:
    """Active (under way), Upcoming (booked, starting after today, not yet dispatched), Past
    (closed or cancelled)."""
    past = [j for j in jobs if j.is_past]
    upcoming = [j for j in jobs if not j.is_past and j.is_upcoming(today)]
    active = [j for j in jobs if not j.is_past and not j.is_upcoming(today)]
    return JobGroups(
        active=sorted(active, key=lambda j: (j.end_date or date.max, j.number)),
        upcoming=sorted(upcoming, key=lambda j: (j.start_date or date.max, j.number)),
        past=sorted(past, key=lambda j: (j.end_date or date.min, j.number), reverse=True),
    )


@dataclass(frozen=True)
class DepositReturnInfo:
    receipt_number: str
    kind: ReturnKind
    returned_amount: Decimal
    retained_amount: Decimal
    reason: str
    returned_on: date

    @property
    def shows_deduction(self) -> bool:
        """Partial returns and forfeits show what was kept and why (the customer reads the reason)."""
        return self.kind is not ReturnKind.FULL


@dataclass(frozen=True)
class Deposit:
    deposit_id: UUID
    number: str
    status: DepositStatus
    amount_requested: Decimal
    collected: Decimal
    job_id: str | None = None
    requested_on: date | None = None
    returned: DepositReturnInfo | None = None

    @property
    def amount_due(self) -> Decimal:
        if self.status not in OWING:
            return ZERO
        return max(self.amount_requested - self.collected, ZERO)


@dataclass(frozen=True)
class DepositSection:
    held: list[Deposit] = field(default_factory=list)
    pending: list[Deposit] = field(default_factory=list)
    returned: list[Deposit] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.held or self.pending or self.returned)


def deposit_section(deposits: list[Deposit]) -> DepositSection:
    """Held (money the business holds), pending (still to pay, with a QR), returned (with any
    deduction). A partly paid deposit is both held and pending."""
    return DepositSection(
        held=[d for d in deposits if d.status in HOLDING],
        pending=[d for d in deposits if d.amount_due > ZERO],
        returned=[d for d in deposits if d.status in SETTLED and d.returned is not None],
    )


def all_caught_up(groups: JobGroups, deposits: DepositSection, outstanding: Sequence[Invoice] = ()) -> bool:
    """Nothing open: no job under way or booked, no invoice or deposit to pay, no deposit waiting to
    come back."""
    return not groups.open and not deposits.pending and not deposits.held and not outstanding


@dataclass(frozen=True)
class Receipt:
    """A deposit receipt (DEPR) or return receipt (DEPRR) names its deposit; a payment receipt (RC)
    its invoice; a pre-payment receipt (PREREC) neither."""

    kind: str
    number: str
    issued_on: date
    amount: Decimal
    method: str | None
    reference: str
    deposit_number: str | None
    void: bool
    document_id: UUID
    retained_amount: Decimal | None = None
    reason: str = ""
    pdf_ready: bool = False
    invoice_number: str | None = None


# The order the Receipts tab totals them in: RC, PREREC, DEPR, DEPRR.
RECEIPT_KIND_ORDER = (
    DocumentKind.RECEIPT,
    DocumentKind.PREPAYMENT_RECEIPT,
    DocumentKind.DEPOSIT_RECEIPT,
    DocumentKind.DEPOSIT_RETURN_RECEIPT,
)


@dataclass(frozen=True)
class ReceiptYear:
    """A year of the customer's receipts, for their bookkeeper: each type's total (void receipts
    left out) and the years there are receipts in."""

    year: int
    years: list[int]
    totals: list[tuple[str, Decimal]]

    @classmethod
    def of(cls, year: int, years: Sequence[int], totals: Mapping[str, Decimal]) -> "ReceiptYear":
        return cls(
            year=year,
            years=sorted(set(years), reverse=True),
            totals=[(kind.value, totals.get(kind.value, ZERO)) for kind in RECEIPT_KIND_ORDER],
        )

    @property
    def has_receipts(self) -> bool:
        return self.year in self.years


@dataclass(frozen=True)
class Document:
    document_id: UUID
    kind: str
    number: str
    version: int
    status: str
    issued_on: date
    amount: Decimal
    reference: str
    languages: tuple[str, ...]
    job_id: str | None = None
    pages: Mapping[str, int] = field(default_factory=dict)  # page count per language

    @property
    def void(self) -> bool:
        return self.status == "void"

    def language_for(self, lang: str) -> str:
        """The PDF in the page's language when rendered in it, else one that exists."""
        if lang in self.languages or not self.languages:
            return lang
        return self.languages[0]

    def page_count(self, lang: str) -> int:
        """How many page images the document has in that language; 1 when documents announced it
        before it counted pages (the first page is always there)."""
        return self.pages.get(self.language_for(lang)) or 1


@dataclass(frozen=True)
class JobDocuments:
    """What a job's page lists under Documents, and its AI job report (customer version)."""

    signed_quote: Document | None = None
    delivery_manifest: Document | None = None
    current_invoice: Invoice | None = None
    job_report: Document | None = None


def _latest(documents: Sequence[Document], kind: DocumentKind) -> Document | None:
    found = [d for d in documents if d.kind == kind.value]
    return max(found, key=lambda d: (d.issued_on, d.number)) if found else None


def job_documents(job: Job, documents: Sequence[Document], invoices: Sequence[Invoice]) -> JobDocuments:
    """The job's signed quote and delivery manifest, its current invoice (the latest issued) and,
    once the job is closed, its AI job report."""
    of_job = [d for d in documents if d.job_id == job.job_id]
    job_invoices = [i for i in invoices if i.job_id == job.job_id]
    return JobDocuments(
        signed_quote=_latest(of_job, DocumentKind.SIGNED_QUOTE),
        delivery_manifest=_latest(of_job, DocumentKind.DELIVERY_MANIFEST),
        current_invoice=max(job_invoices, key=lambda i: (i.issue_date, i.number)) if job_invoices else None,
        job_report=_latest(of_job, DocumentKind.JOB_REPORT) if job.stage == "closed" else None,
    )
