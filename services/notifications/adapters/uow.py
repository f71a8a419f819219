from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.notifications.adapters.repository import AlertRepository, NoticeRepository, ReferenceData
from services.notifications.adapters.tables import kernel
from services.notifications.adapters.webhook_repository import WebhookRepository
from shared.db import UnitOfWork

SOURCE = "mudjam/notifications"


class NotificationsUnitOfWork(UnitOfWork):
    notices: NoticeRepository
    alerts: AlertRepository
    reference: ReferenceData
    webhooks: WebhookRepository

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, kernel, SOURCE)

    def bind(self, conn: AsyncConnection) -> None:
        self.notices = NoticeRepository(conn)
        self.alerts = AlertRepository(conn)
        self.reference = ReferenceData(conn)
        self.webhooks = WebhookRepository(conn)
