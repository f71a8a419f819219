"""The billing unit of work in memory: invoices and payment reports by id, and the upstream slices.
Each store keeps a copy, so a use case changes what it saved only by saving it."""

import copy
from uuid import UUID

from services.billing.domain import BillingTenant, Invoice, PaymentReport
from tests.unit.fakes import FakeUnitOfWork


class FakeInvoices:
    def __init__(self) -> None:
        self.rows: dict[UUID, Invoice] = {}

    async def get(self, tenant_id: str, invoice_id: UUID, *, for_update: bool = False) -> Invoice | None:
        found = self.rows.get(invoice_id)
        return copy.deepcopy(found) if found and found.tenant_id == tenant_id else None

    async def add(self, invoice: Invoice) -> None:
        self.rows[invoice.id] = copy.deepcopy(invoice)

    async def save_state(self, invoice: Invoice) -> None:
        self.rows[invoice.id] = copy.deepcopy(invoice)

    async def add_payment(self, invoice: Invoice, _payment: object) -> None:
        self.rows[invoice.id] = copy.deepcopy(invoice)


class FakeReports:
    def __init__(self) -> None:
        self.rows: dict[UUID, PaymentReport] = {}

    async def get(self, tenant_id: str, report_id: UUID, *, for_update: bool = False) -> PaymentReport | None:
        found = self.rows.get(report_id)
        return copy.deepcopy(found) if found and found.tenant_id == tenant_id else None

    async def add(self, report: PaymentReport) -> bool:
        if report.id in self.rows:
            return False
        self.rows[report.id] = copy.deepcopy(report)
        return True

    async def save_closing(self, report: PaymentReport) -> None:
        self.rows[report.id] = copy.deepcopy(report)

    async def lock_slip_reference(self, tenant_id: str, slip_reference: str) -> None:
        pass  # one use case at a time: nothing to wait for

    async def reported_with_slip(self, tenant_id: str, slip_reference: str) -> list[tuple[UUID, str]]:
        return [
            (r.invoice_id, r.invoice_number)
            for r in self.rows.values()
            if (r.tenant_id, r.slip_reference) == (tenant_id, slip_reference)
        ]


class FakeReference:
    def __init__(self) -> None:
        self.tenants: dict[str, BillingTenant] = {}
        self.customers: dict[tuple[str, str], str] = {}  # (tenant, customer) → name

    async def tenant(self, tenant_id: str) -> BillingTenant | None:
        return self.tenants.get(tenant_id)

    async def customer_names(self, tenant_id: str, customer_ids: set[str]) -> dict[str, str]:
        return {c: self.customers[tenant_id, c] for c in customer_ids if (tenant_id, c) in self.customers}


class FakeBillingUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.invoices = FakeInvoices()
        self.reports = FakeReports()
        self.reference = FakeReference()
