"""`python -m services.portal [serve|migrate]`. Serving runs `PORTAL_WORKERS` uvicorn worker processes
(one per core by default) on the one port; migrations are a separate command, run once before."""

import os
from pathlib import Path

from services.portal.settings import Settings
from shared.entrypoint import main


def worker_count(settings: Settings) -> int:
    return max(1, settings.workers if settings.workers is not None else (os.cpu_count() or 1))


APP = "services.portal.bootstrap:build_app"
main(APP, Settings, Path(__file__).parent / "migrations", workers=worker_count)
