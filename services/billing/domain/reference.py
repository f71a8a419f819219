"""The slices of other systems billing keeps: the tenant's settings, customers, jobs, and the
deposit amounts retained on a return. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Self
from uuid import UUID

from services.billing.domain.vat import DatedRate, VatRounding, VatTerms, rate_on
from shared.contracts.deposits import ReturnKind
from shared.contracts.upstream import TenantSettingsUpdated
from shared.errors import Conflict, RuleViolation
from shared.numbering import NumberingRules

# A job has started once its equipment left the yard, whatever its start date says.
STARTED_STAGES = frozenset({"delivering", "on_site", "returning", "closed"})
DEFAULT_VAT_RATES = (DatedRate(date(1992, 1, 1), Decimal("0.07")),)


class JobStarted(Conflict):
    code = "job_started"


class JobCancelled(Conflict):
    code = "job_cancelled"


class BranchUnclear(RuleViolation):
    code = "branch_unclear"


@dataclass(frozen=True)
class BranchDetails:
    """A branch as the tax invoices it issues name it."""

    tax_branch_no: str = "00000"
    address_th: str = ""
    address_en: str = ""


@dataclass(frozen=True)
class BillingTenant:
    """A tenant's settings as billing uses them; the defaults stand until the tenant is published."""

    numbering: NumberingRules = field(default_factory=NumberingRules)
    vat_rates: tuple[DatedRate, ...] = DEFAULT_VAT_RATES
    vat_rounding: VatRounding = "satang"
    payment_terms_days: int = 30
    branches: Mapping[str, BranchDetails] = field(default_factory=dict)
    business_name_th: str = ""
    business_name_en: str = ""
    address_th: str = ""
    address_en: str = ""
    tax_id: str = ""
    tax_branch_no: str = ""

    @classmethod
    def of(cls, settings: TenantSettingsUpdated) -> Self:
        return cls(
            numbering=NumberingRules.of(settings),
            vat_rates=tuple(DatedRate(r.effective_from, r.rate) for r in settings.vat_rates),
            vat_rounding=settings.vat_rounding,
            payment_terms_days=settings.payment_terms_days,
            branches={
                b.branch_id: BranchDetails(b.tax_branch_no, b.address_th, b.address_en)
                for b in settings.branches
            },
            business_name_th=settings.business_name_th,
            business_name_en=settings.business_name_en,
            address_th=settings.address_th,
            address_en=settings.address_en,
            tax_id=settings.tax_id,
            tax_branch_no=settings.tax_branch_no,
        )

    @property
    def timezone(self) -> str:
        """The time zone whose business date dates documents and decides what is overdue."""
        return self.numbering.timezone

    def vat_on(self, day: date, *, field: str = "vat_rates") -> VatTerms:
        """The VAT of a day; `field` names the input at fault when no rate was in effect then."""
        return VatTerms(rate_on(self.vat_rates, day, field=field), self.vat_rounding)


@dataclass(frozen=True)
class BillingCustomer:
    """What a tax invoice needs to know about its buyer."""

    tenant_id: str
    customer_id: str
    name: str
    address: str
    tax_id: str | None
    tax_branch_no: str | None


@dataclass(frozen=True)
class Job:
    """A job as billing knows it from the operations system: whose, where, and how far along."""

    tenant_id: str
    job_id: str
    customer_id: str
    branch_id: str | None
    stage: str
    start_date: date | None

    def has_started(self, today: date) -> bool:
        return self.stage in STARTED_STAGES or (self.start_date is not None and self.start_date <= today)

    def branch_for(self, requested: str | None) -> str:
        """Money for a job is taken at the job's branch; staff name it only if the job did not."""
        if self.branch_id and requested and requested != self.branch_id:
            raise BranchUnclear(f"Job {self.job_id} belongs to branch {self.branch_id}", field="branch_id")
        branch = self.branch_id or requested
        if not branch:
            raise BranchUnclear(f"Job {self.job_id} names no branch; say which", field="branch_id")
        return branch

    def check_not_started(self, today: date) -> None:
        """A pre-payment is money received before the job starts (SPEC §4)."""
        if self.stage == "cancelled":
            raise JobCancelled(f"Job {self.job_id} is cancelled", field="job_id")
        if self.has_started(today):
            raise JobStarted(
                f"Job {self.job_id} has started; record the payment on its invoice instead", field="job_id"
            )


@dataclass
class Retention:
    """An amount kept from a deposit on its return (forfeit or partial): taxable, VAT included,
    awaiting a tax invoice until one covers it."""

    return_id: UUID
    tenant_id: str
    branch_id: str | None
    deposit_id: UUID
    deposit_number: str
    return_receipt_number: str
    customer_id: str
    job_id: str | None
    kind: ReturnKind
    retained_amount: Decimal
    reason: str
    returned_on: date
    voided_at: datetime | None = None
    tax_invoice_id: UUID | None = None
    tax_invoice_number: str | None = None

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def awaiting_tax_invoice(self) -> bool:
        return not self.is_void and self.tax_invoice_id is None

    def is_forfeit_on(self, job_id: str | None, customer_id: str) -> bool:
        return (
            not self.is_void
            and self.kind is ReturnKind.FORFEIT
            and job_id is not None
            and self.job_id == job_id
            and self.customer_id == customer_id
        )


class UnknownCustomer(RuleViolation):
    code = "unknown_customer"


class UnknownJob(RuleViolation):
    code = "unknown_job"


def check_job_of(job: Job | None, *, job_id: str, customer_id: str) -> Job:
    """The job the operations system published, and it is this customer's."""
    if job is None:
        raise UnknownJob(f"No job {job_id} is known for this business", field="job_id")
    if job.customer_id != customer_id:
        raise UnknownJob(f"Job {job_id} is another customer's", field="job_id")
    return job
