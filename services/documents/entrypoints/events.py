"""Events documents applies: the tenant and customer slices it prints, and the deposit and billing
facts that each make a document version to render."""

from services.documents import use_cases
from services.documents.domain import DOCUMENT_OF_EVENT
from shared.contracts.billing import PaymentRecorded
from shared.contracts.deposits import DepositReturnVoided
from shared.contracts.upstream import CustomerUpserted, TenantSettingsUpdated
from shared.messaging.consumer import HandlerTable

HANDLERS: HandlerTable = {
    TenantSettingsUpdated: use_cases.apply_tenant_settings,
    CustomerUpserted: use_cases.apply_customer,
    **dict.fromkeys(DOCUMENT_OF_EVENT, use_cases.schedule_document),
    # A payment's receipt, then the invoice again with the payment and the new balance.
    PaymentRecorded: (use_cases.schedule_document, use_cases.schedule_invoice_payment),
    DepositReturnVoided: use_cases.schedule_void,
}
