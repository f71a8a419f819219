"""Documents on two hosts: two documents processes, each with its own local disk, share one S3
bucket (a moto server here, MinIO in compose). A hundred deposit returns become a hundred DEPRRs,
each rendered once, and each downloadable from either host, byte for byte the same."""

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mudjam.stack import free_port
from services.documents.adapters.storage import s3_client
from services.documents.bootstrap import CONSUMER_GROUP
from shared.contracts.documents import DocumentKind, document_id
from tests.helpers import eventually
from tests.system import System

RETURNS = 100
BUCKET = "mudjam-documents-two-hosts"
HOSTS = ("documents-a", "documents-b")

_RENDER_JOBS = text(
    "SELECT number, status, attempts FROM render_jobs WHERE tenant_id = :tenant_id AND kind = :kind"
)


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    s3_client(
        endpoint_url=endpoint, region="us-east-1", access_key_id="k", secret_access_key="s", max_connections=1
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def two_hosts(system: System, s3_endpoint: str, tmp_path: Path) -> Iterator[tuple[str, ...]]:
    """The session's documents process gives way to two on separate disks and one bucket."""
    stack = system.stack
    stack.stop("documents")
    for host in HOSTS:
        stack.start_replica(
            "documents",
            host,
            {
                "DOCUMENTS_STORAGE_DIR": str(tmp_path / host),
                "DOCUMENTS_STORAGE": "s3",
                "DOCUMENTS_S3_BUCKET": BUCKET,
                "DOCUMENTS_S3_ENDPOINT_URL": s3_endpoint,
                "DOCUMENTS_S3_ACCESS_KEY_ID": "k",
                "DOCUMENTS_S3_SECRET_ACCESS_KEY": "s",
                "DOCUMENTS_RENDER_PROCESSES": "1",
            },
        )
    stack.wait_healthy(HOSTS)
    stack.wait_group_settled(CONSUMER_GROUP, len(HOSTS))
    yield HOSTS
    *first, last = HOSTS
    for stopped, host in enumerate(first, start=1):
        stack.stop(host)
        stack.wait_group_settled(CONSUMER_GROUP, len(HOSTS) - stopped)
    stack.stop(last)  # then the restarted process joins: it has no one to wait for
    stack.restart("documents")


async def test_a_hundred_returns_render_once_each_and_download_from_both_hosts(
    system: System, two_hosts: tuple[str, ...]
) -> None:
    tenant_id = await system.new_tenant()
    customer = await system.new_customer(tenant_id)

    async def one_return(i: int) -> str:
        held = await system.held_deposit(customer, Decimal("1000"))
        returned = await system.return_deposit(
            customer,
            held,
            {"kind": "full", "amount": "1000", "method": "bank_transfer", "reference": f"SLIP-{i:03}"},
        )
        return str(returned["receipt_number"])

    numbers: list[str] = []
    for batch in range(0, RETURNS, 10):
        numbers += await asyncio.gather(*(one_return(i) for i in range(batch, batch + 10)))
    assert len(set(numbers)) == RETURNS

    engine = create_async_engine(system.stack.database_url("documents"))
    try:

        async def all_done() -> list[tuple[str, str, int]]:
            async with engine.connect() as conn:
                rows = (
                    await conn.execute(
                        _RENDER_JOBS, {"tenant_id": tenant_id, "kind": DocumentKind.DEPOSIT_RETURN_RECEIPT}
                    )
                ).all()
            assert len(rows) == RETURNS, "not every return is scheduled yet"
            assert all(row.status == "done" for row in rows), "still rendering"
            return [tuple(row) for row in rows]

        jobs = await eventually(all_done, timeout_s=240, interval_s=1)
    finally:
        await engine.dispose()
    assert sorted(number for number, _, _ in jobs) == sorted(numbers)
    assert all(attempts == 1 for _, _, attempts in jobs), "a DEPRR was rendered more than once"

    headers = system.staff(tenant_id)
    for number in numbers:
        doc = document_id(tenant_id, DocumentKind.DEPOSIT_RETURN_RECEIPT, number)
        served = [
            await system.http.get(
                f"{system.stack.url(host)}/v1/documents/{doc}/file",
                params={"language": "en"},
                headers=headers,
            )
            for host in two_hosts
        ]
        assert [r.status_code for r in served] == [200, 200], number
        assert served[0].content.startswith(b"%PDF")
        assert served[0].content == served[1].content
