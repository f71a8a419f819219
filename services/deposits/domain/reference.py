"""The slices of other systems deposits keeps: each tenant's numbering and time zone, customers'
names, each job's stage and the business date it closed on (a deposit on a job is returned once the
job has closed, and the close starts the return deadline), and what each job's inspection found.
Pure."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Self

from shared.contracts.upstream import InspectionCompleted
from shared.money import ZERO
from shared.numbering import NumberingRules

# A tenant as deposits knows it: how its documents are numbered, in which time zone.
DepositsTenant = NumberingRules

# A deposit on a job is settled once the job is over: closed (and inspected), or cancelled before it
# ran, in which case the deposit is refunded.
RETURNABLE_STAGES = frozenset({"closed", "cancelled"})
# Each stage as staff say it in a sentence ("Job J-1001 is on site").
STAGE_WORDS = {
    "new": "booked and not started yet",
    "picking": "being picked",
    "loaded": "loaded for delivery",
    "delivering": "out for delivery",
    "on_site": "on site",
    "returning": "on its way back",
    "closed": "closed",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class Customer:
    tenant_id: str
    customer_id: str
    name: str


@dataclass(frozen=True)
class Job:
    """A job as the operations system last described it."""

    tenant_id: str
    job_id: str
    job_number: str
    stage: str
    closed_on: date | None = None  # the business date it closed, while it is closed

    @property
    def name(self) -> str:
        """How staff know the job: its number (jobs kept before numbers were, by their id)."""
        return self.job_number or self.job_id

    @property
    def stage_in_words(self) -> str:
        return STAGE_WORDS.get(self.stage, self.stage.replace("_", " "))

    @property
    def allows_return(self) -> bool:
        return self.stage in RETURNABLE_STAGES


@dataclass(frozen=True)
class InspectedItem:
    item: str
    condition: str
    notes: str


@dataclass(frozen=True)
class DamageEstimate:
    description: str
    amount: Decimal


@dataclass(frozen=True)
class Inspection:
    """What staff found when a job's equipment came back: what they need to decide a partial return
    or a forfeit. Internal: the estimates are not what is deducted, and customers never see them."""

    tenant_id: str
    inspection_id: str
    job_id: str
    inspected_at: datetime
    conditions: tuple[InspectedItem, ...] = ()
    damage_estimates: tuple[DamageEstimate, ...] = ()

    @classmethod
    def of(cls, tenant_id: str, fact: InspectionCompleted) -> Self:
        return cls(
            tenant_id=tenant_id,
            inspection_id=fact.inspection_id,
            job_id=fact.job_id,
            inspected_at=fact.inspected_at,
            conditions=tuple(InspectedItem(c.item, c.condition, c.notes) for c in fact.conditions),
            damage_estimates=tuple(DamageEstimate(d.description, d.amount) for d in fact.damage_estimates),
        )

    @property
    def estimated_damage(self) -> Decimal:
        return sum((d.amount for d in self.damage_estimates), ZERO)
