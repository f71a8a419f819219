from pathlib import Path

from services.documents.settings import Settings
from shared.entrypoint import main

main("services.documents.bootstrap:build_app", Settings, Path(__file__).parent / "migrations")
