from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.billing.adapters.invoices import InvoiceRepository, PrepaymentRepository
from services.billing.adapters.reference import ReferenceData
from services.billing.adapters.reports import PaymentReportRepository
from services.billing.adapters.tables import kernel
from services.billing.adapters.tax_invoices import TaxInvoiceRepository
from shared.db import UnitOfWork

SOURCE = "mudjam/billing"


class BillingUnitOfWork(UnitOfWork):
    invoices: InvoiceRepository
    prepayments: PrepaymentRepository
    tax_invoices: TaxInvoiceRepository
    reports: PaymentReportRepository
    reference: ReferenceData

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, kernel, SOURCE)

    def bind(self, conn: AsyncConnection) -> None:
        self.invoices = InvoiceRepository(conn)
        self.prepayments = PrepaymentRepository(conn)
        self.tax_invoices = TaxInvoiceRepository(conn)
        self.reports = PaymentReportRepository(conn)
        self.reference = ReferenceData(conn)
