"""Document numbers (SPEC §5): which sequence a document's number comes from and how it is written.
Pure. The counter itself is a row per sequence, incremented in the transaction that issues the
document (`shared.db.stores.DocumentNumbers`), so numbers never repeat and never skip."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Self

from shared.clock import local_date
from shared.contracts.documents import DocumentKind
from shared.contracts.upstream import TenantSettingsUpdated

DEFAULT_PREFIXES: dict[str, str] = {
    DocumentKind.DEPOSIT_REQUEST: "DEP",
    DocumentKind.DEPOSIT_RECEIPT: "DEPR",
    DocumentKind.DEPOSIT_RETURN_RECEIPT: "DEPRR",
    DocumentKind.INVOICE: "INV",
    DocumentKind.RECEIPT: "RC",
    DocumentKind.PREPAYMENT_RECEIPT: "PREREC",
    DocumentKind.TAX_INVOICE: "TI",
}
_BRANCH_CODE_LENGTH = 8


@dataclass(frozen=True)
class NumberSequence:
    """One sequence: a tenant's document type in a year, tenant-wide or for one branch."""

    document_type: str
    prefix: str
    year: int
    branch_code: str | None = None

    @property
    def scope(self) -> str:
        return self.branch_code or ""

    def format(self, value: int) -> str:
        """DEPRR-2026-0001, or DEPRR-BKK-2026-0001 with per-branch numbering; wider past 9999."""
        parts = [self.prefix, self.branch_code, str(self.year), f"{value:04d}"]
        return "-".join(part for part in parts if part)


@dataclass(frozen=True)
class NumberingRules:
    """A tenant's numbering: prefixes, per-branch sequences, and the time zone whose business date
    gives the year. The defaults stand until the tenant's settings arrive."""

    timezone: str = "Asia/Bangkok"
    document_prefixes: Mapping[str, str] = field(default_factory=dict)
    per_branch_numbering: bool = False
    branch_codes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: TenantSettingsUpdated) -> Self:
        return cls(
            timezone=settings.timezone,
            document_prefixes=dict(settings.document_prefixes),
            per_branch_numbering=settings.per_branch_numbering,
            branch_codes={b.branch_id: b.code for b in settings.branches},
        )

    def prefix(self, kind: DocumentKind) -> str:
        return self.document_prefixes.get(kind.value) or DEFAULT_PREFIXES[kind]

    def branch_code(self, branch_id: str | None) -> str | None:
        """The branch's code in its numbers, with per-branch numbering: the configured code, else
        the branch id in capitals."""
        if not self.per_branch_numbering or not branch_id:
            return None
        return self.branch_codes.get(branch_id) or branch_id.upper()[:_BRANCH_CODE_LENGTH]

    def sequence(self, kind: DocumentKind, *, branch_id: str | None, now: datetime) -> NumberSequence:
        """The sequence a document issued now at the branch takes its number from."""
        return NumberSequence(
            document_type=kind.value,
            prefix=self.prefix(kind),
            year=local_date(now, self.timezone).year,
            branch_code=self.branch_code(branch_id),
        )
