"""`python -m services.<name> [serve|migrate]`: the same two commands for every service."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import uvicorn
from pydantic import ValidationError

from shared.migrations import upgrade
from shared.settings import ServiceSettings

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def main(
    app_factory: str,
    settings_class: type[SettingsT],
    migrations_dir: Path,
    *,
    workers: Callable[[SettingsT], int] = lambda _: 1,
) -> None:
    """Migrates or serves (with `workers(settings)` worker processes); settings a service refuses
    (production with a dev secret, say) end it at once with one line naming them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    try:
        settings = settings_class()
    except ValidationError as error:
        service = settings_class.__module__.split(".")[1]
        sys.exit(f"mudjam {service}: refusing to start: {settings_problems(error)}")
    if args.command == "migrate":
        upgrade(migrations_dir, settings.database_url)
        return
    uvicorn.run(
        app_factory,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers(settings),
        log_config=None,
        access_log=False,
    )


def settings_problems(error: ValidationError) -> str:
    """The settings' refusals in one line, each naming its setting, without the values given."""
    problems = []
    for problem in error.errors(include_input=False, include_url=False):
        where = ".".join(map(str, problem["loc"]))
        message = problem["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)
