"""Events notifications applies: tenant and customer slices; deposit returns, payments,
pre-payments, tax invoices and the documents they attach (customer notices); and what staff must
hear about (reported payments, retained deposits, overdue returns and invoices, render failures,
dead letters); and every event an endpoint of its tenant subscribes to, queued for its webhooks."""

from functools import partial

from services.notifications import use_cases
from services.notifications.domain.webhooks import WEBHOOK_TOPICS
from shared.contracts.billing import (
    InvoiceOverdue,
    PaymentRecorded,
    PaymentReportReceived,
    PrepaymentRecorded,
    TaxInvoiceIssued,
)
from shared.contracts.deposits import DepositReturned, DepositReturnOverdue, DepositReturnVoided
from shared.contracts.documents import DocumentRendered, DocumentRenderFailed
from shared.contracts.envelope import EventPayload
from shared.contracts.operations import EventDeadLettered
from shared.contracts.slips import signed_slip_link
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated
from shared.messaging.consumer import EventHandler, HandlerTable
from shared.settings import AuthSettings


def handlers(*, portal_url: str, auth: AuthSettings) -> HandlerTable:
    """The table; a reported payment's alert links to the slip by a link signed for its tenant, so
    it opens from the alert email without a bearer token. Every event a webhook may subscribe to
    is also queued for its tenant's endpoints, last, in the same transaction."""
    slip_link = partial(
        signed_slip_link, portal_url, secret=auth.jwt_secret.get_secret_value(), issuer=auth.jwt_issuer
    )
    table: dict[type[EventPayload], EventHandler | tuple[EventHandler, ...]] = {
        TenantSettingsUpdated: use_cases.apply_tenant_settings,
        CustomerUpserted: use_cases.apply_customer,
        # The customer's notice, then (when money was kept) the staff's tax invoice reminder.
        DepositReturned: (use_cases.record_deposit_returned, use_cases.alert_retained_deposit),
        DepositReturnVoided: use_cases.cancel_voided_return_notice,
        PaymentRecorded: use_cases.record_payment_recorded,
        PrepaymentRecorded: use_cases.record_prepayment_recorded,
        TaxInvoiceIssued: use_cases.record_tax_invoice_issued,
        DocumentRendered: use_cases.record_document_rendered,
        PaymentReportReceived: partial(use_cases.alert_payment_reported, slip_link=slip_link),
        InvoiceOverdue: use_cases.alert_invoice_overdue,
        DepositReturnOverdue: use_cases.alert_return_overdue,
        DocumentRenderFailed: use_cases.alert_render_failed,
        EventDeadLettered: use_cases.alert_dead_lettered,
    }
    for topic in WEBHOOK_TOPICS:
        for event in topic.events:
            applied = table.get(event, ())
            table[event] = (
                *(applied if isinstance(applied, tuple) else (applied,)),
                use_cases.queue_webhooks,
            )
    return table
