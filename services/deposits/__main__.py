from pathlib import Path

from services.deposits.settings import Settings
from shared.entrypoint import main

main("services.deposits.bootstrap:build_app", Settings, Path(__file__).parent / "migrations")
