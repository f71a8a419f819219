"""Where the operators' tools find a service's database."""

import os
from pathlib import Path

from mudjam.ops import OpsError


def database_url(service: str, state_dir: Path) -> str:
    """Where the service's database is: `<SERVICE>_DATABASE_URL` as the service itself reads it,
    else the embedded PostgreSQL of a `mudjam dev up` running from `state_dir`."""
    if url := os.environ.get(f"{service.upper()}_DATABASE_URL"):
        return url
    pid_file = state_dir / "postgres" / "postmaster.pid"
    if pid_file.exists():
        socket_dir = pid_file.read_text().splitlines()[4]  # postmaster.pid's fifth line
        return f"postgresql+asyncpg://postgres@/mudjam_{service}?host={socket_dir}"
    raise OpsError(f"set {service.upper()}_DATABASE_URL: where the {service} database is")
