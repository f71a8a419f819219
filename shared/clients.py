"""HTTP client for the documents service, used by services that show or send a customer's PDFs.

The transport is injectable (httpx.MockTransport in unit tests)."""

from datetime import UTC, datetime
from uuid import UUID

import httpx

from shared.auth import service_token
from shared.settings import AuthSettings


class DocumentNotAvailable(Exception):
    pass


class DocumentsClient:
    def __init__(
        self,
        base_url: str,
        auth: AuthSettings,
        *,
        service: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = 30,
    ) -> None:
        self._auth, self._service = auth, service
        self._http = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=timeout_s)

    async def aclose(self) -> None:
        await self._http.aclose()

    def _headers(self, tenant_id: str) -> dict[str, str]:
        # Tokens are dated by the wall clock, never a service's business clock (which dev and tests
        # may move), so the receiving service always accepts them.
        token = service_token(
            self._auth.jwt_secret.get_secret_value(),
            service=self._service,
            tenant_id=tenant_id,
            now=datetime.now(UTC),
            issuer=self._auth.jwt_issuer,
        )
        return {"Authorization": f"Bearer {token}"}

    async def pdf(
        self,
        *,
        tenant_id: str,
        customer_id: str,
        document_id: UUID,
        language: str,
        version: int | None = None,
    ) -> bytes:
        """The customer's PDF (latest version unless one is named); DocumentNotAvailable if not theirs."""
        params: dict[str, str | int] = {"language": language, "customer_id": customer_id}
        if version is not None:
            params["version"] = version
        response = await self._http.get(
            f"/v1/documents/{document_id}/file", params=params, headers=self._headers(tenant_id)
        )
        if response.status_code == 404:
            raise DocumentNotAvailable(str(document_id))
        response.raise_for_status()
        return response.content

    async def bundle(
        self, *, tenant_id: str, customer_id: str, document_ids: list[UUID], language: str
    ) -> bytes:
        """One zip of the customer's documents, latest versions."""
        response = await self._http.post(
            "/v1/bundles",
            json={
                "customer_id": customer_id,
                "document_ids": [str(d) for d in document_ids],
                "language": language,
            },
            headers=self._headers(tenant_id),
        )
        response.raise_for_status()
        return response.content
