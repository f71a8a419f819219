from pathlib import Path

from services.portal.settings import Settings
from shared.entrypoint import main

main("services.portal.bootstrap:build_app", Settings, Path(__file__).parent / "migrations")
