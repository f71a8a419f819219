"""The slices of other systems notifications keeps: the business as its customers and staff see it,
and the customer's name, address and language (never the private notes). Pure."""

from dataclasses import dataclass
from typing import Self

from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated


@dataclass(frozen=True)
class Tenant:
    """The rental business as its customers and staff see it."""

    tenant_id: str
    business_name_en: str = ""
    business_name_th: str = ""
    phone: str = ""
    email: str = ""
    billing_staff_emails: tuple[str, ...] = ()
    default_language: str = "th"
    timezone: str = "Asia/Bangkok"  # the business's clock, for the times staff alerts give

    @classmethod
    def of(cls, tenant_id: str, settings: TenantSettingsUpdated) -> Self:
        return cls(
            tenant_id=tenant_id,
            business_name_en=settings.business_name_en,
            business_name_th=settings.business_name_th,
            phone=settings.phone,
            email=settings.email,
            billing_staff_emails=tuple(dict.fromkeys(e for e in settings.billing_staff_emails if e)),
            default_language=settings.default_language,
            timezone=settings.timezone,
        )

    def business_name(self, language: str) -> str:
        preferred = self.business_name_th if language == "th" else self.business_name_en
        return preferred or self.business_name_en or self.business_name_th


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str
    email: str
    preferred_language: str

    @classmethod
    def of(cls, customer: CustomerUpserted) -> Self:
        return cls(customer.customer_id, customer.name, customer.email.strip(), customer.preferred_language)
