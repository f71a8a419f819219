"""The one catalogue of topics and event types. The AsyncAPI document is generated from it."""

from dataclasses import dataclass

from shared.contracts import billing, deposits, documents, operations, portal, upstream
from shared.contracts.envelope import EventPayload


@dataclass(frozen=True)
class Topic:
    name: str
    description: str
    key: str
    events: tuple[type[EventPayload], ...]
    partitions: int = 6


TENANTS = Topic(
    "ops.tenants.v1",
    "Upstream: a rental business's settings (names, tax id, PromptPay id, VAT, numbering, branches).",
    "tenant id",
    (upstream.TenantSettingsUpdated,),
    partitions=1,
)
CUSTOMERS = Topic(
    "ops.customers.v1",
    "Upstream: customers of a rental business. Carries private notes that must never reach customers.",
    "customer id",
    (upstream.CustomerUpserted,),
)
QUOTES = Topic(
    "ops.quotes.v1",
    "Upstream: accepted quotes (one with a deposit amount makes a pending deposit) and signed quotes "
    "(the PDF by claim check).",
    "quote id",
    (upstream.QuoteAccepted, upstream.QuoteSigned),
)
JOBS = Topic(
    "ops.jobs.v1",
    "Upstream: job stage changes and closing, signed delivery manifests (the PDF by claim check), AI "
    "job reports and inspections. Carries asset ids, internal recommendations and damage estimates "
    "that must never reach customers.",
    "job id",
    (
        upstream.JobStageChanged,
        upstream.JobClosed,
        upstream.DeliveryManifestSigned,
        upstream.JobReportPublished,
        upstream.InspectionCompleted,
    ),
)
DEPOSITS = Topic(
    "mudjam.deposits.v1",
    "Security deposits: requested, collected, returned, return voided, return overdue.",
    "deposit id",
    (
        deposits.DepositRequested,
        deposits.DepositCollected,
        deposits.DepositReturned,
        deposits.DepositReturnVoided,
        deposits.DepositReturnOverdue,
    ),
)
BILLING = Topic(
    "mudjam.billing.v1",
    "Invoices sent, payments (RC) and pre-payments (PREREC) recorded, overdue invoices, tax invoices, "
    "and customers' payment reports as billing takes and closes them.",
    "invoice id (a pre-payment's or tax invoice's own id for those)",
    (
        billing.InvoiceSent,
        billing.PaymentRecorded,
        billing.PrepaymentRecorded,
        billing.InvoiceOverdue,
        billing.TaxInvoiceIssued,
        billing.PaymentReportReceived,
        billing.PaymentReportClosed,
    ),
)
PORTAL = Topic(
    "mudjam.portal.v1",
    'What customers do in the portal: "I\'ve paid" on an invoice, with an optional slip.',
    "invoice id",
    (portal.PaymentReported,),
)
DOCUMENTS = Topic(
    "mudjam.documents.v1",
    "Customer documents rendered to PDF (storage key and checksum per language), and render failures.",
    "document id",
    (documents.DocumentRendered, documents.DocumentRenderFailed),
)
DEAD_LETTERS = Topic(
    "mudjam.deadletter.v1",
    "Messages a consumer could not apply after bounded retries, with the error.",
    "original event id",
    (operations.EventDeadLettered,),
    partitions=1,
)

TOPICS: tuple[Topic, ...] = (
    TENANTS,
    CUSTOMERS,
    QUOTES,
    JOBS,
    DEPOSITS,
    BILLING,
    PORTAL,
    DOCUMENTS,
    DEAD_LETTERS,
)
EVENT_TYPES: dict[str, type[EventPayload]] = {event.event_type: event for t in TOPICS for event in t.events}
TOPIC_OF: dict[str, Topic] = {event.event_type: t for t in TOPICS for event in t.events}


def topic_of(payload: EventPayload | type[EventPayload]) -> Topic:
    return TOPIC_OF[payload.event_type]
