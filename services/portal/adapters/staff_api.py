"""The staff console's one way to the business's data: the services' own HTTP APIs, called with a
bearer token of the signed-in staff member (minted per call from the session's claims), so the
tenant, branch and role rules are exactly the API's. The console reads no other service's tables.

The transport is injectable (httpx.MockTransport in unit tests)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx

from shared.auth import ALL_BRANCHES, Principal, issue_token
from shared.settings import AuthSettings, ServiceUrls

# Each call carries a fresh token; a leaked one is worth little.
_TOKEN_TTL = timedelta(minutes=5)


class ApiNotFound(Exception):
    """Not in the staff member's tenant and branches, or not at all: the console says "not found"."""


class ApiUnavailable(Exception):
    """The service did not answer, or answered with a server error."""


class ApiRefusal(Exception):
    """The API refused the request (401, 403, 409, 413, 422); `field` names the input at fault."""

    def __init__(self, status_code: int, code: str, message: str, field: str | None) -> None:
        super().__init__(f"{status_code} {code}: {message}")
        self.status_code, self.code, self.message, self.field = status_code, code, message, field


@dataclass(frozen=True)
class Binary:
    content: bytes
    media_type: str
    headers: dict[str, str]


def _refusal(response: httpx.Response) -> ApiRefusal:
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    field = error.get("field") if isinstance(error.get("field"), str) else None
    return ApiRefusal(
        response.status_code,
        str(error.get("code") or response.status_code),
        str(error.get("message") or ""),
        field,
    )


class StaffApi:
    """One HTTP client for the process; `as_staff` binds it to a signed-in staff member."""

    def __init__(
        self,
        urls: ServiceUrls,
        auth: AuthSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = 30,
    ) -> None:
        self.urls, self._auth = urls, auth
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout_s)

    async def aclose(self) -> None:
        await self._http.aclose()

    def as_staff(self, principal: Principal) -> "StaffCalls":
        return StaffCalls(self, principal)

    def _token(self, principal: Principal) -> str:
        # Dated by the wall clock, like service tokens: the receiving services check it so.
        return issue_token(
            self._auth.jwt_secret.get_secret_value(),
            user_id=principal.user_id,
            name=principal.name,
            tenant_id=principal.tenant_id,
            branches=sorted(principal.branches) or [ALL_BRANCHES],
            roles=sorted(principal.roles),
            now=datetime.now(UTC),
            ttl=_TOKEN_TTL,
            issuer=self._auth.jwt_issuer,
        )

    async def send(self, principal: Principal, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token(principal)}", **kwargs.pop("headers", {})}
        try:
            response = await self._http.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise ApiUnavailable(f"{method} {url}: {error}") from error
        if response.status_code == 404:
            raise ApiNotFound(url)
        if response.status_code >= 500:
            raise ApiUnavailable(f"{method} {url}: {response.status_code}")
        if response.status_code >= 400:
            raise _refusal(response)
        return response


