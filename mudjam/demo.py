"""Demo data: a rental business with customers, jobs and deposits in every state."""

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from mudjam.ops import OpsPublisher, operations_token
from shared.auth import issue_token
from shared.clock import BANGKOK
from shared.contracts import upstream
from shared.settings import AuthSettings

TENANT = "demo"
TENANT_SETTINGS: dict[str, Any] = {
    "business_name_en": "Siam Tool Rentals Co., Ltd.",
    "business_name_th": "บริษัท สยามทูลเรนทัล จำกัด",
    "address_en": "99 Rama IV Road, Khlong Toei, Bangkok 10110",
    "address_th": "99 ถนนพระรามที่ 4 แขวงคลองเตย เขตคลองเตย กรุงเทพฯ 10110",
    "tax_id": "0105556012345",
    "phone": "02-123-4567",
    "email": "hello@siamtools.example",
    "promptpay_id": "0105556012345",
    "branches": [
        {"branch_id": "bkk", "code": "BKK", "name_en": "Bangkok", "name_th": "กรุงเทพฯ"},
        {"branch_id": "cnx", "code": "CNX", "name_en": "Chiang Mai", "name_th": "เชียงใหม่"},
    ],
    "billing_staff_emails": ["billing@siamtools.example"],
}
CUSTOMERS: dict[str, dict[str, Any]] = {
    "somchai": {
        "name": "สมชาย ใจดี",
        "preferred_language": "th",
        "email": "somchai@customer.example",
        "phone": "081-234-5678",
        "address": "12/3 ซอยสุขุมวิท 31 กรุงเทพฯ 10110",
        "private_notes": "Internal: asks for discounts, check ID on pickup",
    },
    "acme": {
        "name": "Acme Build Co., Ltd.",
        "customer_type": "company",
        "preferred_language": "en",
        "email": "accounts@acme-build.example",
        "tax_id": "0105560099887",
        "tax_branch_no": "00000",
        "address": "88 Sathorn Road, Bangkok 10120",
        "private_notes": "Internal: key account, 30-day terms negotiated",
    },
}
# job, customer, stage, starts and ends (days from today), the accepted quote and its deposit
JOBS = [
    ("J-1000", "somchai", "closed", -20, -3, "Q-2000", "20000"),
    ("J-1001", "somchai", "on_site", -2, 12, "Q-2001", "20000"),
    ("J-1002", "somchai", "new", 5, 9, "Q-2002", "5000"),
    ("J-2000", "acme", "on_site", -1, 30, "Q-3000", "30000"),
    ("J-2001", "acme", "closed", -30, -10, "Q-3001", "15000"),
    ("J-2002", "acme", "closed", -40, -12, "Q-3002", "50000"),
    ("J-2003", "acme", "closed", -10, -2, "Q-3003", "8000"),
    ("J-2004", "acme", "closed", -30, -14, "Q-3004", "12000"),
]
# What the inspection found when the equipment came back: staff see it on the deposit they return.
INSPECTIONS: dict[str, dict[str, Any]] = {
    "J-1000": {
        "conditions": [
            {"item": "Diesel generator 20 kVA", "condition": "good"},
            {"item": "Water pump 3 inch", "condition": "damaged", "notes": "Filter housing cracked"},
        ],
        "damage_estimates": [{"description": "Replacement filter housing", "amount": "5000"}],
    },
    "J-2002": {
        "conditions": [
            {"item": "Diesel generator 20 kVA", "condition": "seized", "notes": "Run without oil"},
            {"item": "Water pump 3 inch", "condition": "good"},
        ],
        "damage_estimates": [{"description": "Engine rebuild", "amount": "85000"}],
    },
}
# The closed job J-1000 as the operations system leaves it: its signed quote and delivery manifest
# (PDFs it printed and the customer signed) and the AI job report, whose recommendations are for
# the business only.
SIGNED_PAPERS = {
    "quote": ("Q-2000", "Quotation Q-2000 / ใบเสนอราคา Q-2000"),
    "manifest": ("DM-J-1000", "Delivery manifest DM-J-1000 / ใบส่งของ DM-J-1000"),
}
JOB_REPORT: dict[str, Any] = {
    "customer_summary": {
        "en": "The generator ran 212 hours over the rental without a fault; one water pump came back "
        "with a cracked filter housing, which was replaced.",
        "th": "เครื่องปั่นไฟทำงาน 212 ชั่วโมงตลอดการเช่าโดยไม่มีปัญหา ปั๊มน้ำหนึ่งเครื่องส่งคืนพร้อมตัวกรองที่แตก ซึ่งได้เปลี่ยนใหม่แล้ว",
    },
    "sections": [
        {
            "title": {"en": "Usage", "th": "การใช้งาน"},
            "body": {
                "en": "Average load 64 %; fuel use in line with the site's work hours.",
                "th": "โหลดเฉลี่ย 64 % การใช้น้ำมันสอดคล้องกับชั่วโมงทำงานของหน้างาน",
            },
        },
        {
            "title": {"en": "Condition on return", "th": "สภาพเมื่อส่งคืน"},
            "body": {
                "en": "Generator in good order; pump filter housing cracked.",
                "th": "เครื่องปั่นไฟอยู่ในสภาพดี ตัวกรองปั๊มน้ำแตก",
            },
        },
    ],
    "internal_recommendations": ["Internal: offer this customer the 30 kVA unit next time at list price"],
}
EQUIPMENT = [
    {"asset_id": "GEN-0042", "name_en": "Diesel generator 20 kVA", "name_th": "เครื่องปั่นไฟดีเซล 20 kVA"},
    {"asset_id": "PMP-0007", "name_en": "Water pump 3 inch", "name_th": "ปั๊มน้ำ 3 นิ้ว"},
]


