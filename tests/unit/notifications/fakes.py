"""In-memory stand-ins for the notifications unit of work, the relay, the documents service and the
portal's invoice links, and the context the consumer hands a use case applying an event."""

import copy
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from services.notifications.adapters.repository import RenderedDocument
from services.notifications.domain import (
    Alert,
    Customer,
    DeliveryFailed,
    DocumentRef,
    Notice,
    NoticeKind,
    NoticeStatus,
    OutgoingEmail,
    Tenant,
)
from services.notifications.domain.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.unit.fakes import FakeUnitOfWork


class FakeNotices:
    def __init__(self) -> None:
        self.rows: dict[UUID, Notice] = {}

    async def lock_numbers(self, tenant_id: str, numbers: Iterable[str]) -> None:
        pass

    async def add(self, notice: Notice) -> bool:
        for row in self.rows.values():
            same_receipt = notice.receipt_number is not None and (
                row.tenant_id,
                row.kind,
                row.receipt_number,
            ) == (notice.tenant_id, notice.kind, notice.receipt_number)
            if same_receipt or (notice.alert_id is not None and row.alert_id == notice.alert_id):
                return False
        self.rows[notice.id] = copy.deepcopy(notice)
        return True

    async def save(self, notice: Notice) -> None:
        self.rows[notice.id] = copy.deepcopy(notice)

    async def for_receipt(
        self, tenant_id: str, kind: NoticeKind, receipt_number: str, *, for_update: bool = False
    ) -> Notice | None:
        for row in self.rows.values():
            if (row.tenant_id, row.kind, row.receipt_number) == (tenant_id, kind, receipt_number):
                return copy.deepcopy(row)
        return None

    async def waiting_for(self, tenant_id: str, document: DocumentRef) -> list[Notice]:
        return [
            copy.deepcopy(n)
            for n in self.rows.values()
            if n.tenant_id == tenant_id
            and n.status is NoticeStatus.WAITING_FOR_DOCUMENT
            and document in {d.ref for d in n.documents}
        ]

    async def claim_due(self, now: datetime) -> Notice | None:
        due = [
            n
            for n in self.rows.values()
            if n.status is NoticeStatus.PENDING and n.next_attempt_at is not None and n.next_attempt_at <= now
        ]
        return copy.deepcopy(min(due, key=lambda n: n.next_attempt_at)) if due else None  # type: ignore[arg-type,return-value]


class FakeAlerts:
    def __init__(self) -> None:
        self.rows: dict[UUID, Alert] = {}

    async def add(self, alert: Alert) -> bool:
        if any(a.source_event_id == alert.source_event_id for a in self.rows.values()):
            return False
        self.rows[alert.id] = copy.deepcopy(alert)
        return True

    async def get(self, alert_id: UUID, *, for_update: bool = False) -> Alert | None:
        return copy.deepcopy(self.rows.get(alert_id))


class FakeReference:
    def __init__(self) -> None:
        self.tenants: dict[str, Tenant] = {}
        self.customers: dict[tuple[str, str], Customer] = {}
        self.documents: dict[tuple[str, str, str, int], tuple[UUID, str, tuple[str, ...]]] = {}

    async def tenant(self, tenant_id: str) -> Tenant | None:
        return self.tenants.get(tenant_id)

    async def save_tenant(self, tenant: Tenant) -> None:
        self.tenants[tenant.tenant_id] = tenant

    async def customer(self, tenant_id: str, customer_id: str) -> Customer | None:
        return self.customers.get((tenant_id, customer_id))

    async def save_customer(self, tenant_id: str, customer: Customer) -> None:
        self.customers[(tenant_id, customer.customer_id)] = customer

    async def save_rendered(
        self,
        tenant_id: str,
        *,
        kind: str,
        number: str,
        version: int,
        document_id: UUID,
        status: str,
        languages: list[str],
    ) -> None:
        self.documents.setdefault((tenant_id, kind, number, version), (document_id, status, tuple(languages)))

    async def rendered(
        self, tenant_id: str, *, kind: str, number: str, version: int
    ) -> RenderedDocument | None:
        found = self.documents.get((tenant_id, kind, number, version))
        if found is None or found[1] != "issued":
            return None
        return RenderedDocument(found[0], found[2])


class FakeWebhooks:
    def __init__(self) -> None:
        self.endpoints: dict[UUID, WebhookEndpoint] = {}
        self.deliveries: dict[UUID, WebhookDelivery] = {}

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self.endpoints[endpoint.id] = copy.deepcopy(endpoint)

    async def save_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self.endpoints[endpoint.id] = copy.deepcopy(endpoint)

    async def endpoint(
        self, tenant_id: str, endpoint_id: UUID, *, for_update: bool = False
    ) -> WebhookEndpoint | None:
        found = self.endpoints.get(endpoint_id)
        return copy.deepcopy(found) if found and found.tenant_id == tenant_id else None

    async def subscribers(self, tenant_id: str, event_type: str) -> list[WebhookEndpoint]:
        return [
            copy.deepcopy(e)
            for e in self.endpoints.values()
            if e.tenant_id == tenant_id and e.subscribes_to(event_type)
        ]

    async def queue(self, delivery: WebhookDelivery) -> bool:
        key = (delivery.endpoint_id, delivery.event_id)
        if any((d.endpoint_id, d.event_id) == key for d in self.deliveries.values()):
            return False
        self.deliveries[delivery.id] = copy.deepcopy(delivery)
        return True

    async def claim_due(self, now: datetime) -> WebhookDelivery | None:
        due = [
            d
            for d in self.deliveries.values()
            if d.status is DeliveryStatus.PENDING
            and d.next_attempt_at is not None
            and d.next_attempt_at <= now
        ]
        return copy.deepcopy(min(due, key=lambda d: d.next_attempt_at or now)) if due else None

    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        self.deliveries[delivery.id] = copy.deepcopy(delivery)


class FakeUow(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.notices = FakeNotices()
        self.alerts = FakeAlerts()
        self.reference = FakeReference()
        self.webhooks = FakeWebhooks()


class FakeMailer:
    def __init__(self, failures: int = 0) -> None:
        self.sent: list[OutgoingEmail] = []
        self.failures = failures

    async def send(self, email: OutgoingEmail) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed("SMTP 127.0.0.1:25: ConnectionRefusedError")
        self.sent.append(email)


class FakePdfs:
    def __init__(self) -> None:
        self.requests: list[dict[str, object]] = []

    async def pdf(self, **request: object) -> bytes:
        self.requests.append(request)
        return f"%PDF-1.7 {request['document_id']} {request['language']}".encode()


class FakeLinks:
    """The portal's invoice links: one per idempotency key, as the portal gives them; `failures`
    first attempts fail as when the portal does not know the invoice yet."""

    def __init__(self, failures: int = 0) -> None:
        self.requests: list[dict[str, object]] = []
        self.issued: dict[str, str] = {}
        self.failures = failures

    async def invoice_link(
        self, *, tenant_id: str, customer_id: str, invoice_id: UUID, idempotency_key: str
    ) -> str:
        self.requests.append(
            {
                "tenant_id": tenant_id,
                "customer_id": customer_id,
                "invoice_id": invoice_id,
                "idempotency_key": idempotency_key,
            }
        )
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed(f"The portal cannot link invoice {invoice_id} yet")
        return self.issued.setdefault(
            idempotency_key, f"https://portal.example/l/link-{len(self.issued) + 1}"
        )
