"""The documents consumer as the service wires it, applying events to a test module's database."""

import tempfile
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from services.documents.adapters.storage import DocumentStorage, LocalFolderStorage
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.bootstrap import CONSUMER_GROUP
from services.documents.entrypoints import events
from services.documents.settings import Settings
from shared.clock import Clock
from shared.messaging.consumer import EventConsumer
from shared.settings import KafkaSettings


def documents_consumer(
    engine: AsyncEngine,
    storage: DocumentStorage | None = None,
    *,
    intake_max_bytes: int = Settings().intake_max_bytes,
) -> EventConsumer:
    """Signed documents are read from and kept in `storage` (a folder of its own by default)."""
    return EventConsumer(
        CONSUMER_GROUP,
        uow_factory=lambda: DocumentsUnitOfWork(engine),
        handlers=events.handlers(
            storage=storage or LocalFolderStorage(Path(tempfile.mkdtemp(prefix="documents-it-"))),
            intake_max_bytes=intake_max_bytes,
        ),
        settings=KafkaSettings(),
        clock=Clock(),
    )
