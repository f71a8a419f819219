"""Documents use cases. Each runs inside the caller's unit of work: a render job and the event it
came from commit together; a rendered version, its job's end and its announcement commit together;
a signed document's version, its announcement and the event it came from commit together."""

from services.documents.use_cases.bundles import bundle_language, customer_bundle, find_bundle
from services.documents.use_cases.intake import receive_upload
from services.documents.use_cases.pages import PageToServe, find_page, page_image
from services.documents.use_cases.queries import FileToServe, find_file, get_document, list_documents
from services.documents.use_cases.rendering import (
    claim_next_job,
    complete_job,
    fail_job,
    load_render_inputs,
    release_job,
    renew_lease,
)
from services.documents.use_cases.scheduling import (
    schedule_document,
    schedule_invoice_payment,
    schedule_job_report,
    schedule_re_renders,
    schedule_render,
    schedule_void,
)
from services.documents.use_cases.signed import accept_signed_document
from services.documents.use_cases.upstream import apply_customer, apply_job, apply_tenant_settings

__all__ = [
    "FileToServe",
    "PageToServe",
    "accept_signed_document",
    "apply_customer",
    "apply_job",
    "apply_tenant_settings",
    "bundle_language",
    "claim_next_job",
    "complete_job",
    "customer_bundle",
    "fail_job",
    "find_bundle",
    "find_file",
    "find_page",
    "get_document",
    "list_documents",
    "load_render_inputs",
    "page_image",
    "receive_upload",
    "release_job",
    "renew_lease",
    "schedule_document",
    "schedule_invoice_payment",
    "schedule_job_report",
    "schedule_re_renders",
    "schedule_render",
    "schedule_void",
]
