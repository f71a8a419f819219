"""What staff ask of notifications over HTTP: their inbox, marking an alert read, the delivery log."""

from datetime import datetime
from uuid import UUID

from services.notifications.adapters.uow import NotificationsUnitOfWork
from services.notifications.domain import Alert, AlertNotFound, Notice, NoticeStatus
from services.notifications.use_cases.common import staff_scope
from shared.auth import Principal


async def inbox(
    *, uow: NotificationsUnitOfWork, staff: Principal, unread_only: bool, limit: int, offset: int
) -> tuple[list[Alert], int, int]:
    """The staff member's alerts (their tenant; their branches and the business-wide ones)."""
    return await uow.alerts.inbox(staff_scope(staff), unread_only=unread_only, limit=limit, offset=offset)


async def mark_alert_read(
    *, uow: NotificationsUnitOfWork, staff: Principal, alert_id: UUID, now: datetime
) -> Alert:
    """Marks an alert read; reading it again keeps the first read time."""
    alert = await uow.alerts.get_in_scope(staff_scope(staff), alert_id, for_update=True)
    if alert is None:
        raise AlertNotFound("Alert not found")
    if alert.read_at is None:
        alert.mark_read(now)
        await uow.alerts.save_read(alert)
    return alert


async def delivery_log(
    *,
    uow: NotificationsUnitOfWork,
    staff: Principal,
    customer_id: str | None,
    status: NoticeStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[Notice], int]:
    return await uow.notices.search(
        staff_scope(staff), customer_id=customer_id, status=status, limit=limit, offset=offset
    )
