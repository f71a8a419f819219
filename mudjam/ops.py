"""Publishes the upstream events of the operations system (SPEC §9), for demos, tests and
integrators who want to see the contract in action. Signed documents go by claim check, as the
operations system sends them: the file is uploaded to the documents service's intake as it is, then
the event names it (`FileRef`)."""

import asyncio
import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal, Self
from uuid import uuid4

import httpx
from faststream.kafka import KafkaBroker
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.auth import ALL_BRANCHES, Role, issue_token
from shared.contracts import upstream
from shared.contracts.catalogue import EVENT_TYPES, topic_of
from shared.contracts.envelope import Envelope, EventPayload
from shared.messaging.broker import make_broker
from shared.settings import AuthSettings, KafkaSettings, ServiceUrls

SOURCE = "mudjam/ops-tool"
PDF = "application/pdf"
TokenFor = Callable[[str], str]  # tenant id → the bearer token uploads to documents carry


class OpsError(Exception):
    """What went wrong, in one line a person can act on."""


class OpsToolSettings(BaseSettings):
    """MUDJAM_OPS_TOKEN: the operations system's token for uploads; without it, in dev only, the tool
    signs one with the dev auth settings. MUDJAM_DOCUMENTS_URL: where the documents service is."""

    model_config = SettingsConfigDict(env_prefix="MUDJAM_OPS_", populate_by_name=True)

    token: SecretStr | None = None
    environment: Literal["dev", "production"] = Field("dev", validation_alias="MUDJAM_ENVIRONMENT")
    auth: AuthSettings = Field(default_factory=AuthSettings)
    urls: ServiceUrls = Field(default_factory=ServiceUrls)

    def token_for(self, given: str | None = None) -> TokenFor:
        """The token given (or MUDJAM_OPS_TOKEN) for every tenant; else, in dev, an operations
        token signed for the tenant at hand."""
        fixed = given or (self.token.get_secret_value() if self.token else None)
        if fixed:
            return lambda _tenant_id: fixed
        if self.environment != "dev":
            raise OpsError("no token for the documents service: give --token or set MUDJAM_OPS_TOKEN")
        return lambda tenant_id: operations_token(self.auth, tenant_id)


def operations_token(auth: AuthSettings, tenant_id: str) -> str:
    """A short-lived token of the operations system for one tenant (role operations)."""
    return issue_token(
        auth.jwt_secret.get_secret_value(),
        user_id="ops-tool",
        name="Operations system",
        tenant_id=tenant_id,
        branches=[ALL_BRANCHES],
        roles=[Role.OPERATIONS],
        now=datetime.now(UTC),
        ttl=timedelta(minutes=10),
        issuer=auth.jwt_issuer,
    )


def _refusal(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200] or response.reason_phrase


