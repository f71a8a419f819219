"""Events billing applies: tenant settings, customers, jobs, deposit returns and their voids, and
customers' payment reports from the portal."""

from services.billing import use_cases
from shared.contracts.deposits import DepositReturned, DepositReturnVoided
from shared.contracts.portal import PaymentReported
from shared.contracts.upstream import CustomerUpserted, JobClosed, JobStageChanged, TenantSettingsUpdated
from shared.messaging.consumer import HandlerTable

HANDLERS: HandlerTable = {
    TenantSettingsUpdated: use_cases.apply_tenant_settings,
    CustomerUpserted: use_cases.apply_customer,
    JobStageChanged: use_cases.apply_job,
    JobClosed: use_cases.apply_job,
    DepositReturned: use_cases.apply_deposit_returned,
    DepositReturnVoided: use_cases.apply_return_voided,
    PaymentReported: use_cases.take_payment_report,
}