class StaffCalls:
    """The calls the console makes, as one staff member."""

    def __init__(self, api: StaffApi, principal: Principal) -> None:
        self._api, self._principal = api, principal
        self._deposits = api.urls.deposits_url.rstrip("/")
        self._documents = api.urls.documents_url.rstrip("/")
        self._billing = api.urls.billing_url.rstrip("/")
        self._notifications = api.urls.notifications_url.rstrip("/")
        self._portal = api.urls.portal_url.rstrip("/")

    async def _json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._api.send(self._principal, method, url, **kwargs)
        body: dict[str, Any] = response.json()
        return body

    async def dashboard(self) -> dict[str, Any]:
        return await self._json("GET", f"{self._deposits}/v1/deposits/dashboard")

    async def deposits(self, params: dict[str, str | int]) -> dict[str, Any]:
        return await self._json("GET", f"{self._deposits}/v1/deposits", params=params)

    async def deposit(self, deposit_id: UUID) -> dict[str, Any]:
        return await self._json("GET", f"{self._deposits}/v1/deposits/{deposit_id}")

    async def return_deposit(self, deposit_id: UUID, body: dict[str, str], *, key: str) -> dict[str, Any]:
        return await self._json(
            "POST",
            f"{self._deposits}/v1/deposits/{deposit_id}/returns",
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def void_return(
        self, deposit_id: UUID, return_id: UUID, reason: str, *, key: str
    ) -> dict[str, Any]:
        return await self._json(
            "POST",
            f"{self._deposits}/v1/deposits/{deposit_id}/returns/{return_id}/void",
            json={"reason": reason},
            headers={"Idempotency-Key": key},
        )

    async def collect(self, deposit_id: UUID, body: dict[str, str], *, key: str) -> dict[str, Any]:
        return await self._json(
            "POST",
            f"{self._deposits}/v1/deposits/{deposit_id}/collections",
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def attach_proof(
        self,
        deposit_id: UUID,
        collection_id: UUID,
        *,
        content: bytes,
        content_type: str,
        filename: str,
        key: str,
    ) -> dict[str, Any]:
        return await self._json(
            "POST",
            f"{self._deposits}/v1/deposits/{deposit_id}/collections/{collection_id}/proof",
            files={"file": (filename, content, content_type)},
            headers={"Idempotency-Key": key},
        )

    async def collection_proof(self, deposit_id: UUID, collection_id: UUID) -> Binary:
        response = await self._api.send(
            self._principal,
            "GET",
            f"{self._deposits}/v1/deposits/{deposit_id}/collections/{collection_id}/proof",
        )
        return Binary(response.content, response.headers.get("content-type", "application/octet-stream"), {})

    async def document(self, document_id: UUID) -> dict[str, Any]:
        return await self._json("GET", f"{self._documents}/v1/documents/{document_id}")

    async def document_pdf(self, document_id: UUID, language: str) -> Binary:
        response = await self._api.send(
            self._principal,
            "GET",
            f"{self._documents}/v1/documents/{document_id}/file",
            params={"language": language},
        )
        return Binary(response.content, "application/pdf", {})

    async def document_page(self, document_id: UUID, page: int, language: str) -> Binary:
        response = await self._api.send(
            self._principal,
            "GET",
            f"{self._documents}/v1/documents/{document_id}/pages/{page}.png",
            params={"language": language},
        )
        return Binary(response.content, "image/png", {})

    # Reported payments (billing), the slips (the portal's own API) --------------------------------

    async def reports(self, params: dict[str, str | int]) -> dict[str, Any]:
        return await self._json("GET", f"{self._billing}/v1/reported-payments", params=params)

    async def invoice(self, invoice_id: UUID) -> dict[str, Any]:
        return await self._json("GET", f"{self._billing}/v1/invoices/{invoice_id}")

    async def record_payment(self, invoice_id: UUID, body: dict[str, str], *, key: str) -> dict[str, Any]:
        return await self._json(
            "POST",
            f"{self._billing}/v1/invoices/{invoice_id}/payments",
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def dismiss_report(self, report_id: UUID, reason: str, *, key: str) -> dict[str, Any]:
        return await self._json(
            "POST",
            f"{self._billing}/v1/reported-payments/{report_id}/dismiss",
            json={"reason": reason},
            headers={"Idempotency-Key": key},
        )

    async def slip(self, slip_id: UUID) -> Binary:
        response = await self._api.send(self._principal, "GET", f"{self._portal}/v1/slips/{slip_id}")
        return Binary(response.content, response.headers.get("content-type", "application/octet-stream"), {})

    # The inbox (notifications) ------------------------------------------------------------------

    async def inbox(self, params: dict[str, str | int]) -> dict[str, Any]:
        return await self._json("GET", f"{self._notifications}/v1/inbox", params=params)

    async def mark_read(self, alert_id: UUID, *, key: str) -> dict[str, Any]:
        return await self._json(
            "POST", f"{self._notifications}/v1/inbox/{alert_id}/read", headers={"Idempotency-Key": key}
        )

    # Portal links (the portal's own API) ----------------------------------------------------------

    async def issue_portal_link(
        self, customer_id: str, invoice_id: UUID | None, *, key: str
    ) -> dict[str, Any]:
        body: dict[str, str] = {"customer_id": customer_id}
        if invoice_id is not None:
            body["invoice_id"] = str(invoice_id)
        return await self._json(
            "POST", f"{self._portal}/v1/portal-links", json=body, headers={"Idempotency-Key": key}
        )

    # Damage beyond the deposit (billing, notifications) -----------------------------------------

    async def invoices(self, params: dict[str, str | int]) -> dict[str, Any]:
        return await self._json("GET", f"{self._billing}/v1/invoices", params=params)

    async def draft_invoice(self, body: dict[str, Any], *, key: str) -> dict[str, Any]:
        return await self._json(
            "POST", f"{self._billing}/v1/invoices", json=body, headers={"Idempotency-Key": key}
        )

    async def edit_lines(self, invoice_id: UUID, lines: list[dict[str, str]], *, key: str) -> dict[str, Any]:
        return await self._json(
            "PUT",
            f"{self._billing}/v1/invoices/{invoice_id}/lines",
            json={"lines": lines},
            headers={"Idempotency-Key": key},
        )

    async def send_invoice(self, invoice_id: UUID, *, key: str) -> dict[str, Any]:
        return await self._json(
            "POST", f"{self._billing}/v1/invoices/{invoice_id}/send", headers={"Idempotency-Key": key}
        )

    async def retentions(self, params: dict[str, str | int]) -> dict[str, Any]:
        return await self._json("GET", f"{self._billing}/v1/retentions", params=params)

    async def issue_tax_invoice(
        self, invoice_ids: list[str], deposit_return_numbers: list[str], *, key: str
    ) -> dict[str, Any]:
        return await self._json(
            "POST",
            f"{self._billing}/v1/tax-invoices",
            json={"invoice_ids": invoice_ids, "deposit_return_numbers": deposit_return_numbers},
            headers={"Idempotency-Key": key},
        )

    async def tax_invoice(self, tax_invoice_id: UUID) -> dict[str, Any]:
        return await self._json("GET", f"{self._billing}/v1/tax-invoices/{tax_invoice_id}")

    async def notices(self, params: dict[str, str | int]) -> dict[str, Any]:
        return await self._json("GET", f"{self._notifications}/v1/notices", params=params)
