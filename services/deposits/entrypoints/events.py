"""Events deposits applies: tenant numbering, customer names, accepted quotes, jobs' stages and
inspections."""

from services.deposits import use_cases
from shared.contracts.upstream import (
    CustomerUpserted,
    InspectionCompleted,
    JobClosed,
    JobStageChanged,
    QuoteAccepted,
    TenantSettingsUpdated,
)
from shared.messaging.consumer import HandlerTable

HANDLERS: HandlerTable = {
    TenantSettingsUpdated: use_cases.apply_tenant_settings,
    CustomerUpserted: use_cases.apply_customer,
    QuoteAccepted: use_cases.apply_quote_accepted,
    JobStageChanged: use_cases.apply_job,
    JobClosed: use_cases.apply_job,
    InspectionCompleted: use_cases.apply_inspection,
}
