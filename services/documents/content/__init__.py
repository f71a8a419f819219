"""What each document says, in both languages: the view model the templates print. Pure.

The customer's language comes first and the other follows beneath (SPEC §5). Thai parts date in
the Buddhist Era and state amounts in words; English parts date in the Common Era.
"""

from services.documents.content.billing import TAX_INVOICE_HEADING
from services.documents.content.common import (
    TEXT,
    VOID_MARK,
    Amount,
    Column,
    Items,
    Part,
    Party,
    PromptPayQr,
    Row,
    Sheet,
    Signature,
    promptpay_qr,
)
from services.documents.content.deposits import NOT_SUBJECT_TO_VAT
from services.documents.content.sheet import build_sheet

__all__ = [
    "NOT_SUBJECT_TO_VAT",
    "TAX_INVOICE_HEADING",
    "TEXT",
    "VOID_MARK",
    "Amount",
    "Column",
    "Items",
    "Part",
    "Party",
    "PromptPayQr",
    "Row",
    "Sheet",
    "Signature",
    "build_sheet",
    "promptpay_qr",
]
