"""Documents use cases. Each runs inside the caller's unit of work: a render job and the event it
came from commit together; a rendered version, its job's end and its announcement commit together."""

from services.documents.use_cases.queries import (
    FileToServe,
    find_bundle,
    find_file,
    get_document,
    list_documents,
)
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
    schedule_render,
    schedule_void,
)
from services.documents.use_cases.upstream import apply_customer, apply_tenant_settings

__all__ = [
    "FileToServe",
    "apply_customer",
    "apply_tenant_settings",
    "claim_next_job",
    "complete_job",
    "fail_job",
    "find_bundle",
    "find_file",
    "get_document",
    "list_documents",
    "load_render_inputs",
    "release_job",
    "renew_lease",
    "schedule_document",
    "schedule_invoice_payment",
    "schedule_render",
    "schedule_void",
]
