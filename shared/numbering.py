"""Document types and their default number prefixes (tenants may configure their own)."""

from shared.contracts.documents import DocumentKind

DEFAULT_PREFIXES: dict[str, str] = {
    DocumentKind.DEPOSIT_REQUEST: "DEP",
    DocumentKind.DEPOSIT_RECEIPT: "DEPR",
    DocumentKind.DEPOSIT_RETURN_RECEIPT: "DEPRR",
    DocumentKind.INVOICE: "INV",
    DocumentKind.RECEIPT: "RC",
    DocumentKind.PREPAYMENT_RECEIPT: "PREREC",
    DocumentKind.TAX_INVOICE: "TI",
}


def prefix_for(kind: DocumentKind, configured: dict[str, str]) -> str:
    return configured.get(kind.value) or DEFAULT_PREFIXES[kind]
