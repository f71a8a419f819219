"""Asks the portal for a link to one invoice of the customer, for the emails that name it."""

from uuid import UUID

import httpx

from services.notifications.domain import DeliveryFailed
from shared.clients import LinkNotYetPossible, PortalLinksClient


class InvoiceLinks:
    def __init__(self, client: PortalLinksClient) -> None:
        self._client = client

    async def invoice_link(
        self, *, tenant_id: str, customer_id: str, invoice_id: UUID, idempotency_key: str
    ) -> str:
        try:
            return await self._client.invoice_link(
                tenant_id=tenant_id,
                customer_id=customer_id,
                invoice_id=invoice_id,
                idempotency_key=idempotency_key,
            )
        except LinkNotYetPossible as error:
            raise DeliveryFailed(f"The portal cannot link invoice {invoice_id} yet: {error}") from error
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"portal: {type(error).__name__}: {error}") from error
