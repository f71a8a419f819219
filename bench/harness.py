"""The system the benchmarks run against: the whole of it started here on embedded defaults (an
embedded PostgreSQL, the tansu broker, the five services as processes, an SMTP sink), each server on
a free port of 127.0.0.1 and its state in a fresh folder under the temporary directory."""

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from mudjam.mailsink import MailSink
from mudjam.stack import SERVICES, Stack, StackConfig, free_port
from tests.system import System


@asynccontextmanager
async def running_system(portal_workers: int = os.cpu_count() or 1) -> AsyncIterator[System]:
    """The system, started and migrated; stopped on the way out (its state folder is kept, logs
    under `logs/`). The portal runs `portal_workers` processes: one per core, as production runs it,
    unless the caller kills and restarts it (then one, as the test stack does)."""
    state = Path(tempfile.mkdtemp(prefix="mudjam-bench-"))
    ports = {service: free_port() for service in SERVICES}
    stack = Stack(
        StackConfig(
            state_dir=state,
            ports=ports,
            kafka_port=free_port(),
            smtp_port=free_port(),
            kafka_session_timeout_ms=2000,
            extra_env={"PORTAL_WORKERS": str(portal_workers)},
        )
    )
    stack.start_infrastructure()
    mail = MailSink(port=stack.config.smtp_port).start()
    try:
        stack.migrate()
        stack.start_all()
        system = System(stack, mail)
        try:
            yield system
        finally:
            await system.http.aclose()
    finally:
        stack.stop_all()
        mail.stop()
        stack.stop_embedded_postgres()
