"""The receiving side of the claim check: the operations system uploads a signed document's file,
then names it by key in its event. An upload is counted and hashed as it streams in; it is refused
the moment it passes the cap, and kept only if it is exactly the file its path names. Pure.

Intake does not judge the content: a file that is not what its event claims is refused when the
event is applied, so it is dead-lettered and staff are alerted.
"""

import hashlib
import re
from dataclasses import dataclass

from shared.errors import RuleViolation, TooLarge

INTAKE_AREA = "intake"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class UploadTooLarge(TooLarge):
    code = "upload_too_large"


class UploadEmpty(RuleViolation):
    code = "upload_empty"


class UploadChecksumMismatch(RuleViolation):
    code = "checksum_mismatch"


@dataclass(frozen=True)
class IntakeReceipt:
    key: str  # what the event's FileRef.key carries
    sha256: str
    size_bytes: int


def intake_key(sha256: str) -> str:
    return f"{INTAKE_AREA}/{sha256}"


def intake_storage_key(tenant_id: str, key: str) -> str | None:
    """Where an event's key is stored, always within the event's own tenant; None for a key that is
    not an intake key at all."""
    area, _, sha256 = key.partition("/")
    if area != INTAKE_AREA or not SHA256_HEX.fullmatch(sha256):
        return None
    return f"{tenant_id}/{INTAKE_AREA}/{sha256}"


def mebibytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


class Upload:
    """One upload as it streams in: its size and checksum so far."""

    def __init__(self, *, sha256: str, max_bytes: int) -> None:
        self.expected_sha256 = sha256
        self.max_bytes = max_bytes
        self.size_bytes = 0
        self._digest = hashlib.sha256()

    def check_declared_size(self, content_length: str | None) -> None:
        """Refuses at once a body whose declared length is over the cap, before reading any of it."""
        if content_length and content_length.isdigit() and int(content_length) > self.max_bytes:
            raise self._too_large()

    def add(self, chunk: bytes) -> None:
        self.size_bytes += len(chunk)
        if self.size_bytes > self.max_bytes:
            raise self._too_large()
        self._digest.update(chunk)

    def finish(self) -> IntakeReceipt:
        if self.size_bytes == 0:
            raise UploadEmpty("The file is empty", field="body")
        actual = self._digest.hexdigest()
        if actual != self.expected_sha256:
            raise UploadChecksumMismatch(
                f"The file's sha256 is {actual}, not the {self.expected_sha256} in the path", field="sha256"
            )
        return IntakeReceipt(intake_key(self.expected_sha256), self.expected_sha256, self.size_bytes)

    def _too_large(self) -> UploadTooLarge:
        return UploadTooLarge(f"The file is larger than {mebibytes(self.max_bytes)}", field="body")
