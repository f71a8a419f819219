"""Events the portal projects into its read model. Each handler runs once per event (the consumer
records the event id with the effect). `invoice.overdue.v1` is not applied: the portal works out
Overdue itself from the due date and its clock, at the moment of asking."""

from typing import Any

from services.portal import use_cases
from services.portal.adapters.uow import PortalUnitOfWork
from shared.contracts import billing, deposits
from shared.contracts.documents import DocumentRendered
from shared.contracts.envelope import Envelope
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated
from shared.messaging.consumer import Handler


def handlers() -> dict[Any, Handler]:
    return {**_account(), **_billing()}


def _account() -> dict[Any, Handler]:
    """The business, the customer, their jobs, deposits and rendered documents."""

    async def tenant(uow: PortalUnitOfWork, e: Envelope, settings: TenantSettingsUpdated) -> None:
        await use_cases.apply_tenant(uow=uow, tenant_id=e.tenant_id, settings=settings, as_of=e.time)

    async def customer(uow: PortalUnitOfWork, e: Envelope, customer: CustomerUpserted) -> None:
        await use_cases.apply_customer(uow=uow, tenant_id=e.tenant_id, customer=customer, as_of=e.time)

    async def job(uow: PortalUnitOfWork, e: Envelope, snapshot: JobStageChanged | JobClosed) -> None:
        await use_cases.apply_job(uow=uow, tenant_id=e.tenant_id, snapshot=snapshot, as_of=e.time)

    async def requested(uow: PortalUnitOfWork, e: Envelope, fact: deposits.DepositRequested) -> None:
        await use_cases.apply_deposit_requested(uow=uow, tenant_id=e.tenant_id, fact=fact, as_of=e.time)

    async def collected(uow: PortalUnitOfWork, e: Envelope, fact: deposits.DepositCollected) -> None:
        await use_cases.apply_deposit_collected(uow=uow, tenant_id=e.tenant_id, fact=fact, as_of=e.time)

    async def returned(uow: PortalUnitOfWork, e: Envelope, fact: deposits.DepositReturned) -> None:
        await use_cases.apply_deposit_returned(uow=uow, tenant_id=e.tenant_id, fact=fact, as_of=e.time)

    async def voided(uow: PortalUnitOfWork, e: Envelope, fact: deposits.DepositReturnVoided) -> None:
        await use_cases.apply_return_voided(uow=uow, tenant_id=e.tenant_id, fact=fact, as_of=e.time)

    async def rendered(uow: PortalUnitOfWork, e: Envelope, fact: DocumentRendered) -> None:
        await use_cases.apply_document_rendered(uow=uow, tenant_id=e.tenant_id, fact=fact)

    return {
        TenantSettingsUpdated: tenant,
        CustomerUpserted: customer,
        JobStageChanged: job,
        JobClosed: job,
        deposits.DepositRequested: requested,
        deposits.DepositCollected: collected,
        deposits.DepositReturned: returned,
        deposits.DepositReturnVoided: voided,
        DocumentRendered: rendered,
    }


def _billing() -> dict[Any, Handler]:
    """Invoices, their payments and tax invoices, pre-payments, and the closing of reports."""

    async def invoice_sent(uow: PortalUnitOfWork, e: Envelope, fact: billing.InvoiceSent) -> None:
        await use_cases.apply_invoice_sent(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, fact=fact, as_of=e.time
        )

    async def payment(uow: PortalUnitOfWork, e: Envelope, fact: billing.PaymentRecorded) -> None:
        await use_cases.apply_payment_recorded(uow=uow, tenant_id=e.tenant_id, fact=fact, as_of=e.time)

    async def prepayment(uow: PortalUnitOfWork, e: Envelope, fact: billing.PrepaymentRecorded) -> None:
        await use_cases.apply_prepayment_recorded(uow=uow, tenant_id=e.tenant_id, fact=fact)

    async def tax_invoice(uow: PortalUnitOfWork, e: Envelope, fact: billing.TaxInvoiceIssued) -> None:
        await use_cases.apply_tax_invoice_issued(uow=uow, tenant_id=e.tenant_id, fact=fact, as_of=e.time)

    async def report_received(
        uow: PortalUnitOfWork, e: Envelope, fact: billing.PaymentReportReceived
    ) -> None:
        await use_cases.apply_report_received(uow=uow, tenant_id=e.tenant_id, fact=fact)

    async def report_closed(uow: PortalUnitOfWork, e: Envelope, fact: billing.PaymentReportClosed) -> None:
        await use_cases.apply_report_closed(uow=uow, tenant_id=e.tenant_id, fact=fact, as_of=e.time)

    return {
        billing.InvoiceSent: invoice_sent,
        billing.PaymentRecorded: payment,
        billing.PrepaymentRecorded: prepayment,
        billing.TaxInvoiceIssued: tax_invoice,
        billing.PaymentReportReceived: report_received,
        billing.PaymentReportClosed: report_closed,
    }
