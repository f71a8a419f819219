"""`python -m services.<name> [serve|migrate]`: the same two commands for every service."""

import argparse
from pathlib import Path

import uvicorn

from shared.migrations import upgrade
from shared.settings import ServiceSettings


def main(app_factory: str, settings_class: type[ServiceSettings], migrations_dir: Path) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = settings_class()
    if args.command == "migrate":
        upgrade(migrations_dir, settings.database_url)
        return
    uvicorn.run(
        app_factory, factory=True, host=settings.host, port=settings.port, log_config=None, access_log=False
    )
