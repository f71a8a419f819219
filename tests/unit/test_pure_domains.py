"""Every service's domain is pure: importing it loads no database, web or messaging framework."""

import subprocess
import sys

import pytest

from mudjam.stack import SERVICES

FRAMEWORKS = ("sqlalchemy", "fastapi", "faststream", "asyncpg", "aiokafka", "starlette")


@pytest.mark.parametrize("service", SERVICES)
def test_importing_the_domain_loads_no_framework(service: str) -> None:
    probe = (
        "import sys\n"
        f"import services.{service}.domain\n"
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({FRAMEWORKS!r}))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"services.{service}.domain loads {result.stdout.strip()}"
