"""HTTP schemas, one per use, apart from domain objects and events."""

from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.deposits.domain import Collection, Deposit, DepositReturn, Inspection, Job
from services.deposits.use_cases import DepositDetail
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind
from shared.contracts.types import Id, IsoDate, RequiredText, Text
from shared.money import Money, NonNegativeMoney, PositiveMoney


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DepositCreateIn(_In):
    customer_id: Id
    branch_id: Id
    amount: PositiveMoney
    job_id: Id | None = None


class CollectionIn(_In):
    amount: PositiveMoney | None = Field(None, description="Defaults to the amount still outstanding")
    method: CollectionMethod
    reference: Text = ""
    collected_on: IsoDate | None = Field(None, description="Defaults to today; may be back-dated")


class ReturnIn(_In):
    kind: ReturnKind
    amount: NonNegativeMoney | None = Field(
        None,
        description="Refunded amount: full = the held total (pre-filled), "
        "partial = 0 < amount < held, forfeit = 0",
    )
    method: RefundMethod | None = Field(None, description="Required unless forfeit")
    reference: Text = Field("", description='Bank slip number of the refund, or "Cash, in person"')
    note: Text = Field(
        "", description="Required for partial and forfeit: the deduction reason the customer sees"
    )
    returned_on: IsoDate | None = None


class VoidIn(_In):
    reason: RequiredText


class StaffOut(BaseModel):
    user_id: str
    name: str


class CollectionOut(BaseModel):
    id: UUID
    receipt_number: str
    amount: Money
    method: CollectionMethod
    reference: str
    collected_on: date
    collected_at: datetime
    collected_by: StaffOut
    has_proof: bool = Field(description="A proof was uploaded: GET …/collections/{id}/proof")

    @classmethod
    def of(cls, c: Collection) -> Self:
        return cls(**{**c.__dict__, "collected_by": StaffOut(**c.collected_by.__dict__)})


class ReturnOut(BaseModel):
    id: UUID
    receipt_number: str
    kind: ReturnKind
    held_amount: Money
    returned_amount: Money
    retained_amount: Money
    reason: str
    method: RefundMethod | None
    reference: str
    returned_on: date
    returned_at: datetime
    returned_by: StaffOut
    void: bool
    voided_at: datetime | None
    voided_by: StaffOut | None
    void_reason: str | None

    @classmethod
    def of(cls, r: DepositReturn) -> Self:
        fields = {k: v for k, v in r.__dict__.items() if k in cls.model_fields}
        return cls(
            **{
                **fields,
                "returned_by": StaffOut(**r.returned_by.__dict__),
                "voided_by": StaffOut(**r.voided_by.__dict__) if r.voided_by else None,
                "void": r.is_void,
            }
        )


class DepositSummaryOut(BaseModel):
    id: UUID
    number: str
    status: DepositStatus
    tenant_id: str
    branch_id: str
    customer_id: str
    customer_name: str | None
    job_id: str | None
    quote_id: str | None
    amount_requested: Money
    held_amount: Money
    outstanding: Money
    requested_on: date
    job_closed_on: date | None
    return_due_on: date | None

    @classmethod
    def of(cls, d: Deposit, customer_name: str | None = None) -> Self:
        return cls(
            id=d.id,
            number=d.number,
            status=d.status,
            tenant_id=d.tenant_id,
            branch_id=d.branch_id,
            customer_id=d.customer_id,
            customer_name=customer_name,
            job_id=d.job_id,
            quote_id=d.quote_id,
            amount_requested=d.amount_requested,
            held_amount=d.held_amount,
            outstanding=d.outstanding,
            requested_on=d.requested_on,
            job_closed_on=d.job_closed_on,
            return_due_on=d.return_due_on,
        )


class JobOut(BaseModel):
    job_id: str
    job_number: str
    stage: str = Field(description="The operations system's stage; returns wait for closed or cancelled")
    closed_on: date | None

    @classmethod
    def of(cls, job: Job) -> Self:
        return cls(job_id=job.job_id, job_number=job.job_number, stage=job.stage, closed_on=job.closed_on)


class InspectedItemOut(BaseModel):
    item: str
    condition: str
    notes: str


class DamageEstimateOut(BaseModel):
    description: str
    amount: Money


class InspectionOut(BaseModel):
    """What the job's inspection found; internal to the business (customers see only the deduction)."""

    inspection_id: str
    inspected_at: datetime
    conditions: list[InspectedItemOut]
    damage_estimates: list[DamageEstimateOut]
    damage_estimate_total: Money

    @classmethod
    def of(cls, i: Inspection) -> Self:
        return cls(
            inspection_id=i.inspection_id,
            inspected_at=i.inspected_at,
            conditions=[InspectedItemOut(**c.__dict__) for c in i.conditions],
            damage_estimates=[DamageEstimateOut(**d.__dict__) for d in i.damage_estimates],
            damage_estimate_total=i.estimated_damage,
        )


class AuditEntryOut(BaseModel):
    action: str
    actor_id: str
    actor_name: str
    at: datetime
    details: dict[str, Any]


class DepositOut(DepositSummaryOut):
    collections: list[CollectionOut]
    returns: list[ReturnOut]
    audit: list[AuditEntryOut] = []
    job: JobOut | None = Field(None, description="The deposit's job as deposits last heard of it")
    inspections: list[InspectionOut] = Field([], description="The job's inspections, oldest first")

    @classmethod
    def of_detail(cls, detail: DepositDetail, customer_name: str | None = None) -> Self:
        d = detail.deposit
        summary = DepositSummaryOut.of(d, customer_name).model_dump()
        return cls(
            **summary,
            collections=[CollectionOut.of(c) for c in d.collections],
            returns=[ReturnOut.of(r) for r in d.returns],
            audit=[AuditEntryOut(**entry) for entry in detail.audit],
            job=JobOut.of(detail.job) if detail.job else None,
            inspections=[InspectionOut.of(i) for i in detail.inspections],
        )


class DepositPageOut(BaseModel):
    items: list[DepositSummaryOut]
    total: int
    limit: int
    offset: int


class DashboardOut(BaseModel):
    month: str
    total_held: Money
    held_count: int
    pending_amount: Money
    pending_count: int
    collected_this_month: Money
    returned_this_month: Money
    retained_this_month: Money