RENTAL_LINES = [
    {
        "description": "Diesel generator 20 kVA",
        "quantity": "1",
        "duration": "14",
        "unit": "day",
        "rate": "1500",
    },
    {"description": "Water pump 3 inch", "quantity": "2", "duration": "14", "unit": "day", "rate": "400"},
    {"description": "Delivery and pick-up", "quantity": "1", "unit": "trip", "rate": "1200"},
]
# The engine rebuild cost more than the forfeited ฿50,000 deposit: the damage invoice bills the rest.
DAMAGE_LINES = [
    {
        "description": "Engine rebuild beyond the forfeited deposit",
        "quantity": "1",
        "unit": "job",
        "rate": "35000",
    }
]
# Refusals until the events that introduce the business, customer, job or forfeit, or close the
# job, reach the service.
NOT_YET_HEARD = {
    "unknown_customer",
    "unknown_job",
    "damage_basis_invalid",
    "job_not_closed",
    "business_settings_pending",
}


def _signed_paper(title: str, signer: str) -> bytes:
    """A paper as the operations system prints it and the customer signs it (the demo's stand-in
    for a scan)."""
    import fontpkg_sarabun
    from weasyprint import HTML  # the documents service's renderer; only the demo draws a scan

    font = (Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Regular.ttf").as_uri()
    lines = "".join(
        f"<tr><td>{item['name_en']}<br>{item['name_th']}</td><td>1</td></tr>" for item in EQUIPMENT
    )
    html = (
        f"<html><head><style>@font-face {{ font-family: Sarabun; src: url({font}) }}"
        "body { font-family: Sarabun }</style></head>"
        f"<body><h1>{title}</h1>"
        f"<table>{lines}</table><p>Signed / ลงชื่อ: ____________ {signer}</p></body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


class DemoSeeder:
    def __init__(
        self,
        *,
        kafka_bootstrap: str,
        deposits_url: str,
        billing_url: str,
        documents_url: str,
        portal_url: str,
    ) -> None:
        self.kafka_bootstrap, self.portal_url = kafka_bootstrap, portal_url
        self.deposits_url, self.billing_url, self.documents_url = deposits_url, billing_url, documents_url
        auth = self.auth = AuthSettings()
        token = issue_token(
            auth.jwt_secret.get_secret_value(),
            user_id="demo-manager",
            name="Pim (demo manager)",
            tenant_id=TENANT,
            branches=["*"],
            roles=["staff", "manager"],
            now=datetime.now(UTC),
            ttl=timedelta(hours=1),
            issuer=auth.jwt_issuer,
        )
        self.http = httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)

    async def _command(self, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A staff command, retried while the service has not yet heard the events it refers to."""
        for _ in range(150):
            response = await self.http.post(url, json=body, headers={"Idempotency-Key": uuid4().hex})
            if (
                response.status_code not in {409, 422}
                or response.json()["error"]["code"] not in NOT_YET_HEARD
            ):
                break
            await asyncio.sleep(0.2)
        response.raise_for_status()
        return dict(response.json())

    async def _sent_invoice(
        self, customer_id: str, job_id: str, lines: list[dict[str, str]], **body: Any
    ) -> dict[str, Any]:
        draft = await self._command(
            f"{self.billing_url}/v1/invoices",
            {"customer_id": customer_id, "branch_id": "bkk", "job_id": job_id, "lines": lines, **body},
        )
        return await self._command(f"{self.billing_url}/v1/invoices/{draft['id']}/send")

    async def _pay(self, invoice: dict[str, Any], **body: str) -> dict[str, Any]:
        payment = {"method": "bank_transfer", "reference": "KBANK-20261120-4410", **body}
        return await self._command(f"{self.billing_url}/v1/invoices/{invoice['id']}/payments", payment)

    async def _deposit_for_job(self, job_id: str) -> dict[str, Any]:
        for _ in range(150):
            found = (
                await self.http.get(f"{self.deposits_url}/v1/deposits", params={"job_id": job_id})
            ).json()
            if found["items"]:
                return dict(found["items"][0])
            await asyncio.sleep(0.2)
        raise TimeoutError(f"the deposit of job {job_id} did not appear")

    async def _collect(self, deposit_id: str, amount: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"method": "bank_transfer", "reference": "KBANK-20261101-7781"}
        if amount:
            body["amount"] = amount
        return await self._command(f"{self.deposits_url}/v1/deposits/{deposit_id}/collections", body)

    async def _return(self, deposit_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A return, once deposits has heard that the deposit's job closed."""
        return await self._command(f"{self.deposits_url}/v1/deposits/{deposit_id}/returns", body)

    async def seed(self) -> None:
        today = datetime.now(UTC).date()
        async with OpsPublisher(
            self.kafka_bootstrap,
            documents_url=self.documents_url,
            token_for=lambda tenant_id: operations_token(self.auth, tenant_id),
        ) as ops:
            await ops.tenant(TENANT, **TENANT_SETTINGS)
            for customer_id, fields in CUSTOMERS.items():
                await ops.customer(TENANT, customer_id, branch_id="bkk", **fields)
            for job_id, customer_id, stage, starts, ends, quote_id, deposit in JOBS:
                start, end = today + timedelta(days=starts), today + timedelta(days=ends)
                await ops.quote_accepted(
                    TENANT,
                    branch_id="bkk",
                    quote_id=quote_id,
                    customer_id=customer_id,
                    deposit=Decimal(deposit),
                    job_id=job_id,
                    internal_notes="Internal: quoted below list price",
                )
                await ops.job(
                    TENANT,
                    job_id=job_id,
                    customer_id=customer_id,
                    stage=stage,
                    branch_id="bkk",
                    start_date=start,
                    end_date=end,
                    equipment=EQUIPMENT,
                    internal_notes="Internal: generator GEN-0042 has a weak battery",
                    closed_at=datetime.combine(end, time(17), BANGKOK) if stage == "closed" else None,
                )
                if job_id in INSPECTIONS:
                    inspected = upstream.InspectionCompleted.model_validate(
                        {
                            "inspection_id": f"INSP-{job_id}",
                            "job_id": job_id,
                            "inspected_at": datetime.combine(end, time(16), BANGKOK),
                            **INSPECTIONS[job_id],
                        }
                    )
                    await ops.publish(inspected, tenant_id=TENANT, subject=job_id, branch_id="bkk")
            await self._job_papers(
                ops, job_id="J-1000", customer_id="somchai", signed_on=today - timedelta(days=20)
            )
        forfeited = await self._deposit_states()
        await self._billing_states(forfeited)

    async def _job_papers(self, ops: OpsPublisher, *, job_id: str, customer_id: str, signed_on: date) -> None:
        """The job's signed quote and delivery manifest (uploaded to documents' intake, then
        announced) and its AI job report."""
        signed_at = datetime.combine(signed_on, time(9), BANGKOK)
        quote_id, title = SIGNED_PAPERS["quote"]
        await ops.quote_signed(
            TENANT,
            quote_id=quote_id,
            customer_id=customer_id,
            job_id=job_id,
            branch_id="bkk",
            pdf=_signed_paper(title, CUSTOMERS[customer_id]["name"]),
            signed_at=signed_at,
        )
        manifest_number, title = SIGNED_PAPERS["manifest"]
        await ops.delivery_manifest_signed(
            TENANT,
            job_id=job_id,
            customer_id=customer_id,
            manifest_number=manifest_number,
            branch_id="bkk",
            pdf=_signed_paper(title, CUSTOMERS[customer_id]["name"]),
            signed_at=signed_at + timedelta(hours=3),
        )
        await ops.job_report(TENANT, job_id=job_id, customer_id=customer_id, report=JOB_REPORT)

    async def _deposit_states(self) -> dict[str, Any]:
        """Deposits in every state; returns the forfeited one, which the damage invoice follows."""
        # somchai: partly returned (the seed's "cracked filter"), held, and pending (J-1002).
        d = await self._deposit_for_job("J-1000")
        await self._collect(d["id"])
        await self._return(
            d["id"],
            {
                "kind": "partial",
                "amount": "15000",
                "method": "bank_transfer",
                "reference": "SCB-REFUND-5521",
                "note": "cracked filter",
            },
        )
        await self._collect((await self._deposit_for_job("J-1001"))["id"])
        await self._deposit_for_job("J-1002")
        # acme: partly held, returned in full, forfeited, and a voided return that is held again.
        await self._collect((await self._deposit_for_job("J-2000"))["id"], amount="10000")
        d = await self._deposit_for_job("J-2001")
        await self._collect(d["id"])
        await self._return(d["id"], {"kind": "full", "method": "promptpay", "reference": "PP-REFUND-0091"})
        forfeited = await self._deposit_for_job("J-2002")
        await self._collect(forfeited["id"])
        forfeited = await self._return(
            forfeited["id"], {"kind": "forfeit", "note": "Engine seized from running without oil"}
        )
        d = await self._deposit_for_job("J-2003")
        await self._collect(d["id"])
        returned = await self._return(
            d["id"], {"kind": "full", "method": "cash", "reference": "Cash, in person"}
        )
        await self._command(
            f"{self.deposits_url}/v1/deposits/{d['id']}/returns/{returned['returns'][0]['id']}/void",
            {"reason": "Recorded before the equipment came back"},
        )
        # Held two weeks after its job closed: past the 5-business-day deadline, so staff are alerted.
        await self._collect((await self._deposit_for_job("J-2004"))["id"])
        return forfeited

    async def _billing_states(self, forfeited: dict[str, Any]) -> None:
        # somchai: the closed job's invoice paid, an unpaid one (Pay reveals the QR) and a pre-payment
        # on the job yet to start.
        await self._pay(await self._sent_invoice("somchai", "J-1000", RENTAL_LINES))
        await self._sent_invoice("somchai", "J-1001", RENTAL_LINES)
        await self._command(
            f"{self.billing_url}/v1/jobs/J-1002/prepayments",
            {"amount": "5000", "method": "promptpay", "reference": "PP-77120"},
        )
        # acme: partly paid, paid with its tax invoice, and the seed's damage beyond the deposit.
        await self._pay(await self._sent_invoice("acme", "J-2000", RENTAL_LINES), amount="20000")
        paid = await self._sent_invoice("acme", "J-2001", RENTAL_LINES)
        await self._pay(paid)
        await self._command(f"{self.billing_url}/v1/invoices/{paid['id']}/tax-invoice")
        damage = await self._sent_invoice(
            "acme", "J-2002", DAMAGE_LINES, kind="damage", related_deposit_id=forfeited["id"]
        )
        await self._command(
            f"{self.billing_url}/v1/tax-invoices",
            {
                "invoice_ids": [damage["id"]],
                "deposit_return_numbers": [forfeited["returns"][0]["receipt_number"]],
            },
        )

    async def portal_link(self, customer_id: str) -> str:
        for _ in range(150):  # the portal learns of the customer from the event stream
            response = await self.http.post(
                f"{self.portal_url}/v1/portal-links",
                json={"customer_id": customer_id},
                headers={"Idempotency-Key": uuid4().hex},
            )
            if response.status_code == 201:
                return str(response.json()["url"])
            await asyncio.sleep(0.2)
        response.raise_for_status()
        raise RuntimeError(response.text)

    async def aclose(self) -> None:
        await self.http.aclose()


__all__ = ["TENANT", "DemoSeeder"]
