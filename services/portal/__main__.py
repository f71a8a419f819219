"""`python -m services.portal [serve|migrate]`. Serving runs `PORTAL_WORKERS` uvicorn worker processes
(one per core by default) on the one port; migrations are a separate command, run once before."""

import argparse
import os
from pathlib import Path

import uvicorn

from services.portal.settings import Settings
from shared.migrations import upgrade

APP = "services.portal.bootstrap:build_app"


def worker_count(settings: Settings) -> int:
    return max(1, settings.workers if settings.workers is not None else (os.cpu_count() or 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = Settings()
    if args.command == "migrate":
        upgrade(Path(__file__).parent / "migrations", settings.database_url)
        return
    uvicorn.run(
        APP,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=worker_count(settings),
        log_config=None,
        access_log=False,
    )


main()
