"""What a document prints besides its facts: the business, the customer and the job, the slices of
the operations system's tenants, customers and jobs this service keeps. Pure."""

from dataclasses import dataclass
from typing import Literal, Self

from shared.contracts.types import Language
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated


@dataclass(frozen=True)
class BranchProfile:
    branch_id: str
    code: str
    name_en: str
    name_th: str
    tax_branch_no: str = "00000"
    address_en: str = ""
    address_th: str = ""
    phone: str = ""


@dataclass(frozen=True)
class TenantProfile:
    """The rental business as its documents print it."""

    tenant_id: str
    business_name_en: str
    business_name_th: str
    address_en: str
    address_th: str
    tax_id: str
    tax_branch_no: str = "00000"
    phone: str = ""
    email: str = ""
    promptpay_id: str = ""
    timezone: str = "Asia/Bangkok"
    default_language: Language = "th"
    branches: tuple[BranchProfile, ...] = ()

    @classmethod
    def of(cls, tenant_id: str, settings: TenantSettingsUpdated) -> Self:
        return cls(
            tenant_id=tenant_id,
            business_name_en=settings.business_name_en,
            business_name_th=settings.business_name_th,
            address_en=settings.address_en,
            address_th=settings.address_th,
            tax_id=settings.tax_id,
            tax_branch_no=settings.tax_branch_no,
            phone=settings.phone,
            email=settings.email,
            promptpay_id=settings.promptpay_id,
            timezone=settings.timezone,
            default_language=settings.default_language,
            branches=tuple(
                BranchProfile(
                    branch_id=b.branch_id,
                    code=b.code,
                    name_en=b.name_en,
                    name_th=b.name_th,
                    tax_branch_no=b.tax_branch_no,
                    address_en=b.address_en,
                    address_th=b.address_th,
                    phone=b.phone,
                )
                for b in settings.branches
            ),
        )

    def branch(self, branch_id: str | None) -> BranchProfile | None:
        return next((b for b in self.branches if b.branch_id == branch_id), None)


@dataclass(frozen=True)
class CustomerProfile:
    """The customer as documents print them; private notes, email and phone are never kept."""

    customer_id: str
    name: str
    customer_type: Literal["individual", "company"] = "individual"
    address: str = ""
    tax_id: str | None = None
    tax_branch_no: str | None = None
    preferred_language: Language = "th"

    @classmethod
    def of(cls, customer: CustomerUpserted) -> Self:
        return cls(
            customer_id=customer.customer_id,
            name=customer.name,
            customer_type=customer.customer_type,
            address=customer.address,
            tax_id=customer.tax_id,
            tax_branch_no=customer.tax_branch_no,
            preferred_language=customer.preferred_language,
        )


@dataclass(frozen=True)
class JobProfile:
    """A job as its documents name it: its number, and the branch that runs it (a signed document or
    report sent without a branch belongs to the job's). Equipment and internal notes are not kept."""

    job_id: str
    job_number: str
    branch_id: str | None = None

    @classmethod
    def of(cls, job: JobStageChanged | JobClosed, branch_id: str | None) -> Self:
        return cls(job_id=job.job_id, job_number=job.job_number or job.job_id, branch_id=branch_id)