class OpsPublisher:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        documents_url: str | None = None,
        token_for: TokenFor | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._broker: KafkaBroker = make_broker(
            KafkaSettings(bootstrap_servers=bootstrap_servers), client_id="mudjam-ops"
        )
        self._documents_url = documents_url or ServiceUrls().documents_url
        self._token_for = token_for
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        # Publishes racing to be first would each connect (and leak) a producer.
        self._connecting = asyncio.Lock()
        self._connected = False

    async def __aenter__(self) -> Self:
        # The broker connects at the first publish, so an event refused by its schema (or a file
        # refused by documents) is told before any connection to Kafka is tried.
        self._http = httpx.AsyncClient(base_url=self._documents_url, transport=self._transport, timeout=60)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._http is not None:
            await self._http.aclose()
        await self._broker.stop()

    async def publish(
        self, payload: EventPayload, *, tenant_id: str, subject: str, branch_id: str | None = None
    ) -> Envelope:
        async with self._connecting:
            if not self._connected:
                await self._broker.connect()
                self._connected = True
        envelope = Envelope.of(
            payload,
            source=SOURCE,
            tenant_id=tenant_id,
            branch_id=branch_id,
            subject=subject,
            time=datetime.now(UTC),
            correlation_id=str(uuid4()),
        )
        await self._broker.publish(
            envelope.model_dump(mode="json"),
            topic=topic_of(payload).name,
            key=subject.encode(),
            headers={"ce_type": envelope.type},
        )
        return envelope

    async def publish_raw(
        self,
        event_type: str,
        data: dict[str, Any],
        *,
        tenant_id: str,
        subject: str,
        branch_id: str | None = None,
    ) -> Envelope:
        """Any catalogued event from JSON, validated against its schema first."""
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type!r}; known: {', '.join(sorted(EVENT_TYPES))}")
        payload = EVENT_TYPES[event_type].model_validate(data)
        return await self.publish(payload, tenant_id=tenant_id, subject=subject, branch_id=branch_id)

    async def tenant(self, tenant_id: str, **settings: Any) -> Envelope:
        payload = upstream.TenantSettingsUpdated.model_validate(settings)
        return await self.publish(payload, tenant_id=tenant_id, subject=tenant_id)

    async def customer(
        self, tenant_id: str, customer_id: str, *, branch_id: str | None = None, **fields: Any
    ) -> Envelope:
        """The customer, of their home branch (the envelope's branch; none for a customer of the
        whole business, whom only staff of every branch may issue portal links for)."""
        payload = upstream.CustomerUpserted.model_validate({"customer_id": customer_id, **fields})
        return await self.publish(payload, tenant_id=tenant_id, subject=customer_id, branch_id=branch_id)

    async def quote_accepted(
        self,
        tenant_id: str,
        *,
        branch_id: str,
        quote_id: str,
        customer_id: str,
        deposit: Decimal,
        job_id: str | None = None,
        quote_number: str | None = None,
        internal_notes: str = "",
    ) -> Envelope:
        payload = upstream.QuoteAccepted(
            quote_id=quote_id,
            quote_number=quote_number or quote_id,
            customer_id=customer_id,
            job_id=job_id,
            deposit_amount=deposit,
            accepted_at=datetime.now(UTC),
            internal_notes=internal_notes,
        )
        return await self.publish(payload, tenant_id=tenant_id, subject=quote_id, branch_id=branch_id)

    async def job(
        self,
        tenant_id: str,
        *,
        job_id: str,
        customer_id: str,
        stage: str,
        branch_id: str | None = None,
        job_number: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        equipment: list[dict[str, Any]] | None = None,
        internal_notes: str = "",
        closed_at: datetime | None = None,
    ) -> Envelope:
        fields: dict[str, Any] = {
            "job_id": job_id,
            "job_number": job_number or job_id,
            "customer_id": customer_id,
            "stage": stage,
            "start_date": start_date,
            "end_date": end_date,
            "equipment": equipment or [],
            "internal_notes": internal_notes,
        }
        payload: EventPayload
        if stage == "closed":
            payload = upstream.JobClosed.model_validate(
                {**fields, "closed_at": closed_at or datetime.now(UTC)}
            )
        else:
            payload = upstream.JobStageChanged.model_validate(fields)
        return await self.publish(payload, tenant_id=tenant_id, subject=job_id, branch_id=branch_id)

    async def upload(self, tenant_id: str, content: bytes, *, content_type: str = PDF) -> upstream.FileRef:
        """Puts a file, as it is, into the documents service's intake; the reference an event carries.
        The content type is what the event will claim: documents checks the file against it."""
        if self._http is None or self._token_for is None:
            raise OpsError("uploads need the documents service's address and a token")
        sha256 = hashlib.sha256(content).hexdigest()
        try:
            response = await self._http.put(
                f"/v1/intake/{sha256}",
                content=content,
                headers={
                    "Authorization": f"Bearer {self._token_for(tenant_id)}",
                    "Content-Type": content_type,
                },
            )
        except httpx.HTTPError as error:
            raise OpsError(
                f"could not reach the documents service at {self._documents_url}: {error}"
            ) from error
        if response.status_code not in (200, 201):
            raise OpsError(
                f"the documents service refused the file ({response.status_code}): {_refusal(response)}"
            )
        receipt = response.json()
        return upstream.FileRef(
            key=receipt["key"], sha256=sha256, size_bytes=len(content), content_type=content_type
        )

    async def quote_signed(
        self,
        tenant_id: str,
        *,
        quote_id: str,
        customer_id: str,
        pdf: bytes,
        job_id: str | None = None,
        quote_number: str | None = None,
        branch_id: str | None = None,
        signed_at: datetime | None = None,
    ) -> Envelope:
        """quote.signed.v1 for the file as signed (uploaded first)."""
        payload = upstream.QuoteSigned(
            quote_id=quote_id,
            quote_number=quote_number or quote_id,
            customer_id=customer_id,
            job_id=job_id,
            signed_at=signed_at or datetime.now(UTC),
            document=await self.upload(tenant_id, pdf),
        )
        return await self.publish(payload, tenant_id=tenant_id, subject=quote_id, branch_id=branch_id)

    async def delivery_manifest_signed(
        self,
        tenant_id: str,
        *,
        job_id: str,
        customer_id: str,
        pdf: bytes,
        manifest_number: str | None = None,
        branch_id: str | None = None,
        signed_at: datetime | None = None,
    ) -> Envelope:
        """delivery_manifest.signed.v1 for the file as signed (uploaded first)."""
        payload = upstream.DeliveryManifestSigned(
            job_id=job_id,
            manifest_number=manifest_number or f"DM-{job_id}",
            customer_id=customer_id,
            signed_at=signed_at or datetime.now(UTC),
            document=await self.upload(tenant_id, pdf),
        )
        return await self.publish(payload, tenant_id=tenant_id, subject=job_id, branch_id=branch_id)

    async def job_report(
        self, tenant_id: str, *, job_id: str, customer_id: str, report: dict[str, Any]
    ) -> Envelope:
        """job_report.published.v1: `report` holds at least customer_summary {en, th} (and sections,
        internal_recommendations); the report's id and number default from the job."""
        payload = upstream.JobReportPublished.model_validate(
            {
                "report_id": f"{job_id}-report",
                "report_number": f"RPT-{job_id}",
                "published_at": datetime.now(UTC),
                **report,
                "job_id": job_id,
                "customer_id": customer_id,
            }
        )
        return await self.publish(payload, tenant_id=tenant_id, subject=job_id)

    async def inspection(self, tenant_id: str, *, job_id: str, inspection: dict[str, Any]) -> Envelope:
        """inspection.completed.v1: `inspection` holds at least damage_estimates [{description,
        amount}] (and conditions); its id defaults from the job."""
        payload = upstream.InspectionCompleted.model_validate(
            {
                "inspection_id": f"{job_id}-inspection",
                "inspected_at": datetime.now(UTC),
                **inspection,
                "job_id": job_id,
            }
        )
        return await self.publish(payload, tenant_id=tenant_id, subject=job_id)
