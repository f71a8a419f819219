"""Events published by the rental business's operations system (SPEC §9).

They carry internal fields (private notes, asset ids, damage estimates, the AI job report's internal
recommendations) on purpose: every consumer keeps only the slice it needs, and nothing
customer-facing may show those fields. Signed documents travel by claim check: the event names a
file the operations system uploaded to the documents service, never the bytes.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventPayload
from shared.contracts.types import Id, Language, LongText, RequiredText, Text, TimeZone
from shared.money import NonNegativeMoney, PositiveMoney

TaxId = Annotated[str, Field(pattern=r"^\d{13}$")]
TaxBranchNo = Annotated[str, Field(pattern=r"^\d{5}$", description="00000 = head office")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="lowercase hex")]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class VatRate(_Part):
    effective_from: date
    rate: Annotated[Decimal, Field(ge=0, lt=1, decimal_places=4)]


class Branch(_Part):
    branch_id: Id
    code: Annotated[str, Field(pattern=r"^[A-Z0-9]{1,8}$")]
    name_en: RequiredText
    name_th: RequiredText
    tax_branch_no: TaxBranchNo = "00000"
    address_en: LongText = ""
    address_th: LongText = ""
    phone: Text = ""


class TenantSettingsUpdated(EventPayload):
    event_type = "tenant.settings_updated.v1"

    business_name_en: RequiredText
    business_name_th: RequiredText
    address_en: LongText
    address_th: LongText
    tax_id: TaxId
    tax_branch_no: TaxBranchNo = "00000"
    phone: Text = ""
    email: Text = ""
    promptpay_id: Text = ""
    timezone: TimeZone = "Asia/Bangkok"
    vat_rates: list[VatRate] = [VatRate(effective_from=date(1992, 1, 1), rate=Decimal("0.07"))]
    vat_rounding: Literal["satang", "baht"] = "satang"
    payment_terms_days: Annotated[int, Field(ge=0, le=365)] = 30
    document_prefixes: dict[str, Annotated[str, Field(pattern=r"^[A-Z]{1,10}$")]] = {}
    per_branch_numbering: bool = False
    branches: list[Branch] = []
    billing_staff_emails: list[Text] = []
    default_language: Language = "th"


class CustomerUpserted(EventPayload):
    event_type = "customer.upserted.v1"

    customer_id: Id
    name: RequiredText
    customer_type: Literal["individual", "company"] = "individual"
    email: Text = ""
    phone: Text = ""
    preferred_language: Language = "th"
    tax_id: TaxId | None = None
    tax_branch_no: TaxBranchNo | None = None
    address: LongText = ""
    private_notes: LongText = ""  # internal: never shown to the customer


class QuoteAccepted(EventPayload):
    event_type = "quote.accepted.v1"

    quote_id: Id
    quote_number: Text
    customer_id: Id
    job_id: Id | None = None
    deposit_amount: PositiveMoney
    accepted_at: datetime
    internal_notes: LongText = ""


JobStage = Literal["new", "picking", "loaded", "delivering", "on_site", "returning", "closed", "cancelled"]


class JobEquipment(_Part):
    asset_id: Text  # internal: never shown to the customer
    name_en: RequiredText
    name_th: RequiredText
    quantity: Annotated[int, Field(ge=1)] = 1


class _JobSnapshot(EventPayload):
    job_id: Id
    job_number: Text
    customer_id: Id
    stage: JobStage
    start_date: date | None = None
    end_date: date | None = None
    equipment: list[JobEquipment] = []
    internal_notes: LongText = ""  # internal: never shown to the customer


class JobStageChanged(_JobSnapshot):
    event_type = "job.stage_changed.v1"


class JobClosed(_JobSnapshot):
    event_type = "job.closed.v1"

    stage: JobStage = "closed"
    closed_at: datetime


class FileRef(_Part):
    """A file by claim check: the key the documents service gave it on upload
    (`PUT /v1/intake/{sha256}`) and what the file must be. Documents refuses a file that is not
    what the reference says."""

    key: Annotated[str, Field(min_length=1, max_length=200)]
    sha256: Sha256
    size_bytes: Annotated[int, Field(ge=1)]
    content_type: Text = "application/pdf"


class QuoteSigned(EventPayload):
    event_type = "quote.signed.v1"

    quote_id: Id
    quote_number: RequiredText
    customer_id: Id
    job_id: Id | None = None
    signed_at: datetime
    document: FileRef


class DeliveryManifestSigned(EventPayload):
    event_type = "delivery_manifest.signed.v1"

    job_id: Id
    manifest_number: RequiredText
    customer_id: Id
    signed_at: datetime
    document: FileRef


class Bilingual(_Part):
    en: LongText
    th: LongText


class ReportSection(_Part):
    title: Bilingual
    body: Bilingual


class JobReportPublished(EventPayload):
    """The AI job report of a job: a customer-facing part (summary and sections, EN and TH) and
    internal recommendations for the rental business only."""

    event_type = "job_report.published.v1"

    report_id: Id
    report_number: RequiredText
    job_id: Id
    customer_id: Id
    published_at: datetime
    customer_summary: Bilingual
    sections: Annotated[list[ReportSection], Field(max_length=50)] = []
    internal_recommendations: Annotated[list[LongText], Field(max_length=100)] = []  # never to customers


class InspectedItem(_Part):
    item: RequiredText
    condition: Text = ""
    notes: LongText = ""


class DamageEstimate(_Part):
    description: RequiredText
    amount: NonNegativeMoney


class InspectionCompleted(EventPayload):
    """What staff found when the equipment came back; the damage estimates are internal (a
    customer sees only what was deducted from the deposit, with its reason)."""

    event_type = "inspection.completed.v1"

    inspection_id: Id
    job_id: Id
    inspected_at: datetime
    conditions: Annotated[list[InspectedItem], Field(max_length=200)] = []
    damage_estimates: Annotated[list[DamageEstimate], Field(max_length=200)] = []  # never to customers
