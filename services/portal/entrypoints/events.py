"""Events the portal projects into its read model, each applied once (the consumer records the event
id with the effect). `invoice.overdue.v1` is not applied: the portal works out Overdue itself from
the due date and its clock, at the moment of asking. Nor are `job_report.published.v1` and
`inspection.completed.v1` (on the jobs topic the portal reads): they carry internal
recommendations and damage estimates, and the customer's version of a job report reaches the
portal only as the document the documents service renders."""

from services.portal import use_cases
from shared.contracts import billing, deposits
from shared.contracts.documents import DocumentRendered
from shared.contracts.upstream import (
    CustomerUpserted,
    JobClosed,
    JobStageChanged,
    QuoteSigned,
    TenantSettingsUpdated,
)
from shared.messaging.consumer import HandlerTable

HANDLERS: HandlerTable = {
    TenantSettingsUpdated: use_cases.apply_tenant_settings,
    CustomerUpserted: use_cases.apply_customer,
    JobStageChanged: use_cases.apply_job,
    JobClosed: use_cases.apply_job,
    QuoteSigned: use_cases.apply_quote_signed,
    deposits.DepositRequested: use_cases.apply_deposit_requested,
    deposits.DepositCollected: use_cases.apply_deposit_collected,
    deposits.DepositReturned: use_cases.apply_deposit_returned,
    deposits.DepositReturnVoided: use_cases.apply_return_voided,
    DocumentRendered: use_cases.apply_document_rendered,
    billing.InvoiceSent: use_cases.apply_invoice_sent,
    billing.PaymentRecorded: use_cases.apply_payment_recorded,
    billing.PrepaymentRecorded: use_cases.apply_prepayment_recorded,
    billing.TaxInvoiceIssued: use_cases.apply_tax_invoice_issued,
    billing.PaymentReportReceived: use_cases.apply_report_received,
    billing.PaymentReportClosed: use_cases.apply_report_closed,
}
