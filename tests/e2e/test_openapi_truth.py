"""Each service's OpenAPI document tells the truth: schemathesis runs every check it has (and ours,
tests/e2e/schemathesis_checks.py) on valid and invalid requests, in its coverage and fuzzing
phases, against the running service, and finds nothing. Every status an operation answers is
documented, what the schema allows is accepted and what it forbids is refused (422 naming the
input), a 405 lists the methods of its path. The few refusals of schema-valid input by a rule the
schema cannot express (an id the service must know) are listed in schemathesis.toml, and only those.

It runs the schemathesis command line, as a developer would against `mudjam dev up`, with the seed
fixed so that a failure is reproduced by running it again (`st replay` shows the request)."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.system import System

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Per operation and generation mode; the coverage phase adds its own cases on top.
MAX_EXAMPLES = os.environ.get("MUDJAM_SCHEMATHESIS_EXAMPLES", "25")
SEED = os.environ.get("MUDJAM_SCHEMATHESIS_SEED", "20260312")


@pytest.mark.timeout(600)
@pytest.mark.parametrize("service", ["deposits", "billing", "documents", "notifications", "portal"])
async def test_schemathesis_finds_nothing_untrue_in_the_openapi(system: System, service: str) -> None:
    tenant_id = await system.new_tenant()  # with its settings, so that commands get past them
    token = system.staff(tenant_id)["Authorization"]
    run = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "--config-file",
        str(ROOT / "schemathesis.toml"),
        "--no-color",
        "run",
        f"{system.url(service)}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "coverage,fuzzing",
        "--mode",
        "all",
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--request-timeout",
        "30",
        "--header",
        f"Authorization: {token}",
        cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_checks"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await run.communicate()
    report = output.decode(errors="replace")
    assert run.returncode == 0, report[report.find("FAILURES") - 40 :] if "FAILURES" in report else report
    assert " passed" in report, report  # it reached the operations
