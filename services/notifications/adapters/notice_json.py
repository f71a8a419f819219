"""Notice facts and attached documents as the JSON stored in `notices.facts` and `notices.documents`."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from services.notifications.domain import (
    ChargeLine,
    DamageFacts,
    NoticeDocument,
    NoticeFacts,
    NoticeKind,
    PaymentFacts,
    Retention,
    ReturnFacts,
)
from shared.contracts.documents import DocumentKind


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _uuid(value: str | None) -> UUID | None:
    return None if value is None else UUID(value)


def facts_to_json(facts: NoticeFacts | None) -> dict[str, Any] | None:
    match facts:
        case None:
            return None
        case ReturnFacts():
            return {
                "deposit_id": str(facts.deposit_id),
                "deposit_number": facts.deposit_number,
                "receipt_number": facts.receipt_number,
                "kind": facts.kind,
                "held_amount": str(facts.held_amount),
                "returned_amount": str(facts.returned_amount),
                "retained_amount": str(facts.retained_amount),
                "reason": facts.reason,
                "method": facts.method,
                "reference": facts.reference,
                "returned_on": facts.returned_on.isoformat(),
            }
        case PaymentFacts():
            return {
                "receipt_number": facts.receipt_number,
                "prepayment": facts.prepayment,
                "amount": str(facts.amount),
                "method": facts.method,
                "reference": facts.reference,
                "paid_on": facts.paid_on.isoformat(),
                "invoice_number": facts.invoice_number,
                "balance": _money(facts.balance),
                "job_id": facts.job_id,
                "vat_amount": _money(facts.vat_amount),
                "invoice_id": _id(facts.invoice_id),
            }
        case DamageFacts():
            return {
                "tax_invoice_number": facts.tax_invoice_number,
                "issue_date": facts.issue_date.isoformat(),
                "job_id": facts.job_id,
                "damage_invoice_numbers": list(facts.damage_invoice_numbers),
                "damage_invoice_ids": [str(i) for i in facts.damage_invoice_ids],
                "retentions": [
                    {
                        "deposit_number": r.deposit_number,
                        "return_receipt_number": r.return_receipt_number,
                        "amount": str(r.amount),
                    }
                    for r in facts.retentions
                ],
                "lines": [
                    {"description": line.description, "amount": str(line.amount)} for line in facts.lines
                ],
                "amount_before_vat": str(facts.amount_before_vat),
                "vat_rate": str(facts.vat_rate),
                "vat_amount": str(facts.vat_amount),
                "total": str(facts.total),
            }
    raise TypeError(f"unknown notice facts {type(facts).__name__}")


def _return_facts(data: dict[str, Any]) -> ReturnFacts:
    return ReturnFacts(
        deposit_id=UUID(data["deposit_id"]),
        deposit_number=data["deposit_number"],
        receipt_number=data["receipt_number"],
        kind=data["kind"],
        held_amount=Decimal(data["held_amount"]),
        returned_amount=Decimal(data["returned_amount"]),
        retained_amount=Decimal(data["retained_amount"]),
        reason=data["reason"],
        method=data["method"],
        reference=data["reference"],
        returned_on=date.fromisoformat(data["returned_on"]),
    )


def _payment_facts(data: dict[str, Any]) -> PaymentFacts:
    return PaymentFacts(
        receipt_number=data["receipt_number"],
        prepayment=data["prepayment"],
        amount=Decimal(data["amount"]),
        method=data["method"],
        reference=data["reference"],
        paid_on=date.fromisoformat(data["paid_on"]),
        invoice_number=data["invoice_number"],
        balance=_decimal(data["balance"]),
        job_id=data["job_id"],
        vat_amount=_decimal(data["vat_amount"]),
        # Keys added later are absent from the notices stored before them.
        invoice_id=_uuid(data.get("invoice_id")),
    )


def _damage_facts(data: dict[str, Any]) -> DamageFacts:
    return DamageFacts(
        tax_invoice_number=data["tax_invoice_number"],
        issue_date=date.fromisoformat(data["issue_date"]),
        job_id=data["job_id"],
        damage_invoice_numbers=tuple(data["damage_invoice_numbers"]),
        retentions=tuple(
            Retention(r["deposit_number"], r["return_receipt_number"], Decimal(r["amount"]))
            for r in data["retentions"]
        ),
        lines=tuple(ChargeLine(line["description"], Decimal(line["amount"])) for line in data["lines"]),
        amount_before_vat=Decimal(data["amount_before_vat"]),
        vat_rate=Decimal(data["vat_rate"]),
        vat_amount=Decimal(data["vat_amount"]),
        total=Decimal(data["total"]),
        damage_invoice_ids=tuple(UUID(i) for i in data.get("damage_invoice_ids", ())),
    )


_FACTS_OF: dict[NoticeKind, Callable[[dict[str, Any]], NoticeFacts]] = {
    NoticeKind.DEPOSIT_RETURNED: _return_facts,
    NoticeKind.PAYMENT_RECEIPT: _payment_facts,
    NoticeKind.PREPAYMENT_RECEIPT: _payment_facts,
    NoticeKind.DAMAGE_CHARGES: _damage_facts,
}


def facts_of(kind: NoticeKind, data: dict[str, Any] | None) -> NoticeFacts | None:
    return None if data is None else _FACTS_OF[kind](data)


def documents_to_json(documents: tuple[NoticeDocument, ...]) -> list[dict[str, Any]]:
    return [
        {
            "kind": d.kind.value,
            "number": d.number,
            "document_id": str(d.document_id) if d.document_id else None,
        }
        for d in documents
    ]


def documents_of(data: list[dict[str, Any]]) -> tuple[NoticeDocument, ...]:
    return tuple(
        NoticeDocument(
            DocumentKind(d["kind"]), d["number"], UUID(d["document_id"]) if d["document_id"] else None
        )
        for d in data
    )
