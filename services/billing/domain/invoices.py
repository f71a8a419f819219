"""The invoice aggregate: its totals, sending, payments and the pre-payments applied to it. Pure:
no I/O, no clock (`today` is the tenant's business date, passed in)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from services.billing.domain.facts import InvoiceDrafted, InvoiceLinesEdited, ProofAttached, published
from services.billing.domain.lines import LineItem
from services.billing.domain.reference import Retention
from services.billing.domain.vat import VatTerms, check_amount
from shared.actors import Actor
from shared.contracts import billing as events
from shared.contracts.billing import InvoiceKind, InvoiceStatus
from shared.contracts.deposits import CollectionMethod, StaffRef
from shared.contracts.envelope import Subject
from shared.errors import Conflict, NotFound, RuleViolation
from shared.money import ZERO

OPEN = frozenset({InvoiceStatus.SENT, InvoiceStatus.PARTIAL})
ISSUED = frozenset({InvoiceStatus.SENT, InvoiceStatus.PARTIAL, InvoiceStatus.PAID})


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"


class PaymentNotFound(NotFound):
    code = "payment_not_found"


class ProofNotFound(NotFound):
    code = "proof_not_found"


class InvoiceNotDraft(Conflict):
    code = "invoice_not_draft"


class InvoiceNotSent(Conflict):
    code = "invoice_not_sent"


class InvoiceAlreadyPaid(Conflict):
    code = "invoice_already_paid"


class AlreadyOnTaxInvoice(Conflict):
    code = "already_on_tax_invoice"


class PaymentExceedsBalance(RuleViolation):
    code = "payment_exceeds_balance"


class NothingToInvoice(RuleViolation):
    code = "nothing_to_invoice"


class DateInFuture(RuleViolation):
    code = "date_in_future"


@dataclass(frozen=True)
class AppliedPrepayment:
    prepayment_id: UUID
    receipt_number: str
    amount: Decimal
    paid_on: date


@dataclass(frozen=True)
class Payment:
    id: UUID
    receipt_number: str
    amount: Decimal
    method: CollectionMethod
    reference: str
    paid_on: date
    recorded_at: datetime
    recorded_by: Actor
    report_id: UUID | None = None
    has_proof: bool = False

    def proof_attached(self, *, content_type: str, sha256: str) -> ProofAttached:
        return ProofAttached(payment_id=self.id, content_type=content_type, sha256=sha256)


@dataclass
class Invoice:
    id: UUID
    tenant_id: str
    branch_id: str
    customer_id: str
    kind: InvoiceKind
    status: InvoiceStatus
    created_at: datetime
    created_by: Actor
    vat: VatTerms
    job_id: str | None = None
    related_deposit_id: UUID | None = None
    related_deposit_number: str | None = None
    payment_terms_days: int | None = None  # this invoice's own terms, else the tenant's
    lines: list[LineItem] = field(default_factory=list)
    subtotal: Decimal = ZERO
    vat_amount: Decimal = ZERO
    total: Decimal = ZERO
    number: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    sent_at: datetime | None = None
    sent_by: Actor | None = None
    prepayments: list[AppliedPrepayment] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    tax_invoice_id: UUID | None = None
    tax_invoice_number: str | None = None
    overdue_alerted_at: datetime | None = None

    @classmethod
    def draft(
        cls,
        *,
        id: UUID,
        tenant_id: str,
        branch_id: str,
        customer_id: str,
        kind: InvoiceKind,
        job_id: str | None,
        forfeit: Retention | None,
        payment_terms_days: int | None,
        lines: list[LineItem],
        vat: VatTerms,
        at: datetime,
        by: Actor,
    ) -> tuple["Invoice", InvoiceDrafted]:
        """A draft (no number yet) priced with the VAT given; a damage invoice names its forfeit."""
        invoice = cls(
            id=id,
            tenant_id=tenant_id,
            branch_id=branch_id,
            customer_id=customer_id,
            kind=kind,
            status=InvoiceStatus.DRAFT,
            created_at=at,
            created_by=by,
            vat=vat,
            job_id=job_id,
            related_deposit_id=forfeit.deposit_id if forfeit else None,
            related_deposit_number=forfeit.deposit_number if forfeit else None,
            payment_terms_days=payment_terms_days,
        )
        invoice.price(lines, vat)
        drafted = InvoiceDrafted(kind=kind, customer_id=customer_id, job_id=job_id, **invoice._totals())
        return invoice, drafted

    @property
    def subject(self) -> Subject:
        return Subject("invoice", self.id, self.tenant_id, self.branch_id)

    def _totals(self) -> dict[str, Decimal | int]:
        return {
            "lines": len(self.lines),
            "subtotal": self.subtotal,
            "vat_amount": self.vat_amount,
            "total": self.total,
        }

    @property
    def prepaid_total(self) -> Decimal:
        return sum((p.amount for p in self.prepayments), ZERO)

    @property
    def payments_total(self) -> Decimal:
        """Payments recorded on the invoice itself (RC receipts)."""
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def paid_total(self) -> Decimal:
        """Everything received against the invoice: its pre-payments and its payments."""
        return self.prepaid_total + self.payments_total

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid_total

    def _status_after_money(self) -> InvoiceStatus:
        if self.balance == ZERO:
            return InvoiceStatus.PAID
        return InvoiceStatus.PARTIAL if self.paid_total > ZERO else InvoiceStatus.SENT

    def is_overdue(self, today: date) -> bool:
        """Past the due date in the tenant's time zone with a balance: derived, never stored."""
        return (
            self.status in OPEN
            and self.due_date is not None
            and today > self.due_date
            and self.balance > ZERO
        )

    # Drafting -------------------------------------------------------------------------------------

    def check_draft(self) -> None:
        if self.status is not InvoiceStatus.DRAFT:
            raise InvoiceNotDraft(f"Invoice {self.number} is {self.status.value}; only a draft can change")

    def price(self, lines: list[LineItem], vat: VatTerms) -> None:
        """Sets the lines and the totals: VAT on the subtotal, total = subtotal + VAT."""
        self.check_draft()
        subtotal = sum((line.amount for line in lines), ZERO)
        check_amount(subtotal, field="lines")
        vat_amount = vat.on_net(subtotal)
        check_amount(subtotal + vat_amount, field="lines")
        self.lines, self.vat = lines, vat
        self.subtotal, self.vat_amount, self.total = subtotal, vat_amount, subtotal + vat_amount

    def edit_lines(self, lines: list[LineItem], vat: VatTerms) -> InvoiceLinesEdited:
        """A draft's new lines, priced again."""
        self.price(lines, vat)
        return InvoiceLinesEdited(**self._totals())

    # Sending --------------------------------------------------------------------------------------

    def check_sendable(self) -> None:
        self.check_draft()
        if self.total <= ZERO:
            raise NothingToInvoice("An invoice needs a total above zero to be sent", field="lines")

    def prepayments_to_apply(self, unapplied: Sequence[AppliedPrepayment]) -> list[AppliedPrepayment]:
        """The job's unapplied pre-payments, oldest first, while together they do not exceed the
        total; a pre-payment that would take the balance below zero waits for a later invoice.
        A damage invoice takes none: pre-payments pay for the rental."""
        if self.kind is not InvoiceKind.STANDARD or self.job_id is None:
            return []
        chosen: list[AppliedPrepayment] = []
        applied = ZERO
        for prepayment in sorted(unapplied, key=lambda p: (p.paid_on, p.receipt_number)):
            if applied + prepayment.amount <= self.total:
                chosen.append(prepayment)
                applied += prepayment.amount
        return chosen

    def send(
        self,
        *,
        number: str,
        issue_date: date,
        terms_days: int,
        prepayments: Sequence[AppliedPrepayment],
        at: datetime,
        by: Actor,
    ) -> events.InvoiceSent:
        self.check_sendable()
        due_date = issue_date + timedelta(days=terms_days)
        self.number, self.issue_date, self.due_date = number, issue_date, due_date
        self.payment_terms_days = terms_days
        self.sent_at, self.sent_by = at, by
        self.prepayments = list(prepayments)
        self.status = self._status_after_money()
        return events.InvoiceSent(
            invoice_id=self.id,
            number=number,
            kind=self.kind,
            customer_id=self.customer_id,
            job_id=self.job_id,
            issue_date=issue_date,
            due_date=due_date,
            lines=[published(events.InvoiceLine, line) for line in self.lines],
            subtotal=self.subtotal,
            vat=published(events.VatBreakdown, self.vat),
            vat_amount=self.vat_amount,
            total=self.total,
            prepayments=[published(events.AppliedPrepayment, p) for p in self.prepayments],
            paid_total=self.paid_total,
            balance=self.balance,
            related_deposit_number=self.related_deposit_number,
            sent_by=StaffRef.of(by),
        )

    def flag_overdue(self, *, today: date, at: datetime) -> events.InvoiceOverdue | None:
        """Once, when the invoice is past its due date with a balance."""
        if self.overdue_alerted_at is not None or not self.is_overdue(today):
            return None
        assert self.number is not None
        assert self.due_date is not None
        self.overdue_alerted_at = at
        return events.InvoiceOverdue(
            invoice_id=self.id,
            invoice_number=self.number,
            customer_id=self.customer_id,
            due_date=self.due_date,
            balance=self.balance,
        )

    # Payments -------------------------------------------------------------------------------------

    def check_payment(self, amount: Decimal, paid_on: date, today: date) -> None:
        if self.status is InvoiceStatus.DRAFT:
            raise InvoiceNotSent("A draft invoice cannot be paid; send it first")
        if self.balance <= ZERO:
            raise InvoiceAlreadyPaid(f"Invoice {self.number} is paid; nothing is left to pay")
        if amount > self.balance:
            raise PaymentExceedsBalance(
                f"The payment is above the balance of {self.balance} on invoice {self.number}", field="amount"
            )
        if paid_on > today:
            raise DateInFuture("The payment date cannot be in the future", field="paid_on")

    def record_payment(self, payment: Payment, today: date) -> events.PaymentRecorded:
        self.check_payment(payment.amount, payment.paid_on, today)
        assert self.number is not None
        self.payments.append(payment)
        self.status = self._status_after_money()
        return events.PaymentRecorded(
            invoice_id=self.id,
            invoice_number=self.number,
            customer_id=self.customer_id,
            job_id=self.job_id,
            payment_id=payment.id,
            receipt_number=payment.receipt_number,
            amount=payment.amount,
            method=payment.method,
            reference=payment.reference,
            paid_on=payment.paid_on,
            recorded_by=StaffRef.of(payment.recorded_by),
            paid_total=self.paid_total,
            balance=self.balance,
            status=self.status,
            report_id=payment.report_id,
        )

    def can_be_reported_by(self, customer_id: str) -> bool:
        """A customer reports paying their own invoice once it was sent."""
        return self.customer_id == customer_id and self.status is not InvoiceStatus.DRAFT

    def payment(self, payment_id: UUID) -> Payment:
        found = next((p for p in self.payments if p.id == payment_id), None)
        if found is None:
            raise PaymentNotFound("Payment not found")
        return found

    # Tax invoice ----------------------------------------------------------------------------------

    def check_taxable(self) -> None:
        """A tax invoice covers a sent, partial or paid invoice, once."""
        if self.status not in ISSUED:
            raise InvoiceNotSent("A tax invoice is issued from a sent invoice; this one is a draft")
        if self.tax_invoice_id is not None:
            raise AlreadyOnTaxInvoice(
                f"Invoice {self.number} is already on tax invoice {self.tax_invoice_number}"
            )


class DamageBasisInvalid(RuleViolation):
    code = "damage_basis_invalid"


def damage_basis(
    kind: InvoiceKind,
    *,
    job_id: str | None,
    customer_id: str,
    related_deposit_id: UUID | None,
    retained_from_deposit: Sequence[Retention],
) -> Retention | None:
    """A damage invoice bills what the forfeited deposit on its job did not cover: it names that
    deposit. A standard invoice names none."""
    if kind is InvoiceKind.STANDARD:
        if related_deposit_id is not None:
            raise DamageBasisInvalid("Only a damage invoice names a deposit", field="related_deposit_id")
        return None
    if job_id is None:
        raise DamageBasisInvalid("A damage invoice is on the job the damage happened on", field="job_id")
    if related_deposit_id is None:
        raise DamageBasisInvalid(
            "A damage invoice names the deposit forfeited for the damage", field="related_deposit_id"
        )
    forfeit = next((r for r in retained_from_deposit if r.is_forfeit_on(job_id, customer_id)), None)
    if forfeit is None:
        raise DamageBasisInvalid(
            "The deposit was not forfeited on this job for this customer", field="related_deposit_id"
        )
    return forfeit
