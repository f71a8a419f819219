"""Billing use cases. Each runs inside the caller's unit of work and never commits: the state
change, its audit row and its event commit together or not at all."""

from services.billing.use_cases.invoices import (
    InvoiceCriteria,
    InvoiceView,
    create_invoice,
    edit_lines,
    flag_overdue_invoice,
    get_invoice,
    list_invoices,
    send_invoice,
)
from services.billing.use_cases.payments import (
    attach_proof,
    list_prepayments,
    payment_proof,
    record_payment,
    record_prepayment,
)
from services.billing.use_cases.reports import (
    ReportCriteria,
    dismiss_report,
    list_reports,
    take_payment_report,
)
from services.billing.use_cases.tax_invoices import (
    RetentionCriteria,
    get_tax_invoice,
    issue_tax_invoice,
    issue_tax_invoice_for_invoice,
    list_retentions,
)
from services.billing.use_cases.upstream import (
    apply_customer,
    apply_deposit_returned,
    apply_job,
    apply_return_voided,
    apply_tenant_settings,
)

__all__ = [
    "InvoiceCriteria",
    "InvoiceView",
    "ReportCriteria",
    "RetentionCriteria",
    "apply_customer",
    "apply_deposit_returned",
    "apply_job",
    "apply_return_voided",
    "apply_tenant_settings",
    "attach_proof",
    "create_invoice",
    "dismiss_report",
    "edit_lines",
    "flag_overdue_invoice",
    "get_invoice",
    "get_tax_invoice",
    "issue_tax_invoice",
    "issue_tax_invoice_for_invoice",
    "list_invoices",
    "list_prepayments",
    "list_reports",
    "list_retentions",
    "payment_proof",
    "record_payment",
    "record_prepayment",
    "send_invoice",
    "take_payment_report",
]
