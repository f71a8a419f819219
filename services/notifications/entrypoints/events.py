"""Events notifications applies: tenant and customer slices; deposit returns, payments,
pre-payments, tax invoices and the documents they attach (customer notices); and what staff must
hear about (reported payments, retained deposits, overdue returns and invoices, render failures,
dead letters)."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from services.notifications import messages, use_cases
from services.notifications.adapters.uow import NotificationsUnitOfWork
from shared.auth import resource_token
from shared.clock import Clock
from shared.contracts.billing import (
    InvoiceOverdue,
    PaymentRecorded,
    PaymentReportReceived,
    PrepaymentRecorded,
    TaxInvoiceIssued,
)
from shared.contracts.deposits import DepositReturned, DepositReturnOverdue, DepositReturnVoided
from shared.contracts.documents import DocumentRendered, DocumentRenderFailed
from shared.contracts.envelope import Envelope
from shared.contracts.operations import EventDeadLettered
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated
from shared.messaging.consumer import Handler
from shared.settings import AuthSettings, ServiceUrls


def handlers(
    clock: Clock, urls: ServiceUrls | None = None, auth: AuthSettings | None = None
) -> dict[Any, Handler]:
    return {
        **_customer_notices(clock),
        **_staff_alerts(clock, slip_links(urls or ServiceUrls(), auth or AuthSettings())),
    }


def slip_links(urls: ServiceUrls, auth: AuthSettings) -> Callable[[str, UUID], str]:
    """Links to a customer's slip that open from an alert email without a bearer token: each carries
    a token signed for that slip and tenant, which the portal checks."""

    def link(tenant_id: str, slip_id: UUID) -> str:
        token = resource_token(
            auth.jwt_secret.get_secret_value(),
            resource=f"slip:{slip_id}",
            tenant_id=tenant_id,
            issuer=auth.jwt_issuer,
        )
        return messages.slip_link(urls.portal_public_url, slip_id, token)

    return link


def _customer_notices(clock: Clock) -> dict[Any, Handler]:
    """The slices a customer email needs, the facts that open one and the documents it attaches."""

    async def tenant(uow: NotificationsUnitOfWork, e: Envelope, settings: TenantSettingsUpdated) -> None:
        await use_cases.apply_tenant_settings(uow=uow, tenant_id=e.tenant_id, settings=settings)

    async def customer(uow: NotificationsUnitOfWork, e: Envelope, customer: CustomerUpserted) -> None:
        await use_cases.apply_customer(uow=uow, tenant_id=e.tenant_id, customer=customer)

    async def returned(uow: NotificationsUnitOfWork, e: Envelope, fact: DepositReturned) -> None:
        await use_cases.record_deposit_returned(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, fact=fact, now=clock.now()
        )
        await use_cases.alert_retained_deposit(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, event_id=e.id, fact=fact, now=clock.now()
        )

    async def voided(uow: NotificationsUnitOfWork, e: Envelope, fact: DepositReturnVoided) -> None:
        await use_cases.cancel_voided_return_notice(uow=uow, tenant_id=e.tenant_id, fact=fact)

    async def paid(uow: NotificationsUnitOfWork, e: Envelope, fact: PaymentRecorded) -> None:
        await use_cases.record_payment_recorded(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, fact=fact, now=clock.now()
        )

    async def prepaid(uow: NotificationsUnitOfWork, e: Envelope, fact: PrepaymentRecorded) -> None:
        await use_cases.record_prepayment_recorded(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, fact=fact, now=clock.now()
        )

    async def tax_invoice(uow: NotificationsUnitOfWork, e: Envelope, fact: TaxInvoiceIssued) -> None:
        await use_cases.record_tax_invoice_issued(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, fact=fact, now=clock.now()
        )

    async def rendered(uow: NotificationsUnitOfWork, e: Envelope, fact: DocumentRendered) -> None:
        await use_cases.record_document_rendered(uow=uow, tenant_id=e.tenant_id, fact=fact, now=clock.now())

    return {
        TenantSettingsUpdated: tenant,
        CustomerUpserted: customer,
        DepositReturned: returned,
        DepositReturnVoided: voided,
        PaymentRecorded: paid,
        PrepaymentRecorded: prepaid,
        TaxInvoiceIssued: tax_invoice,
        DocumentRendered: rendered,
    }


def _staff_alerts(clock: Clock, slip_link: Callable[[str, UUID], str]) -> dict[Any, Handler]:
    """Retained deposits raise their alert in the DepositReturned handler, with the customer notice."""

    async def payment_reported(
        uow: NotificationsUnitOfWork, e: Envelope, fact: PaymentReportReceived
    ) -> None:
        await use_cases.alert_payment_reported(
            uow=uow,
            tenant_id=e.tenant_id,
            branch_id=e.branch_id,
            event_id=e.id,
            fact=fact,
            slip_link=slip_link,
            now=clock.now(),
        )

    async def invoice_overdue(uow: NotificationsUnitOfWork, e: Envelope, fact: InvoiceOverdue) -> None:
        await use_cases.alert_invoice_overdue(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, event_id=e.id, fact=fact, now=clock.now()
        )

    async def overdue(uow: NotificationsUnitOfWork, e: Envelope, fact: DepositReturnOverdue) -> None:
        await use_cases.alert_return_overdue(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, event_id=e.id, fact=fact, now=clock.now()
        )

    async def render_failed(uow: NotificationsUnitOfWork, e: Envelope, fact: DocumentRenderFailed) -> None:
        await use_cases.alert_render_failed(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, event_id=e.id, fact=fact, now=clock.now()
        )

    async def dead_lettered(uow: NotificationsUnitOfWork, e: Envelope, fact: EventDeadLettered) -> None:
        await use_cases.alert_dead_lettered(
            uow=uow, tenant_id=e.tenant_id, branch_id=e.branch_id, event_id=e.id, fact=fact, now=clock.now()
        )

    return {
        PaymentReportReceived: payment_reported,
        InvoiceOverdue: invoice_overdue,
        DepositReturnOverdue: overdue,
        DocumentRenderFailed: render_failed,
        EventDeadLettered: dead_lettered,
    }
