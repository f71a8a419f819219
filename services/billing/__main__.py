from pathlib import Path

from services.billing.settings import Settings
from shared.entrypoint import main

main("services.billing.bootstrap:build_app", Settings, Path(__file__).parent / "migrations")
