"""Events documents applies: the tenant, customer and job slices it prints, the deposit and billing
facts and AI job reports that each make a document version to render, and the signed quotes and
delivery manifests it keeps as they were signed."""

from functools import partial

from services.documents import use_cases
from services.documents.adapters.storage import DocumentStorage
from services.documents.domain import DOCUMENT_OF_EVENT
from shared.contracts.billing import PaymentRecorded
from shared.contracts.deposits import DepositReturnVoided
from shared.contracts.upstream import (
    CustomerUpserted,
    DeliveryManifestSigned,
    JobClosed,
    JobReportPublished,
    JobStageChanged,
    QuoteSigned,
    TenantSettingsUpdated,
)
from shared.messaging.consumer import HandlerTable


def handlers(*, storage: DocumentStorage, intake_max_bytes: int) -> HandlerTable:
    """The table; a signed document is read from the intake and kept in `storage`."""
    accept_signed = partial(use_cases.accept_signed_document, storage=storage, max_bytes=intake_max_bytes)
    return {
        TenantSettingsUpdated: use_cases.apply_tenant_settings,
        CustomerUpserted: use_cases.apply_customer,
        JobStageChanged: use_cases.apply_job,
        JobClosed: use_cases.apply_job,
        **dict.fromkeys(DOCUMENT_OF_EVENT, use_cases.schedule_document),
        # A payment's receipt, then the invoice again with the payment and the new balance.
        PaymentRecorded: (use_cases.schedule_document, use_cases.schedule_invoice_payment),
        DepositReturnVoided: use_cases.schedule_void,
        JobReportPublished: use_cases.schedule_job_report,
        QuoteSigned: accept_signed,
        DeliveryManifestSigned: accept_signed,
    }
