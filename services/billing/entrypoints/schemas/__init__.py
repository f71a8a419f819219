"""HTTP schemas, one per use, apart from domain objects and events."""

from services.billing.entrypoints.schemas.invoices import (
    InvoiceCreateIn,
    InvoiceOut,
    InvoicePageOut,
    InvoiceSummaryOut,
    LinesIn,
    PaymentIn,
    SendIn,
)
from services.billing.entrypoints.schemas.prepayments import PrepaymentIn, PrepaymentListOut, PrepaymentOut
from services.billing.entrypoints.schemas.reports import DismissIn, ReportOut, ReportPageOut
from services.billing.entrypoints.schemas.tax_invoices import (
    RetentionOut,
    RetentionPageOut,
    TaxInvoiceIn,
    TaxInvoiceOut,
)

__all__ = [
    "DismissIn",
    "InvoiceCreateIn",
    "InvoiceOut",
    "InvoicePageOut",
    "InvoiceSummaryOut",
    "LinesIn",
    "PaymentIn",
    "PrepaymentIn",
    "PrepaymentListOut",
    "PrepaymentOut",
    "ReportOut",
    "ReportPageOut",
    "RetentionOut",
    "RetentionPageOut",
    "SendIn",
    "TaxInvoiceIn",
    "TaxInvoiceOut",
]
