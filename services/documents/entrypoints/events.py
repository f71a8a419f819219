"""Events documents applies: the tenant and customer slices it prints, and the deposit and billing
facts that each make a document version to render."""

from typing import Any

from services.documents import use_cases
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.domain import (
    invoice_facts,
    payment_receipt_facts,
    prepayment_receipt_facts,
    receipt_facts,
    request_facts,
    return_facts,
    tax_invoice_facts,
)
from shared.clock import Clock
from shared.contracts.billing import InvoiceSent, PaymentRecorded, PrepaymentRecorded, TaxInvoiceIssued
from shared.contracts.deposits import DepositCollected, DepositRequested, DepositReturned, DepositReturnVoided
from shared.contracts.envelope import Envelope
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated
from shared.messaging.consumer import Handler


def handlers(clock: Clock) -> dict[Any, Handler]:
    async def tenant(uow: DocumentsUnitOfWork, e: Envelope, settings: TenantSettingsUpdated) -> None:
        await use_cases.apply_tenant_settings(
            uow=uow, tenant_id=e.tenant_id, settings=settings, now=clock.now()
        )

    async def customer(uow: DocumentsUnitOfWork, e: Envelope, customer: CustomerUpserted) -> None:
        await use_cases.apply_customer(uow=uow, tenant_id=e.tenant_id, customer=customer, now=clock.now())

    async def requested(uow: DocumentsUnitOfWork, e: Envelope, fact: DepositRequested) -> None:
        await use_cases.schedule_render(
            uow=uow,
            tenant_id=e.tenant_id,
            branch_id=e.branch_id,
            facts=request_facts(fact),
            version=1,
            now=clock.now(),
        )

    async def collected(uow: DocumentsUnitOfWork, e: Envelope, fact: DepositCollected) -> None:
        await use_cases.schedule_render(
            uow=uow,
            tenant_id=e.tenant_id,
            branch_id=e.branch_id,
            facts=receipt_facts(fact),
            version=1,
            now=clock.now(),
        )

    async def returned(uow: DocumentsUnitOfWork, e: Envelope, fact: DepositReturned) -> None:
        await use_cases.schedule_render(
            uow=uow,
            tenant_id=e.tenant_id,
            branch_id=e.branch_id,
            facts=return_facts(fact),
            version=1,
            now=clock.now(),
        )

    async def return_voided(uow: DocumentsUnitOfWork, e: Envelope, fact: DepositReturnVoided) -> None:
        await use_cases.schedule_void(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, event=fact, now=clock.now()
        )

    async def invoice_sent(uow: DocumentsUnitOfWork, e: Envelope, fact: InvoiceSent) -> None:
        await use_cases.schedule_render(
            uow=uow,
            tenant_id=e.tenant_id,
            branch_id=e.branch_id,
            facts=invoice_facts(fact),
            version=1,
            now=clock.now(),
        )

    async def payment_recorded(uow: DocumentsUnitOfWork, e: Envelope, fact: PaymentRecorded) -> None:
        # Its receipt, and the invoice again with the payment and the new balance.
        await use_cases.schedule_render(
            uow=uow,
            tenant_id=e.tenant_id,
            branch_id=e.branch_id,
            facts=payment_receipt_facts(fact),
            version=1,
            now=clock.now(),
        )
        await use_cases.schedule_invoice_payment(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, event=fact, now=clock.now()
        )

    async def prepayment_recorded(uow: DocumentsUnitOfWork, e: Envelope, fact: PrepaymentRecorded) -> None:
        await use_cases.schedule_render(
            uow=uow,
            tenant_id=e.tenant_id,
            branch_id=e.branch_id,
            facts=prepayment_receipt_facts(fact),
            version=1,
            now=clock.now(),
        )

    async def tax_invoice_issued(uow: DocumentsUnitOfWork, e: Envelope, fact: TaxInvoiceIssued) -> None:
        await use_cases.schedule_render(
            uow=uow,
            tenant_id=e.tenant_id,
            branch_id=e.branch_id,
            facts=tax_invoice_facts(fact),
            version=1,
            now=clock.now(),
        )

    return {
        TenantSettingsUpdated: tenant,
        CustomerUpserted: customer,
        DepositRequested: requested,
        DepositCollected: collected,
        DepositReturned: returned,
        DepositReturnVoided: return_voided,
        InvoiceSent: invoice_sent,
        PaymentRecorded: payment_recorded,
        PrepaymentRecorded: prepayment_recorded,
        TaxInvoiceIssued: tax_invoice_issued,
    }
