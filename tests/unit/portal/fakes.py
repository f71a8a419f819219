"""The portal's unit of work in memory: links by id, the customers and signed quotes it has heard of,
the customer's invoices with their reports, and the slips uploaded with them."""

import copy
import dataclasses
from datetime import datetime
from uuid import UUID

from services.portal.domain import (
    CustomerProfile,
    CustomerScope,
    Invoice,
    PaymentReport,
    PortalLink,
    Quote,
    Slip,
)
from tests.unit.fakes import FakeUnitOfWork


class FakeLinks:
    def __init__(self) -> None:
        self.rows: dict[UUID, PortalLink] = {}

    async def add(self, link: PortalLink) -> None:
        self.rows[link.id] = copy.deepcopy(link)

    async def get(
        self, link_id: UUID, *, tenant_id: str | None = None, for_update: bool = False
    ) -> PortalLink | None:
        found = self.rows.get(link_id)
        return copy.deepcopy(found) if found and tenant_id in (None, found.tenant_id) else None

    async def save_revocation(self, link: PortalLink) -> None:
        self.rows[link.id] = copy.deepcopy(link)


class FakeReadModel:
    def __init__(self) -> None:
        self.customers: dict[tuple[str, str], CustomerProfile] = {}
        self.quotes: dict[tuple[str, str], Quote] = {}

    async def customer(self, tenant_id: str, customer_id: str) -> CustomerProfile | None:
        return self.customers.get((tenant_id, customer_id))

    async def quote(self, tenant_id: str, quote_id: str) -> Quote | None:
        return self.quotes.get((tenant_id, quote_id))


class FakeInvoices:
    def __init__(self) -> None:
        self.rows: dict[tuple[CustomerScope, UUID], Invoice] = {}

    async def lock(self, scope: CustomerScope, invoice_id: UUID) -> bool:
        return (scope, invoice_id) in self.rows

    async def invoices(self, scope: CustomerScope, invoice_id: UUID | None = None) -> list[Invoice]:
        return [i for (s, i_id), i in self.rows.items() if s == scope and invoice_id in (None, i_id)]

    async def add_report(self, scope: CustomerScope, report: PaymentReport) -> bool:
        invoice = self.rows[scope, report.invoice_id]
        if invoice.open_report is not None:
            return False
        self.rows[scope, report.invoice_id] = dataclasses.replace(invoice, latest_report=report)
        return True


class FakeSlips:
    def __init__(self) -> None:
        self.rows: dict[UUID, tuple[Slip, str | None]] = {}

    async def add(self, scope: CustomerScope, invoice: Invoice, slip: Slip, at: datetime) -> None:
        self.rows[slip.slip_id] = (slip, invoice.branch_id)


class FakePortalUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.links = FakeLinks()
        self.read_model = FakeReadModel()
        self.invoices = FakeInvoices()
        self.slips = FakeSlips()
