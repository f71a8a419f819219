"""The slices of other systems deposits keeps: each tenant's numbering and time zone, customers'
names, and the business date each job closed on (it starts the return deadline). Pure."""

from dataclasses import dataclass
from datetime import date

from shared.numbering import NumberingRules

# A tenant as deposits knows it: how its documents are numbered, in which time zone.
DepositsTenant = NumberingRules


@dataclass(frozen=True)
class Customer:
    tenant_id: str
    customer_id: str
    name: str


@dataclass(frozen=True)
class ClosedJob:
    tenant_id: str
    job_id: str
    closed_on: date
