"""The running system for end-to-end tests: every service a separate process on the real
PostgreSQL and broker, an SMTP sink, and clients that act like staff, upstream and customers."""

import asyncio
import contextlib
import importlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import create_async_engine

from mudjam.mailsink import MailSink
from mudjam.ops import OpsPublisher, operations_token
from mudjam.stack import SERVICES, Stack
from shared.auth import issue_token
from shared.contracts.documents import DocumentKind, document_id
from shared.contracts.envelope import Envelope
from shared.settings import AuthSettings
from tests.helpers import eventually

DEMO_TENANT_SETTINGS: dict[str, Any] = {
    "business_name_en": "Siam Tool Rentals Co., Ltd.",
    "business_name_th": "บริษัท สยามทูลเรนทัล จำกัด",
    "address_en": "99 Rama IV Road, Khlong Toei, Bangkok 10110",
    "address_th": "99 ถนนพระรามที่ 4 แขวงคลองเตย เขตคลองเตย กรุงเทพฯ 10110",
    "tax_id": "0105556012345",
    "tax_branch_no": "00000",
    "phone": "02-123-4567",
    "email": "billing@siamtools.example",
    "promptpay_id": "0105556012345",
    "branches": [
        {"branch_id": "bkk", "code": "BKK", "name_en": "Bangkok", "name_th": "กรุงเทพฯ"},
        {"branch_id": "cnx", "code": "CNX", "name_en": "Chiang Mai", "name_th": "เชียงใหม่"},
    ],
    "billing_staff_emails": ["billing@siamtools.example"],
}


_DUE_RENDERS = text(
    "SELECT count(*) FROM render_jobs"
    " WHERE status = 'rendering' OR (status = 'pending' AND next_attempt_at <= now())"
)

_RENDER_JOBS_OF_TENANT = text("SELECT count(*) FROM render_jobs WHERE tenant_id = :tenant_id")

_QUEUED_RENDERS_OF_TENANT = text(
    "DELETE FROM render_jobs WHERE tenant_id = :tenant_id AND status = 'pending'"
)

# Every service keeps its own slice of the upstream tenants and customers, in tables of these names.
_TENANT_APPLIED = text("SELECT 1 FROM tenants WHERE tenant_id = :tenant_id")
_CUSTOMER_APPLIED = text(
    "SELECT 1 FROM customers WHERE tenant_id = :tenant_id AND customer_id = :customer_id"
)
# Deposits keeps each job's last stage: a deposit on a job is returned once the job has closed.
_JOB_STAGE_KNOWN_TO_DEPOSITS = text(
    "SELECT 1 FROM jobs WHERE tenant_id = :tenant_id AND job_id = :job_id AND stage = :stage"
)


async def topic_partitions(consumer: AIOKafkaConsumer, topics: list[str]) -> list[TopicPartition]:
    await consumer.topics()  # loads metadata
    return [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]


# ฿5,000 a day for 20 days: an invoice of ฿100,000 + VAT 7% = ฿107,000.
EXCAVATOR_LINE = {
    "description": "Excavator 20 t",
    "quantity": "1",
    "duration": "20",
    "unit": "day",
    "rate": "5000",
}


@dataclass
class Customer:
    tenant_id: str
    customer_id: str
    name: str
    email: str
    language: str


