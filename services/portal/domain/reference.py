"""The slices of other systems the portal keeps, each only as far as a customer may see it: the
business (names, contact details, PromptPay id, language, time zone), the customer's name and
language (and the scope every read of theirs is limited to), their jobs with the equipment on
hire (never asset ids or internal notes) and their signed quotes. Pure."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Self
from uuid import UUID

from shared.contracts.documents import DocumentKind, document_id
from shared.contracts.upstream import (
    CustomerUpserted,
    JobClosed,
    JobStageChanged,
    QuoteSigned,
    TenantSettingsUpdated,
)

CLOSED_STAGES = frozenset({"closed", "cancelled"})
NOT_YET_DISPATCHED = frozenset({"new", "picking", "loaded"})


@dataclass(frozen=True)
class Business:
    tenant_id: str
    name_en: str = ""
    name_th: str = ""
    phone: str = ""
    email: str = ""
    promptpay_id: str = ""
    default_language: str = "th"
    timezone: str = "Asia/Bangkok"

    @classmethod
    def of(cls, tenant_id: str, settings: TenantSettingsUpdated) -> Self:
        return cls(
            tenant_id=tenant_id,
            name_en=settings.business_name_en,
            name_th=settings.business_name_th,
            phone=settings.phone,
            email=settings.email,
            promptpay_id=settings.promptpay_id,
            default_language=settings.default_language,
            timezone=settings.timezone,
        )

    def name(self, lang: str) -> str:
        return (self.name_th if lang == "th" else self.name_en) or self.name_en or self.name_th


@dataclass(frozen=True)
class CustomerScope:
    """Every read of the portal is scoped by both: a customer sees only their own data."""

    tenant_id: str
    customer_id: str


@dataclass(frozen=True)
class CustomerProfile:
    tenant_id: str
    customer_id: str
    name: str
    preferred_language: str
    branch_id: str | None = None  # the home branch: staff of other branches cannot issue their links

    @classmethod
    def of(cls, tenant_id: str, customer: CustomerUpserted, *, branch_id: str | None) -> Self:
        return cls(tenant_id, customer.customer_id, customer.name, customer.preferred_language, branch_id)

    @property
    def scope(self) -> CustomerScope:
        return CustomerScope(self.tenant_id, self.customer_id)


@dataclass(frozen=True)
class Equipment:
    name_en: str
    name_th: str
    quantity: int = 1

    def name(self, lang: str) -> str:
        return (self.name_th if lang == "th" else self.name_en) or self.name_en


@dataclass(frozen=True)
class Job:
    job_id: str
    number: str
    stage: str
    start_date: date | None = None
    end_date: date | None = None
    equipment: tuple[Equipment, ...] = ()

    @classmethod
    def of(cls, snapshot: JobStageChanged | JobClosed) -> Self:
        return cls(
            job_id=snapshot.job_id,
            number=snapshot.job_number,
            stage=snapshot.stage,
            start_date=snapshot.start_date,
            end_date=snapshot.end_date,
            equipment=tuple(Equipment(e.name_en, e.name_th, e.quantity) for e in snapshot.equipment),
        )

    @property
    def is_past(self) -> bool:
        return self.stage in CLOSED_STAGES

    def is_upcoming(self, today: date) -> bool:
        return self.stage in NOT_YET_DISPATCHED and self.start_date is not None and self.start_date > today


@dataclass(frozen=True)
class Quote:
    """A quote the customer signed: what a link to it opens is its signed document."""

    quote_id: str
    number: str
    customer_id: str
    job_id: str | None
    signed_at: datetime

    @classmethod
    def of(cls, signed: QuoteSigned) -> Self:
        return cls(signed.quote_id, signed.quote_number, signed.customer_id, signed.job_id, signed.signed_at)

    def document_id(self, tenant_id: str) -> UUID:
        """The signed quote's document (its id follows from its number, as every service names it)."""
        return document_id(tenant_id, DocumentKind.SIGNED_QUOTE, self.number)
