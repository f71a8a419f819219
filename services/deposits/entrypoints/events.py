"""Events deposits applies: tenant numbering, customer names, accepted quotes, closed jobs."""

from services.deposits import use_cases
from shared.contracts.upstream import CustomerUpserted, JobClosed, QuoteAccepted, TenantSettingsUpdated
from shared.messaging.consumer import HandlerTable

HANDLERS: HandlerTable = {
    TenantSettingsUpdated: use_cases.apply_tenant_settings,
    CustomerUpserted: use_cases.apply_customer,
    QuoteAccepted: use_cases.apply_quote_accepted,
    JobClosed: use_cases.apply_job_closed,
}
