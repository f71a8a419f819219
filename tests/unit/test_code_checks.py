"""The checks `make lint` runs, so CI (which runs `make test`) holds the code to them too: types
(mypy over shared, services and mudjam), lint rules and formatting (ruff)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [["mypy"], ["ruff", "check", "."], ["ruff", "format", "--check", "."]],
    ids=["types", "lint", "format"],
)
def test_the_code_passes(command: list[str]) -> None:
    result = subprocess.run([str(TOOLS / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