@dataclass
class System:
    stack: Stack
    mail: MailSink
    http: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=30))

    def url(self, service: str) -> str:
        return self.stack.url(service)

    def staff(
        self,
        tenant_id: str,
        *,
        roles: tuple[str, ...] = ("staff", "manager"),
        branches: tuple[str, ...] = ("*",),
        user_id: str = "staff-1",
        name: str = "Nok Staff",
    ) -> dict[str, str]:
        """Headers of a staff member of the tenant."""
        auth = AuthSettings()
        token = issue_token(
            auth.jwt_secret.get_secret_value(),
            user_id=user_id,
            name=name,
            tenant_id=tenant_id,
            branches=list(branches),
            roles=list(roles),
            now=datetime.now(UTC),
            ttl=timedelta(hours=1),
        )
        return {"Authorization": f"Bearer {token}"}

    @asynccontextmanager
    async def ops(self) -> AsyncIterator[OpsPublisher]:
        async with OpsPublisher(self.stack.kafka_bootstrap) as ops:
            yield ops

    async def events(self, *topics: str) -> list[dict[str, Any]]:
        """Every event on the topics, from the first offset to the current end (messages that are
        not event envelopes, which tests publish on purpose, are left out)."""
        reader = AIOKafkaConsumer(bootstrap_servers=self.stack.kafka_bootstrap, enable_auto_commit=False)
        await reader.start()
        events: list[dict[str, Any]] = []
        try:
            partitions = await topic_partitions(reader, list(topics))
            ends = await reader.end_offsets(partitions)
            reader.assign(partitions)
            await reader.seek_to_beginning(*partitions)
            for partition in partitions:
                while await reader.position(partition) < ends[partition]:
                    for record in (await reader.getmany(partition, timeout_ms=500)).get(partition, []):
                        with contextlib.suppress(ValidationError):
                            events.append(Envelope.model_validate_json(record.value).model_dump(mode="json"))
        finally:
            await reader.stop()
        return events

    async def mudjam(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The `mudjam` command as an operator runs it against this stack: its broker and every
        service's database, on a terminal wide enough for a table's every column."""
        env = {
            **os.environ,
            "COLUMNS": "300",
            "MUDJAM_KAFKA_BOOTSTRAP_SERVERS": self.stack.kafka_bootstrap,
            **{f"{service.upper()}_DATABASE_URL": self.stack.database_url(service) for service in SERVICES},
        }
        command = [str(Path(sys.executable).parent / "mudjam"), *args]
        return await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, text=True)

    async def consumed(self, service: str, topic: str) -> None:
        """Waits until the service's consumer has taken in everything published on the topic so far:
        its group has committed up to the current end of every partition (it commits an offset only
        once the event is applied, or found applied before)."""
        group = importlib.import_module(f"services.{service}.bootstrap").CONSUMER_GROUP
        probe = AIOKafkaConsumer(
            bootstrap_servers=self.stack.kafka_bootstrap, group_id=group, enable_auto_commit=False
        )
        await probe.start()
        try:
            partitions = await topic_partitions(probe, [topic])
            ends = await probe.end_offsets(partitions)

            async def caught_up() -> bool:
                for partition in partitions:
                    committed = await probe.committed(partition) or 0
                    assert committed >= ends[partition], f"{group} is at {committed} of {ends[partition]}"
                return True

            await eventually(caught_up, timeout_s=60, interval_s=0.2)
        finally:
            await probe.stop()

    async def renders_settled(self, timeout_s: float = 300) -> None:
        """Waits until the documents service has no render job due or in progress."""
        if "documents" not in self.stack.processes:
            return
        engine = create_async_engine(self.stack.database_url("documents"))
        try:

            async def idle() -> bool:
                async with engine.connect() as conn:
                    return await conn.scalar(_DUE_RENDERS) == 0

            await eventually(idle, timeout_s=timeout_s, interval_s=0.25)
        finally:
            await engine.dispose()

    async def drop_queued_renders(self, tenant_id: str, *, scheduled: int) -> None:
        """Discards the tenant's render jobs still waiting: for tests that assert numbers under a
        race, whose hundred-odd PDFs nobody opens (a render in progress still finishes). It waits
        until documents has scheduled all `scheduled` jobs the test caused: a payment's invoice
        version is built on the version before it, so dropping that one while the payment is still
        on its way would leave documents retrying the payment and then dead-lettering it."""
        engine = create_async_engine(self.stack.database_url("documents"))
        try:

            async def all_scheduled() -> bool:
                async with engine.connect() as conn:
                    count = await conn.scalar(_RENDER_JOBS_OF_TENANT, {"tenant_id": tenant_id})
                assert count <= scheduled, f"{count} render jobs, more than the {scheduled} expected"
                return count == scheduled

            await eventually(all_scheduled, timeout_s=90, interval_s=0.2)
            async with engine.begin() as conn:
                await conn.execute(_QUEUED_RENDERS_OF_TENANT, {"tenant_id": tenant_id})
        finally:
            await engine.dispose()

    async def rendered_document(
        self, tenant_id: str, kind: DocumentKind, number: str, *, version: int = 1
    ) -> dict[str, Any]:
        """The document (documents API) once every version up to `version` is rendered in both
        languages: versions render in parallel and may finish out of order, and each is announced
        in the customer's language before the other language is rendered."""
        path = f"/v1/documents/{document_id(tenant_id, kind, number)}"

        async def check() -> dict[str, Any] | None:
            response = await self.get("documents", path, tenant_id)
            if response.status_code == 404:
                return None
            assert response.status_code == 200, response.text
            document = dict(response.json())
            rendered = {v["version"] for v in document["versions"] if len(v["files"]) == 2}  # th and en
            return document if set(range(1, version + 1)) <= rendered else None

        return await eventually(check, timeout_s=90, interval_s=0.2)

    async def document_file(
        self, tenant_id: str, kind: DocumentKind, number: str, language: str, **params: Any
    ) -> httpx.Response:
        """A document's PDF from the documents API, as staff of the tenant fetch it."""
        path = f"/v1/documents/{document_id(tenant_id, kind, number)}/file"
        return await self.get("documents", path, tenant_id, language=language, **params)

    async def applied_everywhere(self, what: str, query: TextClause, params: dict[str, str]) -> None:
        """Waits until every running service has applied an upstream fact (a business's settings, a
        customer). Upstream topics have no order between them, and a service that has not heard of
        the business yet refuses or postpones what needs its settings; in production the operations
        system publishes these long before any staff action, so tests start from the same world."""
        await asyncio.gather(
            *(self._applied_by(service, what, query, params) for service in list(self.stack.processes))
        )

    async def _applied_by(self, service: str, what: str, query: TextClause, params: dict[str, str]) -> None:
        engine = create_async_engine(self.stack.database_url(service))
        try:

            async def applied() -> bool:
                async with engine.connect() as conn:
                    row = await conn.scalar(query, params)
                assert row is not None, f"{service} has not applied {what} yet"
                return True

            await eventually(applied, interval_s=0.05)
        finally:
            await engine.dispose()

    async def new_tenant(self, **overrides: Any) -> str:
        """A business of the test's own, once every service has its settings."""
        tenant_id = f"t-{uuid4().hex[:10]}"
        await self.publish_tenant(tenant_id, **overrides)
        return tenant_id

    async def publish_tenant(self, tenant_id: str, **overrides: Any) -> None:
        """Publishes the business's settings and waits until every service has applied them."""
        async with self.ops() as ops:
            await ops.tenant(tenant_id, **{**DEMO_TENANT_SETTINGS, **overrides})
        await self.applied_everywhere(f"tenant {tenant_id}", _TENANT_APPLIED, {"tenant_id": tenant_id})

    async def new_customer(
        self, tenant_id: str, *, language: str = "en", branch_id: str | None = "bkk", **fields: Any
    ) -> Customer:
        """A customer of the tenant, of branch bkk unless said otherwise (None: the whole business)."""
        customer_id = f"c-{uuid4().hex[:10]}"
        name = fields.pop("name", "Somchai Jaidee")
        email = fields.pop("email", f"{customer_id}@customer.example")
        async with self.ops() as ops:
            await ops.customer(
                tenant_id,
                customer_id,
                branch_id=branch_id,
                name=name,
                email=email,
                preferred_language=language,
                **fields,
            )
        await self.applied_everywhere(
            f"customer {customer_id}",
            _CUSTOMER_APPLIED,
            {"tenant_id": tenant_id, "customer_id": customer_id},
        )
        return Customer(tenant_id, customer_id, name, email, language)

    async def job_known_to_deposits(self, tenant_id: str, job_id: str, stage: str) -> None:
        """Waits until deposits has applied the job at this stage: whether a deposit on the job can
        be returned depends on it, and jobs and staff commands reach deposits by different paths."""
        await self._applied_by(
            "deposits",
            f"job {job_id} {stage}",
            _JOB_STAGE_KNOWN_TO_DEPOSITS,
            {"tenant_id": tenant_id, "job_id": job_id, "stage": stage},
        )

    async def command(
        self,
        method: str,
        service: str,
        path: str,
        tenant_id: str,
        body: Any = None,
        *,
        key: str | None = None,
        **staff: Any,
    ) -> httpx.Response:
        """A staff command with a fresh Idempotency-Key unless one is given."""
        headers = {**self.staff(tenant_id, **staff), "Idempotency-Key": key or uuid4().hex}
        return await self.http.request(method, f"{self.url(service)}{path}", json=body, headers=headers)

    async def get(self, service: str, path: str, tenant_id: str, **params: Any) -> httpx.Response:
        return await self.http.get(f"{self.url(service)}{path}", params=params, headers=self.staff(tenant_id))

    async def pending_deposit(
        self, customer: Customer, amount: Decimal, *, branch_id: str = "bkk"
    ) -> dict[str, Any]:
        """A deposit staff ask for, once the deposits service has heard of the customer."""

        async def create() -> httpx.Response | None:
            response = await self.command(
                "POST",
                "deposits",
                "/v1/deposits",
                customer.tenant_id,
                {"customer_id": customer.customer_id, "branch_id": branch_id, "amount": str(amount)},
            )
            if response.status_code == 422 and response.json()["error"]["code"] == "unknown_customer":
                return None
            return response

        created = await eventually(create)
        assert created.status_code == 201, created.text
        return dict(created.json())

    async def held_deposit(
        self, customer: Customer, amount: Decimal, *, branch_id: str = "bkk"
    ) -> dict[str, Any]:
        """A deposit asked for and collected in full: the usual state before a return."""
        deposit_id = (await self.pending_deposit(customer, amount, branch_id=branch_id))["id"]
        collected = await self.command(
            "POST",
            "deposits",
            f"/v1/deposits/{deposit_id}/collections",
            customer.tenant_id,
            {"method": "bank_transfer", "reference": "KBANK-778812"},
        )
        assert collected.status_code == 201, collected.text
        return dict(collected.json())

    async def return_deposit(
        self, customer: Customer, deposit: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        """A staff return of the deposit; the return as recorded (with its DEPRR number)."""
        response = await self.command(
            "POST", "deposits", f"/v1/deposits/{deposit['id']}/returns", customer.tenant_id, body
        )
        assert response.status_code == 201, response.text
        return dict(response.json()["returns"][-1])

    async def create_invoice(
        self, customer: Customer, lines: list[dict[str, Any]] | None = None, **body: Any
    ) -> httpx.Response:
        """Billing's answer to a new invoice, once billing has heard of the customer and of the job
        if one is named: customers and jobs arrive on different topics, in any order."""

        async def create() -> httpx.Response | None:
            response = await self.command(
                "POST",
                "billing",
                "/v1/invoices",
                customer.tenant_id,
                {
                    "customer_id": customer.customer_id,
                    "branch_id": "bkk",
                    "lines": lines or [EXCAVATOR_LINE],
                    **body,
                },
            )
            if response.status_code == 422 and response.json()["error"]["code"] in {
                "unknown_customer",
                "unknown_job",
            }:
                return None
            return response

        return await eventually(create)

    async def draft_invoice(
        self, customer: Customer, lines: list[dict[str, Any]] | None = None, **body: Any
    ) -> dict[str, Any]:
        """A draft invoice, once billing has heard of the customer (and the job, if one is named)."""
        created = await self.create_invoice(customer, lines, **body)
        assert created.status_code == 201, created.text
        return dict(created.json())

    async def sent_invoice(self, customer: Customer, **body: Any) -> dict[str, Any]:
        """An invoice sent to the customer: by default ฿100,000 + VAT 7% = ฿107,000."""
        invoice = await self.draft_invoice(customer, **body)
        sent = await self.command("POST", "billing", f"/v1/invoices/{invoice['id']}/send", customer.tenant_id)
        assert sent.status_code == 200, sent.text
        return dict(sent.json())

    async def pay_invoice(self, tenant_id: str, invoice: dict[str, Any], **body: Any) -> httpx.Response:
        """Staff record a payment on the invoice (PromptPay unless said otherwise)."""
        payment = {"method": "promptpay", "reference": "KBANK-778812", **body}
        return await self.command(
            "POST", "billing", f"/v1/invoices/{invoice['id']}/payments", tenant_id, payment
        )

    async def portal_link(self, customer: Customer, **body: Any) -> dict[str, Any]:
        """A portal link issued by staff, once the portal has heard of the customer."""

        async def issue() -> httpx.Response | None:
            response = await self.command(
                "POST",
                "portal",
                "/v1/portal-links",
                customer.tenant_id,
                {"customer_id": customer.customer_id, **body},
            )
            if response.status_code == 422 and response.json()["error"]["code"] == "unknown_customer":
                return None
            return response

        issued = await eventually(issue)
        assert issued.status_code == 201, issued.text
        return dict(issued.json())

    def portal_path(self, link: str) -> str:
        """The path of a portal link (links carry the portal's public address)."""
        return link.replace(self.stack.env_for("portal")["MUDJAM_PORTAL_PUBLIC_URL"], "")

    async def portal_session(self, customer: Customer, **link_options: Any) -> httpx.AsyncClient:
        """A customer's browser-like client, signed in through a fresh portal link."""
        link = (await self.portal_link(customer, **link_options))["url"]
        client = httpx.AsyncClient(base_url=self.url("portal"), follow_redirects=True, timeout=30)
        opened = await client.get(self.portal_path(link))
        assert opened.status_code == 200, opened.text
        return client

    @asynccontextmanager
    async def operations_system(self) -> AsyncIterator[OpsPublisher]:
        """The operations system as `mudjam ops` acts: signed documents are uploaded to the
        documents intake with an operations token of the tenant, then their events published."""
        publisher = OpsPublisher(
            self.stack.kafka_bootstrap,
            documents_url=self.url("documents"),
            token_for=lambda tenant_id: operations_token(AuthSettings(), tenant_id),
        )
        async with publisher as ops:
            yield ops
