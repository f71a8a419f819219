from pathlib import Path

from services.notifications.settings import Settings
from shared.entrypoint import main

main("services.notifications.bootstrap:build_app", Settings, Path(__file__).parent / "migrations")
