"""`mudjam dev up` (what `make run` runs): the whole system on embedded defaults, with demo data."""

import asyncio
import contextlib
import signal
import sys
import time
from pathlib import Path

from mudjam.cli import staff_sign_in_link
from mudjam.demo import DemoSeeder
from mudjam.mailsink import MailSink
from mudjam.stack import SERVICES, Stack, StackConfig, remove_state

BANNER = """
Mudjam is running (embedded PostgreSQL, tansu broker, five services). Ctrl-C stops everything.

  Customer portal (demo customer สมชาย, Thai):  {link_th}
  Customer portal (demo customer Acme, English): {link_en}
  Staff console (manager, all branches; 15 min):  {staff_link}
    (a new one: `.venv/bin/mudjam staff-link --tenant demo --roles staff,manager`)

  Staff APIs (OpenAPI docs; get a token with `.venv/bin/mudjam dev-token --tenant demo`):
{docs}
  Event catalogue (AsyncAPI):      {deposits}/asyncapi
  Emails sent to customers:        {mail}/*.eml   (SMTP sink on 127.0.0.1:{smtp})
  Service logs:                    {logs}/*.log
"""


def run_dev_stack(state_dir: Path, *, fresh: bool, demo: bool) -> int:
    if fresh:
        remove_state(state_dir)
    stack = Stack(StackConfig(state_dir=state_dir))
    mail = MailSink(port=stack.config.smtp_port, directory=state_dir / "mail")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        print("Starting PostgreSQL and the broker…", flush=True)
        stack.start_infrastructure()
        mail.start()
        print("Migrating databases…", flush=True)
        stack.migrate()
        print("Starting services…", flush=True)
        stack.start_all()
        links = asyncio.run(_seed_and_link(stack, state_dir, demo))
        docs = "\n".join(f"    {name:<14} {stack.url(name)}/docs" for name in SERVICES)
        print(
            BANNER.format(
                link_th=links.get("somchai", "(no demo data)"),
                link_en=links.get("acme", "(no demo data)"),
                staff_link=staff_sign_in_link(
                    tenant_id="demo",
                    branches=["*"],
                    roles=["staff", "manager"],
                    user_id="demo-manager",
                    name="Demo Manager",
                    portal_public_url=stack.env_for("portal")["MUDJAM_PORTAL_PUBLIC_URL"],
                ),
                docs=docs,
                deposits=stack.url("deposits"),
                mail=(state_dir / "mail").resolve(),
                smtp=stack.config.smtp_port,
                logs=stack.logs.resolve(),
            ),
            flush=True,
        )
        while not stopping:
            for name, process in list(stack.processes.items()):
                if process.poll() is not None:
                    log = stack.logs / f"{name}.log"
                    print(f"{name} stopped (exit {process.returncode}); see {log}")
                    return 1
            time.sleep(1)
        return 0
    except KeyboardInterrupt:
        return 0
    except Exception as error:
        print(f"mudjam dev up failed: {error}", file=sys.stderr)
        return 1
    finally:
        print("Stopping…", flush=True)
        with contextlib.suppress(Exception):
            stack.stop_all()
        with contextlib.suppress(Exception):
            mail.stop()
        stack.stop_embedded_postgres()


async def _seed_and_link(stack: Stack, state_dir: Path, demo: bool) -> dict[str, str]:
    if not demo:
        return {}
    seeder = DemoSeeder(
        kafka_bootstrap=stack.kafka_bootstrap,
        deposits_url=stack.url("deposits"),
        billing_url=stack.url("billing"),
        documents_url=stack.url("documents"),
        portal_url=stack.url("portal"),
    )
    marker = state_dir / "demo-seeded"
    try:
        if not marker.exists():
            print("Loading demo data…", flush=True)
            await seeder.seed()
            marker.touch()
        return {customer: await seeder.portal_link(customer) for customer in ("somchai", "acme")}
    finally:
        await seeder.aclose()
