"""Pre-payments (PREREC): money received for a job before it starts, VAT included, applied to the
job's invoice when that is sent. Pure."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from services.billing.domain.facts import published
from services.billing.domain.invoices import AppliedPrepayment, DateInFuture
from services.billing.domain.reference import Job
from services.billing.domain.vat import VatTerms
from shared.actors import Actor
from shared.contracts import billing as events
from shared.contracts.deposits import CollectionMethod, StaffRef
from shared.contracts.envelope import Subject


@dataclass
class Prepayment:
    id: UUID
    tenant_id: str
    branch_id: str
    customer_id: str
    job_id: str
    receipt_number: str
    amount: Decimal
    vat: VatTerms
    vat_amount: Decimal
    method: CollectionMethod
    reference: str
    paid_on: date
    recorded_at: datetime
    recorded_by: Actor
    invoice_id: UUID | None = None
    invoice_number: str | None = None

    @classmethod
    def receive(
        cls,
        *,
        id: UUID,
        job: Job,
        branch_id: str,
        receipt_number: str,
        amount: Decimal,
        vat: VatTerms,
        method: CollectionMethod,
        reference: str,
        paid_on: date,
        at: datetime,
        by: Actor,
    ) -> tuple["Prepayment", events.PrepaymentRecorded]:
        """Money for the job taken at the branch; the VAT inside it at the rate given."""
        prepayment = cls(
            id=id,
            tenant_id=job.tenant_id,
            branch_id=branch_id,
            customer_id=job.customer_id,
            job_id=job.job_id,
            receipt_number=receipt_number,
            amount=amount,
            vat=vat,
            vat_amount=vat.included_in(amount),
            method=method,
            reference=reference,
            paid_on=paid_on,
            recorded_at=at,
            recorded_by=by,
        )
        recorded = events.PrepaymentRecorded(
            prepayment_id=id,
            receipt_number=receipt_number,
            customer_id=prepayment.customer_id,
            job_id=prepayment.job_id,
            amount=amount,
            vat=published(events.VatBreakdown, vat),
            vat_amount=prepayment.vat_amount,
            method=method,
            reference=reference,
            paid_on=paid_on,
            recorded_by=StaffRef.of(by),
        )
        return prepayment, recorded

    @property
    def subject(self) -> Subject:
        return Subject("prepayment", self.id, self.tenant_id, self.branch_id)

    @property
    def applied(self) -> AppliedPrepayment:
        return AppliedPrepayment(self.id, self.receipt_number, self.amount, self.paid_on)


def check_prepayment(job: Job, *, paid_on: date, today: date) -> None:
    """A pre-payment is for a job that has not started, and not dated in the future."""
    job.check_not_started(today)
    if paid_on > today:
        raise DateInFuture("The payment date cannot be in the future", field="paid_on")
