"""Staff HTTP API: thin routes that parse, call one use case and map the result."""

from services.billing.entrypoints.http import invoices, payments, reports, tax_invoices

routers = (invoices.router, payments.router, payments.jobs_router, tax_invoices.router, reports.router)

__all__ = ["routers"]
