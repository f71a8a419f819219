"""Fetches a rendered receipt's PDF from the documents service for attaching to an email."""

from uuid import UUID

import httpx

from services.notifications.domain import DeliveryFailed
from shared.clients import DocumentNotAvailable, DocumentsClient


class ReceiptPdfs:
    def __init__(self, client: DocumentsClient) -> None:
        self._client = client

    async def pdf(
        self,
        *,
        tenant_id: str,
        customer_id: str,
        document_id: UUID,
        language: str,
        version: int,
    ) -> bytes:
        try:
            content = await self._client.pdf(
                tenant_id=tenant_id,
                customer_id=customer_id,
                document_id=document_id,
                language=language,
                version=version,
            )
        except DocumentNotAvailable as error:
            raise DeliveryFailed(f"document {error} is not available from the documents service") from error
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"documents service: {type(error).__name__}: {error}") from error
        if not content.startswith(b"%PDF"):
            raise DeliveryFailed(f"document {document_id} is not a PDF")
        return content
