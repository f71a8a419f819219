"""Loads and saves notices, alerts and the upstream slices this service keeps."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, and_, func, or_, select, text, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.notice_json import (
    documents_of,
    documents_to_json,
    facts_of,
    facts_to_json,
)
from services.notifications.adapters.tables import alerts, customers, notices, rendered_documents, tenants
from services.notifications.domain import (
    Alert,
    AlertKind,
    Customer,
    DocumentRef,
    Notice,
    NoticeKind,
    NoticeStatus,
    Tenant,
)
from shared.context import Trace


@dataclass(frozen=True)
class Scope:
    """What a staff member may see: their tenant, and their branches (None: every branch)."""

    tenant_id: str
    branches: frozenset[str] | None

    def branch_condition(self, column: Any) -> ColumnElement[bool]:
        if self.branches is None:
            return true()
        # Rows with no branch concern the whole business.
        return or_(column.is_(None), column.in_(self.branches))


@dataclass(frozen=True)
class RenderedDocument:
    document_id: UUID
    languages: tuple[str, ...]


def _notice(row: Row[Any]) -> Notice:
    kind = NoticeKind(row.kind)
    return Notice(
        id=row.id,
        tenant_id=row.tenant_id,
        branch_id=row.branch_id,
        kind=kind,
        status=NoticeStatus(row.status),
        created_at=row.created_at,
        customer_id=row.customer_id,
        receipt_number=row.receipt_number,
        documents=documents_of(row.documents),
        alert_id=row.alert_id,
        facts=facts_of(kind, row.facts),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        sent_at=row.sent_at,
        message_id=row.message_id,
        recipients=tuple(row.recipients),
        language=row.language,
        subject=row.subject,
        trace=Trace(row.correlation_id, row.causation_id) if row.correlation_id else None,
    )


def _notice_values(n: Notice) -> dict[str, Any]:
    return {
        "tenant_id": n.tenant_id,
        "branch_id": n.branch_id,
        "kind": n.kind.value,
        "customer_id": n.customer_id,
        "receipt_number": n.receipt_number,
        "document_id": n.document_id,
        "documents": documents_to_json(n.documents),
        "alert_id": n.alert_id,
        "facts": facts_to_json(n.facts),
        "status": n.status.value,
        "attempts": n.attempts,
        "next_attempt_at": n.next_attempt_at,
        "last_error": n.last_error,
        "sent_at": n.sent_at,
        "message_id": n.message_id,
        "recipients": list(n.recipients),
        "language": n.language,
        "subject": n.subject,
        "created_at": n.created_at,
        "correlation_id": n.trace.correlation_id if n.trace else None,
        "causation_id": n.trace.causation_id if n.trace else None,
    }


def _alert(row: Row[Any]) -> Alert:
    return Alert(
        id=row.id,
        tenant_id=row.tenant_id,
        branch_id=row.branch_id,
        kind=AlertKind(row.kind),
        title=row.title,
        body=row.body,
        link=row.link,
        created_at=row.created_at,
        source_event_id=row.source_event_id,
        read_at=row.read_at,
    )


class NoticeRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def lock_numbers(self, tenant_id: str, numbers: Iterable[str]) -> None:
        """Serializes the events that complete a notice (the fact and each rendered document it
        attaches), so whichever commits last sees the others, even on two replicas at once. Locks
        are taken in one order, so two notices sharing documents cannot deadlock."""
        for number in sorted(set(numbers)):
            await self._conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": f"notifications:receipt:{tenant_id}:{number}"},
            )

    async def add(self, notice: Notice) -> bool:
        """False when the notice already exists (same receipt or alert): nothing is written."""
        inserted = await self._conn.execute(
            insert(notices)
            .values(id=notice.id, **_notice_values(notice))
            .on_conflict_do_nothing()
            .returning(notices.c.id)
        )
        return inserted.first() is not None

    async def save(self, notice: Notice) -> None:
        await self._conn.execute(
            notices.update().where(notices.c.id == notice.id).values(**_notice_values(notice))
        )

    async def for_receipt(
        self, tenant_id: str, kind: NoticeKind, receipt_number: str, *, for_update: bool = False
    ) -> Notice | None:
        query = select(notices).where(
            notices.c.tenant_id == tenant_id,
            notices.c.kind == kind.value,
            notices.c.receipt_number == receipt_number,
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return _notice(row) if row else None

    async def waiting_for(self, tenant_id: str, document: DocumentRef) -> list[Notice]:
        """The notices still waiting for this document, locked for this transaction: two of their
        documents rendered at once update them one after the other."""
        probe = [{"kind": document.kind.value, "number": document.number}]
        rows = await self._conn.execute(
            select(notices)
            .where(
                notices.c.tenant_id == tenant_id,
                notices.c.status == NoticeStatus.WAITING_FOR_DOCUMENT.value,
                notices.c.documents.contains(probe),
            )
            .order_by(notices.c.id)
            .with_for_update()
        )
        return [_notice(row) for row in rows]

    async def claim_due(self, now: datetime) -> Notice | None:
        """The next notice due for delivery, locked for this transaction; a notice another worker
        holds is skipped, so no two workers ever send the same one."""
        row = (
            await self._conn.execute(
                select(notices)
                .where(notices.c.status == NoticeStatus.PENDING.value, notices.c.next_attempt_at <= now)
                .order_by(notices.c.next_attempt_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).first()
        return _notice(row) if row else None

    async def search(
        self,
        scope: Scope,
        *,
        customer_id: str | None,
        status: NoticeStatus | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Notice], int]:
        conditions = [notices.c.tenant_id == scope.tenant_id, scope.branch_condition(notices.c.branch_id)]
        if customer_id is not None:
            conditions.append(notices.c.customer_id == customer_id)
        if status is not None:
            conditions.append(notices.c.status == status.value)
        where = and_(*conditions)
        total = await self._conn.scalar(select(func.count()).select_from(notices).where(where))
        rows = await self._conn.execute(
            select(notices)
            .where(where)
            .order_by(notices.c.created_at.desc(), notices.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_notice(row) for row in rows], int(total or 0)


class AlertRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, alert: Alert) -> bool:
        """False when an alert from the same source event exists: a replay adds nothing."""
        inserted = await self._conn.execute(
            insert(alerts)
            .values(
                id=alert.id,
                tenant_id=alert.tenant_id,
                branch_id=alert.branch_id,
                kind=alert.kind.value,
                title=alert.title,
                body=alert.body,
                link=alert.link,
                created_at=alert.created_at,
                read_at=alert.read_at,
                source_event_id=alert.source_event_id,
            )
            .on_conflict_do_nothing(index_elements=[alerts.c.source_event_id])
            .returning(alerts.c.id)
        )
        return inserted.first() is not None

    async def get(self, alert_id: UUID, *, for_update: bool = False) -> Alert | None:
        query = select(alerts).where(alerts.c.id == alert_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return _alert(row) if row else None

    async def get_in_scope(self, scope: Scope, alert_id: UUID, *, for_update: bool = False) -> Alert | None:
        query = select(alerts).where(
            alerts.c.id == alert_id,
            alerts.c.tenant_id == scope.tenant_id,
            scope.branch_condition(alerts.c.branch_id),
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        return _alert(row) if row else None

    async def save_read(self, alert: Alert) -> None:
        await self._conn.execute(alerts.update().where(alerts.c.id == alert.id).values(read_at=alert.read_at))

    async def inbox(
        self, scope: Scope, *, unread_only: bool, limit: int, offset: int
    ) -> tuple[list[Alert], int, int]:
        """A page of alerts, newest first, with the total and the unread count in scope."""
        visible = [alerts.c.tenant_id == scope.tenant_id, scope.branch_condition(alerts.c.branch_id)]
        where = and_(*visible, alerts.c.read_at.is_(None)) if unread_only else and_(*visible)
        counts = (
            await self._conn.execute(
                select(
                    func.count().filter(where).label("total"),
                    func.count().filter(alerts.c.read_at.is_(None)).label("unread"),
                ).where(*visible)
            )
        ).one()
        rows = await self._conn.execute(
            select(alerts)
            .where(where)
            .order_by(alerts.c.created_at.desc(), alerts.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_alert(row) for row in rows], int(counts.total), int(counts.unread)


class ReferenceData:
    """The upstream slices notifications needs: the business's contact, the customer's address and
    language, and which receipts have been rendered."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def tenant(self, tenant_id: str) -> Tenant | None:
        row = (await self._conn.execute(select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
        if row is None:
            return None
        return Tenant(
            tenant_id=row.tenant_id,
            business_name_en=row.business_name_en,
            business_name_th=row.business_name_th,
            phone=row.phone,
            email=row.email,
            billing_staff_emails=tuple(row.billing_staff_emails),
            default_language=row.default_language,
            timezone=row.timezone,
        )

    async def save_tenant(self, tenant: Tenant) -> None:
        values = {
            "business_name_en": tenant.business_name_en,
            "business_name_th": tenant.business_name_th,
            "phone": tenant.phone,
            "email": tenant.email,
            "billing_staff_emails": list(tenant.billing_staff_emails),
            "default_language": tenant.default_language,
            "timezone": tenant.timezone,
        }
        await self._conn.execute(
            insert(tenants)
            .values(tenant_id=tenant.tenant_id, **values)
            .on_conflict_do_update(index_elements=[tenants.c.tenant_id], set_=values)
        )

    async def customer(self, tenant_id: str, customer_id: str) -> Customer | None:
        row = (
            await self._conn.execute(
                select(customers).where(
                    customers.c.tenant_id == tenant_id, customers.c.customer_id == customer_id
                )
            )
        ).first()
        if row is None:
            return None
        return Customer(row.customer_id, row.name, row.email, row.preferred_language)

    async def save_customer(self, tenant_id: str, customer: Customer) -> None:
        values = {
            "name": customer.name,
            "email": customer.email,
            "preferred_language": customer.preferred_language,
        }
        await self._conn.execute(
            insert(customers)
            .values(tenant_id=tenant_id, customer_id=customer.customer_id, **values)
            .on_conflict_do_update(
                index_elements=[customers.c.tenant_id, customers.c.customer_id], set_=values
            )
        )

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
        await self._conn.execute(
            insert(rendered_documents)
            .values(
                tenant_id=tenant_id,
                kind=kind,
                number=number,
                version=version,
                document_id=document_id,
                status=status,
                languages=languages,
            )
            .on_conflict_do_nothing()
        )

    async def rendered(
        self, tenant_id: str, *, kind: str, number: str, version: int
    ) -> RenderedDocument | None:
        row = (
            await self._conn.execute(
                select(rendered_documents.c.document_id, rendered_documents.c.languages).where(
                    rendered_documents.c.tenant_id == tenant_id,
                    rendered_documents.c.kind == kind,
                    rendered_documents.c.number == number,
                    rendered_documents.c.version == version,
                    rendered_documents.c.status == "issued",
                )
            )
        ).first()
        return RenderedDocument(row.document_id, tuple(row.languages)) if row else None
